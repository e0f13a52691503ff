"""Sentences → slot-filled claims: event, subject, scope, location, speaker, polarity, modality, tense,
resolved times and quantities, with a check-worthiness score.

Everything language-specific comes from the YAML lexicons (checker.lexicon); this module only
combines their hits, so a new story or language is a lexicon edit, not a code change.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .config import Config
from .lexicon import Hit, Lexicons
from .model import Claim, Quantity, Sentence, Source, TimeRef
from .textnorm import normalize_for_matching, to_ascii_digits
from .timex import find_times

# "7,250" groups thousands; "5,7" / "8,25" (a comma before one or two digits) is a decimal comma (Maghreb, French)
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[,٬]\d{3})+|\d+,\d{1,2}(?![\d,])|\d+(?:[.٫]\d+)?)(?![\d])")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
_WORD = re.compile(r"\S+")
_QUOTES = re.compile(r"[\"«»“”]")
_AR_NAME_STOP = {"في", "ان", "إن", "أن", "انه", "إنه", "أنه", "على", "الى", "إلى", "من", "عن", "خلال", "بان", "بأن",
                 "اليوم", "امس", "أمس", "الثلاثاء", "الاربعاء", "الأربعاء", "الخميس", "الجمعه", "الجمعة",
                 "السبت", "الاحد", "الأحد", "الاثنين", "الإثنين", "لـ", "ل", "و", "بيان", "مضيفا", "مضيفاً"}
_EN_NAME = re.compile(r"((?:[A-Z][\w.'-]+\s){0,3}[A-Z][\w.'-]+)\s+(?:said|says|told|announced|stated|added|declared)\b")
_EN_ACCORDING = re.compile(r"according to (?:a |an |the )?((?:[A-Z][\w.'-]+\s?){1,4})")
_PRESENCE_COUNT = re.compile(r"(?:عدد|troops|forces|soldiers|جندي|قوات|القوات)")
_WEAK_EVENT_FAMILIES = ("agreement", "announcement")
_FORCE_GROUPS = ("foreign_military", "peacekeeping")
_COUNT_LEAD = {"الي", "نحو", "حوالي", "قرابه", "زهاء", "to", "about", "around", "approximately", "nearly", "some"}


@dataclass(frozen=True)
class _Span:
    begin: int
    finish: int

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish


def claim_id(source_id: str, normalized: str, occurrence: int) -> str:
    digest = hashlib.sha1(f"{source_id}\x1f{normalized}\x1f{occurrence}".encode()).hexdigest()
    return f"c-{digest[:10]}"


def _parse_number(text: str) -> float | None:
    if _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    cleaned = text.replace(",", "").replace("٬", "").replace("٫", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


# Arabic cardinals written in words ("ألفي جندي", "تسعة ملايين", "بخمسين نقطة", "سبعة ونصف بالمائة"), in
# their normalised form (hamza and ta marbuta folded), with the clitics و / ب / ل allowed in front
_AR_NUMBER_WORDS = {
    "ثلاثه": 3, "ثلاث": 3, "اربعه": 4, "اربع": 4, "خمسه": 5, "خمس": 5, "سته": 6, "سبعه": 7, "سبع": 7,
    "ثمانيه": 8, "ثماني": 8, "تسعه": 9, "تسع": 9, "عشره": 10,
    "عشرين": 20, "عشرون": 20, "ثلاثين": 30, "ثلاثون": 30, "اربعين": 40, "اربعون": 40, "خمسين": 50,
    "خمسون": 50, "ستين": 60, "ستون": 60, "سبعين": 70, "سبعون": 70, "ثمانين": 80, "ثمانون": 80, "تسعين": 90,
    "تسعون": 90, "مئه": 100, "مائه": 100, "مئتين": 200, "مائتين": 200, "مئتي": 200, "مائتي": 200,
    "الف": 1000, "الفين": 2000, "الفي": 2000, "الفان": 2000,
}
_AR_WORD = re.compile(r"[\u0621-\u064A]+")
_AR_HALF = re.compile(r"^\s+ونصف(?!\w)")
_AR_TEEN = re.compile(r"^\s+(?:عشر|عشرة|عشره)(?!\w)")
_AR_NEXT_WORD = re.compile(r"^\s+و([\u0621-\u064A]+)")
_AR_TENS = {w for w, v in _AR_NUMBER_WORDS.items() if 20 <= v <= 90}


def _word_numbers(text: str, lexicons: Lexicons) -> list[tuple[int, int, float]]:
    """(start, end, value) of Arabic cardinals written in words. "ألف" after a number is a multiplier, not a
    number ("47 ألف", "ثلاثة آلاف")."""
    found = []
    previous_end, previous_number = -10, False
    consumed = -1
    for m in _AR_WORD.finditer(text):
        if m.start() < consumed:
            continue
        word = normalize_for_matching(m.group(0))
        value = _AR_NUMBER_WORDS.get(word)
        if value is None and word[:1] in ("و", "ب", "ل") and len(word) > 3:
            value = _AR_NUMBER_WORDS.get(word[1:])
        gap = text[previous_end: m.start()]
        after_number = previous_number and gap.strip() == "" or bool(re.search(r"\d\s*$", text[:m.start()]))
        if value is not None and not (value in (1000, 2000) and after_number):
            end = m.end()
            teen = _AR_TEEN.match(text[end:]) if value < 10 else None
            if teen:  # "خمسة عشر" = 15
                value, end = value + 10, end + teen.end()
            tens = _AR_NEXT_WORD.match(text[end:]) if value < 10 else None
            if tens and normalize_for_matching(tens.group(1)) in _AR_TENS:  # "خمسة وعشرين" = 25
                value, end = value + _AR_NUMBER_WORDS[normalize_for_matching(tens.group(1))], end + tens.end()
            half = _AR_HALF.match(text[end:])
            if half and value < 1000:
                value, end = value + 0.5, end + half.end()
            found.append((m.start(), end, float(value)))
            previous_number = True
            consumed = end
        else:
            previous_number = False
        previous_end = m.end()
    return found


def extract_quantities(text: str, normalized: str, lexicons: Lexicons, times: list[TimeRef],
                       presence_context: bool) -> list[Quantity]:
    """Numbers with a unit (in digits or Arabic words). Numbers inside time expressions and bare years are not
    figures."""
    digits = to_ascii_digits(text)
    busy = [(t.start, t.end) for t in times]
    found: list[Quantity] = []
    candidates = [(m.start(1), m.end(1), _parse_number(m.group(1))) for m in _NUMBER.finditer(digits)]
    candidates += _word_numbers(digits, lexicons)
    for start, stop, value in sorted(candidates):
        if any(s <= start < e for s, e in busy):
            continue
        if value is None:
            continue
        m = _Span(start, stop)
        after = digits[m.end(): m.end() + 48]
        after_norm = normalize_for_matching(after)
        words = after_norm.split()
        end = m.end()
        if words and words[0].rstrip("،,;:.") in lexicons.multipliers:  # "$800 million, 30-year deal"
            value *= lexicons.multipliers[words[0].rstrip("،,;:.")]
            end = m.end() + after.find(after.split()[0]) + len(after.split()[0].rstrip("،,;:."))
            after_norm = " ".join(words[1:])
            words = words[1:]
        before = normalize_for_matching(digits[max(0, m.start() - 3): m.start()])
        unit = None
        # the unit may stand up to two words after the number ("2,400 French soldiers", "2400 جندي فرنسي")
        window = " ".join(words[:4])
        hit = lexicons.units.first(window)
        if hit is not None and len(window[: hit.start].split()) <= 2:
            unit = hit.entry
        elif "%" in before or "$" in before:
            unit = "percent" if "%" in before else "dollars"
        if unit is None:
            if 1900 <= value <= 2100 and float(value).is_integer():
                continue  # a bare year
            previous = normalize_for_matching(digits[max(0, m.start() - 16): m.start()]).split()[-1:]
            if presence_context and value >= 50 and previous and previous[0] in _COUNT_LEAD:
                unit = "troops"  # "cut the number of troops to 2500"; not "Air Base 101"
            else:
                continue
        unit, factor = lexicons.unit_alias.get(unit, (unit, 1.0))
        found.append(Quantity(text=text[m.start(): end], start=m.start(), end=end, value=value * factor, unit=unit))
    return found


def _speaker(text: str, normalized: str, lexicons: Lexicons) -> str | None:
    m = _EN_NAME.search(text) or _EN_ACCORDING.search(text)
    if m:
        name = m.group(1).strip()
        if name.lower() not in {"he", "she", "it", "they", "the", "officials", "we"}:
            return name
    original_tokens = text.split()
    for hit in lexicons.speech.find(normalized):
        index = len(normalized[: hit.end].split())
        tail = normalized[hit.end:].split()
        name: list[str] = []
        for offset, token in enumerate(tail[:4]):
            bare = token.strip("،,.:\"«»()")
            if not bare or bare in _AR_NAME_STOP or bare.startswith(("ان", "لان", "بان")) \
                    or not re.match(r"^[\u0600-\u06FF]", bare):
                break
            original = original_tokens[index + offset] if index + offset < len(original_tokens) else bare
            name.append(original.strip("،,.:\"«»()"))
            if token.endswith(("،", ",", ":")):
                break
        if name:
            return " ".join(name)
    return None


def _nearest(hits: list[Hit], position: int) -> Hit | None:
    return min(hits, key=lambda h: abs(h.start - position)) if hits else None


_PLACE_PREPOSITION = re.compile(r"(?:^|\s)(?:في|فى|من|الى|إلى|داخل|جنوب|شمال|شرق|غرب|in|from|to|into|out of|across)\s*$")


def _place_of_event(normalized: str, hits: list[Hit], main: Hit | None, lexicons: Lexicons) -> Hit | None:
    """The place an event happens in: a place after a preposition ("in Mali", "من العراق") beats a
    nationality adjective ("an Egyptian source"); among those, the nearest to the event word."""
    anchored = [h for h in hits if _PLACE_PREPOSITION.search(normalized[: h.start])]
    nouns = [h for h in hits if not _is_adjective(h.term, lexicons)]
    return _nearest(anchored or nouns, main.start if main else 0)


def _is_adjective(term: str, lexicons: Lexicons | None = None) -> bool:
    """Nationality adjectives ("مصري", "Egyptian") name who speaks more often than where it happens."""
    norm = normalize_for_matching(term)
    if lexicons is not None and norm in lexicons.place_nouns:
        return False
    return norm.endswith(("ي", "يه", "يين", "ian", "ese", "ish")) and len(norm) > 3


def _generic_subject(normalized: str, lexicons: Lexicons) -> tuple[str, int] | None:
    for pattern in lexicons.generic_subject:
        for m in pattern.finditer(normalized):
            qualifier = m.group("q")
            bare = qualifier[2:] if qualifier.startswith("ال") else qualifier
            if qualifier in lexicons.generic_skip or bare in lexicons.generic_skip:
                continue
            country = lexicons.countries.first(qualifier) if lexicons.countries is not None else None
            if country is not None:  # "القوات الرواندية" and "Rwandan troops" are one subject
                return f"forces:{country.entry}", m.start()
            return f"forces:{bare}", m.start()
    return None


_FORCE_WORD = re.compile(r"(عسكري|جنود|جندي|قوات|قواتها|قواته|بعثه|مهمه|troop|forces|soldier|military|mission|contingent|"
                         r"peacekeep|personnel|officers|army)", re.I)


def _country_actor(normalized: str, main: Hit | None, location: str | None, lexicons: Lexicons,
                   dateline_end: int = 0) -> Hit | None:
    """A country that acts on its own forces ("Italy will withdraw its troops from Niger", "أرجأت إيطاليا سحب
    عسكرييها", "250 عسكريا إيطاليا"): not the place of the event (the host named after "from"/"في", or the
    claim's location), nearest to the event."""
    if lexicons.countries is None or main is None or not _FORCE_WORD.search(normalized):
        return None  # "the player withdrew from the Australian Open": no forces, no country's forces
    hits = [h for h in lexicons.countries.find(normalized) if h.start >= dateline_end and h.entry != location
            and not _PLACE_PREPOSITION.search(normalized[: h.start])]
    return _nearest(hits, main.start)


def _without_idioms(normalized: str, lexicons: Lexicons) -> str:
    """The text with affirmative idioms that contain a negation word ("لا يزال" still, "no later than")
    blanked out, offsets unchanged."""
    if lexicons.not_negation is None:
        return normalized
    for hit in lexicons.not_negation.find(normalized):
        normalized = normalized[:hit.start] + " " * (hit.end - hit.start) + normalized[hit.end:]
    return normalized


def _negated(normalized: str, event: Hit, lexicons: Lexicons) -> bool:
    normalized = _without_idioms(normalized, lexicons)
    if lexicons.negation.any(normalized[event.start:event.end]):
        return True
    before = normalized[: event.start].split()[-lexicons.negation_window:]
    return lexicons.negation.any(" ".join(before))


_AGE_AFTER = re.compile(r"^[\s-]*old\b", re.I)
_AGE_BEFORE = re.compile(r"(العمر|عمره|عمرها|aged?)\s*$", re.I)
_DATELINE_END = re.compile(r"^\s*(?:\([^)]{0,20}\)\s*)?(?:[—–\-:]|$)")
_DATELINE_PLACE = re.compile(r"^[^\W\d][^\n,\-–—:]{1,30}\s*[,\-–—:]")


def _dominant_location(sentences: list[Sentence], lexicons: Lexicons) -> str | None:
    counts: Counter[str] = Counter()
    for s in sentences:
        dateline = _DATELINE_PLACE.match(s.normalized) if s.start < 5 else None
        counts.update(h.entry for h in lexicons.locations.find(s.normalized)
                      if not _is_adjective(h.term, lexicons) and not (dateline and h.start < dateline.end()))
    return counts.most_common(1)[0][0] if counts else None


_PAST_WORD = re.compile(r"(الماضي|الماضى|المنصرم|\blast\b)", re.I)


def effective_anchor(source: Source, sentences: list[Sentence], config: Config) -> str | None:
    """The publication date to resolve relative times against.

    A partial date ("2021") resolves against the start of its interval, narrowed by what the text
    itself proves: an article that calls 7 April "last April" was written after 7 April, so its
    anchor is not 1 January. Only day-precise past references inside the partial interval count.
    """
    published = source.published
    if not published or len(published) >= 10:
        return published
    from .facets import published_interval

    first, last, _ = published_interval(published)
    if first is None:
        return published
    latest = None
    for sentence in sentences:
        if not _PAST_WORD.search(sentence.text):
            continue
        for t in find_times(sentence.text, last.isoformat(), language=source.language, config=config):
            if t.granularity != "day" or not _PAST_WORD.search(t.text) or not t.value_from:
                continue
            day = date.fromisoformat(t.value_from)
            if first <= day <= last and (latest is None or day > latest):
                latest = day
    if latest is None:
        return published
    return min(latest + timedelta(days=1), last).isoformat()


def extract_claims(source: Source, sentences: list[Sentence], lexicons: Lexicons, config: Config) -> list[Claim]:
    """Every check-worthy sentence of a source becomes one claim (score >= config.checkworthiness_threshold).

    Short items (one or two sentences: headline feeds, wire flashes) are kept whole: each of their
    sentences is a claim, since there is no filler to separate from.
    """
    claims: list[Claim] = []
    short_item = len(sentences) <= 2
    source_location = _dominant_location(sentences, lexicons)
    previous_subject: str | None = None
    seen: Counter[str] = Counter()
    anchor = effective_anchor(source, sentences, config)
    for sentence in sentences:
        normalized = sentence.normalized or normalize_for_matching(sentence.text)
        if len(normalized.split()) < 3:
            continue
        events = lexicons.events.find(normalized)
        strong = [h for h in events if lexicons.event_info[h.entry].family not in _WEAK_EVENT_FAMILIES]
        main = strong[0] if strong else (events[0] if events else None)
        info = lexicons.event_info[main.entry] if main else None

        times = find_times(sentence.text, anchor, language=source.language, config=config)
        if anchor != source.published and anchor is not None:
            times = [replace(t, anchor_how="partial", notes=t.notes + (f"anchor narrowed from {source.published} "
                                                                         f"to {anchor} by the text",))
                     if t.anchor == anchor else t for t in times]
        if sentence.start < 60 and source.published:
            # the dateline ("PARIS, 17 February 2022 —") says when the article was written, not a claim's time
            times = [t for t in times if not (t.start < 40 and t.value_from == source.published
                                              and t.value_to == source.published
                                              and _DATELINE_END.match(sentence.text[t.end:]))]
        # "the 31-year-old", "البالغ من العمر 31 عاما": ages are not durations
        times = [t for t in times if not (_AGE_AFTER.match(sentence.text[t.end:]) or _AGE_BEFORE.search(
            sentence.text[max(0, t.start - 20): t.start]))]
        statement = next((t for t in times if t.role == "statement" and t.value_from), None)
        presence_context = bool(info and info.family == "presence" and _PRESENCE_COUNT.search(normalized))
        quantities = extract_quantities(sentence.text, normalized, lexicons, times, presence_context)

        if quantities and any(q.unit == "troops" for q in quantities) and "troop_level" in lexicons.event_info \
                and not (info and info.family == "presence") \
                and not any(q.unit.startswith("people_") for q in quantities):
            # a troop count is a statement about a presence, whatever verb carries it
            main = Hit("troop_level", "troops", next(q.start for q in quantities if q.unit == "troops"), 0)
            info = lexicons.event_info["troop_level"]
        subject_hits = lexicons.subjects.find(normalized)
        subject_hit = _nearest(subject_hits, main.start if main else 0)
        cues: list[str] = []
        if subject_hit is not None and subject_hit.entry in lexicons.weak_subjects:
            # "Russia has no plans to withdraw its peacekeepers": whose peacekeepers the sentence says
            named = [h for h in subject_hits if h.entry not in lexicons.weak_subjects
                     and lexicons.subject_group.get(h.entry) in _FORCE_GROUPS]
            if named:
                subject_hit = _nearest(named, main.start if main else 0)
            elif previous_subject and previous_subject not in lexicons.weak_subjects and main is not None \
                    and info.family == "presence":
                subject_hit = None  # "our peacekeepers" after a sentence that named them: the story's subject
        subject = subject_hit.entry if subject_hit else None
        subject_text = subject_hit.term if subject_hit else None
        if subject is None:
            generic = _generic_subject(normalized, lexicons)
            if generic:
                subject, _ = generic
                subject_text = subject.split(":", 1)[1]
        if subject is not None and info is not None and info.family not in ("presence", *_WEAK_EVENT_FAMILIES) \
                and (subject.startswith("forces:") or lexicons.subject_group.get(subject) in _FORCE_GROUPS):
            # "Azerbaijan released 32 Armenian prisoners for two Azerbaijani soldiers", "France's parliament
            # postponed the vote": an exchange or an election is not a claim about those forces
            subject, subject_text = None, None
        place_hits = lexicons.locations.find(normalized)
        dateline_end = 0
        if sentence.start < 5:  # "BEIRUT, 4 March 2024 —" / "القاهرة - 22 أبريل": where the reporter is
            dateline = _DATELINE_PLACE.match(normalized)
            dateline_end = dateline.end() if dateline else 0
            place_hits = [h for h in place_hits if h.start >= dateline_end]
        location_hit = _place_of_event(normalized, place_hits, main, lexicons)
        location = location_hit.entry if location_hit else source_location
        if subject is None and main is not None and info.family == "presence":
            actor = _country_actor(normalized, main, location, lexicons, dateline_end)
            if actor is not None:
                subject, subject_text = f"forces:{actor.entry}", actor.term
                cues.append("subject-from-country")
        if subject is None and main is not None and info.family == "presence" and previous_subject:
            subject = previous_subject
            cues.append("subject-from-previous-sentence")

        scope_names = _scope_names(normalized, main, events, lexicons)
        same_event = [h for h in events if main is not None and h.entry == main.entry]
        polarity = "negative" if any(_negated(normalized, h, lexicons) for h in same_event) else "positive"
        tense, modality = _tense_and_modality(normalized, main, events, lexicons, times)
        speaker = _speaker(sentence.text, normalized, lexicons)
        attribution = "quoted" if speaker and _QUOTES.search(sentence.text) else "reported" if speaker else "outlet"

        score = _checkworthiness(normalized, main, info, times, quantities, subject, lexicons)
        if short_item and len(normalized.split()) >= 3:
            score = max(score, 0.5)
        if score < config.checkworthiness_threshold:
            continue
        if main is not None:
            cues.append(f"event:{main.term}")
        if lexicons.postponed.any(normalized):
            cues.append("postponed")
        if lexicons.no_timetable.any(normalized):
            cues.append("no-timetable")
        if lexicons.anniversary is not None and lexicons.anniversary.any(normalized):
            cues.append("anniversary")
        if lexicons.phase is not None and lexicons.phase.any(normalized):
            cues.append("phase")
        seen[normalized] += 1
        claims.append(Claim(
            id=claim_id(source.id, normalized, seen[normalized]),
            source_id=source.id,
            sentence_index=sentence.index,
            text=sentence.text,
            start=sentence.start,
            end=sentence.end,
            normalized=normalized,
            event=main.entry if main else None,
            event_family=info.family if info else None,
            subject=subject,
            subject_text=subject_text,
            scope="+".join(scope_names) or None,
            location=location,
            speaker=speaker,
            attribution=attribution,
            polarity=polarity,
            modality=modality,
            tense=tense,
            times=tuple(times),
            quantities=tuple(quantities),
            checkworthiness=round(score, 3),
            statement_date=statement.value_from if statement else None,
            cues=tuple(cues),
        ))
        if subject and info and info.family == "presence":
            previous_subject = subject
    return claims


_OPPOSITE_MOVE = {"leave": "stay", "stay": "leave"}
# which forces move: bound to the move of their clause; "advisory" describes whoever stays, wherever it stands
_MOVE_BOUND_SCOPES = ("combat_forces", "all_forces")
_CLAUSE_BREAK = re.compile(r"[،,;؛:\"«»“”()]|\s[-–—]\s")


_AR_COMBAT_UNITS = re.compile(r"(?<!\S)[وبل]?(?:ال)?(?:قوات|وحدات|جنود|عناصر)\s+\S+\s+(?:المقاتله|القتاليه|المقاتلين)(?!\S)")


def _scope_names(normalized: str, main: Hit | None, events: list[Hit], lexicons: Lexicons) -> list[str]:
    """Scope words (combat forces, all forces, advisers) of the claim's own event: a scope word in a clause
    whose only moves are the opposite of the claim's ('all forces are still here, calling the end of the
    combat mission a change of name') qualifies that move, not the claim."""
    hits = lexicons.scope.find(normalized)
    if not any(h.entry == "combat_forces" for h in hits):
        # "القوات الفرنسية المقاتلة": the nationality between the forces noun and the combat word
        hits += [Hit("combat_forces", m.group(0), m.start(), m.end()) for m in _AR_COMBAT_UNITS.finditer(normalized)]
    info = lexicons.event_info.get(main.entry) if main is not None else None
    if info is None or not hits:
        return sorted({h.entry for h in hits})
    breaks = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(normalized)] + [len(normalized) + 1]

    def clause(position: int) -> tuple[int, int]:
        for lo, hi in zip(breaks, breaks[1:]):
            if lo <= position < hi:
                return lo, hi
        return 0, len(normalized) + 1

    kept = set()
    for h in hits:
        lo, hi = clause(h.start)
        moves = [e for e in events if lo <= e.start < hi
                 and lexicons.event_info[e.entry].family not in _WEAK_EVENT_FAMILIES]
        opposite = _OPPOSITE_MOVE.get(info.direction)
        if h.entry in _MOVE_BOUND_SCOPES and moves and all(lexicons.event_info[e.entry].direction == opposite for e in moves):
            continue
        kept.add(h.entry)
    return sorted(kept)


def _tense_and_modality(normalized: str, main: Hit | None, events: list[Hit], lexicons: Lexicons,
                        times: list[TimeRef]) -> tuple[str, str]:
    future_form = main is not None and any(h.entry == main.entry for h in lexicons.event_future.find(normalized))
    past_form = main is not None and any(h.entry == main.entry for h in lexicons.event_past.find(normalized))
    # a hedge governs what follows it ("I think we won't leave"); "a larger cut than analysts had
    # expected" does not hedge the cut
    mentions = [h.start for h in events if main is not None and h.entry == main.entry]
    limit = max(mentions) if mentions else len(normalized)
    # "31 May 2024": a month name is not a hedge
    busy = [(m.start(), m.end()) for t in times for m in re.finditer(re.escape(normalize_for_matching(t.text)),
                                                                     normalized)]
    hedged = any(h.start < limit and not any(s <= h.start < e for s, e in busy)
                 for h in lexicons.hedge.find(normalized))
    committed = lexicons.commitment.any(normalized)
    completed = lexicons.completed.any(normalized)
    deadline_like = any(t.role in ("deadline", "window", "until") for t in times)
    if lexicons.no_timetable.any(normalized):
        return "future", "no_timetable"
    if hedged:
        return ("future" if future_form or committed or deadline_like else "present"), "hedge"
    if future_form or (committed and not completed) or (deadline_like and (committed or not completed)
                                                          and not past_form):
        return "future", "plan"
    if past_form or completed:
        return "past", "fact"
    return "present", "assert"


def _checkworthiness(normalized: str, main: Hit | None, info, times: list[TimeRef], quantities: list[Quantity],
                     subject: str | None, lexicons: Lexicons) -> float:
    score = 0.0
    if main is not None:
        score += 0.2 if info.family in _WEAK_EVENT_FAMILIES else 0.45
    if any(t.role != "statement" for t in times):
        score += 0.2
    if quantities:
        score += 0.2
    if subject:
        score += 0.1
    if lexicons.filler.any(normalized) and not quantities and not any(
            t.role in ("deadline", "window", "until") for t in times):
        score -= 0.3
    return max(0.0, min(1.0, score))

