"""`checker gate` and `checker baseline` end to end on the seeds: exit codes, store reliability,
the done-when case (an article re-dating seed 004's announcement), the CI workflow and pre-commit hook.

The corpus and its store are built once per module (`checker baseline create` on a copy of the seeds);
each test works on its own copy, so the store of one test never leaks into another.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
GATE_DATA = DATA / "gate"
CHECKER = str(Path(sys.executable).parent / "checker")
BASELINE = "checker-baseline.yaml"
SEED_004 = "004_5ef256accc8a372d"



def run_checker(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    return subprocess.run([CHECKER, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture()
def cli(capsys, monkeypatch):
    """Run `checker ARGS` in this process (models stay loaded between tests), from folder `cwd`."""
    from checker.cli import main

    def run(args: list[str], cwd: Path) -> Ran:
        monkeypatch.chdir(cwd)
        monkeypatch.setattr(sys, "argv", ["checker", *args])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


def store_digest(path: Path) -> str:
    """A digest of every row of the store (not of the file bytes, which WAL checkpoints may move)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> Path:
    """site/corpus = the seeds with their manifest, site/checker-baseline.yaml made from them, store warm."""
    site = tmp_path_factory.mktemp("warm")
    shutil.copytree(REPO / "seeds", site / "corpus", ignore=shutil.ignore_patterns(".checker"))
    done = run_checker(["baseline", "create", "--corpus", "corpus", "--baseline", BASELINE], site)
    assert done.returncode == 0, done.stderr
    assert (site / "corpus" / ".checker" / "store.sqlite").is_file()
    return site


@pytest.fixture()
def site(warm, tmp_path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(warm, copy)  # copy2 keeps mtimes, so the store still knows the files
    return copy


def add_article(site: Path, name: str, content: bytes | None = None) -> Path:
    target = site / "corpus" / name
    if content is None:
        shutil.copy(GATE_DATA / name, target)
    else:
        target.write_bytes(content)
    return target


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_baseline_create_lists_the_seed_findings_sorted(warm, cli):
    text = (warm / BASELINE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    ids = [entry["id"] for entry in data["findings"]]
    assert data["version"] == 1 and ids == sorted(ids)
    again = cli(["baseline", "create", "--corpus", "corpus", "--baseline", BASELINE], warm)
    assert again.returncode == 2 and "baseline already exists" in again.stderr


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_gate_on_the_seeds_with_their_own_baseline_passes(site, cli):
    done = cli(["gate", f"corpus/{SEED_004}.txt", "--corpus", "corpus", "--baseline", BASELINE,
                        "--fail-on", "info", "--format", "json"], site)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)  # stdout holds only the JSON
    assert report["findings"] == []
    assert report["summary"]["new_sources"] == [SEED_004]
    assert report["summary"]["corpus_sources"] == 4


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_a_benign_new_article_passes_and_is_stored_without_re_embedding_the_corpus(site, monkeypatch):
    from checker.config import load_config
    from checker.gate import run_gate
    from checker.store import Store

    monkeypatch.chdir(site)
    store_path = Path("corpus/.checker/store.sqlite")
    with Store(store_path) as store:
        before = store.counts()
    add_article(site, "benign_football.txt")
    outcome = run_gate(["corpus/benign_football.txt"], "corpus", BASELINE, config=load_config("corpus"))
    assert outcome.exit_code == 0
    assert [s.id for s in outcome.new_sources] == ["benign_football"]
    assert outcome.stats["read_from_store"] == 5 and outcome.stats["ingested_corpus_files"] == 0
    assert outcome.stats["processed_corpus_sources"] == 0
    new_claims = [c for c in outcome.claims.values() if c.source_id == "benign_football"]
    with Store(store_path) as store:
        after = store.counts()
        assert [s.id for s in store.stored_sources()].count("benign_football") == 1
    assert after["sources"] == before["sources"] + 1
    assert after["embeddings"] - before["embeddings"] <= len(new_claims)  # only new texts were embedded


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_a_fresh_checkout_is_recognised_by_content_and_a_changed_file_is_read_again(site, monkeypatch):
    from checker.config import load_config
    from checker.gate import run_gate

    monkeypatch.chdir(site)
    for path in (site / "corpus").iterdir():
        if path.is_file():  # what a fresh clone does: same bytes, new mtimes (manifest included)
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    changed = site / "corpus" / "000_09922462f1c2237b.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nسطر أضيف للاختبار.\n", encoding="utf-8")
    add_article(site, "benign_football.txt")
    config = load_config("corpus")
    outcome = run_gate(["corpus/benign_football.txt"], "corpus", BASELINE, config=config)
    assert outcome.stats["recognised_by_content"] == 4
    assert outcome.stats["ingested_corpus_files"] == 1  # only the edited article is read again
    again = run_gate(["corpus/benign_football.txt"], "corpus", BASELINE, config=config)
    assert again.stats["read_from_store"] == 5 and again.stats["recognised_by_content"] == 0
    spelled_otherwise = run_gate([str(site / "corpus" / "benign_football.txt")], str(site / "corpus"), BASELINE,
                                 config=config)  # absolute paths find the same stored files
    assert spelled_otherwise.stats["read_from_store"] == 5


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_an_article_re_dating_seed_004s_announcement_fails_the_gate(site, cli):
    add_article(site, "redated_004.txt")
    text = cli(["gate", "corpus/redated_004.txt", "--corpus", "corpus", "--baseline", BASELINE], site)
    assert text.returncode == 1, text.stdout + text.stderr
    lines = [line for line in text.stdout.splitlines() if line.startswith("corpus/redated_004.txt:")]
    assert any(re.search(r":\d+: error contradiction \S+: ", line) for line in lines), text.stdout
    sarif = cli(["gate", "corpus/redated_004.txt", "--corpus", "corpus", "--baseline", BASELINE,
                         "--format", "sarif", "--output", "out.sarif"], site)
    assert sarif.returncode == 1 and sarif.stdout == ""
    document = json.loads((site / "out.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(json.loads((DATA / "sarif-schema-2.1.0.json").read_text())).validate(document)
    hits = [r for r in document["runs"][0]["results"]
            if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "corpus/redated_004.txt"
            and any(rel["physicalLocation"]["artifactLocation"]["uri"] == f"corpus/{SEED_004}.txt"
                    for rel in r.get("relatedLocations", []))
            and r["properties"]["kind"] == "contradiction"]
    assert hits, json.dumps(document["runs"][0]["results"], ensure_ascii=False)[:2000]
    rdjson = cli(["gate", "corpus/redated_004.txt", "--corpus", "corpus", "--baseline", BASELINE,
                  "--format", "rdjson"], site)
    assert rdjson.returncode == 1
    diagnostics = json.loads(rdjson.stdout)["diagnostics"]
    assert any(d["location"]["path"] == "corpus/redated_004.txt" and d["severity"] == "ERROR" for d in diagnostics)
    junit = cli(["gate", "corpus/redated_004.txt", "--corpus", "corpus", "--baseline", BASELINE,
                 "--format", "junit"], site)
    assert junit.returncode == 1
    suite = ET.fromstring(junit.stdout)
    assert int(suite.get("failures")) >= 1
    assert any(case.get("file") == "corpus/redated_004.txt" and case.find("failure") is not None
               for case in suite.iter("testcase"))


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_a_new_file_that_cannot_be_parsed_exits_2_and_leaves_the_store_untouched(site, cli):
    store = site / "corpus" / ".checker" / "store.sqlite"
    before = store_digest(store)
    add_article(site, "benign_football.txt")
    add_article(site, "broken.txt", b"\x00\x01\x02binary\x00" * 50)
    done = cli(["gate", "corpus/benign_football.txt", "corpus/broken.txt", "--corpus", "corpus",
                        "--baseline", BASELINE], site)
    assert done.returncode == 2
    assert done.stdout == ""
    error_lines = [line for line in done.stderr.splitlines() if "[E" in line]
    assert len(error_lines) == 1 and "corpus/broken.txt" in error_lines[0] and "binary" in error_lines[0]
    assert "Traceback" not in done.stderr
    assert store_digest(store) == before


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_a_malformed_baseline_exits_2_naming_the_line(site, cli):
    (site / BASELINE).write_text("version: 1\nfindings:\n- id: f-0a0a0a\n  rule: x\n  kind: drift\n"
                                 "  severity: loud\n  sources: [a]\n  message: m\n", encoding="utf-8")
    done = cli(["gate", f"corpus/{SEED_004}.txt", "--corpus", "corpus", "--baseline", BASELINE], site)
    assert done.returncode == 2
    assert f"[E301] {BASELINE}:6: unknown severity 'loud'" in done.stderr


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_usage_errors_exit_2(site, cli):
    missing = cli(["gate", "--corpus", "corpus", "--baseline", BASELINE], site)
    assert missing.returncode == 2 and "NEW_PATH" in missing.stderr
    bad_ref = cli(["gate", "--corpus", "corpus", "--baseline", BASELINE, "--diff-base", "no-such-ref"], site)
    assert bad_ref.returncode == 2 and "no-such-ref" in bad_ref.stderr
    not_article = cli(["gate", str(GATE_DATA.parent / "sarif-schema-2.1.0.json"), "--corpus", "corpus",
                               "--baseline", BASELINE], site)
    assert not_article.returncode == 2 and "not an article file" in not_article.stderr


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_a_store_that_is_not_a_store_is_one_line_and_exit_2(site, cli):
    other = site / "elsewhere.sqlite"
    other.write_text("not a database\n" * 100)
    add_article(site, "benign_football.txt")
    done = cli(["gate", "corpus/benign_football.txt", "--corpus", "corpus", "--baseline", BASELINE,
                "--store", str(other)], site)
    assert done.returncode == 2
    assert "delete it, it is only a cache" in done.stderr and str(other) in done.stderr


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_store_option_builds_a_store_elsewhere_and_leaves_the_default_alone(site, cli):
    default = site / "corpus" / ".checker" / "store.sqlite"
    before = store_digest(default)
    add_article(site, "benign_football.txt")
    done = cli(["gate", "corpus/benign_football.txt", "--corpus", "corpus", "--baseline", BASELINE,
                "--store", "ci-cache/store.sqlite"], site)
    assert done.returncode == 0, done.stderr
    assert (site / "ci-cache" / "store.sqlite").is_file()
    assert store_digest(default) == before
    conn = sqlite3.connect(site / "ci-cache" / "store.sqlite")
    assert conn.execute("SELECT count(*) FROM sources").fetchone() == (6,)  # the corpus read once + the new one
    conn.close()


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_two_gates_on_one_store_at_once_do_not_corrupt_it(site):
    add_article(site, "benign_football.txt")
    add_article(site, "redated_004.txt")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([CHECKER, "gate", f"corpus/{name}", "--corpus", "corpus", "--baseline", BASELINE,
                               "--format", "json"], cwd=site, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for name in ("benign_football.txt", "redated_004.txt")]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode in (0, 1), err
        json.loads(out)
    store = site / "corpus" / ".checker" / "store.sqlite"
    assert integrity(store) == "ok"
    conn = sqlite3.connect(store)
    ids = {row[0] for row in conn.execute("SELECT id FROM sources")}
    conn.close()
    assert {"benign_football", "redated_004"} <= ids


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_a_gate_killed_mid_run_leaves_a_store_the_next_run_uses(site):
    add_article(site, "benign_football.txt")
    store = site / "corpus" / ".checker" / "store.sqlite"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    proc = subprocess.Popen([CHECKER, "-v", "gate", "corpus/benign_football.txt", "--corpus", "corpus",
                             "--baseline", BASELINE], cwd=site, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    # wait until the gate has the corpus from the store (it is about to write), then kill it hard
    for line in proc.stderr:
        if "candidate pairs" in line or "embedding" in line.lower() or time.monotonic() - started > 120:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert integrity(store) == "ok"
    conn = sqlite3.connect(store)
    orphans = conn.execute("SELECT count(*) FROM sources WHERE id NOT IN (SELECT source_id FROM processed)").fetchone()
    conn.close()
    assert orphans == (0,)  # a source is stored with its claims or not at all
    again = run_checker(["gate", "corpus/benign_football.txt", "--corpus", "corpus", "--baseline", BASELINE], site)
    assert again.returncode == 0, again.stderr
    assert integrity(store) == "ok"


def _git(site: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=site, env=env, check=True, capture_output=True, text=True).stdout.strip()


def _as_repository(site: Path) -> str:
    """Make the site a git repository with the corpus committed; returns the base commit."""
    (site / ".gitignore").write_text(".checker/\n.venv\n*.sarif\n")
    (site / ".venv").symlink_to(REPO / ".venv")
    _git(site, "init", "-q", "-b", "main")
    _git(site, "add", ".gitignore", "corpus", BASELINE)
    _git(site, "commit", "-q", "-m", "corpus")
    return _git(site, "rev-parse", "HEAD")


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_the_github_workflow_command_line_gates_a_pull_request(site):
    workflow = yaml.safe_load((REPO / "docs" / "github-workflow.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["gate"]["steps"]
    command = next(s["run"] for s in steps if s.get("name") == "Gate new articles")
    assert workflow["env"]["BASELINE"] == BASELINE
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == "${{ env.CORPUS }}/.checker/"
    base = _as_repository(site)
    add_article(site, "benign_football.txt")
    _git(site, "add", "corpus/benign_football.txt")
    _git(site, "commit", "-q", "-m", "new article")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO), "CORPUS": workflow["env"]["CORPUS"],
           "BASELINE": BASELINE, "BASE_REF": base}
    done = subprocess.run(["bash", "-e", "-c", command], cwd=site, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    document = json.loads((site / "checker.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(json.loads((DATA / "sarif-schema-2.1.0.json").read_text())).validate(document)
    assert document["runs"][0]["properties"]["summary"]["new_sources"] == ["benign_football"]


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_the_pre_commit_hook_command_line_gates_staged_articles(site, cli):
    hook = yaml.safe_load((REPO / "docs" / "pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    _as_repository(site)
    add_article(site, "benign_football.txt")
    _git(site, "add", "corpus/benign_football.txt")
    staged = _git(site, "diff", "--cached", "--name-only").splitlines()
    files = [f for f in staged if re.search(hook["files"], f) and not re.search(hook["exclude"], f)]
    assert files == ["corpus/benign_football.txt"]
    entry = shlex.split(hook["entry"])
    assert entry[0] == "checker"
    done = cli([*entry[1:], *hook["args"], *files], site)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # text format, nothing new


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_baseline_update_reports_fixed_and_stale_entries(site, cli):
    baseline = site / BASELINE
    data = yaml.safe_load(baseline.read_text(encoding="utf-8"))
    data["findings"].append({"id": "f-0d0d0d", "rule": "event-date-conflict", "kind": "contradiction",
                             "severity": "error", "status": "accepted", "sources": ["deleted_article"],
                             "message": "about an article that left the corpus"})
    data["findings"].append({"id": "f-0e0e0e", "rule": data["findings"][0]["rule"] if data["findings"] else "x",
                             "kind": "contradiction", "severity": "error", "status": "accepted",
                             "sources": [SEED_004], "message": "a finding the rules no longer produce"})
    baseline.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = cli(["baseline", "update", "--corpus", "corpus", "--baseline", BASELINE], site)
    assert done.returncode == 0, done.stderr
    assert "stale: f-0d0d0d" in done.stderr and "deleted_article is no longer in the corpus" in done.stderr
    assert re.search(r"(fixed|stale): f-0e0e0e", done.stderr)
    ids = [e["id"] for e in yaml.safe_load(baseline.read_text(encoding="utf-8"))["findings"]]
    assert "f-0d0d0d" not in ids and "f-0e0e0e" not in ids and ids == sorted(ids)


@pytest.mark.slow  # runs the real pipeline (embedding model included)
def test_baseline_from_verdicts_suppresses_false_alarms(site, cli):
    data = yaml.safe_load((site / BASELINE).read_text(encoding="utf-8"))
    if not data["findings"]:
        pytest.skip("the rules find nothing in the seeds yet")
    first = data["findings"][0]["id"]
    (site / "corpus" / "reviews.jsonl").write_text(
        json.dumps({"finding": first, "verdict": "false_alarm", "note": "same event, two phases",
                    "reviewer": "t", "at": "2026-01-01T00:00:00Z"}) + "\n", encoding="utf-8")
    done = cli(["baseline", "update", "--corpus", "corpus", "--baseline", BASELINE, "--from-verdicts"], site)
    assert done.returncode == 0, done.stderr
    entry = next(e for e in yaml.safe_load((site / BASELINE).read_text(encoding="utf-8"))["findings"]
                 if e["id"] == first)
    assert entry["status"] == "suppressed" and entry["note"] == "same event, two phases"


# -- fast tests: no pipeline, no model ---------------------------------------------------------------

def test_diff_base_lists_changed_articles_under_the_corpus_only(tmp_path):
    from checker.gate import changed_files

    corpus = tmp_path / "corpus"
    (corpus / "2024").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "sources.yaml", "2024/old.html"):
        (corpus / name).write_text(f"{name}\n", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("x\n")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "base")
    base = _git(tmp_path, "rev-parse", "HEAD")
    (corpus / "a.txt").write_text("changed\n", encoding="utf-8")
    (corpus / "b.txt").unlink()
    (corpus / "2024" / "new.html").write_text("<p>new</p>\n", encoding="utf-8")
    (corpus / "notes.md").write_text("not an article\n")
    (corpus / "sources.yaml").write_text("sources: []\n")
    (corpus / "reviews.jsonl").write_text("{}\n")
    (tmp_path / "outside.txt").write_text("changed\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "pr")
    found = sorted(p.relative_to(corpus).as_posix() for p in changed_files(corpus, base))
    assert found == ["2024/new.html", "a.txt"]


def test_article_files_skip_hidden_folders_and_the_verdict_file(tmp_path):
    from checker.gate import GateInputError, article_files

    (tmp_path / ".checker").mkdir()
    (tmp_path / ".checker" / "cache.txt").write_text("x")
    (tmp_path / "reviews.jsonl").write_text("{}\n")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.jsonl").write_text("{}\n")
    assert sorted(p.name for p in article_files([tmp_path])) == ["a.txt", "b.jsonl"]
    with pytest.raises(GateInputError, match="not an article file"):
        article_files([tmp_path / "reviews.jsonl"])
    with pytest.raises(GateInputError, match="no such file"):
        article_files([tmp_path / "missing.txt"])


def test_new_files_are_read_strictly(tmp_path):
    from checker.gate import GateInputError, ingest_new

    good = tmp_path / "good.txt"
    good.write_text((GATE_DATA / "redated_004.txt").read_text(encoding="utf-8"), encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": good.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n{not json\n",
                    encoding="utf-8")
    assert [s.id for s in ingest_new([good])] == ["good"]
    with pytest.raises(GateInputError) as err:
        ingest_new([good, empty])
    assert err.value.path == str(empty)
    with pytest.raises(GateInputError, match="part of it cannot be read") as err:
        ingest_new([feed])
    assert err.value.path == str(feed)


def test_exit_code_follows_the_threshold():
    from checker.baseline import Comparison
    from checker.gate import GateOutcome
    from checker.model import Finding

    warning = Finding(id="f-00aa11", rule="scope-tension", kind="tension", severity="warning", claims=(),
                      sources=("a",), message="m")
    def outcome(fail_on: str) -> GateOutcome:
        return GateOutcome(new_sources=(), sources={}, claims={}, findings=(warning,),
                           comparison=Comparison(new=(warning,)), fail_on=fail_on, corpus=Path("."))
    assert outcome("error").exit_code == 0
    assert outcome("warning").exit_code == 1
    assert outcome("info").exit_code == 1
    assert outcome("error").summary()["new"] == 1
