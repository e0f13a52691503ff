"""Facets: the comparable values a claim carries, each on its own clock.

A claim can state several values (seed 004: "within the next 12 months" *and* "no later than the end of
September 2025"); rules compare values, not sentences, so each claim is split into facets:
- a *plan* facet: a deadline, window, "until" or scheduled date, compared by when it was asserted;
- an *event* facet: when something happened (or was announced), compared by when it happened;
- a *figure* facet: a number with a unit;
- a *bare* facet: the claim's polarity / scope / modality alone (every claim has one).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .model import Claim, Quantity, Source, TimeRef

_PAST_REFERENCE = re.compile(r"(الماضي|الماضى|المنصرم|السابق|last|previous|earlier|ago|أمس|yesterday)", re.I)
_PLAN_ROLES = ("deadline", "window", "until", "vague")


def parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def published_interval(published: str | None) -> tuple[date | None, date | None, bool]:
    """ISO or partial publication date → (first day, last day, partial?)."""
    if not published:
        return None, None, False
    parts = published.split("-")
    try:
        if len(parts) == 1:
            year = int(parts[0])
            return date(year, 1, 1), date(year, 12, 31), True
        if len(parts) == 2:
            year, month = int(parts[0]), int(parts[1])
            nxt = date(year + (month == 12), month % 12 + 1, 1)
            return date(year, month, 1), nxt - timedelta(days=1), True
        day = date.fromisoformat(published[:10])
        return day, day, False
    except ValueError:
        return None, None, False


@dataclass(frozen=True)
class Facet:
    claim: Claim
    source: Source
    clock: str  # plan | event | state
    kind: str  # time | announce | figure | bare
    time: TimeRef | None = None
    quantity: Quantity | None = None
    asserted_from: date | None = None
    asserted_to: date | None = None
    asserted_partial: bool = False

    @property
    def value_from(self) -> date | None:
        return parse_iso(self.time.value_from) if self.time else None

    @property
    def value_to(self) -> date | None:
        return parse_iso(self.time.value_to) if self.time else None

    @property
    def refers_to_past(self) -> bool:
        return bool(self.time and _PAST_REFERENCE.search(self.time.text))

    def describe(self) -> str:
        """The value in words, for messages."""
        if self.kind == "figure" and self.quantity:
            q = self.quantity
            number = f"{q.value:,.0f}" if float(q.value).is_integer() else f"{q.value:g}"
            return f"{number} {q.unit.replace('_', ' ')}"
        if self.time is not None:
            t = self.time
            if t.granularity == "vague":
                return f"“{t.text}” (vague: {t.value_from or '…'} – {t.value_to or '…'})"
            if t.role in ("deadline", "window", "until"):
                word = {"deadline": "by", "window": "within a window ending", "until": "until"}[t.role]
                return f"{word} {t.value_to or '?'} (“{t.text}”)"
            span = t.value_from if t.value_from == t.value_to else f"{t.value_from or '…'} – {t.value_to or '…'}"
            return f"{span} (“{t.text}”)"
        bits = []
        if self.claim.polarity == "negative":
            bits.append("negated")
        if self.claim.modality in ("hedge", "no_timetable"):
            bits.append(self.claim.modality.replace("_", " "))
        if self.claim.scope:
            bits.append(self.claim.scope.replace("+", ", ").replace("_", " "))
        return ", ".join(bits) or "no date or figure"


_SPAN_OF = re.compile(r"^\s*(?:of|من)\s", re.I)
# "talks that lasted four days", "محادثات استمرت أربعة أيام": a duration measured in the past, not a timetable
_LASTED_BEFORE = re.compile(r"(?<!\w)(?:lasted|had lasted|took|استمرت|استمر|دامت|دام|استغرقت|استغرق|امتدت|امتد)"
                            r"\s+(?:\S+\s+){0,1}$", re.I)
# "a police ceiling of 2,101 officers", "٢١٠١ عنصر": a bare number followed by a counted noun is no year
_BARE_YEAR = re.compile(r"^\s*[0-9٠-٩]{4}\s*$")
_FAR_FUTURE_YEARS = 50
_HISTORY_DAYS = 3660  # a "duration" over ten years is a span of history, not a timetable


def _history_span(text: str, t: TimeRef) -> bool:
    """A duration that measures something past or ongoing ("two decades of war", "عقدين من العمل"), or that
    is longer than any timetable."""
    start, end = parse_iso(t.value_from), parse_iso(t.value_to)
    if start and end and (end - start).days > _HISTORY_DAYS:
        return True
    return bool(_SPAN_OF.match(text[t.end:])) or bool(_LASTED_BEFORE.search(text[max(0, t.start - 40): t.start]))


# a future verb right before the date ("التي ستنتهي ولايتها في 18 مايو", "which will end on 18 May"): the date
# is a plan of its own clause, whatever the sentence's main verb
_OWN_FUTURE_VERB = re.compile(r"(?<![\u0621-\u064A])(?:س[تي][\u0621-\u064A]{3,}|سيتم|ستظل|سيظل)\s+(?:[\u0621-\u064A]+\s+)?"
                              r"(?:في|يوم|بحلول|حتى)?\s*$|(?<!\w)(?:will|is due to|is set to)\s+(?:\w+\s+){1,2}"
                              r"(?:on|by|in|until)?\s*$", re.I)
_NOT_VERBS = {"ستين", "ستون", "ستينات", "ستينيات", "ستالين"}


def own_future_verb(text: str, t: TimeRef) -> bool:
    """A future verb governs the date in its own clause ("التي ستنتهي ولايتها في 18 مايو 2024")."""
    m = _OWN_FUTURE_VERB.search(text[max(0, t.start - 40): t.start])
    return bool(m) and m.group(0).split()[0] not in _NOT_VERBS


# "its first cut in more than four years", "the biggest rise in a decade": a look back, not a date ahead
_LOOKBACK_LEAD = re.compile(r"(?<!\w)(?:first|biggest|largest|smallest|highest|lowest|worst|best|deepest|sharpest|"
                            r"fastest|slowest|strongest|weakest|only)(?!\w)[^.;،,]{0,40}$", re.I)
_LOOKBACK_TIME = re.compile(r"^(?:in|for)\s", re.I)


def _lookback(text: str, t: TimeRef) -> bool:
    return bool(_LOOKBACK_TIME.match(t.text) and _LOOKBACK_LEAD.search(text[max(0, t.start - 60): t.start]))


def _not_a_year(t: TimeRef, asserted: date | None) -> bool:
    """A bare four-digit number read as a year that lies more than fifty years after the statement ("a
    ceiling of 2,101 police", "٢١٠١ عنصر"): a count, not a date."""
    start = parse_iso(t.value_from)
    return bool(asserted and start and _BARE_YEAR.match(t.text) and start.year > asserted.year + _FAR_FUTURE_YEARS)


def asserted_interval(claim: Claim, source: Source) -> tuple[date | None, date | None, bool]:
    if claim.statement_date:
        day = parse_iso(claim.statement_date)
        return day, day, False
    return published_interval(source.published)


def facets_of(claim: Claim, source: Source) -> list[Facet]:
    a_from, a_to, partial = asserted_interval(claim, source)
    base = dict(claim=claim, source=source, asserted_from=a_from, asserted_to=a_to, asserted_partial=partial)
    planned = claim.tense == "future" or claim.modality in ("plan", "hedge", "no_timetable")
    facets: list[Facet] = []
    for t in claim.times:
        if t.role == "statement":
            if t.value_from:
                facets.append(Facet(clock="event", kind="announce", time=t, **base))
            continue
        if not (t.value_from or t.value_to) or (t.role == "duration" and not (t.value_from and t.value_to)):
            continue
        if "anniversary" in claim.cues and a_from is not None and a_from == a_to \
                and parse_iso(t.value_from) == a_from and parse_iso(t.value_to) == a_to:
            continue  # "today marks the anniversary of the withdrawal": today is not when it happened
        if _not_a_year(t, a_to) or _lookback(claim.text, t):
            continue
        if t.role == "duration" and _history_span(claim.text, t):
            continue  # "ending more than two decades of UN work": a span of history, not a timetable
        if t.role in _PLAN_ROLES or t.role == "duration":  # "would take four to six months": a window
            clock = "plan"
        elif t.role == "since" and parse_iso(t.value_from) and a_to is not None and parse_iso(t.value_from) > a_to:
            clock = "plan"  # "decided to cut output from May": a start still ahead when it was said
        elif claim.tense == "past" and claim.modality == "fact":  # reported as done, whatever the date
            clock = "event"
        else:
            start, end = parse_iso(t.value_from), parse_iso(t.value_to)
            past_word = bool(_PAST_REFERENCE.search(t.text))
            if start is not None and a_to is not None and start > a_to and not past_word:
                clock = "plan"  # scheduled after it was said
            elif not past_word and claim.tense != "past" and own_future_verb(claim.text, t):
                clock = "plan"  # "the mission, which will end on 18 May": a plan, even when that day is past
            elif planned and not past_word and partial and end is not None and a_from is not None and end >= a_from:
                clock = "plan"  # "end of the current year" in an article dated only "2011"
            elif planned and not past_word and start is not None and a_from is not None and start > a_from:
                clock = "plan"
            else:
                clock = "event"  # the day it was said, or before: not a deadline
        facets.append(Facet(clock=clock, kind="time", time=t, **base))
    scheduled = any(t.role != "statement" and parse_iso(t.value_from) and a_to is not None
                    and parse_iso(t.value_from) > a_to and not _PAST_REFERENCE.search(t.text)
                    and not _lookback(claim.text, t) and not _not_a_year(t, a_to) for t in claim.times)
    for q in claim.quantities:
        # "decided to cut output by 800,000 barrels a day from May": a figure for later is a plan
        clock = "plan" if planned or scheduled else "event" if claim.tense == "past" else "state"
        facets.append(Facet(clock=clock, kind="figure", quantity=q, **base))
    bare_clock = "plan" if planned else "event" if claim.tense == "past" else "state"
    facets.append(Facet(clock=bare_clock, kind="bare", **base))
    return facets
