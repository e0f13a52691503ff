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
