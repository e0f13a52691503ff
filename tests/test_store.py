"""The SQLite corpus cache: round trips, transactions, bad files, two writers, a killed writer."""
from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from checker.errors import StoreError
from checker.model import Claim, Quantity, Sentence, Source, TimeRef
from checker.store import SCHEMA_VERSION, Store, default_store_path

REPO = Path(__file__).resolve().parent.parent


def make_source(source_id: str = "004_x", text: str = "في (27 أيلول 2025) أعلنت الحكومتان.\nسطر ثان.",
                path: str | None = None) -> Source:
    return Source(id=source_id, path=path or f"corpus/{source_id}.txt", text=text, language="ar",
                  outlet="Ishtar TV", published="2025-11-07", published_how="dateline",
                  content_hash=hashlib.sha256(text.encode()).hexdigest()[:16], line_map=(2, 5),
                  lines_kept=2, lines_dropped=3)


def make_records(source: Source) -> tuple[list[Sentence], list[Claim]]:
    first = source.text.split("\n")[0]
    sentences = [Sentence(source.id, 0, 0, len(first), first, first)]
    claim = Claim(id=f"c-{source.id}", source_id=source.id, sentence_index=0, text=first, start=0,
                  end=len(first), event="end_mission", subject="coalition",
                  times=(TimeRef("27 أيلول 2025", 4, 17, "2025-09-27", "2025-09-27", "day",
                                 anchor="2025-11-07", notes=("statement",)),),
                  quantities=(Quantity("12 شهراً", 20, 28, 12.0, "months", value_max=None),),
                  cues=("أعلنت",), statement_date="2025-09-27")
    return sentences, [claim]


def test_processed_round_trip_keeps_nested_records(tmp_path):
    source = make_source()
    sentences, claims = make_records(source)
    with Store(tmp_path / "deep" / "store.sqlite") as store:
        assert store.get_processed(source, "v1") is None
        store.put_processed(source, sentences, claims, "v1", file_stat=(123, 45))
        got_sentences, got_claims = store.get_processed(source, "v1")
        assert got_sentences == sentences
        assert got_claims == claims
        assert isinstance(got_claims[0].times[0], TimeRef)
        assert got_claims[0].times[0].notes == ("statement",)
        assert isinstance(got_claims[0].quantities[0], Quantity)
        assert store.get_processed(source, "v2") is None  # another pipeline version
        changed = make_source(text=source.text + " تغيير")
        assert store.get_processed(changed, "v1") is None  # another text
        assert store.stored_sources() == [source]
        assert store.stored_sources()[0].line_of(len(source.text) - 1) == 5
        assert store.file_index() == {source.path: (123, 45, source.content_hash, source.id)}
        assert store.stored_claims("v1") == {source.id: claims}
        assert store.stored_claims("v1", [source.id, "missing"]) == {source.id: claims}


def test_put_processed_replaces_the_old_version_of_a_source(tmp_path):
    old = make_source()
    new = make_source(text=old.text + " جديد")
    with Store(tmp_path / "s.sqlite") as store:
        store.put_processed(old, *make_records(old), "v1")
        store.put_processed(new, *make_records(new), "v1")
        assert store.counts()["processed"] == 1
        assert store.get_processed(old, "v1") is None
        assert store.get_processed(new, "v1") is not None
        store.remove_source(new.id)
        assert store.counts() == {"sources": 0, "processed": 0, "embeddings": 0}


def test_same_text_under_two_ids_keeps_each_ones_claims(tmp_path):
    a, b = make_source("wire-a"), make_source("wire-b")
    assert a.content_hash == b.content_hash
    with Store(tmp_path / "s.sqlite") as store:
        store.put_processed(a, *make_records(a), "v1")
        store.put_processed(b, *make_records(b), "v1")
        assert store.get_processed(a, "v1")[1][0].source_id == "wire-a"
        assert store.get_processed(b, "v1")[1][0].source_id == "wire-b"


def test_embeddings_are_float32_and_keyed_by_model(tmp_path):
    rng = np.random.default_rng(0)
    items = {f"h{i}": rng.normal(size=512) for i in range(1200)}  # more than one IN chunk
    with Store(tmp_path / "s.sqlite") as store:
        store.put_embeddings("use", items)
        got = store.get_embeddings("use", list(items) + ["unknown"])
        assert set(got) == set(items)
        assert got["h7"].dtype == np.float32
        np.testing.assert_allclose(got["h7"], items["h7"].astype(np.float32))
        assert store.get_embeddings("other-model", ["h7"]) == {}
        assert store.embedding_count("use") == 1200


def test_transaction_is_all_or_nothing_and_nests(tmp_path):
    first, second = make_source("a"), make_source("b")
    with Store(tmp_path / "s.sqlite") as store:
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.put_processed(first, *make_records(first), "v1")
                store.put_embeddings("use", {"h": np.ones(4)})
                raise RuntimeError("parse failed")
        assert store.counts() == {"sources": 0, "processed": 0, "embeddings": 0}
        with store.transaction():
            store.put_processed(first, *make_records(first), "v1")
            with pytest.raises(ValueError):
                with store.transaction():  # savepoint: only the inner part rolls back
                    store.put_processed(second, *make_records(second), "v1")
                    raise ValueError
        assert [s.id for s in store.stored_sources()] == ["a"]


def test_a_file_that_is_not_sqlite_is_one_clear_error(tmp_path):
    bad = tmp_path / "store.sqlite"
    bad.write_text("this is a text file, not a database\n" * 20)
    with pytest.raises(StoreError) as err:
        with Store(bad):
            pass
    line = err.value.one_line()
    assert str(bad) in line and "delete it, it is only a cache" in line and "\n" not in line


def test_a_damaged_store_is_one_clear_error(tmp_path):
    path = tmp_path / "store.sqlite"
    with Store(path) as store:
        for i in range(30):
            s = make_source(f"s{i}", text="نص " * 400 + str(i))
            store.put_processed(s, *make_records(s), "v1")
    data = bytearray(path.read_bytes())
    data[100:len(data)] = os.urandom(len(data) - 100)  # keep the header, scramble every page
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as err:
        with Store(path) as store:
            store.stored_sources()
            store.check_integrity()
    assert "delete it, it is only a cache" in err.value.one_line()


def test_someone_elses_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(StoreError, match="not a checker store"):
        Store(path).open()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM customers").fetchone() == (0,)


def test_an_older_schema_is_rebuilt(tmp_path):
    path = tmp_path / "s.sqlite"
    with Store(path) as store:
        store.put_embeddings("use", {"h": np.ones(3)})
        store.conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    with Store(path) as store:
        assert store.counts()["embeddings"] == 0
        assert store.conn.execute("SELECT value FROM meta").fetchone()[0] == str(SCHEMA_VERSION)


def test_store_uses_wal_and_the_default_path_is_beside_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    assert default_store_path(corpus) == corpus / ".checker" / "store.sqlite"
    with Store(default_store_path(corpus)) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


WRITER = textwrap.dedent("""
    import sys, hashlib, numpy as np
    sys.path.insert(0, {tests!r})
    from test_store import make_source, make_records
    from checker.store import Store
    path, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Store(path, timeout=60) as store:
        for i in range(n):
            with store.transaction():
                s = make_source(f"{{tag}}-{{i}}", text=("نص طويل " * 200) + f"{{tag}} {{i}}")
                store.put_processed(s, *make_records(s), "v1")
                store.put_embeddings("use", {{f"{{tag}}-{{i}}-{{k}}": np.full(512, i, dtype=np.float32) for k in range(20)}})
            print(i, flush=True)
""")


def _writer_cmd(tmp_path: Path, path: Path, tag: str, n: int) -> list[str]:
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(tests=str(Path(__file__).parent)))
    return [sys.executable, str(script), str(path), tag, str(n)]


def test_two_processes_writing_at_once_do_not_corrupt_the_store(tmp_path):
    path = tmp_path / "shared.sqlite"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen(_writer_cmd(tmp_path, path, tag, 40), env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for tag in ("left", "right")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with Store(path) as store:
        store.check_integrity()
        assert store.counts() == {"sources": 80, "processed": 80, "embeddings": 1600}
        assert len(store.stored_claims("v1")) == 80


def test_a_writer_killed_mid_run_loses_nothing_committed(tmp_path):
    path = tmp_path / "killed.sqlite"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(_writer_cmd(tmp_path, path, "k", 100000), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    committed = -1
    deadline = time.monotonic() + 60
    while committed < 15 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed = int(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert committed >= 15, proc.stderr.read()
    with Store(path) as store:
        store.check_integrity()
        counts = store.counts()
        # every transaction reported as done is there, and nothing is half there
        assert counts["sources"] >= committed + 1
        assert counts["processed"] == counts["sources"]
        assert counts["embeddings"] == 20 * counts["sources"]
        more = make_source("after-crash")
        store.put_processed(more, *make_records(more), "v1")
        assert store.get_processed(more, "v1") is not None


def test_meta_values_persist_and_the_schema_key_is_protected(tmp_path):
    path = tmp_path / "s.sqlite"
    with Store(path) as store:
        assert store.get_meta("manifest-stat:x") is None
        store.set_meta("manifest-stat:x", "12:34")
        with pytest.raises(ValueError):
            store.set_meta("schema_version", "9")
    with Store(path) as store:
        assert store.get_meta("manifest-stat:x") == "12:34"


def test_file_state_is_recorded_and_forgotten_when_the_text_changes(tmp_path):
    source = make_source()
    with Store(tmp_path / "s.sqlite") as store:
        store.put_processed(source, *make_records(source), "v1", file_stat=(1, 2))
        assert store.file_hashes() == {}
        store.set_file_state([(source.id, 10, 20, "abc")])
        assert store.file_hashes() == {source.id: "abc"}
        assert store.file_index()[source.path][:2] == (10, 20)
        store.put_processed(source, *make_records(source), "v2", file_stat=(10, 20))  # same text
        assert store.file_hashes() == {source.id: "abc"}
        changed = make_source(text=source.text + " تغيير")
        store.put_processed(changed, *make_records(changed), "v2", file_stat=(11, 21))
        assert store.file_hashes() == {}  # a recorded hash never outlives the text it was made from


def test_a_jsonl_line_source_is_stamped_with_its_files_stat(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "feed.jsonl").write_text('{"text": "x"}\n')
    source = make_source("feed-1", path="feed.jsonl:1")
    with Store(tmp_path / "s.sqlite") as store:
        store.put_processed(source, *make_records(source), "v1")
        mtime, size, _, _ = store.file_index()["feed.jsonl:1"]
    stat = (tmp_path / "feed.jsonl").stat()
    assert (mtime, size) == (stat.st_mtime_ns, stat.st_size)


def test_a_version_1_store_is_migrated_in_place(tmp_path):
    path = tmp_path / "s.sqlite"
    source = make_source()
    with Store(path) as store:
        store.put_processed(source, *make_records(source), "v1")
        store.conn.execute("ALTER TABLE sources DROP COLUMN raw_sha256")
        store.conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with Store(path) as store:
        assert store.get_processed(source, "v1") is not None  # nothing was thrown away
        store.set_file_state([(source.id, 1, 2, "abc")])
        assert store.file_hashes() == {source.id: "abc"}
