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


# --- a scheduled date before an attribution, windows counted from a date named before, postponements


def _by_text(text, anchor, **kw):
    return {r.text: r for r in find_times(text, anchor, **kw)}


@pytest.mark.parametrize("text,scheduled,said", [
    ("على أن تنتهي مهمتها في 15 تموز 2024، بحسب ما أعلنت الهيئة الأربعاء", "15 تموز 2024", "الأربعاء"),
    ("The mission will end on July 15, 2024, the bloc said on Wednesday.", "July 15, 2024", "Wednesday"),
    ("قالت الهيئة الأربعاء إن مهمتها ستنتهي في 15 تموز 2024.", "15 تموز 2024", "الأربعاء"),
    ("أعلنت الهيئة اليوم أن مهمتها ستنتهي في 15 تموز 2024.", "15 تموز 2024", "اليوم"),
    ("أعلنت الهيئة، الأربعاء، أن مهمتها ستنتهي في 15 تموز 2024.", "15 تموز 2024", "الأربعاء"),
    ("أعلنت الهيئة العليا المستقلة للانتخابات، الأربعاء، أن مهمتها ستنتهي في 15 تموز 2024.", "15 تموز 2024",
     "الأربعاء"),
])
def test_scheduled_date_is_not_the_statement_date(text, scheduled, said):
    refs = _by_text(text, "2024-03-07")
    assert refs[scheduled].role == "point" and refs[scheduled].value_from == "2024-07-15"
    assert refs[said].role == "statement"
    assert refs[said].value_from == ("2024-03-07" if said == "اليوم" else "2024-03-06")


@pytest.mark.parametrize("text,expr", [
    ("أعلن في 5 يونيه 2020 انسحاب القوات", "5 يونيه 2020"),
    ("في (27 أيلول 2025)، أعلنت الحكومة عن اتفاق", "27 أيلول 2025"),
    ("France, which announced on 17 February 2022 that its troops would leave", "17 February 2022"),
    ("On 17 February 2022, France announced the withdrawal.", "17 February 2022"),
])
def test_statement_dates_still_found(text, expr):
    assert _by_text(text, "2025-11-07")[expr].role == "statement"


@pytest.mark.parametrize("text", [
    "Troops left on July 15, 2024, officials said.",                 # a verb before the date
    "أعلن الجيش أنه سينسحب في 5 يونيو 2024",                          # after 'أنه': what was said
    "The ministry said that the vote would take place on 5 June 2024.",
])
def test_content_dates_are_points(text):
    refs = find_times(text, "2024-03-07")
    assert [r.role for r in refs] == ["point"], refs


def test_attribution_day_anchors_the_window():
    refs = _by_text("قالت الهيئة الأربعاء إن القوات ستنسحب خلال ستة أشهر.", "2024-03-07")
    window = refs["خلال ستة أشهر"]
    assert (window.value_from, window.value_to, window.anchor_how) == ("2024-03-06", "2024-09-06", "statement")


@pytest.mark.parametrize("text,anchor,expr,value_from,value_to,role", [
    ("تنتهي الولاية في 31 كانون الأول 2026، على أن تبدأ اعتبارا منه سحب عناصرها خلال عام واحد", "2025-06-01",
     "خلال عام واحد", "2026-12-31", "2027-12-31", "window"),
    ("تنتهي الولاية في 31 كانون الأول 2026، على أن تنسحب القوات اعتبارا من ذلك التاريخ خلال عام", "2025-06-01",
     "خلال عام", "2026-12-31", "2027-12-31", "window"),
    ("The first troops arrived on 3 March 2024. All must leave within three months of that first arrival.",
     "2024-06-01", "within three months", "2024-03-03", "2024-06-03", "window"),
    ("The mandate ends on 31 December 2026; from that date the force has two years to withdraw.", "2025-06-01",
     "two years", "2026-12-31", "2028-12-31", "duration"),
    ("بدأ الانتشار في 3 آذار 2024. وبعد ستة أشهر من ذلك التاريخ تنسحب القوات.", "2024-06-01",
     "بعد ستة أشهر", "2024-09-03", "2024-09-03", "point"),
    ("The deal was signed on 5 June 2023. Troops must leave six months after that date.", "2024-01-01",
     "six months", "2023-12-05", "2023-12-05", "point"),
    ("The force stays until 30 June 2025, and must leave within six months from then.", "2025-01-01",
     "within six months", "2025-06-30", "2025-12-30", "window"),
])
def test_duration_counted_from_date_named_before(text, anchor, expr, value_from, value_to, role):
    ref = _by_text(text, anchor)[expr]
    assert (ref.value_from, ref.value_to, ref.role, ref.anchor_how) == (value_from, value_to, role, "event")
    assert any(n.startswith("counted from the date named before") for n in ref.notes)


def test_back_reference_across_sentences_with_context():
    refs = find_times("All must leave within three months of that first arrival.", "2024-06-01",
                      context_before="The first troops arrived on 3 March 2024.")
    assert [(r.value_from, r.value_to, r.anchor_how) for r in refs] == [("2024-03-03", "2024-06-03", "event")]
    alone = find_times("All must leave within three months of that first arrival.", "2024-06-01")
    assert [(r.value_from, r.anchor_how) for r in alone] == [("2024-06-01", "published")]


@pytest.mark.parametrize("text,expr", [
    ("خلال ستة أشهر من هذا العام تراجعت الأسعار.", "خلال ستة أشهر"),  # "this year" is a time of its own
    ("Troops arrived on 3 March 2024. They must leave within three months.", "within three months"),
])
def test_no_back_reference_without_its_phrase(text, expr):
    ref = _by_text(text, "2024-08-01")[expr]
    assert ref.anchor_how != "event"


@pytest.mark.parametrize("text,anchor,expr,value_from,value_to", [
    ("أرجأت الحكومة الانتخابات إلى منتصف 2026", "2025-06-01", "إلى منتصف 2026", "2025-06-01", "2026-07-31"),
    ("The vote was postponed to mid-2026.", "2025-06-01", "to mid-2026", "2025-06-01", "2026-07-31"),
    ("The launch was delayed until March.", "2025-01-10", "until March", "2025-01-10", "2025-03-31"),
    ("أُجّلت القمة حتى أيلول المقبل", "2025-01-10", "حتى أيلول المقبل", "2025-01-10", "2025-09-30"),
    ("The talks were pushed back to 2027.", "2025-01-10", "to 2027", "2025-01-10", "2027-12-31"),
    ("أرجأت اللجنة الانتخابات من آذار إلى حزيران", "2025-01-10", "إلى حزيران", "2025-01-10", "2025-06-30"),
])
def test_postponed_to_is_a_deadline(text, anchor, expr, value_from, value_to):
    ref = _by_text(text, anchor)[expr]
    assert (ref.role, ref.value_from, ref.value_to) == ("deadline", value_from, value_to)
    assert "postponed" in ref.notes


@pytest.mark.parametrize("text", [
    "سافر الوفد من أجل المشاركة إلى 2026",
    "The troops moved to the north in March.",
    "The vote was postponed. Elections return to the agenda in June.",
])
def test_no_postponement_without_its_verb(text):
    assert all(r.role != "deadline" for r in find_times(text, "2025-01-10"))


def test_postponed_to_one_day_stays_that_day():
    ref = _by_text("تأجل موعد بدء وقف إطلاق النار إلى 1 يونيو المقبل", "2024-04-22")["إلى 1 يونيو المقبل"]
    assert (ref.role, ref.value_from, ref.value_to) == ("point", "2024-06-01", "2024-06-01")
    assert "postponed" in ref.notes


def test_postponed_from_old_to_new_date():
    refs = _by_text("The vote was postponed from March to June.", "2025-01-10")
    old = next(r for k, r in refs.items() if "March" in k)
    assert (old.role, old.value_from) == ("point", "2025-03-01")
    assert refs["to June"].role == "deadline"


def test_dateline_before_statement_word_stays_statement():
    refs = find_times("طرابلس - 10 أيلول 2021: أكدت المفوضية أن الانتخابات ستجرى في موعدها", "2021-09-10")
    assert refs[0].role == "statement"


def test_then_president_is_no_back_reference():
    refs = _by_text("The deal was signed in 2008. A letter from then-President Bush said troops would leave "
                    "within six months.", "2021-09-10")
    assert refs["within six months"].anchor_how == "published"


def test_year_after_an_event_is_relative_to_it():
    ref = _by_text("بعد عام على انتهاء ولاية البعثة في 18 مايو 2024، لم يعد للاتحاد أي حضور", "2025-05-20")["بعد عام"]
    assert (ref.value_from, ref.value_to, ref.role) == (None, None, "duration")
    ref = _by_text("بدأ الانتشار في 3 آذار 2024، وبعد ستة أشهر على ذلك التاريخ تنسحب القوات", "2024-06-01")["بعد ستة أشهر"]
    assert (ref.value_from, ref.role, ref.anchor_how) == ("2024-09-03", "point", "event")
    assert [(r.text, r.value_to) for r in find_times("سينسحبون بعد عامين على الأقل", "2025-05-20")] == [
        ("بعد عامين", "2027-05-20")]
