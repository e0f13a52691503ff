"""report.md: summary by kind x severity, each finding's sides next to each other, each cluster's timeline."""
from __future__ import annotations

import re
from pathlib import Path

from tabulate import tabulate

from ..model import CheckResult
from .view import ClaimView, ClusterView, FindingView, ReportView, Segment, build_view

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that change rendering
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")
_WHITESPACE = re.compile(r"\s+")


def md_escape(text: str) -> str:
    """Article text as literal Markdown on one line: no emphasis, links, tables or raw HTML from it.
    Angle brackets become entities, which every renderer shows as text and none parses as a tag."""
    flat = _WHITESPACE.sub(" ", str(text))
    return _MD_SPECIAL.sub(r"\\\1", flat).replace("<", "&lt;").replace(">", "&gt;")


def md_marked(segments: list[Segment]) -> str:
    out = []
    for seg in segments:
        if not seg.marked:
            out.append(md_escape(seg.text))
            continue
        inner = seg.text.strip()
        if not inner:
            out.append(md_escape(seg.text))
            continue
        # emphasis markers must touch the text, so spaces stay outside them
        lead = " " if seg.text[:1].isspace() else ""
        trail = " " if seg.text[-1:].isspace() else ""
        out.append(f"{lead}**{md_escape(inner)}**{trail}")
    return "".join(out)


def pipe_table(header: list[str], rows: list[list[str]]) -> str:
    """An unpadded GitHub table: cells hold long Arabic text, so padding would only add noise."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell if cell else " " for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def asserted_text(view: ClaimView) -> str:
    return f"{view.asserted} ({view.asserted_how})" if view.asserted else "unknown"


def claim_link(view: ClaimView) -> str:
    if not view.href:
        return md_escape(view.location)
    return f"[{md_escape(view.location)}]({view.href})"


def _slots(view: ClaimView) -> str:
    c = view.claim
    parts = [f"{name}: {value}" for name, value in (
        ("event", c.event), ("subject", c.subject), ("scope", c.scope), ("speaker", c.speaker),
        ("modality", c.modality if c.modality != "assert" else None),
        ("polarity", c.polarity if c.polarity != "positive" else None)) if value]
    return md_escape("; ".join(parts))


def finding_section(fv: FindingView) -> str:
    f = fv.finding
    out = [f"### {fv.number}. {f.severity} · {f.kind} · `{f.rule}`", ""]
    meta = f"id `{f.id}`" + (f" · cluster: {md_escape(fv.cluster_label)}" if fv.cluster_label else "")
    out += [meta, "", md_escape(f.message), ""]
    if f.question:
        out += [f"**Question for the reviewer:** {md_escape(f.question)}", ""]
    if fv.sides:
        header = [" "] + [f"claim {s.letter}" for s in fv.sides]
        rows = [
            ["source"] + [claim_link(s) for s in fv.sides],
            ["outlet"] + [md_escape(s.outlet) for s in fv.sides],
            ["published"] + [md_escape(s.published) for s in fv.sides],
            ["asserted"] + [md_escape(asserted_text(s)) for s in fv.sides],
            ["claim"] + [md_marked(s.segments) for s in fv.sides],
            ["times"] + ["<br>".join(md_escape(t) for t in s.times) or "—" for s in fv.sides],
        ]
        if any(s.quantities for s in fv.sides):
            rows.append(["numbers"] + ["<br>".join(md_escape(q) for q in s.quantities) or "—" for s in fv.sides])
        if any(_slots(s) for s in fv.sides):
            rows.append(["slots"] + [_slots(s) or "—" for s in fv.sides])
        out += [pipe_table(header, rows), ""]
    if fv.missing_claims:
        out += [f"Claims not in this result: {', '.join(f'`{c}`' for c in fv.missing_claims)}", ""]
    out += ["Evidence:", ""]
    out += [f"- {md_escape(key)}: {md_escape(value)}" for key, value in fv.evidence]
    out.append("")
    return "\n".join(out)


def cluster_section(cv: ClusterView) -> str:
    k = cv.cluster
    out = [f"### {md_escape(k.label)} (`{k.id}`)", ""]
    info = f"{len(cv.rows)} claims"
    if cv.finding_ids:
        info += "; findings: " + ", ".join(f"`{fid}`" for fid in cv.finding_ids)
    out += [info, ""]
    rows = []
    for view in cv.rows:
        claimed = "<br>".join(md_escape(t) for t in view.times + view.quantities) or "—"
        scope = md_escape(view.claim.scope or "")
        rows.append([md_escape(asserted_text(view)), claim_link(view),
                     md_escape(view.outlet), md_marked(view.segments), claimed, scope or "—"])
    out += [pipe_table(["asserted", "source", "outlet", "claim", "claims when / how much", "scope"], rows), ""]
    return "\n".join(out)


def render_markdown(view: ReportView) -> str:
    result = view.result
    out = ["# checker report", ""]
    if result.embedder_fallback:
        out += [f"> **WARNING: the fallback embedder ({md_escape(result.embedder or 'unknown')}) was used.** "
                "Claims were matched with a weaker method, so findings may be missed or wrong; "
                "install or configure the default embedder and run again.", ""]
    out += [f"{len(result.sources)} sources, {len(result.claims)} claims, {len(result.clusters)} clusters, "
            f"{len(result.findings)} findings. Embedder: {md_escape(result.embedder or 'unknown')}.", ""]
    out += ["## Summary", "", tabulate(view.counts_rows, headers=view.counts_header, tablefmt="github"), ""]
    if view.warnings:
        out += ["## Warnings", ""] + [f"- {md_escape(w)}" for w in view.warnings] + [""]
    out += ["## Findings", ""]
    if not view.findings:
        out += ["No findings.", ""]
    out += [finding_section(fv) for fv in view.findings]
    out += ["## Timelines", ""]
    if not view.clusters:
        out += ["No cluster has more than one claim.", ""]
    out += [cluster_section(cv) for cv in view.clusters]
    if view.omitted_clusters:
        out += [f"{view.omitted_clusters} more clusters without findings left out (report\\_max\\_timelines); "
                "findings.json has them all.", ""]
    out += ["## Sources", ""]
    source_rows = [[f"`{s.id}`", md_escape(s.outlet or "—"), md_escape(s.language),
                    md_escape(f"{s.published or 'unknown'} ({s.published_how})"),
                    md_escape(s.origin or "—"), str(view.claims_per_source.get(s.id, 0)),
                    str(view.findings_per_source.get(s.id, 0)), md_escape(s.url or "—")] for s in view.sources]
    out += [pipe_table(["id", "outlet", "language", "published (how)", "origin", "claims", "findings", "url"],
                       source_rows), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def markdown_report(result: CheckResult, out_dir: Path) -> str:
    return render_markdown(build_view(result, Path(out_dir)))
