"""Renderers of findings for machines and CI: text, json, sarif (2.1.0), rdjson (reviewdog), junit.

One findings model, several renderers. Every renderer takes the same `FindingsView`: the findings to
show, the sources and claims they point at, and where paths are relative to. A finding is located at
the file and line of each of its claims (`Source.line_of(claim.start)`); the primary location is a
claim of a *new* source when there is one (in a pull request that is the file the reviewer can fix),
the other claims become related locations.
"""
from __future__ import annotations

import json
import os
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__ as CHECKER_VERSION
from .model import SEVERITIES, Claim, Finding, Source

FORMATS = ("text", "json", "sarif", "rdjson", "junit")
TOOL_NAME = "checker"
TOOL_URI = "https://github.com/checker-news/checker"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
RDJSON_SEVERITY = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


def at_or_above(finding: Finding, threshold: str) -> bool:
    return severity_rank(finding.severity) >= severity_rank(threshold)


@dataclass(frozen=True)
class Location:
    path: str  # posix, relative to the view's base folder when the file lies under it
    line: int  # 1-based
    end_line: int
    source_id: str
    claim_id: str | None
    snippet: str = ""


@dataclass(frozen=True)
class RuleInfo:
    id: str
    description: str = ""
    kind: str | None = None
    severity: str | None = None


@dataclass
class FindingsView:
    """What a renderer needs. `new_sources` picks primary locations; `fail_on` marks failing findings."""

    findings: Sequence[Finding]
    sources: Mapping[str, Source]
    claims: Mapping[str, Claim]
    root: Path | None = None  # the corpus folder: relative Source.path values are resolved against it
    base: Path | None = None  # paths are printed relative to this (repository root); default cwd
    new_sources: Collection[str] = ()
    rules: Mapping[str, RuleInfo] = field(default_factory=dict)
    fail_on: str = "error"
    summary: Mapping[str, Any] = field(default_factory=dict)

    def locations(self, finding: Finding) -> list[Location]:
        return locate(finding, self.sources, self.claims, root=self.root, base=self.base,
                      prefer_sources=self.new_sources)


def _single_line(text: str, limit: int | None = None) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def artifact_path(source: Source, root: Path | None = None, base: Path | None = None) -> str:
    """The file of a source as a posix path relative to `base` (cwd by default) when it lies under it."""
    given = Path(source.path)
    base = (base or Path.cwd()).resolve()
    candidates = [given] if given.is_absolute() else [given] + ([root / given] if root else [])
    for candidate in candidates:
        if candidate.exists():
            resolved = candidate.resolve()
            for folder in (base, root.resolve() if root else None):
                if folder is None:
                    continue
                try:
                    return resolved.relative_to(folder).as_posix()
                except ValueError:
                    continue
            return resolved.as_posix()
    return given.as_posix()


def locate(finding: Finding, sources: Mapping[str, Source], claims: Mapping[str, Claim], *,
           root: Path | None = None, base: Path | None = None,
           prefer_sources: Collection[str] = ()) -> list[Location]:
    """File and line of every claim of a finding; a claim from a preferred (new) source first."""
    found: list[Location] = []
    for claim_id in finding.claims:
        claim = claims.get(claim_id)
        source = sources.get(claim.source_id) if claim else None
        if claim is None or source is None:
            continue
        start = source.line_of(claim.start)
        end = max(start, source.line_of(max(claim.start, claim.end - 1)))
        found.append(Location(artifact_path(source, root, base), start, end, source.id, claim.id,
                              _single_line(claim.text, 300)))
    if not found:  # claims unknown (e.g. a finding read back from JSON): point at the sources' files
        for source_id in finding.sources:
            source = sources.get(source_id)
            if source is not None:
                found.append(Location(artifact_path(source, root, base), 1, 1, source.id, None))
    preferred = set(prefer_sources)
    found.sort(key=lambda loc: 0 if loc.source_id in preferred else 1)  # stable: claim order otherwise
    return found


# -- text ----------------------------------------------------------------------------------------

def render_text(view: FindingsView) -> str:
    """`path:line: severity kind rule: message`, one line per finding, like a compiler."""
    lines = []
    for finding in view.findings:
        locs = view.locations(finding)
        where = f"{locs[0].path}:{locs[0].line}" if locs else f"{(finding.sources or ('?',))[0]}:1"
        lines.append(f"{where}: {finding.severity} {finding.kind} {finding.rule}: {_single_line(finding.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


# -- json ----------------------------------------------------------------------------------------

def render_json(view: FindingsView) -> str:
    findings = []
    for finding in view.findings:
        entry = finding.to_json()
        entry["fails"] = at_or_above(finding, view.fail_on)
        entry["locations"] = [
            {"path": loc.path, "line": loc.line, "end_line": loc.end_line, "source": loc.source_id,
             "claim": loc.claim_id} for loc in view.locations(finding)]
        findings.append(entry)
    document = {"tool": TOOL_NAME, "version": CHECKER_VERSION, "fail_on": view.fail_on,
                "summary": dict(view.summary), "findings": findings}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# -- sarif ---------------------------------------------------------------------------------------

def _uri(path: str) -> str:
    return urllib.parse.quote(path, safe="/:")


def _sarif_location(loc: Location, with_id: int | None = None, message: str | None = None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": loc.line, "endLine": loc.end_line}
    if loc.snippet:
        region["snippet"] = {"text": loc.snippet}
    out: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": _uri(loc.path)}, "region": region}}
    if with_id is not None:
        out["id"] = with_id
    if message:
        out["message"] = {"text": message}
    return out


def _rule_infos(view: FindingsView) -> list[RuleInfo]:
    ids = sorted({f.rule for f in view.findings})
    infos = []
    for rule_id in ids:
        info = view.rules.get(rule_id)
        if info is None:
            sample = next(f for f in view.findings if f.rule == rule_id)
            info = RuleInfo(rule_id, "", sample.kind, sample.severity)
        infos.append(info)
    return infos


def render_sarif(view: FindingsView) -> str:
    """SARIF 2.1.0 for code-scanning UIs: one run, rules with descriptions, results with locations."""
    infos = _rule_infos(view)
    index = {info.id: i for i, info in enumerate(infos)}
    rules = []
    for info in infos:
        description = _single_line(info.description) or info.id.replace("-", " ")
        rule: dict[str, Any] = {
            "id": info.id,
            "name": "".join(part.capitalize() for part in info.id.split("-")),
            "shortDescription": {"text": _single_line(description, 120)},
            "fullDescription": {"text": description},
            "properties": {"tags": [info.kind] if info.kind else []},
        }
        if info.severity in SARIF_LEVEL:
            rule["defaultConfiguration"] = {"level": SARIF_LEVEL[info.severity]}
        rules.append(rule)
    results = []
    for finding in view.findings:
        locs = view.locations(finding)
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": SARIF_LEVEL.get(finding.severity, "warning"),
            "kind": "fail",
            "message": {"text": _single_line(finding.message) or finding.rule},
            "locations": [_sarif_location(locs[0])] if locs else [],
            "partialFingerprints": {"checkerFindingId/v1": finding.id},
            "properties": {"findingId": finding.id, "kind": finding.kind, "severity": finding.severity,
                           "confidence": round(finding.confidence, 3), "sources": list(finding.sources),
                           "claims": list(finding.claims)},
        }
        related = [_sarif_location(loc, i, f"{loc.source_id}: {loc.snippet}" if loc.snippet else loc.source_id)
                   for i, loc in enumerate(locs[1:], start=1)]
        if related:
            result["relatedLocations"] = related
        if not locs:
            del result["locations"]
        results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": TOOL_NAME, "version": CHECKER_VERSION, "informationUri": TOOL_URI,
                            "rules": rules}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if view.summary:
        run["properties"] = {"summary": dict(view.summary)}
    return json.dumps({"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]},
                      ensure_ascii=False, indent=2) + "\n"


# -- rdjson (reviewdog) --------------------------------------------------------------------------

def _rd_location(loc: Location) -> dict[str, Any]:
    # line-wise range (no columns): reviewdog treats start..end lines inclusively
    return {"path": loc.path, "range": {"start": {"line": loc.line}, "end": {"line": loc.end_line}}}


def render_rdjson(view: FindingsView) -> str:
    """reviewdog's Diagnostic Format (rdjson): `reviewdog -f=rdjson` turns it into PR comments."""
    diagnostics = []
    for finding in view.findings:
        locs = view.locations(finding)
        diagnostic: dict[str, Any] = {
            "message": _single_line(finding.message) or finding.rule,
            "severity": RDJSON_SEVERITY.get(finding.severity, "UNKNOWN_SEVERITY"),
            "source": {"name": TOOL_NAME, "url": TOOL_URI},
            "code": {"value": finding.rule},
            "original_output": finding.id,
        }
        if locs:
            diagnostic["location"] = _rd_location(locs[0])
        if len(locs) > 1:
            diagnostic["related_locations"] = [
                {"message": f"{loc.source_id}: {loc.snippet}" if loc.snippet else loc.source_id,
                 "location": _rd_location(loc)} for loc in locs[1:]]
        diagnostics.append(diagnostic)
    worst = max((severity_rank(f.severity) for f in view.findings), default=None)
    document: dict[str, Any] = {"source": {"name": TOOL_NAME, "url": TOOL_URI}, "diagnostics": diagnostics}
    if worst is not None:
        document["severity"] = RDJSON_SEVERITY[SEVERITIES[worst]]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# -- junit ---------------------------------------------------------------------------------------

def render_junit(view: FindingsView) -> str:
    """JUnit XML: one testcase per new finding; a failure when it is at or above --fail-on."""
    failing = [f for f in view.findings if at_or_above(f, view.fail_on)]
    suites = ET.Element("testsuites", name=TOOL_NAME, tests=str(max(1, len(view.findings))),
                        failures=str(len(failing)))
    suite = ET.SubElement(suites, "testsuite", name=f"{TOOL_NAME} gate", tests=str(max(1, len(view.findings))),
                          failures=str(len(failing)), errors="0", skipped="0")
    for finding in view.findings:
        locs = view.locations(finding)
        where = f"{locs[0].path}:{locs[0].line}" if locs else ",".join(finding.sources)
        case = ET.SubElement(suite, "testcase", classname=f"{TOOL_NAME}.{finding.rule}",
                             name=f"{finding.id} {where}")
        if locs:
            case.set("file", locs[0].path)
            case.set("line", str(locs[0].line))
        details = "\n".join([f"{finding.severity} {finding.kind} {finding.rule}: {_single_line(finding.message)}"]
                            + [f"  {loc.path}:{loc.line} [{loc.source_id}] {loc.snippet}" for loc in locs])
        if finding in failing:
            failure = ET.SubElement(case, "failure", type=finding.severity,
                                    message=_single_line(finding.message, 500))
            failure.text = details
        else:
            ET.SubElement(case, "system-out").text = details
    if not view.findings:  # an empty suite confuses some CI readers; one passing case says "checked"
        ET.SubElement(suite, "testcase", classname=f"{TOOL_NAME}.gate", name="no new findings")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


RENDERERS = {"text": render_text, "json": render_json, "sarif": render_sarif, "rdjson": render_rdjson,
             "junit": render_junit}


def render(fmt: str, view: FindingsView) -> str:
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        from .errors import UsageError

        raise UsageError(f"unknown format '{fmt}'", hint=f"use one of {', '.join(FORMATS)}") from None
    return renderer(view)


def rules_from_loaded(rules: Sequence[Any]) -> dict[str, RuleInfo]:
    """RuleInfo per rule id from the rule engine's objects (duck-typed: id, description, kind, severity)."""
    infos = {}
    for rule in rules:
        rule_id = getattr(rule, "id", None)
        if rule_id:
            infos[rule_id] = RuleInfo(rule_id, str(getattr(rule, "description", "") or ""),
                                      getattr(rule, "kind", None), getattr(rule, "severity", None))
    return infos


def repository_root(start: Path) -> Path:
    """The enclosing git work tree (where code-scanning paths are relative to), else the cwd."""
    folder = start.resolve()
    folder = folder if folder.is_dir() else folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return Path(os.getcwd())
