"""Pair features for the learned contradiction signal: embedding geometry plus lexical contrast.

The embedding part (|a−b|, a·b, cosine) says "same topic"; it cannot tell a paraphrase from its
contradiction. The lexical part looks for what annotators and reporters change to contradict a
headline — a negation on one side, an antonym pair, a swapped number, date or named thing, a hedge
against a flat statement — with vocabulary from `rules/lexicon/contrast.yaml`, so it reaches stories
the rule lexicons never saw. Every lexical feature is symmetric in (a, b).

Feature families (named so the ablation in docs/signal.md can switch each off):
  cosine, embedding (|a−b| and a·b), overlap, negation, antonym, numbers, dates, entities, hedge, diffwords
`diffwords` is the only learned vocabulary: indicators for frequent words that appear on one side
of a training pair only (its vocabulary is stored with the model).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .config import default_rules_dir
from .textnorm import normalize_for_matching as _normalize

log = logging.getLogger(__name__)

FAMILIES = ("cosine", "embedding", "overlap", "negation", "antonym", "numbers", "dates", "entities", "hedge",
            "diffwords")
# The shipped model's families: the ablation (docs/signal.md) shows the raw embedding block and the
# learned diff-word vocabulary overfit ANS topics and lower dev F1.
DEFAULT_FAMILIES = ("cosine", "overlap", "negation", "antonym", "numbers", "dates", "entities", "hedge")

_WORD = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*", re.UNICODE)
_ARABIC = re.compile(r"[\u0621-\u064a]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|[.!?:;\"]")
# Arabic proclitics: conjunction/preposition + article. Only stripped when a stem of 3+ letters remains.
_PROCLITICS = ("وبال", "وال", "بال", "كال", "فال", "لل", "ال")
_ARABIC_SUFFIX_SLACK = 2  # ارتفاع matches ارتفاعها? no: suffix of at most two letters (ها، ات، ون، ت، ا)


def normalize(text: str) -> str:
    return _normalize(text)


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    if not _ARABIC.match(word):
        return word
    for prefix in _PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix):]
    if len(word) >= 5 and word[0] in "وفبلك" and word[1:3] == "ال":
        return word[3:]
    if len(word) >= 5 and word[0] in "وف":
        return word[1:]
    return word


def tokenize(text: str, normalized: str | None = None) -> list[str]:
    """Normalised, proclitic-stripped word tokens (numbers kept whole)."""
    folded = normalize(text) if normalized is None else normalized
    return [_stem(w) for w in _WORD.findall(folded.replace("'", ""))]


# ---------------------------------------------------------------------------------------------
# lexicon


@dataclass(frozen=True)
class ContrastLexicon:
    """Folded vocabulary: each term maps to the ids it stands for in its category."""

    exact: dict[str, tuple[tuple[str, object], ...]]
    phrases: dict[str, tuple[tuple[str, object], ...]]
    antonym_names: tuple[str, ...]
    entity_categories: tuple[str, ...]
    source: str = ""
    _token_tags: dict[str, tuple[tuple[str, object], ...]] = field(default_factory=dict, compare=False,
                                                                   repr=False)

    def tags(self, tok: str) -> tuple[tuple[str, object], ...]:
        """Lexicon tags of one token (cached: news vocabulary repeats)."""
        cached = self._token_tags.get(tok)
        if cached is not None:
            return cached
        tags: tuple[tuple[str, object], ...] = self.exact.get(tok, ())
        if not tags:
            for cand, trimmed_suffix in _candidates(tok):
                hit = self.exact.get(cand)
                if hit:
                    # function words (negation, hedges) never match a longer word (بلا in البلاد)
                    tags = tuple(h for h in hit if not trimmed_suffix or h[0] in _SLACK_KINDS)
                    break
        if len(self._token_tags) > 200_000:
            self._token_tags.clear()
        self._token_tags[tok] = tags
        return tags

    def hits(self, tokens: Sequence[str]) -> list[tuple[int, tuple[str, object]]]:
        """(token position, tag) for every lexicon term found."""
        found: list[tuple[int, tuple[str, object]]] = []
        for i, tok in enumerate(tokens):
            for tag in self.tags(tok):
                found.append((i, tag))
        if self.phrases:
            for i in range(len(tokens) - 1):
                hit = self.phrases.get(tokens[i] + " " + tokens[i + 1])
                if hit:
                    found += [(i, h) for h in hit]
        return found


_SLACK_KINDS = frozenset({"antonym", "entity", "month", "contrast_markers"})


def _candidates(tok: str) -> Iterable[tuple[str, bool]]:
    """Shorter readings of an Arabic token, each with whether suffix letters were trimmed: a
    one-letter proclitic (ب، ل، ك، و، ف) off the front, and up to two letters off the end, never
    leaving fewer than three letters."""
    if not _ARABIC.match(tok):
        return
    bases = [tok]
    if tok[0] in "وفبلك" and len(tok) >= 4:
        bases.append(tok[1:])
    for base in bases:
        for cut in range(0, _ARABIC_SUFFIX_SLACK + 1):
            if len(base) - cut >= 3 and (cut or base is not tok):
                yield (base[:-cut] if cut else base), bool(cut)


def _fold_term(term: str) -> str:
    return " ".join(_stem(w) for w in _WORD.findall(normalize(str(term).replace("_", " ")).replace("'", "")))


def default_lexicon_path() -> Path:
    return default_rules_dir() / "lexicon" / "contrast.yaml"


@lru_cache(maxsize=8)
def load_lexicon(path: str | None = None) -> ContrastLexicon:
    import yaml

    from .errors import LexiconError

    lex_path = Path(path) if path else default_lexicon_path()
    try:
        # the C loader when PyYAML has it: ten times faster, and load_signal must stay under 0.5 s
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(lex_path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506 (safe loader)
    except FileNotFoundError:
        log.warning("contrast lexicon %s not found; lexical contrast features are off", lex_path)
        data = {}
    except yaml.YAMLError as exc:
        raise LexiconError(f"not valid YAML ({exc})".replace("\n", " "), path=str(lex_path)) from None

    exact: dict[str, set] = {}
    phrases: dict[str, set] = {}

    def add(term: object, tag: tuple[str, object]) -> None:
        folded = _fold_term(str(term))
        if not folded:
            return
        target = phrases if " " in folded else exact
        target.setdefault(folded, set()).add(tag)

    for key in ("negation", "contrast_markers", "hedges", "commitments"):
        for lang_terms in (data.get(key) or {}).values():
            for term in lang_terms or ():
                add(term, (key, _fold_term(str(term))))
    antonym_names = []
    for g, group in enumerate(data.get("antonyms") or ()):
        antonym_names.append(str(group.get("name", f"group{g}")))
        for side in ("a", "b"):
            for term in group.get(side) or ():
                add(term, ("antonym", (g, side)))
    categories = []
    for category, members in (data.get("entity_groups") or {}).items():
        categories.append(category)
        for m, member in enumerate(members or ()):
            for term in member:
                add(term, ("entity", (category, m)))
    for m, member in enumerate(data.get("months") or ()):
        for term in member:
            add(term, ("month", m))
    return ContrastLexicon(
        exact={k: tuple(v) for k, v in exact.items()},
        phrases={k: tuple(v) for k, v in phrases.items()},
        antonym_names=tuple(antonym_names),
        entity_categories=tuple(categories),
        source=str(lex_path),
    )


# ---------------------------------------------------------------------------------------------
# per-text analysis


@dataclass(frozen=True)
class TextFacts:
    tokens: tuple[str, ...]
    token_set: frozenset[str]
    numbers: frozenset[str]
    years: frozenset[str]
    capitalised: frozenset[str]
    negations: frozenset[str]
    markers: frozenset[str]
    hedges: frozenset[str]
    commitments: frozenset[str]
    antonym_sides: dict[int, frozenset[str]] = field(hash=False)
    entities: dict[str, frozenset[int]] = field(hash=False)
    months: frozenset[int] = frozenset()
    # (antonym group, side, word it is attached to): "الذهب يصعد مع هبوط الدولار" gives
    # (rise, ذهب) and (fall, دولار), so a text with (fall, ذهب) contradicts it even though both
    # texts contain both directions.
    directed: frozenset[tuple[int, str, str]] = frozenset()
    script: str = "none"  # "arabic", "latin" or "none": word overlap means nothing across scripts


def _script(tokens: Sequence[str]) -> str:
    arabic = sum(1 for t in tokens if _ARABIC.match(t))
    latin = sum(1 for t in tokens if t[:1].isascii() and t[:1].isalpha())
    if not arabic and not latin:
        return "none"
    return "arabic" if arabic >= latin else "latin"


def _number_key(raw: str) -> str:
    cleaned = raw.replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        return raw
    return f"{value:g}"


def _capitalised(text: str) -> frozenset[str]:
    """English names: capitalised words that do not open a sentence (a headline's first word is
    capitalised anyway), lowercased for comparison."""
    names: set[str] = set()
    sentence_start = True
    for tok in _LATIN_TOKEN.findall(text):
        if tok in ".!?:;\"":
            sentence_start = True
            continue
        if not sentence_start and (tok[0].isupper() or (len(tok) > 1 and tok.isupper())):
            names.add(tok.lower())
        sentence_start = False
    return frozenset(names)


# Words that end the phrase an antonym attaches to ("gold rises *as* the dollar falls").
_BOUNDARIES = frozenset("""مع وسط بعد رغم برغم بسبب جراء اثر عقب بفعل تزامنا امام مقابل بينما فيما حين لكن
    as amid after despite while with because following but against versus vs""".split())
_FUNCTION_WORDS = frozenset("""في من علي على الي الى عن الذي التي ان انه هذا هذه ذلك تلك او ثم قد كل بين حول
    خلال منذ لدي عند يوم له لها لهم به بها هو هي هم
    the a an of to in on at for by from is are was were be been has have had its it this that
    and or new one two three four five six seven eight nine ten""".split())
_ATTACH_SCAN = 4  # tokens looked at on each side of an antonym for the word it is about


def _directed(tokens: Sequence[str], antonym_at: dict[int, list[tuple[int, str]]]) -> frozenset:
    """Attach each antonym to the first content word after it (Arabic masdar + genitive, VSO:
    "هبوط الذهب", "يصعد الذهب"); only when none follows within the clause, to the one before it
    (SVO and English: "الذهب يصعد مع ...", "gold rises as ...")."""
    out: set[tuple[int, str, str]] = set()
    for pos, values in antonym_at.items():
        word = _first_content(tokens, antonym_at, pos, 1) or _first_content(tokens, antonym_at, pos, -1)
        if word:
            for group, side in values:
                out.add((group, side, word))
    return frozenset(out)


def _first_content(tokens: Sequence[str], antonym_at: dict, pos: int, step: int) -> str | None:
    for k in range(1, _ATTACH_SCAN + 1):
        j = pos + step * k
        if j < 0 or j >= len(tokens) or j in antonym_at or tokens[j] in _BOUNDARIES:
            return None
        if tokens[j] not in _FUNCTION_WORDS and not tokens[j][0].isdigit():
            return tokens[j]
    return None


def analyse(text: str, lexicon: ContrastLexicon) -> TextFacts:
    folded = normalize(text)
    tokens = tokenize(text, folded)
    hits = lexicon.hits(tokens)
    numbers, years = set(), set()
    for raw in _NUMBER.findall(folded):
        key = _number_key(raw)
        if re.fullmatch(r"(19|20)\d\d", key):
            years.add(key)
        else:
            numbers.add(key)
    sides: dict[int, set[str]] = {}
    entities: dict[str, set[int]] = {}
    buckets: dict[str, set] = {"negation": set(), "contrast_markers": set(), "hedges": set(),
                               "commitments": set(), "month": set()}
    antonym_at: dict[int, list[tuple[int, str]]] = {}
    for pos, (kind, value) in hits:
        if kind == "antonym":
            sides.setdefault(value[0], set()).add(value[1])
            antonym_at.setdefault(pos, []).append(value)
        elif kind == "entity":
            entities.setdefault(value[0], set()).add(value[1])
        else:
            buckets[kind].add(value)
    return TextFacts(
        script=_script(tokens),
        tokens=tuple(tokens),
        token_set=frozenset(tokens),
        numbers=frozenset(numbers),
        years=frozenset(years),
        capitalised=_capitalised(text),
        negations=frozenset(buckets["negation"]),
        markers=frozenset(buckets["contrast_markers"]),
        hedges=frozenset(buckets["hedges"]),
        commitments=frozenset(buckets["commitments"]),
        antonym_sides={k: frozenset(v) for k, v in sides.items()},
        directed=_directed(tokens, antonym_at),
        entities={k: frozenset(v) for k, v in entities.items()},
        months=frozenset(buckets["month"]),
    )


# ---------------------------------------------------------------------------------------------
# pair features

LEXICAL_NAMES: dict[str, tuple[str, ...]] = {
    "overlap": ("jaccard", "novel_min_frac", "novel_max_frac", "novel_min", "novel_max", "len_ratio",
                "char3_jaccard", "content_jaccard", "unmatched_min", "unmatched_max"),
    "negation": ("negation_one_side", "negation_count_diff", "marker_one_side", "marker_count_diff"),
    "antonym": ("antonym_contrast", "antonym_crossed", "antonym_one_side", "direction_conflict",
                "direction_shared"),
    "numbers": ("numbers_disjoint", "numbers_partial", "numbers_one_side"),
    "dates": ("years_disjoint", "years_one_side", "months_disjoint"),
    "entities": ("entity_swap", "entity_one_side", "capitalised_swap", "capitalised_one_side"),
    "hedge": ("hedge_one_side", "hedge_vs_commitment"),
}


_CROSS_LANGUAGE_NOISE = frozenset({"antonym_one_side", "numbers_one_side", "years_one_side", "entity_one_side",
                                   "capitalised_swap", "capitalised_one_side"})


def _char3(tokens: Sequence[str]) -> set[str]:
    s = " " + " ".join(tokens) + " "
    return {s[i:i + 3] for i in range(len(s) - 2)}


def _jaccard(x: frozenset | set, y: frozenset | set) -> float:
    return len(x & y) / max(len(x | y), 1)


def _variant(u: str, v: str) -> bool:
    """Same stem by a crude test: a shared prefix of 4+ letters (3 for short words), or one word
    contains the other."""
    if u in v or v in u:
        return min(len(u), len(v)) >= 3
    k = 0
    for cu, cv in zip(u, v):
        if cu != cv:
            break
        k += 1
    return k >= min(4, min(len(u), len(v)))


def _one_side(x: frozenset | set, y: frozenset | set) -> float:
    return float(bool(x) != bool(y))


def lexical_values(fa: TextFacts, fb: TextFacts) -> dict[str, list[float]]:
    """Symmetric lexical features per family (values in LEXICAL_NAMES order)."""
    only_a = fa.token_set - fb.token_set
    only_b = fb.token_set - fa.token_set
    union = fa.token_set | fb.token_set
    na, nb = max(len(fa.token_set), 1), max(len(fb.token_set), 1)
    ca, cb = _char3(fa.tokens), _char3(fb.tokens)
    # novel words with no spelling/morphological variant on the other side (إيراني ~ إيران, اتفاق ~
    # اتفاقية): what is left is a real substitution or addition
    unmatched_a = [w for w in only_a - _FUNCTION_WORDS if not any(_variant(w, v) for v in only_b)]
    unmatched_b = [w for w in only_b - _FUNCTION_WORDS if not any(_variant(w, v) for v in only_a)]
    out: dict[str, list[float]] = {}
    out["overlap"] = [
        len(fa.token_set & fb.token_set) / max(len(union), 1),
        min(len(only_a) / na, len(only_b) / nb),
        max(len(only_a) / na, len(only_b) / nb),
        float(min(len(only_a), len(only_b))),
        float(max(len(only_a), len(only_b))),
        min(na, nb) / max(na, nb),
        len(ca & cb) / max(len(ca | cb), 1),
        _jaccard(fa.token_set - _FUNCTION_WORDS, fb.token_set - _FUNCTION_WORDS),
        float(min(len(unmatched_a), len(unmatched_b))),
        float(max(len(unmatched_a), len(unmatched_b))),
    ]
    out["negation"] = [
        _one_side(fa.negations, fb.negations),
        float(abs(len(fa.negations) - len(fb.negations))),
        _one_side(fa.markers, fb.markers),
        float(abs(len(fa.markers) - len(fb.markers))),
    ]
    contrast, crossed, one_side = _antonym_contrasts(fa, fb)
    conflicts, shared = _direction_contrasts(fa, fb)
    out["antonym"] = [float(len(contrast)), float(len(crossed)), float(one_side), float(len(conflicts)),
                      float(len(shared))]
    out["numbers"] = [
        float(bool(fa.numbers) and bool(fb.numbers) and not (fa.numbers & fb.numbers)),
        float(bool(fa.numbers & fb.numbers) and fa.numbers != fb.numbers),
        _one_side(fa.numbers, fb.numbers),
    ]
    out["dates"] = [
        float(bool(fa.years) and bool(fb.years) and not (fa.years & fb.years)),
        _one_side(fa.years, fb.years),
        float(bool(fa.months) and bool(fb.months) and not (fa.months & fb.months)),
    ]
    swaps, single = _entity_contrasts(fa, fb)
    caps_a = fa.capitalised - fb.token_set - fb.capitalised
    caps_b = fb.capitalised - fa.token_set - fa.capitalised
    out["entities"] = [
        float(len(swaps)),
        float(single),
        float(min(len(caps_a), len(caps_b))),
        float(max(len(caps_a), len(caps_b))),
    ]
    out["hedge"] = [
        _one_side(fa.hedges, fb.hedges),
        float((bool(fa.hedges) and not fb.hedges and bool(fb.commitments))
              or (bool(fb.hedges) and not fa.hedges and bool(fa.commitments))),
    ]
    return out


def _antonym_contrasts(fa: TextFacts, fb: TextFacts) -> tuple[list[int], list[int], int]:
    """Groups whose sides differ between the texts ("calm" vs "calm after clashes" counts), the
    stricter subset where each text has a side the other lacks, and groups on one text only."""
    contrast, crossed, one_side = [], [], 0
    for g in set(fa.antonym_sides) | set(fb.antonym_sides):
        sa = fa.antonym_sides.get(g, frozenset())
        sb = fb.antonym_sides.get(g, frozenset())
        if sa and sb:
            if sa != sb:
                contrast.append(g)
                if (sa - sb) and (sb - sa):
                    crossed.append(g)
        else:
            one_side += 1
    return sorted(contrast), sorted(crossed), one_side


def _direction_contrasts(fa: TextFacts, fb: TextFacts) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(group, word) pairs whose direction differs between the texts, and those that agree."""
    sides_a: dict[tuple[int, str], set[str]] = {}
    sides_b: dict[tuple[int, str], set[str]] = {}
    for g, side, word in fa.directed:
        sides_a.setdefault((g, word), set()).add(side)
    for g, side, word in fb.directed:
        sides_b.setdefault((g, word), set()).add(side)
    conflicts, shared = [], []
    for key in sides_a.keys() & sides_b.keys():
        if sides_a[key] == sides_b[key]:
            shared.append(key)
        elif (sides_a[key] - sides_b[key]) and (sides_b[key] - sides_a[key]):
            conflicts.append(key)
    return sorted(conflicts), sorted(shared)


def _entity_contrasts(fa: TextFacts, fb: TextFacts) -> tuple[list[tuple[str, int, int]], int]:
    swaps, single = [], 0
    for cat in set(fa.entities) | set(fb.entities):
        ea = fa.entities.get(cat, frozenset())
        eb = fb.entities.get(cat, frozenset())
        if ea and eb:
            if (ea - eb) and (eb - ea):
                swaps.append((cat, min(ea - eb), min(eb - ea)))
        else:
            single += len(ea ^ eb)
    return swaps, single


def diffword_vocabulary(pairs_tokens: Iterable[tuple[frozenset[str], frozenset[str]]], min_count: int,
                        max_size: int) -> list[str]:
    """Words that appear on one side only of at least `min_count` training pairs."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for ta, tb in pairs_tokens:
        counts.update(w for w in ta ^ tb if not w.isdigit())
    ranked = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return ranked[:max_size]


@dataclass
class FeatureBuilder:
    """Turns (texts, vectors) into the model's feature matrix, for a chosen set of families."""

    families: tuple[str, ...]
    lexicon: ContrastLexicon
    diff_vocab: tuple[str, ...] = ()
    # Overlap features of an Arabic–English pair are zero whatever they say (no shared words), and
    # training has no such pairs; they get these values instead — the training paraphrases' mean —
    # so language-independent evidence (numbers, dates, bilingual antonym and entity groups,
    # negation, cosine) decides.
    cross_language_overlap: tuple[float, ...] = ()
    _facts: dict[str, TextFacts] = field(default_factory=dict, repr=False)

    def facts(self, text: str) -> TextFacts:
        hit = self._facts.get(text)
        if hit is None:
            if len(self._facts) > 50_000:
                self._facts.clear()
            hit = self._facts[text] = analyse(text, self.lexicon)
        return hit

    def names(self, dim: int) -> list[str]:
        """Column names, in the order `build` lays the blocks out."""
        names: list[str] = []
        if "cosine" in self.families:
            names.append("cosine")
        if "embedding" in self.families:
            names += [f"absdiff_{i}" for i in range(dim)] + [f"prod_{i}" for i in range(dim)]
        for fam in self.families:
            if fam in LEXICAL_NAMES:
                names += list(LEXICAL_NAMES[fam])
        if "diffwords" in self.families and self.diff_vocab:
            names += [f"diff:{w}" for w in self.diff_vocab]
        return names

    def build(self, texts_a: Sequence[str], texts_b: Sequence[str], vecs_a: np.ndarray,
              vecs_b: np.ndarray) -> np.ndarray:
        va = np.asarray(vecs_a, dtype=np.float32)
        vb = np.asarray(vecs_b, dtype=np.float32)
        n = len(texts_a)
        blocks: list[np.ndarray] = []
        lexical_fams = [f for f in self.families if f in LEXICAL_NAMES]
        if "cosine" in self.families:
            blocks.append(np.einsum("ij,ij->i", va, vb)[:, None])
        if "embedding" in self.families:
            blocks += [np.abs(va - vb), va * vb]
        if lexical_fams:
            width = sum(len(LEXICAL_NAMES[f]) for f in lexical_fams)
            lex = np.zeros((n, width), dtype=np.float32)
            for i, (ta, tb) in enumerate(zip(texts_a, texts_b)):
                values = lexical_values(self.facts(ta), self.facts(tb))
                row: list[float] = []
                for fam in lexical_fams:
                    row += values[fam]
                lex[i] = row
            if "overlap" in lexical_fams and self.cross_language_overlap:
                # "on one side only" features count lexicon hits the other language's side may
                # simply lack words for (a dateline year, "nearly a decade" vs "تسع سنوات", capitals):
                # across languages they are noise, so they are zeroed
                columns = [name for fam in lexical_fams for name in LEXICAL_NAMES[fam]]
                one_sided = [k for k, name in enumerate(columns) if name in _CROSS_LANGUAGE_NOISE]
                start = sum(len(LEXICAL_NAMES[f]) for f in lexical_fams[:lexical_fams.index("overlap")])
                width_overlap = len(LEXICAL_NAMES["overlap"])
                for i, (ta, tb) in enumerate(zip(texts_a, texts_b)):
                    sa, sb = self.facts(ta).script, self.facts(tb).script
                    if sa != sb and "none" not in (sa, sb):
                        lex[i, start:start + width_overlap] = self.cross_language_overlap
                        lex[i, one_sided] = 0.0
            blocks.append(lex)
        if "diffwords" in self.families and self.diff_vocab:
            index = {w: j for j, w in enumerate(self.diff_vocab)}
            diff = np.zeros((n, len(self.diff_vocab)), dtype=np.float32)
            for i, (ta, tb) in enumerate(zip(texts_a, texts_b)):
                for w in self.facts(ta).token_set ^ self.facts(tb).token_set:
                    j = index.get(w)
                    if j is not None:
                        diff[i, j] = 1.0
            blocks.append(diff)
        if not blocks:
            return np.zeros((n, 0), dtype=np.float32)
        return np.hstack(blocks).astype(np.float32, copy=False)

    def explain(self, text_a: str, text_b: str) -> list[str]:
        """Which lexical contrast features fire for this pair, in words."""
        fa, fb = self.facts(text_a), self.facts(text_b)
        out: list[str] = []
        if bool(fa.negations) != bool(fb.negations):
            words = sorted(fa.negations or fb.negations)
            out.append(f"negation on one side ({', '.join(words)})")
        markers = fa.markers ^ fb.markers
        if markers:
            out.append(f"contrast word on one side ({', '.join(sorted(markers))})")
        contrast, _, _ = _antonym_contrasts(fa, fb)
        for g in contrast:
            out.append(f"antonym {self.lexicon.antonym_names[g]}")
        for g, word in _direction_contrasts(fa, fb)[0]:
            out.append(f"opposite direction for '{word}' ({self.lexicon.antonym_names[g]})")
        if fa.numbers and fb.numbers and fa.numbers != fb.numbers:
            out.append(f"numbers differ {' '.join(sorted(fa.numbers))} vs {' '.join(sorted(fb.numbers))}")
        if fa.years and fb.years and not (fa.years & fb.years):
            out.append(f"years differ {' '.join(sorted(fa.years))} vs {' '.join(sorted(fb.years))}")
        if fa.months and fb.months and not (fa.months & fb.months):
            out.append("months differ")
        for cat, _, _ in _entity_contrasts(fa, fb)[0]:
            out.append(f"different {cat} named")
        caps_a = fa.capitalised - fb.token_set - fb.capitalised
        caps_b = fb.capitalised - fa.token_set - fa.capitalised
        if caps_a and caps_b:
            out.append(f"names differ {', '.join(sorted(caps_a))} vs {', '.join(sorted(caps_b))}")
        if bool(fa.hedges) != bool(fb.hedges):
            hedged = sorted(fa.hedges or fb.hedges)
            out.append(f"hedge on one side ({', '.join(hedged)})")
        return out
