"""What both renderers show, computed once: each finding's sides, each cluster's timeline rows, links.

Markdown and HTML differ only in markup; everything a reader sees is decided here so the two agree.
"""
from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..model import KINDS, SEVERITIES, CheckResult, Claim, Cluster, Finding, Source
from .findings import jsonable, sorted_findings

ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
LATIN_SCRIPT = re.compile(r"[A-Za-z]")
SEVERITY_ORDER = ("error", "warning", "info")
# evidence keys shown first, in this order; the rest follow alphabetically
EVIDENCE_FIRST = ("restated_by", "independent_origins", "origins", "anchor", "partial_anchor")


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool


@dataclass(frozen=True)
class TimeItem:
    """One resolved time or figure, in parts, so HTML can isolate the (maybe Arabic) quote from the
    left-to-right interval; a single string would be reordered by the bidi algorithm."""

    quote: str
    value: str
    details: str

    def __str__(self) -> str:
        return f"«{self.quote}» → {self.value}" + (f" ({self.details})" if self.details else "")


@dataclass
class ClaimView:
    claim: Claim
    source: Source | None
    letter: str  # "A", "B", ... inside one finding; "" elsewhere
    asserted: str | None  # when the claim was asserted: its own statement date, else publication date
    asserted_how: str
    line: int
    href: str  # relative to the report folder, with #L<line>
    location: str  # "seeds/004_x.txt:12"
    segments: list[Segment]
    time_items: list[TimeItem]
    quantity_items: list[TimeItem]
    rtl: bool
    lang: str

    @property
    def outlet(self) -> str:
        if self.source is None:
            return "(unknown source)"
        return self.source.outlet or self.source.id

    @property
    def published(self) -> str:
        if self.source is None or not self.source.published:
            return "unknown"
        return f"{self.source.published} ({self.source.published_how})"

    @property
    def source_id(self) -> str:
        return self.claim.source_id

    @property
    def times(self) -> list[str]:
        return [str(t) for t in self.time_items]

    @property
    def quantities(self) -> list[str]:
        return [str(q) for q in self.quantity_items]


@dataclass
class FindingView:
    finding: Finding
    number: int
    sides: list[ClaimView]
    missing_claims: list[str]
    evidence: list[tuple[str, str]]
    cluster_label: str | None


@dataclass
class ClusterView:
    cluster: Cluster
    rows: list[ClaimView]  # in assertion order
    finding_ids: list[str]
    chart_svg: str | None = None
    chart_note: str = ""


@dataclass
class ReportView:
    result: CheckResult
    findings: list[FindingView]
    clusters: list[ClusterView]
    counts_header: list[str]
    counts_rows: list[list[object]]
    sources: list[Source]
    warnings: list[str]
    kinds_present: list[str]
    severities_present: list[str]
    out_dir: Path | None = field(default=None)
    source_colours: dict[str, str] = field(default_factory=dict)
    omitted_clusters: int = 0  # clusters past the timeline limit, left out of the report
    claims_per_source: dict[str, int] = field(default_factory=dict)
    findings_per_source: dict[str, int] = field(default_factory=dict)  # findings naming the source on a side


def is_rtl(text: str, language: str | None) -> bool:
    """The claim's own letters decide (an English quote in an Arabic article reads left to right);
    the source language only when the text has no letters of either script."""
    arabic = len(ARABIC_SCRIPT.findall(text))
    latin = len(LATIN_SCRIPT.findall(text))
    if arabic or latin:
        return arabic >= latin
    return bool(language) and language.lower().startswith(("ar", "fa", "ur", "he"))


def _relative_to_root(message: str, corpus_root: str | None) -> str:
    """Warnings name files by absolute path; the report shows them from the corpus root, like the links."""
    if not corpus_root:
        return message
    root = str(Path(corpus_root).resolve()).rstrip("/") + "/"
    return message.replace(root, "").replace(corpus_root.rstrip("/") + "/", "")


def _claim_language(rtl: bool, source_language: str | None) -> str:
    language = source_language or "und"
    if rtl and not language.startswith(("ar", "fa", "ur", "he")):
        return "ar"  # Arabic text in a source tagged otherwise: the font stack and shaping want "ar"
    if not rtl and language.startswith(("ar", "fa", "ur", "he")):
        return "und"  # a Latin-script quote inside an Arabic article
    return language


def source_file(source: Source, corpus_root: str | None) -> Path:
    """Where the source file is on disk: Source.path is relative to the corpus root (or as given)."""
    path = Path(source.path)
    if path.is_absolute():
        return path
    if corpus_root:
        under_root = Path(corpus_root) / path
        if under_root.exists() or not path.exists():
            return under_root
    return path


def display_path(source: Source, corpus_root: str | None) -> str:
    """The path a reader recognises: relative to the corpus root, never a machine's absolute path."""
    path = Path(source.path)
    if path.is_absolute():
        if corpus_root:
            try:
                return path.relative_to(Path(corpus_root)).as_posix()
            except ValueError:
                pass
        return path.name
    return path.as_posix()


def relative_href(target: Path, out_dir: Path) -> str:
    """A link from the report folder to the file, percent-encoded (spaces, Arabic file names)."""
    from urllib.parse import quote

    rel = os.path.relpath(os.path.abspath(target), os.path.abspath(out_dir))
    return quote(Path(rel).as_posix(), safe="/._-~")


def _locate(claim: Claim, source: Source | None, text: str, start: int, end: int) -> tuple[int, int] | None:
    """A time/quantity span inside the claim text, whichever text its offsets were taken from."""
    if not text:
        return None
    if 0 <= start < end <= len(claim.text) and claim.text[start:end] == text:
        return start, end
    if source is not None and claim.start <= start < end <= claim.end and source.text[start:end] == text:
        return start - claim.start, end - claim.start
    found = claim.text.find(text)
    return (found, found + len(text)) if found >= 0 else None


def mark_segments(claim: Claim, source: Source | None) -> list[Segment]:
    spans = []
    for ref in list(claim.times) + list(claim.quantities):
        span = _locate(claim, source, ref.text, ref.start, ref.end)
        if span:
            spans.append(span)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    segments, cursor = [], 0
    for start, end in merged:
        if start > cursor:
            segments.append(Segment(claim.text[cursor:start], False))
        segments.append(Segment(claim.text[start:end], True))
        cursor = end
    if cursor < len(claim.text):
        segments.append(Segment(claim.text[cursor:], False))
    return segments


def interval_text(value_from: str | None, value_to: str | None) -> str:
    if value_from == value_to and value_from:
        return value_from
    if value_from is None and value_to is None:
        return "unresolved"
    if value_from is None:
        return f"until {value_to}"
    if value_to is None:
        return f"from {value_from}"
    return f"{value_from}..{value_to}"


def format_time(ref) -> TimeItem:
    details = [ref.granularity]
    if ref.role and ref.role != "point":
        details.append(ref.role)
    if ref.anchor:
        details.append(f"anchor {ref.anchor}" + (f" ({ref.anchor_how})" if ref.anchor_how else ""))
    return TimeItem(ref.text, interval_text(ref.value_from, ref.value_to), ", ".join(details))


def format_quantity(q) -> TimeItem:
    value = f"{q.value:g}" + (f"–{q.value_max:g}" if q.value_max is not None else "")
    return TimeItem(q.text, f"{value} {q.unit}", "")


def claim_view(claim: Claim, result: CheckResult, out_dir: Path, letter: str = "") -> ClaimView:
    try:
        source: Source | None = result.source(claim.source_id)
    except KeyError:
        source = None
    if source is not None:
        line = source.line_of(claim.start)
        target = source_file(source, result.corpus_root)
        href = f"{relative_href(target, out_dir)}#L{line}"
        location = f"{display_path(source, result.corpus_root)}:{line}"
        language = source.language
    else:
        line, href, location, language = 0, "", claim.source_id, "und"
    asserted = claim.statement_date or (source.published if source else None)
    asserted_how = "statement" if claim.statement_date else (source.published_how if source else "unknown")
    rtl = is_rtl(claim.text, language)
    return ClaimView(
        claim=claim,
        source=source,
        letter=letter,
        asserted=asserted,
        asserted_how=asserted_how if asserted else "unknown",
        line=line,
        href=href,
        location=location,
        segments=mark_segments(claim, source),
        time_items=[format_time(t) for t in claim.times],
        quantity_items=[format_quantity(q) for q in claim.quantities],
        rtl=rtl,
        lang=_claim_language(rtl, language),
    )


LONG_TEXT = 80  # evidence strings longer than this are claim texts the side table already shows
HIDDEN_EVIDENCE_FIELDS = {"start", "end", "text", "normalized"}  # offsets and texts: in the table above


def format_evidence_value(value, nested: bool = False) -> str:
    """Evidence on one readable line: lists joined, records as `key: value; …`, a time as «text» from..to."""
    value = jsonable(value)
    if value is None:
        return "null"
    if isinstance(value, list):
        if not value:
            return "(none)"
        return ", ".join(format_evidence_value(v, nested=True) for v in value)
    if isinstance(value, dict):
        if "value_from" in value or "value_to" in value:
            quote = f"«{value['text']}» " if value.get("text") else ""
            return quote + interval_text(value.get("value_from"), value.get("value_to"))
        parts = []
        for key in sorted(value):
            item = value[key]
            if item is None or (key in HIDDEN_EVIDENCE_FIELDS and nested_record(value)):
                continue
            if isinstance(item, str) and len(item) > LONG_TEXT and nested_record(value):
                continue
            text = format_evidence_value(item, nested=True)
            grouped = isinstance(item, dict) and len(item) > 1 and "value_from" not in item and "value_to" not in item
            parts.append(f"{key}: ({text})" if grouped else f"{key}: {text}")
        return "; ".join(parts) or "(none)"
    return str(value)


def nested_record(value: dict) -> bool:
    """A side's record (it names a claim or carries its text), whose offsets and text are noise here."""
    return "claim" in value or "text" in value


def evidence_items(finding: Finding) -> list[tuple[str, str]]:
    evidence = dict(finding.evidence or {})
    keys = [k for k in EVIDENCE_FIRST if k in evidence]
    keys += sorted(k for k in evidence if k not in EVIDENCE_FIRST)
    items = [(key, format_evidence_value(evidence[key])) for key in keys]
    if finding.signals:
        items.append(("signals", ", ".join(finding.signals)))
    items.append(("confidence", f"{finding.confidence:.2f}"))
    return items


# matplotlib's tab10, so a source has the same colour in every chart and in the tables
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")


def source_colours(result: CheckResult) -> dict[str, str]:
    ids = sorted({s.id for s in result.sources} | {c.source_id for c in result.claims})
    return {sid: PALETTE[i % len(PALETTE)] for i, sid in enumerate(ids)}


def asserted_sort_key(view: ClaimView) -> tuple:
    # unknown dates last; partial dates ("2011") sort at the start of their period
    return (view.asserted is None, view.asserted or "", view.source_id, view.claim.start, view.claim.id)


MAX_TIMELINES = 200  # cluster sections in a report; a 20k-article corpus has thousands of clusters
MAX_CHARTS = 60  # matplotlib charts (~0.2 s each)


def build_view(result: CheckResult, out_dir: Path, max_timelines: int = MAX_TIMELINES) -> ReportView:
    claims_by_id = {c.id: c for c in result.claims}
    clusters_by_id = {k.id: k for k in result.clusters}
    findings = []
    for number, finding in enumerate(sorted_findings(result), start=1):
        sides, missing = [], []
        for index, claim_id in enumerate(finding.claims):
            claim = claims_by_id.get(claim_id)
            if claim is None:
                missing.append(claim_id)
                continue
            sides.append(claim_view(claim, result, out_dir, letter=chr(ord("A") + index) if index < 26 else str(index)))
        cluster = clusters_by_id.get(finding.cluster) if finding.cluster else None
        findings.append(FindingView(finding, number, sides, missing, evidence_items(finding),
                                    cluster.label if cluster else None))

    findings_of_cluster: dict[str, list[str]] = {}
    claim_to_clusters: dict[str, list[str]] = {}
    for cluster in result.clusters:
        for claim_id in cluster.claims:
            claim_to_clusters.setdefault(claim_id, []).append(cluster.id)
    for finding in sorted_findings(result):
        owners = {finding.cluster} if finding.cluster else set()
        for claim_id in finding.claims:
            owners.update(claim_to_clusters.get(claim_id, []))
        for owner in owners:
            if owner in clusters_by_id:
                findings_of_cluster.setdefault(owner, []).append(finding.id)

    clusters = []
    for cluster in sorted(result.clusters, key=lambda k: k.id):
        # a one-claim cluster without a finding has no timeline worth a reader's time
        if len(cluster.claims) < 2 and cluster.id not in findings_of_cluster:
            continue
        rows = [claim_view(claims_by_id[c], result, out_dir) for c in cluster.claims if c in claims_by_id]
        rows.sort(key=asserted_sort_key)
        clusters.append(ClusterView(cluster, rows, findings_of_cluster.get(cluster.id, [])))
    # clusters with findings first, then the biggest stories
    clusters.sort(key=lambda v: (not v.finding_ids, -len(v.rows), v.cluster.id))
    omitted = max(0, len(clusters) - max_timelines)
    clusters = clusters[:max_timelines]

    counts = Counter((f.kind, f.severity) for f in result.findings)
    kinds = [k for k in KINDS if any(kk == k for kk, _ in counts)]
    kinds += sorted({k for k, _ in counts} - set(KINDS))
    severities = [s for s in SEVERITY_ORDER if any(ss == s for _, ss in counts)]
    severities += sorted({s for _, s in counts} - set(SEVERITIES))
    header = ["kind", *SEVERITY_ORDER, "total"]
    rows: list[list[object]] = []
    for kind in kinds:
        rows.append([kind, *(counts.get((kind, s), 0) for s in SEVERITY_ORDER),
                     sum(n for (k, _), n in counts.items() if k == kind)])
    rows.append(["total", *(sum(n for (_, s), n in counts.items() if s == sev) for sev in SEVERITY_ORDER),
                 len(result.findings)])
    return ReportView(
        result=result,
        findings=findings,
        clusters=clusters,
        omitted_clusters=omitted,
        claims_per_source=dict(Counter(c.source_id for c in result.claims)),
        findings_per_source=dict(Counter(sid for f in result.findings for sid in set(f.sources))),
        counts_header=header,
        counts_rows=rows,
        sources=sorted(result.sources, key=lambda s: s.id),
        warnings=[_relative_to_root(w, result.corpus_root) for w in dict.fromkeys(result.warnings)],
        kinds_present=kinds,
        severities_present=severities,
        out_dir=out_dir,
        source_colours=source_colours(result),
    )
