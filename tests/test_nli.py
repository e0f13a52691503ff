"""The NLI seam: a user-supplied cross-encoder adds evidence to findings; tested with a fake scorer."""
from __future__ import annotations

import pytest

from checker.errors import ConfigError
from checker.model import Claim, Finding
from checker.nli import add_nli_evidence, cross_encoder_scorer


def _claim(cid: str, text: str) -> Claim:
    return Claim(id=cid, source_id="s" + cid, sentence_index=0, text=text, start=0, end=len(text))


def test_fake_scorer_adds_evidence_and_signal():
    claims = [_claim("1", "Troops leave by June."), _claim("2", "Troops stay until December.")]
    finding = Finding(id="f-1", rule="r", kind="contradiction", severity="error", claims=("1", "2"),
                      sources=("s1", "s2"), message="m")
    seen = []

    def fake(pairs):
        seen.extend(pairs)
        return [{"contradiction": 0.8, "entailment": 0.1, "neutral": 0.1}]

    out = add_nli_evidence([finding], claims, fake)
    assert seen == [("Troops leave by June.", "Troops stay until December.")]
    assert out[0].evidence["nli"]["contradiction"] == 0.8
    assert "nli:contradiction" in out[0].signals
    assert out[0].kind == "contradiction"  # evidence only: the rule's verdict stands


def test_single_claim_findings_pass_through():
    finding = Finding(id="f-2", rule="r", kind="inconsistency", severity="error", claims=("1",),
                      sources=("s1",), message="m")
    assert add_nli_evidence([finding], [_claim("1", "x")], lambda p: []) == [finding]


def test_missing_model_folder_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError):
        cross_encoder_scorer(str(tmp_path / "nope"))
