"""report.html: one self-contained page (inline CSS, inline SVG charts, a few lines of JS for filters).

All article text goes through Jinja2 autoescape; the only markup we add around it is built here from
escaped pieces (markupsafe), and the charts come from matplotlib, never from article text.
"""
from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup, escape

from ..model import CheckResult
from .view import MAX_CHARTS, ClaimView, ReportView, build_view

TEMPLATES = Path(__file__).resolve().parent / "templates"

_AR = r"[\u0600-\u065F\u066E-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]"
# an Arabic run: from an Arabic letter to the last Arabic letter (digits, spaces and Arabic
# punctuation inside it belong to it), plus a trailing number ("أيلول 2025") unless Latin text follows
ARABIC_RUN = re.compile(
    rf"{_AR}(?:(?:{_AR}|[\s\d\u0660-\u0669.,،؛:/\-])*{_AR})?(?:[ \t]+[\d\u0660-\u0669]+(?![\d,.]*[ \t]*[A-Za-z\d]))?")


def isolate(text) -> Markup:
    """Escape, and wrap each Arabic run of a left-to-right sentence in <bdi dir="rtl">, so quoted Arabic
    keeps its own order and cannot drag the dates and numbers around it (the bidi algorithm would)."""
    text = "" if text is None else str(text)
    parts, cursor = [], 0
    for m in ARABIC_RUN.finditer(text):
        parts.append(escape(text[cursor:m.start()]))
        parts.append(Markup('<bdi dir="rtl" lang="ar">{}</bdi>').format(m.group(0)))
        cursor = m.end()
    parts.append(escape(text[cursor:]))
    return Markup("").join(parts)


def marked(view: ClaimView) -> Markup:
    parts = [Markup("<mark>{}</mark>").format(seg.text) if seg.marked else escape(seg.text)
             for seg in view.segments]
    return Markup("").join(parts)


def dir_attrs(view: ClaimView) -> Markup:
    if view.rtl:
        return Markup('dir="rtl" lang="{}"').format(view.lang)
    if view.lang and view.lang != "und":
        return Markup('dir="auto" lang="{}"').format(view.lang)
    return Markup('dir="auto"')


def claim_block(view: ClaimView) -> Markup:
    return Markup('<blockquote class="claim-text" {}>{}</blockquote>').format(dir_attrs(view), marked(view))


def time_item(item) -> Markup:
    """The quote isolated (<bdi>) so an Arabic expression cannot reorder the ISO interval after it."""
    details = Markup(' <span class="muted">({})</span>').format(item.details) if item.details else Markup("")
    return Markup('<li dir="ltr">«<bdi class="quote">{}</bdi>» → <span class="value">{}</span>{}</li>').format(
        item.quote, item.value, details)


def swatch(colour: str | None) -> Markup:
    if not colour:
        return Markup("")
    return Markup('<span class="swatch" style="background:{}" aria-hidden="true"></span>').format(colour)


def slots(view: ClaimView) -> list[tuple[str, str]]:
    c = view.claim
    pairs = [("event", c.event), ("subject", c.subject), ("scope", c.scope), ("speaker", c.speaker),
             ("modality", c.modality if c.modality != "assert" else None),
             ("polarity", c.polarity if c.polarity != "positive" else None)]
    return [(name, value) for name, value in pairs if value]


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(marked=marked, dir_attrs=dir_attrs, claim_block=claim_block, slots=slots,
                       time_item=time_item, swatch=swatch)
    env.filters["isolate"] = isolate
    return env


def add_charts(view: ReportView, max_charts: int = MAX_CHARTS) -> ReportView:
    from .timeline import render_chart

    for index, cluster in enumerate(view.clusters, start=1):
        if index > max_charts:
            cluster.chart_svg = None
            cluster.chart_note = f"Chart left out: only the first {max_charts} clusters get one (report_max_charts)."
            continue
        try:
            cluster.chart_svg, cluster.chart_note = render_chart(cluster, f"chart{index}", view.source_colours)
        except Exception as exc:  # a chart must never cost the reader the rest of the report
            import logging

            logging.getLogger(__name__).warning("timeline chart for cluster %s failed: %s", cluster.cluster.id, exc)
            cluster.chart_svg, cluster.chart_note = None, f"chart not drawn: {type(exc).__name__}"
    return view


def render_html(view: ReportView, charts: bool = True, max_charts: int = MAX_CHARTS) -> str:
    from .. import __version__
    from .view import relative_href, source_file

    if charts:
        add_charts(view, max_charts)
    result: CheckResult = view.result
    out_dir = view.out_dir
    source_hrefs = {}
    for s in view.sources:
        target = source_file(s, result.corpus_root)
        source_hrefs[s.id] = relative_href(target, out_dir) if out_dir is not None else str(target)
    template = _environment().get_template("report.html.j2")
    return template.render(
        version=__version__,
        result=result,
        findings=view.findings,
        clusters=view.clusters,
        counts_header=view.counts_header,
        counts_rows=view.counts_rows,
        warnings=view.warnings,
        kinds=view.kinds_present,
        severities=view.severities_present,
        sources=view.sources,
        source_hrefs=source_hrefs,
        colours=view.source_colours,
        omitted_clusters=view.omitted_clusters,
        claims_per_source=view.claims_per_source,
        findings_per_source=view.findings_per_source,
    )


def html_report(result: CheckResult, out_dir: Path, charts: bool = True) -> str:
    view = build_view(result, Path(out_dir))
    return render_html(view, charts=charts)
