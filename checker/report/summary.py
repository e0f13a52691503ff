"""The few lines `checker check` prints on stderr when it is done."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from tabulate import tabulate

from ..model import KINDS, CheckResult

SEVERITIES_SHOWN = ("error", "warning", "info")


def summary_text(result: CheckResult, paths: list[Path] | tuple[Path, ...] = ()) -> str:
    counts = Counter((f.kind, f.severity) for f in result.findings)
    lines = [f"{len(result.sources)} sources, {len(result.claims)} claims, {len(result.clusters)} clusters, "
             f"{len(result.findings)} findings"]
    if result.embedder_fallback:
        lines.append(f"WARNING: fallback embedder used ({result.embedder or 'unknown'}); matching is weaker")
    if counts:
        kinds = [k for k in KINDS if any(kk == k for kk, _ in counts)]
        kinds += sorted({k for k, _ in counts} - set(KINDS))
        rows = [[k, *(counts.get((k, s), 0) or "" for s in SEVERITIES_SHOWN)] for k in kinds]
        lines.append(tabulate(rows, headers=["kind", *SEVERITIES_SHOWN], tablefmt="simple",
                              disable_numparse=True))
    if result.warnings:
        lines.append(f"{len(result.warnings)} warning(s); see the report")
    for path in paths:
        lines.append(f"wrote {path}")
    return "\n".join(lines)
