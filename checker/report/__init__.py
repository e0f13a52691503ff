"""Outputs people read: findings.json (the contract), report.md, report.html and a terminal summary.

The CLI calls `write_reports(result, out_dir, config)` and prints `summary_text(result, paths)` on stderr.
Rendering is split from writing so tests (and `gate`) can render without touching disk.
"""
from __future__ import annotations

from .findings import findings_json
from .summary import summary_text
from .writer import write_reports

__all__ = ["findings_json", "write_reports", "summary_text"]
