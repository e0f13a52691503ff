"""The baseline file: sorted and diffable when written, strict when read, fixed and stale entries."""
from __future__ import annotations

import difflib
import json

import pytest

from checker.baseline import (Baseline, compare, create_baseline, dump_baseline, entry_from_finding,
                              latest_verdicts, load_baseline, parse_baseline, update_baseline, write_baseline)
from checker.errors import BaselineError, VerdictError
from checker.model import Finding


def finding(fid: str, rule: str = "event-date-conflict", severity: str = "error",
            sources: tuple[str, ...] = ("004_x", "new"), message: str = "Dated 2025 by one\nand 2024 by another.") -> Finding:
    return Finding(id=fid, rule=rule, kind="contradiction", severity=severity, claims=("c1", "c2"),
                   sources=sources, message=message)


def test_written_baseline_is_sorted_readable_and_round_trips(tmp_path):
    path = tmp_path / "baseline.yaml"
    baseline = create_baseline([finding("f-bbb222"), finding("f-aaa111", message="إعلان مؤرخ " * 60)])
    write_baseline(path, baseline)
    text = path.read_text(encoding="utf-8")
    assert text.index("id: f-aaa111") < text.index("id: f-bbb222")
    assert "إعلان مؤرخ" in text  # unicode kept readable, not escaped
    assert "\n  message: Dated 2025 by one and 2024 by another.\n" in text  # one short line
    again = load_baseline(path)
    assert [e.id for e in again.entries] == ["f-aaa111", "f-bbb222"]
    assert len(again.by_id()["f-aaa111"].message) <= 240
    assert dump_baseline(again) == text  # stable: rewriting changes nothing


def test_a_finding_entry_is_one_block_so_git_diffs_are_local(tmp_path):
    text = dump_baseline(create_baseline([finding("f-aaa111"), finding("f-ccc333")]))
    with_b = dump_baseline(create_baseline([finding("f-aaa111"), finding("f-bbb222"), finding("f-ccc333")]))
    diff = [line for line in difflib.unified_diff(text.splitlines(), with_b.splitlines(), lineterm="", n=0)
            if not line.startswith(("---", "+++", "@@"))]
    assert all(line.startswith("+") for line in diff)  # adding a finding removes or rewrites nothing
    assert len(diff) == 9  # exactly one entry block (diff may align it one entry later)


@pytest.mark.parametrize("text, line, words", [
    ("version: 1\nfindings:\n- id: f-a\n  rule: r\n  kind: contradiction\n  severity: error\n"
     "  sources: [a]\n  message: m\n  colour: red\n", 9, "unknown key 'colour'"),
    ("version: 1\nfindings:\n- id: f-a\n  rule: r\n  kind: contradiction\n  severity: fatal\n"
     "  sources: [a]\n  message: m\n", 6, "unknown severity"),
    ("version: 1\nfindings:\n- id: f-a\n  rule: r\n  kind: contradiction\n  severity: error\n"
     "  message: m\n", 3, "lacks 'sources'"),
    ("version: 1\nfindings:\n- id: f-a\n  rule: r\n  kind: contradiction\n  severity: error\n"
     "  sources: [a]\n  message: m\n- id: f-a\n  rule: r\n  kind: contradiction\n  severity: error\n"
     "  sources: [a]\n  message: m\n", 9, "listed twice (first on line 3)"),
    ("version: 1\nfindings:\n- id: f-a\n  rule: r\n  rule: s\n", 5, "duplicate key 'rule'"),
    ("version: 1\nfindings:\n- id: f-a\n  rule: [unclosed\n", 5, "not valid YAML"),
    ("version: 2\nfindings: []\n", 1, "'version' must be 1"),
    ("version: 1\nfindings: {}\n", 2, "'findings' must be a list"),
    ("version: 1\nfindings:\n- just a string\n", 3, "must be a mapping"),
    ("version: 1\nfindings:\n- id: f-a\n  rule: r\n  kind: contradiction\n  severity: error\n"
     "  sources: []\n  message: m\n", 7, "non-empty list"),
    ("version: 1\nfindings:\n- id: f-a\n  rule: r\n  kind: contradiction\n  severity: error\n"
     "  sources: [a]\n  message: m\n  status: ignored\n", 9, "unknown status"),
])
def test_a_malformed_baseline_names_the_line(text, line, words):
    with pytest.raises(BaselineError) as err:
        parse_baseline(text, "ci/baseline.yaml")
    assert err.value.line == line, err.value.one_line()
    assert words in err.value.one_line()
    assert err.value.one_line().startswith(f"[E301] ci/baseline.yaml:{line}: ")


def test_empty_and_missing_baselines_say_how_to_create_one(tmp_path):
    empty = tmp_path / "b.yaml"
    empty.write_text("")
    with pytest.raises(BaselineError, match="empty"):
        load_baseline(empty)
    with pytest.raises(BaselineError) as err:
        load_baseline(tmp_path / "missing.yaml")
    assert "checker baseline create" in err.value.one_line()


def test_compare_splits_new_accepted_and_suppressed():
    baseline = Baseline((entry_from_finding(finding("f-a00001")),
                         entry_from_finding(finding("f-b00002"), status="suppressed", note="typo in the outlet")))
    result = compare([finding("f-a00001"), finding("f-b00002"), finding("f-c00003"), finding("f-c00003")], baseline,
                     known_sources={"004_x", "new"})
    assert [f.id for f in result.new] == ["f-c00003"]
    assert [f.id for f in result.accepted] == ["f-a00001"]
    assert [f.id for f in result.suppressed] == ["f-b00002"]
    assert result.stale == ()
    gone = compare([], baseline, known_sources={"004_x"})
    assert [e.id for e, _ in gone.stale] == ["f-a00001", "f-b00002"]


def test_update_reports_fixed_and_stale_and_keeps_notes():
    baseline = Baseline((
        entry_from_finding(finding("f-0c0c01"), status="suppressed", note="known typo"),
        entry_from_finding(finding("f-0f0f02")),
        entry_from_finding(finding("f-05c003", sources=("deleted", "new"))),
        entry_from_finding(finding("f-0e1004", rule="retired-rule")),
    ))
    current = [finding("f-0c0c01", severity="warning"), finding("f-0e0005")]
    updated, report = update_baseline(baseline, current, known_sources={"004_x", "new"},
                                      known_rules={"event-date-conflict"})
    assert [e.id for e in updated.entries] == ["f-0c0c01", "f-0e0005"]
    kept = updated.by_id()["f-0c0c01"]
    assert (kept.status, kept.note, kept.severity) == ("suppressed", "known typo", "warning")
    assert [e.id for e in report.fixed] == ["f-0f0f02"]
    assert [(e.id, why) for e, why in report.stale] == [
        ("f-05c003", "source deleted is no longer in the corpus"),
        ("f-0e1004", "rule retired-rule no longer exists")]
    assert [e.id for e in report.added] == ["f-0e0005"]
    assert [e.id for e in report.changed] == ["f-0c0c01"]


def test_verdicts_accept_confirmed_and_suppress_false_alarms(tmp_path):
    reviews = tmp_path / "reviews.jsonl"
    lines = [
        {"finding": "f-a00001", "verdict": "false_alarm", "note": "first look", "reviewer": "r1", "at": "2026-01-01"},
        {"finding": "f-b00002", "verdict": "needs_source"},
        {"finding": "f-a00001", "verdict": "confirmed", "reviewer": "r2", "at": "2026-01-02"},
        {"finding": "f-c00003", "verdict": "false_alarm", "note": "same event, two phases", "reviewer": "r1"},
        {"finding": "f-fff999", "verdict": "confirmed"},
    ]
    reviews.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n", encoding="utf-8")
    verdicts = latest_verdicts(reviews)
    assert verdicts["f-a00001"]["verdict"] == "confirmed"  # the latest line wins
    current = [finding("f-a00001"), finding("f-b00002"), finding("f-c00003"), finding("f-d00004")]
    created = create_baseline(current, verdicts)
    assert [(e.id, e.status) for e in created.entries] == [("f-a00001", "accepted"), ("f-c00003", "suppressed")]
    assert created.by_id()["f-c00003"].note == "same event, two phases"
    assert created.by_id()["f-a00001"].reviewer == "r2"
    updated, report = update_baseline(Baseline((entry_from_finding(finding("f-d00004")),)), current,
                                      known_sources={"004_x", "new"}, verdicts=verdicts)
    assert [(e.id, e.status) for e in updated.entries] == [("f-a00001", "accepted"), ("f-c00003", "suppressed"),
                                                           ("f-d00004", "accepted")]
    assert report.unknown_verdicts == ("f-fff999",)
    write_baseline(tmp_path / "b.yaml", updated)
    assert load_baseline(tmp_path / "b.yaml").by_id()["f-c00003"].suppressed


def test_a_malformed_verdict_line_is_reported_with_its_line(tmp_path):
    reviews = tmp_path / "reviews.jsonl"
    reviews.write_text('{"finding": "f-a00001", "verdict": "confirmed"}\n{"finding": "f-b00002", "verdict": "maybe"}\n')
    with pytest.raises(VerdictError) as err:
        latest_verdicts(reviews)
    assert err.value.line == 2
    assert latest_verdicts(tmp_path / "none.jsonl") == {}
