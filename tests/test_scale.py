"""checker.scale: the Ray Data path gives the same claims and clusters as the single-process check.

Runs a local Ray with 2 CPUs; skipped cleanly when the optional extra (ray[data]) is not installed.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "tests/data/stories/niger_withdrawal"


def _claims(result):
    return sorted((c.source_id, c.id, c.text, c.event, c.polarity, tuple((t.value_from, t.value_to) for t in c.times))
                  for c in result.claims)


def _clusters(result):
    return sorted(tuple(sorted(k.claims)) for k in result.clusters)


def test_discover_gives_corpus_wide_ids(tmp_path):
    from checker.scale import discover

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for sub in ("a", "b"):
        (tmp_path / sub / "same.txt").write_text("BERLIN, 3 May 2023 — Troops left.\n", encoding="utf-8")
    (tmp_path / "a" / "solo.txt").write_text("BERLIN, 3 May 2023 — Troops left.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    files, ids = discover([tmp_path])
    assert sorted(ids.values()) == ["a/same", "b/same", "solo"]
    assert all(Path(f).suffix == ".txt" for f in files)


def test_missing_ray_is_a_one_line_error(monkeypatch, tmp_path):
    import builtins

    from checker import scale
    from checker.config import Config
    from checker.errors import UsageError

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(UsageError, match=r"\[scale\]"):
        scale.prepare_store([STORY], Config(), tmp_path / "store.sqlite")


@pytest.mark.slow
def test_ray_path_matches_single_process(tmp_path, monkeypatch):
    pytest.importorskip("ray.data")
    from checker import claims as claims_module
    from checker import embed as embed_module
    from checker.config import load_config
    from checker.pipeline import run_check
    from checker.scale import prepare_store
    from checker.store import Store

    corpus = tmp_path / "corpus"
    shutil.copytree(STORY, corpus, ignore=shutil.ignore_patterns("*.yaml"))
    shutil.copytree(ROOT / "tests/data/stories/troops_disputed", corpus / "more", ignore=shutil.ignore_patterns("*.yaml"))
    config = load_config(corpus)
    single = run_check([corpus], config, use_store=False)

    store_path = tmp_path / "scaled.sqlite"
    stats = prepare_store([corpus], config, store_path, num_cpus=2, batch_size=3)
    assert stats.articles == len(single.sources) and stats.claims == len(single.claims)
    with Store(store_path) as store:
        assert store.counts()["processed"] == len(single.sources)
        assert store.embedding_count() == len({c.text for c in single.claims})

    # the check after the Ray job must find every article processed and embedded: no stage re-runs
    def must_not_run(*args, **kwargs):
        raise AssertionError("a per-article stage ran again after the Ray job")

    monkeypatch.setattr(claims_module, "extract_claims", must_not_run)
    monkeypatch.setattr(embed_module.UseEmbedder, "encode", must_not_run)
    scaled = run_check([corpus], config, store_path=store_path)
    assert _claims(scaled) == _claims(single)
    assert _clusters(scaled) == _clusters(single)
    assert sorted(f.id for f in scaled.findings) == sorted(f.id for f in single.findings)
    assert [s.published for s in scaled.sources] == [s.published for s in single.sources]
