"""Time expressions -> inclusive ISO intervals (TimeRef), Arabic and English.

`find_times(text, anchor)` finds dates, relative expressions, deadlines, windows and vague times in
`text` and resolves each to `value_from..value_to` (either end may be None = open). Vocabulary (month
names of every Arabic family, weekdays, number words, cues) lives in rules/lexicon/time.yaml; this
module holds only the grammar: regexes compiled once per lexicon file, run over a normalised copy of
the text (digits, alef/ya/ta-marbuta variants and ASCII case folded; tashkeel and tatweel dropped)
whose offsets map back to the original.

Conventions (DESIGN.md "Time is the heart of it"), and the choices made where it leaves room:

- A named period covers all of it: "August 2010" -> 2010-08-01..2010-08-31, "2021" -> the year.
- Qualifiers: "end of"/"نهاية" a year = its December (granularity month); "beginning of"/"بداية"
  = its January; "early"/"مطلع"/"أوائل" a year = Q1 and "late"/"أواخر" = Q4 (granularity quarter);
  "mid"/"منتصف" a year = June 1..July 31 (month); of a month: end/late = 21st..last day,
  start/early = 1st..10th, mid = 11th..20th (granularity week: about ten days); quarters and halves;
  seasons (spring Mar-May, summer Jun-Aug, autumn Sep-Nov, winter Y = Dec Y..Feb Y+1, granularity
  quarter); "earlier this year" = start of the year..anchor, "later this month" = anchor..its end.
  A quarter or half alone ("the third quarter", "النصف الثاني", "year-end") is of the anchor's year;
  Maghrebi "الثلاثي"/"السداسي" are quarters/halves. "the first week of" .. "the last week of" a period
  = days 1-7 .. its last seven (granularity week). Of a span of years ("the decade", "the 1990s"):
  end = its last year, start = its first, early/late = its first/last three, mid = the middle two.
  Month parts count from the month's first day, so they hold for Hijri months too ("نهاية شهر رمضان").
- Roles: deadline ("by", "بحلول", "no later than", "في موعد لا يتجاوز", "before") -> value_from =
  anchor, value_to = end of X ("before X" = the day before X starts); when the anchor is already past
  that end, value_from is None and the note "deadline-before-anchor" says so. until ("حتى", "until")
  likewise with role until. since ("منذ", "since", "from", "اعتبارا من") -> value_from = start of X,
  value_to None; "from X to Y" / "بين X و Y" is one range X..Y (a start without a year takes the
  end's; "between March and May" the first May from March on). "منذ هجوم 7 أكتوبر" is a since
  across the one word naming the event. "after X" -> since the day after X, note "after".
- Relative: a day and month without a year ("15 يناير") is the nearest such date to the anchor; a
  month alone ("in June") the nearest such month, a future one counting 1.5 times as far (news mostly
  reports the past: "in June" written on 31 December is the June just gone); with a past marker
  ("آب الماضي", "last August") the previous one, with a future marker the next one. A weekday alone
  ("الثلاثاء", "on Tuesday") is the nearest such weekday at or before the anchor: news reports events
  that happened; "next Tuesday" / "الثلاثاء المقبل" looks forward, "this Friday" is the Friday of the
  anchor's ISO week; after a deadline or until cue ("by Friday morning", "بحلول صباح الجمعة", "no
  later than Sunday", "في موعد أقصاه الأحد") it is the next such day after the anchor. A weekday
  always counts from the given (publication) anchor, never from a statement date in its sentence
  ("announced on 31 May ..., officials said on Tuesday" published Tuesday 4 June = 4 June). A bare
  day of the month after a cue ("on the 20th", "العشرين من الشهر") is this month's; after a deadline
  cue the next such day (next month's once this month's has passed). "the 15th of this month" / "الخامس عشر من الشهر الجاري" is that day of the
  relative month. Hijri holidays (lexicon hijri_holidays: Eid al-Fitr = 1-3 Shawwal, Eid al-Adha =
  10-13 Dhu al-Hijja) resolve like a Hijri month without a year, or in the Hijri year / Gregorian
  year written after them. Libyan month names (1986-2011, lexicon libyan_months) count only with a
  year ("15 الطير 2011", "1 الفاتح 1379 و.ر" = 2011) or, for the unambiguous ones, a day number.
  Compact quarters ("1Q25", "Q3'24", "2025Q1", "2H24") and fiscal periods ("the year to March",
  "the 12 months ended 31 March 2024", "السنة المالية المنتهية في مارس 2025": the N months ending
  with that month or day; the nearest such month without a year) are periods. A Hijri month without a year ("رمضان المقبل", "في شهر رمضان") is the one around the
  anchor, else the nearest; markers pick the previous/next one; صفر/رجب need "شهر" or a marker.
- Durations: "within N months" / "خلال الـ12 شهراً المقبلة" -> window anchor..anchor+N (granularity
  of the unit); a range ("four to six months") uses its upper end; "N months ago"/"قبل N أشهر" is a
  point N before the anchor; "منذ N أشهر" a since; a bare "six months" a duration anchor..anchor+N;
  "in N months" a point anchor+N, but after a superlative ("أعلى مستوى في 3 أسابيع", "lowest in six
  months") the period looking back (role point, like "over the past six months"; "the past year" /
  "the past decade" are durations looking back, not the calendar year). Hours count in whole days
  ("في غضون 48 ساعة" = anchor..anchor+2 days). A duration
  counted from an event ("two weeks after the vote", "بعد ستة أشهر من إعلان") keeps role duration
  with both ends None (note "relative-to-event"). A duration attached to a dated event in the same
  clause ("deployed in November 2020 for an initial five years", "وقعت في 3 مارس لمدة ستة أشهر":
  the date right before it, a few words between, no comma, "that"/"أن", "will" or "another")
  runs from that date's start (anchor_how "event", note "counted from the event date: ...").
  "two and a half years", "2.5 years", "half a year", "عامين ونصف" add half a unit; an age ("السن لا يزيد عن 60 عامًا") is no time.
- Vague: "soon"/"قريبا" = anchor..anchor+Config.soon_days (default 180), "shortly"/"في الوقت
  القريب" = near_future_days (default 90), "in the coming months"/"الأشهر المقبلة" =
  coming_months_days (default 180), "in the coming weeks" = coming_weeks_days (42), "الأيام المقبلة"
  = coming_days_days (14; the last two are read from Config when it has them); granularity vague.
  "not soon"/"ليس قريبا" = from anchor+soon_days, open end (note "negated"). "until further notice"
  / "حتى إشعار آخر" (lexicon open_ended) = from the anchor, open end (note "open-ended").
- Anchors: a date attached to a statement in the same sentence ("announced on X", "أعلن في X",
  "في بيان ... (X)") gets role "statement" and anchors the relative expressions of its sentence
  (anchor_how "statement"; per sentence, so a whole article passed at once is handled the same);
  otherwise the given anchor. A date in what was said is not the statement's date: after a
  complementizer ("قالت الهيئة الأربعاء إن مهمتها ستنتهي في 15 تموز 2024", "said that", "will")
  or before a postposed attribution unless the date opens its clause ("the mission will end on
  July 15, 2024, the bloc said on Wednesday" vs "On 17 February 2022, France announced"). The
  attribution's own weekday or relative day ("said on Wednesday", "بحسب ما أعلنت الهيئة الأربعاء",
  "أعلن اليوم") gets role "statement" and anchors its sentence when no dated statement does.
- Back-references: a duration counted from "that date" ("اعتبارا منه ... خلال عام واحد", "من
  تاريخه", "within three months of that first arrival", "six months after that date", "from then")
  counts from the most recent absolute date before it in the text (a deadline's or a range's last
  day, else its first day; `context_before` lends the previous sentence), anchor_how "event", note
  "counted from the date named before: ...".
- Postponements: the new date after a postponement verb and "to/until/إلى/حتى" ("أرجأت الانتخابات
  إلى منتصف 2026", "postponed to mid-2026", "delayed until March") is a plan: role deadline, note
  "postponed", a month without a year the next one; "from March to June" keeps March a point. A
  new date of one day ("تأجل ... إلى 1 يونيو المقبل") is when the event now happens: it keeps its
  point (or until) role and interval, with the note.
  A partial anchor ("2011", "2011-07") resolves
  against the start of its interval (anchor_how "partial"). Without an anchor, expressions that need
  one get value_from/value_to None (anchor_how "none"); absolute dates still resolve.
- Hijri dates convert with `hijridate` (Umm al-Qura); with a Gregorian twin (either order) the
  Gregorian date is the value and a "hijri-gregorian-mismatch" note is added when they differ by more
  than 2 days. A weekday written next to a date joins it (note "weekday-mismatch" when wrong).
- Not times: counts ("47 ألف جندي", "2000 troops"), percentages and decimals, names listed in the
  lexicon's not_times ("اليوم السابع"), ambiguous English words in lower case ("may", "march").
- dateparser is not used: on tests/test_timex.py's table it finds 42 of 143 (bench/timex_table_score.py).
"""
from __future__ import annotations

import bisect
import calendar
import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from .model import TimeRef

log = logging.getLogger(__name__)

Date = dt.date
# Config attributes read with these defaults. coming_days_days / coming_weeks_days are not (yet) in
# Config; a user setting of that name is honoured when it exists.
DEFAULT_DAYS = {"soon_days": 180, "near_future_days": 90, "coming_months_days": 180,
                "coming_days_days": 14, "coming_weeks_days": 42}
_SEASON_MONTHS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 2)}

# ---------------------------------------------------------------- normalisation
_CHAR_MAP = {ord("أ"): "ا", ord("إ"): "ا", ord("ٱ"): "ا", ord("ى"): "ي", ord("ة"): "ه",
             ord("ی"): "ي", ord("ک"): "ك", ord("ە"): "ه",  # Persian/Kurdish keyboard letters in Arabic text
             ord("٫"): ".", ord("٬"): ",", ord("\u00a0"): " ", ord("\u200f"): " ", ord("\u200e"): " "}
_CHAR_MAP.update({0x0660 + i: str(i) for i in range(10)})  # Arabic-Indic
_CHAR_MAP.update({0x06F0 + i: str(i) for i in range(10)})  # Persian
# ASCII case folding in the map (not re.I): one-to-one, and compiling the Arabic-heavy patterns with
# re.I costs most of a second.
_CHAR_MAP.update({ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
_MARKS = "[\u064B-\u065F\u0670\u0640]*"  # tashkeel, dagger alef, tatweel: ignored inside words
_MARKS_RX = re.compile(_MARKS)
_MARK_RX = re.compile("[\u064B-\u065F\u0670\u0640]")
_L = r"(?<!\w)"
_R = r"(?!\w)"
_LC = r"(?:(?<!\w)|(?<=(?<!\w)[وفب]))"  # a word start, or right after a clitic و/ف/ب ("والنهاردة")


def normalize(text: str) -> str:
    """Same length as `text`: alef/ya/ta-marbuta variants folded, all digits to 0-9, ASCII lower-cased."""
    return text.translate(_CHAR_MAP)


class _Norm(str):
    """`text` normalised and without tashkeel/tatweel (so patterns need no mark classes, which make
    compiling slow); `cased` is the same without the case folding, `orig_start`/`orig_end` map an
    offset back into the original text."""

    cased: str
    _removed: list[int]  # normalised position before which each removed mark stood

    @classmethod
    def of(cls, text: str) -> "_Norm":
        folded = normalize(text)
        marks = [m.start() for m in _MARK_RX.finditer(text)]
        if marks:
            self = cls(_MARKS_RX.sub("", folded))
            self.cased = _MARKS_RX.sub("", text)
        else:
            self = cls(folded)
            self.cased = text
        self._removed = [pos - k for k, pos in enumerate(marks)]
        return self

    def orig_start(self, p: int) -> int:
        # marks standing before character p belong to the previous word: skip them
        return p + bisect.bisect_right(self._removed, p) if self._removed else p

    def orig_end(self, p: int) -> int:
        # the same count: marks right after the last character (tanween in "شهراً") join the match
        return self.orig_start(p)


@lru_cache(maxsize=8192)
def _key(s: str) -> str:
    return re.sub(r"\s+", " ", _MARKS_RX.sub("", normalize(s))).strip().lower()


def _word_rx(word: str) -> str:
    parts = []
    for ch in normalize(word).strip():
        if ch.isspace():
            parts.append(r"\s+")
        elif _MARK_RX.match(ch):
            continue
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def _alt(words: list[str] | set[str]) -> str:
    unique = sorted({w for w in words if str(w).strip()}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(_word_rx(str(w)) for w in unique) + ")"


def _first_chars(items: Any) -> tuple[set[str] | None, bool]:
    """(characters a match can start with, or None when any; whether the items can match empty)."""
    from re import _constants as c

    out: set[str] = set()
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.LITERAL:
            return out | {chr(av)}, False
        if op is c.IN:
            for item_op, item in av:
                if item_op is c.LITERAL:
                    out.add(chr(item))
                elif item_op is c.RANGE and item[1] - item[0] <= 200:
                    out.update(chr(code) for code in range(item[0], item[1] + 1))
                else:
                    return None, False
            return out, False
        if op is c.BRANCH:
            nullable = False
            for branch in av[1]:
                first, empty = _first_chars(branch)
                if first is None:
                    return None, False
                out |= first
                nullable |= empty
        elif op is c.SUBPATTERN:
            first, nullable = _first_chars(av[-1])
            if first is None:
                return None, False
            out |= first
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            first, empty = _first_chars(av[2])
            if first is None:
                return None, False
            out |= first
            nullable = av[0] == 0 or empty
        else:
            return None, False
        if not nullable:
            return out, False
    return out, True


def _rx(pattern: str) -> re.Pattern[str]:
    """Compile with a leading look-ahead on the characters a match can start with: Python's re then
    rejects most positions at once instead of trying every look-behind and alternative (about 3x
    faster on the busiest patterns, 20% over a whole article)."""
    try:
        from re import _parser

        first, nullable = _first_chars(_parser.parse(pattern))
    except Exception:  # private sre API: without it the pattern is only slower
        first, nullable = None, True
    if first and not nullable:
        pattern = "(?=[" + "".join(re.escape(ch) for ch in sorted(first)) + "])" + pattern
    return re.compile(pattern)


# ---------------------------------------------------------------- date arithmetic
def add_months(d: Date, months: int) -> Date:
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    return Date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _month_span(year: int, month: int) -> tuple[Date, Date]:
    return Date(year, month, 1), Date(year, month, calendar.monthrange(year, month)[1])


def _shift(d: Date, n: int, unit: str) -> Date:
    if unit == "day":
        return d + dt.timedelta(days=n)
    if unit == "week":
        return d + dt.timedelta(weeks=n)
    if unit == "month":
        return add_months(d, n)
    if unit == "decade":
        return add_months(d, 120 * n)
    return add_months(d, 12 * n)


def parse_partial_date(s: str) -> tuple[Date, Date]:
    """"2011" -> (2011-01-01, 2011-12-31); "2011-07" -> the month; "2011-07-03" -> that day.

    Raises ValueError on anything else (including impossible dates)."""
    m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*", normalize(str(s)))
    if not m:
        raise ValueError(f"not an ISO date or partial date: {s!r}")
    year = int(m.group(1))
    if m.group(2) is None:
        return Date(year, 1, 1), Date(year, 12, 31)
    month = int(m.group(2))
    if m.group(3) is None:
        if not 1 <= month <= 12:
            raise ValueError(f"no month {month} in {s!r}")
        return _month_span(year, month)
    day = Date(year, month, int(m.group(3)))
    return day, day


# ---------------------------------------------------------------- lexicon and compiled grammar
def _lexicon_path(config: Any | None) -> Path:
    """The user's rules_dir/lexicon/time.yaml when it has one, else the shipped lexicon: a rules folder
    with only its own rules still gets dates."""
    rules_dir = getattr(config, "rules_dir", None) if config is not None else None
    return _lexicon_in(str(rules_dir) if rules_dir is not None else None)


@lru_cache(maxsize=16)
def _lexicon_in(rules_dir: str | None) -> Path:  # cached: find_times runs once per sentence
    from .config import default_rules_dir

    if rules_dir is not None:
        candidate = Path(rules_dir) / "lexicon" / "time.yaml"
        if candidate.is_file():
            return candidate
    return default_rules_dir() / "lexicon" / "time.yaml"


@dataclass
class _Grammar:
    lex: dict[str, Any]
    month_of: dict[str, int]
    hijri_month_of: dict[str, int]
    weekday_of: dict[str, int]
    relday_of: dict[str, int]
    number_of: dict[str, int]
    unit_of: dict[str, str]
    marker_of: dict[str, str]  # key -> past | future | current
    relperiod_of: dict[str, tuple[str, int]]
    weak_period_of: dict[str, str]
    qualifier_of: dict[str, str]
    role_of: dict[str, str]
    vague_of: dict[str, str]
    ambiguous_months: set[str]
    ambiguous_weekdays: set[str]
    ordinal_of: dict[str, int]
    standalone_of: dict[str, str] = field(default_factory=dict)  # "the third quarter" -> q3
    ambiguous_hijri: set[str] = field(default_factory=set)
    exclusive_cues: set[str] = field(default_factory=set)  # "before X" ends the day before X
    range_since_cues: set[str] = field(default_factory=set)  # "from X" (to Y)
    duration_cue_of: dict[str, str] = field(default_factory=dict)
    ago_after: set[str] = field(default_factory=set)
    libyan_month_of: dict[str, int] = field(default_factory=dict)
    ambiguous_libyan: set[str] = field(default_factory=set)
    holiday_of: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # key -> (Hijri month, first, last day)
    period_to_months: dict[str, int] = field(default_factory=dict)  # "the year to March": 12
    lead_words: set[str] = field(default_factory=set)  # may open a clause before a statement date
    periods: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    rx: dict[str, re.Pattern[str]] = field(default_factory=dict)


def _invert(table: dict[Any, list[str]], cast: Callable[[Any], Any] = lambda x: x) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for value, words in table.items():
        for w in words:
            out[_key(str(w))] = cast(value)
    return out


@lru_cache(maxsize=4)
def _grammar(path: str) -> _Grammar:
    import yaml

    from .errors import LexiconError

    try:
        lex = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise LexiconError(f"cannot read time lexicon ({exc.strerror})", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LexiconError(f"not valid YAML: {getattr(exc, 'problem', None) or 'syntax error'}", path=path,
                           line=mark.line + 1 if mark else None) from None
    _check_lexicon(lex, path)

    marker_of = {}
    for kind in ("past", "future", "current"):
        marker_of.update({_key(w): kind for w in lex[f"{kind}_markers"]})
    relperiod_of = {}
    for unit, offsets in lex["relative_periods"].items():
        for offset, words in offsets.items():
            relperiod_of.update({_key(w): (unit, int(offset)) for w in words})
    role_of = {}
    for role, words in lex["role_cues"].items():
        role_of.update({_key(w): role for w in words})
    vague_of = {}
    for attr, words in lex["vague"].items():
        vague_of.update({_key(w): attr for w in words})
    g = _Grammar(
        lex=lex,
        month_of=_invert(lex["months"], int),
        hijri_month_of=_invert(lex["hijri_months"], int),
        weekday_of=_invert(lex["weekdays"], int),
        relday_of=_invert(lex["relative_days"], int),
        number_of=_invert(lex["number_words"], int),
        unit_of=_invert(lex["units"]),
        marker_of=marker_of,
        relperiod_of=relperiod_of,
        weak_period_of=_invert(lex["weak_current_periods"]),
        qualifier_of=_invert(lex["qualifiers"]),
        role_of=role_of,
        vague_of=vague_of,
        ambiguous_months={_key(w) for w in lex["ambiguous_month_words"]},
        ambiguous_weekdays={_key(w) for w in lex["ambiguous_weekday_words"]},
        ordinal_of=_invert(lex["ordinal_days"], int),
        standalone_of=_invert(lex.get("standalone_parts") or {}),
        ambiguous_hijri={_key(w) for w in lex.get("ambiguous_hijri_words") or []},
        exclusive_cues={_key(w) for w in lex.get("exclusive_deadline_cues") or ["before", "قبل", "ahead of", "prior to"]},
        range_since_cues={_key(w) for w in lex.get("range_since_cues") or []},
        libyan_month_of=_invert(lex.get("libyan_months") or {}, int),
        ambiguous_libyan={_key(w) for w in lex.get("ambiguous_libyan_words") or []},
        holiday_of=_invert(lex.get("hijri_holidays") or {}, lambda k: tuple(int(x) for x in str(k).split("-"))),
        period_to_months=_invert(lex.get("period_to_heads") or {}, int),
    )
    for w in lex.get("open_ended") or []:
        g.vague_of[_key(w)] = "open_ended"
    _compile(g)
    return g


_REQUIRED_TABLES = ("months", "hijri_months", "weekdays", "relative_days", "relative_periods", "qualifiers",
                    "role_cues", "units", "number_words", "vague", "ordinal_days", "relative_seasons")


def _check_lexicon(lex: Any, path: str) -> None:
    """Every table present and every entry a string: YAML reads a bare `on` or `no` as a boolean."""
    from .errors import LexiconError

    if not isinstance(lex, dict):
        raise LexiconError("time lexicon must be a mapping of tables", path=path)
    missing = [k for k in _REQUIRED_TABLES if not isinstance(lex.get(k), dict)]
    if missing:
        raise LexiconError(f"time lexicon lacks the table(s) {', '.join(missing)}", path=path)

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{where}.{k}" if where else str(k))
        elif isinstance(node, list):
            for item in node:
                if not isinstance(item, str):
                    raise LexiconError(f"{where}: entry {item!r} is not text", path=path,
                                       hint="quote it, e.g. \"on\"")
        elif node is not None:
            raise LexiconError(f"{where}: expected a list of words", path=path)

    walk(lex, "")


def _all(table: dict[Any, list[str]]) -> list[str]:
    return [str(w) for words in table.values() for w in words]


def _compile(g: _Grammar) -> None:
    lex = g.lex
    month = _alt(_all(lex["months"])) + _R + r"(?:\.(?=\s*[0-9]))?"
    monthx = rf"(?P<mon>{month}(?:\s*[/\\(]\s*{month}(?:\s*\))?)?)"
    ordinals = _alt(_all(lex["ordinal_days"]))
    first_day = _alt(lex.get("first_day_words") or ["فاتح"])
    day = (r"(?:(?:ال[\u0640\s]*)?(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?"
           r"|(?<!اسبوع\s)(?<!الاسبوع\s)(?<!week\s)(?<!الربع\s)(?<!النصف\s)(?<!الثلاثي\s)(?<!السداسي\s)(?<!quarter\s)"
           rf"(?:the\s+)?(?P<od>{ordinals})(?=\s+(?:من|of)\s)|(?P<fd>{first_day}){_R})")
    # a digit may follow a clitic و/ب/ل ("و15 يناير", "و2023") but not a letter of a word
    day_l = r"(?:(?<![\w.,:/])|(?<=(?<!\w)[وبل]))"
    # not a phone number or a decade ("2024-555", "1990s"); "2011-2014" stays two years
    year = (r"(?P<y>(?:1[89]|20|21)[0-9]{2})(?![0-9]|[.,][0-9]|'?s(?!\w)|-(?!(?:1[89]|20)[0-9]{2}(?![0-9]))[0-9])"
            r"(?:\s?م(?!\w))?")
    year_cue = _alt(lex["year_cues"])
    markers = _alt(_all({k: lex[f"{k}_markers"] for k in ("past", "future", "current")}))
    en_markers = r"(?P<emk>last|next|this|past|coming|previous|upcoming)"
    weekday = _alt(_all(lex["weekdays"]))
    day_parts = _alt(lex["day_part_words"])
    rel_days = _alt(_all(lex["relative_days"]))
    hijri_months = _alt(_all(lex["hijri_months"]))
    hijri_mark = _alt(lex["hijri_year_marks"])
    month_relperiods = [str(w) for off in lex["relative_periods"].get("month", {}).values() for w in off]
    year_relperiods = [str(w) for off in lex["relative_periods"].get("year", {}).values() for w in off]
    standalone = _alt(_all(lex.get("standalone_parts") or {"q1": ["Q1"]}))
    libyan = _alt(_all(lex.get("libyan_months") or {1: ["أي النار"]}))
    libyan_year = rf"(?:{year}|(?P<ly>1[345][0-9]{{2}})\s*{_alt(lex.get('libyan_year_marks') or ['و.ر'])}(?![^\W\d_]))"
    holidays = _alt(_all(lex.get("hijri_holidays") or {"10-1-3": ["عيد الفطر"]}))
    to_heads = _alt(_all(lex.get("period_to_heads") or {"12": ["year"]}))
    to_links = _alt(lex.get("period_to_links") or ["to"])
    g.periods = [
        # 1Q25, Q1'25, Q1 2025, 2H24, 2025Q1, 2025-Q1: a quarter or half of a year
        ("q_compact", _rx(r"(?<![\w.])(?:(?P<qn>[1-4])q|q(?P<qn2>[1-4])|(?P<hn>[12])h|h(?P<hn2>[12]))"
                          r"(?:\s?['’/-]\s?|(?=[0-9]))(?P<yy>[0-9]{2})(?![\w.,]?[0-9])(?![^\W\d_])")),
        ("q_compact", _rx(r"(?<![\w.])(?P<y>(?:19|20)[0-9]{2})\s?[-/]?\s?(?:q(?P<qn3>[1-4])|h(?P<hn3>[12]))(?!\w)")),
        # the year to March, the 12 months ended 31 March 2025, السنة المالية المنتهية في مارس
        ("period_to", _rx(rf"{_LC}(?:the\s+)?(?P<fh>{to_heads})\s+(?P<fl>{to_links})\s*"
                          rf"(?:(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+)?(?:شهر\s+)?{monthx}"
                          rf"(?:\s+(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?(?![0-9]))?"
                          rf"(?:[\s,،]*(?:(?:من\s+)?{year_cue}\s+)?{year})?")),
        # عيد الفطر, عيد الأضحى المقبل, Eid al-Fitr 2025, عيد الفطر 1446 هـ
        ("holiday", _rx(rf"{_LC}(?:{en_markers}\s+)?(?P<hol>{holidays}){_R}(?:\s+(?:ال)?(?:مبارك|سعيد){_R})?"
                        rf"(?:[\s,،]+(?:(?:من\s+)?{year_cue}\s+)?(?P<hy>1[345][0-9]{{2}}|(?:19|20)[0-9]{{2}})(?![0-9])"
                        rf"(?:\s*{hijri_mark}{_R})?|\s+(?P<mk>{markers}){_R})?")),
        # Libyan months (1986-2011), only with a year: 15 الطير 2011, شهر ناصر 2010, 1 الفاتح 1379 و.ر
        ("libyan_dmy", _rx(rf"{day_l}(?P<d>[0-9]{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?(?P<lm>{libyan}){_R}"
                           rf"(?:[\s,،]*(?:(?:من\s+)?{year_cue}\s+)?{libyan_year})?")),
        ("libyan_my", _rx(rf"{_LC}(?P<shahr>شهر\s+)?(?P<lm>{libyan}){_R}[\s,،]*(?:(?:من\s+)?{year_cue}\s+)?{libyan_year}")),
        # 27 أيلول 2025, 27th of September, 2025, 15 يناير من عام 2021
        ("dmy", _rx(rf"{day_l}{day}\s*(?:-\s*)?(?:of\s+|من\s+)?(?:شهر\s+)?{monthx}[\s,،]*"
                    rf"(?:(?:من\s+)?{year_cue}\s+)?{year}")),
        # 27 و28 أيلول 2025, 1-15 September 2025, September 27-28, 2025
        ("ddmy", _rx(rf"{day_l}(?:(?:(?:ما\s+)?بين|من|from|between)\s+)?(?:ال\s*)?(?P<d1>[0-9]{{1,2}})"
                     rf"\s*(?:-|–|to|and|و|الي|حتي)\s*(?:ال\s*)?(?P<d>[0-9]{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?{monthx}"
                     rf"[\s,،]*(?:(?:من\s+)?{year_cue}\s+)?{year}")),
        ("mddy", _rx(rf"{_L}{monthx}\s+(?P<d1>[0-9]{{1,2}})\s*(?:-|–|to|and)\s*(?P<d>[0-9]{{1,2}}),?\s+{year}")),
        # September 27, 2025
        ("mdy", _rx(rf"{_L}{monthx}\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+{year}")),
        # 2025-09-27, 27/09/2025, 27.9.2025
        ("iso", _rx(r"(?<![\w.,/-])(?P<y>(?:19|20)[0-9]{2})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})(?![\w/-])")),
        ("numeric", _rx(r"(?<![\w.,/-])(?P<d>[0-9]{1,2})[/.-](?P<m>[0-9]{1,2})[/.-]"
                        r"(?P<y>(?:19|20)[0-9]{2})(?![\w/-]|[./][0-9])")),
        # أيلول 2025, September of 2025, شهر آب من العام 2010
        ("my", _rx(rf"{_LC}(?:شهر\s+)?{monthx}[\s,،]*(?:(?:of\s+|من\s+)?{year_cue}\s+|of\s+)?{year}")),
        # 15 يناير الماضى, 24 كانون الأول/ديسمبر المقبل, 15 January
        ("dm", _rx(rf"{day_l}{day}\s*(?:of\s+|من\s+)?(?:شهر\s+)?{monthx}(?:\s+(?P<mk>{markers}){_R})?")),
        # January 15, last January 15
        ("md", _rx(rf"{_L}(?:{en_markers}\s+)?{monthx}\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?![0-9]|[,.]?\s*[0-9]{{3}})")),
        # آب الماضي, last August, شهر آب
        ("m_marked", _rx(rf"{_LC}(?:شهر\s+)?{monthx}\s+(?P<mk>{markers}){_R}")),
        ("m_en_marked", _rx(rf"{_L}{en_markers}\s+{monthx}")),
        ("m_month_word", _rx(rf"{_LC}شهر\s+{monthx}")),
        ("m_bare", _rx(rf"{_LC}{monthx}")),
        # 2024/03/10 (year first)
        ("ymd", _rx(r"(?<![\w.,/-])(?P<y>(?:19|20)[0-9]{2})[/.](?P<m>[0-9]{1,2})[/.](?P<d>[0-9]{1,2})"
                    r"(?:(?![\w/-]|[./][0-9])|\s?م(?!\w))")),
        # 15/9/1446هـ, 1446/9/15 هـ: a numeric Hijri date needs its mark
        ("hijri_num", _rx(rf"(?<![\w.,/-])(?:(?P<d>[0-9]{{1,2}})/(?P<hmn>[0-9]{{1,2}})/(?P<hy>1[345][0-9]{{2}})"
                          rf"|(?P<hy2>1[345][0-9]{{2}})/(?P<hmn2>[0-9]{{1,2}})/(?P<d2>[0-9]{{1,2}}))\s*{hijri_mark}{_R}")),
        # في الفترة من 10 إلى 20 آب (no year)
        ("ddm", _rx(rf"{day_l}(?:(?:(?:ما\s+)?بين|من|from|between)\s+)?(?:ال\s*)?(?P<d1>[0-9]{{1,2}})"
                    rf"\s*(?:-|–|to|and|و|الي|حتي)\s*(?:ال\s*)?(?P<d>[0-9]{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?{monthx}"
                    rf"(?:\s+(?P<mk>{markers}){_R})?")),
        # September last year, آذار من العام الماضي, 15 March this year
        ("m_relyear", _rx(rf"{_LC}(?:(?:{day}\s*(?:of\s+|من\s+)?)?(?:شهر\s+)?){monthx}[\s,،]*(?:of\s+|من\s+)?(?P<rp>{_alt(year_relperiods)}){_R}")),
        # 2025-26, 2025/26: a two-year span (fiscal or season years)
        ("yy_span", _rx(r"(?<![\w.,/-])(?P<y>(?:19|20)[0-9]{2})\s?[-–/]\s?(?P<y2>[0-9]{2})(?![\w/-]|[.,/][0-9])")),
        # the 15th of this month, الخامس عشر من الشهر الجاري
        ("d_relmonth", _rx(rf"{day_l}(?:the\s+)?{day}\s*(?:of|من)\s+(?:(?P<rp>{_alt(month_relperiods)})|(?P<wm>الشهر|the\s+month)){_R}")),
        # on the 20th, by the 20th (of this month; a deadline's next one)
        ("d_bare", _rx(rf"{_L}the\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th){_R}")),
        # the third quarter, النصف الثاني (of the anchor's year)
        ("part_alone", _rx(rf"(?<![\w-])(?P<part>{standalone}){_R}")),
        # a year (quarters, halves and seasons of it come from qualifiers before it)
        ("year", _rx(rf"(?:(?<![\w.,])|(?<=(?<!\w)[وبل]))(?:(?P<yc>{year_cue})\s+)?{year}")),
        ("decade", _rx(r"(?<![\w.,])(?:the\s+)?(?P<y>(?:1[89]|20)[0-9]0)'?s(?!\w)")),
        ("relperiod", _rx(rf"{_LC}(?P<rp>{_alt(_relperiod_words(lex))}){_R}")),
        ("season", _rx(rf"{_L}(?:{en_markers}\s+)?(?:the\s+)?(?P<season>{_alt(_all(lex['relative_seasons']))}){_R}"
                       rf"(?:\s+(?P<mk>{markers}){_R})?")),
        ("weakperiod", _rx(rf"{_L}(?P<wp>{_alt(_all(lex['weak_current_periods']))}){_R}")),
        # يوم أمس الخميس, صباح اليوم الجمعة, yesterday
        ("relday", _rx(rf"{_LC}(?:{day_parts}\s+)?(?:يوم\s+)?(?P<rd>{rel_days}){_R}(?:\s+(?P<wd>{weekday}){_R})?")),
        # يوم الثلاثاء, الثلاثاء الماضي, on Tuesday, next Tuesday
        ("weekday", _rx(rf"{_LC}(?:(?P<dp>{day_parts})\s+)?(?:(?P<yawm>يوم)\s+)?(?:{en_markers}\s+)?(?P<wd>{weekday}){_R}"
                        rf"(?:\s+(?P<dp2>morning|afternoon|evening|night){_R})?(?:\s+(?P<mk>{markers}){_R})?")),
        # 5 ربيع الآخر 1447 هـ
        ("hijri_dmy", _rx(rf"{day_l}(?:(?P<d>[0-9]{{1,2}})|(?P<fd>{first_day}))\s*(?:من\s+)?(?:شهر\s+)?(?P<hm>{hijri_months})\s*(?:(?:من\s+)?{year_cue}\s+)?"
                          rf"(?P<hy>1[345][0-9]{{2}})(?![0-9])(?:\s*{hijri_mark}{_R})?")),
        ("hijri_my", _rx(rf"{_L}(?:شهر\s+)?(?P<hm>{hijri_months})\s*(?:(?:من\s+)?{year_cue}\s+)?"
                         rf"(?P<hy>1[345][0-9]{{2}})(?![0-9])(?:\s*{hijri_mark}{_R})?")),
        # رمضان المقبل, شهر رمضان, في رمضان (the year from the anchor)
        ("hijri_m", _rx(rf"{_LC}(?P<shahr>شهر\s+)?(?P<hm>{hijri_months}){_R}(?!\s*[0-9])"
                        rf"(?:\s+(?:ال)?(?:مبارك|كريم|فضيل){_R})?(?:\s+(?P<mk>{markers}){_R})?")),
        # عام 1446 هـ: a Hijri year needs its mark
        ("hijri_y", _rx(rf"{_LC}(?:(?P<yc>{year_cue})\s+)?(?P<hy>1[345][0-9]{{2}})\s*{hijri_mark}{_R}")),
    ]
    twin_links = _alt(lex["hijri_twin_links"])
    g.rx["twin_link"] = _rx(rf"[\s(]*(?:{twin_links}[\s(]*)?")
    for name in ("dmy", "mdy", "ymd", "numeric", "iso"):
        g.rx[name] = dict(g.periods)[name]

    qual = _alt(_all(lex["qualifiers"]))
    g.rx["qualifier"] = _rx(rf"(?<![\w-])[وبل]?(?P<q>{qual})(?:\s*(?:of|من))?(?:\s+the)?[\s(\-]*$")
    g.rx["role"] = _rx(rf"(?<!\w)[وف]?(?P<r>{_alt(_all(lex['role_cues']))})[\s(]*$")
    g.rx["point"] = _rx(rf"(?<!\w)(?P<p>{_alt(lex['point_cues'])})[\s(]*$")

    numbers = _alt(_all(lex["number_words"]))
    num = rf"(?:ال[\u0640\s]*)?(?:[0-9]{{1,3}}(?![0-9]|[.,][0-9])|{numbers}{_R})"
    units = _alt(_all(lex["units"]))
    joiner = _alt(lex["range_joiners"])
    g.rx["duration"] = _rx(
        rf"{_L}(?:(?P<pre>next|past|last|coming|following|first)\s+)?"
        rf"(?:(?P<approx>{_alt(lex['approximators'])})\s+)?"
        rf"(?:(?:(?:ما\s+)?بين|من|between|from)\s+)?"
        rf"(?:(?P<n1>{num})\s*(?:{joiner}\s*|و\s*|and\s+)(?P<n2>{num})"
        rf"|(?P<n>{num})(?P<half_pre>(?:\s+|-)and(?:\s+|-)a(?:\s+|-)half)?|(?P<dec>[0-9]{{1,2}})[.,]5(?![0-9]))"
        rf"\s*(?:-\s*)?(?P<u>{units}){_R}"
        rf"|{_L}(?P<halfu>half\s+an?|نصف)\s+(?P<u3>year|month|عام|سنه|شهر){_R}"
        rf"|{_L}(?P<u2>{units})\s+(?P<n3>ال\s*(?:[0-9]{{1,3}}(?![0-9])|{numbers}{_R}))"
        rf"|{_L}the\s+(?P<pre1>past|last|next|coming|following)\s+(?P<u1>year|month|week|decade)(?!\s+of){_R}"
        rf"|{_L}(?P<dual>{_alt(lex['dual_units'])}){_R}"
        rf"|{_L}(?P<single>{_alt(lex['single_units'])}){_R}(?P<one>\s+واحد[ه]?{_R})?")
    g.rx["after_markers"] = _rx(rf"\s+(?P<mk>{markers}){_R}")
    g.rx["half_after"] = _rx(rf"\s+(?:{_alt(lex.get('half_after') or ['and a half'])}){_R}")
    g.rx["first_n_months"] = _rx(
        rf"(?<!\w)(?:(?:the\s+)?first\s+(?P<n>{num})\s+months\s+of(?:\s+the)?"
        rf"|(?:ال)?(?:اشهر|شهور)\s+(?P<n2>{num})\s+(?:ال)?اولي\s+(?:من|في)"
        rf"|(?:ال)?(?P<n3>{num})\s+(?:ال)?(?:اشهر|شهور)\s+(?:ال)?اولي\s+(?:من|في))\s*$")
    g.rx["after_words"] = _rx(rf"\s+(?P<w>{_alt(lex['ago_cues_after'] + lex['later_cues_after'])}){_R}")
    cue_words = {"window": lex["window_cues"], "ago": lex["ago_cues_before"], "later": lex["later_cues_before"],
                 "duration": lex["duration_cues"]}
    g.rx["duration_cue"] = _rx(rf"(?<!\w)[وف]?(?P<c>{_alt(_all(cue_words))})(?:\s+the)?\s*$")
    g.duration_cue_of = {_key(w): kind for kind, words in cue_words.items() for w in words}
    g.ago_after = {_key(w) for w in lex["ago_cues_after"]}
    g.rx["event_after"] = _rx(rf"\s+(?P<w>{_alt(lex['event_relative_after'])})\s+(?=[^\W\d_])(?!(?:ال)?اقل(?!\w))")
    g.rx["age_before"] = _rx(rf"(?<!\w)[وبل]?(?:{_alt(lex['age_cues'])})(?!\w)\W*(?:\w+\W+){{0,3}}$")
    g.rx["superlative"] = _rx(rf"(?<!\w)[لوب]?{_alt(lex['superlative_cues'])}(?!\w)")
    g.rx["not_time"] = _rx(rf"{_L}{_alt(lex['not_times'])}{_R}")

    vague_words = _all(lex["vague"]) + [str(w) for w in lex.get("open_ended") or []]
    g.rx["vague"] = _rx(rf"{_LC}(?:(?P<neg>{_alt(lex['vague_negations'])})\s+)?(?P<v>{_alt(vague_words)}){_R}")
    g.rx["statement"] = _rx(rf"(?<![^\W\d_])[وف]?{_alt(lex['statement_cues'])}")
    g.rx["count_after"] = _rx(rf"\s*(?:{_alt(lex['count_nouns'])})(?!\w)")
    g.rx["count_before"] = _rx(rf"(?<!\w)(?:{_alt(lex['count_preceders'])})\s*$")
    g.rx["content_cue"] = _rx(rf"(?<![^\W\d_])[وف]?{_alt(lex.get('statement_content_cues') or ['that'])}(?![^\W\d_])")
    g.lead_words = {_key(w) for w in lex.get("statement_lead_words") or ["on", "in"]}
    g.rx["postpone"] = _rx(rf"(?<![^\W\d_])(?<!من\s)(?<!لا\s)[وف]?{_alt(lex.get('postponement_cues') or ['postponed'])}"
                           rf"(?![^\W\d_])")
    g.rx["postpone_link"] = _rx(rf"(?<!\w)[وف]?(?P<l>{_alt(lex.get('postponement_links') or ['to'])})[\s(]*$")
    g.rx["backref_before"] = _rx(rf"(?<![^\W\d_])[وف]?{_alt(lex.get('back_reference_before') or ['from that date'])}"
                                 rf"(?![^\W\d_]|-)")  # not "from then-President X"
    dem = _alt(lex.get("back_reference_demonstratives") or ["that"])
    g.rx["backref_after"] = _rx(
        rf"\s+{_alt(lex.get('back_reference_after_heads') or ['of'])}\s+"
        rf"(?:{_alt(lex.get('back_reference_after_tails') or ['that date'])}(?![^\W\d_]|-)"
        rf"|{dem}(?:\s+[^\W\d_]+){{0,2}}(?![^\W\d_]))")


def _relperiod_words(lex: dict[str, Any]) -> list[str]:
    return [str(w) for offsets in lex["relative_periods"].values() for words in offsets.values() for w in words]


# ---------------------------------------------------------------- periods (what a date expression names)
@dataclass(frozen=True)
class _Period:
    """An unresolved period. Absolute kinds ignore the anchor; the others need one."""

    kind: str  # day | month | year | rel | month_noyear | day_noyear | weekday | relday
    year: int | None = None
    month: int | None = None
    day: int | None = None
    unit: str = ""
    offset: int = 0
    pref: str = "nearest"  # past | future | current | nearest
    weekday: int | None = None
    notes: tuple[str, ...] = ()
    last: Date | None = None  # kind "span": its last day (a Hijri month straddles Gregorian months)
    qual: str = ""  # kind "relpart": the quarter or half of the anchor's year ("the third quarter")
    day_to: int | None = None  # kind "day_noyear": the last day of "من 10 إلى 20 آب"

    @property
    def absolute(self) -> bool:
        return self.kind in ("day", "month", "year", "span")

    def first_day(self) -> Date:
        return Date(self.year or 1, self.month or 1, self.day or 1)

    def resolve(self, a: Date | None) -> tuple[Date, Date, str] | None:
        if self.kind == "day":
            return self.first_day(), self.first_day(), "day"
        if self.kind == "span" and self.last is not None:  # a Hijri month, a decade, 27-28 Sept
            gran = self.unit or ("year" if (self.last - self.first_day()).days > 400 else "month")
            return self.first_day(), self.last, gran
        if self.kind == "month":
            return (*_month_span(self.year, self.month), "month")  # type: ignore[arg-type]
        if self.kind == "year":
            return Date(self.year, 1, 1), Date(self.year, 12, 31), "year"  # type: ignore[arg-type]
        if self.kind == "period_to":  # "the year to March": the `offset` months ending with that month (day)
            return _period_to(self, a)
        if a is None:
            return None
        if self.kind == "day_thismonth":  # "on the 20th": this month's; a deadline's ("by the 20th") next one
            first = Date(a.year, a.month, 1)
            for k in range(3 if self.pref == "future" else 1):
                f = add_months(first, k)
                if (self.day or 1) > calendar.monthrange(f.year, f.month)[1]:
                    continue
                d = Date(f.year, f.month, self.day or 1)
                if self.pref != "future" or d >= a:
                    return d, d, "day"
            return None
        if self.kind == "hijri_holiday":
            return _hijri_month_near(self.month or 10, self.pref, a, self.day or 1, self.day_to)
        if self.kind == "relday":
            d = a + dt.timedelta(days=self.offset)
            return d, d, "day"
        if self.kind == "relpart":
            y = a.year + self.offset
            return _qualify(self.qual, Date(y, 1, 1), Date(y, 12, 31), "year")
        if self.kind == "month_relyear":  # "September last year", "15 آذار من العام الجاري"
            y = a.year + self.offset
            if self.day:
                try:
                    d = Date(y, self.month or 1, self.day)
                except ValueError:
                    return None
                return d, d, "day"
            return (*_month_span(y, self.month or 1), "month")
        if self.kind == "day_rel":  # "the 15th of this month"
            first = add_months(Date(a.year, a.month, 1), self.offset)
            try:
                d = Date(first.year, first.month, self.day or 1)
            except ValueError:
                return None
            return d, d, "day"
        if self.kind == "hijri_noyear":
            return _hijri_month_near(self.month or 1, self.pref, a)
        if self.kind == "rel":
            if self.unit == "decade":
                y = a.year // 10 * 10 + 10 * self.offset
                return Date(y, 1, 1), Date(y + 9, 12, 31), "year"
            if self.unit == "year":
                return Date(a.year + self.offset, 1, 1), Date(a.year + self.offset, 12, 31), "year"
            if self.unit == "month":
                first = add_months(Date(a.year, a.month, 1), self.offset)
                return (*_month_span(first.year, first.month), "month")
            monday = a - dt.timedelta(days=a.weekday()) + dt.timedelta(weeks=self.offset)
            return monday, monday + dt.timedelta(days=6), "week"
        if self.kind == "month_noyear":
            m = self.month or 1
            if self.pref == "past":
                y = a.year if m < a.month else a.year - 1
            elif self.pref == "future":
                y = a.year if m > a.month else a.year + 1
            elif self.pref == "current":
                y = a.year
            else:
                y = min((a.year - 1, a.year, a.year + 1), key=lambda yy: _past_biased_distance(Date(yy, m, 15), a))
            return (*_month_span(y, m), "month")
        if self.kind == "day_noyear":
            candidates = []
            for yy in (a.year - 1, a.year, a.year + 1):
                try:
                    candidates.append(Date(yy, self.month, self.day))  # type: ignore[arg-type]
                except ValueError:
                    continue
            if not candidates:
                return None
            if self.pref == "past":
                before = [c for c in candidates if c < a]
                d = max(before) if before else min(candidates)
            elif self.pref == "future":
                after = [c for c in candidates if c > a]
                d = min(after) if after else max(candidates)
            elif self.pref == "current":
                same = [c for c in candidates if c.year == a.year]
                d = same[0] if same else min(candidates, key=lambda c: (abs((c - a).days), c > a))
            else:  # the nearest, a tie going to the past
                d = min(candidates, key=lambda c: (abs((c - a).days), c > a))
            if self.day_to:
                try:
                    return d, d.replace(day=self.day_to), "day"
                except ValueError:
                    return None
            return d, d, "day"
        if self.kind == "season":
            candidates = [_season(y, self.unit) for y in (a.year - 2, a.year - 1, a.year, a.year + 1)]
            if self.pref == "past":
                return max((c for c in candidates if c[1] < a), key=lambda c: c[0])
            if self.pref == "future":
                return min((c for c in candidates if c[0] > a), key=lambda c: c[0])
            current = [c for c in candidates if c[0] <= a <= c[1]]
            if current:
                return current[0]
            if self.pref == "nearest":  # "in the summer" written in November: the summer just gone
                return min(candidates, key=lambda c: _past_biased_distance(c[0] + (c[1] - c[0]) / 2, a))
            return min((c for c in candidates if c[0] > a), key=lambda c: c[0])
        if self.kind == "weekday":
            wd = self.weekday or 0
            if self.pref == "future":
                delta = (wd - a.weekday()) % 7 or 7
                d = a + dt.timedelta(days=delta)
            elif self.pref == "past_strict":
                d = a - dt.timedelta(days=(a.weekday() - wd) % 7 or 7)
            elif self.pref == "current":  # "this Friday": the Friday of the anchor's (ISO) week
                d = a - dt.timedelta(days=a.weekday()) + dt.timedelta(days=wd)
            else:
                d = a - dt.timedelta(days=(a.weekday() - wd) % 7)
            return d, d, "day"
        return None


def _period_to(p: "_Period", a: Date | None) -> tuple[Date, Date, str] | None:
    m = p.month or 1
    if p.year is not None:
        y = p.year
    elif a is None:
        return None
    else:  # the nearest such month, a future one counting 1.5 times as far (results report the past)
        y = min((a.year - 1, a.year, a.year + 1), key=lambda yy: _past_biased_distance(Date(yy, m, 15), a))
    gran = {12: "year", 3: "quarter"}.get(p.offset, "month")
    if p.day:
        try:
            end = Date(y, m, p.day)
        except ValueError:
            return None
        return add_months(end, -p.offset) + dt.timedelta(days=1), end, gran
    return add_months(Date(y, m, 1), 1 - p.offset), _month_span(y, m)[1], gran


def _hijri_month_near(month: int, pref: str, a: Date, d1: int = 1, d2: int | None = None) -> tuple[Date, Date, str] | None:
    """A Hijri month named without its year ("رمضان المقبل", "نهاية شهر رمضان"): the one around the
    anchor, else the nearest (a future one counting 1.5 times as far); past/future markers pick the
    previous/next one (a month under way is "current", neither past nor next)."""
    try:
        from hijridate import Gregorian
    except ImportError:  # pragma: no cover - declared dependency
        return None
    try:
        hy = Gregorian(a.year, a.month, a.day).to_hijri().year
        gran = "month" if d1 == 1 and d2 is None else "day"
        spans = [(*_hijri_span(y, month, d1, d2), gran) for y in (hy - 1, hy, hy + 1)]
    except (ValueError, OverflowError):
        return None
    if pref == "past":
        before = [sp for sp in spans if sp[1] < a]
        return before[-1] if before else None
    if pref == "future":
        after = [sp for sp in spans if sp[0] > a]
        return after[0] if after else None
    current = [sp for sp in spans if sp[0] <= a <= sp[1]]
    if current:
        return current[0]
    return min(spans, key=lambda sp: _past_biased_distance(sp[0] + (sp[1] - sp[0]) / 2, a))


def _season(year: int, season: str) -> tuple[Date, Date, str]:
    first, last = _SEASON_MONTHS[season]
    if season == "winter":  # the winter that starts in December of `year`
        return Date(year, 12, 1), _month_span(year + 1, 2)[1], "quarter"
    return Date(year, first, 1), _month_span(year, last)[1], "quarter"


def _past_biased_distance(candidate: Date, a: Date) -> float:
    """Distance in days, a future date counting 1.5 times as far: news mostly reports what happened,
    so a bare "June" written on 31 December is the June just gone."""
    days = (candidate - a).days
    return days * 1.5 if days > 0 else -days


def _qualify(q: str, f: Date, t: Date, gran: str) -> tuple[Date, Date, str]:
    """Apply end/start/early/late/mid/quarter/half to a resolved period (see module docstring)."""
    if q.startswith("m") and q[1:].isdigit() and gran == "year":  # the first N months of a year
        return f, _month_span(f.year, int(q[1:]))[1], "month"
    if q.startswith("w") and (q == "wlast" or q[1:].isdigit()):  # the first .. last week of a period
        if q == "wlast":
            return max(f, t - dt.timedelta(days=6)), t, "week"
        first = f + dt.timedelta(days=7 * (int(q[1:]) - 1))
        return (first, min(t, first + dt.timedelta(days=6)), "week") if first <= t else (f, t, gran)
    if gran == "year" and t.year - f.year >= 2:  # a decade: "by the end of the decade", "late 1990s"
        years = t.year - f.year + 1
        third = max(1, years * 3 // 10)
        spans = {"end": (t.year, t.year), "start": (f.year, f.year), "early": (f.year, f.year + third - 1),
                 "late": (t.year - third + 1, t.year), "mid": (f.year + years // 2 - 1, f.year + years // 2)}
        if q in spans:
            y0, y1 = spans[q]
            return Date(y0, 1, 1), Date(y1, 12, 31), "year"
        return f, t, gran
    if gran == "year":
        y = f.year
        spans = {
            "end": (Date(y, 12, 1), Date(y, 12, 31), "month"),
            "start": (Date(y, 1, 1), Date(y, 1, 31), "month"),
            "early": (Date(y, 1, 1), Date(y, 3, 31), "quarter"),
            "late": (Date(y, 10, 1), Date(y, 12, 31), "quarter"),
            "mid": (Date(y, 6, 1), Date(y, 7, 31), "month"),
            "h1": (Date(y, 1, 1), Date(y, 6, 30), "quarter"),
            "h2": (Date(y, 7, 1), Date(y, 12, 31), "quarter"),
        }
        if q in spans:
            return spans[q]
        if q in _SEASON_MONTHS:
            return _season(y, q)
        if q.startswith("q"):
            n = int(q[1])
            first = Date(y, 3 * n - 2, 1)
            return first, _month_span(y, 3 * n)[1], "quarter"
        return f, t, gran
    if gran == "quarter":
        last = Date(t.year, t.month, 1)
        middle = add_months(f, 1)
        pick = {"end": last, "late": last, "start": f, "early": f, "mid": middle}.get(q)
        if pick:
            return (*_month_span(pick.year, pick.month), "month")
        return f, t, gran
    if gran == "month":  # counted from the first day: a Hijri month starts mid Gregorian month
        if q in ("end", "late"):
            return f + dt.timedelta(days=20), t, "week"
        if q in ("start", "early"):
            return f, f + dt.timedelta(days=9), "week"
        if q == "mid":
            return f + dt.timedelta(days=10), f + dt.timedelta(days=19), "week"
    return f, t, gran


# ---------------------------------------------------------------- candidates
@dataclass
class _Cand:
    start: int
    end: int
    kind: str  # period | duration | vague
    period: _Period | None = None
    qualifier: str | None = None
    role: str = "point"
    role_cue: str = ""
    weak: bool = False
    # durations
    n: int = 0
    unit: str = ""
    direction: str = "duration"  # window | back | ago | later | since | duration
    # vague
    vague_attr: str = ""
    negated: bool = False
    notes: list[str] = field(default_factory=list)
    single_unit: bool = False  # "بعد عام": a unit word alone, yields to any date it overlaps
    period_to: _Period | None = None  # "from 2011 to 2014": the period the range ends with
    qualifier_to: str | None = None
    exclusive: bool = False  # a deadline cue that ends the day before X ("before 1 June")


def _month_from(g: _Grammar, raw: str, cased: str) -> tuple[int | None, list[str]]:
    """First month named in `raw` ("آب/أغسطس"); a note when a slash pair disagrees."""
    parts = [p for p in re.split(r"[/\\()]", raw) if p.strip()]
    found = []
    for p in parts:
        k = _key(p).rstrip(".")
        if k in g.month_of:
            found.append((g.month_of[k], p.strip()))
    if not found:
        return None, []
    m, word = found[0]
    if _key(word).rstrip(".") in g.ambiguous_months and cased.lstrip()[:1].islower():
        return None, []
    notes = [f"month-pair-mismatch: {raw}"] if len({f[0] for f in found}) > 1 else []
    return m, notes


def _period_from_match(g: _Grammar, name: str, m: re.Match[str], norm: str) -> tuple[_Period | None, bool]:
    """(period, weak). Weak periods count only with a qualifier or a cue in front."""
    gd = m.groupdict()
    notes: list[str] = []
    month = None
    if gd.get("mon"):
        month, notes = _month_from(g, m.group("mon"), getattr(norm, "cased", norm)[m.start("mon"):m.end("mon")])
        if month is None:
            return None, False
    pref = "nearest"
    mk = gd.get("mk") or gd.get("emk")
    if mk:
        pref = g.marker_of.get(_key(mk), "nearest")
        if pref == "current" and name not in ("m_marked", "m_en_marked", "dm", "md"):
            pref = "nearest"
    day_value = None
    if gd.get("d"):
        day_value = int(gd["d"])
    elif gd.get("od"):
        day_value = g.ordinal_of.get(_key(gd["od"]))
    elif gd.get("fd"):  # فاتح يناير
        day_value = 1
    try:
        if name in ("ddmy", "mddy"):
            first = Date(int(m.group("y")), month, int(m.group("d1")))  # type: ignore[arg-type]
            last = Date(int(m.group("y")), month, day_value)  # type: ignore[arg-type]
            if first >= last:
                return None, False
            return _Period("span", first.year, first.month, first.day, unit="day", last=last, notes=tuple(notes)), False
        if name in ("dmy", "mdy"):
            Date(int(m.group("y")), month, day_value)  # type: ignore[arg-type]
            return _Period("day", int(m.group("y")), month, day_value, notes=tuple(notes)), False
        if name in ("iso", "numeric", "ymd"):
            d, mo = int(m.group("d")), int(m.group("m"))
            if name == "numeric" and mo > 12 and d <= 12:  # 09/27/2025 written US-style
                d, mo = mo, d
            Date(int(m.group("y")), mo, d)
            return _Period("day", int(m.group("y")), mo, d), False
    except ValueError:
        return None, False
    if name == "my":
        return _Period("month", int(m.group("y")), month, notes=tuple(notes)), False
    if name == "q_compact":  # 1Q25, Q1'25, 2025Q1 (the letter capitalised: "1h25" is a time of day)
        if not re.search(r"[QH]", getattr(norm, "cased", norm)[m.start():m.end()]):
            return None, False
        y = int(gd["y"]) if gd.get("y") else 2000 + int(gd["yy"])
        qn = gd.get("qn") or gd.get("qn2") or gd.get("qn3")
        hn = gd.get("hn") or gd.get("hn2") or gd.get("hn3")
        first_month, months = (3 * int(qn) - 2, 3) if qn else (6 * int(hn) - 5, 6)
        return _Period("span", y, first_month, 1, unit="quarter",
                       last=_month_span(y, first_month + months - 1)[1]), False
    if name == "period_to":  # the year to March: the twelve months ending with March
        months = g.period_to_months.get(_key(m.group("fh")))
        d = int(gd["d"]) if gd.get("d") else int(gd["d2"]) if gd.get("d2") else None
        if months is None or (d is not None and not 1 <= d <= calendar.monthrange(2000, month)[1]):  # type: ignore[arg-type]
            return None, False
        return _Period("period_to", int(gd["y"]) if gd.get("y") else None, month, d, offset=months,
                       notes=tuple(notes)), False
    if name == "holiday":
        hm, d1, d2 = g.holiday_of[_key(m.group("hol"))]
        hpref = g.marker_of.get(_key(mk), "nearest") if mk else "nearest"
        if gd.get("hy"):
            return _hijri_holiday_of_year(int(gd["hy"]), hm, d1, d2, m.group("hol")), False
        return _Period("hijri_holiday", month=hm, day=d1, day_to=d2,
                       pref="nearest" if hpref == "current" else hpref), False
    if name in ("libyan_dmy", "libyan_my"):
        lm_key = _key(m.group("lm"))
        lm = g.libyan_month_of.get(lm_key)
        if lm is None or (name == "libyan_my" and lm_key in g.ambiguous_libyan and not gd.get("shahr")):
            return None, False
        note = (f"libyan month: {m.group('lm')} = {calendar.month_name[lm]}",)
        if not (gd.get("y") or gd.get("ly")):  # "15 الكانون": a day without a year, unambiguous names only
            if lm_key in g.ambiguous_libyan or not 1 <= (day_value or 0) <= calendar.monthrange(2000, lm)[1]:
                return None, False
            return _Period("day_noyear", month=lm, day=day_value, notes=note), False
        y = int(gd["y"]) if gd.get("y") else int(gd["ly"]) + 632  # 1379 و.ر (from the Prophet's death) = 2011
        if name == "libyan_my":
            return _Period("month", y, lm, notes=note), False
        try:
            Date(y, lm, day_value or 0)
        except ValueError:
            return None, False
        return _Period("day", y, lm, day_value, notes=note), False
    if name == "d_bare":  # "on the 20th": this month's, only after a cue and before no noun
        if not _BARE_DAY_BEFORE.search(norm, max(0, m.start() - 20), m.start()) \
                or not _BARE_DAY_AFTER.match(norm, m.end()) or not 1 <= (day_value or 0) <= 31:
            return None, False
        return _Period("day_thismonth", day=day_value, pref="current"), False
    if name in ("dm", "md"):
        d = day_value or 0
        if not 1 <= d <= 31 or d > calendar.monthrange(2000, month)[1]:  # type: ignore[arg-type]
            return None, False
        return _Period("day_noyear", month=month, day=d, pref=pref, notes=tuple(notes)), False
    if name in ("m_marked", "m_en_marked"):
        return _Period("month_noyear", month=month, pref=pref, notes=tuple(notes)), False
    if name == "m_month_word":
        return _Period("month_noyear", month=month, notes=tuple(notes)), False
    if name == "m_bare":
        return _Period("month_noyear", month=month, notes=tuple(notes)), True
    if name == "year":
        y = int(m.group("y"))
        weak = False
        if not gd.get("yc"):
            before = norm[max(0, m.start() - 25):m.start()]
            if g.rx["count_after"].match(norm, m.end()) or g.rx["count_before"].search(before):
                return None, False
        return _Period("year", y), weak
    if name == "ddm":
        d1 = int(m.group("d1"))
        if not 1 <= d1 < (day_value or 0) <= calendar.monthrange(2000, month)[1]:  # type: ignore[arg-type]
            return None, False
        return _Period("day_noyear", month=month, day=d1, day_to=day_value, pref=pref, notes=tuple(notes)), False
    if name == "m_relyear":
        unit, offset = g.relperiod_of[_key(m.group("rp"))]
        if unit != "year" or (day_value is not None and not 1 <= day_value <= 31):
            return None, False
        return _Period("month_relyear", month=month, day=day_value, offset=offset, notes=tuple(notes)), False
    if name == "hijri_num":
        return _hijri_numeric(m), False
    if name == "yy_span":
        y = int(m.group("y"))
        if int(m.group("y2")) != (y + 1) % 100:
            return None, False
        return _Period("span", y, 1, 1, unit="year", last=Date(y + 1, 12, 31)), False
    if name == "d_relmonth":
        if gd.get("wm"):  # "العشرين من الشهر", "the 20th of the month": like "the 20th"
            if not day_value or not 1 <= day_value <= 31:
                return None, False
            return _Period("day_thismonth", day=day_value, pref="current"), False
        unit, offset = g.relperiod_of[_key(m.group("rp"))]
        if unit != "month" or not day_value or not 1 <= day_value <= 31:
            return None, False
        return _Period("day_rel", day=day_value, unit="month", offset=offset), False
    if name == "part_alone":
        part = g.standalone_of.get(_key(m.group("part")))
        return (_Period("relpart", unit="year", qual=part), False) if part else (None, False)
    if name == "hijri_m":
        hm = g.hijri_month_of.get(_key(m.group("hm")))
        if hm is None:
            return None, False
        hpref = g.marker_of.get(_key(mk), "nearest") if mk else "nearest"
        if hpref == "current":
            hpref = "nearest"
        if _key(m.group("hm")) in g.ambiguous_hijri and not (mk or gd.get("shahr")):
            return None, False
        return _Period("hijri_noyear", month=hm, pref=hpref), not (mk or gd.get("shahr"))
    if name == "hijri_y":
        return _hijri_year(int(m.group("hy"))), False
    if name == "decade":
        y = int(m.group("y"))
        return _Period("span", y, 1, 1, last=Date(y + 9, 12, 31), notes=("decade",)), False
    if name == "relperiod":
        unit, offset = g.relperiod_of[_key(m.group("rp"))]
        return _Period("rel", unit=unit, offset=offset), False
    if name == "season":
        season = next(k for k, words in g.lex["relative_seasons"].items()
                      if _key(m.group("season")) in {_key(w) for w in words})
        if not mk:  # "before the end of the summer", "خلال الصيف": only with a qualifier or a cue
            return _Period("season", unit=season, pref="nearest"), True
        return _Period("season", unit=season, pref=pref if pref != "nearest" else "current"), False
    if name == "weakperiod":
        return _Period("rel", unit=g.weak_period_of[_key(m.group("wp"))], offset=0), True
    if name == "relday":
        offset = g.relday_of[_key(m.group("rd"))]
        if gd.get("wd"):
            notes.append(f"weekday: {m.group('wd')}")
            return _Period("relday", offset=offset, weekday=g.weekday_of[_key(m.group("wd"))], notes=tuple(notes)), False
        return _Period("relday", offset=offset), False
    if name == "weekday":
        wd_key = _key(m.group("wd"))
        cued = bool(gd.get("dp") or gd.get("dp2") or gd.get("yawm") or gd.get("emk") or gd.get("mk"))
        if wd_key in g.ambiguous_weekdays and not cued:
            return None, False
        if not cued and getattr(norm, "cased", norm)[m.start("wd"):m.end("wd")][:1].islower():
            return None, False
        wpref = "past"
        if mk:
            kind = g.marker_of.get(_key(mk), "")
            wpref = {"future": "future", "past": "past_strict", "current": "current"}.get(kind, "past")
        return _Period("weekday", weekday=g.weekday_of[wd_key], pref=wpref), False
    if name in ("hijri_dmy", "hijri_my"):
        return _hijri_period(g, m), False
    return None, False


def _hijri_numeric(m: re.Match[str]) -> _Period | None:
    gd = m.groupdict()
    try:
        from hijridate import Hijri

        hy, hm, hd = (int(gd["hy"]), int(gd["hmn"]), int(gd["d"])) if gd.get("hy") else \
            (int(gd["hy2"]), int(gd["hmn2"]), int(gd["d2"]))
        greg = Hijri(hy, hm, hd).to_gregorian()
    except (ImportError, ValueError, OverflowError, TypeError):
        return None
    return _Period("day", greg.year, greg.month, greg.day, notes=(f"hijri: {hy}-{hm:02d}-{hd:02d} = {greg.isoformat()}",))


def _hijri_year(hy: int) -> _Period | None:
    try:
        from hijridate import Hijri

        start = Hijri(hy, 1, 1).to_gregorian()
        last_month = Hijri(hy, 12, 1)
        end = Hijri(hy, 12, last_month.month_length()).to_gregorian()
    except (ImportError, ValueError, OverflowError):
        return None
    return _Period("span", start.year, start.month, start.day, unit="year", last=Date(end.year, end.month, end.day),
                   notes=(f"hijri: {hy} = {start.isoformat()}..{end.isoformat()}",))


def _hijri_span(hy: int, month: int, d1: int = 1, d2: int | None = None) -> tuple[Date, Date]:
    """Gregorian first and last day of Hijri month `month` of year `hy` (days d1..d2, default all)."""
    from hijridate import Hijri

    first = Hijri(hy, month, d1)
    last = Hijri(hy, month, min(d2, first.month_length()) if d2 else first.month_length())
    f, t = first.to_gregorian(), last.to_gregorian()
    return Date(f.year, f.month, f.day), Date(t.year, t.month, t.day)


def _hijri_holiday_of_year(year: int, month: int, d1: int, d2: int, word: str) -> _Period | None:
    """A Hijri holiday in Hijri year `year` (13xx-15xx), or the one falling in Gregorian year `year`."""
    try:
        from hijridate import Gregorian

        if year < 1600:
            f, t = _hijri_span(year, month, d1, d2)
        else:
            hy = Gregorian(year, 1, 1).to_hijri().year
            spans = [_hijri_span(y, month, d1, d2) for y in (hy, hy + 1)]
            f, t = next((sp for sp in spans if sp[0].year == year), spans[0])
    except (ImportError, ValueError, OverflowError):
        return None
    return _Period("span", f.year, f.month, f.day, unit="day", last=t,
                   notes=(f"hijri: {word} = {f.isoformat()}..{t.isoformat()} (Umm al-Qura)",))


_BARE_DAY_BEFORE = re.compile(r"(?<!\w)(?:on|by|before|until|till|from|since|after|than|as\s+of|starting|due|ahead\s+of)\s+$")
# after "the 20th" only the end of a phrase, not a noun ("the 20th anniversary", "the 20th century")
_BARE_DAY_AFTER = re.compile(r"\s*(?:$|[^\w\s]|(?:and|or|at|when|as|if|the|a|to|in|on|with|for|but|so|after|before|"
                             r"of\s+(?:the|this)\s+month|this\s+month|of\s+next\s+month|will|would|is|was|were|"
                             r"has|had|next|deadline)(?!\w))")


def _hijri_period(g: _Grammar, m: re.Match[str]) -> _Period | None:
    try:
        from hijridate import Hijri
    except ImportError:  # pragma: no cover - declared dependency
        log.warning("hijridate not installed: Hijri date %r left unresolved", m.group(0))
        return None
    hm = g.hijri_month_of.get(_key(m.group("hm")))
    if hm is None:
        return None
    hy = int(m.group("hy"))
    try:
        if m.groupdict().get("d") or m.groupdict().get("fd"):
            hd = int(m.group("d")) if m.groupdict().get("d") else 1
            greg = Hijri(hy, hm, hd).to_gregorian()
            note = f"hijri: {hy}-{hm:02d}-{hd:02d} = {greg.isoformat()}"
            return _Period("day", greg.year, greg.month, greg.day, notes=(note,))
        first = Hijri(hy, hm, 1)
        last = Hijri(hy, hm, first.month_length()).to_gregorian()
        start = first.to_gregorian()
        note = f"hijri: {hy}-{hm:02d} = {start.isoformat()}..{last.isoformat()}"
        return _Period("span", start.year, start.month, start.day, notes=(note,), last=Date(last.year, last.month, last.day))
    except (ValueError, OverflowError):
        return None


def _overlap_free(cands: list[_Cand]) -> list[_Cand]:
    """Longest first; among equal lengths a named period before a duration, then the earlier one.
    No two results overlap."""
    chosen: list[_Cand] = []
    starts: list[int] = []  # sorted starts of the chosen spans, ends alongside
    ends: list[int] = []
    kind_rank = {"period": 0, "duration": 1, "vague": 2}
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), kind_rank.get(c.kind, 3), c.start)):
        i = bisect.bisect_right(starts, c.start)
        if (i > 0 and ends[i - 1] > c.start) or (i < len(starts) and starts[i] < c.end):
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def _find_periods(g: _Grammar, norm: str) -> list[_Cand]:
    cands = []
    for name, rx in g.periods:
        for m in rx.finditer(norm):
            period, weak = _period_from_match(g, name, m, norm)
            if period is None:
                continue
            cands.append(_Cand(m.start(), m.end(), "period", period=period, weak=weak))
    periods = _overlap_free(cands)
    out: list[_Cand] = []
    range_open_end = -1  # end of the last period that opens a range ("from X", "بين X")
    for i, c in enumerate(periods):
        raw_end = c.end
        opens_range = bool(_RANGE_START.search(norm, max(0, c.start - 12), c.start))
        _attach_hijri_twin(g, c, norm)
        before = norm[max(0, c.start - 45):c.start]
        qm = g.rx["qualifier"].search(before)
        fm = g.rx["first_n_months"].search(before)
        n_months = _number(g, (fm.group("n") or fm.group("n2") or fm.group("n3"))) if fm else None
        if fm and n_months and 1 <= n_months <= 11:  # "the first nine months of 2024", "الأشهر الستة الأولى من العام"
            c.qualifier = f"m{n_months}"
            c.start -= len(before) - fm.start()
            before = norm[max(0, c.start - 45):c.start]
        elif qm:
            q_key = _key(qm.group("q"))
            c.qualifier = g.qualifier_of.get(q_key) or g.qualifier_of.get(q_key.rstrip("-"))
            if c.qualifier:
                c.start -= len(before) - qm.start("q")
                before = norm[max(0, c.start - 45):c.start]
        rm = g.rx["role"].search(before)
        if rm:
            c.role_cue = _key(rm.group("r"))
            c.role = g.role_of.get(c.role_cue, "point")
            c.exclusive = c.role_cue in g.exclusive_cues
            c.start -= len(before) - rm.start("r")
        elif c.period is not None and c.period.kind in ("day", "month", "year") and not c.qualifier:
            sm = _SINCE_EVENT.search(before)  # "منذ هجوم 7 أكتوبر": since, with the event named between
            if sm:
                c.role, c.role_cue = "since", _key(sm.group("r"))
                c.start -= len(before) - sm.start("r")
        postponed = c.role in ("point", "until") and _postponed_to(g, c, norm)
        if c.weak and not (c.qualifier or rm or postponed or g.rx["point"].search(before)
                           # "between March and May", "من آذار إلى أيار": both ends of a range
                           or (opens_range and i + 1 < len(periods)
                               and _RANGE_GAP.fullmatch(norm, raw_end, periods[i + 1].start))
                           or (out and out[-1].end == range_open_end and out[-1].end <= c.start
                               and _RANGE_GAP.fullmatch(norm, out[-1].end, c.start))):
            continue
        if c.role in ("until", "deadline"):
            least = _AT_LEAST_AFTER.match(norm, c.end)  # "حتى منتصف عام 2024 على الأقل"
            if least:
                c.end = least.end()
                c.notes.append("at-least")
        if opens_range:
            range_open_end = c.end
        out.append(c)
    return out


_CLAUSE_BREAK = re.compile(r"[.!?؟;؛:\n]")


def _postponed_to(g: _Grammar, c: _Cand, norm: str) -> bool:
    """"أرجأت الانتخابات إلى منتصف 2026", "postponed to mid-2026", "delayed until March": the new
    date of a postponement is a plan: note "postponed", role deadline when it is longer than a day
    ("تأجل ... إلى 1 يونيو المقبل" stays that day, a point, or until with "حتى"); the link word joins
    the span."""
    pre = norm[max(0, c.start - 100):c.start]
    link = None
    if c.role == "point":
        link = g.rx["postpone_link"].search(pre)
        if link is None:
            return False
        head = pre[:link.start()]
    else:  # "until": the cue already opens the span
        head = pre
    verbs = list(g.rx["postpone"].finditer(head))
    if not verbs or _CLAUSE_BREAK.search(head, verbs[-1].end()):
        return False
    if link is not None:
        c.role_cue = _key(link.group("l"))
        c.start -= len(pre) - link.start("l")
    c.notes.append("postponed")  # role deadline once resolved, unless it names one day (_resolve)
    return True


# Patterns written in this module use the normalised spelling (ى -> ي, ة -> ه, أ/إ -> ا), as the text.
_SINCE_EVENT = re.compile(r"(?<!\w)[وف]?(?P<r>منذ)\s+(?!عام|سنه|العام)[^\W\d_]{3,}\s+$")
_AT_LEAST_AFTER = re.compile(r"[\s,،]*(?:علي\s+الاقل|علي\s+اقل\s+تقدير|at\s+least|at\s+the\s+earliest)(?!\w)")


def _attach_hijri_twin(g: _Grammar, c: _Cand, norm: str) -> None:
    """"5 ربيع الآخر 1447 هـ الموافق 27 أيلول 2025": one result, Gregorian value, Hijri in notes."""
    p = c.period
    if p is None or not any(n.startswith("hijri:") for n in p.notes):
        return
    link = g.rx["twin_link"].match(norm, c.end)
    pos = link.end() if link else c.end
    for name in ("dmy", "mdy", "ymd", "numeric", "iso"):
        m = g.rx[name].match(norm, pos)
        if not m:
            continue
        twin, _ = _period_from_match(g, name, m, norm)
        if twin is None or twin.kind != "day":
            continue
        if p.kind == "day":
            c.period = _with_hijri_twin(twin, p)
        else:
            c.period = _Period("day", twin.year, twin.month, twin.day, notes=p.notes[:1])
        c.end = m.end()
        return


def _number(g: _Grammar, raw: str | None) -> int | None:
    if not raw:
        return None
    k = _key(raw)
    k = re.sub(r"^ال[\u0640\s]*", "", k)
    if k.isdigit():
        return int(k)
    return g.number_of.get(k)


_DIGIT_NEXT = re.compile(r"\s*[0-9]")
_AGE_AN = re.compile(r"(?<!\w)عن\s+(?:عمر\s+(?:ناهز\s+)?|ناهز\s+)?$")


def _find_durations(g: _Grammar, norm: str) -> list[_Cand]:
    out = []
    for m in g.rx["duration"].finditer(norm):
        gd = m.groupdict()
        unit_key = _key(gd.get("u") or gd.get("u2") or gd.get("u1") or gd.get("u3") or gd.get("dual")
                        or gd.get("single") or "")
        unit = g.unit_of.get(unit_key) or g.unit_of.get(unit_key.removeprefix("ال"))
        if unit is None:
            continue
        if gd.get("u1"):  # "the past year": the last twelve months
            n, explicit = 1, True
        elif gd.get("halfu"):  # "half a year", "نصف عام": six months, fifteen days
            n, explicit = 0, True
        elif gd.get("dual"):
            n, explicit = 2, True
        elif gd.get("single"):
            if _DIGIT_NEXT.match(norm, m.end()):  # "خلال عام 2021" is the year 2021
                continue
            n, explicit = 1, bool(gd.get("one"))  # "خلال عام واحد": one year, said outright
        else:
            raw = gd.get("n2") or gd.get("n") or gd.get("n3") or gd.get("dec")
            n = _number(g, raw)
            explicit = bool(gd.get("n2")) or _key(raw or "") not in ("a", "an", "one")
            if gd.get("n3"):  # "الأيام العشرة" counts only with a cue or a marker ("حرب الأيام الأربعة والأربعين")
                explicit = False
        end = m.end()
        half = g.rx["half_after"].match(norm, end) if unit in ("year", "month") else None
        half_pre = bool(gd.get("half_pre") or gd.get("dec") or gd.get("halfu")) and unit in ("year", "month")
        if (half or half_pre) and (n is not None):
            # "خلال عام ونصف", "within a year and a half", "two and a half years", "2.5 years", "half a year"
            n, unit = (n * 12 + 6, "month") if unit == "year" else (n * 30 + 15, "day")
            if half:
                end = half.end()
        if unit == "fortnight":
            n, unit = (n or 0) * 2, "week"
        if unit == "hour":  # "within 48 hours": whole days
            if not n or n > 24 * 120:
                continue
            n, unit = -(-n // 24), "day"
        if not n or n > 120:
            continue
        c = _Cand(m.start(), end, "duration", n=n, unit=unit, single_unit=bool(gd.get("single")) and not half)
        if gd.get("n1"):
            c.notes.append(f"range: {_number(g, gd['n1'])}-{n} {unit}s")
        if gd.get("approx"):
            c.notes.append("approximate")
        before = norm[max(0, m.start() - 30):m.start()]
        if g.rx["age_before"].search(before) or (unit == "year" and _AGE_AN.search(before)):
            continue  # "السن لا يزيد عن 60 عامًا", "رحلت عن 76 عاما": an age

        marker = {"next": "window", "coming": "window", "following": "window",
                  "past": "back", "last": "back"}.get((gd.get("pre") or gd.get("pre1") or "").lower(), "")
        if gd.get("pre") == "last" and _VERB_LAST.search(norm, max(0, m.start() - 12), m.start()):
            marker = ""  # "will last two years": the verb, a duration from the anchor
            c.start = m.end("pre")
            while c.start < len(norm) and norm[c.start].isspace():
                c.start += 1
        am = g.rx["after_markers"].match(norm, c.end)
        if am and g.marker_of.get(_key(am.group("mk"))) in ("future", "past"):
            marker = "window" if g.marker_of[_key(am.group("mk"))] == "future" else "back"
            c.end = am.end()
        cue = ""
        cm = g.rx["duration_cue"].search(before)
        if cm and gd.get("single") and _key(cm.group("c")) in ("في", "in"):
            cm = None  # "في شهر آب" is a month, not "in a month"
        if cm:
            cue_key = _key(cm.group("c"))
            cue = "since" if cue_key == "منذ" else g.duration_cue_of.get(cue_key, "duration")
            if cue != "duration":  # "would take", "لمدة" stay outside the expression
                c.start = m.start() - (len(before) - cm.start("c"))
        ev = g.rx["event_after"].match(norm, c.end)
        if ev and (_key(ev.group("w")) not in ("من", "علي") or cue in ("later", "ago")):
            # "two weeks after the vote", "بعد ستة أشهر من إعلان", "بعد عام على انتهاء": counted from an
            # event, not the anchor ("على الأقل", at least, is no event)
            c.direction = "event"
            c.notes.append(f"relative-to-event: {ev.group('w')}")
            out.append(c)
            continue
        after_word = ""
        aw = g.rx["after_words"].match(norm, c.end)
        if aw:
            after_word = "ago" if _key(aw.group("w")) in g.ago_after else "later"
        if marker == "back":
            direction = "back"
        elif cue == "window" or marker == "window":
            direction = "window"
        elif cue == "later" and g.rx["superlative"].search(norm, max(0, c.start - 30), c.start):
            direction = "back"  # "أعلى مستوى في 3 أسابيع": the highest over the last three weeks
        elif cue in ("ago", "since", "later"):
            direction = cue
        elif after_word:
            direction = after_word
            c.end = aw.end()  # type: ignore[union-attr]
        elif explicit or cue:
            direction = "duration"
        else:
            continue
        c.direction = direction
        out.append(c)
    return out


_VERB_LAST = re.compile(r"(?<!\w)(?:will|would|could|should|may|might|must|can|to|does|did|do|not|which|that|it)\s+$")
_BARE_PLURAL_UNIT = re.compile(r"(?:ايام|اسابيع|اشهر|شهور)$")
_DEFINITE_NEXT = re.compile(r"\s+ال\w")


def _find_vague(g: _Grammar, norm: str) -> list[_Cand]:
    out = []
    for m in g.rx["vague"].finditer(norm):
        key = _key(m.group("v"))
        attr = g.vague_of.get(key)
        if attr and _BARE_PLURAL_UNIT.search(key) and _DEFINITE_NEXT.match(norm, m.end()):
            continue  # "خلال أيام العيد": during the Eid days, not "within days"
        if attr:
            out.append(_Cand(m.start(), m.end(), "vague", vague_attr=attr, negated=bool(m.group("neg"))))
    return out


def _drop_names(g: _Grammar, norm: str, cands: list[_Cand]) -> list[_Cand]:
    blocked = [(m.start(), m.end()) for m in g.rx["not_time"].finditer(norm)]
    if not blocked:
        return cands
    return [c for c in cands if not any(c.start < e and s < c.end for s, e in blocked)]


_RANGE_START = re.compile(r"(?<!\w)(?:from|between|(?:ما\s+)?بين|من|[وف]?من)[\s(]*$")
_RANGE_GAP = re.compile(r"\s*(?:-|–|to|until|till|through|and|الي|حتي|و|ولغايه|لغايه)\s*")
_ANY_GAP = re.compile(r"[\s,،(]*")


def _merge_neighbours(g: _Grammar, norm: str, cands: list[_Cand]) -> list[_Cand]:
    """Join pairs that name one time: "الثلاثاء، 16 ديسمبر 2025" (weekday + date: the date, with a
    note when the weekday is wrong), a Gregorian date with its Hijri twin, and ranges "from X to Y" /
    "بين عامي 2021 و2023" / "2021-2023"."""
    out: list[_Cand] = []
    i = 0
    while i < len(cands):
        c = cands[i]
        nxt = cands[i + 1] if i + 1 < len(cands) else None
        if nxt is None or c.kind != "period" or nxt.kind != "period" or c.period is None or nxt.period is None:
            out.append(c)
            i += 1
            continue
        gap = norm[c.end:nxt.start]
        p, q = c.period, nxt.period
        if "postponed" in nxt.notes and c.role == "since" and c.role_cue in g.range_since_cues:
            c.role, c.role_cue = "point", ""  # "postponed the vote from March to June": March was the old date
        if (p.kind == "weekday" and q.kind == "day" and nxt.role == "point" and not nxt.qualifier
                and _ANY_GAP.fullmatch(gap)):
            notes = list(q.notes)
            wd = p.weekday
            if wd is not None and q.first_day().weekday() != wd:
                notes.append(f"weekday-mismatch: {q.first_day().isoformat()} is not a {calendar.day_name[wd]}")
            nxt.period = _Period("day", q.year, q.month, q.day, notes=tuple(notes))
            nxt.start, nxt.role, nxt.role_cue = c.start, c.role, c.role_cue
            i += 1
            continue
        link = g.rx["twin_link"].fullmatch(gap)
        if (link and p.kind == "day" and q.kind == "day" and not c.qualifier and not nxt.qualifier
                and any(n.startswith("hijri:") for n in q.notes) and not any(n.startswith("hijri:") for n in p.notes)):
            c.period = _with_hijri_twin(p, q)
            c.end = nxt.end
            out.append(c)
            i += 2
            continue
        starts_range = _RANGE_START.search(norm, max(0, c.start - 12), c.start)
        range_start = starts_range.start() if starts_range else None
        if (c.role == "since" and c.role_cue in g.range_since_cues and nxt.role in ("point", "until")
                and (_RANGE_GAP.fullmatch(gap) or (nxt.role == "until" and not gap.strip()))):
            c.role, c.role_cue = "point", ""  # "from January to March 2025": a range, not a since
            range_start = c.start
        if (c.role == "point" and nxt.role in ("point", "until") and "postponed" not in nxt.notes and (
                (range_start is not None and (_RANGE_GAP.fullmatch(gap) or (nxt.role == "until" and not gap.strip())))
                or (p.kind == q.kind == "year" and gap in ("-", "–", "/")))):
            if range_start is not None:
                c.start = range_start
            c.period_to, c.qualifier_to = q, nxt.qualifier
            c.end = nxt.end
            out.append(c)
            i += 2
            continue
        out.append(c)
        i += 1
    return out


def _with_hijri_twin(greg: _Period, hijri: _Period) -> _Period:
    notes = list(greg.notes) + list(hijri.notes)
    g_date, h_date = greg.first_day(), hijri.first_day()
    gap = abs((g_date - h_date).days)
    if gap > 2:
        notes.append(f"hijri-gregorian-mismatch: Hijri gives {h_date.isoformat()}, the Gregorian twin says "
                     f"{g_date.isoformat()} ({gap} days apart)")
    return _Period("day", greg.year, greg.month, greg.day, notes=tuple(notes))


# ---------------------------------------------------------------- statement dates and anchors
_SENTENCE_END = re.compile(r"[!?؟\n]|\.(?=\s|$)")


def _sentence_bounds(norm: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(norm):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(norm)))
    return bounds


_COMMA_BEFORE = re.compile(r"[,،]\s*$")
_CLAUSE_PUNCT = re.compile(r"[,،;؛:()\"«»—–]|\s-\s")  # " - ": a dateline ("طرابلس - 10 أيلول 2021: أكدت")
_ADJACENT = re.compile(r"[\s,،(]*")


def _is_statement_date(g: _Grammar, i: int, cands: list[_Cand], norm: str, sent: tuple[int, int]) -> bool:
    """A day date with a statement word close before it ("أعلن في", "announced on", "في بيان ... (X)")
    or right after it when the date opens its clause ("في (27 أيلول 2025)، أعلنت"), no other time
    expression in between; not a date in what was said ("قالت الهيئة الأربعاء إن مهمتها ستنتهي في
    15 تموز 2024", "the mission will end on July 15, 2024, the bloc said on Wednesday"). The
    attribution's own weekday or relative day ("the bloc said on Wednesday", "بحسب ما أعلنت الهيئة
    الأربعاء", "أعلن اليوم") is a statement date the same way."""
    c = cands[i]
    p = c.period
    if p is None or c.role != "point" or c.qualifier:
        return False
    if p.kind in ("weekday", "relday"):
        return _is_attribution_day(g, i, cands, norm, sent)
    if p.kind != "day":
        return False
    lo = max(sent[0], c.start - 70)
    for o in reversed(cands[:i]):  # "اليوم الجمعة (7 ...)": a same-day relative word right before does not separate
        if o.end < lo:
            break
        if not (o.period and o.period.kind in ("relday", "weekday") and _ADJACENT.fullmatch(norm, o.end, c.start)):
            lo = max(lo, o.end)
            break
    cues = list(g.rx["statement"].finditer(norm, lo, c.start))
    if cues:
        return not g.rx["content_cue"].search(norm, cues[-1].end(), c.start)
    return _opens_clause_before_cue(g, i, cands, norm, sent)


def _opens_clause_before_cue(g: _Grammar, i: int, cands: list[_Cand], norm: str, sent: tuple[int, int]) -> bool:
    """Cand i opens its clause (only lead words before it) and a statement word follows it closely."""
    c = cands[i]
    head = norm[sent[0]:c.start]
    breaks = list(_CLAUSE_PUNCT.finditer(head))
    lead = head[breaks[-1].end():] if breaks else head
    if any(_key(w) not in g.lead_words for w in re.findall(r"[^\W\d_]+", lead)):
        return False
    hi = min(sent[1], c.end + 25)
    if i + 1 < len(cands):
        hi = max(c.end, min(hi, cands[i + 1].start))
    return bool(g.rx["statement"].search(norm, c.end, hi))


def _is_attribution_day(g: _Grammar, i: int, cands: list[_Cand], norm: str, sent: tuple[int, int]) -> bool:
    """"the bloc said on Wednesday", "قال مسؤولون يوم الثلاثاء", "أعلن اليوم", "On Wednesday, the
    ministry said": a weekday or relative day attached to a statement word (a few words between, no
    complementizer, no other time expression)."""
    c = cands[i]
    lo = max(sent[0], c.start - 70, cands[i - 1].end if i > 0 else 0)
    cues = list(g.rx["statement"].finditer(norm, lo, c.start))
    if cues:
        gap = norm[cues[-1].end():c.start]
        words = re.findall(r"[^\W\d_]+", gap)
        # "أعلنت الهيئة العليا المستقلة للانتخابات، الثلاثاء، أن": a day set off by commas after a long subject
        limit = 6 if _COMMA_BEFORE.search(gap) else 3
        if len(words) <= limit and not g.rx["content_cue"].search(gap) and not _CLAUSE_BREAK.search(gap):
            return True
    return _opens_clause_before_cue(g, i, cands, norm, sent)


def _anchor_input(anchor: str | Date | None, anchor_how: str) -> tuple[Date | None, str, list[str]]:
    if anchor is None or anchor == "":
        return None, "none", []
    if isinstance(anchor, dt.datetime):
        return anchor.date(), anchor_how, []
    if isinstance(anchor, Date):
        return anchor, anchor_how, []
    try:
        start, end = parse_partial_date(str(anchor))
    except ValueError:
        log.warning("anchor %r is not a date; relative times left unresolved", anchor)
        return None, "none", [f"anchor-unparsed: {anchor}"]
    return start, ("partial" if start != end else anchor_how), []


# ---------------------------------------------------------------- public API
def find_times(text: str, anchor: str | Date | None = None, *, anchor_how: str = "published",
               language: str | None = None, config: Any | None = None,
               event_anchors: bool = True, context_before: str | None = None) -> list[TimeRef]:
    """Every time expression in `text`, resolved to an interval; offsets are into `text`.

    `anchor`: ISO date, partial ISO ("2011", "2011-07": resolved against its start, anchor_how
    "partial") or None (relative expressions stay open); pass the publication date: statement
    dates found in a sentence anchor that sentence's relative expressions (not its bare weekdays),
    and a duration attached to a dated event ("deployed in November 2020 for five years") counts
    from that event (anchor_how "event"; `event_anchors=False` turns that off). `language` is
    accepted for symmetry with the other stages; the grammar tries every family since pan-Arab
    news mixes them.

    A duration counted from a date named before it ("اعتبارا منه ... خلال عام واحد", "within three
    months of that first arrival", "six months from that date") counts from the most recent absolute
    date before it in `text` (a deadline's or range's last day, else its first day; anchor_how
    "event", note "counted from the date named before: ..."). `context_before`: the text just before
    `text` (the previous sentence, when `text` is one sentence), searched only for that date.
    """
    if not text:
        return []
    reference = None
    if context_before and event_anchors:
        reference = _find(context_before, anchor, anchor_how, config, event_anchors, None)[1]
    return _find(text, anchor, anchor_how, config, event_anchors, reference)[0]


def _find(text: str, anchor: str | Date | None, anchor_how: str, config: Any | None, event_anchors: bool,
          reference: tuple[Date, str] | None) -> tuple[list[TimeRef], tuple[Date, str] | None]:
    """find_times' work: (refs, the last absolute date a later "from that date" can count from)."""
    if not text:
        return [], reference
    g = _grammar(str(_lexicon_path(config)))
    a, how, anchor_notes = _anchor_input(anchor, anchor_how)
    norm = _Norm.of(text)
    periods = _find_periods(g, norm)
    durations = [d for d in _find_durations(g, norm)
                 if not (d.single_unit and any(p.start < d.end and d.start < p.end for p in periods))]
    cands = _overlap_free(periods + durations + _find_vague(g, norm))
    cands = _merge_neighbours(g, norm, _drop_names(g, norm, cands))
    sentences = _sentence_bounds(norm)
    sentence_starts = [s for s, _ in sentences]
    sentence_ids = [max(0, bisect.bisect_right(sentence_starts, c.start) - 1) for c in cands]

    statements: dict[int, list[tuple[int, Date]]] = {}  # sentence id -> (position, statement date)
    day_statements: dict[int, list[tuple[int, Date]]] = {}  # ... of a weekday or relative day
    for i, c in enumerate(cands):
        if c.kind == "period" and _is_statement_date(g, i, cands, norm, sentences[sentence_ids[i]]):
            c.role = "statement"
            p = c.period
            assert p is not None
            if p.kind == "day":
                statements.setdefault(sentence_ids[i], []).append((c.start, p.first_day()))
            elif a is not None and (day := p.resolve(a)) is not None:
                day_statements.setdefault(sentence_ids[i], []).append((c.start, day[0]))
    for sid, found in day_statements.items():  # a dated statement wins over "said on Wednesday"
        statements.setdefault(sid, found)

    days = {k: int(getattr(config, k, v)) if config is not None else v for k, v in DEFAULT_DAYS.items()}
    attached = {i for i in range(1, len(cands)) if event_anchors and _attached_to_event(cands[i], cands[i - 1], norm)}
    back = _back_referenced(g, cands, norm, sentences) if event_anchors else set()
    out: list[TimeRef] = []
    for i, c in enumerate(cands):
        local = statements.get(sentence_ids[i], [])
        # a bare weekday is of the publication week, whatever statement date the sentence has
        # ("announced on 31 May ..., officials said on Tuesday" published Tuesday 4 June: 4 June)
        weekday = c.kind == "period" and c.period is not None and c.period.kind == "weekday" and a is not None
        event = None
        if i in attached and out[-1].granularity in ("day", "week", "month", "year") and out[-1].value_from:
            event = Date.fromisoformat(out[-1].value_from), "event"
        if i in back and reference is not None:
            event = reference[0], "event"
            _count_from_reference(c)
        if event is not None:
            ca, chow = event
        elif local and c.role != "statement" and not weekday:
            ca, chow = min(local, key=lambda x: abs(x[0] - c.start))[1], "statement"
        else:
            ca, chow = a, how
        c.start, c.end = norm.orig_start(c.start), norm.orig_end(c.end)
        ref = _resolve(c, ca, chow, days, text)
        if i in back and reference is not None:
            ref = dataclasses.replace(ref, notes=ref.notes + (f"counted from the date named before: {reference[1]}",))
        elif event is not None:
            ref = dataclasses.replace(ref, notes=ref.notes + (f"counted from the event date: {out[-1].text}",))
        if anchor_notes:
            ref = TimeRef(**{**ref.__dict__, "notes": ref.notes + tuple(anchor_notes)})
        out.append(ref)
        if c.kind == "period" and c.period is not None and c.period.absolute and ref.value_from \
                and ref.granularity in ("day", "week", "month", "quarter", "year"):
            ends = ref.role in ("deadline", "until") or c.period_to is not None
            day = ref.value_to if ends and ref.value_to else ref.value_from
            reference = Date.fromisoformat(day), ref.text
    return out, reference


def _back_referenced(g: _Grammar, cands: list[_Cand], norm: str, sentences: list[tuple[int, int]]) -> set[int]:
    """Durations counted from a date named before them: "اعتبارا منه ... خلال عام" (the phrase before
    the duration, same sentence, no time expression between) or "within three months of that
    arrival", "خلال عام من تاريخه" (right after it; not "من هذا العام", a time of its own)."""
    out: set[int] = set()
    starts = [c.start for c in cands]
    for m in g.rx["backref_before"].finditer(norm):
        j = bisect.bisect_left(starts, m.end())
        if j < len(cands) and cands[j].kind == "duration" and not _SENTENCE_END.search(norm, m.end(), cands[j].start):
            out.add(j)
    for j, c in enumerate(cands):
        if c.kind != "duration":
            continue
        m = g.rx["backref_after"].match(norm, c.end)
        if m and not (j + 1 < len(cands) and cands[j + 1].start < m.end()):
            out.add(j)
    return out


def _count_from_reference(c: _Cand) -> None:
    """A duration "after that date"/"بعد ستة أشهر من تاريخه" is a point that many units after it."""
    if c.direction != "event":
        return
    word = next((n.split(": ", 1)[1] for n in c.notes if n.startswith("relative-to-event: ")), "")
    c.notes = [n for n in c.notes if not n.startswith("relative-to-event: ")]
    c.direction = "ago" if _key(word) in ("before", "prior to") else "later"


# Between a dated event and its duration ("deployed in November 2020 for an initial five years",
# "وقعت في 3 مارس لمدة ستة أشهر"): a few words of the same clause, no punctuation, no new clause
# or new plan ("that", "will", "another").
_EVENT_GAP = re.compile(r"[^,،;:؛.!?()\"«»\n]{1,40}")
_EVENT_GAP_BREAK = re.compile(r"(?<!\w)(?:that|which|who|while|but|will|would|could|should|may|might|another|"
                              r"more|further|extra|extended|extend|additional|remaining|still|now|next|again|"
                              r"ان|أن|إن|التي|الذي|لكن|بينما|سوف|ست\w*|اخري|اضافيه|اخرى|جديده|الان|حاليا)(?!\w)")


def _attached_to_event(c: _Cand, prev: _Cand, norm: str) -> bool:
    """Duration `c` is attached to the dated event `prev` just before it (offsets into `norm`)."""
    if c.kind != "duration" or c.direction != "duration" or prev.kind != "period" or prev.qualifier \
            or prev.role not in ("point", "statement") or prev.period_to is not None:
        return False
    gap = norm[prev.end:c.start]
    return bool(_EVENT_GAP.fullmatch(gap)) and not _EVENT_GAP_BREAK.search(gap)


def _iso(d: Date | None) -> str | None:
    return d.isoformat() if d else None


def _resolve(c: _Cand, a: Date | None, how: str, days: dict[str, int], text: str) -> TimeRef:
    notes = list(c.notes)
    frm: Date | None = None
    to: Date | None = None
    gran = "day"
    role = c.role
    if c.kind == "period":
        p = c.period
        assert p is not None
        notes += list(p.notes)
        if c.role in ("deadline", "until") and a is not None and (
                (p.kind == "weekday" and p.pref == "past") or (p.kind in ("day_thismonth", "hijri_holiday")
                                                              and p.pref in ("current", "nearest"))):
            # "by Friday", "بحلول صباح الجمعة", "by the 20th", "قبل عيد الفطر": the next one, not the last
            p = dataclasses.replace(p, pref="future")
        elif "postponed" in c.notes and a is not None and (
                (p.pref == "nearest" and p.kind in ("month_noyear", "day_noyear", "season", "hijri_noyear",
                                                    "hijri_holiday"))
                or (p.kind == "weekday" and p.pref == "past") or p.kind == "day_thismonth"):
            p = dataclasses.replace(p, pref="future")  # "postponed to June", "delayed to Friday": the next one
        resolved = p.resolve(a)
        if p.kind == "relpart" and c.role in ("deadline", "until") and resolved is not None and a is not None \
                and resolved[1] < a:  # "before the end of the first quarter" written in June: next year's
            resolved = dataclasses.replace(p, offset=p.offset + 1).resolve(a)
        last = c.period_to.resolve(a) if c.period_to is not None else None
        if c.period_to is not None and last is not None and c.period_to.absolute \
                and p.kind in ("month_noyear", "day_noyear"):
            # "from January to March 2025": the start is the last such month/day up to the end
            resolved = dataclasses.replace(p, pref="past").resolve(last[0] + dt.timedelta(days=1))
        if resolved is not None and p.kind == "relday" and p.weekday is not None and resolved[0].weekday() != p.weekday:
            notes.append(f"weekday-mismatch: {resolved[0].isoformat()} is not a {calendar.day_name[p.weekday]}")
        if resolved is not None and c.qualifier:
            resolved = _qualify(c.qualifier, *resolved)
            if a is not None and c.qualifier == "earlier" and resolved[0] <= a:
                resolved = (resolved[0], min(resolved[1], a), resolved[2])
            elif a is not None and c.qualifier == "later" and a <= resolved[1]:
                resolved = (max(resolved[0], a), resolved[1], resolved[2])
        if resolved is not None and c.period_to is not None:
            q = c.period_to
            if not q.absolute and q.kind in ("month_noyear", "day_noyear") and q.pref == "nearest":
                # "between March and May": the end is the first such month/day from the start on
                last = dataclasses.replace(q, pref="future").resolve(resolved[0] - dt.timedelta(days=1))
            if last is not None and c.qualifier_to:
                last = _qualify(c.qualifier_to, *last)
            resolved = (resolved[0], last[1], last[2]) if last is not None else None
        if resolved is None:
            gran = {"rel": p.unit or "year", "month_noyear": "month"}.get(p.kind, "day")
            if c.qualifier and gran in ("year", "month"):
                gran = "month" if gran == "year" else "week"
        else:
            f, t, gran = resolved
            frm, to = f, t
            if "postponed" in c.notes and gran != "day":
                role = "deadline"  # "postponed to mid-2026": a plan, by then; "to 1 June" stays that day
            if role in ("deadline", "until"):
                if c.exclusive and c.qualifier not in ("end", "late"):
                    to = f - dt.timedelta(days=1)
                frm = a if a is not None and a <= to else None
                if a is not None and a > to:
                    notes.append("deadline-before-anchor")
                if ("at least" in c.role_cue or "علي الاقل" in c.role_cue) and "at-least" not in notes:
                    notes.append("at-least")
            elif role == "since":
                to = None
            elif role == "after":
                role, frm, to = "since", t + dt.timedelta(days=1), None
                notes.append("after")
        if role == "after":
            role = "since"
    elif c.kind == "duration":
        gran = "year" if c.unit == "decade" else c.unit
        # a window looking back ("over the past six months") is a period that happened, not a plan
        role = {"window": "window", "back": "point", "ago": "point", "later": "point",
                "since": "since"}.get(c.direction, "duration")
        if a is not None and c.direction != "event":
            if c.direction == "back":
                frm, to = _shift(a, -c.n, c.unit), a
            elif c.direction == "ago":
                frm = to = _shift(a, -c.n, c.unit)
            elif c.direction == "since":
                frm, to = _shift(a, -c.n, c.unit), None
            elif c.direction == "later":
                frm = to = _shift(a, c.n, c.unit)
            else:
                frm, to = a, _shift(a, c.n, c.unit)
    elif c.vague_attr == "open_ended":  # "until further notice": from the anchor, no end known
        gran, role = "vague", "vague"
        notes.append("open-ended")
        frm = a
    else:
        gran, role = "vague", "vague"
        n = days.get(c.vague_attr, DEFAULT_DAYS.get(c.vague_attr, 180))
        if c.negated:
            notes.append("negated")
            if a is not None:
                frm, to = a + dt.timedelta(days=n), None
        elif a is not None:
            frm, to = a, a + dt.timedelta(days=n)
    if a is None:
        how = "none"
    return TimeRef(text=text[c.start:c.end], start=c.start, end=c.end, value_from=_iso(frm), value_to=_iso(to),
                   granularity=gran, anchor=_iso(a), anchor_how=how, role=role, notes=tuple(notes))


def find_dateline_date(text: str, config: Any | None = None) -> Date | None:
    """The first full day date in the opening text ("طرابلس - 10 أيلول 2021", "BAGHDAD, 10 December
    2021 —", "في بيان صباح اليوم الجمعة (7 تشرين الثاني 2025)"); None when there is none."""
    for ref in find_times(text[:600], None, config=config):
        if ref.granularity == "day" and ref.value_from and ref.role in ("point", "statement"):
            return Date.fromisoformat(ref.value_from)
    return None
