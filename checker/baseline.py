"""The baseline: findings a team has accepted (or suppressed as false alarms), so the gate stays quiet.

File format (YAML, written sorted by finding id, one block per finding so it diffs and merges well):

    # checker baseline: accepted findings. `checker gate` fails only on findings not listed here.
    version: 1
    findings:
    - id: f-8c21d0
      rule: announced-window-misses-deadline
      kind: inconsistency
      severity: error
      status: accepted            # accepted | suppressed
      sources:
      - 004_5ef256accc8a372d
      message: Announced on 2025-09-27 with 12 months to go, yet the deadline is 2025-09-30.
      note: optional free text (a suppressed entry carries the reviewer's reason here)

Reading is strict: unknown keys, missing keys, wrong types, duplicate keys or ids are a
`BaselineError` naming the file and line (exit 2), because a baseline that is silently misread would
let new findings through.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import BaselineError
from .io_utils import atomic_write_text
from .model import KINDS, SEVERITIES, Finding

log = logging.getLogger(__name__)

BASELINE_VERSION = 1
STATUSES = ("accepted", "suppressed")
MESSAGE_LIMIT = 240
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
_REQUIRED = ("id", "rule", "kind", "severity", "sources", "message")
_OPTIONAL = ("status", "note", "reviewer", "reviewed_at")
_HEADER = ("# checker baseline: findings accepted by the team. `checker gate` fails only on findings not\n"
           "# listed here. Written by `checker baseline create|update`; entries sorted by id.\n")


@dataclass(frozen=True)
class BaselineEntry:
    id: str
    rule: str
    kind: str
    severity: str
    sources: tuple[str, ...]
    message: str
    status: str = "accepted"
    note: str | None = None
    reviewer: str | None = None
    reviewed_at: str | None = None
    line: int = 0  # where it was read from, for messages; not written

    @property
    def suppressed(self) -> bool:
        return self.status == "suppressed"

    def to_yaml_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "rule": self.rule, "kind": self.kind, "severity": self.severity,
                               "status": self.status, "sources": list(self.sources), "message": self.message}
        for key in ("note", "reviewer", "reviewed_at"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out


@dataclass(frozen=True)
class Baseline:
    entries: tuple[BaselineEntry, ...] = ()
    path: str | None = None

    def by_id(self) -> dict[str, BaselineEntry]:
        return {e.id: e for e in self.entries}

    def __len__(self) -> int:
        return len(self.entries)


def short_message(text: str) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1].rstrip() + "…"


def entry_from_finding(finding: Finding, status: str = "accepted", note: str | None = None,
                       reviewer: str | None = None, reviewed_at: str | None = None) -> BaselineEntry:
    return BaselineEntry(id=finding.id, rule=finding.rule, kind=finding.kind, severity=finding.severity,
                         sources=tuple(finding.sources), message=short_message(finding.message), status=status,
                         note=note or None, reviewer=reviewer or None, reviewed_at=reviewed_at or None)


# -- reading -------------------------------------------------------------------------------------

class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML keeps the last one silently)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise BaselineError(f"duplicate key '{key}'", path=loader.name, line=key_node.start_mark.line + 1)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _value_node(mapping: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(mapping, yaml.MappingNode):
        for key_node, value_node in mapping.value:
            if getattr(key_node, "value", None) == key:
                return value_node
    return None


def parse_baseline(text: str, path: str = "<baseline>") -> Baseline:
    """Parse and validate a baseline document; every problem names the line."""
    def fail(message: str, node: yaml.Node | None = None, hint: str | None = None) -> BaselineError:
        return BaselineError(message, path=path, line=_line(node), hint=hint)

    try:
        loader = _StrictLoader(text)
        loader.name = path
        try:
            root_node = loader.get_single_node()
        finally:
            loader.dispose()
        loader = _StrictLoader(text)
        loader.name = path
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise BaselineError(f"not valid YAML ({exc.problem or exc.context})", path=path,
                            line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise BaselineError(f"not valid YAML ({exc})", path=path) from None
    if data is None:
        raise fail("the baseline is empty", hint="create it with `checker baseline create`")
    if not isinstance(data, dict):
        raise fail("expected a mapping with 'version' and 'findings'", root_node)
    unknown = sorted(set(data) - {"version", "findings"})
    if unknown:
        raise fail(f"unknown key '{unknown[0]}'", _value_node(root_node, unknown[0]),
                   hint="a baseline has only 'version' and 'findings'")
    if data.get("version") != BASELINE_VERSION:
        raise fail(f"'version' must be {BASELINE_VERSION}, got {data.get('version')!r}",
                   _value_node(root_node, "version") or root_node)
    items = data.get("findings")
    items_node = _value_node(root_node, "findings")
    if items is None:
        items = []
    if not isinstance(items, list):
        raise fail("'findings' must be a list", items_node)
    entries: list[BaselineEntry] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        node = items_node.value[index] if isinstance(items_node, yaml.SequenceNode) else None
        if not isinstance(item, dict):
            raise fail("each finding must be a mapping with id, rule, kind, severity, sources, message", node)
        for key in item:
            if key not in _REQUIRED and key not in _OPTIONAL:
                raise fail(f"unknown key '{key}'", _value_node(node, str(key)) or node,
                           hint=f"allowed: {', '.join(_REQUIRED + _OPTIONAL)}")
        for key in _REQUIRED:
            if key not in item:
                raise fail(f"finding lacks '{key}'", node)

        def text_field(key: str, required: bool = True) -> str | None:
            value = item.get(key)
            if value is None and not required:
                return None
            if not isinstance(value, str) or (required and not value.strip()):
                raise fail(f"'{key}' must be a non-empty string", _value_node(node, key) or node)
            return value

        entry_id = text_field("id")
        if not _ID_RE.match(entry_id):
            raise fail(f"'{entry_id}' is not a finding id", _value_node(node, "id"))
        if entry_id in seen:
            raise fail(f"finding '{entry_id}' is listed twice (first on line {seen[entry_id]})",
                       _value_node(node, "id"))
        seen[entry_id] = _line(node) or 0
        kind, severity = text_field("kind"), text_field("severity")
        if kind not in KINDS:
            raise fail(f"unknown kind '{kind}'", _value_node(node, "kind"), hint=f"one of {', '.join(KINDS)}")
        if severity not in SEVERITIES:
            raise fail(f"unknown severity '{severity}'", _value_node(node, "severity"),
                       hint=f"one of {', '.join(SEVERITIES)}")
        status = item.get("status", "accepted")
        if status not in STATUSES:
            raise fail(f"unknown status '{status}'", _value_node(node, "status"), hint="accepted or suppressed")
        sources = item.get("sources")
        if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s for s in sources):
            raise fail("'sources' must be a non-empty list of source ids", _value_node(node, "sources"))
        message = item.get("message")
        if not isinstance(message, str):
            raise fail("'message' must be a string", _value_node(node, "message"))
        reviewed_at = item.get("reviewed_at")
        entries.append(BaselineEntry(
            id=entry_id, rule=text_field("rule"), kind=kind, severity=severity, sources=tuple(sources),
            message=message, status=status, note=text_field("note", required=False),
            reviewer=text_field("reviewer", required=False),
            reviewed_at=str(reviewed_at) if reviewed_at is not None else None, line=_line(node) or 0))
    return Baseline(tuple(entries), path)


def load_baseline(path: str | Path) -> Baseline:
    path = Path(path)
    if not path.is_file():
        raise BaselineError("baseline file not found", path=str(path),
                            hint="create it with `checker baseline create --corpus PATH --baseline FILE`")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BaselineError("not UTF-8 text", path=str(path)) from None
    except OSError as exc:
        raise BaselineError(f"cannot read it ({exc.strerror})", path=str(path)) from None
    return parse_baseline(text, str(path))


# -- writing -------------------------------------------------------------------------------------

def dump_baseline(baseline: Baseline) -> str:
    entries = sorted(baseline.entries, key=lambda e: e.id)
    body = yaml.safe_dump({"version": BASELINE_VERSION, "findings": [e.to_yaml_dict() for e in entries]},
                          allow_unicode=True, sort_keys=False, width=100_000, default_flow_style=False)
    return _HEADER + body


def write_baseline(path: str | Path, baseline: Baseline) -> None:
    text = dump_baseline(baseline)
    parse_baseline(text, str(path))  # what we write must read back
    atomic_write_text(path, text)


# -- verdicts ------------------------------------------------------------------------------------

def latest_verdicts(path: str | Path) -> dict[str, dict[str, Any]]:
    """finding id -> the verdict in force (latest line, undo applied), read strictly by the review store."""
    from .review_store import latest_verdicts as read_latest

    return dict(read_latest(path))


def _entry_from_verdict(finding: Finding, verdict: Mapping[str, Any]) -> BaselineEntry | None:
    value = verdict.get("verdict")
    reviewer, at = verdict.get("reviewer"), verdict.get("at")
    note = verdict.get("note")
    if value == "confirmed":
        return entry_from_finding(finding, "accepted", note, reviewer, str(at) if at else None)
    if value == "false_alarm":
        return entry_from_finding(finding, "suppressed", note or "false alarm (review)", reviewer,
                                  str(at) if at else None)
    return None


# -- create, update, compare ---------------------------------------------------------------------

def create_baseline(findings: Iterable[Finding], verdicts: Mapping[str, Mapping[str, Any]] | None = None) -> Baseline:
    """Every finding accepted; with verdicts, only reviewed ones (confirmed accepted, false_alarm suppressed)."""
    entries = []
    for finding in _unique(findings):
        if verdicts is None:
            entries.append(entry_from_finding(finding))
        elif finding.id in verdicts:
            entry = _entry_from_verdict(finding, verdicts[finding.id])
            if entry is not None:
                entries.append(entry)
    return Baseline(tuple(sorted(entries, key=lambda e: e.id)))


@dataclass(frozen=True)
class UpdateReport:
    added: tuple[BaselineEntry, ...] = ()
    fixed: tuple[BaselineEntry, ...] = ()  # rule and sources still there, the finding is gone
    stale: tuple[tuple[BaselineEntry, str], ...] = ()  # entry refers to what no longer exists, and why
    changed: tuple[BaselineEntry, ...] = ()  # status or severity changed (verdict, config)
    unknown_verdicts: tuple[str, ...] = ()  # verdicts for findings the corpus no longer produces


def update_baseline(baseline: Baseline, findings: Iterable[Finding], *, known_sources: Iterable[str],
                    known_rules: Iterable[str] | None = None,
                    verdicts: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[Baseline, UpdateReport]:
    """Refresh a baseline against the current findings of the whole corpus.

    Kept entries take the finding's current rule/kind/severity/message but keep their status and note.
    Entries whose finding is gone are dropped: *fixed* when their sources and rule still exist, *stale*
    (like an unused noqa) when they refer to a source or rule that no longer exists.
    Without verdicts every current finding is accepted; with verdicts, confirmed ones are accepted,
    false alarms suppressed, and unreviewed new findings stay out (the gate keeps reporting them).
    """
    current = {f.id: f for f in _unique(findings)}
    sources = set(known_sources)
    rules = set(known_rules) if known_rules is not None else None
    old = baseline.by_id()
    kept: list[BaselineEntry] = []
    added: list[BaselineEntry] = []
    fixed: list[BaselineEntry] = []
    stale: list[tuple[BaselineEntry, str]] = []
    changed: list[BaselineEntry] = []
    for entry_id, entry in old.items():
        finding = current.get(entry_id)
        if finding is None:
            missing = [s for s in entry.sources if s not in sources]
            if missing:
                stale.append((entry, f"source {missing[0]} is no longer in the corpus"))
            elif rules is not None and entry.rule not in rules:
                stale.append((entry, f"rule {entry.rule} no longer exists"))
            else:
                fixed.append(entry)
            continue
        refreshed = replace(entry_from_finding(finding, entry.status, entry.note, entry.reviewer, entry.reviewed_at),
                            line=0)
        verdict = (verdicts or {}).get(entry_id)
        if verdict is not None:
            reviewed = _entry_from_verdict(finding, verdict)
            if reviewed is not None:
                refreshed = reviewed
        if (refreshed.status, refreshed.severity) != (entry.status, entry.severity):
            changed.append(refreshed)
        kept.append(refreshed)
    for finding_id, finding in current.items():
        if finding_id in old:
            continue
        if verdicts is None:
            entry = entry_from_finding(finding)
        else:
            entry = _entry_from_verdict(finding, verdicts[finding_id]) if finding_id in verdicts else None
        if entry is not None:
            added.append(entry)
    unknown = tuple(sorted(set(verdicts or {}) - set(current) - set(old)))
    entries = tuple(sorted(kept + added, key=lambda e: e.id))
    report = UpdateReport(tuple(sorted(added, key=lambda e: e.id)), tuple(sorted(fixed, key=lambda e: e.id)),
                          tuple(sorted(stale, key=lambda p: p[0].id)), tuple(sorted(changed, key=lambda e: e.id)),
                          unknown)
    return Baseline(entries, baseline.path), report


@dataclass(frozen=True)
class Comparison:
    new: tuple[Finding, ...] = ()
    accepted: tuple[Finding, ...] = ()
    suppressed: tuple[Finding, ...] = ()
    stale: tuple[tuple[BaselineEntry, str], ...] = field(default=())


def compare(findings: Sequence[Finding], baseline: Baseline,
            known_sources: Iterable[str] | None = None) -> Comparison:
    """Split findings by the baseline (by stable id). With known_sources, also list entries about
    sources that are gone (the gate only warns; `baseline update` removes them)."""
    entries = baseline.by_id()
    new, accepted, suppressed = [], [], []
    for finding in _unique(findings):
        entry = entries.get(finding.id)
        if entry is None:
            new.append(finding)
        elif entry.suppressed:
            suppressed.append(finding)
        else:
            accepted.append(finding)
    stale: list[tuple[BaselineEntry, str]] = []
    if known_sources is not None:
        known = set(known_sources)
        for entry in baseline.entries:
            missing = [s for s in entry.sources if s not in known]
            if missing:
                stale.append((entry, f"source {missing[0]} is no longer in the corpus"))
    return Comparison(tuple(new), tuple(accepted), tuple(suppressed), tuple(stale))


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    seen: dict[str, Finding] = {}
    for finding in findings:
        seen.setdefault(finding.id, finding)
    return list(seen.values())
