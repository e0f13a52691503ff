"""The rule engine: YAML rules over claim facets and pair relations → findings.

A rule file (rules/*.yaml) names a `scope` (which facets it looks at), `require` / `unless` lists of
conditions from the closed vocabulary in CONDITIONS below (each a documented Python predicate, no
eval), a message and a question. The engine:
  1. splits claims into facets (checker.facets),
  2. runs `facet` rules on single facets and `source` rules on facet pairs inside one source,
  3. runs `pair` rules on candidate claim pairs from matching, in file priority order — contradiction
     rules are tested first, and a claim pair gets at most one pair finding,
  4. runs `chain` rules (drift) over plan values grouped by family, subject group and place,
  5. lets the learned signal speak on candidate pairs no slot rule could decide,
  6. merges findings that compare the same two values into one finding with two sides, each side
     represented by its earliest source, the others listed as restatements.
"""
from __future__ import annotations

import hashlib
import logging
import re
from functools import lru_cache
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import yaml

from .config import Config
from .errors import RuleFileError
from .facets import Facet, facets_of, own_future_verb, parse_iso, published_interval
from .lexicon import Lexicons
from .model import KINDS, SEVERITIES, Claim, Finding, Source
from .textnorm import normalize_for_matching

log = logging.getLogger(__name__)

SCOPES = ("pair", "source", "facet", "chain", "signal")


# --------------------------------------------------------------------------- context

@dataclass
class PairContext:
    a: Facet
    b: Facet
    similarity: float
    config: Config
    lexicons: Lexicons
    signal: Callable[[Claim, Claim], float] | None = None
    notes: dict[str, Any] = field(default_factory=dict)
    facets: Mapping[str, list[Facet]] | None = None  # the engine's facets per claim id, computed once

    def cfg(self, value: Any) -> Any:
        """A parameter may name a Config attribute ("plan_overlap_days") instead of giving a number."""
        if isinstance(value, str) and hasattr(self.config, value):
            return getattr(self.config, value)
        return value


def _direction(lex: Lexicons, claim: Claim) -> str:
    if claim.event and claim.event in lex.event_info:
        return lex.event_info[claim.event].direction
    return "none"


def _group(lex: Lexicons, subject: str | None) -> str | None:
    if subject is None:
        return None
    if subject.startswith("forces:"):
        return "foreign_military"
    return lex.subject_group.get(subject, subject)


def _days(a: date | None, b: date | None) -> int | None:
    return None if a is None or b is None else abs((a - b).days)


def _assert_gap(ctx: PairContext) -> int | None:
    """Days between the two assertion clocks (0 when the intervals overlap)."""
    a, b = ctx.a, ctx.b
    if None in (a.asserted_from, a.asserted_to, b.asserted_from, b.asserted_to):
        return None
    if a.asserted_to < b.asserted_from:
        return (b.asserted_from - a.asserted_to).days
    if b.asserted_to < a.asserted_from:
        return (a.asserted_from - b.asserted_to).days
    return 0


def _stays_until(ctx: PairContext, f: Facet) -> date | None:
    """The last day a facet says the presence continues, if it says so."""
    direction = _direction(ctx.lexicons, f.claim)
    staying = (direction == "stay" and f.claim.polarity == "positive") or (
        direction == "leave" and f.claim.polarity == "negative")
    if not staying or f.kind != "time" or f.time is None:
        return None
    return f.value_to  # "until (at least) mid-2024", or "won't leave soon": present through that window


def _leaves_by(ctx: PairContext, f: Facet) -> date | None:
    if _direction(ctx.lexicons, f.claim) != "leave" or f.claim.polarity != "positive":
        return None
    if f.kind != "time" or f.clock != "plan" or f.time is None or f.time.granularity == "vague":
        return None
    return f.value_to


def _scopes(claim: Claim) -> set[str]:
    return set(claim.scope.split("+")) if claim.scope else set()


# --------------------------------------------------------------------------- conditions

def c_different_sources(ctx: PairContext) -> bool:
    """The two claims come from different sources."""
    return ctx.a.source.id != ctx.b.source.id


def c_same_source(ctx: PairContext) -> bool:
    """Both claims come from one source."""
    return ctx.a.source.id == ctx.b.source.id


def c_different_claims(ctx: PairContext) -> bool:
    """The two facets belong to different claims (sentences)."""
    return ctx.a.claim.id != ctx.b.claim.id


_WEAK_FAMILIES = (None, "announcement", "agreement")


def c_same_family(ctx: PairContext, family: str | None = None, loose: bool = False) -> bool:
    """Both claims are about the same event family (presence, election, rate, …), optionally a given one;
    `loose`: a claim whose only event is an announcement or agreement matches any family."""
    fa, fb = ctx.a.claim.event_family, ctx.b.claim.event_family
    if loose and (fa in _WEAK_FAMILIES or fb in _WEAK_FAMILIES):
        return family is None or family in (fa, fb)
    return fa is not None and fa == fb and (family is None or fa == family)


def c_compatible_subject(ctx: PairContext, allow_unknown: bool = False) -> bool:
    """Subjects in the same group (US forces ~ coalition); an unknown subject only when allowed. An election,
    a rate, a ceasefire, an opening… is identified by its family and place, not by who the sentence names."""
    family = ctx.a.claim.event_family
    if family == ctx.b.claim.event_family and family not in ("presence", *_WEAK_FAMILIES):
        return True
    ga, gb = _group(ctx.lexicons, ctx.a.claim.subject), _group(ctx.lexicons, ctx.b.claim.subject)
    if ga is None or gb is None:
        return allow_unknown
    return ga == gb


def c_compatible_location(ctx: PairContext) -> bool:
    """Same place, or a place is unknown on one side. An exchange, a ceasefire, a crossing… lies between
    places: for those families, two claims that both name a place agree on it."""
    la, lb = ctx.a.claim.location, ctx.b.claim.location
    if la is None or lb is None or la == lb:
        return True
    family = ctx.a.claim.event_family
    if family == ctx.b.claim.event_family and family not in ("presence", *_WEAK_FAMILIES):
        places = lambda c: {h.entry for h in ctx.lexicons.locations.find(c.normalized)} | {c.location}  # noqa: E731
        return bool(places(ctx.a.claim) & places(ctx.b.claim))
    return False


SHORT_ITEM_CHARS = 300  # a headline or a wire flash, not an article


def c_similar(ctx: PairContext, min: Any = "same_fact_similarity",  # noqa: A002 - YAML key
              min_in_articles: Any = None) -> bool:
    """Embedding similarity of the two claims is at least `min`; with `min_in_articles`, a pair whose
    claims come from full articles (not headline-sized items) needs that higher similarity instead."""
    floor = float(ctx.cfg(min))
    if min_in_articles is not None and (len(ctx.a.source.text) > SHORT_ITEM_CHARS
                                        or len(ctx.b.source.text) > SHORT_ITEM_CHARS):
        floor = max(floor, float(ctx.cfg(min_in_articles)))
    return ctx.similarity >= floor


def c_kinds(ctx: PairContext, a: Any = None, b: Any = None) -> bool:
    """Facet kinds: time | announce | figure | bare."""
    return (a is None or ctx.a.kind in _as_list(a)) and (b is None or ctx.b.kind in _as_list(b))


def c_clocks(ctx: PairContext, a: Any = None, b: Any = None) -> bool:
    """Facet clocks: plan (compared by assertion time) | event (by when it happened) | state."""
    return (a is None or ctx.a.clock in _as_list(a)) and (b is None or ctx.b.clock in _as_list(b))


def _span(f: Facet) -> int:
    return (f.asserted_to - f.asserted_from).days if f.asserted_from and f.asserted_to else 10 ** 6


def c_asserted_within(ctx: PairContext, days: Any = "plan_overlap_days") -> bool:
    """Both were asserted within `days` of each other. Unknown dates never count as within, and neither
    do partial ones wider than `days` ("2024" overlaps everything, so it proves nothing)."""
    limit = int(ctx.cfg(days))
    if ctx.a.source.id == ctx.b.source.id and (ctx.a.asserted_from, ctx.a.asserted_to) == (
            ctx.b.asserted_from, ctx.b.asserted_to) and ctx.a.asserted_from is not None:
        return True  # one article, one clock, however coarse its date
    if _span(ctx.a) > limit or _span(ctx.b) > limit:
        return False
    gap = _assert_gap(ctx)
    return gap is not None and gap <= limit


def c_asserted_unknown(ctx: PairContext) -> bool:
    """At least one side has no known assertion date."""
    return _assert_gap(ctx) is None


_DEADLINE_ROLES = ("deadline", "window", "until")


def c_deadlines_differ(ctx: PairContext, tolerance: Any = "date_tolerance_days") -> bool:
    """Both facets carry a dated plan (not vague) whose end differs by more than `tolerance` days."""
    a, b = ctx.a, ctx.b
    if a.kind != "time" or b.kind != "time" or "vague" in (a.time.granularity, b.time.granularity):
        return False
    if a.time.role not in _DEADLINE_ROLES and b.time.role not in _DEADLINE_ROLES and None not in (
            a.value_from, a.value_to, b.value_from, b.value_to) and a.value_from <= b.value_to and b.value_from <= a.value_to:
        return False  # "from May until the end of the year" and "in May": scheduled periods that overlap
    gap = _days(a.value_to, b.value_to)
    if gap is None or gap <= int(ctx.cfg(tolerance)):
        return False
    if _within_bound(a, b) or _within_bound(b, a):
        return False  # "the vote set for 25 February" and "a vote before the term ends on 2 April" agree
    ctx.notes["delta_days"] = gap
    return True


_BEFORE_BOUND = re.compile(r"(?<!\w)(?:before|ahead of|prior to|قبل)(?!\w)[^.;،,؛]{0,40}$", re.I)


def _within_bound(bound: Facet, other: Facet) -> bool:
    """`bound` is an upper bound ("before 2 April", "by 2 April") and `other` a scheduled day or period (not a
    deadline, window or duration) that falls before it: both can be true."""
    if other.time.role != "point" or other.value_to is None or bound.value_to is None:
        return False
    is_bound = bound.time.role == "deadline" or bool(
        _BEFORE_BOUND.search(bound.claim.text[max(0, bound.time.start - 48): bound.time.start]))
    return is_bound and other.value_to <= bound.value_to


def c_event_times_differ(ctx: PairContext, tolerance: Any = "date_tolerance_days") -> bool:
    """Two dated events whose intervals are disjoint by more than `tolerance` days."""
    a, b = ctx.a, ctx.b
    if a.time is None or b.time is None or "vague" in (a.time.granularity, b.time.granularity):
        return False
    if None in (a.value_from, a.value_to, b.value_from, b.value_to):
        return False
    tol = timedelta(days=int(ctx.cfg(tolerance)))
    if a.value_to + tol < b.value_from or b.value_to + tol < a.value_from:
        ctx.notes["delta_days"] = min(abs((a.value_to - b.value_from).days), abs((b.value_to - a.value_from).days))
        return True
    return False


_FIGURE_CHANGE = re.compile(r"(?:\bby|بمقدار|\bup|\bdown)\s*(?:about|around|some|nearly|almost|نحو|حوالي)?\s*[$€£]?\s*$", re.I)
_FIGURE_LEVEL = re.compile(r"(?:\bto|\bat|إلى|الى|عند|ليصل|لتصل|ليبلغ|لتبلغ)\s*(?:about|around|some|nearly|almost|نحو|حوالي)?\s*[$€£]?\s*$",
                           re.I)


_FIGURE_MORE_BEFORE = re.compile(r"(?:\bfurther|\badditional|\banother|\bextra|دفعة جديدة من|دفعة أخرى من)\s*"
                                 r"(?:about|around|some|nearly|almost|نحو|حوالي)?\s*[$€£]?\s*$", re.I)
_FIGURE_MORE_AFTER = re.compile(r"^\s*(?:\S+\s+){0,1}(?:more|additional|extra|further|others?|إضافي\w*|اضافي\w*|آخرين|اخرين|آخرون|أخرى|اخرى)(?!\w)(?!\s+than)",
                                re.I)


def _figure_role(claim: Claim, q) -> str | None:
    """'cut by 2 million barrels' (a change) vs 'cut to 9 million barrels' (a level); 'a further 104 prisoners'
    (an increment on top of an earlier figure); None when unmarked."""
    before = claim.text[max(0, q.start - 24): q.start]
    if _FIGURE_MORE_BEFORE.search(before) or _FIGURE_MORE_AFTER.match(claim.text[q.end: q.end + 30]):
        return "increment"
    if _FIGURE_CHANGE.search(before):
        return "change"
    if _FIGURE_LEVEL.search(before):
        return "level"
    return None


def _same_figure(x: float, y: float, tolerance: float) -> bool:
    top = max(abs(x), abs(y)) or 1.0
    return abs(x - y) / top <= tolerance


_BOUND_BEFORE = re.compile(r"(?<!\w)(?:above|over|more than|less than|under|below|at least|at most|up to|upwards of|in excess of|exceeding|"
                           r"أكثر من|اكثر من|أقل من|اقل من|ما يزيد على|ما يزيد عن|ما يفوق|يفوق|تفوق|يتجاوز|تتجاوز|تجاوز|"
                           r"لا يقل عن|لا تقل عن|ما لا يقل عن|فوق|دون)\s*[$€£]?\s*$", re.I)


def _is_bound(claim: Claim, q) -> bool:
    """The figure is a bound ("above 10%", "more than 1,000", "أكثر من ألف"), not a value to compare."""
    return bool(_BOUND_BEFORE.search(claim.text[max(0, q.start - 24): q.start]))


def c_figures_differ(ctx: PairContext, tolerance: Any = "number_tolerance") -> bool:
    """Two figures of the same unit differ by more than `tolerance` (relative). Not when either figure also
    stands in the other claim (two numbers restated: 50 hostages for 150 prisoners), nor when one is a change
    ("by 2 million barrels a day") and the other a level ("to 9 million")."""
    qa, qb = ctx.a.quantity, ctx.b.quantity
    if qa is None or qb is None or qa.unit != qb.unit:
        return False
    tol = float(ctx.cfg(tolerance))
    others_b = [q.value for q in ctx.b.claim.quantities if q.unit == qa.unit]
    others_a = [q.value for q in ctx.a.claim.quantities if q.unit == qb.unit]
    if any(_same_figure(qa.value, v, tol) for v in others_b) or any(_same_figure(qb.value, v, tol) for v in others_a):
        return False
    if _is_bound(ctx.a.claim, qa) or _is_bound(ctx.b.claim, qb):
        return False  # "peaking above 10%", "أكثر من ألف": a bound, not the figure itself
    ra, rb = _figure_role(ctx.a.claim, qa), _figure_role(ctx.b.claim, qb)
    if "increment" in (ra, rb):  # "a further 104 prisoners were freed": not the count of the whole
        return False
    if ra and rb and ra != rb:
        return False
    hi_a, hi_b = qa.value_max or qa.value, qb.value_max or qb.value
    if qa.value <= hi_b and qb.value <= hi_a:  # ranges overlap
        return False
    top = max(abs(qa.value), abs(qb.value)) or 1.0
    return abs(qa.value - qb.value) / top > float(ctx.cfg(tolerance))


_PART_AFTER = re.compile(r"^\s*(?:\S+\s+){0,2}?(?:ground|combat|infantry|special forces|قتالي\w*|القتالي\w*|برية|البرية|بريين|البريين)(?!\w)",
                         re.I)
_PART_BEFORE = re.compile(r"(?:ground|combat|infantry)\s*$", re.I)
_INCLUDING = re.compile(r"(?<!\w)(?:including|among them|of whom|بمن فيهم|بمن فيهن|بما في ذلك|بما فيها|من بينهم)(?!\w)", re.I)


def _figure_part(claim: Claim, q) -> str | None:
    """How much a count covers: 'part' ("1,700 ground troops", "combat troops"), 'inclusive' ("2,000 personnel,
    including helicopter crews"), None when unmarked."""
    after = claim.text[q.end: q.end + 40]
    if _PART_AFTER.match(after) or _PART_BEFORE.search(claim.text[max(0, q.start - 12): q.start]):
        return "part"
    if _INCLUDING.search(claim.text[q.end:]):
        return "inclusive"
    return None


def c_figure_scope_same(ctx: PairContext) -> bool:
    """Both figures count the same thing: neither is limited to a part ("ground troops") or widened ("including
    support units") while the other is not."""
    qa, qb = ctx.a.quantity, ctx.b.quantity
    if qa is None or qb is None:
        return True
    return _figure_part(ctx.a.claim, qa) == _figure_part(ctx.b.claim, qb)


def c_figure_scope_differs(ctx: PairContext) -> bool:
    """One figure counts a part ("ground troops") or a widened whole ("including support units"), the other not."""
    return not c_figure_scope_same(ctx)


def c_event_overlap(ctx: PairContext, days: Any = "plan_overlap_days") -> bool:
    """The two claims speak of the same moment: their event dates (or, lacking them, assertion dates)
    lie within `days` of each other."""
    def own_times(f: Facet) -> list[Facet]:
        # "… on Tuesday, after last September's cut": the claim's own moment is Tuesday, not September
        times = [x for x in _claim_facets(ctx, f) if x.kind == "time" and x.clock == "event"]
        current = [x for x in times if not x.refers_to_past] or times
        order = ("day", "week", "month", "quarter", "year", "vague")
        finest = min((order.index(x.time.granularity) for x in current if x.time.granularity in order), default=None)
        return [x for x in current if finest is None or x.time.granularity == order[finest]]

    ta, tb = own_times(ctx.a), own_times(ctx.b)
    limit = timedelta(days=int(ctx.cfg(days)))
    if ta and tb:
        return any(x.value_from and y.value_from and x.value_to and y.value_to and
                   x.value_from - limit <= y.value_to and y.value_from - limit <= x.value_to for x in ta for y in tb)
    gap = _assert_gap(ctx)
    return gap is not None and gap <= int(ctx.cfg(days))


def c_postponed(ctx: PairContext) -> bool:
    """Either claim says a date was moved ("postponed to", "أرجأ", "delayed"): it names the old date and the
    new one, and the move is a drift, not two dates asserted at once."""
    return "postponed" in ctx.a.claim.cues or "postponed" in ctx.b.claim.cues


def c_polarity_same(ctx: PairContext) -> bool:
    """Both claims affirm, or both deny."""
    return ctx.a.claim.polarity == ctx.b.claim.polarity


def c_polarity_differs(ctx: PairContext) -> bool:
    """One claim affirms what the other denies."""
    return ctx.a.claim.polarity != ctx.b.claim.polarity


def c_window_from_statement(ctx: PairContext) -> bool:
    """Facet a's window is counted from a stated announcement date, or both facets share one sentence."""
    return (ctx.a.time is not None and ctx.a.time.anchor_how == "statement") or ctx.a.claim.id == ctx.b.claim.id


def c_some_time_agrees(ctx: PairContext) -> bool:
    """Some event date of one claim matches some event date of the other (within the date tolerance)."""
    tol = timedelta(days=ctx.config.date_tolerance_days)
    xs = [f for f in _claim_facets(ctx, ctx.a) if f.time is not None and f.clock == "event" and f.value_from]
    ys = [f for f in _claim_facets(ctx, ctx.b) if f.time is not None and f.clock == "event" and f.value_from]
    return any(x.value_from - tol <= y.value_to and y.value_from - tol <= x.value_to
               for x in xs for y in ys if x.value_to and y.value_to)


_STATED_DEADLINE_ROLES = ("deadline", "until")  # a window's end is computed, so it proves no agreement


def c_some_plan_agrees(ctx: PairContext) -> bool:
    """Some stated deadline of one claim matches some stated deadline of the other (within the date tolerance):
    the two report the same plan, and a second date in one of them ("after four days of talks", "a ceiling
    of 2,101") is about something else."""
    tol = ctx.config.date_tolerance_days
    xs = [f for f in _claim_facets(ctx, ctx.a) if f.kind == "time" and f.clock == "plan" and f.value_to
          and f.time.role in _STATED_DEADLINE_ROLES and f.time.granularity != "vague"]
    ys = [f for f in _claim_facets(ctx, ctx.b) if f.kind == "time" and f.clock == "plan" and f.value_to
          and f.time.role in _STATED_DEADLINE_ROLES and f.time.granularity != "vague"]
    return any(abs((x.value_to - y.value_to).days) <= tol for x in xs for y in ys)


def c_phase_marked(ctx: PairContext) -> bool:
    """Either claim names a stage of a process done in steps ("the first stage of the withdrawal", "الدفعة
    الأخيرة"): each stage has its own date."""
    return "phase" in ctx.a.claim.cues or "phase" in ctx.b.claim.cues


def c_slots_comparable(ctx: PairContext) -> bool:
    """Both claims carry dated plans, dated events or figures of one family: the slot rules are the
    authority on such a pair, whatever a classifier says."""
    if not c_same_family(ctx):
        return False
    if ctx.a.claim.event_family == "presence":  # the presence rules cover every move and count
        return True
    kinds = lambda f: {x.kind for x in _claim_facets(ctx, f) if x.kind in ("time", "figure", "announce")}  # noqa: E731
    return bool(kinds(ctx.a) & kinds(ctx.b))


def _move(f: Facet, lexicons: Lexicons) -> str | None:
    """What a claim says happens to a presence: it "ends" (leave, or a denied stay) or "goes_on"."""
    direction = _direction(lexicons, f.claim)
    if direction == "leave":
        return "ends" if f.claim.polarity == "positive" else "goes_on"
    if direction == "stay":
        return "goes_on" if f.claim.polarity == "positive" else "ends"
    return None


def c_opposite_moves(ctx: PairContext) -> bool:
    """One claim has the presence ending (leave), the other has it going on (stay, or a denied departure)."""
    a, b = _move(ctx.a, ctx.lexicons), _move(ctx.b, ctx.lexicons)
    return a is not None and b is not None and a != b


def c_same_subject(ctx: PairContext) -> bool:
    """Both claims name exactly the same subject (German forces and German forces, not just allies)."""
    return ctx.a.claim.subject is not None and ctx.a.claim.subject == ctx.b.claim.subject


def c_same_event(ctx: PairContext) -> bool:
    """Both claims name the same event (withdraw, end_mission, …)."""
    return ctx.a.claim.event is not None and ctx.a.claim.event == ctx.b.claim.event


def c_scope_same(ctx: PairContext) -> bool:
    """Neither claim is limited to combat forces while the other is not."""
    return ("combat_forces" in _scopes(ctx.a.claim)) == ("combat_forces" in _scopes(ctx.b.claim))


_CLAUSE_END = re.compile(r"[،,;؛:]|\s(?:and|but|while|whereas|و|فيما|بينما|على أن)\s")


def _subnational(ctx: PairContext, f: Facet) -> bool:
    """The facet speaks of part of a country (a province, a region). A dated facet owns the stretch of its
    sentence between the neighbouring dates ("end its mission in Iraq by September 2025 and operate from the
    Kurdistan Region until September 2026": the first date is the country's, the second the region's)."""
    pattern = ctx.lexicons.subnational
    if pattern is None:
        return False
    text = f.claim.text
    if f.kind == "time" and f.time is not None:
        others = sorted((t.start, t.end) for t in f.claim.times if t.role != "statement" and t is not f.time
                        and (t.start, t.end) != (f.time.start, f.time.end))
        # the attribution before a statement date ("a commander in the region said on Monday that …") is
        # not the facet's stretch either
        said = [(t.start, t.end) for t in f.claim.times if t.role == "statement"]
        lo = max((e for s, e in others + said if e <= f.time.start), default=0)
        hi = min((s for s, e in others if s >= f.time.end), default=len(text))
        tail = _CLAUSE_END.search(text, f.time.end, hi)  # what follows the date, up to the next clause
        text = text[lo: tail.start() if tail else hi]
    # the same facet meets many others: the answer is kept with the lexicons, by text and place
    cache = ctx.lexicons.__dict__.setdefault("_subnational_cache", {})
    key = (text, f.claim.location)
    if key not in cache:
        if len(cache) > 200_000:
            cache.clear()
        cache[key] = _names_a_part(ctx.lexicons, pattern, text, f.claim.location)
    return cache[key]


def _names_a_part(lexicons: Lexicons, pattern: re.Pattern, text: str, location: str | None) -> bool:
    norm = normalize_for_matching(text)
    places = lexicons.locations.find(norm)
    for m in pattern.finditer(norm):
        # "إقليم قره باغ" when the claim is about Karabakh itself names the whole place, not a part of it
        near = [h for h in places if len(norm[min(h.end, m.end()): max(h.start, m.start())].split()) <= 1]
        if not near or any(h.entry != location for h in near):
            return True
    return False


def c_region_same(ctx: PairContext) -> bool:
    """Both facets speak of the whole country, or both of a part of it (a province, a region)."""
    return _subnational(ctx, ctx.a) == _subnational(ctx, ctx.b)


def c_region_differs(ctx: PairContext) -> bool:
    """One facet speaks of a province or region, the other of the whole country."""
    return not c_region_same(ctx)


def c_scope_narrower(ctx: PairContext) -> bool:
    """Claim a speaks of combat forces only; claim b of forces in general or all forces."""
    return "combat_forces" in _scopes(ctx.a.claim) and "combat_forces" not in _scopes(ctx.b.claim)


def c_stays_past_deadline(ctx: PairContext, tolerance: Any = "date_tolerance_days") -> bool:
    """Facet a says the presence continues until a date later than the date by which facet b says it ends."""
    until = _stays_until(ctx, ctx.a)
    by = _leaves_by(ctx, ctx.b)
    if until is None or by is None:
        return False
    if until > by + timedelta(days=int(ctx.cfg(tolerance))):
        ctx.notes["delta_days"] = (until - by).days
        return True
    return False


def c_exit_reported_before(ctx: PairContext) -> bool:
    """Facet a reports (as done) that forces left / a mission ended at a time T, and claim b, asserted after
    T, still plans that exit or keeps the presence: the presence went on after the reported exit."""
    a, b = ctx.a, ctx.b
    if a.kind not in ("time", "announce") or a.clock != "event" or a.claim.tense != "past" \
            or a.claim.polarity != "positive":
        return False
    if _direction(ctx.lexicons, a.claim) != "leave" or a.value_to is None:
        return False
    scopes = _scopes(a.claim)
    # "ended its combat mission" alone does not say the forces left; "withdrew from the country" does
    if "all_forces" not in scopes and not (a.claim.event == "withdraw" and "combat_forces" not in scopes):
        return False
    if b.asserted_from is None or b.asserted_from <= a.value_to + timedelta(days=ctx.config.date_tolerance_days):
        return False
    b_leaves_later = _leaves_by(ctx, b) is not None and _leaves_by(ctx, b) > a.value_to
    b_stays = _stays_until(ctx, b) is not None
    if b_leaves_later or b_stays:
        ctx.notes["delta_days"] = (b.asserted_from - a.value_to).days
        return True
    return False


def c_mentions_transition(ctx: PairContext, side: str = "a") -> bool:
    """The claim on `side` also speaks of a move to an advisory / training role."""
    claim = ctx.a.claim if side == "a" else ctx.b.claim
    text = claim.normalized
    hits = {h.entry for h in ctx.lexicons.events.find(text)}
    return "transition" in hits or "advisory" in _scopes(claim)


def c_signal(ctx: PairContext, min: Any = "signal_contradiction_threshold") -> bool:  # noqa: A002
    """The learned pair classifier gives P(contradict) of at least `min`."""
    if ctx.signal is None:
        return False
    p = ctx.signal(ctx.a.claim, ctx.b.claim)
    ctx.notes["p_contradict"] = round(float(p), 3)
    explain = getattr(ctx.signal, "explain", None)
    if explain is not None and p >= float(ctx.cfg(min)):
        ctx.notes["signal_features"] = explain(ctx.a.claim, ctx.b.claim)
    return p >= float(ctx.cfg(min))


def c_values_agree(ctx: PairContext) -> bool:
    """The slots settle the pair as agreeing: comparable dated plans or figures exist and all match."""
    tol = ctx.config.date_tolerance_days
    fa, fb = _claim_facets(ctx, ctx.a), _claim_facets(ctx, ctx.b)
    compared = agreed = 0
    for x in fa:
        for y in fb:
            if x.kind == y.kind == "time" and x.clock == y.clock and x.value_to and y.value_to:
                compared += 1
                agreed += abs((x.value_to - y.value_to).days) <= tol
            elif x.kind == y.kind == "figure" and x.quantity.unit == y.quantity.unit:
                compared += 1
                top = max(abs(x.quantity.value), abs(y.quantity.value)) or 1.0
                agreed += abs(x.quantity.value - y.quantity.value) / top <= ctx.config.number_tolerance
    return compared > 0 and agreed == compared and ctx.a.claim.polarity == ctx.b.claim.polarity


_START_BEFORE = re.compile(r"(?<!\w)(?:start\w*|begin\w*|from|as of|effective|تبدأ|يبدأ|تبدا|يبدا|بدءا من|بدءً?ا من|ابتداء من|ابتداءً من|"
                           r"اعتبارا من|اعتباراً من|من)(?!\w)(?:\s+(?:on|في|يوم))?\s*$", re.I)


def c_window_misses_deadline(ctx: PairContext, tolerance: Any = "duration_tolerance_days") -> bool:
    """Facet a is a window ("within 12 months" from its announcement), facet b a dated deadline for the
    same thing; the window's end and the deadline differ by more than `tolerance` days either way."""
    a, b = ctx.a, ctx.b
    if a.kind != "time" or b.kind != "time" or a.time.role not in ("window", "duration"):
        return False
    if b.time.role not in ("deadline", "point", "until") or b.clock != "plan" or b.time.granularity == "vague":
        return False
    if a.value_from and a.value_to and (a.value_to - a.value_from).days > 3660:
        return False  # a window of over ten years is a span of history, not a timetable
    if _START_BEFORE.search(b.claim.text[max(0, b.time.start - 30): b.time.start]):
        return False  # "24 months, starting on 2 January": the start of the window, not its end
    if a.value_from and a.value_to:
        length = a.value_to - a.value_from
        tol = int(ctx.cfg(tolerance))
        for other in _claim_facets(ctx, a):
            if other.time is None or other is a or other.time is a.time or other.value_from is None:
                continue
            ends = [f.value_to for f in _claim_facets(ctx, a) if f.time is not None and f.value_to]
            if any(abs((other.value_from + length - end).days) <= tol for end in ends if end != a.value_to):
                return False  # counted from the start the claim itself gives, the window does add up
    gap = _days(a.value_to, b.value_to)
    if gap is None or gap <= int(ctx.cfg(tolerance)):
        return False
    ctx.notes["delta_days"] = gap
    ctx.notes["suggestion"] = _typo_suggestion(a, b, int(ctx.cfg(tolerance)))
    return True


def c_deadline_before_statement(ctx: PairContext) -> bool:
    """A deadline that ends before the date the same sentence says it was announced."""
    a = ctx.a
    statement = parse_iso(a.claim.statement_date)
    if a.kind != "time" or a.clock != "plan" or statement is None or a.value_to is None:
        return False
    if a.time.role not in ("deadline", "until") or a.refers_to_past:
        return False
    return a.value_to < statement


_HAS_YEAR = re.compile(r"[0-9٠-٩]{4}|(?<!\w)(?:this|next|last|the current|العام|عام|السنة|سنة)(?!\w)", re.I)
_YEARLESS_STALE_DAYS = 60  # a date without its year that passed months ago is most likely next year's


def c_stale_future(ctx: PairContext) -> bool:
    """A plan presented as still ahead (future tense, no "last"/"الماضي") whose deadline had already passed
    on the source's (exact) publication date."""
    a = ctx.a
    first, last, partial = published_interval(a.source.published)
    if partial or first is None or a.kind != "time" or a.clock != "plan" or a.value_to is None:
        return False
    if (a.claim.tense != "future" and not own_future_verb(a.claim.text, a.time)) or a.refers_to_past \
            or a.time.granularity == "vague":
        return False
    if a.claim.statement_date:  # a plan reported as announced on a date is asserted then, not at publication
        return False
    if not _HAS_YEAR.search(a.time.text) and a.value_to < first - timedelta(days=_YEARLESS_STALE_DAYS):
        return False  # "results will be out before the end of August", written in February: next August
    if a.value_to < first - timedelta(days=ctx.config.date_tolerance_days):
        ctx.notes["delta_days"] = (first - a.value_to).days
        return True
    return False


_OTHER_EVENT = re.compile(r"(?<!\w)(?:after|beyond|following|past|بعد|عقب|إثر|اثر|ما بعد)(?!\w)", re.I)
# "ahead of the Sept. 15 deadline", "قبل الموعد المحدد في 15 أيلول": the date is a deadline the move came before
_DEADLINE_OF_DATE = re.compile(r"(?<!\w)(?:ahead of|before|prior to|deadline|قبل|موعد|الموعد|مهلة|المهلة)(?!\w)"
                               r"(?:\s+(?:the|its|a|an|النهائي|المحدد|الأقصى))*\s*$", re.I)
_DEADLINE_AFTER_DATE = re.compile(r"^\s*(?:deadline|cutoff|cut-off|target date)(?!\w)", re.I)
# "withdrew from an offering whose deadline was extended to 30 September": the date belongs to another clause
_RELATIVE_CLAUSE = re.compile(r"(?<!\w)(?:whose|which|where|التي|الذي|اللذين|اللتين|اللواتي)(?!\w)", re.I)


def _date_of_another_event(ctx: PairContext, f: Facet) -> bool:
    """The date is not when the reported move happened: it follows 'after'/'beyond'/'بعد' between the event
    word and the date ("refused to extend its mandate beyond 8 December", "withdrew after the Fed signalled
    fewer cuts in 2025"), or the sentence hedges or postpones ("could be delayed beyond 2027")."""
    claim = f.claim
    if "postponed" in claim.cues or ctx.lexicons.hedge.any(claim.normalized):
        return True
    term = next((c.split(":", 1)[1] for c in claim.cues if c.startswith("event:")), None)
    text = claim.text
    at = text.lower().find(term.lower()) if term else -1
    if _DEADLINE_OF_DATE.search(text[max(0, f.time.start - 24): f.time.start]) \
            or _DEADLINE_AFTER_DATE.match(text[f.time.end: f.time.end + 24]):
        return True  # "well ahead of the Sept. 15 deadline": a deadline met early, not when it happened
    if at < 0:
        return bool(_OTHER_EVENT.search(text[max(0, f.time.start - 12): f.time.start]))
    between = text[at: f.time.start] if at < f.time.start else text[f.time.end: at]
    return bool(_OTHER_EVENT.search(between) or _RELATIVE_CLAUSE.search(between))


def c_done_after_publication(ctx: PairContext) -> bool:
    """An event reported as done, dated after the source's (exact) publication date."""
    a = ctx.a
    first, last, partial = published_interval(a.source.published)
    if partial or last is None or a.kind != "time" or a.clock != "event" or a.claim.tense != "past":
        return False
    if a.value_from is None or a.time.granularity == "vague":
        return False
    if _date_of_another_event(ctx, a):
        return False
    if a.value_from > last + timedelta(days=1):
        ctx.notes["delta_days"] = (a.value_from - last).days
        return True
    return False


def c_change(ctx: PairContext, type: str) -> bool:  # noqa: A002 - YAML key
    """(chain rules) What changed between two versions: deadline | figure | commitment."""
    return ctx.notes.get("change") == type


def c_directions(ctx: PairContext, a: Any = None, b: Any = None) -> bool:
    """What each claim's event does to a presence: leave | stay | enter | reduce | change | schedule | none."""
    da, db = _direction(ctx.lexicons, ctx.a.claim), _direction(ctx.lexicons, ctx.b.claim)
    return (a is None or da in _as_list(a)) and (b is None or db in _as_list(b))


def c_same_direction(ctx: PairContext) -> bool:
    """Both events move the presence the same way (both leave, both stay, …)."""
    return _direction(ctx.lexicons, ctx.a.claim) == _direction(ctx.lexicons, ctx.b.claim)


def c_modality(ctx: PairContext, a: Any = None, b: Any = None) -> bool:
    """Claim modality: plan | fact | hedge | no_timetable | assert (a discussion or a bare statement)."""
    return (a is None or ctx.a.claim.modality in _as_list(a)) and (b is None or ctx.b.claim.modality in _as_list(b))


def c_has_event(ctx: PairContext) -> bool:
    """The claim names an event from the lexicon."""
    return ctx.a.claim.event is not None


def _typo_suggestion(window: Facet, deadline: Facet, tolerance: int) -> str:
    """When shifting the announcement year by one makes window and deadline agree, say so."""
    anchor = parse_iso(window.time.anchor)
    if anchor is None or window.value_to is None or deadline.value_to is None:
        return ""
    for shift in (-1, 1):
        try:
            moved_end = window.value_to.replace(year=window.value_to.year + shift)
        except ValueError:
            moved_end = window.value_to + timedelta(days=365 * shift)
        if abs((moved_end - deadline.value_to).days) <= tolerance:
            return (f"If the announcement was in {anchor.year + shift} rather than {anchor.year}, the window "
                    f"and the deadline agree: the announcement year is probably wrong")
    return ""


def _claim_facets(ctx: PairContext, f: Facet) -> list[Facet]:
    """All facets of the claim `f` belongs to: the engine's, or computed when a context stands alone."""
    if ctx.facets is not None:
        return ctx.facets[f.claim.id]
    return facets_of(f.claim, f.source)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


CONDITIONS: dict[str, Callable[..., bool]] = {
    name[2:]: fn for name, fn in globals().items() if name.startswith("c_") and callable(fn)
}


# --------------------------------------------------------------------------- rules

@dataclass(frozen=True)
class Condition:
    name: str
    params: dict[str, Any]
    negate: bool = False

    def __call__(self, ctx: PairContext) -> bool:
        result = CONDITIONS[self.name](ctx, **self.params)
        return not result if self.negate else result


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    severity: str
    scope: str
    description: str
    require: tuple[Condition, ...]
    unless: tuple[Condition, ...]
    message: str
    question: str
    confidence: float
    examples: dict[str, list[dict[str, Any]]]
    path: str
    priority: int
    title: str = ""
    why: str = ""

    def holds(self, ctx: PairContext) -> bool:
        return all(c(ctx) for c in self.require) and not any(c(ctx) for c in self.unless)


_RULE_KEYS = {"id", "title", "kind", "severity", "scope", "description", "why", "require", "unless", "message",
              "question", "confidence", "examples", "priority"}


def _parse_conditions(items: Any, path: Path, rule_id: str, key: str) -> tuple[Condition, ...]:
    if items is None:
        return ()
    if not isinstance(items, list):
        raise RuleFileError(f"rule '{rule_id}': '{key}' must be a list of conditions", path=str(path))
    out = []
    for item in items:
        if isinstance(item, str):
            name, params = item, {}
        elif isinstance(item, dict) and len(item) == 1:
            name, params = next(iter(item.items()))
            params = params or {}
            if not isinstance(params, dict):
                raise RuleFileError(f"rule '{rule_id}': parameters of '{name}' must be a mapping", path=str(path))
        else:
            raise RuleFileError(f"rule '{rule_id}': bad condition {item!r}", path=str(path))
        negate = name.startswith("not ")
        name = name[4:].strip() if negate else name
        if name not in CONDITIONS:
            raise RuleFileError(f"rule '{rule_id}': unknown condition '{name}'", path=str(path),
                                hint=f"known: {', '.join(sorted(CONDITIONS))}")
        out.append(Condition(name, dict(params), negate))
    return tuple(out)


def load_rules(rules_dir: str | Path) -> list[Rule]:
    """Every rule in the folder, validated; cached until a rule file changes."""
    folder = Path(rules_dir)
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.yaml"))) \
        if folder.is_dir() else ()
    return list(_load_rules_cached(str(folder), stamp))


@lru_cache(maxsize=8)
def _load_rules_cached(rules_dir: str, stamp: tuple) -> tuple[Rule, ...]:
    return tuple(_load_rules(rules_dir))


def _load_rules(rules_dir: str | Path) -> list[Rule]:
    folder = Path(rules_dir)
    if not folder.is_dir():
        raise RuleFileError("rules folder not found", path=str(folder), hint="pass --rules DIR or restore rules/")
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise RuleFileError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path=str(path),
                                line=mark.line + 1 if mark else None) from None
        for doc in docs:
            if doc is None:
                continue
            items = doc.get("rules") if isinstance(doc, dict) and "rules" in doc else [doc]
            for raw in items:
                rules.append(_parse_rule(raw, path, seen))
    rules.sort(key=lambda r: (r.priority, r.id))
    return rules


def _parse_rule(raw: Any, path: Path, seen: dict[str, str]) -> Rule:
    if not isinstance(raw, dict):
        raise RuleFileError("a rule must be a mapping", path=str(path))
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise RuleFileError("a rule needs an 'id'", path=str(path))
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise RuleFileError(f"rule '{rule_id}': unknown keys {sorted(unknown)}", path=str(path),
                            hint=f"allowed: {', '.join(sorted(_RULE_KEYS))}")
    if rule_id in seen:
        raise RuleFileError(f"rule id '{rule_id}' is defined twice (also in {seen[rule_id]})", path=str(path))
    seen[rule_id] = str(path)
    kind, severity, scope = raw.get("kind"), raw.get("severity"), raw.get("scope", "pair")
    if kind not in KINDS:
        raise RuleFileError(f"rule '{rule_id}': kind must be one of {', '.join(KINDS)}", path=str(path))
    if severity not in SEVERITIES:
        raise RuleFileError(f"rule '{rule_id}': severity must be one of {', '.join(SEVERITIES)}", path=str(path))
    if scope not in SCOPES:
        raise RuleFileError(f"rule '{rule_id}': scope must be one of {', '.join(SCOPES)}", path=str(path))
    for key in ("description", "message"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RuleFileError(f"rule '{rule_id}': '{key}' is required", path=str(path))
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict) or not examples.get("fire") or not examples.get("ok"):
        raise RuleFileError(f"rule '{rule_id}': needs examples with both 'fire' and 'ok' lists", path=str(path))
    _check_template(raw["message"], rule_id, path)
    return Rule(
        id=rule_id, kind=kind, severity=severity, scope=scope, description=raw["description"].strip(),
        require=_parse_conditions(raw.get("require"), path, rule_id, "require"),
        unless=_parse_conditions(raw.get("unless"), path, rule_id, "unless"),
        message=raw["message"].strip(), question=str(raw.get("question", "")).strip(),
        confidence=float(raw.get("confidence", 0.8)), examples=examples, path=str(path),
        priority=int(raw.get("priority", 50)), title=str(raw.get("title", rule_id)), why=str(raw.get("why", "")).strip(),
    )


_TEMPLATE_FIELDS = {"a_source", "b_source", "a_outlet", "b_outlet", "a_published", "b_published", "a_value",
                    "b_value", "a_text", "b_text", "a_event", "b_event", "subject", "delta_days", "a_speaker",
                    "b_speaker", "suggestion", "a_origins", "b_origins", "p_contradict", "place"}


def _check_template(template: str, rule_id: str, path: Path) -> None:
    import string

    for _, name, _, _ in string.Formatter().parse(template):
        if name and name not in _TEMPLATE_FIELDS:
            raise RuleFileError(f"rule '{rule_id}': message uses unknown field '{{{name}}}'", path=str(path),
                                hint=f"fields: {', '.join(sorted(_TEMPLATE_FIELDS))}")


# --------------------------------------------------------------------------- engine

@dataclass
class _Hit:
    rule: Rule
    a: Facet
    b: Facet
    notes: dict[str, Any]
    similarity: float


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def evaluate(
    claims: Sequence[Claim],
    sources: Sequence[Source],
    pairs: Iterable[tuple[int, int, float]],
    rules: Sequence[Rule],
    lexicons: Lexicons,
    config: Config,
    signal: Callable[[Claim, Claim], float] | None = None,
    new_claim_ids: set[str] | None = None,
    cluster_of: dict[str, str] | None = None,
    stored_chain_values: Sequence[ChainValue] | None = None,
    load_claim: Callable[[str], tuple[Claim, Source]] | None = None,
) -> list[Finding]:
    """All findings for a corpus. `pairs` are candidate claim pairs (i, j, similarity) from matching;
    `new_claim_ids` (the CI gate) limits every check to those involving at least one new claim.

    The gate passes only the stored claims near the new ones in `claims`; then `stored_chain_values`
    are the drift-chain values of every stored claim in the chains the new claims touch, and
    `load_claim(claim_id)` fetches a stored claim that a drift finding needs but `claims` lacks."""
    by_id = {s.id: s for s in sources}
    pairs = list(pairs)
    hits: list[_Hit] = []
    involved = (lambda *cs: True) if new_claim_ids is None else (lambda *cs: any(c.id in new_claim_ids for c in cs))
    if new_claim_ids is None:
        wanted = claims
    else:  # the gate: facets only for new claims, their partners and the drift groups they touch
        partners = {claims[k].id for i, j, _ in pairs if claims[i].id in new_claim_ids or claims[j].id in new_claim_ids
                    for k in (i, j)}
        new_sources = {c.source_id for c in claims if c.id in new_claim_ids}
        touched = {(c.event_family, chain_group(lexicons, c)) for c in claims if c.id in new_claim_ids}
        wanted = [c for c in claims if c.id in partners or c.source_id in new_sources
                  or (c.event_family, chain_group(lexicons, c)) in touched]
    facets = _LazyFacets(by_id, load_claim)
    for c in wanted:
        facets[c.id] = facets_of(c, by_id[c.source_id])
    facets.claims = {c.id: c for c in claims}

    def ctx_for(fa: Facet, fb: Facet, sim: float) -> PairContext:
        return PairContext(fa, fb, sim, config, lexicons, signal, facets=facets)

    facet_rules = [r for r in rules if r.scope == "facet"]
    source_rules = [r for r in rules if r.scope == "source"]
    pair_rules = [r for r in rules if r.scope == "pair"]
    chain_rules = [r for r in rules if r.scope == "chain"]
    signal_rules = [r for r in rules if r.scope == "signal"]

    for claim in wanted:
        if not involved(claim):
            continue
        for f in facets[claim.id]:
            for rule in facet_rules:
                ctx = ctx_for(f, f, 1.0)
                if rule.holds(ctx):
                    hits.append(_Hit(rule, f, f, ctx.notes, 1.0))

    by_source: dict[str, list[Claim]] = defaultdict(list)
    for claim in wanted:
        by_source[claim.source_id].append(claim)
    for source_id, own in by_source.items():
        if not involved(*own):
            continue
        own_facets = [f for c in own for f in facets[c.id] if f.kind == "time"]
        for rule in source_rules:
            fired = False
            for fa in own_facets:
                for fb in own_facets:
                    if fa is fb:
                        continue
                    ctx = ctx_for(fa, fb, 1.0)
                    if rule.holds(ctx):
                        hits.append(_Hit(rule, fa, fb, ctx.notes, 1.0))
                        fired = True
                        break
                if fired:
                    break

    decided: set[frozenset[str]] = set()
    pair_list = [(i, j, s) for i, j, s in pairs if involved(claims[i], claims[j])]
    for i, j, sim in pair_list:
        ca, cb = claims[i], claims[j]
        key = frozenset((ca.id, cb.id))
        found = None
        for rule in pair_rules:
            for fa in facets[ca.id]:
                for fb in facets[cb.id]:
                    for x, y in ((fa, fb), (fb, fa)):
                        ctx = ctx_for(x, y, sim)
                        if rule.holds(ctx):
                            found = _Hit(rule, x, y, ctx.notes, sim)
                            break
                    if found:
                        break
                if found:
                    break
            if found:
                break
        if found:
            hits.append(found)
            decided.add(key)

    if chain_rules:
        ordinal: dict[str, int] = {}
        seen: dict[str, int] = defaultdict(int)
        for c in claims:
            ordinal[c.id] = seen[c.source_id]
            seen[c.source_id] += 1
        from_facets = [c for c in wanted if stored_chain_values is None or c.id in new_claim_ids]
        values = [v for c in from_facets for v in chain_values_of(c, facets[c.id], lexicons, ordinal[c.id])]
        values += [v for v in stored_chain_values or () if new_claim_ids is None or v.claim_id not in new_claim_ids]
        involved_ids = (lambda *ids: True) if new_claim_ids is None else \
            (lambda *ids: any(i in new_claim_ids for i in ids))
        hits.extend(_chains(chain_rules, values, facets, lexicons, config, involved_ids, signal))
    decided |= {frozenset((h.a.claim.id, h.b.claim.id)) for h in hits}

    if signal is not None and signal_rules:
        for i, j, sim in pair_list:
            ca, cb = claims[i], claims[j]
            if frozenset((ca.id, cb.id)) in decided:
                continue
            fa, fb = facets[ca.id][-1], facets[cb.id][-1]  # bare facets
            for rule in signal_rules:
                ctx = ctx_for(fa, fb, sim)
                if rule.holds(ctx):
                    hits.append(_Hit(rule, fa, fb, ctx.notes, sim))
                    break

    return _merge(hits, config, lexicons, cluster_of or {})


def _change_type(a: Facet, b: Facet) -> str:
    if a.kind == "figure":
        return "figure"
    weak = lambda f: f.time is None or f.time.granularity == "vague" or \
        f.claim.modality in ("hedge", "no_timetable")  # noqa: E731
    if weak(a) != weak(b) or a.claim.polarity != b.claim.polarity:
        return "commitment"
    return "deadline"


class _LazyFacets(dict):
    """Facets per claim id, computed on first use (the gate touches few claims of a large corpus)."""

    def __init__(self, sources: dict[str, Source], load_claim: Callable[[str], tuple[Claim, Source]] | None = None):
        super().__init__()
        self.sources = sources
        self.claims: dict[str, Claim] = {}
        self.load_claim = load_claim

    def __missing__(self, claim_id: str) -> list[Facet]:
        if claim_id not in self.claims and self.load_claim is not None:
            claim, source = self.load_claim(claim_id)
            self.claims[claim_id] = claim
            self.sources.setdefault(source.id, source)
        claim = self.claims[claim_id]
        value = facets_of(claim, self.sources[claim.source_id])
        self[claim_id] = value
        return value


@dataclass(frozen=True)
class ChainValue:
    """One value a source asserts for a drift chain, as plain data: what `_chains` compares. The gate
    reads these from the store for the stored corpus instead of rebuilding every claim's facets."""

    key: tuple  # (event family, subject group, place, "plan" | "figure:<unit>")
    source_id: str
    claim_id: str
    ordinal: int  # the claim's place in its source (values of one source are compared in this order)
    facet_no: int  # index into facets_of(claim, source)
    asserted_from: date
    kind: str  # "figure" | "plan" | "none" ("no timetable")
    value_to: date | None = None
    quantity: float | None = None
    polarity: str = "positive"
    vague: bool = False

    def to_row(self) -> list:
        return [list(self.key), self.ordinal, self.facet_no, self.asserted_from.isoformat(), self.kind,
                self.value_to.isoformat() if self.value_to else None, self.quantity, self.polarity, self.vague]

    @classmethod
    def from_row(cls, row: list, source_id: str, claim_id: str) -> "ChainValue":
        key, ordinal, facet_no, asserted, kind, value_to, quantity, polarity, vague = row
        return cls(tuple(key), source_id, claim_id, int(ordinal), int(facet_no), date.fromisoformat(asserted), kind,
                   date.fromisoformat(value_to) if value_to else None, quantity, polarity, bool(vague))


def _period(claim: Claim) -> str:
    """The year a figure of an economic series is for ("inflation of 1.5 percent in 2024" and "2 percent next
    year" are two forecasts, not one that moved); presence counts and unperiodised figures have none."""
    if claim.event_family in (None, "presence", *_WEAK_FAMILIES):
        return ""
    years = {t.value_from[:4] for t in claim.times if t.role != "statement" and t.value_from and t.value_to
             and t.granularity in ("year", "quarter", "month") and t.value_from[:4] == t.value_to[:4]}
    return "@" + min(years) if len(years) == 1 else ""


def chain_group(lexicons: Lexicons, claim: Claim) -> str | None:
    """The actor a drift chain follows: the subject group; but an election or a rate is identified by its
    family and place, whoever the sentence names ("France's parliament postponed the elections", "the
    central bank", no subject at all)."""
    if claim.event_family not in (None, "presence", *_WEAK_FAMILIES):
        return claim.event_family
    return _group(lexicons, claim.subject)


def chain_values_of(claim: Claim, facets: Sequence[Facet], lexicons: Lexicons, ordinal: int) -> list[ChainValue]:
    """The dated plan values and figures of one claim that drift chains compare."""
    group = chain_group(lexicons, claim)
    if claim.event_family is None or group is None:
        return []
    values = []
    for number, f in enumerate(facets):
        if f.asserted_from is None:
            continue
        plan_date = f.kind == "time" and f.clock == "plan" and f.value_to is not None
        if f.kind == "figure":
            chain, kind = "figure:" + f.quantity.unit + _period(claim), "figure"
        elif plan_date:
            chain, kind = "plan", "plan"
        elif f.kind == "bare" and claim.modality == "no_timetable":
            chain, kind = "plan", "none"  # "no timetable": a value too
        else:
            continue
        values.append(ChainValue(
            key=(claim.event_family, group, claim.location, chain), source_id=claim.source_id, claim_id=claim.id,
            ordinal=ordinal, facet_no=number, asserted_from=f.asserted_from, kind=kind,
            value_to=f.value_to if kind == "plan" else None,
            quantity=float(f.quantity.value) if kind == "figure" else None,
            polarity=_value_polarity(claim, f) if kind == "plan" else claim.polarity,
            vague=bool(kind == "plan" and f.time.granularity == "vague")))
    return values


def _value_polarity(claim: Claim, f: Facet) -> str:
    """A negated claim whose date stands in a clause of its own ("will not renew the mandate, which expires on
    18 May") still states that date plainly: the negation is of the other verb."""
    if claim.polarity != "negative" or f.time is None:
        return claim.polarity
    term = next((c.split(":", 1)[1] for c in claim.cues if c.startswith("event:")), None)
    at = claim.text.lower().find(term.lower()) if term else -1
    if 0 <= at < f.time.start and _RELATIVE_CLAUSE.search(claim.text[at: f.time.start]):
        return "positive"
    return claim.polarity


def _chains(chain_rules: Sequence[Rule], values: Iterable[ChainValue], facets: Mapping[str, list[Facet]],
            lexicons: Lexicons, config: Config, involved_ids: Callable[..., bool], signal) -> list[_Hit]:
    """Drift: per (family, subject group, place), the dated plan values each source asserts, in assertion
    order; a finding for each change of value (v1 → v2, v2 → v3), never for restatements. Facets are
    looked up only for the two values of a change that involves a new claim."""
    groups: dict[tuple, dict[str, list[ChainValue]]] = defaultdict(lambda: defaultdict(list))
    for v in values:
        groups[v.key][v.source_id].append(v)

    # a claim that names no place belongs to its story's place when the story has exactly one
    for key in [k for k in groups if k[2] is None]:
        homes = [k for k in groups if k[2] is not None and (k[0], k[1], k[3]) == (key[0], key[1], key[3])]
        if len(homes) == 1:
            for source_id, vs in groups.pop(key).items():
                groups[homes[0]][source_id].extend(vs)

    tol_days = config.date_tolerance_days
    overlap = config.plan_overlap_days

    def same_value(x: ChainValue, y: ChainValue) -> bool:
        if x.kind == "figure":
            top = max(abs(x.quantity), abs(y.quantity)) or 1.0
            return abs(x.quantity - y.quantity) / top <= config.number_tolerance
        if x.polarity != y.polarity:
            return False
        if x.value_to is None or y.value_to is None:  # "no timetable" equals only itself
            return x.value_to is None and y.value_to is None
        if x.vague or y.vague:  # "soon" said again is the same value; "soon" vs a date is not
            return x.vague and y.vague
        return abs((x.value_to - y.value_to).days) <= tol_days

    def facet(v: ChainValue) -> Facet:
        return facets[v.claim_id][v.facet_no]

    hits: list[_Hit] = []
    for key, per_source in groups.items():
        for vs in per_source.values():
            vs.sort(key=lambda v: (v.ordinal, v.facet_no))
        ordered = sorted(per_source.items(), key=lambda kv: (min(v.asserted_from for v in kv[1]), kv[0]))
        current = ordered[0][1]
        current_when = min(v.asserted_from for v in current)
        for source_id, values_now in ordered[1:]:
            when = min(v.asserted_from for v in values_now)
            new = [v for v in values_now if not any(same_value(v, c) for c in current)]
            if (when - current_when).days <= overlap and not (
                    new and new[0].kind == "plan" and "postponed" in facet(new[0]).claim.cues):
                continue  # asserted at the same time: a contradiction, not a drift (unless it says it moved)
            if not new:
                continue
            if involved_ids(current[0].claim_id, new[0].claim_id):
                a, b = facet(current[0]), facet(new[0])
                ctx = PairContext(a, b, 0.0, config, lexicons, signal,
                                  notes={"gap_days": (when - current_when).days, "chain": key[3],
                                         "change": _change_type(a, b)}, facets=facets)
                rule = next((r for r in chain_rules if r.holds(ctx)), None)
                if rule is not None:
                    hits.append(_Hit(rule, a, b, ctx.notes, 0.0))
            current, current_when = values_now, when
    return hits


def _snap_dates(hits: list[_Hit], tolerance: int) -> dict[str, str]:
    """Dates within `tolerance` days of each other are one value ("four to six months" counted from
    17 or from 18 February is the same deadline), so restatements land on the same side."""
    days = sorted({d for h in hits for f in (h.a, h.b) if f.time is not None
                   for d in [f.time.value_to or f.time.value_from] if d})
    snap: dict[str, str] = {}
    head = None
    for value in days:
        day = parse_iso(value)
        if head is None or day is None or (day - parse_iso(head)).days > tolerance:
            head = value
        snap[value] = head
    return snap


def _side_value(f: Facet, snap: dict[str, str] | None = None, lexicons: Lexicons | None = None) -> tuple:
    if f.kind == "figure":
        return ("figure", f.quantity.unit, round(f.quantity.value, 3))
    if f.time is not None:
        value = f.time.value_to or f.time.value_from
        return (f.kind, f.claim.polarity, (snap or {}).get(value, value))
    return ("bare", (_move(f, lexicons) if lexicons else None) or f.claim.polarity)


def _origin(source: Source) -> str:
    return (source.origin or source.outlet or source.id).strip().lower()


def _merge(hits: list[_Hit], config: Config, lexicons: Lexicons, cluster_of: dict[str, str]) -> list[Finding]:
    """One finding per (rule, the two values compared, subject group, place): each side keeps all the
    claims that state its value; the earliest source represents the side, the rest are restatements."""
    snap = _snap_dates(hits, config.date_tolerance_days)
    groups: dict[tuple, list[_Hit]] = defaultdict(list)
    for h in hits:
        if h.rule.scope in ("source", "facet"):
            key = (h.rule.id, h.a.source.id, _side_value(h.a, snap, lexicons), _side_value(h.b, snap, lexicons))
        else:
            values = frozenset((_side_value(h.a, snap, lexicons), _side_value(h.b, snap, lexicons)))
            key = (h.rule.id, h.a.claim.event_family, _group(lexicons, h.a.claim.subject), h.a.claim.location,
                   values)
            if h.rule.scope == "signal":
                key = (h.rule.id, frozenset((h.a.claim.id, h.b.claim.id)))
        groups[key].append(h)

    findings = []
    for key, members in groups.items():
        first = members[0]
        a_value = _side_value(first.a, snap, lexicons)
        side_a: dict[str, Facet] = {}
        side_b: dict[str, Facet] = {}
        for h in members:
            x, y = (h.a, h.b) if _side_value(h.a, snap, lexicons) == a_value else (h.b, h.a)
            side_a.setdefault(x.claim.id, x)
            side_b.setdefault(y.claim.id, y)
        findings.append(_finding(first, list(side_a.values()), list(side_b.values()), cluster_of))
    findings.sort(key=lambda f: (-SEVERITIES.index(f.severity), f.kind, f.rule, f.id))
    return findings


def _earliest(side: list[Facet]) -> Facet:
    def order(f: Facet):
        first, _, _ = published_interval(f.source.published)
        return (first or date.max, f.source.id, f.claim.start)
    return min(side, key=order)


def _finding(hit: _Hit, side_a: list[Facet], side_b: list[Facet], cluster_of: dict[str, str]) -> Finding:
    rule = hit.rule
    ra, rb = _earliest(side_a), _earliest(side_b)
    if rule.scope in ("source", "facet"):
        ra, rb = hit.a, hit.b
    origins_a = {_origin(f.source) for f in side_a}
    origins_b = {_origin(f.source) for f in side_b}
    fields = {
        "a_source": ra.source.id, "b_source": rb.source.id,
        "a_outlet": ra.source.outlet or ra.source.id, "b_outlet": rb.source.outlet or rb.source.id,
        "a_published": ra.source.published or "unknown date", "b_published": rb.source.published or "unknown date",
        "a_value": ra.describe(), "b_value": rb.describe(),
        "a_text": _short(ra.claim.text), "b_text": _short(rb.claim.text),
        "a_event": (ra.claim.event or "claim").replace("_", " "), "b_event": (rb.claim.event or "claim").replace("_", " "),
        "subject": (ra.claim.subject_text or ra.claim.subject or "the subject"),
        "place": ra.claim.location or "an unknown place",
        "delta_days": hit.notes.get("delta_days", hit.notes.get("gap_days", "?")),
        "a_speaker": ra.claim.speaker or ra.source.outlet or "the outlet",
        "b_speaker": rb.claim.speaker or rb.source.outlet or "the outlet",
        "suggestion": hit.notes.get("suggestion", ""),
        "a_origins": len(origins_a), "b_origins": len(origins_b),
        "p_contradict": hit.notes.get("p_contradict", ""),
    }
    message = rule.message.format_map(fields).strip()
    if rule.scope in ("pair", "chain", "signal"):
        message += f" Independent origins: {len(origins_a)} vs {len(origins_b)}."
    claim_ids = tuple(dict.fromkeys((ra.claim.id, rb.claim.id)))
    source_ids = tuple(dict.fromkeys((ra.source.id, rb.source.id)))
    confidence = rule.confidence
    if ra.asserted_partial or rb.asserted_partial:
        confidence = min(confidence, 0.6)
    if "p_contradict" in hit.notes:
        confidence = float(hit.notes["p_contradict"])
    signals = ["rule:" + rule.id]
    if "p_contradict" in hit.notes:
        signals.append(f"pair-classifier:{hit.notes['p_contradict']}")
    evidence = {
        "a": _side_evidence(ra, side_a),
        "b": _side_evidence(rb, side_b),
        "independent_origins": {"a": len(origins_a), "b": len(origins_b)},
        "similarity": round(hit.similarity, 3),
    }
    for k in ("delta_days", "gap_days", "p_contradict", "signal_features", "suggestion", "chain"):
        if hit.notes.get(k) not in (None, ""):
            evidence[k] = hit.notes[k]
    if ra.asserted_partial or rb.asserted_partial:
        evidence["partial_anchor"] = True
    texts = sorted(f.claim.normalized for f in (ra, rb))
    digest = hashlib.sha1("\x1f".join([rule.id, *texts, *sorted(source_ids)]).encode()).hexdigest()
    return Finding(
        id=f"f-{digest[:12]}", rule=rule.id, kind=rule.kind, severity=rule.severity, claims=claim_ids,
        sources=source_ids, message=message, evidence=evidence, question=rule.question.format_map(fields).strip(),
        confidence=confidence, signals=tuple(signals), cluster=cluster_of.get(ra.claim.id),
    )


def _side_evidence(rep: Facet, side: list[Facet]) -> dict[str, Any]:
    restated = sorted({f.source.id for f in side} - {rep.source.id})
    out: dict[str, Any] = {
        "claim": rep.claim.id, "source": rep.source.id, "text": rep.claim.text,
        "start": rep.claim.start, "end": rep.claim.end, "value": rep.describe(), "clock": rep.clock,
        "asserted": rep.asserted_from.isoformat() if rep.asserted_from else None,
        "speaker": rep.claim.speaker,
    }
    if rep.time is not None:
        out["time"] = rep.time.to_json()
    if restated:
        out["restated_by"] = restated
    return out
