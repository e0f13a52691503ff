"""checker.evaluate: scoring on hand-made findings dicts, data loading, the CLI, and (slow) the
regression test that holds the real pipeline's scores on tests/data/stories at the saved baseline."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from checker import evaluate as ev
from checker.errors import UsageError
from checker.model import TimeRef

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "tests/data/stories"
TIMEX = ROOT / "tests/data/eval/timex.jsonl"
BASELINE = ROOT / "tests/data/eval/baseline_scores.json"

EXPECT = {
    "published": {"a": "2024-03-04", "b": "2024-03-06", "c": "2024-04-22", "n": "2024-03-05"},
    "expected": [
        {"name": "a vs c drift", "sources": ["a", "c"], "kinds": ["drift"]},
        {"name": "b inconsistent", "sources": ["b"], "kinds": ["inconsistency"]},
    ],
    "forbidden": [{"sources": ["a", "b"], "kinds": ["contradiction", "drift"]}],
    "silent": ["n"],
}


def finding(rule: str, kind: str, *sources: str) -> dict:
    return {"id": f"f-{rule}-{'-'.join(sources)}", "rule": rule, "kind": kind, "sources": list(sources)}


def doc(*findings: dict, dates: dict | None = None) -> dict:
    dates = dates if dates is not None else EXPECT["published"]
    return {"sources": [{"id": sid, "published": d} for sid, d in dates.items()], "findings": list(findings)}


def test_perfect_run_scores_one_everywhere():
    score = ev.score_story(EXPECT, doc(finding("moved-deadline", "drift", "a", "c"),
                                       finding("window-misses-deadline", "inconsistency", "b")))
    assert score.missed == [] and score.wrong == [] and score.noise == []
    assert score.per_kind["drift"].to_json()["f1"] == 1.0
    assert score.per_kind["inconsistency"].recall == 1.0
    assert (score.dates_right, score.dates_total) == (4, 4)


def test_missed_wrong_noise_and_unlabelled_are_counted_apart():
    score = ev.score_story(EXPECT, doc(
        finding("moved-deadline", "drift", "a", "c"),
        finding("same-week-conflict", "contradiction", "a", "b"),  # forbidden
        finding("number-conflict", "contradiction", "c", "n"),  # on a silent source
        finding("scope", "tension", "b", "c"),  # no label says anything
    ))
    assert score.missed == ["b inconsistent"]
    assert score.wrong == ["['a', 'b'] called contradiction (same-week-conflict)"]
    assert score.noise == ["number-conflict on ['c', 'n']"]
    con = score.per_kind["contradiction"]
    assert (con.reported, con.correct, con.wrong) == (2, 0, 2)
    assert con.precision == 0.0 and con.recall is None
    ten = score.per_kind["tension"]
    assert ten.precision == 0.0 and ten.precision_labelled is None  # unlabelled: strict only
    inc = score.per_kind["inconsistency"]
    assert (inc.expected, inc.found, inc.reported) == (1, 0, 0) and inc.f1 == 0.0
    assert len(score.unexpected) == 2  # the two contradictions, as the shared scorer lists them


def test_finding_on_a_superset_of_sources_does_not_match():
    score = ev.score_story(EXPECT, doc(finding("moved-deadline", "drift", "a", "b", "c")))
    assert score.missed == ["a vs c drift", "b inconsistent"]


def test_source_ids_are_compared_by_stem_and_dates_by_day():
    dates = {"corpus/a.txt": "2024-03-04", "b": "2024-03-06T10:00", "c": "2024-04", "n": None}
    score = ev.score_story(EXPECT, doc(finding("r", "drift", "corpus/a.txt", "c.txt"), dates=dates))
    assert score.per_kind["drift"].found == 1
    assert score.dates_right == 2 and any(e.startswith("c:") for e in score.date_errors)


def test_expected_item_with_several_kinds_is_credited_to_the_kind_found():
    exp = {"expected": [{"name": "x", "sources": ["a", "b"], "kinds": ["contradiction", "inconsistency"]}]}
    got = ev.score_story(exp, doc(finding("r", "inconsistency", "a", "b"), dates={}))
    assert got.per_kind["inconsistency"].found == 1 and "contradiction" not in got.per_kind
    missed = ev.score_story(exp, doc(dates={}))
    assert missed.per_kind["contradiction"].expected == 1


def test_report_totals_over_stories_and_per_rule():
    one = ev.score_story(EXPECT, doc(finding("moved-deadline", "drift", "a", "c")), "one")
    two = ev.score_story(EXPECT, doc(finding("moved-deadline", "drift", "a", "b")), "two")
    report = ev.StoriesReport([one, two]).to_json()
    assert report["per_rule"]["moved-deadline"]["reported"] == 2
    assert report["per_rule"]["moved-deadline"]["correct"] == 1
    assert report["per_kind"]["drift"]["recall"] == 0.5
    assert report["wrong"] == 1 and report["published_accuracy"] == 1.0


def test_expectations_are_validated(tmp_path):
    bad = tmp_path / "expectations.yaml"
    bad.write_text("expected:\n  - {name: x, sources: [a], kinds: [contradicton]}\n", encoding="utf-8")
    with pytest.raises(UsageError, match="unknown kind"):
        ev.load_expectations(bad)
    bad.write_text("expected: [\n", encoding="utf-8")
    with pytest.raises(UsageError):
        ev.load_expectations(bad)


@pytest.mark.parametrize("story", sorted(p.name for p in STORIES.iterdir() if p.is_dir()))
def test_stories_are_well_formed(story):
    folder = STORIES / story
    exp = ev.load_expectations(folder / "expectations.yaml")
    stems = {p.stem for p in folder.glob("*.txt")}
    assert set(exp["published"]) == stems, "every article has its publication date labelled"
    for item in exp["expected"] + exp["forbidden"]:
        assert set(item["sources"]) <= stems
    assert set(exp["silent"]) <= stems
    assert exp["expected"], "a story without an expected finding tests nothing"
    for stem_ in stems:  # the labelled date is the one the dateline states
        first = (folder / f"{stem_}.txt").read_text(encoding="utf-8").splitlines()[0]
        assert first.strip(), stem_


def test_story_folders_finds_each_story_and_evaluate_uses_the_injected_check():
    folders = ev.story_folders(STORIES)
    assert len(folders) >= 6 and ev.story_folders(folders[0]) == [folders[0]]
    report = ev.evaluate_stories([STORIES], check=lambda folder: {"sources": [], "findings": []})
    data = report.to_json()
    assert data["overall"]["found"] == 0 and data["overall"]["expected"] >= 6
    assert data["published_accuracy"] == 0.0


def test_pairs_load_and_score(tmp_path):
    path = tmp_path / "pairs.jsonl"
    rows = [
        {"a": {"text": "x", "lang": "en"}, "b": {"text": "y", "lang": "ar"}, "same_fact": "same",
         "kind": "contradiction", "split": "dev"},
        {"a": "x", "b": "z", "same_fact": "related", "kind": "none", "split": "test"},
        {"a": "u", "b": "v", "same_fact": True, "kind": "none"},
        {"a": {"text": "u", "published": "2020-01-01"}, "b": "w", "same_fact": "unrelated", "kind": "drift"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    pairs = ev.load_pairs(path)
    assert [p.same_fact for p in pairs] == [True, False, True, False]
    assert pairs[2].kind is None
    assert (pairs[3].published_a, pairs[3].published_b) == ("2020-01-01", "2020-01-01")  # partner's date
    assert [p.a for p in ev.load_pairs(path, split="test")] == ["x"]
    outcomes = [
        ev.PairOutcome(1, 1, True, frozenset({"contradiction"})),
        ev.PairOutcome(1, 1, True, frozenset({"tension"})),
        ev.PairOutcome(1, 0, False, frozenset()),
        ev.PairOutcome(1, 1, False, frozenset({"drift"})),
    ]
    report = ev.score_pairs(pairs, outcomes)
    assert (report.clustering.tp, report.clustering.fp, report.clustering.fn) == (1, 1, 1)
    assert report.clustering_by_split["test"].fp == 1 and report.clustering_by_split["dev"].tp == 1
    assert report.per_kind["contradiction"].f1 == 1.0
    assert report.per_kind["tension"].precision == 0.0
    assert report.both_sides_claimed == 3


def test_project_pair_set_loads():
    path = ROOT / "tests/data/pairs/pairs.jsonl"
    if not path.is_file():
        pytest.skip("the pair set is created by the matching work")
    pairs = ev.load_pairs(path)
    assert len(pairs) >= 200
    assert all(p.same_article == (p.kind == "inconsistency") for p in pairs)


def test_bad_pair_line_names_file_and_line(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"a": "x", "b": "y", "same_fact": true}\n{"a": "x"}\n', encoding="utf-8")
    with pytest.raises(UsageError) as err:
        ev.load_pairs(path)
    assert err.value.line == 2


def test_outcome_reads_clusters_and_exact_source_findings():
    pair = ev.LabelledPair("a", "b", True, "contradiction")
    doc_ = {
        "claims": [{"id": "c1", "source": "pair-1"}, {"id": "c2", "source": "pair-2"}, {"id": "c3", "source": "pair-2"}],
        "clusters": [{"id": "k1", "claims": ["c1", "c3"]}],
        "findings": [finding("r", "contradiction", "pair-1", "pair-2"), finding("s", "inconsistency", "pair-2")],
    }
    out = ev.outcome_from_findings(doc_, pair)
    assert out.same_cluster and out.kinds == frozenset({"contradiction"}) and (out.claims_a, out.claims_b) == (1, 2)


def test_inconsistency_pair_is_one_article_split_by_offset():
    pair = ev.LabelledPair("Troops leave within 90 days of 1 March.", "Done by December.", True, "inconsistency",
                           same_article=True)
    lines = ev.pair_corpus_lines(pair)
    assert len(lines) == 1 and lines[0]["text"] == f"{pair.a} {pair.b}"
    doc_ = {"claims": [{"id": "c1", "source": "pair-1", "start": 0}, {"id": "c2", "source": "pair-1", "start": len(pair.a) + 1}],
            "clusters": [{"id": "k", "claims": ["c1", "c2"]}],
            "findings": [finding("window", "inconsistency", "pair-1")]}
    out = ev.outcome_from_findings(doc_, pair)
    assert (out.claims_a, out.claims_b, out.same_cluster, out.kinds) == (1, 1, True, frozenset({"inconsistency"}))


def test_run_pairs_writes_two_line_jsonl_corpora():
    seen = []

    def fake_check(folder: Path) -> dict:
        lines = [json.loads(x) for x in (folder / "pair.jsonl").read_text(encoding="utf-8").splitlines()]
        seen.append(lines)
        flagged = "not" in lines[1]["text"]
        return {"claims": [{"id": "a", "source": "pair-1"}, {"id": "b", "source": "pair-2"}],
                "clusters": [{"id": "k", "claims": ["a", "b"]}],
                "findings": [finding("r", "contradiction", "pair-1", "pair-2")] if flagged else []}

    pairs = [ev.LabelledPair("troops left", "troops did not leave", None, "contradiction", label="disagree"),
             ev.LabelledPair("troops left", "soldiers left", None, None, label="agree"),
             ev.LabelledPair("rates up", "rates were not raised", None, None, label="agree")]
    outcomes = ev.run_pairs(pairs, fake_check)
    assert all(len(lines) == 2 and lines[0]["published"] == lines[1]["published"] for lines in seen)
    stance = ev.score_stance(pairs, outcomes)
    assert (stance.disagree.tp, stance.disagree.fp, stance.agree.tp) == (1, 1, 1)
    assert stance.macro_f1 == pytest.approx((2 / 3 + 2 / 3) / 2)


def test_load_ans_skips_other_and_honours_limit(tmp_path):
    path = tmp_path / "stance.csv"
    path.write_text("s1,s2,stance\nا,ب,agree\nج,د,other\nه,و,disagree\nز,ح,agree\n", encoding="utf-8")
    pairs = ev.load_ans(path)
    assert [p.label for p in pairs] == ["agree", "disagree", "agree"]
    assert len(ev.load_ans(path, limit=2)) == 2
    (tmp_path / "bad.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    with pytest.raises(UsageError, match="missing column"):
        ev.load_ans(tmp_path / "bad.csv")


def test_timex_table_is_scored_on_exact_intervals():
    rows = ev.load_timex(TIMEX)
    assert len(rows) >= 40

    def fake_find_times(text: str, anchor: str):
        if "August 2010" in text:
            return [TimeRef("August 2010", 0, 11, "2010-08-01", "2010-08-31", "month")]
        if "2021" in text:
            return [TimeRef("2021", 0, 4, "2021-01-01", "2021-06-30", "year")]  # wrong end
        return []

    report = ev.score_timex(rows[:3], fake_find_times)
    assert (report.exact, report.detected, report.n) == (1, 2, 3)
    assert len(report.errors) == 2


def test_detect_kind(tmp_path):
    assert ev.detect_kind(STORIES) == "stories"
    assert ev.detect_kind(TIMEX) == "timex"
    (tmp_path / "p.jsonl").write_text('{"a": "x", "b": "y"}\n', encoding="utf-8")
    assert ev.detect_kind(tmp_path / "p.jsonl") == "pairs"
    (tmp_path / "o.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError):
        ev.detect_kind(tmp_path / "o.txt")
    with pytest.raises(UsageError):
        ev.detect_kind(tmp_path / "missing")


def test_a_data_folder_stands_for_the_sets_inside_it(tmp_path):
    assert ev.expand_data([ROOT / "tests/data"]) == ev.default_data(ROOT)
    assert ev.expand_data([STORIES]) == [STORIES]
    with pytest.raises(UsageError, match="no labelled data"):
        ev.expand_data([tmp_path])


def test_baseline_comparison_only_on_measured_sets():
    scores = {"stories": ev.StoriesReport([ev.score_story(EXPECT, doc(finding("m", "drift", "a", "c")))]).to_json()}
    base = ev.baseline_metrics(scores)
    assert ev.below_baseline(scores, base) == []
    assert ev.below_baseline(scores, {**base, "timex.accuracy": 0.9}) == []  # timex not measured now
    worse = {"stories": ev.StoriesReport([ev.score_story(EXPECT, doc())]).to_json()}
    fallen = ev.below_baseline(worse, base)
    assert any(f.startswith("stories.drift.recall") for f in fallen)


def test_tables_render_every_section():
    scores = {
        "stories": ev.StoriesReport([ev.score_story(EXPECT, doc(finding("m", "drift", "a", "c")), "s1")]).to_json(),
        "timex": ev.TimexReport(n=4, detected=3, exact=2).to_json(),
        "ans": ev.score_stance([ev.LabelledPair("a", "b", None, None, label="agree")],
                               [ev.PairOutcome(1, 1, True, frozenset())]).to_json(),
    }
    text = ev.render_tables(scores)
    assert "findings per kind" in text and "drift" in text and "s1" in text
    assert "Time resolution: 2/4 exact (0.50)" in text
    assert "ANS stance dev (1 agree/disagree pairs)" in text


def test_cli_eval_json_on_a_story_with_a_fake_pipeline(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from checker.cli import app

    story = tmp_path / "s"
    story.mkdir()
    (story / "a.txt").write_text("BERLIN, 3 May 2023 — x\n", encoding="utf-8")
    (story / "expectations.yaml").write_text(yaml.safe_dump(
        {"published": {"a": "2023-05-03"}, "expected": [{"name": "x", "sources": ["a"], "kinds": ["inconsistency"]}]}),
        encoding="utf-8")
    monkeypatch.setattr(ev, "pipeline_check", lambda folder: doc(finding("r", "inconsistency", "a"),
                                                                 dates={"a": "2023-05-03"}))
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["eval", str(tmp_path), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["stories"]["overall"]["f1"] == 1.0 and json.loads(out.read_text())["stories"]["published_accuracy"] == 1.0


@pytest.mark.slow
def test_scores_on_stories_do_not_fall_below_the_baseline():
    """The real pipeline on tests/data/stories (and time resolution on the timex table) must score at
    least what `checker eval --save-baseline` recorded. Fails when a change makes the rules miss,
    misfire or misdate what they caught before."""
    pytest.importorskip("checker.pipeline")
    assert BASELINE.is_file(), "run `checker eval --save-baseline` once the pipeline works"
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))["metrics"]
    scores = {"stories": ev.evaluate_stories([STORIES]).to_json(),
              "timex": ev.score_timex(ev.load_timex(TIMEX)).to_json()}
    fallen = ev.below_baseline(scores, baseline)
    assert not fallen, "scores fell below tests/data/eval/baseline_scores.json:\n" + "\n".join(fallen)


def test_cli_eval_verdicts_gives_precision_per_rule_and_kind(tmp_path):
    from typer.testing import CliRunner

    from checker.cli import app
    from checker.review_store import append_verdict

    findings = ROOT / "tests/data/review/reports/findings.json"
    if not findings.is_file():
        pytest.skip("review fixture not present")
    doc_ = json.loads(findings.read_text(encoding="utf-8"))
    first, second = doc_["findings"][0], doc_["findings"][1]
    reviews = tmp_path / "reviews.jsonl"
    append_verdict(reviews, first["id"], "confirmed", reviewer="t")
    append_verdict(reviews, second["id"], "false_alarm", reviewer="t")
    result = CliRunner().invoke(app, ["eval", "--verdicts", str(reviews), "--findings", str(findings),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["verdicts"]
    assert data["overall"]["precision"] == 0.5
    assert data["by_rule"][first["rule"]]["confirmed"] >= 1
    table = CliRunner().invoke(app, ["eval", "--verdicts", str(reviews), "--findings", str(findings)])
    assert "Review verdicts" in table.stdout and f"rule: {first['rule']}" in table.stdout
    missing = CliRunner().invoke(app, ["eval", "--verdicts", str(tmp_path / "none.jsonl"), "--findings", str(findings)])
    assert missing.exit_code != 0
