"""Reviewer verdicts on findings: an append-only JSON-lines file in the corpus (`reviews.jsonl`).

One line per action, keys sorted, so the file reads well in a diff and two reviewers working on
different findings merge cleanly (git's `merge=union` keeps both sides' lines). A verdict line is
{finding, verdict, tags, note, reviewer, at, seconds, checker_version, rules_version}; an undo line
{finding, verdict: "undo", reviewer, at} cancels that finding's most recent verdict that is still in
force, so repeated undos step back through its history. The effective verdict of a finding is what
is left on top after replaying the file in order (the latest verdict wins).

Also here: loading a findings.json (the contract in DESIGN.md) for review, the review queue order,
list/export rows, and precision per rule and per kind from verdicts (`checker eval --verdicts`).
"""
from __future__ import annotations

import csv
import getpass
import hashlib
import io
import json
import logging
import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import UsageError, VerdictError
from .io_utils import append_line_atomic, atomic_write_text

log = logging.getLogger(__name__)

REVIEWS_FILENAME = "reviews.jsonl"
VERDICTS = ("confirmed", "false_alarm", "needs_source", "skip")
UNDO = "undo"
TAGS = ("wrong-date", "wrong-cluster", "scope", "boilerplate", "wrong-speaker", "other")
SEVERITY_ORDER = ("error", "warning", "info")
FINDING_ID_RE = re.compile(r"^f-[0-9a-f]{6,64}$")
STATUSES = ("unreviewed", "reviewed", "all")
MAX_NOTE_CHARS = 4000


def is_finding_id(value: object) -> bool:
    return isinstance(value, str) and FINDING_ID_RE.fullmatch(value) is not None


def reviews_path(corpus: str | os.PathLike) -> Path:
    """The verdict file of a corpus folder (a single-file corpus keeps it beside the file)."""
    root = Path(corpus)
    if root.is_file():
        root = root.parent
    return root / REVIEWS_FILENAME


def default_reviewer(cwd: str | os.PathLike | None = None) -> str:
    """`git config user.name` (as seen from the corpus), else the login name."""
    try:
        done = subprocess.run(["git", "config", "user.name"], cwd=cwd or None, capture_output=True,
                              text=True, timeout=3, check=False)
        name = done.stdout.strip()
        if done.returncode == 0 and name:
            return name
    except (OSError, subprocess.SubprocessError):
        pass
    return os.environ.get("USER") or _login_name() or "unknown"


def _login_name() -> str | None:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return None


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def rules_version(rules_dir: str | os.PathLike | None) -> str | None:
    """A short content hash of the rule and lexicon files, so a verdict says which rules it judged."""
    if rules_dir is None:
        return None
    root = Path(rules_dir)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml")) if root.is_dir() else []
    if not files:
        return None
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()[:12]


# ---------------------------------------------------------------- reading and writing verdicts

def _check_line(record: Any, path: Path, lineno: int) -> dict[str, Any]:
    def bad(message: str, hint: str | None = None) -> VerdictError:
        return VerdictError(message, path=str(path), line=lineno,
                            hint=hint or "fix or delete this line; every line is one JSON verdict object")

    if not isinstance(record, dict):
        raise bad("a verdict line must be a JSON object")
    finding = record.get("finding")
    if not is_finding_id(finding):
        raise bad(f"'finding' must be a finding id like f-8c21d0, got {finding!r}")
    verdict = record.get("verdict")
    if verdict not in VERDICTS + (UNDO,):
        raise bad(f"unknown verdict {verdict!r}", hint=f"one of {', '.join(VERDICTS + (UNDO,))}")
    tags = record.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise bad("'tags' must be a list of strings")
    note = record.get("note")
    if note is not None and not isinstance(note, str):
        raise bad("'note' must be a string or null")
    seconds = record.get("seconds")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0):
        raise bad("'seconds' must be a non-negative number or null")
    for key in ("reviewer", "at", "checker_version", "rules_version"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise bad(f"'{key}' must be a string or null")
    return record


def read_verdict_lines(path: str | os.PathLike) -> list[dict[str, Any]]:
    """Every line of a verdict file, validated; a missing file has none. Blank lines are ignored."""
    target = Path(path)
    if not target.exists():
        return []
    try:
        text = target.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise VerdictError("not UTF-8 text", path=str(target), hint="the verdict file is JSON lines in UTF-8") from None
    except OSError as exc:
        raise VerdictError(f"cannot read ({exc.strerror})", path=str(target)) from None
    records = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith(("<<<<<<<", "=======", ">>>>>>>")):
            raise VerdictError("unresolved merge conflict marker", path=str(target), line=lineno,
                               hint="keep both sides' lines (or add `reviews.jsonl merge=union` to .gitattributes)")
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise VerdictError(f"not valid JSON ({exc.msg}, column {exc.colno})", path=str(target), line=lineno,
                               hint="fix or delete this line; every line is one JSON verdict object") from None
        records.append(_check_line(record, target, lineno))
    return records


def replay(records: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The verdict in force per finding after applying lines in order (an undo pops the latest)."""
    stacks: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        stack = stacks.setdefault(record["finding"], [])
        if record["verdict"] == UNDO:
            if stack:
                stack.pop()
        else:
            stack.append(dict(record))
    return {finding: stack[-1] for finding, stack in stacks.items() if stack}


def latest_verdicts(path: str | os.PathLike) -> dict[str, dict[str, Any]]:
    """finding id -> the verdict line in force for it (findings without one, or fully undone, absent)."""
    return replay(read_verdict_lines(path))


def append_verdict(
    path: str | os.PathLike,
    finding: str,
    verdict: str,
    *,
    tags: Iterable[str] = (),
    note: str | None = None,
    reviewer: str | None = None,
    seconds: float | None = None,
    checker_version: str | None = None,
    rules_version: str | None = None,
    at: str | None = None,
) -> dict[str, Any]:
    """Append one verdict (or `undo`) line atomically and return what was written."""
    if not is_finding_id(finding):
        raise UsageError(f"not a finding id: {finding!r}", hint="finding ids look like f-8c21d0")
    if verdict not in VERDICTS + (UNDO,):
        raise UsageError(f"unknown verdict {verdict!r}", hint=f"one of {', '.join(VERDICTS + (UNDO,))}")
    record: dict[str, Any] = {"finding": finding, "verdict": verdict,
                              "reviewer": reviewer if reviewer is not None else default_reviewer(Path(path).parent),
                              "at": at or utc_now()}
    if verdict != UNDO:
        tag_list = list(dict.fromkeys(tags))
        unknown = [t for t in tag_list if t not in TAGS]
        if unknown:
            raise UsageError(f"unknown tag {unknown[0]!r}", hint=f"tags: {', '.join(TAGS)}")
        if note is not None and len(note) > MAX_NOTE_CHARS:
            raise UsageError(f"note longer than {MAX_NOTE_CHARS} characters")
        if seconds is not None and (seconds < 0 or seconds != seconds):
            raise UsageError("seconds must be a non-negative number")
        from . import __version__

        record.update({
            "tags": tag_list,
            "note": note or None,
            "seconds": None if seconds is None else round(float(seconds), 1),
            "checker_version": checker_version or __version__,
            "rules_version": rules_version,
        })
    append_line_atomic(path, json.dumps(record, ensure_ascii=False, sort_keys=True))
    return record


def append_undo(path: str | os.PathLike, finding: str, *, reviewer: str | None = None) -> dict[str, Any]:
    return append_verdict(path, finding, UNDO, reviewer=reviewer)


# ---------------------------------------------------------------- findings.json for review

def load_findings_json(path: str | os.PathLike) -> dict[str, Any]:
    """Read a findings.json (DESIGN.md contract) and check the parts review relies on."""
    target = Path(path)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError("findings file not found", path=str(target),
                         hint="run `checker check CORPUS --out DIR` first, or give --findings FILE") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read findings file ({exc})", path=str(target)) from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"not valid JSON ({exc.msg})", path=str(target), line=exc.lineno,
                         hint="re-run `checker check` to rewrite it") from None
    return check_findings_document(data, str(target))


def check_findings_document(data: Any, origin: str = "findings.json") -> dict[str, Any]:
    def bad(message: str) -> UsageError:
        return UsageError(message, path=origin, hint="findings.json must follow the contract in DESIGN.md")

    if not isinstance(data, dict):
        raise bad("findings.json must be a JSON object")
    for key in ("sources", "claims", "findings"):
        if not isinstance(data.get(key), list):
            raise bad(f"'{key}' must be a list")
    if not isinstance(data.get("clusters", []), list):
        raise bad("'clusters' must be a list")
    seen: set[str] = set()
    for index, finding in enumerate(data["findings"]):
        if not isinstance(finding, dict):
            raise bad(f"finding #{index + 1} is not an object")
        fid = finding.get("id")
        if not is_finding_id(fid):
            raise bad(f"finding #{index + 1} has an id that is not like f-8c21d0: {fid!r}")
        if fid in seen:
            raise bad(f"finding id {fid} appears twice")
        seen.add(fid)
        for key in ("rule", "kind", "severity", "message"):
            if not isinstance(finding.get(key), str):
                raise bad(f"finding {fid}: '{key}' must be a string")
        for key in ("claims", "sources"):
            if not isinstance(finding.get(key), list):
                raise bad(f"finding {fid}: '{key}' must be a list")
    for index, item in enumerate(data["sources"] + data["claims"]):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise bad(f"source/claim #{index + 1} has no string 'id'")
    return data


def findings_from_pipeline(corpus: str | os.PathLike) -> dict[str, Any]:
    """Run the check on a corpus in memory when it has no findings.json yet."""
    try:
        from .config import load_config
        from .pipeline import run_check
        from .report import findings_json
    except ImportError as exc:
        raise UsageError(f"cannot run the check here ({exc})", path=str(corpus),
                         hint="run `checker check CORPUS` first and pass --findings DIR/findings.json") from None
    log.info("no findings.json: checking %s first", corpus)
    result = run_check(paths=[Path(corpus)], config=load_config(corpus))
    return check_findings_document(findings_json(result), f"{corpus} (checked now)")


def source_bases(findings_path: str | os.PathLike | None = None) -> list[Path]:
    """Folders a relative Source.path may be relative to: where `checker check` ran is usually the
    working directory, else the folder above the report folder (reports/..), else the report folder."""
    bases = [Path.cwd()]
    if findings_path is not None:
        here = Path(findings_path).resolve().parent
        bases += [here.parent, here]
    return list(dict.fromkeys(bases))


def _source_paths(findings_doc: Mapping[str, Any]) -> list[Path]:
    return [Path(s["path"]) for s in findings_doc.get("sources", [])
            if isinstance(s, dict) and isinstance(s.get("path"), str) and s["path"]]


def pick_base(findings_doc: Mapping[str, Any], findings_path: str | os.PathLike | None = None) -> Path:
    """The base under which most relative source paths exist (the working directory on a tie)."""
    relative = [p for p in _source_paths(findings_doc) if not p.is_absolute()]
    bases = source_bases(findings_path)
    return max(bases, key=lambda base: (sum((base / p).is_file() for p in relative), -bases.index(base)))


def infer_corpus(findings_doc: Mapping[str, Any], findings_path: str | os.PathLike | None = None) -> Path | None:
    """The deepest folder holding every source file named in findings.json (where verdicts belong)."""
    base = pick_base(findings_doc, findings_path)
    folders = [(p if p.is_absolute() else base / p).resolve().parent for p in _source_paths(findings_doc)]
    if not folders:
        return None
    common = Path(os.path.commonpath([str(f) for f in folders]))
    return common if common.is_dir() else None


# ---------------------------------------------------------------- queue, rows, export

def _severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def queue_order(findings: Iterable[Mapping[str, Any]], verdicts: Mapping[str, Any]) -> list[str]:
    """Finding ids by severity (error, warning, info), then unreviewed first, then file order."""
    indexed = list(enumerate(findings))
    indexed.sort(key=lambda pair: (_severity_rank(pair[1]["severity"]), pair[1]["id"] in verdicts, pair[0]))
    return [finding["id"] for _, finding in indexed]


def _verdict_value(entry: Any) -> str | None:
    if isinstance(entry, Mapping):
        return entry.get("verdict")
    return entry if isinstance(entry, str) else None


def review_rows(findings_doc: Mapping[str, Any], verdicts: Mapping[str, Mapping[str, Any]],
                status: str = "all") -> list[dict[str, Any]]:
    """One row per finding in queue order, with its verdict in force (if any), filtered by status."""
    if status not in STATUSES:
        raise UsageError(f"unknown status {status!r}", hint=f"one of {', '.join(STATUSES)}")
    by_id = {f["id"]: f for f in findings_doc["findings"]}
    rows = []
    for fid in queue_order(findings_doc["findings"], verdicts):
        finding, verdict = by_id[fid], verdicts.get(fid)
        if status == "reviewed" and verdict is None or status == "unreviewed" and verdict is not None:
            continue
        rows.append({
            "id": fid,
            "severity": finding["severity"],
            "kind": finding["kind"],
            "rule": finding["rule"],
            "sources": list(finding.get("sources", [])),
            "message": finding["message"],
            "verdict": verdict.get("verdict") if verdict else None,
            "tags": list(verdict.get("tags", [])) if verdict else [],
            "note": verdict.get("note") if verdict else None,
            "reviewer": verdict.get("reviewer") if verdict else None,
            "at": verdict.get("at") if verdict else None,
        })
    return rows


def rows_table(rows: list[dict[str, Any]], message_width: int = 60) -> str:
    from tabulate import tabulate

    def short(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= message_width else text[: message_width - 1] + "…"

    table = [[r["id"], r["severity"], r["kind"], r["rule"], r["verdict"] or "-", short(r["message"])] for r in rows]
    return tabulate(table, headers=["id", "severity", "kind", "rule", "verdict", "message"], tablefmt="simple")


def export_rows(rows: list[dict[str, Any]], dest: str | os.PathLike) -> None:
    """Write rows as .json (a list), .csv, or JSON lines (any other suffix, e.g. .jsonl)."""
    target = Path(dest)
    suffix = target.suffix.lower()
    if suffix == ".json":
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    elif suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["id"], lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
        text = buffer.getvalue()
    else:
        text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    atomic_write_text(target, text)


# ---------------------------------------------------------------- measured precision

def _bucket() -> dict[str, Any]:
    return {"findings": 0, "reviewed": 0, **{v: 0 for v in VERDICTS}, "precision": None}


def precision_from_verdicts(findings_json: Mapping[str, Any], verdicts: Mapping[str, Any]) -> dict[str, Any]:
    """Precision = confirmed / (confirmed + false_alarm), overall, per rule and per kind.

    `verdicts` maps finding id -> verdict line (as from `latest_verdicts`) or a bare verdict string.
    needs_source and skip count as reviewed but do not enter precision; a bucket with no
    confirmed or false_alarm verdict has precision None. Verdicts on findings absent from
    `findings_json` are listed under "unmatched" (the finding is gone or the ids changed).
    """
    overall, by_rule, by_kind = _bucket(), {}, {}
    known = set()
    for finding in findings_json.get("findings", []):
        known.add(finding["id"])
        verdict = _verdict_value(verdicts.get(finding["id"]))
        buckets = (overall, by_rule.setdefault(finding["rule"], _bucket()), by_kind.setdefault(finding["kind"], _bucket()))
        for bucket in buckets:
            bucket["findings"] += 1
            if verdict in VERDICTS:
                bucket["reviewed"] += 1
                bucket[verdict] += 1
    for bucket in (overall, *by_rule.values(), *by_kind.values()):
        judged = bucket["confirmed"] + bucket["false_alarm"]
        bucket["precision"] = round(bucket["confirmed"] / judged, 4) if judged else None
    return {
        "overall": overall,
        "by_rule": dict(sorted(by_rule.items())),
        "by_kind": dict(sorted(by_kind.items())),
        "unmatched": sorted(fid for fid, v in verdicts.items() if fid not in known and _verdict_value(v) in VERDICTS),
    }
