"""Ingest: files and folders of articles -> `Source` records, boilerplate removed.

Inputs are `.txt`, `.html`/`.htm` and `.jsonl` (one article per line), found recursively in sorted
order, with an optional `sources.yaml` manifest per folder (docs/manifest.md). A bad article is a
one-line warning and is skipped; a bad manifest or a corpus with nothing readable is fatal
(`ManifestError`, `NothingReadableError`, exit 2).

Plain-text scrapes carry page furniture (menus, trending lists, share bars, crawl stamps). A line
classifier keeps the article: it finds the main block of sentence-like lines, keeps the headline(s)
right above it when they share words with it, and drops navigation, lists of unrelated headlines
and lines matched by the boilerplate lexicon (rules/lexicon/boilerplate.yaml).
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Literal, Sequence

import yaml

from .config import default_rules_dir
from .errors import BadArticle, ManifestError, NothingReadableError
from .model import Source
from .textnorm import detect_language, normalize_for_matching, to_ascii_digits

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
MANIFEST_NAME = "sources.yaml"
MANIFEST_KEYS = {"file", "outlet", "url", "published", "language", "notes", "origin"}
JSONL_KEYS = {"text", "html", "url", "outlet", "published", "language", "id", "notes", "origin"}


# --------------------------------------------------------------------------------------------
# records


@dataclass(frozen=True)
class IngestResult:
    sources: tuple[Source, ...]
    root: Path | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class CleanedText:
    text: str  # kept lines joined by "\n"
    line_map: tuple[int, ...]  # 1-based line in the input of each kept line (for HTML: of the extracted text)
    kept: int
    dropped: int  # non-blank lines dropped as boilerplate
    date_line: str | None = None  # a date-only line between the headline and the article (dropped)


@dataclass(frozen=True)
class ManifestEntry:
    file: str
    line: int
    fields: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# boilerplate lexicon and line features


@dataclass(frozen=True)
class _Lexicon:
    list_start: re.Pattern[str]  # the phrase anywhere in the line, as whole words
    inline: re.Pattern[str]  # the line starts with the phrase
    share: re.Pattern[str]
    furniture_words: frozenset[str]
    furniture_phrases: frozenset[str]
    byline: re.Pattern[str]
    credit_outlets: dict[str, str]  # normalised spelling -> outlet name
    credit_generic: frozenset[str]


def _phrase_rx(phrases: Sequence[str], at_start: bool = False) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True)) or "(?!)"
    if at_start:
        return re.compile(r"^(?:" + alternatives + r")")
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)")


@functools.lru_cache(maxsize=4)
def load_boilerplate_lexicon(path: str | None = None) -> _Lexicon:
    from .errors import LexiconError

    lex_path = Path(path) if path else default_rules_dir() / "lexicon" / "boilerplate.yaml"
    try:
        data = yaml.safe_load(lex_path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise LexiconError("boilerplate lexicon not found", path=str(lex_path),
                           hint="restore rules/lexicon/boilerplate.yaml from the repository") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LexiconError(f"not valid YAML ({getattr(exc, 'problem', exc)})", path=str(lex_path),
                           line=mark.line + 1 if mark else None) from None
    known = {"list_start", "inline", "share", "furniture", "byline", "credit_outlets", "credit_generic"}
    if not isinstance(data, dict) or set(data) - known:
        raise LexiconError(f"expected the keys {sorted(known)}", path=str(lex_path))

    def norm_list(key: str) -> tuple[str, ...]:
        values = data.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise LexiconError(f"'{key}' must be a list of strings", path=str(lex_path))
        return tuple(normalize_for_matching(v) for v in values)

    furniture = norm_list("furniture")
    outlets = data.get("credit_outlets") or {}
    if not isinstance(outlets, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in outlets.items()):
        raise LexiconError("'credit_outlets' must map spellings to outlet names", path=str(lex_path))
    return _Lexicon(
        list_start=_phrase_rx(norm_list("list_start")),
        inline=_phrase_rx(norm_list("inline"), at_start=True),
        share=_phrase_rx(norm_list("share")),
        furniture_words=frozenset(w for p in furniture for w in p.split()),
        furniture_phrases=frozenset(furniture),
        byline=re.compile(r"^(?:" + "|".join(re.escape(p) for p in norm_list("byline")) + r") "),
        credit_outlets={normalize_for_matching(k): v for k, v in outlets.items()},
        credit_generic=frozenset(norm_list("credit_generic")),
    )


_BULLET = re.compile(r"^[\s\u00a0]*[•·▪►◄◆■□●○\-–—*»›]+[\s\u00a0]*")
_SENTENCE_END = re.compile(r"[.!?؟…。]+[\"'”’»)\]]*$|[\"'”’»)\]]+[.!?؟…]+$")
_COMMA = re.compile(r"[,،]")
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و")
_STOPWORDS = frozenset(normalize_for_matching(w) for w in (
    "في من على إلى عن مع أن إن التي الذي الذين هذا هذه ذلك تلك كان كانت قد لم لن ما بين بعد قبل عند "
    "حتى خلال أو ثم كما لا هو هي هم the and for that with from this was were are has have had will "
    "would been into its their his her not but about after before over").split())


def _content_tokens(norm: str) -> set[str]:
    """Rough stems (Arabic clitics off) of the meaningful words, for word overlap between lines."""
    out = set()
    for w in _WORD.findall(norm):
        if w in _STOPWORDS or w.isdigit():
            continue
        if w.endswith(("'s", "’s")):
            w = w[:-2]
        for p in _PREFIXES:
            if w.startswith(p) and len(w) - len(p) >= 3:
                w = w[len(p):]
                break
        if len(w) >= 3:
            out.add(w)
    return out


@dataclass
class _Line:
    number: int  # 1-based in the input
    raw: str
    text: str  # stripped of bullets, spaces and trailing separators
    norm: str
    words: int
    bullet: bool
    ends_sentence: bool
    comma: bool
    kind: str = ""  # lexicon class or structural class that fired
    keep: bool = False
    _tokens: set[str] | None = None

    @property
    def tokens(self) -> set[str]:
        if self._tokens is None:
            self._tokens = _content_tokens(self.norm)
        return self._tokens


def _line_features(number: int, raw: str, lex: _Lexicon) -> _Line:
    bullet_match = _BULLET.match(raw)
    bullet = bool(bullet_match and bullet_match.group().strip(" \t\u00a0-–—"))  # a dash alone is not a bullet
    text = raw[bullet_match.end():] if bullet_match else raw
    text = text.strip(" \t\u00a0\u200f\u200e|")
    norm = normalize_for_matching(text)
    words = len(_WORD.findall(norm))
    line = _Line(number, raw, text, norm, words, bullet, bool(_SENTENCE_END.search(text)), bool(_COMMA.search(text)))
    line.kind = _lexicon_kind(line, lex)
    return line


def _lexicon_kind(line: _Line, lex: _Lexicon) -> str:
    norm, words = line.norm, line.words
    if not norm:
        return "blank"
    if words <= 6 and not line.ends_sentence and lex.list_start.search(norm):
        return "list_start"
    if words <= 20 and lex.inline.match(norm):
        return "inline"
    if words <= 4 and lex.share.search(norm):
        return "share"
    tokens = _WORD.findall(norm)
    if norm in lex.furniture_phrases or (
        words <= 5 and tokens and sum(t in lex.furniture_words for t in tokens) * 2 >= len(tokens)
    ):
        return "furniture"
    if words <= 5 and not line.ends_sentence and lex.byline.match(norm):
        return "byline"
    if "|" in line.text:
        segments = [s for s in line.text.split("|") if s.strip()]
        if len(segments) >= 2 and all(len(_WORD.findall(s)) <= 4 for s in segments):
            return "navigation"
    if _is_date_stamp(line.text):
        return "date_stamp"
    return ""


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# What follows a dateline's place: an optional country or state ("BEIRUT, Lebanon, Oct. 5, 2024"), then the
# day first ("3 March 2021") or the month first ("December 3, 2024", "Sept 22", "Dec. 22").
_DATELINE_DATE = re.compile(
    r"^(?:[A-Z][a-z]+(?: [A-Z][a-z]+)?\.?,\s*)?\(?\s*(?P<date>\d{1,2}\b|[A-Za-z]{3,9}\.?\s+\d{1,2}\b)")
# a place's letters are Arabic letters, not Arabic-Indic digits (U+0660-0669), so a place never runs into its date
_DATELINE_HEAD = re.compile(
    r"^\s*(?:(?P<latin>[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ.'’\- ]{1,30}?)\s*,|(?P<arabic>[\u0600-\u065F\u066A-\u06FF][\u0600-\u065F\u066A-\u06FF ]{1,30}?)\s+[-–—]|"
    r"(?P<arabic_comma>[\u0600-\u065F\u066A-\u06FF][\u0600-\u065F\u066A-\u06FF ]{1,30}?)\s*[،,]|"
    # "أبيدجان في 1 جانفي 2025 -": the place, في, the date, then a dash, an agency or the end of the line
    r"(?P<arabic_fi>[\u0600-\u065F\u066A-\u06FF][\u0600-\u065F\u066A-\u06FF ]{1,30}?)\s+في(?=\s+[\d\u0660-\u0669]{1,2}\s+\S+\s+"
    r"[\d\u0660-\u0669]{4}\s*(?:\([^)\n]{1,25}\)\s*)?(?:[-–—:]|$)))\s*"
)


@functools.lru_cache(maxsize=1)
def _weekday_words() -> frozenset[str]:
    """Weekday names from the time lexicon (rules/lexicon/time.yaml), normalised."""
    try:
        data = yaml.safe_load((default_rules_dir() / "lexicon" / "time.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return frozenset()
    names = data.get("weekdays") or {}
    return frozenset(normalize_for_matching(str(w)) for words in names.values() for w in (words or []))


def _is_date_stamp(text: str) -> bool:
    """A short line that is only a date (weekday, day, month, year, clock): a crawl or page stamp,
    unless it is a dateline ("PARIS, 17 February 2022 —", "طرابلس - 10 أيلول 2021")."""
    ascii_text = to_ascii_digits(text)
    if not _YEAR.search(ascii_text) or _dateline_match(text):
        return False
    words = _WORD.findall(ascii_text)
    letters = [w for w in words if not w.isdigit()]
    return len(words) <= 7 and len(letters) <= 3 and any(w.isdigit() and len(w) <= 2 for w in words)


def _dateline_match(text: str) -> re.Match[str] | None:
    """The place prefix of a dateline, when the line has that shape and a year soon after it."""
    m = _DATELINE_HEAD.match(text)
    if not m:
        return None
    rest = to_ascii_digits(text[m.end():m.end() + 50])
    if not _DATELINE_DATE.match(rest) or not _YEAR.search(rest):
        return None
    place = (m.group("latin") or m.group("arabic") or m.group("arabic_comma") or m.group("arabic_fi") or "").strip()
    if normalize_for_matching(place) in _weekday_words():
        return None  # "Monday, 09 February 2026", "الثلاثاء، 16 ديسمبر 2025": a page stamp, not a place
    if (m.group("arabic_comma") or m.group("arabic_fi")) and len(place.split()) > 2:
        return None
    if len(place.split()) > 3:
        return None
    return m


# --------------------------------------------------------------------------------------------
# line classifier


def _is_content(line: _Line) -> bool:
    """A sentence-like paragraph line: long enough, and ends like a sentence or is comma-chained."""
    if line.kind:
        return False
    return line.words >= 8 and (line.ends_sentence or (line.comma and line.words >= 12))


def _overlap(line: _Line, body_tokens: set[str]) -> float:
    tokens = line.tokens
    if not tokens:
        return 0.0
    return len(tokens & body_tokens) / len(tokens)


def classify_lines(lines: Sequence[str], lex: _Lexicon | None = None) -> list[_Line]:
    """Mark each input line keep/drop. Works on structure (length, punctuation, position relative to
    the main block, duplication, word overlap with the article), not on site-specific strings."""
    lex = lex or load_boilerplate_lexicon()
    info = [_line_features(i + 1, raw, lex) for i, raw in enumerate(lines)]
    nonblank = [ln for ln in info if ln.kind != "blank"]
    if not nonblank:
        return info
    content_idx = [i for i, ln in enumerate(nonblank) if _is_content(ln)]
    if not content_idx:
        # no paragraph at all (a headline-only article, a one-line jsonl text): keep what is not furniture
        for ln in nonblank:
            ln.keep = ln.kind in ("", "byline", "dateline")
        return info

    body_start, body_end = _main_block(nonblank, content_idx)
    body_tokens: set[str] = set()
    for ln in nonblank[body_start:body_end + 1]:
        if _is_content(ln):
            body_tokens |= ln.tokens
    list_items = {ln.norm for ln in nonblank if ln.bullet and not ln.kind}

    def headline_like(ln: _Line) -> bool:
        return (not ln.kind and not ln.bullet and ln.words >= 4 and ln.norm not in list_items)

    # header: only headlines (and a standfirst) just above the article that share its words, and a dateline
    header_kept = 0
    for ln in reversed(nonblank[:body_start]):
        if _dateline_match(ln.text):
            ln.keep, ln.kind = True, "dateline"
        elif _is_content(ln):
            ln.keep = _overlap(ln, body_tokens) >= 0.5
            ln.kind = "" if ln.keep else "other_block"
        elif headline_like(ln) and header_kept < 3 and _overlap(ln, body_tokens) >= 0.25:
            ln.keep = True
            header_kept += 1
        elif not ln.kind:
            ln.kind = "header"
    # a date-only line under the headline is the page's own date; above it, a crawl stamp
    first_kept = next((i for i, ln in enumerate(nonblank[:body_start]) if ln.keep), None)
    if first_kept is not None:
        for ln in nonblank[first_kept + 1:body_start]:
            if ln.kind == "date_stamp":
                ln.kind = "page_date"
    # body: everything but furniture and runs of link-like lines (a "read also" block without a title)
    body = nonblank[body_start:body_end + 1]
    for ln in body:
        if _dateline_match(ln.text) and not ln.kind:
            ln.kind = "dateline"
        ln.keep = ln.kind in ("", "dateline") and (ln.words >= 2 or ln.ends_sentence)
        if not ln.keep and not ln.kind:
            ln.kind = "fragment"
    for run in _link_runs(body, body_tokens):
        for ln in run:
            ln.keep, ln.kind = False, "link_list"
    # tail: a closing line that belongs to the article; lists of other headlines do not
    # (a short last sentence right after the article belongs to it; after a dropped line, only
    # lines that share the article's words do)
    in_list = False
    adjacent = True
    for ln in nonblank[body_end + 1:]:
        if ln.kind == "list_start":
            in_list = True
        if ln.kind:
            adjacent = False
            continue
        overlap = _overlap(ln, body_tokens)
        sentence = ln.ends_sentence and ln.words >= 4
        belongs = (sentence and (adjacent or overlap >= 0.2)) or (ln.words >= 3 and overlap >= 0.5)
        ln.keep = belongs and not in_list
        if not ln.keep:
            ln.kind = "after_article"
            adjacent = False
    # a repeated line (title printed twice) is kept once
    seen: set[str] = set()
    for ln in nonblank:
        if not ln.keep:
            continue
        if ln.norm in seen:
            ln.keep, ln.kind = False, "repeat"
        seen.add(ln.norm)
    return info


MIN_GAP = 3  # non-paragraph lines in a row that separate two blocks of paragraphs
MIN_LINK_RUN = 3  # short unrelated headline lines in a row that make a list of links


def _main_block(nonblank: list[_Line], content_idx: list[int]) -> tuple[int, int]:
    """(first, last) index of the article: the block of paragraphs with the most text, where blocks
    are separated by MIN_GAP non-paragraph lines, cut where a list ("most read", comments) starts."""
    blocks: list[list[int]] = [[content_idx[0]]]
    for i in content_idx[1:]:
        between = nonblank[blocks[-1][-1] + 1:i]
        if len(between) >= MIN_GAP or any(ln.kind == "list_start" for ln in between):
            blocks.append([i])
        else:
            blocks[-1].append(i)
    k = max(range(len(blocks)), key=lambda b: sum(len(nonblank[i].text) for i in blocks[b]))
    tokens: set[str] = set()
    for i in blocks[k]:
        tokens |= nonblank[i].tokens

    def related(b: list[int], a_end: int, b_start: int) -> bool:
        # a neighbouring block continues the article when no list starts between them and its
        # paragraphs share words with it (a list of links between two parts of one article)
        if any(ln.kind == "list_start" for ln in nonblank[a_end + 1:b_start]):
            return False
        return all(_overlap(nonblank[i], tokens) >= 0.2 for i in b)

    first, last = k, k
    while first > 0 and related(blocks[first - 1], blocks[first - 1][-1], blocks[first][0]):
        first -= 1
    while last + 1 < len(blocks) and related(blocks[last + 1], blocks[last][-1], blocks[last + 1][0]):
        last += 1
    start = blocks[first][0]
    return start, _body_end(nonblank, start, blocks[last][-1])


def _link_runs(lines: list[_Line], body_tokens: set[str]) -> list[list[_Line]]:
    """Runs of MIN_LINK_RUN or more short, unpunctuated lines that share few words with the article."""
    runs: list[list[_Line]] = []
    current: list[_Line] = []
    for ln in lines + [None]:  # type: ignore[list-item]
        link_like = (ln is not None and ln.keep and not ln.ends_sentence and 3 <= ln.words <= 20
                     and not _is_content(ln) and _overlap(ln, body_tokens) < 0.25)
        if link_like:
            current.append(ln)
            continue
        if len(current) >= MIN_LINK_RUN:
            runs.append(current)
        current = []
    return runs


def _body_end(nonblank: list[_Line], body_start: int, block_end: int | None = None) -> int:
    """Last line of the main block: the last paragraph before a list starts, unless the article
    resumes after the list (two sentence-like paragraphs in a row)."""
    end = body_start
    in_list = False
    run = 0
    for i in range(body_start, len(nonblank) if block_end is None else block_end + 1):
        ln = nonblank[i]
        if ln.kind == "list_start":
            in_list, run = True, 0
            continue
        if _is_content(ln) and (not in_list or ln.ends_sentence):
            if in_list:
                run += 1
                if run >= 2:
                    in_list, end = False, i
            else:
                end = i
        elif in_list:
            run = 0
    return end


def clean_text(raw: str, fmt: Literal["txt", "html"] = "txt") -> CleanedText:
    """Drop boilerplate lines. For HTML, the main text is extracted first (trafilatura)."""
    if fmt == "html":
        raw = extract_html_text(raw)
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    info = classify_lines(lines)
    kept = [ln for ln in info if ln.keep]
    dropped = sum(1 for ln in info if not ln.keep and ln.kind != "blank")
    return CleanedText(
        text="\n".join(ln.text for ln in kept),
        line_map=tuple(ln.number for ln in kept),
        kept=len(kept),
        dropped=dropped,
        date_line=next((ln.text for ln in info if ln.kind == "page_date"), None),
    )


# --------------------------------------------------------------------------------------------
# HTML


def extract_html_text(html: str) -> str:
    """Main text of a page with trafilatura (no network; comments and tables off)."""
    import trafilatura

    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True,
                                   deduplicate=False, with_metadata=False)
    except Exception as exc:  # lxml raises several types on broken markup
        raise ValueError(f"HTML could not be parsed ({type(exc).__name__})") from None
    if not text or not text.strip():
        raise ValueError("no article text found in the HTML")
    return text


def html_metadata(html: str) -> dict[str, str | None]:
    """Publication date (htmldate, metadata only), site name and canonical url from a page."""
    out: dict[str, str | None] = {"published": None, "outlet": None, "url": None, "title": None}
    if "<" not in html:
        return out  # not markup; htmldate would take a bare "https://…" string for a URL to download
    try:
        from htmldate import find_date

        out["published"] = find_date(html, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # htmldate raises on odd markup; a missing date is handled later
        out["published"] = None
    try:
        from trafilatura import extract_metadata

        meta = extract_metadata(html)
        if meta is not None:
            out["outlet"] = meta.sitename or None
            out["url"] = meta.url or None
            out["title"] = meta.title or None
    except Exception:
        pass
    return out


# --------------------------------------------------------------------------------------------
# publication date


def _find_times(text: str) -> list[Any]:
    try:
        from .timex import find_times
    except ImportError:  # the time module is not built yet: no dates from text
        return []
    try:
        return list(find_times(text, anchor=None))
    except Exception as exc:  # a time-parser bug must not lose the article
        log.debug("find_times failed: %s", exc)
        return []


def _absolute(t: Any) -> bool:
    """A time expression that names its own year (no anchor needed)."""
    return bool(_YEAR.search(to_ascii_digits(t.text)))


_STATEMENT_TODAY = re.compile(r"(?:اليوم|today|this morning|صباح|مساء)\s*[\w\u0600-\u06FF]*\s*[(\[（]?\s*$", re.I)


def find_publication_date(text: str, html: str | None = None, *,
                          date_line: str | None = None) -> tuple[str | None, str, float]:
    """(published, how, confidence): page metadata, else the article's dateline, else a statement
    dated "today (…)" in the opening, else a date-only line printed under the headline
    (`date_line`, see CleanedText), else an estimate from the latest absolute date the article
    reports, else unknown. `text` is the cleaned article text: crawl stamps above the headline and
    trending lists are gone, so their dates never count."""
    if html is not None:
        published = html_metadata(html).get("published")
        if published:
            return published, "metadata", 0.9
    lines = [ln for ln in text.split("\n") if ln.strip()]
    for line in lines[:6]:
        head = _dateline_match(line)
        if not head:
            continue
        date_at = head.end() + _DATELINE_DATE.match(to_ascii_digits(line[head.end():head.end() + 50])).start("date")
        for t in _find_times(line[:head.end() + 70]):
            if t.start >= head.end() - 1 and t.start <= max(head.end() + 3, date_at) and t.granularity == "day" \
                    and t.value_from:
                return t.value_from, "dateline", 0.9
    times = _find_times(text)
    for t in times:
        if t.start > 1500:
            break
        if t.granularity == "day" and t.value_from and _absolute(t) and _STATEMENT_TODAY.search(text[max(0, t.start - 30):t.start]):
            return t.value_from, "dateline", 0.75
    if date_line:
        for t in _find_times(date_line):
            if t.granularity == "day" and t.value_from and _absolute(t):
                return t.value_from, "dateline", 0.6
    latest: str | None = None
    for t in times:
        # events the article reports (not deadlines or plans, which may lie after publication)
        if t.granularity in ("day", "month") and t.role in ("point", "since", "statement") and _absolute(t) and t.value_from:
            if latest is None or t.value_from > latest:
                latest = t.value_from
    if latest:
        return latest[:4], "inferred", 0.3
    return None, "unknown", 0.0


# --------------------------------------------------------------------------------------------
# origin (the outlet a re-publication quotes)

_ORIGIN_PATTERNS = (
    re.compile(r"^\s*[^\n]{2,40}?[-–—]\s*(?P<name>[^\n/\-–—]{2,30}?)\s*/\s*$"),  # "عشتارتيفي كوم- رووداو/"
    re.compile(r"\((?:quoting|via|source:)\s+(?P<name>[^)]{2,40})\)", re.I),
    re.compile(r"(?:نقلا|نقلاً) عن (?P<name>[^\s،,.]+(?: [^\s،,.]+)?)"),
    re.compile(r"^\s*[^\n]{2,40}?\s[-–—]\s(?P<name>[^\n]{2,30}?)\s*$"),  # "القاهرة الإخبارية - وكالات"
)

def find_origin(raw_lines: Sequence[str]) -> str | None:
    """The outlet this article re-publishes, when its first lines or its opening say so."""
    lex = load_boilerplate_lexicon()
    for line in [ln for ln in raw_lines if ln.strip()][:4]:
        line = line.strip()
        for pattern in _ORIGIN_PATTERNS:
            m = pattern.search(line)
            if not m:
                continue
            name = m.group("name").strip(" /-–—:")
            key = normalize_for_matching(name)
            if key in lex.credit_generic or not name:
                return None
            if pattern is _ORIGIN_PATTERNS[-1] and key not in lex.credit_outlets:
                continue  # "city - something": only a known outlet makes it a credit line
            return lex.credit_outlets.get(key, name)
    return None


# --------------------------------------------------------------------------------------------
# reading files


def _decode(data: bytes, path: str) -> tuple[str, str | None]:
    """Text and an optional warning. UTF-8 (with or without BOM), else Windows-1256 Arabic."""
    if not data.strip():
        raise BadArticle(path, "empty file — remove it or add the article text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark (Windows "Unicode")
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            raise BadArticle(path, "broken UTF-16 text — re-save it as UTF-8") from None
    if b"\x00" in data[:8192]:
        raise BadArticle(path, "binary file (NUL bytes), not text — export the article as .txt, .html or .jsonl")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1256", errors="replace")
    letters = [c for c in text if not c.isspace()]
    readable = sum(1 for c in letters if "\u0600" <= c <= "\u06ff" or c.isascii() and c.isprintable())
    if letters and readable / len(letters) >= 0.85 and detect_language(text) == "ar":
        return text, f"{path}: not UTF-8, read as Windows-1256 Arabic — re-save it as UTF-8 to be sure"
    raise BadArticle(path, "not UTF-8 text (nor Windows-1256 Arabic) — re-save it as UTF-8")


def _validate_published(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    s = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", s)
    if not m:
        raise ValueError(f"published '{s}' is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.groups()
    if month and not 1 <= int(month) <= 12:
        raise ValueError(f"published '{s}' has no month {month}")
    if day:
        try:
            _dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"published '{s}' is not a calendar date") from None
    return s


def _key_line(node: Any, key: str, default: int | None) -> int | None:
    """1-based line of `key` inside a YAML mapping node (for errors that point at the key itself)."""
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if getattr(k, "value", None) == key:
                return k.start_mark.line + 1
    return default


def load_manifest(path: Path) -> dict[str, ManifestEntry]:
    """Entries of a `sources.yaml`, keyed by file name relative to its folder. Strict: unknown keys,
    bad dates and malformed YAML are fatal, with the line."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read the manifest ({exc})", path=where, hint="save it as UTF-8") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ManifestError(f"not valid YAML ({getattr(exc, 'problem', None) or exc})", path=where,
                            line=mark.line + 1 if mark else None,
                            hint="see docs/manifest.md for the format") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) - {"sources", "defaults"}:
        raise ManifestError("expected a mapping with 'sources:' (and optional 'defaults:')", path=where, line=1,
                            hint="see docs/manifest.md for the format")
    nodes = {k.value: v for k, v in root.value} if isinstance(root, yaml.MappingNode) else {}
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ManifestError("'defaults' must be a mapping", path=where, line=nodes["defaults"].start_mark.line + 1)
    bad = set(defaults) - (MANIFEST_KEYS - {"file"})
    if bad:
        raise ManifestError(f"unknown key '{sorted(bad)[0]}' in defaults", path=where,
                            line=nodes["defaults"].start_mark.line + 1,
                            hint=f"allowed: {', '.join(sorted(MANIFEST_KEYS - {'file'}))}")
    entries_data = data.get("sources") or []
    if not isinstance(entries_data, list):
        raise ManifestError("'sources' must be a list of entries", path=where,
                            line=nodes["sources"].start_mark.line + 1, hint="each entry starts with '- file: NAME'")
    entry_nodes = nodes["sources"].value if "sources" in nodes and isinstance(nodes["sources"], yaml.SequenceNode) else []
    entries: dict[str, ManifestEntry] = {}
    for i, item in enumerate(entries_data):
        node = entry_nodes[i] if i < len(entry_nodes) else None
        line = node.start_mark.line + 1 if node is not None else None
        if not isinstance(item, dict):
            raise ManifestError("an entry must be a mapping with 'file:'", path=where, line=line)
        unknown = set(item) - MANIFEST_KEYS
        if unknown:
            raise ManifestError(f"unknown key '{sorted(unknown)[0]}'", path=where,
                                line=_key_line(node, sorted(unknown)[0], line),
                                hint=f"allowed: {', '.join(sorted(MANIFEST_KEYS))}")
        name = item.get("file")
        if not isinstance(name, str) or not name.strip():
            raise ManifestError("entry without 'file:'", path=where, line=line,
                                hint="name the article file, relative to the manifest's folder")
        merged = {**defaults, **{k: v for k, v in item.items() if k != "file"}}
        try:
            merged["published"] = _validate_published(merged.get("published"))
        except ValueError as exc:
            raise ManifestError(str(exc), path=where, line=_key_line(node, "published", line),
                                hint="write it as \"2021\", \"2021-07\" or \"2021-07-15\"") from None
        for key in ("outlet", "url", "language", "notes", "origin"):
            value = merged.get(key)
            if value is not None and not isinstance(value, str):
                raise ManifestError(f"'{key}' must be text", path=where, line=_key_line(node, key, line))
        language = merged.get("language")
        if language is not None and not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]+)?", language):
            raise ManifestError(f"language '{language}' is not a language code", path=where, line=line,
                                hint="use an ISO 639-1 code such as ar, en, fr")
        if name in entries:
            raise ManifestError(f"'{name}' is listed twice", path=where, line=line, hint="keep one entry per file")
        if not (path.parent / name).is_file():
            raise ManifestError(f"entry '{name}' names a file that does not exist", path=where, line=line,
                                hint=f"fix the name or remove the entry (looked in {path.parent})")
        entries[name] = ManifestEntry(file=name, line=line or 0, fields=merged)
    return entries


# Files a corpus folder often holds besides its articles (labels, notes, configs): skipped quietly.
_CORPUS_METADATA_SUFFIXES = frozenset({".yaml", ".yml", ".md", ".json", ".toml", ".csv", ".tsv", ".cfg", ".ini"})


def _discover(paths: Sequence[str | Path]) -> tuple[list[Path], Path | None]:
    """Every file under `paths` (sorted, hidden files and folders skipped, each file once) and the
    corpus root: the folder given, else the common parent."""
    files: list[Path] = []
    folders: list[Path] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            folders.append(p)
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
                for name in sorted(filenames):
                    if name.startswith("."):
                        continue
                    files.append(Path(dirpath) / name)
        elif p.is_file():
            folders.append(p.parent)
            files.append(p)
        else:
            raise NothingReadableError("no such file or folder", path=str(p), hint="check the path")
    root: Path | None = None
    if folders:
        try:
            root = Path(os.path.commonpath([str(f.resolve()) for f in folders]))
        except ValueError:
            root = None
        if len(paths) == 1 and Path(paths[0]).is_dir():
            root = Path(paths[0])
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, root


def _source_ids(files: list[Path], root: Path | None) -> dict[Path, str]:
    stems: dict[str, int] = {}
    for f in files:
        stems[f.stem] = stems.get(f.stem, 0) + 1
    ids = {}
    for f in files:
        if stems[f.stem] == 1 or root is None:
            ids[f] = f.stem
        else:
            try:
                rel = f.resolve().relative_to(root.resolve())
            except ValueError:
                rel = f
            ids[f] = rel.with_suffix("").as_posix()
    counts: dict[str, int] = {}
    for sid in ids.values():
        counts[sid] = counts.get(sid, 0) + 1
    for f, sid in ids.items():
        if counts[sid] > 1:  # a.txt and a.html in one folder: keep the suffix to tell them apart
            ids[f] = f"{sid}{f.suffix}"
    return ids


def _hash(data: bytes, entry: dict[str, Any] | None) -> str:
    h = hashlib.sha256(data)
    h.update(json.dumps(entry or {}, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    return h.hexdigest()


def _build_source(
    source_id: str,
    display_path: str,
    raw_bytes: bytes,
    text: str,
    fmt: str,
    meta: dict[str, Any],
    warnings: list[str],
) -> Source:
    """One article from its decoded text (or HTML) and whatever the manifest / jsonl line says."""
    html = text if fmt == "html" else None
    page: dict[str, Any] = {}
    body = text
    if html is not None:
        try:
            body = extract_html_text(html)
        except ValueError as exc:
            raise BadArticle(display_path, f"{exc} — save the article text as .txt or check the page") from None
        page = html_metadata(html)
    cleaned = clean_text(body, "txt")
    if not cleaned.text.strip():
        raise BadArticle(display_path, "no article text left after removing page furniture — check the file")
    published = meta.get("published")
    how, confidence = "manifest", 1.0
    if published is None:
        if page.get("published"):
            published, how, confidence = page["published"], "metadata", 0.9
        else:
            published, how, confidence = find_publication_date(cleaned.text, date_line=cleaned.date_line)
        if published is None:
            warnings.append(f"{display_path}: no publication date found — add it to the manifest (docs/manifest.md)")
        elif how == "inferred":
            warnings.append(f"{display_path}: publication date inferred as {published} from the dates it mentions "
                            "— confirm it in the manifest")
    raw_lines = body.split("\n")
    origin = meta.get("origin") or find_origin(raw_lines)
    return Source(
        id=source_id,
        path=display_path,
        text=cleaned.text,
        language=meta.get("language") or detect_language(cleaned.text),
        outlet=meta.get("outlet") or page.get("outlet"),
        url=meta.get("url") or page.get("url"),
        published=published,
        published_how=how if published else "unknown",
        published_confidence=confidence if published else 0.0,
        content_hash=_hash(raw_bytes, meta),
        line_map=cleaned.line_map,
        lines_kept=cleaned.kept,
        lines_dropped=cleaned.dropped,
        notes=meta.get("notes"),
        origin=origin,
    )


def _read_jsonl(path: Path, display: str, data: bytes, base_id: str, meta: dict[str, Any],
                warnings: list[str], taken_ids: set[str]) -> list[Source]:
    text, note = _decode(data, display)
    if note:
        warnings.append(note)
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{display}:{number}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            unknown = set(record) - JSONL_KEYS
            if unknown:
                raise ValueError(f"unknown field '{sorted(unknown)[0]}' (allowed: {', '.join(sorted(JSONL_KEYS))})")
            body, fmt = (record.get("text"), "txt") if record.get("text") else (record.get("html"), "html")
            if not isinstance(body, str) or not body.strip():
                raise ValueError("no 'text' or 'html'")
            for key in ("url", "outlet", "language", "id", "notes", "origin"):
                if record.get(key) is not None and not isinstance(record[key], (str, int) if key == "id" else str):
                    raise ValueError(f"'{key}' must be text")
            line_meta = {**meta, **{k: v for k, v in record.items() if k in MANIFEST_KEYS and v is not None}}
            line_meta["published"] = _validate_published(line_meta.get("published"))
            sid = str(record.get("id") or f"{base_id}-{number}")
            if sid in taken_ids:
                warnings.append(f"{where}: id '{sid}' already used — using '{base_id}-{number}'")
                sid = f"{base_id}-{number}"
            out.append(_build_source(sid, where, line.encode("utf-8"), body, fmt, line_meta, warnings))
            taken_ids.add(sid)
        except (ValueError, TypeError) as exc:
            msg = f"{where}: bad line ({exc}) — fix the JSON object on that line"
            log.warning(msg)
            warnings.append(msg)
        except BadArticle as exc:
            msg = f"{exc.path}: {exc.reason}"
            log.warning(msg)
            warnings.append(msg)
    return out


def _manifest_entry(f: Path, manifests: dict[Path, dict[str, ManifestEntry]]) -> ManifestEntry | None:
    """The nearest manifest entry for a file: its own folder's (`file: a.txt`), else a parent's
    (`file: sub/a.txt`)."""
    folder = f.parent
    while True:
        entries = manifests.get(folder)
        if entries:
            rel = f.relative_to(folder).as_posix() if folder != Path(".") else f.as_posix()
            if rel in entries:
                return entries[rel]
        if folder.parent == folder or folder == Path("."):
            return None
        folder = folder.parent


MAX_LOGGED_DATE_WARNINGS = 5


def _log_date_warnings(warnings: Sequence[str]) -> None:
    """Date warnings go to the log, but a large feed without dates gets a few lines and a count, not
    one line per article (all of them stay in IngestResult.warnings)."""
    dated = [w for w in warnings if "no publication date" in w or "publication date inferred" in w]
    for w in dated[:MAX_LOGGED_DATE_WARNINGS]:
        log.warning(w)
    if len(dated) > MAX_LOGGED_DATE_WARNINGS:
        log.warning("… and %d more sources without a sure publication date — add them to the manifest "
                    "(docs/manifest.md)", len(dated) - MAX_LOGGED_DATE_WARNINGS)


def ingest(paths: Sequence[str | Path], *, use_manifest: bool = True) -> IngestResult:
    """Read every article under `paths` into `Source` records (sorted, ids unique)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files, root = _discover(paths)
    named = {Path(p) for p in paths if Path(p).is_file()}
    warnings: list[str] = []
    manifests: dict[Path, dict[str, ManifestEntry]] = {}
    article_files: list[Path] = []
    skipped: dict[str, list[Path]] = {}
    for f in files:
        if f.name in (MANIFEST_NAME, "reviews.jsonl"):
            continue
        suffix = f.suffix.lower()
        if suffix in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES:
            article_files.append(f)
        elif f in named:  # the user named it: say so
            msg = f"{f}: not an article file ({suffix or 'no suffix'}) — skipped; use .txt, .html or .jsonl"
            log.warning(msg)
            warnings.append(msg)
        elif suffix in _CORPUS_METADATA_SUFFIXES:  # notes, labels, configs kept beside the articles
            log.info("%s: not an article file — skipped", f)
        else:
            skipped.setdefault(suffix or "no suffix", []).append(f)
    if skipped:  # found in a folder: one line for all of them, not one per file
        count = sum(len(v) for v in skipped.values())
        kinds = ", ".join(f"{k} ×{len(v)}" for k, v in sorted(skipped.items()))
        first = min(f for v in skipped.values() for f in v)
        msg = (f"{first}: {count} file(s) in the corpus are not article files ({kinds}) — skipped; "
               f"use .txt, .html or .jsonl")
        log.warning(msg)
        warnings.append(msg)
    if use_manifest:
        folders: set[Path] = set()
        for f in article_files:
            # the article's folder and its parents up to the corpus root may each hold a manifest
            folder = f.parent
            while True:
                folders.add(folder)
                if root is None or folder.resolve() == root.resolve() or folder.parent == folder:
                    break
                folder = folder.parent
        for folder in sorted(folders):
            manifest = folder / MANIFEST_NAME
            if manifest.is_file():
                manifests[folder] = load_manifest(manifest)
    ids = _source_ids(article_files, root)
    sources: list[Source] = []
    taken: set[str] = set()
    for f in article_files:
        display = str(f)
        entry = _manifest_entry(f, manifests)
        meta = dict(entry.fields) if entry else {}
        try:
            data = f.read_bytes()
        except OSError as exc:
            msg = f"{display}: cannot read ({exc.strerror}) — check the file's permissions"
            log.warning(msg)
            warnings.append(msg)
            continue
        try:
            if f.suffix.lower() in JSONL_SUFFIXES:
                sources.extend(_read_jsonl(f, display, data, ids[f], meta, warnings, taken))
                continue
            text, note = _decode(data, display)
            if note:
                log.warning(note)
                warnings.append(note)
            fmt = "html" if f.suffix.lower() in HTML_SUFFIXES else "txt"
            source = _build_source(ids[f], display, data, text, fmt, meta, warnings)
        except BadArticle as exc:
            msg = f"{exc.path}: {exc.reason}"
            log.warning(msg)
            warnings.append(msg)
            continue
        sources.append(source)
        taken.add(source.id)
    if not sources:
        where = ", ".join(str(p) for p in paths)
        raise NothingReadableError("no readable article", path=where,
                                   hint="give .txt, .html or .jsonl files with text (see the warnings above)")
    _log_date_warnings(warnings)
    return IngestResult(sources=tuple(sources), root=root, warnings=tuple(warnings))


def line_decisions(raw: str) -> Iterable[tuple[int, bool, str, str]]:
    """(line number, kept, class, text) for every line: what `checker sources --lines` could show."""
    for ln in classify_lines(raw.replace("\r\n", "\n").split("\n")):
        yield ln.number, ln.keep, ln.kind or ("content" if ln.keep else ""), ln.raw
