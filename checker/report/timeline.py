"""Per-cluster timeline charts: matplotlib (Agg, no pyplot state) to deterministic inline SVG.

x: when each claim was asserted (its own statement date, else the source's publication date).
y: what it claims — the deadline/interval value_from..value_to as a bar ending in a marker — or, for
a cluster of figures without times, the number. Colour by source; a grey line joins the claimed values
in assertion order so drift shows as a slope; the dashed diagonal "claimed = asserted" marks deadlines
that had already passed when they were asserted (points below it).

Labels are ASCII on purpose: matplotlib does not shape Arabic (letters come out isolated and
left-to-right), so the legend names sources by id and the page around the chart carries the Arabic.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass

from .view import ClaimView, ClusterView

log = logging.getLogger(__name__)

FIGSIZE = (8.0, 3.6)  # inches; fixed so the SVG is the same on every machine
HASH_SALT = "checker"
MAX_LABELLED = 8  # more value labels than this overlap; the table below the chart has every value
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_partial_date(value: str | None, end: bool = False) -> dt.date | None:
    """'2011' -> 2011-01-01 (or 2011-12-31 with end=True); '2011-07' -> July; full dates as they are."""
    if not value:
        return None
    m = _ISO.match(value)
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if day is None:
            if not end:
                return dt.date(year, month, 1)
            following = dt.date(year + (month == 12), month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass
class Mark:
    claim_id: str
    source_id: str
    x: dt.date
    x_partial: bool
    low: float | dt.date | None
    high: float | dt.date | None
    on_line: bool = True  # the claim's primary value, joined to the others by the drift line
    event: bool = False  # a report of something that happened (its own clock), not a plan or deadline
    x_last: dt.date | None = None  # end of the assertion period when only its year/month is known

    def x_bounds(self, to_num) -> tuple[float, float, float]:
        """(start, middle, end) of when the claim was asserted, in matplotlib date numbers."""
        start = to_num(self.x)
        end = to_num(self.x_last) if self.x_last else start
        return start, (start + end) / 2, end


# what a claim "claims" when it has several times: a deadline says more than the date it was said on
ROLE_PRIORITY = {"deadline": 0, "window": 1, "until": 2, "since": 3, "duration": 4, "vague": 5, "point": 6,
                 "statement": 7}
CLAIMED_ROLES = {"deadline", "window", "until", "since", "duration", "vague"}


def primary_time(row: ClaimView):
    """The time the drift line goes through for a claim: the most telling role, and among equals
    not the bare day the claim was asserted on ("on Friday" in a Friday dateline), then text order."""
    usable = [t for t in row.claim.times if t.value_from or t.value_to]
    if not usable:
        return None

    def is_assertion_day(ref) -> bool:
        return ref.value_from == ref.value_to == row.asserted

    return min(usable, key=lambda t: (ROLE_PRIORITY.get(t.role, 6), is_assertion_day(t), row.claim.times.index(t)))


def drawn_times(row: ClaimView) -> list:
    """Every deadline/window/... a claim states (one sentence can hold a window and a deadline that
    disagree — seed 004), else its primary time. Statement dates are where x comes from, not values."""
    claimed = [t for t in row.claim.times if t.role in CLAIMED_ROLES and (t.value_from or t.value_to)]
    if claimed:
        return claimed
    primary = primary_time(row)
    return [primary] if primary is not None else []


def is_event_report(claim) -> bool:
    """DESIGN's two clocks: a report of an event ("withdrew in February") is dated by when it happened,
    a plan ("will withdraw within six months") by when it was said. Only plans make a drift line."""
    if claim.modality in ("plan", "commitment", "hedge") or claim.tense == "future":
        return False
    return claim.modality == "fact" or claim.tense == "past"


def _date_marks(rows: list[ClaimView]) -> list[Mark]:
    marks = []
    for row in rows:
        x = parse_partial_date(row.asserted)
        if x is None:
            continue
        primary = primary_time(row)
        partial = bool(row.asserted) and len(row.asserted) < 10
        for ref in drawn_times(row):
            low = parse_partial_date(ref.value_from)
            high = parse_partial_date(ref.value_to, end=True)
            if low is None and high is None:
                continue
            marks.append(Mark(row.claim.id, row.source_id, x, partial, low, high, on_line=ref is primary,
                              event=is_event_report(row.claim),
                              x_last=parse_partial_date(row.asserted, end=True)))
    return marks


def _number_marks(rows: list[ClaimView]) -> tuple[list[Mark], str]:
    units = sorted({q.unit for row in rows for q in row.claim.quantities})
    if not units:
        return [], ""
    # one unit per chart: the most frequent one, so troops and percentages never share an axis
    unit = max(units, key=lambda u: sum(q.unit == u for row in rows for q in row.claim.quantities))
    marks = []
    for row in rows:
        x = parse_partial_date(row.asserted)
        if x is None:
            continue
        # one figure per claim, the first of the chart's unit, so the line joins claim to claim
        for q in [q for q in row.claim.quantities if q.unit == unit][:1]:
            marks.append(Mark(row.claim.id, row.source_id, x, len(row.asserted or "") < 10, q.value,
                              q.value_max if q.value_max is not None else q.value,
                              x_last=parse_partial_date(row.asserted, end=True)))
    return marks, unit


def _date_format(span_days: float) -> str:
    """Tick labels a reader cannot misread: every tick carries its year."""
    if span_days > 3 * 365:
        return "%Y"
    if span_days > 120:
        return "%Y-%m"
    return "%Y-%m-%d"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def _place_labels(fig, ax, labels: list[tuple[float, float, str, object]]) -> None:
    """Value labels beside their markers, stepped down when one would sit on another (marks of one
    story bunch together when the cluster spans years)."""
    if not labels:
        return
    to_points = 72.0 / fig.dpi
    placed: list[tuple[float, float, float]] = []  # x, y (points) and width of labels placed so far
    for x, y, text, colour in sorted(labels, key=lambda item: (item[0], -item[1])):
        px, py = (v * to_points for v in ax.transData.transform((x, y)))
        width = 4.2 * len(text)  # 7pt DejaVu digits are ~4.2pt wide
        dy = 2.0
        while any(px + 6 < qx + qw and qx < px + 6 + width and abs(py + dy - qy) < 8.5 for qx, qy, qw in placed):
            dy -= 9.0
        placed.append((px + 6, py + dy, width))
        annotation = ax.annotate(text, (x, y), xytext=(6, dy), textcoords="offset points", fontsize=7,
                                 color=colour, va="bottom",
                                 bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75})
        annotation.set_in_layout(False)


def _spread(marks: list[Mark]) -> dict[int, float]:
    """Marks at the same x are nudged apart (in days) so none hides another."""
    xs = [m.x for m in marks]
    span = max(1, (max(xs) - min(xs)).days) if xs else 1
    step = max(1.0, span * 0.012)
    seen: dict[dt.date, int] = {}
    offsets = {}
    for i, m in enumerate(marks):
        k = seen.get(m.x, 0)
        seen[m.x] = k + 1
        offsets[i] = ((k + 1) // 2) * step * (1 if k % 2 else -1) if k else 0.0
    return offsets


def _prefix_ids(svg: str, prefix: str) -> str:
    """Several charts live in one page: their ids (clip paths, glyphs) must not collide."""
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    if not ids:
        return svg
    pattern = re.compile(r'(\bid="|#)(' + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r')(?=["\)])')
    return pattern.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)


def _svg_text(fig, chart_id: str, label: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = _prefix_ids(svg, chart_id)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _assertion_strip(cluster: ClusterView, chart_id: str, colours: dict[str, str]) -> str:
    """For a cluster whose claims carry no time or figure: when did each source say it? One row per
    source, a dot per claim at its assertion date."""
    import matplotlib
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    rows = [r for r in cluster.rows if parse_partial_date(r.asserted) is not None]
    source_ids = sorted({r.source_id for r in rows})
    palette = matplotlib.colormaps["tab10"].colors
    with matplotlib.rc_context({"svg.hashsalt": HASH_SALT, "svg.fonttype": "path", "font.size": 9,
                                "font.family": "DejaVu Sans"}):
        height = 1.1 + 0.32 * len(source_ids)
        fig = Figure(figsize=(FIGSIZE[0], height))
        fig.subplots_adjust(left=0.24, right=0.97, bottom=0.75 / height, top=1 - 0.15 / height)
        ax = fig.add_subplot()
        xs = []
        for r in rows:
            start = mdates.date2num(parse_partial_date(r.asserted))
            end = mdates.date2num(parse_partial_date(r.asserted, end=True))
            y = source_ids.index(r.source_id)
            c = colours.get(r.source_id) or palette[y % len(palette)]
            partial = len(r.asserted or "") < 10
            if partial:  # only the year/month is known: the bar is the period, the dot its middle
                ax.hlines(y, start, end, colors=[c], linewidth=4, alpha=0.35)
            ax.plot([(start + end) / 2], [y], marker="o", markersize=8, color=c, linestyle="none",
                    markerfacecolor="white" if partial else c)
            xs += [start, end]
        ax.set_yticks(range(len(source_ids)), source_ids, fontsize=7)
        ax.set_ylim(-0.7, len(source_ids) - 0.3)
        pad_x = max(15.0, (max(xs) - min(xs)) * 0.08)
        ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
        ax.xaxis_date()
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
        ax.xaxis.set_major_formatter(mdates.DateFormatter(_date_format(max(xs) - min(xs) + 2 * pad_x)))
        ax.set_xlabel("asserted (statement or publication date)")
        ax.grid(True, axis="x", color="#eeeeee", linewidth=0.6)
        return _svg_text(fig, chart_id, f"when {len(rows)} claims were asserted")


def render_chart(cluster: ClusterView, chart_id: str, colours: dict[str, str] | None = None) -> tuple[str | None, str]:
    """(inline SVG or None, a note for the reader about what is and is not drawn).

    Dates when the claims state times; the figures too (a second chart) when two or more claims
    give a number in the same unit, so a changed count is as visible as a moved deadline."""
    colours = colours or {}
    marks = _date_marks(cluster.rows)
    number_marks, unit = _number_marks(cluster.rows)
    undated = sum(1 for row in cluster.rows if parse_partial_date(row.asserted) is None)
    if not marks and not number_marks:
        if undated == len(cluster.rows):
            return None, "No claim in this cluster has a known assertion date, so there is nothing to place in time."
        return _assertion_strip(cluster, chart_id, colours), (
            "No claim here states a time or figure; the chart shows when each source asserted it"
            + (f" ({undated} undated claim(s) not drawn)." if undated else "."))
    svgs = []
    if marks:
        svgs.append(_plot(marks, "", chart_id, colours))
    if number_marks and (not marks or len({m.claim_id for m in number_marks}) >= 2):
        svgs.append(_plot(number_marks, unit, f"{chart_id}n", colours))
    drawn = {m.claim_id for m in marks} | {m.claim_id for m in number_marks}
    notes = []
    if undated:
        notes.append(f"{undated} claim(s) without a known assertion date are not drawn")
    not_drawn = len(cluster.rows) - undated - len(drawn)
    if not_drawn > 0:
        notes.append(f"{not_drawn} claim(s) without a resolved time or figure are not drawn")
    return "\n".join(svgs), "; ".join(notes)


def _plot(marks: list[Mark], numeric_unit: str, chart_id: str, colours: dict[str, str]) -> str:
    """One chart: dates on y (numeric_unit "") or the figures in that unit."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    source_ids = sorted({m.source_id for m in marks})
    palette = matplotlib.colormaps["tab10"].colors
    colour = {sid: colours.get(sid) or palette[i % len(palette)] for i, sid in enumerate(source_ids)}
    offsets = _spread(marks)

    with matplotlib.rc_context({"svg.hashsalt": HASH_SALT, "svg.fonttype": "path", "font.size": 9,
                                "font.family": "DejaVu Sans"}):
        # fixed margins, not constrained layout: the same picture every time, and 3x faster to draw
        fig = Figure(figsize=FIGSIZE)
        fig.subplots_adjust(left=0.11, right=0.73, bottom=0.14, top=0.96)
        ax = fig.add_subplot()
        to_num = mdates.date2num
        xs, ys = [], []
        extent: list[float] = []
        labels: list[tuple[float, float, str, object]] = []
        label_points = len(marks) <= MAX_LABELLED
        for i, m in enumerate(marks):
            period_start, middle, period_end = m.x_bounds(to_num)
            x = middle + offsets[i]
            c = colour[m.source_id]
            face = "white" if m.x_partial else c  # hollow marker: only the year/month of assertion is known
            low = to_num(m.low) if not numeric_unit and m.low is not None else m.low
            high = to_num(m.high) if not numeric_unit and m.high is not None else m.high
            if low is not None and high is not None and low != high:
                ax.vlines(x, low, high, colors=[c], linewidth=5, alpha=0.35)
                ax.plot([x], [low], marker="_", markersize=10, color=c)
            end = high if high is not None else low
            if m.x_partial:  # asserted some time in this year/month: show the whole period, not a day
                ax.hlines(end, period_start, period_end, colors=[c], linewidth=1.5, alpha=0.5)
                extent += [period_start, period_end]
            marker = "o" if numeric_unit or m.event else ("v" if high is not None else "^")
            ax.plot([x], [end], marker=marker, markersize=8 if numeric_unit else 9, color=c,
                    markerfacecolor=face, linestyle="none", zorder=3)
            if label_points:
                shown = m.high if m.high is not None else m.low
                labels.append((x, end, _number(shown) if numeric_unit else shown.isoformat(), c))
            xs.append(x)
            ys.append(end)
        joined = [i for i in range(len(xs)) if marks[i].on_line and (numeric_unit or not marks[i].event)]
        order = sorted(joined, key=lambda i: (xs[i], ys[i]))
        if len(order) > 1:
            ax.plot([xs[i] for i in order], [ys[i] for i in order], color="#888888", linewidth=0.8,
                    linestyle="-", zorder=1)
        ax.xaxis_date()
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
        ax.xaxis.set_major_formatter(mdates.DateFormatter(_date_format(max(xs + extent) - min(xs + extent) + 20)))
        all_y = [v for m in marks for v in ((m.low, m.high) if numeric_unit else
                                            (to_num(m.low) if m.low else None, to_num(m.high) if m.high else None))
                 if v is not None]
        if numeric_unit:
            from matplotlib.ticker import FuncFormatter, MaxNLocator

            ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=all(float(v).is_integer() for v in all_y)))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _number(v)))
            ax.set_ylabel(f"claimed figure ({numeric_unit})")
            pad_y = max(abs(max(all_y)) * 0.05, (max(all_y) - min(all_y)) * 0.1, 1.0)
        else:
            ax.yaxis_date()
            ax.yaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
            ax.yaxis.set_major_formatter(mdates.DateFormatter(_date_format(max(all_y) - min(all_y))))
            ax.axline((xs[0], xs[0]), slope=1, color="#bbbbbb", linestyle="--", linewidth=0.8, zorder=0)
            ax.set_ylabel("claimed date / deadline")
            pad_y = max(15.0, (max(all_y) - min(all_y)) * 0.08)
        ax.set_xlabel("asserted (statement or publication date)")
        x_all = xs + extent
        pad_x = max(10.0, (max(x_all) - min(x_all)) * 0.08)
        ax.set_xlim(min(x_all) - pad_x, max(x_all) + pad_x * 1.5)  # room on the right for value labels
        ax.set_ylim(min(all_y) - pad_y, max(all_y) + pad_y)
        ax.grid(True, color="#eeeeee", linewidth=0.6)
        _place_labels(fig, ax, labels)
        handles = [Line2D([], [], color=colour[sid], marker="s", linestyle="none", markersize=6, label=sid)
                   for sid in source_ids]
        if not numeric_unit:
            if any(not m.event for m in marks):
                handles.append(Line2D([], [], color="#555555", marker="v", linestyle="none", markersize=6,
                                      label="plan / deadline"))
            if any(m.event for m in marks):
                handles.append(Line2D([], [], color="#555555", marker="o", linestyle="none", markersize=6,
                                      label="reported event"))
        if not numeric_unit:
            handles.append(Line2D([], [], color="#bbbbbb", linestyle="--", label="claimed = asserted"))
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.745, 0.97), fontsize=7, frameon=False)
        what = f"{numeric_unit} figures" if numeric_unit else "claimed dates"
        return _svg_text(fig, chart_id, f"timeline of {len(marks)} {what}")
