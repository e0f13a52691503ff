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

TABLE = Path(__file__).resolve().parent / "data" / "eval" / "timex_extra.jsonl"
ROWS = [json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("row", ROWS, ids=[f"{i + 1:03d}" for i in range(len(ROWS))])
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
