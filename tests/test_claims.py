"""Claim extraction on the seeds (the facts issue 4 names) and on English sentences from other stories."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.config import Config
from checker.ingest import ingest
from checker.pipeline import process_sources, sources_from_texts

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seed_claims():
    result = ingest([SEEDS])
    _, claims = process_sources(result.sources, Config())
    return claims


def _find(claims, source_prefix, needle):
    found = [c for c in claims if c.source_id.startswith(source_prefix) and needle in c.text]
    assert found, f"no claim in {source_prefix} containing {needle!r}"
    return found[0]


def test_000_all_us_forces_out_by_end_of_year(seed_claims):
    c = _find(seed_claims, "000", "تنسحب جميع قوات")
    assert c.event == "withdraw" and "all_forces" in (c.scope or "")
    assert any(t.value_to == "2011-12-31" for t in c.times)
    assert c.modality == "plan"


def test_000_combat_mission_ended_last_august(seed_claims):
    c = _find(seed_claims, "000", "أنهى مهامه القتالية")
    assert any(t.value_to == "2010-08-31" for t in c.times)
    assert c.tense == "past" and "combat_forces" in (c.scope or "")
    assert any(q.value == 47000 and q.unit == "troops" for q in c.quantities)


def test_001_mckenzie_wont_leave_soon(seed_claims):
    c = _find(seed_claims, "001", "لن نغادر قريبا")
    assert c.polarity == "negative" and c.modality == "hedge"
    assert c.speaker and "ماكنز" in c.speaker
    assert any(t.granularity == "vague" for t in c.times)


def test_001_combat_forces_scope(seed_claims):
    c = _find(seed_claims, "001", "ستسحب ما تبقى من قواتها القتالية")
    assert "combat_forces" in c.scope and c.modality == "plan"


def test_001_reduction_to_2500_by_15_january(seed_claims):
    c = _find(seed_claims, "001", "2500")
    assert any(q.value == 2500 for q in c.quantities)
    assert any(t.value_to == "2021-01-15" for t in c.times)


def test_003_end_of_2021_withdrawal_is_a_past_event(seed_claims):
    c = _find(seed_claims, "003", "نهاية 2021")
    assert c.tense == "past" and c.event in ("end_mission", "withdraw")
    assert any(t.value_from == "2021-12-01" and t.value_to == "2021-12-31" for t in c.times)
    assert "all_forces" in c.scope and "advisory" in c.scope


def test_004_window_and_deadline(seed_claims):
    c = _find(seed_claims, "004", "خلال الـ12 شهراً المقبلة")
    windows = {(t.value_from, t.value_to) for t in c.times if t.role in ("window", "duration")}
    assert ("2025-09-27", "2026-09-27") in windows
    assert any(t.value_to == "2025-09-30" and t.role == "deadline" for t in c.times)
    assert c.statement_date == "2025-09-27"


def test_004_gradual_reduction(seed_claims):
    c = _find(seed_claims, "004", "التخفيض التدريجي")
    assert c.event == "reduce"


def test_diplomatic_filler_is_not_a_claim(seed_claims):
    assert not any("توسيع آفاق التعاون المستقبلي" in c.text for c in seed_claims)


ENGLISH = [
    ("The UN Security Council voted to end the peacekeeping mission in Mali by 31 December 2023.",
     "end_mission", "un_mission", "2023-12-31"),
    ("Germany will withdraw its troops from Niger by the end of August 2024, the ministry said.",
     "withdraw", None, "2024-08-31"),
    ("Russian forces will not leave Syria soon, the Kremlin said.", "withdraw", "russian_forces", None),
    ("France completed the withdrawal of its soldiers from Burkina Faso on 19 February 2023.",
     "withdraw", "french_forces", "2023-02-19"),
    ("The coalition will transition to an advisory mission by September 2025.", "transition", "coalition", "2025-09-30"),
    ("The central bank raised interest rates by 75 basis points on Thursday.", "rate_change", "central_bank", None),
    ("The presidential election will be held on 24 December 2021.", "hold_election", "electoral_body", "2021-12-24"),
    ("About 2,500 US troops remain in Iraq to advise local forces.", "remain", "us_forces", None),
    ("The ceasefire is due to take effect on 10 March 2024.", "ceasefire", "ceasefire_parties", "2024-03-10"),
    ("Turkish troops were deployed to northern Iraq in 2019.", "deploy", "turkish_forces", "2019-12-31"),
    ("Kenya pledged to send 1,000 police officers to Haiti within three months.", None, None, None),
]


@pytest.mark.parametrize("text,event,subject,value_to", ENGLISH)
def test_english_sentences(text, event, subject, value_to):
    sources = sources_from_texts([{"text": text, "published": "2024-01-10"}])
    _, claims = process_sources(sources, Config())
    assert claims, "a one-line item is always a claim"
    c = claims[0]
    if event:
        assert c.event == event
    if subject:
        assert c.subject == subject
    if value_to:
        assert any(t.value_to == value_to for t in c.times), [t.to_json() for t in c.times]


def test_figures_and_negation():
    sources = sources_from_texts([{"text": "The Pentagon said 3,000 soldiers would not leave Iraq this year.",
                                   "published": "2024-01-10"}])
    _, claims = process_sources(sources, Config())
    c = claims[0]
    assert c.polarity == "negative"
    assert any(q.value == 3000 and q.unit == "troops" for q in c.quantities)


def _one(text: str, published: str = "2024-01-10"):
    _, claims = process_sources(sources_from_texts([{"text": text, "published": published}]), Config())
    assert claims
    return claims[0]


@pytest.mark.parametrize("text", [
    'قال مسؤول إن "القوات الفرنسية لا تزال في تشاد".',
    "وأكد المتحدث أن القوات التركية ما زالت في شمال العراق.",
    "The ministry said British troops are still in Estonia.",
])
def test_still_is_a_stay_not_a_denial(text):
    c = _one(text)
    assert c.event == "remain" and c.polarity == "positive"


def test_no_later_than_is_not_a_negation():
    c = _one("German troops will leave Mali no later than 31 May 2024, the ministry said.")
    assert c.polarity == "positive" and c.modality == "plan"


def test_scope_words_in_another_clause_do_not_qualify_the_claim():
    # the speaker dismisses "the end of the combat mission"; what he asserts is about all forces
    c = _one('قال متحدث إن "كل القوات الألمانية لا تزال في النيجر"، معتبرا أن إعلان انتهاء المهمة القتالية خدعة.')
    assert c.event == "remain" and "combat_forces" not in (c.scope or "") and "all_forces" in (c.scope or "")
    # a combat word in the event's own clause still counts
    c = _one("The United States will withdraw its combat troops from Syria by the end of the year, but trainers stay.")
    assert "combat_forces" in (c.scope or "")


def test_a_month_name_is_not_a_hedge():
    c = _one("The council announced on 31 May 2024 that the mission would end within 19 months.", "2024-06-03")
    assert c.modality == "plan"
    c = _one("The council said the mission may end within 19 months.", "2024-06-03")
    assert c.modality == "hedge"


@pytest.mark.parametrize("text,subject", [
    ("Russia has no plans to withdraw its peacekeepers from Transnistria before 2026.", "russian_forces"),
    ("أعلنت تركيا سحب قوات حفظ السلام التابعة لها من قبرص بحلول نهاية العام.", "turkish_forces"),
    ("UN peacekeepers will leave South Sudan by the end of 2025.", "un_mission"),
])
def test_whose_peacekeepers(text, subject):
    assert _one(text).subject == subject


@pytest.mark.parametrize("text", [
    "The Security Council voted on Thursday to close the United Nations political mission in Libya by 30 June 2025.",
    "صوت مجلس الأمن الدولي على إنهاء عمل بعثة الأمم المتحدة في الصومال بحلول نهاية تشرين الأول 2024.",
    "The council decided not to renew the mandate of the force in Lebanon.",
])
def test_closing_a_mission_is_an_end_of_mission(text):
    c = _one(text)
    assert c.event == "end_mission", c.cues


def test_an_anniversary_today_is_not_the_event_date():
    from checker.facets import facets_of

    text = "Today marks the first anniversary of the withdrawal of French troops from Niger, completed on 22 December 2023."
    sources = sources_from_texts([{"text": text, "published": "2024-12-22"}])
    _, claims = process_sources(sources, Config())
    c = claims[0]
    assert "anniversary" in c.cues
    dated = [f.time.value_from for f in facets_of(c, sources[0]) if f.kind == "time"]
    assert dated == ["2023-12-22"]


def test_a_span_of_history_is_not_a_timetable():
    from checker.facets import facets_of

    text = "The council voted to close the mission by 31 December 2025, ending more than two decades of UN work in Iraq."
    sources = sources_from_texts([{"text": text, "published": "2024-06-01"}])
    _, claims = process_sources(sources, Config())
    plans = [f.time.value_to for f in facets_of(claims[0], sources[0]) if f.kind == "time" and f.clock == "plan"]
    assert plans == ["2025-12-31"]


@pytest.mark.parametrize("text,subject,location", [
    # a country acting on its own forces is the subject; the host named after "from"/"في" is the place
    ("Spain will withdraw its troops from Lebanon by the end of 2026, the defence ministry said.", "forces:spain", "lebanon"),
    ("قررت مدريد سحب جنودها من لبنان بحلول نهاية 2026.", "forces:spain", "lebanon"),
    ("وتنتشر المهمة الإسبانية في لبنان منذ عام 2006.", "forces:spain", "lebanon"),
    ("Officials said on Monday that Kenya has about 1,000 police officers deployed in Haiti.", "forces:kenya", "haiti"),
    # the adjective after a forces noun gives the same id in both languages
    ("Kenyan troops will leave Somalia by June 2025.", "forces:kenya", "somalia"),
    ("ستغادر القوات الكينية الصومال بحلول حزيران 2025.", "forces:kenya", "somalia"),
])
def test_a_country_acting_on_its_forces_is_the_subject(text, subject, location):
    c = _one(text)
    assert c.event_family == "presence"
    assert (c.subject, c.location) == (subject, location)


def test_the_host_country_is_not_the_actor():
    c = _one("Somalia's government said the army is ready to take over the bases the troops leave in Somalia.")
    assert c.subject != "forces:somalia"


def test_a_multiplier_before_a_comma_still_counts():
    c = _one("Jordan signs a $500 million, 20-year port deal with an Emirati operator.")
    assert [q.value for q in c.quantities if q.unit == "dollars"] == [500_000_000]


def test_a_mandate_extension_is_not_a_stay():
    c = _one("The Security Council extended the mandate of the UN mission in South Sudan for one year.")
    assert c.event == "extend_mandate"
    c = _one("مدد مجلس الأمن الدولي ولاية بعثة الأمم المتحدة في جنوب السودان لمدة عام.")
    assert c.event == "extend_mandate"


def test_a_country_without_forces_is_not_a_subject():
    c = _one("The Tunisian player said on Monday she will withdraw from the Australian Open next week.")
    assert not (c.subject or "").startswith("forces:")


@pytest.mark.parametrize("text,unit,values", [
    # Arabic cardinals in words, with clitics, teens, compounds and "ونصف"
    ("أعلنت بلجيكا أنها ستسحب نحو ألف جندي من مالي.", "troops", [1000]),
    ("قالت الحكومة إن ألفي جندي سيغادرون القاعدة.", "troops", [2000]),
    ("نشرت ألمانيا خمسة وعشرين جنديا في النيجر.", "troops", [25]),
    ("رفع البنك المركزي الفائدة بخمسين نقطة أساس إلى تسعة ونصف بالمائة.", "basis_points", [50]),
    ("رفع البنك المركزي الفائدة بخمسين نقطة أساس إلى تسعة ونصف بالمائة.", "percent", [9.5]),
    # "ثلاثة آلاف": "آلاف" is the multiplier of the number before it, not a number of its own
    ("نشرت فرنسا ثلاثة آلاف جندي في الساحل.", "troops", [3000]),
    # a decimal comma ("6,4 بالمائة") is not 6 then 4; "7,250" still groups thousands
    ("تراجع التضخم إلى 6,4 بالمائة في آذار.", "percent", [6.4]),
    ("The army will cut the contingent to 7,250 troops.", "troops", [7250]),
])
def test_numbers_in_words_and_decimal_commas(text, unit, values):
    c = _one(text)
    assert [q.value for q in c.quantities if q.unit == unit] == pytest.approx(values)


def test_a_duration_measured_in_the_past_is_no_plan():
    from checker.facets import facets_of

    text = "قالت الحكومة إن القوات الإيطالية ستنسحب من العراق بحلول 30 حزيران 2025، عقب مفاوضات استمرت ثلاثة أيام."
    sources = sources_from_texts([{"text": text, "published": "2025-03-10"}])
    _, claims = process_sources(sources, Config())
    plans = [f.time.value_to for f in facets_of(claims[0], sources[0]) if f.kind == "time" and f.clock == "plan"]
    assert plans == ["2025-06-30"]


def test_a_first_in_years_is_a_look_back_not_a_date_ahead():
    from checker.facets import facets_of

    text = "Egypt's central bank cut its key rate by 100 basis points on Thursday, its first reduction in more than four years."
    sources = sources_from_texts([{"text": text, "published": "2025-04-18"}])
    _, claims = process_sources(sources, Config())
    facets = facets_of(claims[0], sources[0])
    assert not [f for f in facets if f.kind == "time" and f.time.text.startswith("in more than")]
    assert {f.clock for f in facets if f.kind == "figure"} == {"event"} or \
        {f.clock for f in facets if f.kind == "figure"} == {"state"}


@pytest.mark.parametrize("text", [
    "أعلنت الحكومة أن القوات البلجيكية المقاتلة ستغادر مالي بحلول نهاية 2025.",
    "قال الوزير إن الوحدات الإيطالية القتالية ستنسحب من العراق بحلول حزيران 2025.",
])
def test_combat_scope_with_the_nationality_in_between(text):
    c = _one(text)
    assert "combat_forces" in (c.scope or "")
