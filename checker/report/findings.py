"""findings.json: the user-facing contract of ../shared/DESIGN.md, deterministic (sorted, no timestamps)."""
from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from pathlib import Path
from typing import Any

from ..model import CheckResult, Finding, Source

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
KIND_ORDER = ("contradiction", "inconsistency", "drift", "tension", "unverifiable")
FLOAT_DIGITS = 4  # evidence scores rounded so BLAS noise never changes the file


def jsonable(value: Any) -> Any:
    """Evidence is free-form: make it plain JSON (tuples -> lists, sets sorted, dates ISO, floats rounded)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=lambda v: (str(type(v)), str(v)))
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, FLOAT_DIGITS)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_json = getattr(value, "to_json", None)
        return jsonable(to_json() if callable(to_json) else dataclasses.asdict(value))
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return jsonable(value.tolist())
    return str(value)


def finding_sort_key(finding: Finding) -> tuple:
    kind_rank = KIND_ORDER.index(finding.kind) if finding.kind in KIND_ORDER else len(KIND_ORDER)
    return (SEVERITY_RANK.get(finding.severity, 9), kind_rank, finding.rule, finding.id)


def sorted_findings(result: CheckResult) -> list[Finding]:
    return sorted(result.findings, key=finding_sort_key)


def source_json(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "path": source.path,
        "url": source.url,
        "outlet": source.outlet,
        "language": source.language,
        "published": source.published,
        "published_how": source.published_how,
        "published_confidence": jsonable(source.published_confidence),
        "lines_kept": source.lines_kept,
        "lines_dropped": source.lines_dropped,
        "origin": source.origin,
    }


def _rules_version(result: CheckResult) -> str | None:
    version = getattr(result, "rules_version", None)
    return str(version) if version else None


def findings_json(result: CheckResult) -> dict[str, Any]:
    """The whole result as the findings.json dict; same input, same bytes."""
    from .. import __version__

    sources_by_id = {s.id: s for s in result.sources}
    claims = []
    for claim in sorted(result.claims, key=lambda c: (c.source_id, c.start, c.end, c.id)):
        item = jsonable(claim.to_json())
        source = sources_by_id.get(claim.source_id)
        if source is not None:
            item["line"] = source.line_of(claim.start)
        claims.append(item)
    checker_info: dict[str, Any] = {
        "version": __version__,
        "embedder": result.embedder or None,
        "embedder_fallback": bool(result.embedder_fallback),
    }
    rules_version = _rules_version(result)
    if rules_version:
        checker_info["rules_version"] = rules_version
    return {
        "checker": checker_info,
        "sources": [source_json(s) for s in sorted(result.sources, key=lambda s: s.id)],
        "claims": claims,
        "clusters": [
            {"id": k.id, "label": k.label, "event_family": k.event_family, "claims": sorted(k.claims)}
            for k in sorted(result.clusters, key=lambda k: k.id)
        ],
        "findings": [jsonable(f.to_json()) for f in sorted_findings(result)],
        "warnings": list(dict.fromkeys(result.warnings)),
    }


SCHEMA_PATH = Path(__file__).resolve().parent / "findings_schema.json"


def findings_schema() -> dict[str, Any]:
    """The JSON Schema of findings.json (shipped beside this module)."""
    import json

    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
