"""Segment: a Source's text -> Sentences with exact character offsets into `Source.text`.

spaCy's blank pipeline + sentencizer does the splitting (it knows `. ! ? ؟`, keeps decimals and
abbreviations such as "د." or "U.S." whole). Around it:
- line breaks are hard boundaries (the sentencizer ignores them, so headlines would merge into the
  first sentence): each line is segmented on its own;
- the sentencizer misses a boundary when a quote and a full stop share a token (`قريبا".`, `no".`),
  and it leaves an opening quote at the end of the previous sentence (`left. "We`): both fixed;
- ".." (Arabic headlines' separator) splits two statements of five words or more
  (`البلاد.. "الكاظمى" يؤكد …`) but not a tail phrase (`النفط يرتفع.. مع انخفاض المخزونات`);
  "..." and "…" are pauses;
- a short quotation stays whole (`قال: "A. B."` is one sentence, so the speaker stays with it);
- commas (، ,) and semicolons (؛ ;) never split, so comma-chained Arabic sentences stay whole.
"""
from __future__ import annotations

import functools
import re
from typing import Any

from .model import Sentence, Source
from .textnorm import normalize_for_matching

MIN_SEPARATED_WORDS = 5  # words on each side of a ".." for it to separate two sentences
MAX_PROTECTED_QUOTE = 400  # chars: a longer "quotation" is more likely a stray quote mark
_SPACY_LANGS = {"ar", "en", "fr", "de", "es", "it", "fa", "ur", "tr"}
_OPENERS = {"«": "»", "“": "”", "„": "”"}
_WORDCHAR = re.compile(r"\w")
_DOTS = re.compile(r"^\.\.$")  # the ".." separator of Arabic headlines; "..." and "…" are pauses
_NOT_A_START = set(".,،;؛:!?؟…)]»”’")
_GLUED_END = re.compile(r"\w(?:[\"'”’»)]+[.!?؟…]+|[.!?؟…]+[\"'”’»)]+)[\"'”’».!?؟…)]*$")


@functools.lru_cache(maxsize=None)
def _nlp(language: str) -> Any:
    import spacy

    nlp = spacy.blank(language if language in _SPACY_LANGS else "xx")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 50_000_000  # one line per call and no parser: long scraped lines are cheap
    return nlp


def _quote_spans(line: str) -> list[tuple[int, int]]:
    """Character spans (open, close) of balanced, short quotations in a line."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    straight_open: int | None = None
    for i, ch in enumerate(line):
        if ch in _OPENERS:
            stack.append((_OPENERS[ch], i))
        elif stack and ch == stack[-1][0]:
            _, start = stack.pop()
            spans.append((start, i))
        elif ch == '"':
            if straight_open is None:
                straight_open = i
            else:
                spans.append((straight_open, i))
                straight_open = None
    return [(a, b) for a, b in spans if b - a <= MAX_PROTECTED_QUOTE]


def _words(tokens: Any) -> int:
    return sum(1 for t in tokens if _WORDCHAR.search(t.text))


def _boundaries(doc: Any, line: str, english_like: bool) -> list[int]:
    """Token indices where a sentence starts."""
    starts = {sent.start for sent in doc.sents}
    tokens = list(doc)
    separators = []
    for i, tok in enumerate(tokens[:-1]):
        text = tok.text
        nxt = tokens[i + 1].text
        if english_like and nxt[:1].islower():
            continue
        if _DOTS.match(text) and nxt[0] not in _NOT_A_START:
            separators.append(i)
        elif _GLUED_END.search(text):
            starts.add(i + 1)  # `قريبا".` — quote and full stop glued to the word
    # ".." joins a headline's parts: a boundary only between two statements, not before a tail
    # phrase ("النفط يرتفع.. مع انخفاض المخزونات")
    cuts = sorted(starts | {i + 1 for i in separators} | {len(tokens)})
    for i in separators:
        before = max(c for c in cuts if c <= i)
        after = min(c for c in cuts if c > i + 1)
        if _words(tokens[before:i]) >= MIN_SEPARATED_WORDS and _words(tokens[i + 1:after]) >= MIN_SEPARATED_WORDS:
            starts.add(i + 1)
    protected = _quote_spans(line)
    openers = {a for a, _ in protected} | {i for i, ch in enumerate(line) if ch in _OPENERS}
    # the sentencizer leaves an opening quote at the end of the previous sentence (`left. "We`)
    starts = {s - 1 if s > 0 and tokens[s - 1].idx in openers and len(tokens[s - 1]) == 1 else s for s in starts}
    if protected:
        starts = {s for s in starts if s == 0 or not any(a < tokens[s].idx < b for a, b in protected)}
    starts.add(0)
    return sorted(starts)


def segment(source: Source) -> list[Sentence]:
    """Sentences of `source.text`; `text[start:end] == sentence.text` always holds."""
    text = source.text
    lines: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((offset, line))
        offset += len(line) + 1
    if not lines:
        return []
    nlp = _nlp(source.language)
    english_like = source.language not in ("ar", "fa", "ur")
    sentences: list[Sentence] = []
    for (line_start, line), doc in zip(lines, nlp.pipe(line for _, line in lines)):
        tokens = list(doc)
        if not tokens:
            continue
        starts = _boundaries(doc, line, english_like)
        for k, first in enumerate(starts):
            last = (starts[k + 1] if k + 1 < len(starts) else len(tokens)) - 1
            if last < first:
                continue
            start = tokens[first].idx
            end = tokens[last].idx + len(tokens[last].text)
            piece = line[start:end]
            if not _WORDCHAR.search(piece):
                continue  # a lone separator or bullet
            sentences.append(Sentence(
                source_id=source.id,
                index=len(sentences),
                start=line_start + start,
                end=line_start + end,
                text=piece,
                normalized=normalize_for_matching(piece),
            ))
    return sentences
