"""Write findings.json, report.md and report.html into one folder, each atomically."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from ..io_utils import atomic_write_json, atomic_write_text
from ..model import CheckResult
from .findings import findings_json
from .html import render_html
from .markdown import render_markdown
from .view import MAX_CHARTS, MAX_TIMELINES, build_view

log = logging.getLogger(__name__)

FINDINGS_FILE = "findings.json"
MARKDOWN_FILE = "report.md"
HTML_FILE = "report.html"


def write_reports(result: CheckResult, out_dir: Path, config=None) -> list[Path]:
    """Returns the paths written, findings.json first. From `config` (a checker.config.Config) the
    optional `report_max_timelines` / `report_max_charts` are read when present."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / FINDINGS_FILE, out_dir / MARKDOWN_FILE, out_dir / HTML_FILE]
    atomic_write_json(paths[0], findings_json(result))
    # optional settings: honoured when the Config grows them, defaults otherwise
    max_timelines = int(getattr(config, "report_max_timelines", MAX_TIMELINES))
    max_charts = int(getattr(config, "report_max_charts", MAX_CHARTS))
    view = build_view(result, out_dir, max_timelines=max_timelines)
    atomic_write_text(paths[1], render_markdown(view))
    atomic_write_text(paths[2], render_html(view, max_charts=max_charts))
    _readable(paths)
    log.debug("reports written to %s", out_dir)
    return paths


def _readable(paths: list[Path]) -> None:
    """Atomic writes go through mkstemp, whose files are 0600; reports are for sharing, so give them
    the mode a plain open() would (0666 minus the umask)."""
    umask = os.umask(0o022)
    os.umask(umask)
    for path in paths:
        os.chmod(path, 0o666 & ~umask)
