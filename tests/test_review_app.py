"""HTTP-level tests of the review app (every route, escaping, CSRF, origins, ids) and the review CLI."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from checker import review_app as ra
from checker import review_store as rs

DATA = Path(__file__).parent / "data" / "review"
BASE = "http://127.0.0.1"
CHECKER = Path(sys.executable).parent / "checker"


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A copy of the fixture (corpus + reports/findings.json), as the working directory."""
    shutil.copytree(DATA, tmp_path / "review")
    monkeypatch.chdir(tmp_path / "review")
    return tmp_path / "review"


@pytest.fixture
def session(work):
    doc = rs.load_findings_json(work / "reports" / "findings.json")
    return ra.build_session(doc, work / "corpus", reviewer="tester", findings_path=work / "reports" / "findings.json")


@pytest.fixture
def client(session):
    return TestClient(ra.create_app(session), base_url=BASE)


def ids_by_rule(session):
    return {f["rule"]: f["id"] for f in session.findings_doc["findings"]}


def post(client, session, url, data=None, **headers):
    body = {"csrf": session.csrf_token, **(data or {})}
    return client.post(url, data=body, headers={"origin": BASE, **headers}, follow_redirects=False)


def all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_queue_page_lists_findings_by_severity_with_progress(client, session):
    page = client.get("/")
    assert page.status_code == 200
    assert "0 of 5 reviewed" in page.text
    positions = [page.text.index(f"/f/{fid}") for fid in session.order]
    assert positions == sorted(positions)
    assert [session.findings[f]["severity"] for f in session.order] == ["error", "error", "error", "warning", "info"]
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["x-frame-options"] == "DENY"


def test_finding_page_shows_both_sides_with_marked_spans(client, session):
    fid = ids_by_rule(session)["conflicting-deadline"]
    page = client.get(f"/f/{fid}")
    assert page.status_code == 200
    text = page.text
    assert 'lang="ar"' in text and 'dir="auto"' in text
    assert text.count('<mark class="claim">') == 2
    # the evidence names each side's time expression: marked as the focus in the paragraph and table
    assert text.count('<mark class="time focus">by 31 December 2023</mark>') == 2
    assert text.count('<mark class="time focus">حتى منتصف عام 2024</mark>') == 2
    assert "says: <span>by 2023-12-31 (“by 31 December 2023”)</span>" in text
    assert "u9_wire_copy" in text  # restated_by of side A
    assert "Do both sources speak about the same forces" in text  # the rule's question
    assert "2023-07-03" in text and "(dateline)" in text  # publication date and how it was found
    assert "2023-06-30 → 2023-12-31" in text  # resolved time
    assert "<dt>deadline_b</dt><dd><bdi>2024-06-30</bdi></dd>" in text  # evidence
    assert '<dl class="evidence nested"><dt>a</dt><dd><bdi>1</bdi></dd>' in text  # nested evidence
    assert "<dt>restated_by</dt><dd><span class=\"muted\">none</span></dd>" in text
    assert "<dt>clock</dt>" not in text  # the a/b sides are shown as columns, not repeated as evidence
    assert f'src="/timeline/{fid}.svg"' in text
    for key in ("c", "f", "n", "s", "u", "j", "k"):
        assert f"<kbd>{key}</kbd>" in text
    assert "finding 1 of 5" in text


def test_paragraph_context_around_the_claim(client, session):
    fid = ids_by_rule(session)["figure-revised"]
    text = client.get(f"/f/{fid}").text
    # the Arabic claim is a whole paragraph; the English one is marked inside its file paragraph
    assert "<mark class=\"claim\">Traders quoted a banker as saying &#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in text


def test_article_text_and_finding_fields_are_escaped(client, session):
    for fid in session.order:
        text = client.get(f"/f/{fid}").text
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "<b>not bold</b>" not in text
        assert 'href="javascript:' not in text
    text = client.get(f"/f/{ids_by_rule(session)['conflicting-figure']}").text
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in text
    assert "Wire &#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in text
    assert "&lt;b&gt;not bold&lt;/b&gt;" in text
    assert "javascript:alert(3)" in text  # shown as text, not a link
    queue = client.get("/").text
    assert "<b>not bold</b>" not in queue


def test_ids_are_validated(client, session):
    assert client.get("/f/not-an-id").status_code == 400
    assert client.get("/f/f-000000").status_code == 404
    assert client.get("/f/..%2F..%2Fetc%2Fpasswd").status_code in (400, 404)
    assert client.get("/timeline/f-000000.svg").status_code == 404
    assert post(client, session, "/f/f-zzzzzz/verdict", {"verdict": "confirmed"}).status_code == 400
    assert post(client, session, "/f/f-0000000/verdict", {"verdict": "confirmed"}).status_code == 404
    assert not session.reviews_file.exists()


def test_verdict_post_appends_and_moves_on(client, session):
    ids = ids_by_rule(session)
    fid = ids["conflicting-deadline"]
    client.get(f"/f/{fid}")
    response = post(client, session, f"/f/{fid}/verdict",
                    {"verdict": "confirmed", "tag": ["scope", "wrong-date"], "note": "  same forces  "})
    assert response.status_code == 303
    assert response.headers["location"] == f"/f/{session.order[1]}"
    record = json.loads(session.reviews_file.read_text(encoding="utf-8"))
    assert record["verdict"] == "confirmed" and record["tags"] == ["scope", "wrong-date"]
    assert record["note"] == "same forces" and record["reviewer"] == "tester"
    assert isinstance(record["seconds"], float) and record["seconds"] >= 0
    assert record["rules_version"] == session.rules_version and record["checker_version"]
    assert "1 of 5 reviewed" in client.get("/").text
    page = client.get(f"/f/{fid}").text
    assert "Current verdict" in page and "same forces" in page


def test_verdict_post_as_json(client, session):
    fid = session.order[-1]
    response = post(client, session, f"/f/{fid}/verdict", {"verdict": "skip"}, accept="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and body["recorded"]["verdict"] == "skip" and body["next"] == f"/f/{session.order[0]}"
    assert body["progress"]["reviewed"] == 1


def test_bad_form_values_are_refused(client, session):
    fid = session.order[0]
    assert post(client, session, f"/f/{fid}/verdict", {"verdict": "maybe"}).status_code == 400
    assert post(client, session, f"/f/{fid}/verdict", {"verdict": "confirmed", "tag": "nonsense"}).status_code == 400
    assert post(client, session, f"/f/{fid}/verdict", {"verdict": "confirmed", "note": "x" * 5000}).status_code == 400
    assert not session.reviews_file.exists()


def test_csrf_token_is_required(client, session):
    fid = session.order[0]
    no_token = client.post(f"/f/{fid}/verdict", data={"verdict": "confirmed"}, headers={"origin": BASE})
    wrong = client.post(f"/f/{fid}/verdict", data={"verdict": "confirmed", "csrf": "guess"}, headers={"origin": BASE})
    header = client.post(f"/f/{fid}/verdict", data={"verdict": "confirmed"}, follow_redirects=False,
                         headers={"origin": BASE, "x-csrf-token": session.csrf_token})
    assert no_token.status_code == 403 and wrong.status_code == 403
    assert header.status_code == 303
    assert len(session.reviews_file.read_text().splitlines()) == 1
    assert session.csrf_token in client.get("/").text  # the page carries it
    other = ra.build_session(session.findings_doc, session.corpus, reviewer="x")
    assert other.csrf_token != session.csrf_token  # per-server secret


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example"},
    {"origin": "http://127.0.0.1:9999"},
    {"origin": "null"},
    {"referer": "http://evil.example/page"},
    {"sec-fetch-site": "cross-site"},
])
def test_foreign_origins_are_rejected(client, session, headers):
    fid = session.order[0]
    response = client.post(f"/f/{fid}/verdict", data={"verdict": "confirmed", "csrf": session.csrf_token},
                           headers=headers, follow_redirects=False)
    assert response.status_code == 403
    for url in ("/undo", f"/f/{fid}/undo"):
        assert client.post(url, data={"csrf": session.csrf_token}, headers=headers).status_code == 403
    assert not session.reviews_file.exists()


def test_foreign_host_header_is_refused(session):
    client = TestClient(ra.create_app(session), base_url="http://evil.example")
    assert client.get("/").status_code == 400


def test_undo_routes(client, session):
    a, b = session.order[0], session.order[1]
    assert post(client, session, "/undo", {"current": a}).status_code == 409  # nothing yet
    assert post(client, session, f"/f/{a}/undo").status_code == 409
    post(client, session, f"/f/{a}/verdict", {"verdict": "confirmed"})
    post(client, session, f"/f/{b}/verdict", {"verdict": "false_alarm", "note": "n"})
    response = post(client, session, "/undo", {"current": session.order[2]})
    assert response.status_code == 303 and response.headers["location"] == f"/f/{b}"
    assert set(session.verdicts()) == {a}
    post(client, session, f"/f/{a}/verdict", {"verdict": "needs_source"})
    response = post(client, session, f"/f/{a}/undo")
    assert response.status_code == 303 and response.headers["location"] == f"/f/{a}"
    assert session.verdicts()[a]["verdict"] == "confirmed"  # stepped back to the earlier verdict
    lines = [json.loads(x) for x in session.reviews_file.read_text().splitlines()]
    assert [x["verdict"] for x in lines] == ["confirmed", "false_alarm", "undo", "needs_source", "undo"]
    # after a restart the session history is empty: undo falls back to the page's finding
    fresh = ra.build_session(session.findings_doc, session.corpus, reviewer="tester")
    fresh_client = TestClient(ra.create_app(fresh), base_url=BASE)
    assert post(fresh_client, fresh, "/undo", {"current": a}).headers["location"] == f"/f/{a}"
    assert fresh.verdicts() == {}


def test_api_queue(client, session):
    post(client, session, f"/f/{session.order[2]}/verdict", {"verdict": "false_alarm"})
    body = client.get("/api/queue").json()
    assert body["progress"] == {"reviewed": 1, "total": 5,
                                "counts": {"confirmed": 0, "false_alarm": 1, "needs_source": 0, "skip": 0}}
    assert [row["id"] for row in body["queue"]] == session.order
    assert body["queue"][2]["verdict"] == "false_alarm"


def test_timeline_svg(client, session):
    response = client.get(f"/timeline/{session.order[0]}.svg")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert response.content.lstrip().startswith(b"<?xml") and b"<svg" in response.content
    assert b"u1_un_mali_vote" in response.content


def test_timeline_404_without_times(work):
    doc = rs.load_findings_json(work / "reports" / "findings.json")
    for claim in doc["claims"]:
        claim["times"] = []
    session = ra.build_session(doc, work / "corpus", reviewer="t")
    client = TestClient(ra.create_app(session), base_url=BASE)
    fid = session.order[0]
    assert client.get(f"/timeline/{fid}.svg").status_code == 404
    assert "No resolved times to draw" in client.get(f"/f/{fid}").text


def test_report_route(client, session, work):
    assert client.get("/report").status_code == 404
    (work / "reports" / "report.html").write_text("<html><body>full report</body></html>")
    with_report = ra.build_session(session.findings_doc, session.corpus, reviewer="t",
                                   findings_path=work / "reports" / "findings.json")
    report_client = TestClient(ra.create_app(with_report), base_url=BASE)
    response = report_client.get("/report")
    assert response.status_code == 200 and "full report" in response.text
    assert response.headers["content-security-policy"].startswith("sandbox allow-scripts;")  # one policy only
    fid = ids_by_rule(session)["conflicting-deadline"]
    assert 'href="/report#cluster-k-un-mali-withdrawal"' in report_client.get(f"/f/{fid}").text


def test_static_files(client):
    js = client.get("/static/review.js")
    assert js.status_code == 200 and "keydown" in js.text
    assert client.get("/static/review.css").status_code == 200
    assert client.get("/static/../review_store.py").status_code == 404


def test_server_writes_only_the_verdict_file(client, session, work):
    before = all_files(work)
    for fid in session.order:
        client.get(f"/f/{fid}")
        client.get(f"/timeline/{fid}.svg")
        post(client, session, f"/f/{fid}/verdict", {"verdict": "confirmed"})
    post(client, session, "/undo")
    assert all_files(work) - before == {work / "corpus" / "reviews.jsonl"}


def test_claim_context_when_the_paragraph_is_missing():
    claim = {"text": "<b>x</b> on 3 May", "times": [{"text": "3 May"}]}
    context = ra.claim_context("unrelated text", claim)
    assert not context["found"]
    assert str(context["html"]) == '<mark class="claim">&lt;b&gt;x&lt;/b&gt; on <mark class="time">3 May</mark></mark>'
    spaced = ra.claim_context("Before.\nThe  army\nleft on 3 May.\nAfter.", {"text": "The army left on 3 May.",
                                                                           "times": [{"text": "3 May"}]})
    assert spaced["found"] and '<mark class="time">3 May</mark>' in str(spaced["html"])


def test_claim_line_picks_the_right_repeat():
    text = "Header\nThe army left.\nMiddle line.\nThe army left. Again, later.\n"
    context = ra.claim_context(text, {"text": "The army left.", "line": 4, "times": []})
    assert str(context["html"]) == '<mark class="claim">The army left.</mark> Again, later.'


def test_versions_come_from_the_findings_file(session):
    assert session.rules_version == "rules-fixture-1" and session.checker_version == "0.1.0"


def test_html_and_jsonl_sources_give_context(tmp_path):
    page = tmp_path / "a.html"
    page.write_text("<html><script>var x='<p>';</script><p>Intro.</p><p>The army &amp; police left.</p></html>")
    text = ra.read_source_text({"id": "a", "path": str(page)}, tmp_path)
    assert "The army & police left." in text and "var x" not in text
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": "first"}) + "\n" + json.dumps({"title": "T", "text": "second"}) + "\n")
    assert ra.read_source_text({"id": "feed-2", "path": str(feed)}, tmp_path) == "T\n\nsecond"
    assert ra.read_source_text({"id": "feed-9", "path": str(feed)}, tmp_path) is None


# ---------------------------------------------------------------- CLI

def run_cli(*args, cwd):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "USER": "cli-user"}
    return subprocess.run([str(CHECKER), *args], cwd=cwd, capture_output=True, text=True, timeout=60, env=env)


def test_cli_list_verdict_export(work):
    fid = rs.load_findings_json(work / "reports" / "findings.json")["findings"][2]["id"]
    listed = run_cli("review", "--list", cwd=work)
    assert listed.returncode == 0, listed.stderr
    header = listed.stdout.splitlines()[0].split()
    assert header == ["id", "severity", "kind", "rule", "verdict", "message"]
    assert len(listed.stdout.splitlines()) == 2 + 5
    done = run_cli("review", "--verdict", fid, "false_alarm", "--note", "different rate", "--tag", "scope", cwd=work)
    assert done.returncode == 0 and done.stdout == ""
    record = json.loads((work / "corpus" / "reviews.jsonl").read_text())
    assert record["reviewer"] == "cli-user" and record["note"] == "different rate" and record["tags"] == ["scope"]
    reviewed = json.loads(run_cli("review", "--list", "--status", "reviewed", "--format", "json", cwd=work).stdout)
    assert [r["id"] for r in reviewed] == [fid] and reviewed[0]["verdict"] == "false_alarm"
    unreviewed = json.loads(run_cli("review", "--list", "--status", "unreviewed", "--format", "json", cwd=work).stdout)
    assert fid not in [r["id"] for r in unreviewed] and len(unreviewed) == 4
    assert run_cli("review", "--export", "out.json", cwd=work).returncode == 0
    exported = json.loads((work / "out.json").read_text())
    assert len(exported) == 5 and {r["id"]: r["verdict"] for r in exported}[fid] == "false_alarm"
    assert run_cli("review", "--verdict", fid, "undo", cwd=work).returncode == 0
    assert rs.latest_verdicts(work / "corpus" / "reviews.jsonl") == {}


@pytest.mark.parametrize("args, fragment", [
    (["--verdict", "f-000000", "confirmed"], "no finding f-000000"),
    (["--verdict", "../etc", "confirmed"], "not a finding id"),
    (["--verdict", "FID", "maybe"], "unknown verdict"),
    (["--verdict", "FID", "confirmed", "--tag", "nope"], "unknown tag"),
    (["--list", "--export", "x.json"], "one of"),
    (["--note", "x"], "--note and --tag go with --verdict"),
    (["--findings", "missing.json", "--list"], "not found"),
])
def test_cli_usage_errors_exit_2(work, args, fragment):
    fid = rs.load_findings_json(work / "reports" / "findings.json")["findings"][0]["id"]
    result = run_cli("review", *[fid if a == "FID" else a for a in args], cwd=work)
    assert result.returncode == 2 and fragment in result.stderr and "Traceback" not in result.stderr
    assert not (work / "corpus" / "reviews.jsonl").exists()


def test_cli_malformed_verdict_file_exits_2(work):
    (work / "corpus" / "reviews.jsonl").write_text('{"finding": "f-abcdef", "verdict": "confirmed"}\n{oops\n')
    result = run_cli("review", "--list", cwd=work)
    assert result.returncode == 2
    assert re.search(r"\[E501\] .*reviews\.jsonl:2: not valid JSON", result.stderr)


def test_cli_serves_on_loopback_and_stops_on_ctrl_c(work):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([str(CHECKER), "review", "--no-open", "--reviewer", "srv"], cwd=work, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 30
        while "http://" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert url, line
        page = httpx.get(url.group(0), timeout=10)
        assert page.status_code == 200 and "0 of 5 reviewed" in page.text
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) in (0, 130)
        assert proc.stdout.read() == ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_context_found_when_run_from_another_directory(work, tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    findings = work / "reports" / "findings.json"
    doc = rs.load_findings_json(findings)
    session = ra.build_session(doc, rs.infer_corpus(doc, findings), reviewer="t", findings_path=findings)
    page = TestClient(ra.create_app(session), base_url=BASE).get(f"/f/{session.order[2]}").text
    assert "PARIS, 2 March 2022 — <mark" in page and "paragraph was not found" not in page


def test_queue_after_everything_is_reviewed(client, session):
    for fid in session.order:
        response = post(client, session, f"/f/{fid}/verdict", {"verdict": "skip"})
    assert response.headers["location"] == "/"
    page = client.get("/").text
    assert "All 5 findings have a verdict." in page and "5 of 5 reviewed" in page
    assert 'action="/undo"' in page
    assert post(client, session, "/undo").headers["location"] == f"/f/{session.order[-1]}"


@pytest.mark.slow
def test_cli_checks_the_corpus_when_there_is_no_findings_json(work):
    shutil.rmtree(work / "reports")
    (work / "checker.toml").write_text('[checker]\nembedder = "tfidf"\n')  # no model needed
    result = run_cli("review", "--corpus", "corpus", "--list", "--format", "json", cwd=work)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    stems = {p.stem for p in (work / "corpus").glob("*.txt")}
    assert "checking corpus first" in result.stderr
    assert isinstance(rows, list) and all(set(r["sources"]) <= stems for r in rows)


def test_request_body_is_capped(client, session):
    fid = session.order[0]
    response = post(client, session, f"/f/{fid}/verdict", {"verdict": "confirmed", "note": "x" * (ra.MAX_BODY_BYTES + 10)})
    assert response.status_code in (400, 413)
    assert not session.reviews_file.exists()


def test_cli_other_bind_address_only_when_asked_with_a_warning(work):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "DISPLAY": ""}
    proc = subprocess.Popen([str(CHECKER), "review", "--host", "127.0.0.2", "--port", "0"], cwd=work, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 30
        while not any("http://" in x for x in lines) and time.monotonic() < deadline:
            lines.append(proc.stderr.readline())
        text = "".join(lines)
        assert "anyone who can reach this address" in text
        url = re.search(r"http://127\.0\.0\.2:\d+/", text)
        assert url, text
        assert httpx.get(url.group(0), timeout=10).status_code == 200
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_header_shows_the_verdict_u_would_undo(client, session):
    assert 'id="last-action"' not in client.get("/").text
    post(client, session, f"/f/{session.order[1]}/verdict", {"verdict": "needs_source"})
    page = client.get(f"/f/{session.order[2]}").text
    assert re.search(r'id="last-action">last: <a href="/f/' + session.order[1] + r'">.*Needs a source</span> finding 2</a>', page)
    post(client, session, "/undo")
    assert 'id="last-action"' not in client.get("/").text


def test_ipv6_loopback_host_header_is_accepted(session):
    assert TestClient(ra.create_app(session), base_url="http://[::1]:8765").get("/").status_code == 200
