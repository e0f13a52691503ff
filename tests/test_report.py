"""Reports: findings.json contract + schema, report.md golden files, HTML escaping and self-containment."""
from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

import jsonschema
import pytest

from checker.model import CheckResult, Claim, Cluster, Finding, Quantity, Source, TimeRef
from checker.report import findings_json, summary_text, write_reports
from checker.report.findings import findings_schema
from checker.report.html import html_report
from checker.report.markdown import markdown_report

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "report"
GOLDEN = HERE / "golden"
REPO = HERE.parent
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))


def load_fixture(path: Path = DATA / "fixture.json") -> CheckResult:
    """Build a CheckResult from the hand-written fixture; offsets come from the real corpus texts."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    root = path.parent / "corpus"
    sources = {}
    for s in spec["sources"]:
        text = (root / s["path"]).read_text(encoding="utf-8").rstrip("\n")
        n_lines = text.count("\n") + 1
        sources[s["id"]] = Source(
            id=s["id"], path=s["path"], text=text, language=s["language"], outlet=s.get("outlet"),
            url=s.get("url"), published=s.get("published"), published_how=s.get("published_how", "unknown"),
            published_confidence=s.get("published_confidence", 0.0), line_map=tuple(range(1, n_lines + 1)),
            lines_kept=n_lines, origin=s.get("origin"))
    claims = []
    for c in spec["claims"]:
        source = sources[c["source"]]
        start = source.text.index(c["text"])
        times = []
        for t in c.get("times", []):
            offset = c["text"].index(t["text"])
            times.append(TimeRef(text=t["text"], start=start + offset, end=start + offset + len(t["text"]),
                                 value_from=t["value_from"], value_to=t["value_to"], granularity=t["granularity"],
                                 anchor=t.get("anchor"), anchor_how=t.get("anchor_how", "published"),
                                 role=t.get("role", "point")))
        quantities = []
        for q in c.get("quantities", []):
            offset = c["text"].index(q["text"])
            quantities.append(Quantity(text=q["text"], start=offset, end=offset + len(q["text"]),
                                       value=q["value"], unit=q["unit"], value_max=q.get("value_max")))
        slots = {k: c[k] for k in ("event", "subject", "scope", "speaker", "attribution", "modality", "tense",
                                   "statement_date") if k in c}
        claims.append(Claim(id=c["id"], source_id=c["source"], sentence_index=source.text.count("\n", 0, start),
                            text=c["text"], start=start, end=start + len(c["text"]), times=tuple(times),
                            quantities=tuple(quantities), **slots))
    clusters = [Cluster(id=k["id"], label=k["label"], claims=tuple(k["claims"]), event_family=k.get("event_family"))
                for k in spec["clusters"]]
    findings = [Finding(id=f["id"], rule=f["rule"], kind=f["kind"], severity=f["severity"], claims=tuple(f["claims"]),
                        sources=tuple(f["sources"]), message=f["message"], evidence=f["evidence"],
                        question=f.get("question", ""), confidence=f.get("confidence", 1.0),
                        signals=tuple(f.get("signals", ())), cluster=f.get("cluster"))
                for f in spec["findings"]]
    return CheckResult(sources=tuple(sources.values()), claims=tuple(claims), clusters=tuple(clusters),
                       findings=tuple(findings), warnings=tuple(spec["warnings"]), embedder=spec["embedder"],
                       embedder_fallback=spec["embedder_fallback"], corpus_root=str(root))


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"{path} is missing; run with UPDATE_GOLDEN=1 to create it, then read it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        import difflib

        diff = "".join(list(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                 f"golden/{name}", "rendered"))[:80])
        pytest.fail(f"{name} differs from the golden file (if the change is wanted, rerun with UPDATE_GOLDEN=1 "
                    f"and read the diff before committing):\n{diff}")


@pytest.fixture(scope="module")
def fixture_result() -> CheckResult:
    return load_fixture()


@pytest.fixture(scope="module")
def fixture_html(fixture_result) -> str:
    return html_report(fixture_result, DATA / "out")


@pytest.fixture(scope="module")
def schema() -> dict:
    jsonschema.Draft202012Validator.check_schema(findings_schema())
    return findings_schema()


# findings.json -----------------------------------------------------------------------------------

def test_findings_json_follows_the_contract(fixture_result, schema):
    data = findings_json(fixture_result)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["checker"]["embedder"] == "fake-hash-embedder" and data["checker"]["embedder_fallback"] is True
    assert [s["id"] for s in data["sources"]] == ["ar_statement", "en_old", "en_wire", "xss"]
    ar = next(c for c in data["claims"] if c["id"] == "c-ar-window")
    assert ar["source"] == "ar_statement" and ar["line"] == 2
    assert ar["times"][0]["value_to"] == "2026-09-27"
    # offsets point into the source text
    src = fixture_result.source("ar_statement")
    assert src.text[ar["start"]:ar["end"]] == ar["text"]
    # errors first, then by kind
    assert [f["id"] for f in data["findings"]] == ["f-contra01", "f-incons01", "f-tension01", "f-drift01"]
    contra = data["findings"][0]
    assert contra["evidence"]["similarity"] == 0.8123  # evidence floats rounded for stable output
    assert data["warnings"] == list(fixture_result.warnings)


def test_findings_json_is_deterministic_and_plain_json(fixture_result):
    import dataclasses

    shuffled = dataclasses.replace(fixture_result, sources=fixture_result.sources[::-1],
                                   claims=fixture_result.claims[::-1], clusters=fixture_result.clusters[::-1],
                                   findings=fixture_result.findings[::-1])
    a = json.dumps(findings_json(fixture_result), ensure_ascii=False, sort_keys=True)
    b = json.dumps(findings_json(shuffled), ensure_ascii=False, sort_keys=True)
    assert a == b
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", a), "no timestamps in findings.json"


def test_schema_rejects_a_broken_finding(fixture_result, schema):
    data = findings_json(fixture_result)
    data["findings"][0]["kind"] = "disagreement"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    data = findings_json(fixture_result)
    data["sources"][0]["published"] = "7 Nov 2025"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_evidence_with_tuples_sets_and_dates_serialises():
    import datetime as dt

    from checker.report.findings import jsonable

    value = {"a": (1, 2), "b": {"y", "x"}, "c": dt.date(2025, 9, 27), "d": float("nan"), 3: 0.123456789}
    assert jsonable(value) == {"a": [1, 2], "b": ["x", "y"], "c": "2025-09-27", "d": None, "3": 0.1235}


# report.md ---------------------------------------------------------------------------------------

def test_markdown_golden_fixture(fixture_result):
    text = markdown_report(fixture_result, DATA / "out")
    check_golden("report_fixture.md", text)


def test_markdown_content(fixture_result):
    text = markdown_report(fixture_result, DATA / "out")
    assert "WARNING: the fallback embedder" in text
    assert "| contradiction | 1 " in text.replace("  ", " ") or re.search(r"\|\s*contradiction\s*\|\s*1\s*\|", text)
    # relative link to the source line, from the report folder
    assert "(../corpus/ar_statement.txt#L2)" in text
    # matched span marked inside the claim text
    assert "**خلال الـ12 شهراً المقبلة**" in text
    assert "**Question for the reviewer:** Which end date did the officials give, and when?" in text
    # raw HTML from articles cannot become markup in the Markdown either
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert" in text
    # cluster timeline in assertion order: 2011 before 2024 before 2025
    timeline = text.split("## Timelines", 1)[1].split("### ", 2)[1]
    assert timeline.index("2011 (inferred)") < timeline.index("2024-09-28 (manifest)") < timeline.index("2025-09-27 (statement)")


# report.html -------------------------------------------------------------------------------------

def test_html_escapes_article_text(fixture_html):
    page = fixture_html
    body = page.split("<body>", 1)[1]
    assert "<script>alert" not in body and "<img" not in body and "<b>" not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in body
    # exactly one script element: ours, for the filters
    assert len(re.findall(r"<script\b", page)) == 1


def test_html_is_self_contained_and_rtl_aware(fixture_html):
    page = fixture_html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "no remote resources"
    assert "@import" not in page and "url(http" not in page
    assert '"Noto Naskh Arabic"' in page
    assert re.search(r'<blockquote class="claim-text" dir="rtl" lang="ar">أعلن', page)
    assert 'href="../corpus/ar_statement.txt#L2"' in page
    assert 'data-kind="contradiction" data-severity="error"' in page
    assert 'id="fallback-banner"' in page and "publication date unknown" in page
    assert "<mark>خلال الـ12 شهراً المقبلة</mark>" in page


def test_html_has_one_chart_per_drawable_cluster_with_unique_ids(fixture_html):
    page = fixture_html
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert len(svgs) == 2  # mission end (dates), troops (numbers); the xss source has no date to draw at
    assert "No claim in this cluster has a known assertion date" in page
    ids = re.findall(r'\bid="([^"]+)"', "".join(svgs))
    assert len(ids) == len(set(ids)), "SVG ids collide across charts"
    for svg in svgs:
        for ref in re.findall(r"url\(#([^)]+)\)", svg):
            assert f'id="{ref}"' in svg
    assert "<!-- claimed figure (troops) -->" in page  # the numbers cluster gets a numeric y axis
    assert "<text" not in "".join(svgs)


def test_claims_without_times_get_an_assertion_strip(fixture_result):
    import dataclasses

    bare = dataclasses.replace(fixture_result, claims=tuple(dataclasses.replace(c, times=(), quantities=())
                                                             for c in fixture_result.claims))
    page = html_report(bare, DATA / "out")
    assert 'aria-label="when 4 claims were asserted"' in page
    assert "the chart shows when each source asserted it" in page


def test_html_and_markdown_are_byte_identical_across_runs(fixture_result, tmp_path):
    (tmp_path / "a").mkdir()
    first = [p.read_bytes() for p in write_reports(fixture_result, tmp_path / "a")]
    second = [p.read_bytes() for p in write_reports(fixture_result, tmp_path / "a")]
    assert first == second
    for data in first:
        assert not re.search(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", data), "no timestamps in the reports"


def test_write_reports_writes_three_files_and_nothing_else(fixture_result, tmp_path):
    out = tmp_path / "reports"
    paths = write_reports(fixture_result, out)
    assert [p.name for p in paths] == ["findings.json", "report.md", "report.html"]
    assert sorted(p.name for p in out.iterdir()) == ["findings.json", "report.html", "report.md"]
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    assert len(data["findings"]) == 4
    assert "عشتار" in paths[0].read_text(encoding="utf-8")  # not \u-escaped


def test_empty_result_renders():
    empty = CheckResult(sources=(), claims=(), clusters=(), findings=())
    assert "No findings." in markdown_report(empty, Path("reports"))
    page = html_report(empty, Path("reports"))
    assert "No findings." in page and "<svg" not in page
    jsonschema.validate(findings_json(empty), findings_schema())


def test_summary_text(fixture_result):
    text = summary_text(fixture_result, [Path("reports/findings.json")])
    assert text.splitlines()[0] == "4 sources, 8 claims, 3 clusters, 4 findings"
    assert "fallback embedder" in text
    assert re.search(r"contradiction\s+1", text)
    assert text.rstrip().endswith("wrote reports/findings.json")


def test_timeline_partial_dates():
    import datetime as dt

    from checker.report.timeline import parse_partial_date

    assert parse_partial_date("2011") == dt.date(2011, 1, 1)
    assert parse_partial_date("2011", end=True) == dt.date(2011, 12, 31)
    assert parse_partial_date("2024-02", end=True) == dt.date(2024, 2, 29)
    assert parse_partial_date("2025-09-27") == dt.date(2025, 9, 27)
    assert parse_partial_date(None) is None and parse_partial_date("soon") is None


# seeds -------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def seeds_check() -> CheckResult:
    """The seeds through the real pipeline, once per session (the browser test reuses it)."""
    import inspect

    pipeline = pytest.importorskip("checker.pipeline", reason="checker.pipeline (run_check) has not landed yet")
    from checker.config import load_config

    seeds = REPO / "seeds"
    # no store: the test must not leave seeds/.checker behind, and must not depend on a stale cache
    options = {k: v for k, v in (("use_store", False), ("progress", False))
               if k in inspect.signature(pipeline.run_check).parameters}
    return pipeline.run_check([seeds], load_config(seeds), **options)


@pytest.fixture(scope="module")
def seeds_result() -> CheckResult:
    return seeds_check()


@pytest.mark.slow
def test_markdown_golden_seeds(seeds_result, schema):
    jsonschema.validate(findings_json(seeds_result), schema)
    text = markdown_report(seeds_result, REPO / "reports")
    check_golden("report_seeds.md", text)


def test_arabic_runs_in_english_sentences_are_isolated():
    from checker.report.html import isolate

    out = str(isolate('Ishtar says "خلال الـ12 شهراً المقبلة" → 2025-09-27..2026-09-27 <b>'))
    assert '<bdi dir="rtl" lang="ar">خلال الـ12 شهراً المقبلة</bdi>' in out
    assert out.endswith("→ 2025-09-27..2026-09-27 &lt;b&gt;")
    # a year ending an Arabic quote belongs to it; a figure followed by English does not
    assert '<bdi dir="rtl" lang="ar">نهاية أيلول 2025</bdi>' in str(isolate("by نهاية أيلول 2025 (deadline)"))
    assert '<bdi dir="rtl" lang="ar">الجيش</bdi> 2500 troops' in str(isolate("الجيش 2500 troops"))
    assert str(isolate("plain English")) == "plain English"


def test_reports_are_readable_by_others(fixture_result, tmp_path):
    old = os.umask(0o022)
    try:
        paths = write_reports(fixture_result, tmp_path)
    finally:
        os.umask(old)
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in paths)


def test_limits_on_timelines_and_charts(fixture_result, tmp_path):
    from types import SimpleNamespace

    paths = write_reports(fixture_result, tmp_path, SimpleNamespace(report_max_timelines=2, report_max_charts=1))
    md = paths[1].read_text(encoding="utf-8")
    page = paths[2].read_text(encoding="utf-8")
    assert "1 more clusters without findings left out" in md
    assert page.count("<svg") == 1 and "Chart left out: only the first 1 clusters" in page
    assert len(json.loads(paths[0].read_text(encoding="utf-8"))["clusters"]) == 3


def test_links_are_percent_encoded(tmp_path):
    from checker.report.view import relative_href

    target = tmp_path / "corpus" / "أخبار يوم.txt"
    assert relative_href(target, tmp_path / "reports") == "../corpus/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1%20%D9%8A%D9%88%D9%85.txt"


def test_direction_follows_the_claims_own_script():
    from checker.report.view import is_rtl

    assert is_rtl("قال المتحدث إن القوات ستغادر", "en")
    assert not is_rtl('"We will not leave," said the US envoy (AFP).', "ar")
    assert is_rtl("2025 - 12", "ar") and not is_rtl("2025 - 12", "en")


def test_cluster_with_dates_and_figures_gets_both_charts(fixture_result):
    import dataclasses

    def with_troops(claim, n):
        return dataclasses.replace(claim, quantities=(Quantity(text=str(n), start=0, end=1, value=n, unit="troops"),))

    claims = tuple(with_troops(c, 5000 if c.id == "c-old-deadline" else 2500)
                   if c.id in ("c-old-deadline", "c-en-deadline") else c for c in fixture_result.claims)
    page = html_report(dataclasses.replace(fixture_result, claims=claims), DATA / "out")
    mission = page.split('id="cluster-k-mission-end"', 1)[1].split("</section>", 1)[0]
    assert 'aria-label="timeline of 4 claimed dates"' in mission  # one window + three deadlines
    assert 'aria-label="timeline of 2 troops figures"' in mission


def test_warnings_name_files_from_the_corpus_root(fixture_result):
    import dataclasses

    root = fixture_result.corpus_root
    noisy = dataclasses.replace(fixture_result, warnings=(f"{root}/notes.yaml: not an article file — skipped",))
    assert "- notes.yaml: not an article file — skipped" in markdown_report(noisy, DATA / "out")
    assert findings_json(noisy)["warnings"] == [f"{root}/notes.yaml: not an article file — skipped"]
