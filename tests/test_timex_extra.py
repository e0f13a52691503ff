"""The second time table, written from news phrasing without looking at checker/timex.py.

tests/data/eval/timex_extra.jsonl: one row a line, {text, anchor, value_from, value_to} like
tests/data/eval/timex.jsonl, plus an optional `comment` where the expected interval is a choice
(DESIGN.md's contract and the conventions of tests/test_timex.py decide it; the comment says which).
A row passes when one expression found in its text resolves to exactly the expected interval, the
rule `checker eval` scores time tables by.

First run (before the fixes it exposed): 145/177 (`checker eval tests/data/eval/timex_extra.jsonl`).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.timex import find_times

EVAL = Path(__file__).resolve().parent / "data" / "eval"


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (EVAL / name).read_text(encoding="utf-8").splitlines() if line.strip()]


ROWS = _rows("timex_extra.jsonl")
NEWS_ROWS = _rows("timex_news.jsonl")  # the news phrasings of tests/test_timex_news.py


@pytest.mark.parametrize("row", ROWS + NEWS_ROWS, ids=[f"extra-{i + 1:03d}" for i in range(len(ROWS))]
                         + [f"news-{i + 1:03d}" for i in range(len(NEWS_ROWS))])
def test_extra_table(row):
    refs = find_times(row["text"], row["anchor"])
    got = [(r.value_from, r.value_to) for r in refs]
    assert (row["value_from"], row["value_to"]) in got, f"{row['text']!r} @ {row['anchor']}: {got}"
    for r in refs:
        assert row["text"][r.start:r.end] == r.text


def test_extra_table_shape():
    arabic = [r for r in ROWS if any("\u0600" <= ch <= "\u06ff" for ch in r["text"])]
    assert len(ROWS) >= 120 and len(arabic) >= 60
    for r in ROWS:
        assert set(r) <= {"text", "anchor", "value_from", "value_to", "comment"}


# Phrasings probed after the table passed (so not blind): text, anchor, expression, value_from, value_to.
PROBES = [
    ("في غضون الأيام العشرة المقبلة", "2025-06-18", "في غضون الأيام العشرة المقبلة", "2025-06-18", "2025-06-28"),
    ("خلال الساعات الـ24 المقبلة", "2025-06-18", "خلال الساعات الـ24 المقبلة", "2025-06-18", "2025-06-19"),
    ("قبل نهاية الربع الأول", "2025-06-18", "قبل نهاية الربع الأول", "2025-06-18", "2026-03-31"),
    ("في الأسبوع الأول من أيار/مايو", "2025-06-18", "الأسبوع الأول من أيار/مايو", "2025-05-01", "2025-05-07"),
    ("خلال عام ونصف", "2025-06-18", "خلال عام ونصف", "2025-06-18", "2026-12-18"),
    ("الموافق 15/9/1446هـ", "2025-06-18", "15/9/1446هـ", "2025-03-15", "2025-03-15"),
    ("الأحد 1446/9/15هـ الموافق 2025/3/15م", "2025-06-18", "1446/9/15هـ الموافق 2025/3/15م",
     "2025-03-15", "2025-03-15"),
    ("في الفترة من 10 إلى 20 آب", "2025-06-18", "من 10 إلى 20 آب", "2025-08-10", "2025-08-20"),
    ("by the close of the year", "2025-06-18", "by the close of the year", "2025-06-18", "2025-12-31"),
    ("in September last year", "2025-06-18", "September last year", "2024-09-01", "2024-09-30"),
    ("في 15 آذار من العام الجاري", "2025-06-18", "15 آذار من العام الجاري", "2025-03-15", "2025-03-15"),
    ("within a year and a half", "2025-06-18", "within a year and a half", "2025-06-18", "2026-12-18"),
    ("in the first nine months of 2024", "2025-06-18", "the first nine months of 2024", "2024-01-01", "2024-09-30"),
    ("خلال الأشهر التسعة الأولى من 2024", "2025-06-18", "الأشهر التسعة الأولى من 2024", "2024-01-01", "2024-09-30"),
    ("a fortnight ago", "2025-06-18", "a fortnight ago", "2025-06-04", "2025-06-04"),
    ("the deadliest mission of the past decade", "2025-01-15", "the past decade", "2015-01-15", "2025-01-15"),
    ("وقع في 27/09/2025. ثم غادر", "2025-11-01", "27/09/2025", "2025-09-27", "2025-09-27"),
]


@pytest.mark.parametrize("text,anchor,expr,value_from,value_to", PROBES, ids=[f"p{i:02d}" for i in range(len(PROBES))])
def test_probes(text, anchor, expr, value_from, value_to):
    refs = {r.text: r for r in find_times(text, anchor)}
    assert expr in refs, list(refs)
    assert (refs[expr].value_from, refs[expr].value_to) == (value_from, value_to)


@pytest.mark.parametrize("text", [
    "قال رجب طيب أردوغان إن",          # a first name, not the Hijri month
    "وصلت النسبة إلى صفر",             # zero
    "the year-over-year growth was 3%",
    "من مارس العنف يحاسب",             # "whoever practised", not March
    "أنهى حرب الأيام الأربعة والأربعين",  # a war's name
])
def test_new_patterns_do_not_invent_times(text):
    assert find_times(text, "2025-01-01") == []
