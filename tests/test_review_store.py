"""The verdict file (reviews.jsonl), the review queue and precision from verdicts."""
from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from checker import review_store as rs
from checker.errors import UsageError, VerdictError

DATA = Path(__file__).parent / "data" / "review"
FINDINGS = json.loads((DATA / "reports" / "findings.json").read_text(encoding="utf-8"))
IDS = {f["rule"]: f["id"] for f in FINDINGS["findings"]}


def test_append_writes_one_sorted_line_with_every_field(tmp_path):
    path = tmp_path / "reviews.jsonl"
    rs.append_verdict(path, IDS["conflicting-deadline"], "confirmed", tags=["scope", "scope"], note="same forces",
                      reviewer="amira", seconds=12.34, rules_version="sha256:abc", at="2026-11-24T03:00:00Z")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert list(record) == sorted(record)
    assert record == {"at": "2026-11-24T03:00:00Z", "checker_version": "0.1.0", "finding": IDS["conflicting-deadline"],
                      "note": "same forces", "reviewer": "amira", "rules_version": "sha256:abc", "seconds": 12.3,
                      "tags": ["scope"], "verdict": "confirmed"}


def test_latest_verdict_wins_and_undo_steps_back(tmp_path):
    path = tmp_path / "reviews.jsonl"
    a, b = IDS["conflicting-deadline"], IDS["conflicting-figure"]
    rs.append_verdict(path, a, "confirmed", reviewer="r")
    rs.append_verdict(path, b, "skip", reviewer="r")
    rs.append_verdict(path, a, "false_alarm", note="different scope", reviewer="r")
    assert {k: v["verdict"] for k, v in rs.latest_verdicts(path).items()} == {a: "false_alarm", b: "skip"}
    rs.append_undo(path, a, reviewer="r")
    assert rs.latest_verdicts(path)[a]["verdict"] == "confirmed"
    rs.append_undo(path, a, reviewer="r")
    rs.append_undo(path, a, reviewer="r")  # more undos than verdicts: nothing left, no error
    assert a not in rs.latest_verdicts(path)
    undo = json.loads(path.read_text(encoding="utf-8").splitlines()[-1])
    assert undo["verdict"] == "undo" and undo["finding"] == a and "note" not in undo


def test_missing_file_has_no_verdicts(tmp_path):
    assert rs.latest_verdicts(tmp_path / "nope.jsonl") == {}


@pytest.mark.parametrize("line, fragment", [
    ("{not json", "not valid JSON"),
    ('["a list"]', "must be a JSON object"),
    ('{"finding": "../../etc/passwd", "verdict": "confirmed"}', "finding id"),
    ('{"finding": "f-abcdef", "verdict": "maybe"}', "unknown verdict"),
    ('{"finding": "f-abcdef", "verdict": "confirmed", "tags": "scope"}', "'tags'"),
    ('{"finding": "f-abcdef", "verdict": "confirmed", "seconds": -1}', "'seconds'"),
    ("<<<<<<< HEAD", "merge conflict"),
])
def test_malformed_line_is_a_verdict_error_naming_file_and_line(tmp_path, line, fragment):
    path = tmp_path / "reviews.jsonl"
    good = json.dumps({"finding": "f-abcdef", "verdict": "confirmed"})
    path.write_text(f"{good}\n\n{line}\n{good}\n", encoding="utf-8")
    with pytest.raises(VerdictError) as caught:
        rs.latest_verdicts(path)
    error = caught.value
    assert error.exit_code == 2 and error.line == 3 and error.path == str(path)
    assert fragment in error.message
    assert error.one_line().startswith(f"[E501] {path}:3: ")


def test_append_rejects_bad_values(tmp_path):
    path = tmp_path / "reviews.jsonl"
    with pytest.raises(UsageError):
        rs.append_verdict(path, "f-../x", "confirmed", reviewer="r")
    with pytest.raises(UsageError):
        rs.append_verdict(path, "f-abcdef", "yes", reviewer="r")
    with pytest.raises(UsageError):
        rs.append_verdict(path, "f-abcdef", "confirmed", tags=["nonsense"], reviewer="r")
    assert not path.exists()


def test_concurrent_appends_never_interleave(tmp_path):
    path = tmp_path / "reviews.jsonl"
    ids = [f"f-{i:06x}" for i in range(40)]

    def work(chunk):
        for fid in chunk:
            rs.append_verdict(path, fid, "confirmed", note="x" * 3000, reviewer="r")

    threads = [threading.Thread(target=work, args=(ids[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(rs.latest_verdicts(path)) == ids


def test_two_reviewers_files_merge_by_concatenation(tmp_path):
    # what git's union merge produces when two people review different findings
    a, b = IDS["conflicting-deadline"], IDS["conflicting-figure"]
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    rs.append_verdict(one, a, "confirmed", reviewer="amira")
    rs.append_verdict(two, b, "false_alarm", reviewer="ben")
    merged = tmp_path / "reviews.jsonl"
    merged.write_text(one.read_text() + two.read_text())
    assert {k: v["reviewer"] for k, v in rs.latest_verdicts(merged).items()} == {a: "amira", b: "ben"}


def test_queue_orders_by_severity_then_unreviewed():
    findings = FINDINGS["findings"]
    order = rs.queue_order(findings, {})
    severities = [next(f["severity"] for f in findings if f["id"] == fid) for fid in order]
    assert severities == ["error", "error", "error", "warning", "info"]
    first_error = order[0]
    reordered = rs.queue_order(findings, {first_error: {"verdict": "confirmed"}})
    assert reordered[:3] == order[1:3] + [first_error]


def test_review_rows_filter_by_status():
    fid = IDS["conflicting-figure"]
    verdicts = {fid: {"finding": fid, "verdict": "false_alarm", "tags": ["scope"], "note": "n", "reviewer": "r"}}
    assert [r["id"] for r in rs.review_rows(FINDINGS, verdicts, "reviewed")] == [fid]
    assert fid not in [r["id"] for r in rs.review_rows(FINDINGS, verdicts, "unreviewed")]
    assert len(rs.review_rows(FINDINGS, verdicts, "all")) == len(FINDINGS["findings"])
    with pytest.raises(UsageError):
        rs.review_rows(FINDINGS, verdicts, "done")


def test_export_formats(tmp_path):
    rows = rs.review_rows(FINDINGS, {IDS["scope-differs"]: {"verdict": "skip", "tags": ["scope", "other"]}})
    rs.export_rows(rows, tmp_path / "v.jsonl")
    assert [json.loads(x)["id"] for x in (tmp_path / "v.jsonl").read_text().splitlines()] == [r["id"] for r in rows]
    rs.export_rows(rows, tmp_path / "v.json")
    assert json.loads((tmp_path / "v.json").read_text()) == rows
    rs.export_rows(rows, tmp_path / "v.csv")
    csv_text = (tmp_path / "v.csv").read_text()
    assert csv_text.splitlines()[0].startswith("id,severity,kind,rule")
    assert "scope;other" in csv_text


def test_precision_per_rule_and_kind():
    v = {IDS["conflicting-deadline"]: {"verdict": "confirmed"}, IDS["conflicting-figure"]: "false_alarm",
         IDS["announced-window-misses-deadline"]: {"verdict": "confirmed"}, IDS["scope-differs"]: {"verdict": "skip"},
         "f-00000000": "confirmed"}
    p = rs.precision_from_verdicts(FINDINGS, v)
    assert p["overall"]["findings"] == 5 and p["overall"]["reviewed"] == 4
    assert p["overall"]["precision"] == round(2 / 3, 4)
    assert p["by_kind"]["contradiction"]["precision"] == 0.5
    assert p["by_kind"]["inconsistency"]["precision"] == 1.0
    assert p["by_kind"]["tension"]["precision"] is None and p["by_kind"]["tension"]["skip"] == 1
    assert p["by_rule"]["figure-revised"] == {"findings": 1, "reviewed": 0, "confirmed": 0, "false_alarm": 0,
                                              "needs_source": 0, "skip": 0, "precision": None}
    assert p["unmatched"] == ["f-00000000"]


def test_fixture_follows_the_findings_json_schema():
    schema_module = pytest.importorskip("checker.report.findings")
    import jsonschema

    jsonschema.Draft202012Validator(schema_module.findings_schema()).validate(FINDINGS)


def test_load_findings_json_checks_the_contract(tmp_path):
    assert rs.load_findings_json(DATA / "reports" / "findings.json")["findings"]
    bad = tmp_path / "findings.json"
    bad.write_text(json.dumps({"sources": [], "claims": [], "findings": [{"id": "../x", "rule": "r"}]}))
    with pytest.raises(UsageError, match="id that is not like"):
        rs.load_findings_json(bad)
    bad.write_text("{")
    with pytest.raises(UsageError, match="not valid JSON"):
        rs.load_findings_json(bad)
    with pytest.raises(UsageError, match="not found"):
        rs.load_findings_json(tmp_path / "missing.json")


def test_infer_corpus_is_the_common_folder_of_sources(tmp_path, monkeypatch):
    shutil.copytree(DATA, tmp_path / "review")
    monkeypatch.chdir(tmp_path / "review")
    assert rs.infer_corpus(FINDINGS) == (tmp_path / "review" / "corpus").resolve()


def test_rules_version_changes_with_rule_content(tmp_path):
    (tmp_path / "a.yaml").write_text("id: a\n")
    first = rs.rules_version(tmp_path)
    (tmp_path / "a.yaml").write_text("id: b\n")
    assert first.startswith("sha256:") and rs.rules_version(tmp_path) != first
    assert rs.rules_version(tmp_path / "none") is None


def test_infer_corpus_from_another_working_directory(tmp_path, monkeypatch):
    # `checker check corpus --out reports` ran in review/; `checker review --findings` runs elsewhere
    shutil.copytree(DATA, tmp_path / "review")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    findings = tmp_path / "review" / "reports" / "findings.json"
    assert rs.infer_corpus(FINDINGS, findings) == (tmp_path / "review" / "corpus").resolve()
    assert rs.infer_corpus(FINDINGS) is None
