"""Renderers of findings: SARIF valid against the official 2.1.0 schema, rdjson, JUnit, json, text."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from checker.errors import UsageError
from checker.formats import FORMATS, FindingsView, RuleInfo, artifact_path, render
from checker.model import Claim, Finding, Source

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

OLD_LINES = ["Menu | Home | Politics", "في (27 أيلول 2025)، أعلنت حكومتا العراق والولايات المتحدة عن اتفاق.",
             "Share on Facebook", "وعدّ السوداني أن التخفيض التدريجي ليس تراجعاً."]
NEW_LINES = ["أعلن العراق والولايات المتحدة في 27 أيلول 2024 اتفاقاً على إنهاء مهمة التحالف."]


@pytest.fixture()
def corpus(tmp_path, monkeypatch):
    root = tmp_path / "repo" / "corpus"
    root.mkdir(parents=True)
    (root / "old.txt").write_text("\n".join(OLD_LINES) + "\n", encoding="utf-8")
    (root / "new article.txt").write_text("\n".join(NEW_LINES) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "repo")
    kept_old = "\n".join([OLD_LINES[1], OLD_LINES[3]])  # boilerplate lines 1 and 3 dropped
    old = Source(id="old", path="old.txt", text=kept_old, language="ar", line_map=(2, 4), content_hash="a")
    new = Source(id="new article", path="new article.txt", text=NEW_LINES[0], language="ar", line_map=(1,),
                 content_hash="b")
    second = kept_old.index("وعدّ")
    claims = {
        "c-old": Claim(id="c-old", source_id="old", sentence_index=0, text=OLD_LINES[1], start=0,
                       end=len(OLD_LINES[1])),
        "c-old2": Claim(id="c-old2", source_id="old", sentence_index=1, text=OLD_LINES[3], start=second,
                        end=len(kept_old)),
        "c-new": Claim(id="c-new", source_id="new article", sentence_index=0, text=NEW_LINES[0], start=0,
                       end=len(NEW_LINES[0])),
    }
    findings = [
        Finding(id="f-aaa111", rule="event-date-conflict", kind="contradiction", severity="error",
                claims=("c-old", "c-new"), sources=("old", "new article"),
                message="The announcement is dated 2025-09-27 by old and\n2024-09-27 by new article."),
        Finding(id="f-bbb222", rule="scope-tension", kind="tension", severity="info",
                claims=("c-old2", "c-new"), sources=("old", "new article"), message="Scope differs."),
    ]
    return FindingsView(findings=findings, sources={"old": old, "new article": new}, claims=claims, root=root,
                        new_sources={"new article"},
                        rules={"event-date-conflict": RuleInfo("event-date-conflict",
                                                               "Two sources date the same event differently.",
                                                               "contradiction", "error")},
                        fail_on="warning", summary={"new": 2, "baselined": 0})


def test_text_is_one_compiler_style_line_per_finding_pointing_at_the_new_file(corpus):
    assert render("text", corpus).splitlines() == [
        "corpus/new article.txt:1: error contradiction event-date-conflict: The announcement is dated "
        "2025-09-27 by old and 2024-09-27 by new article.",
        "corpus/new article.txt:1: info tension scope-tension: Scope differs.",
    ]


def test_line_numbers_map_back_through_dropped_boilerplate(corpus):
    corpus.new_sources = ()
    locations = corpus.locations(corpus.findings[1])
    assert [(loc.path, loc.line) for loc in locations] == [("corpus/old.txt", 4), ("corpus/new article.txt", 1)]


def test_sarif_is_valid_against_the_official_schema(corpus):
    document = json.loads(render("sarif", corpus))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)
    run = document["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["event-date-conflict", "scope-tension"]
    assert run["tool"]["driver"]["rules"][0]["fullDescription"]["text"] == "Two sources date the same event differently."
    first, second = run["results"]
    assert (first["ruleId"], first["level"], second["level"]) == ("event-date-conflict", "error", "note")
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "corpus/new%20article.txt"
    assert location["region"]["startLine"] == 1
    related = first["relatedLocations"][0]["physicalLocation"]
    assert (related["artifactLocation"]["uri"], related["region"]["startLine"]) == ("corpus/old.txt", 2)
    assert first["partialFingerprints"]["checkerFindingId/v1"] == "f-aaa111"


def test_sarif_without_findings_is_still_valid(corpus):
    corpus.findings = []
    document = json.loads(render("sarif", corpus))
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(document)
    assert document["runs"][0]["results"] == []


def test_a_broken_sarif_document_fails_the_schema(corpus):
    document = json.loads(render("sarif", corpus))
    document["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(document)


def test_rdjson_follows_reviewdogs_diagnostic_format(corpus):
    document = json.loads(render("rdjson", corpus))
    assert document["source"]["name"] == "checker"
    assert document["severity"] == "ERROR"
    diag = document["diagnostics"][0]
    assert diag["severity"] == "ERROR" and diag["code"] == {"value": "event-date-conflict"}
    assert diag["location"] == {"path": "corpus/new article.txt", "range": {"start": {"line": 1}, "end": {"line": 1}}}
    assert diag["related_locations"][0]["location"]["path"] == "corpus/old.txt"
    assert document["diagnostics"][1]["severity"] == "INFO"


def test_junit_has_one_testcase_per_finding_and_fails_only_at_the_threshold(corpus):
    root = ET.fromstring(render("junit", corpus))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 2
    assert cases[0].find("failure") is not None and cases[0].get("file") == "corpus/new article.txt"
    assert cases[1].find("failure") is None  # info is below --fail-on warning
    assert root.get("failures") == "1"
    corpus.findings = []
    empty = ET.fromstring(render("junit", corpus))
    assert [c.get("name") for c in empty.iter("testcase")] == ["no new findings"]


def test_json_carries_findings_locations_and_whether_they_fail(corpus):
    document = json.loads(render("json", corpus))
    assert document["summary"] == {"new": 2, "baselined": 0}
    assert [f["fails"] for f in document["findings"]] == [True, False]
    assert document["findings"][0]["locations"][0] == {"path": "corpus/new article.txt", "line": 1, "end_line": 1,
                                                       "source": "new article", "claim": "c-new"}


def test_every_format_renders_and_unknown_ones_are_a_usage_error(corpus):
    for fmt in FORMATS:
        assert render(fmt, corpus).endswith("\n")
    with pytest.raises(UsageError):
        render("xml", corpus)


def test_paths_outside_the_base_stay_absolute_and_missing_files_stay_as_given(tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("x")
    assert artifact_path(Source(id="e", path=str(outside), text="x"), base=tmp_path / "sub") == outside.as_posix()
    assert artifact_path(Source(id="m", path="gone/missing.txt", text="x"), base=tmp_path) == "gone/missing.txt"
