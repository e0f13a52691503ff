"""Time phrasings reported from real news after the two blind tables passed (so not blind).

tests/data/eval/timex_news.jsonl: the row format of tests/data/eval/timex.jsonl plus an optional
`comment` saying which convention decided the expected interval. A row passes when one expression in
its text resolves to exactly the expected interval (the rule `checker eval` scores time tables by).
"""
from __future__ import annotations

import pytest

from checker.timex import find_times

# The table rows (tests/data/eval/timex_news.jsonl) run in tests/test_timex_extra.py with the other table.


def _refs(text, anchor):
    return {r.text: r for r in find_times(text, anchor)}


def test_weekday_ignores_statement_anchor_but_window_keeps_it():
    refs = _refs("The ministry announced on 31 May 2024 that troops would leave within six months, "
                 "officials said on Tuesday.", "2024-06-04")
    assert (refs["on Tuesday"].value_from, refs["on Tuesday"].anchor) == ("2024-06-04", "2024-06-04") \
        if "on Tuesday" in refs else refs["Tuesday"].value_from == "2024-06-04"
    window = refs["within six months"]
    assert (window.value_from, window.value_to, window.anchor_how) == ("2024-05-31", "2024-11-30", "statement")


def test_weekday_without_publication_falls_back_to_statement_date():
    refs = _refs("The ministry announced on 31 May 2024 that officials met on Tuesday.", None)
    tuesday = next(r for k, r in refs.items() if "Tuesday" in k)
    assert tuesday.value_from == "2024-05-28"


@pytest.mark.parametrize("text,expected", [
    ("The rebels must leave by Friday morning.", "2023-12-15"),
    ("The curfew stays until Saturday.", "2023-12-16"),
    ("بحلول يوم الخميس", "2023-12-21"),   # on the anchor's own weekday: next week's
    ("The talks ended on Friday.", "2023-12-08"),  # no cue: the last one
    ("Fighting resumed last Friday.", "2023-12-08"),
    ("The envoy arrives next Friday.", "2023-12-15"),
])
def test_weekday_direction(text, expected):
    refs = find_times(text, "2023-12-14")
    assert [r.value_to for r in refs] == [expected], refs


def test_duration_from_event_says_so():
    ref = _refs("The troops were deployed in November 2020 for an initial five years.", "2025-06-01")["five years"]
    assert (ref.anchor, ref.anchor_how, ref.role) == ("2020-11-01", "event", "duration")
    assert any(n.startswith("counted from the event date") for n in ref.notes)
    off = _refs("The troops were deployed in November 2020 for an initial five years.", "2025-06-01")
    plain = find_times("The troops were deployed in November 2020 for an initial five years.", "2025-06-01",
                       event_anchors=False)
    assert off["five years"].value_to == "2025-11-01"
    assert next(r for r in plain if r.text == "five years").value_to == "2030-06-01"


@pytest.mark.parametrize("text", [
    "Troops arrived in 2020, and will stay for five years.",      # a comma: another clause
    "In March the ministry said that talks would take six months.",  # 'that': a new clause
    "The base opened in 2019 and will host troops for another two years.",
])
def test_duration_not_attached_to_other_clause(text):
    refs = find_times(text, "2025-06-10")
    durations = [r for r in refs if r.role == "duration"]
    assert durations and all(r.anchor == "2025-06-10" for r in durations), refs


@pytest.mark.parametrize("text,value_from,value_to", [
    ("Q3'24 sales", "2024-07-01", "2024-09-30"),
    ("the 2025Q2 figures", "2025-04-01", "2025-06-30"),
    ("1H25 results", "2025-01-01", "2025-06-30"),
    ("the mission lasts 2.5 years", "2025-06-01", "2027-12-01"),
    ("a two-and-a-half-year deployment", "2025-06-01", "2027-12-01"),
    ("within half a year", "2025-06-01", "2025-12-01"),
    ("خلال نصف عام", "2025-06-01", "2025-12-01"),
    ("لمدة ثلاث سنوات ونصف", "2025-06-01", "2028-12-01"),
    ("the quarter to June", "2025-04-01", "2025-06-30"),
    ("in the year to end-March 2025", "2024-04-01", "2025-03-31"),
    ("في الـ20 من الشهر", "2025-06-20", "2025-06-20"),
    ("ثورة الفاتح من سبتمبر 1969", "1969-09-01", "1969-09-01"),
])
def test_more_forms(text, value_from, value_to):
    got = [(r.value_from, r.value_to) for r in find_times(text, "2025-06-01")]
    assert (value_from, value_to) in got, got


@pytest.mark.parametrize("text", [
    "on the 20th anniversary of the war",
    "in the 20th century",
    "the 3rd battalion arrived",
    "it rained at 1h25",
    "احتفالات الربيع العربي",
    "مهرجان التمور السنوي",
    "الصيف الحار",
    "عبد الناصر",
])
def test_new_forms_do_not_invent_times(text):
    assert find_times(text, "2025-06-10") == []


@pytest.mark.parametrize("text,expected", [
    ("الربيع العربي 2011", ["2011"]),        # spring, not the Libyan March
    ("مهرجان التمور 2011", ["2011"]),
    ("الصيف 2011", ["2011"]),
])
def test_libyan_words_alone_stay_words(text, expected):
    assert [r.text for r in find_times(text, "2025-06-10")] == expected
