"""The gate reads back only the new claims' neighbourhood (checker/claim_index.py); these tests hold it
to the same findings as analysing the whole stored corpus with the new claims, on a corpus made of
all our labelled stories (Arabic and English, drift chains, figures, several actors)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
# articles gated one at a time against the rest, each one side of a labelled conflict: drift steps
# (two of them in the middle of a chain), figures, a contradiction, a stale deadline, a self-inconsistency
GATED = [
    "ceasefire_moved/c3_ceasefire_moved_ar", "commitment_drift/k2_soon_ar", "troops_disputed/t2_deployment_ar_eg",
    "election_postponed/e2_vote_postponed_en", "stale_deadline/s2_stale_ar", "rates_units/q3_rate_cut_en_wrong",
    "chad_not_soon/d2_withdrawal_plan_ar", "niger_withdrawal/n2_niger_timeline_error",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("neighbourhood") / "corpus"
    for story in sorted((DATA / "stories").iterdir()):
        if story.is_dir():
            shutil.copytree(story, root / story.name, ignore=shutil.ignore_patterns("*.yaml", "*.md"))
    return root


def _everything(corpus: Path, new: Path, config):
    """Findings with a new claim when every stored claim is read (what the gate did before the index)."""
    from checker import pipeline
    from checker.gate import article_files
    from checker.ingest import ingest

    others = [f for f in article_files([corpus]) if f.resolve() != new.resolve()]
    old = ingest([str(f) for f in others]).sources
    fresh = ingest([str(new)]).sources
    _, old_claims = pipeline.process_sources(old, config)
    _, new_claims = pipeline.process_sources(fresh, config)
    ids = {c.id for c in new_claims}
    _, findings, _ = pipeline.analyse(list(old) + list(fresh), list(old_claims) + list(new_claims), config,
                                      new_claim_ids=ids)
    new_sources = {s.id for s in fresh}
    return [f for f in findings if ids.intersection(f.claims) or new_sources.intersection(f.sources)]


def _shape(findings):
    return sorted((f.id, f.rule, f.kind, f.sources, f.claims, f.message) for f in findings)


@pytest.mark.slow  # runs the real pipeline (embedding model included)
@pytest.mark.parametrize("article", GATED)
def test_the_gate_finds_what_analysing_every_stored_claim_finds(corpus, article, tmp_path):
    from checker.baseline import Baseline
    from checker.config import load_config
    from checker.gate import run_gate

    config = load_config(corpus)
    store = tmp_path / "store.sqlite"
    new = corpus / f"{article}.txt"  # the article a pull request adds
    held = tmp_path / "held" / new.name
    held.parent.mkdir()
    shutil.move(new, held)
    try:
        run_gate([], corpus, Baseline(()), config=config, store_path=store)  # fill the store, as CI would
        outcome = run_gate([held], corpus, Baseline(()), config=config, store_path=store)
    finally:
        shutil.move(held, new)
    expected = _everything(corpus, new, config)
    got = list(outcome.findings)
    assert expected, "each gated article is one side of a labelled conflict"
    assert _shape(got) == _shape(expected)
    assert outcome.stats["claims_read"] < outcome.stats["corpus_sources"]  # it did not read the corpus back
    for finding in got:  # everything a report needs about each finding was read
        assert set(finding.claims) <= set(outcome.claims) and set(finding.sources) <= set(outcome.sources)


@pytest.mark.slow
def test_a_store_written_before_the_claim_index_is_indexed_once(corpus, tmp_path):
    from checker.baseline import Baseline
    from checker.config import load_config
    from checker.gate import run_gate
    from checker.store import Store

    config = load_config(corpus)
    store_path = tmp_path / "store.sqlite"
    run_gate([], corpus, Baseline(()), config=config, store_path=store_path)
    with Store(store_path) as store:  # as an older checker left it: claims stored, no index
        store.conn.execute("DELETE FROM claim_index")
        store.conn.execute("UPDATE processed SET indexed = 0")
    story = corpus / "troops_disputed"
    new = sorted(story.glob("*.txt"))[-1]
    expected = _shape(_everything(corpus, new, config))
    held = tmp_path / new.name
    shutil.move(new, held)
    try:
        outcome = run_gate([held], corpus, Baseline(()), config=config, store_path=store_path)
    finally:
        shutil.move(held, new)
    assert outcome.stats["processed_corpus_sources"] == 0  # nothing re-extracted, only indexed
    assert _shape(outcome.findings) == expected
    from checker.pipeline import pipeline_version

    with Store(store_path) as store:
        indexed = store.index_state(pipeline_version(config))
    assert all(done for source_id, done in indexed.items() if source_id != new.stem)


@pytest.mark.slow
def test_an_unchanged_corpus_is_taken_from_the_remembered_state_and_any_change_is_noticed(corpus, tmp_path):
    import os
    import time

    from checker.baseline import Baseline
    from checker.config import load_config
    from checker.gate import run_gate

    site = tmp_path / "corpus"
    shutil.copytree(corpus / "troops_disputed", site / "troops_disputed")
    shutil.copytree(corpus / "ceasefire_moved", site / "ceasefire_moved")
    config = load_config(site)
    store = tmp_path / "store.sqlite"
    new = site / "troops_disputed" / "t2_deployment_ar_eg.txt"
    held = tmp_path / new.name
    shutil.move(new, held)
    first = run_gate([held], site, Baseline(()), config=config, store_path=store)
    again = run_gate([held], site, Baseline(()), config=config, store_path=store)
    assert not first.stats["corpus_state_reused"] and again.stats["corpus_state_reused"]
    assert _shape(again.findings) == _shape(first.findings) and first.findings

    # an edited corpus file (new bytes, new mtime) is matched and read again, not taken from the state
    wire = site / "troops_disputed" / "t3_deployment_restated_ar.txt"
    wire.write_text(wire.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    os.utime(wire, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    edited = run_gate([held], site, Baseline(()), config=config, store_path=store)
    assert not edited.stats["corpus_state_reused"] and edited.stats["ingested_corpus_files"] == 1

    # a removed corpus file is gone from the corpus (its stored source is not offered to the rules)
    (site / "troops_disputed" / "t1_deployment_en.txt").unlink()
    removed = run_gate([held], site, Baseline(()), config=config, store_path=store)
    assert not removed.stats["corpus_state_reused"]
    assert all("t1_deployment_en" not in f.sources for f in removed.findings)
    assert removed.stats["corpus_sources"] == again.stats["corpus_sources"] - 1
