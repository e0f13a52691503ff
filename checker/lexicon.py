"""Lexicons are data: YAML under rules/lexicon/, compiled here into matchers over normalised text.

A term is written naturally (Arabic or English); at load time it is normalised like the text it is
matched against (checker.textnorm.normalize_for_matching). Arabic terms match after optional clitics
(و ف ب ل ك ال) and, when at least four letters long, as stems (any suffix); shorter ones only as whole
words. English terms match whole words plus common inflections (-s, -ed, -ing, -al, -ment).
One combined regex per category keeps matching to a single pass per sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import LexiconError
from .textnorm import normalize_arabic, normalize_for_matching

_ARABIC = re.compile(r"[\u0600-\u06FF]")
_AR_PREFIX = r"(?:[وف]?(?:[بلك]|لل)?(?:ال)?)"
_EN_SUFFIX = r"(?:s|es|d|ed|ing|al|ment|ments)?"


@dataclass(frozen=True)
class Hit:
    entry: str
    term: str
    start: int
    end: int


_GAP = r"(?:\s+\S+){0,%d}\s+" % 4


def _term_body(term: str) -> tuple[str, str]:
    """(bucket, pattern) for one term: bucket "ar" and "en" terms share a word-start prefix that is
    factored out of the alternation (one prefix test per position instead of one per term).
    A ` * ` inside a term stands for up to four words ("close the * mission" matches "close the United
    Nations assistance mission"); an Arabic word after the gap may carry clitics like the first."""
    if " * " in term:
        parts = [normalize_for_matching(p).strip() for p in term.split(" * ")]
        norm = " ".join(parts)
        bodies = []
        for index, part in enumerate(parts):
            body = r"\s+".join(re.escape(w) for w in part.split(" "))
            if index and _ARABIC.search(part):
                body = _AR_PREFIX + body
            bodies.append(body)
        body = _GAP.join(bodies)
    else:
        norm = normalize_for_matching(term)
        body = r"\s+".join(re.escape(part) for part in norm.split(" "))
    if not norm[0].isalnum():
        return "free", body
    if _ARABIC.search(norm):
        tail = "" if len(norm.replace(" ", "")) >= 4 else r"(?!\w)"
        return "ar", f"{body}{tail}"
    tail = rf"{_EN_SUFFIX}(?!\w)" if norm[-1].isalnum() else ""
    return "en", f"{body}{tail}"


_BUCKET_PREFIX = {"ar": rf"(?<!\w){_AR_PREFIX}", "en": r"(?<!\w)", "free": ""}


class Matcher:
    """All entries of one category in (at most) three regexes; `find` returns every hit in text order."""

    def __init__(self, entries: dict[str, list[str]], origin: str):
        self.entries = entries
        self._names: list[str] = []
        self._terms: list[str] = []
        buckets: dict[str, list[str]] = {"ar": [], "en": [], "free": []}
        # longer terms first so "القوات القتالية" wins over "القوات"
        pairs = sorted(((name, str(t)) for name, terms in entries.items() for t in terms if str(t).strip()),
                       key=lambda p: -len(p[1]))
        for index, (name, term) in enumerate(pairs):
            try:
                bucket, pattern = _term_body(term)
                re.compile(pattern)
            except re.error as exc:
                raise LexiconError(f"term {term!r} of '{name}' is not usable ({exc})", path=origin) from None
            buckets[bucket].append(f"(?P<g{index}>{pattern})")
            self._names.append(name)
            self._terms.append(term)
        self._regexes = [re.compile(_BUCKET_PREFIX[b] + "(?:" + "|".join(groups) + ")")
                         for b, groups in buckets.items() if groups]

    def find(self, normalized: str) -> list[Hit]:
        hits = []
        for regex in self._regexes:
            for m in regex.finditer(normalized):
                index = int(m.lastgroup[1:])
                hits.append(Hit(self._names[index], self._terms[index], m.start(), m.end()))
        if len(self._regexes) > 1:
            hits.sort(key=lambda h: (h.start, -h.end))
        return hits

    def first(self, normalized: str) -> Hit | None:
        hits = self.find(normalized)
        return hits[0] if hits else None

    def any(self, normalized: str) -> bool:
        return any(regex.search(normalized) for regex in self._regexes)


@dataclass(frozen=True)
class EventInfo:
    name: str
    family: str
    direction: str


@dataclass
class Lexicons:
    events: Matcher
    event_info: dict[str, EventInfo]
    event_past: Matcher
    event_future: Matcher
    subjects: Matcher
    subject_group: dict[str, str]
    generic_subject: list[re.Pattern]
    generic_skip: frozenset[str]
    locations: Matcher
    negation: Matcher
    negation_window: int
    hedge: Matcher
    commitment: Matcher
    completed: Matcher
    no_timetable: Matcher
    postponed: Matcher
    scope: Matcher
    speech: Matcher
    filler: Matcher
    units: Matcher
    multipliers: dict[str, float]
    unit_alias: dict[str, tuple[str, float]] = field(default_factory=dict)
    place_nouns: frozenset[str] = frozenset()  # place names that look like adjectives (السعودية, سورية)
    weak_subjects: frozenset[str] = frozenset()  # "peacekeepers": yields to a named force in the sentence
    anniversary: Matcher | None = None  # "today marks the first anniversary of …": today is not the event's day
    phase: Matcher | None = None  # "the first stage of the withdrawal": one step of a process, with its own date
    not_negation: Matcher | None = None  # idioms that contain a negation word but affirm ("لا يزال": still)
    countries: Matcher | None = None  # a country's name, capital or adjective: whose forces act (subjects.yaml)
    subnational: re.Pattern | None = None  # "South Kivu province", "إقليم كردستان": part of a country, whole words
    source_files: tuple[str, ...] = field(default=())


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError("lexicon file is missing", path=str(path), hint="restore it from the repository") from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise LexiconError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path=str(path),
                           line=line + 1 if line is not None else None) from None
    if not isinstance(data, dict):
        raise LexiconError("expected a mapping at the top level", path=str(path))
    return data


def _both_languages(entry: Any, where: str, path: Path) -> list[str]:
    if isinstance(entry, list):
        return [str(t) for t in entry]
    if not isinstance(entry, dict):
        raise LexiconError(f"'{where}' must be a list of terms or a mapping with ar:/en: lists", path=str(path))
    terms: list[str] = []
    for lang, values in entry.items():
        if lang in ("family", "direction", "group", "past", "future", "window", "as", "factor", "weak"):
            continue
        if not isinstance(values, list):
            raise LexiconError(f"'{where}.{lang}' must be a list of terms", path=str(path))
        terms += [str(v) for v in values]
    return terms


def _whole_words(terms: list[str], path: Path) -> re.Pattern:
    """Terms matched as whole words (Arabic after optional clitics, English with a plural -s): unlike the
    stem matching of the other categories, "إقليم" (a province) must not match "الإقليمية" (regional)."""
    bodies = []
    for term in terms:
        norm = normalize_for_matching(term)
        body = r"\s+".join(re.escape(w) for w in norm.split())
        bodies.append(_AR_PREFIX + body if _ARABIC.search(norm) else body + "s?")
    try:
        return re.compile(r"(?<!\w)(?:" + "|".join(bodies) + r")(?!\w)")
    except re.error as exc:
        raise LexiconError(f"subnational terms are not usable ({exc})", path=str(path)) from None


@lru_cache(maxsize=8)
def load_lexicons(rules_dir: str | Path) -> Lexicons:
    folder = Path(rules_dir) / "lexicon"
    ev_path, subj_path, mark_path, unit_path = (folder / n for n in
                                                 ("events.yaml", "subjects.yaml", "markers.yaml", "units.yaml"))
    events = _read_yaml(ev_path).get("events") or {}
    info, ev_terms, past, future = {}, {}, {}, {}
    for name, entry in events.items():
        if not isinstance(entry, dict) or "family" not in entry:
            raise LexiconError(f"event '{name}' needs a family and ar:/en: term lists", path=str(ev_path))
        info[name] = EventInfo(name, str(entry["family"]), str(entry.get("direction", "none")))
        ev_terms[name] = _both_languages(entry, name, ev_path)
        past[name] = [str(t) for t in entry.get("past") or []]
        future[name] = [str(t) for t in entry.get("future") or []]

    subj = _read_yaml(subj_path)
    s_terms, s_group, s_weak = {}, {}, set()
    for name, entry in (subj.get("subjects") or {}).items():
        s_terms[name] = _both_languages(entry, name, subj_path)
        s_group[name] = str(entry.get("group", name)) if isinstance(entry, dict) else name
        if isinstance(entry, dict) and entry.get("weak"):
            s_weak.add(name)
    generic = []
    for lang_patterns in (subj.get("generic") or {}).values():
        for pattern in lang_patterns:
            try:
                generic.append(re.compile(normalize_arabic(pattern)))
            except re.error as exc:
                raise LexiconError(f"generic subject pattern {pattern!r}: {exc}", path=str(subj_path)) from None
    locations = {name: [str(t) for t in terms] for name, terms in (subj.get("locations") or {}).items()}

    marks = _read_yaml(mark_path)

    def markers(key: str) -> Matcher:
        entry = marks.get(key)
        if entry is None:
            raise LexiconError(f"missing section '{key}'", path=str(mark_path))
        return Matcher({key: _both_languages(entry, key, mark_path)}, str(mark_path))

    scope_terms = {name: _both_languages(entry, name, mark_path) for name, entry in (marks.get("scope") or {}).items()}
    units_doc = _read_yaml(unit_path)
    unit_terms = {name: _both_languages(entry, name, unit_path) for name, entry in (units_doc.get("units") or {}).items()}
    unit_alias = {name: (str(entry.get("as", name)), float(entry.get("factor", 1)))
                  for name, entry in (units_doc.get("units") or {}).items() if isinstance(entry, dict)}
    multipliers = {}
    for table in (units_doc.get("multipliers") or {}).values():
        for word, factor in table.items():
            multipliers[normalize_for_matching(str(word))] = float(factor)

    return Lexicons(
        events=Matcher(ev_terms, str(ev_path)),
        event_info=info,
        event_past=Matcher(past, str(ev_path)),
        event_future=Matcher(future, str(ev_path)),
        subjects=Matcher(s_terms, str(subj_path)),
        subject_group=s_group,
        weak_subjects=frozenset(s_weak),
        place_nouns=frozenset(normalize_for_matching(str(w)) for w in subj.get("place_nouns") or []),
        generic_subject=generic,
        generic_skip=frozenset(normalize_for_matching(str(w)) for w in subj.get("generic_skip") or []),
        locations=Matcher(locations, str(subj_path)),
        negation=markers("negation"),
        negation_window=int((marks.get("negation") or {}).get("window", 4)),
        hedge=markers("hedge"),
        commitment=markers("commitment"),
        completed=markers("completed"),
        no_timetable=markers("no_timetable"),
        postponed=markers("postponed"),
        scope=Matcher(scope_terms, str(mark_path)),
        speech=markers("speech"),
        filler=markers("filler"),
        units=Matcher(unit_terms, str(unit_path)),
        multipliers=multipliers,
        unit_alias=unit_alias,
        not_negation=markers("not_negation") if marks.get("not_negation") is not None else None,
        anniversary=markers("anniversary") if marks.get("anniversary") is not None else None,
        phase=markers("phase") if marks.get("phase") is not None else None,
        countries=Matcher({name: [str(t) for t in terms] for name, terms in (subj.get("countries") or {}).items()},
                          str(subj_path)) if subj.get("countries") else None,
        subnational=_whole_words(_both_languages(marks["subnational"], "subnational", mark_path), mark_path)
        if marks.get("subnational") is not None else None,
        source_files=tuple(str(p) for p in (ev_path, subj_path, mark_path, unit_path)),
    )
