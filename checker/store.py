"""The corpus cache: sources, sentences, claims and embeddings in one SQLite file.

Everything here is a cache keyed by content hash, so deleting the file only costs time. The file sits
beside the corpus (`<corpus>/.checker/store.sqlite` by default) and is shared by `check`, `gate` and
several CI jobs at once, hence:

- WAL mode, so readers never block the single writer, and `synchronous=NORMAL`: a committed
  transaction survives a killed process (SIGKILL loses only the transaction in flight).
- Every write runs in `BEGIN IMMEDIATE` (take the write lock up front instead of upgrading a read
  lock, which in WAL mode fails at once rather than waiting), with a busy timeout plus a retry loop
  for "database is locked".
- Records are stored as JSON (never pickle: a cache file must not be able to run code), claims and
  sentences zlib-compressed, embeddings as raw float32 blobs.
- A corrupt or foreign file becomes one `StoreError` line naming the path; a store written by another
  schema version is rebuilt, since it is only a cache.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import random
import sqlite3
import time
import types
import typing
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .errors import StoreError
from .model import Claim, Sentence, Source

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
DEFAULT_STORE_NAME = Path(".checker") / "store.sqlite"
# sqlite's bound-parameter limit is 32766 since 3.32; stay far below it
_IN_CHUNK = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    id           TEXT PRIMARY KEY,
    path         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    mtime_ns     INTEGER,
    size         INTEGER,
    raw_sha256   TEXT,
    record       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_path ON sources(path);
CREATE TABLE IF NOT EXISTS processed (
    source_id        TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    content_hash     TEXT NOT NULL,
    pipeline_version TEXT NOT NULL,
    sentences        BLOB NOT NULL,
    claims           BLOB NOT NULL,
    indexed          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source_id, content_hash, pipeline_version)
);
CREATE TABLE IF NOT EXISTS claim_index (
    source_id        TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    pipeline_version TEXT NOT NULL,
    ordinal          INTEGER NOT NULL,
    claim_id         TEXT NOT NULL,
    text_hash        TEXT NOT NULL,
    family           TEXT,
    subject          TEXT,
    location         TEXT,
    chain            TEXT,
    PRIMARY KEY (source_id, pipeline_version, ordinal)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vector_snapshot (
    model_id TEXT PRIMARY KEY,
    dim      INTEGER NOT NULL,
    hashes   TEXT NOT NULL,
    matrix   BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS embeddings (
    model_id  TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    dim       INTEGER NOT NULL,
    vector    BLOB NOT NULL,
    PRIMARY KEY (model_id, text_hash)
) WITHOUT ROWID;
"""
_TABLES = ("claim_index", "vector_snapshot", "processed", "sources", "embeddings", "meta")


def default_store_path(corpus: str | os.PathLike) -> Path:
    corpus = Path(corpus)
    folder = corpus if corpus.is_dir() or not corpus.suffix else corpus.parent
    return folder / DEFAULT_STORE_NAME


# ---------------------------------------------------------------------------------------------
# records <-> JSON. Generic over the dataclasses in checker.model, so a new field in a record needs
# no change here; unknown keys from an older record are dropped (the pipeline version guards meaning).

T = TypeVar("T")


def _identity(value: Any) -> Any:
    return value


@lru_cache(maxsize=None)
def _converter(tp: Any) -> typing.Callable[[Any], Any]:
    """A function turning the JSON form of a value of type `tp` back into it (built once per type)."""
    origin = typing.get_origin(tp)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            if item is _identity:
                return lambda value: None if value is None else tuple(value)
            return lambda value: None if value is None else tuple(item(v) for v in value)
        items = tuple(_converter(a) for a in args)
        return lambda value: None if value is None else tuple(f(v) for f, v in zip(items, value))
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        return _converter(inner[0]) if len(inner) == 1 else _identity
    if dataclasses.is_dataclass(tp):
        return lambda value: record_from_dict(tp, value) if isinstance(value, dict) else value
    return _identity


@dataclasses.dataclass(frozen=True)
class _Plan:
    names: frozenset[str]
    required: frozenset[str]
    defaults: tuple[tuple[str, Any], ...]
    factories: tuple[tuple[str, typing.Callable[[], Any]], ...]
    converters: tuple[tuple[str, typing.Callable[[Any], Any]], ...]


@lru_cache(maxsize=None)
def _plan(cls: type) -> _Plan:
    """How to rebuild `cls` from its JSON form: field names, defaults, and a converter for each field
    JSON does not give back as it was (tuples, nested records); plain fields pass through untouched."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    return _Plan(
        names=frozenset(f.name for f in fields),
        required=frozenset(f.name for f in fields if f.default is dataclasses.MISSING
                           and f.default_factory is dataclasses.MISSING),
        defaults=tuple((f.name, f.default) for f in fields if f.default is not dataclasses.MISSING),
        factories=tuple((f.name, f.default_factory) for f in fields
                        if f.default_factory is not dataclasses.MISSING),
        converters=tuple((f.name, _converter(hints[f.name])) for f in fields
                         if _converter(hints[f.name]) is not _identity),
    )


def record_from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a frozen record from what `dataclasses.asdict` wrote.

    The object is filled directly instead of through the generated __init__ (which sets each field
    with object.__setattr__ and costs ~10x more): the gate reads tens of thousands of claims back per
    run. The model's records have no __post_init__ and no slots, so the result is the same object.
    """
    plan = _plan(cls)
    missing = plan.required - data.keys()
    if missing:
        raise TypeError(f"{cls.__name__} record lacks {', '.join(sorted(missing))}")
    values = dict(plan.defaults)
    for name, factory in plan.factories:
        values[name] = factory()
    names = plan.names
    values.update((k, v) for k, v in data.items() if k in names)
    for name, convert in plan.converters:
        values[name] = convert(values[name])
    record = object.__new__(cls)
    record.__dict__.update(values)
    return record


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _pack(records: Sequence[Any]) -> bytes:
    return zlib.compress(_dumps([dataclasses.asdict(r) for r in records]).encode("utf-8"), 1)


def _unpack(cls: type[T], blob: bytes) -> list[T]:
    return [record_from_dict(cls, d) for d in json.loads(zlib.decompress(blob).decode("utf-8"))]


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


# ---------------------------------------------------------------------------------------------


class Store:
    """The SQLite corpus cache. Use as a context manager; one instance per thread."""

    def __init__(self, path: str | os.PathLike, *, timeout: float = 60.0):
        self.path = Path(path)
        self.timeout = timeout
        self._conn: sqlite3.Connection | None = None
        self._depth = 0

    # -- lifecycle ------------------------------------------------------------------------------
    def __enter__(self) -> "Store":
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        if self._conn is not None:
            return
        if self.path.is_dir():
            raise StoreError("is a folder, not a store file", path=str(self.path),
                             hint="pass a file path to --store")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create its folder ({exc.strerror})", path=str(self.path)) from None
        with self._guard():
            self._conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                         check_same_thread=True)
            self._conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            mode = self._retry(lambda: self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            if str(mode).lower() != "wal":
                log.debug("store %s: journal mode %s (WAL unavailable on this file system)", self.path, mode)
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._ensure_schema()

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
                self._depth = 0

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self.open()
        assert self._conn is not None
        return self._conn

    # -- error handling and locking ---------------------------------------------------------------
    @contextmanager
    def _guard(self) -> Iterator[None]:
        """sqlite errors -> one StoreError line; a file we cannot read is never fatal beyond 'delete it'."""
        try:
            yield
        except StoreError:
            raise
        except sqlite3.OperationalError as exc:
            if _is_lock_error(exc):
                raise StoreError(f"store is locked by another process for more than {self.timeout:.0f}s",
                                 path=str(self.path), hint="wait for the other run to finish") from None
            raise StoreError(f"cannot use the store ({exc})", path=str(self.path),
                             hint="delete it, it is only a cache") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"corrupt or not a checker store ({exc})", path=str(self.path),
                             hint="delete it, it is only a cache") from None

    def _retry(self, action: typing.Callable[[], T]) -> T:
        """busy_timeout covers most waits; this covers the cases where sqlite returns BUSY at once."""
        deadline = time.monotonic() + self.timeout
        delay = 0.02
        while True:
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if not _is_lock_error(exc) or time.monotonic() >= deadline:
                    raise
                log.debug("store %s locked, retrying in %.2fs", self.path, delay)
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 1.0)

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """All-or-nothing. Nested calls become savepoints inside the outer transaction."""
        conn = self.conn
        with self._guard():
            if self._depth:
                name = f"sp{self._depth}"
                conn.execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield self
                except BaseException:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                    raise
                else:
                    conn.execute(f"RELEASE {name}")
                finally:
                    self._depth -= 1
                return
            self._retry(lambda: conn.execute("BEGIN IMMEDIATE"))
            self._depth = 1
            try:
                yield self
            except BaseException:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:  # the connection may already have rolled back on its own
                    pass
                raise
            else:
                self._retry(lambda: conn.execute("COMMIT"))
            finally:
                self._depth = 0

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def _ensure_schema(self) -> None:
        conn = self.conn
        version = self._schema_version()
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            version = self._schema_version()  # another process may have created it while we waited
            if version == SCHEMA_VERSION:
                return
            if version in (1, 2):  # later versions only added columns and the claim index: keep the cache
                self._add_column("sources", "raw_sha256", "TEXT")
                self._add_column("processed", "indexed", "INTEGER NOT NULL DEFAULT 0")
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    if any(name in statement.split("(")[0] for name in ("claim_index", "vector_snapshot")):
                        conn.execute(statement)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
                return
            if version is not None:
                log.info("store %s has schema %s, this checker uses %s: rebuilding the cache",
                         self.path, version, SCHEMA_VERSION)
                for table in _TABLES:
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
            elif self._has_foreign_tables():
                raise StoreError("is an SQLite file but not a checker store", path=str(self.path),
                                 hint="delete it, it is only a cache, or pass another --store")
            # executescript() would COMMIT our transaction first, so statements go one by one
            for statement in filter(str.strip, _SCHEMA.split(";")):
                conn.execute(statement)
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
                         (str(SCHEMA_VERSION),))

    def _add_column(self, table: str, column: str, declaration: str) -> None:
        if column not in {row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")}:
            self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")

    def _schema_version(self) -> int | None:
        row = self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
        if row is None:
            return None
        found = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        try:
            return int(found[0]) if found else -1
        except ValueError:
            return -1

    def _has_foreign_tables(self) -> bool:
        names = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return bool(names - set(_TABLES))

    # -- embeddings -------------------------------------------------------------------------------
    def get_embeddings(self, model_id: str, text_hashes: Iterable[str]) -> dict[str, np.ndarray]:
        hashes = list(dict.fromkeys(text_hashes))
        found: dict[str, np.ndarray] = {}
        with self._guard():
            for chunk in _chunks(hashes):
                marks = ",".join("?" * len(chunk))
                for text_hash, dim, blob in self.conn.execute(
                        f"SELECT text_hash, dim, vector FROM embeddings WHERE model_id = ? AND text_hash IN ({marks})",
                        (model_id, *chunk)):
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape[0] == dim:  # a torn blob is ignored and recomputed, not trusted
                        found[text_hash] = vector.copy()
        return found

    def put_embeddings(self, model_id: str, items: dict[str, np.ndarray]) -> None:
        rows = []
        for text_hash, vector in items.items():
            vec = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
            rows.append((model_id, text_hash, int(vec.shape[0]), vec.tobytes()))
        if not rows:
            return
        with self.transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO embeddings(model_id, text_hash, dim, vector) VALUES (?, ?, ?, ?)", rows)

    def embedding_count(self, model_id: str | None = None) -> int:
        with self._guard():
            if model_id is None:
                return self.conn.execute("SELECT count(*) FROM embeddings").fetchone()[0]
            return self.conn.execute("SELECT count(*) FROM embeddings WHERE model_id = ?",
                                     (model_id,)).fetchone()[0]

    # -- sources, sentences, claims ---------------------------------------------------------------
    def get_processed(self, source: Source, pipeline_version: str) -> tuple[list[Sentence], list[Claim]] | None:
        """The sentences and claims stored for this source's exact text and pipeline, else None.

        Keyed by source id too, not only by content hash: two files with the same text (a wire copy
        saved twice) are two sources, and their claims carry their own source ids.
        """
        with self._guard():
            row = self.conn.execute(
                "SELECT sentences, claims FROM processed WHERE source_id = ? AND content_hash = ? "
                "AND pipeline_version = ?", (source.id, source.content_hash, pipeline_version)).fetchone()
            if row is None:
                return None
            try:
                return _unpack(Sentence, row[0]), _unpack(Claim, row[1])
            except (zlib.error, ValueError, TypeError, KeyError) as exc:
                log.warning("store %s: unreadable cache entry for %s (%s); recomputing", self.path, source.id, exc)
                return None

    def put_processed(self, source: Source, sentences: Sequence[Sentence], claims: Sequence[Claim],
                      pipeline_version: str, *, file_stat: tuple[int, int] | None = None,
                      index: Sequence[Any] | None = None) -> None:
        """Store a source with its sentences and claims in one transaction, replacing older versions.

        `file_stat` is (mtime_ns, size) of the file the source was read from; when omitted it is taken
        from `source.path` if that file exists, so `file_index()` can skip unchanged files. `index` are
        the claims' `claim_index.IndexRow`s (what the gate reads instead of the claims).
        """
        if file_stat is None:
            file_stat = _stat(source.path)
        mtime_ns, size = file_stat if file_stat else (None, None)
        with self.transaction():
            self.conn.execute(
                "INSERT INTO sources(id, path, content_hash, mtime_ns, size, record) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET raw_sha256 = CASE WHEN sources.content_hash = excluded.content_hash "
                "THEN sources.raw_sha256 END, path = excluded.path, content_hash = excluded.content_hash, "
                "mtime_ns = excluded.mtime_ns, size = excluded.size, record = excluded.record",
                (source.id, source.path, source.content_hash, mtime_ns, size, _dumps(dataclasses.asdict(source))))
            self.conn.execute("DELETE FROM processed WHERE source_id = ?", (source.id,))
            self.conn.execute(
                "INSERT INTO processed(source_id, content_hash, pipeline_version, sentences, claims, indexed) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (source.id, source.content_hash, pipeline_version, _pack(sentences), _pack(claims),
                 int(index is not None)))
            self.conn.execute("DELETE FROM claim_index WHERE source_id = ?", (source.id,))
            if index:
                self._insert_index(pipeline_version, index)

    def _insert_index(self, pipeline_version: str, rows: Sequence[Any]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO claim_index(source_id, pipeline_version, ordinal, claim_id, text_hash, family, "
            "subject, location, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.source_id, pipeline_version, r.ordinal, r.claim_id, r.text_hash, r.event_family, r.subject,
              r.location, r.chain) for r in rows])

    def put_index(self, pipeline_version: str, source_ids: Sequence[str], rows: Sequence[Any]) -> None:
        """Add the claim index of sources stored without one (by an older checker)."""
        with self.transaction():
            for chunk in _chunks(list(source_ids)):
                marks = ",".join("?" * len(chunk))
                self.conn.execute(f"DELETE FROM claim_index WHERE pipeline_version = ? AND source_id IN ({marks})",
                                  (pipeline_version, *chunk))
                self.conn.execute(f"UPDATE processed SET indexed = 1 WHERE pipeline_version = ? "
                                  f"AND source_id IN ({marks})", (pipeline_version, *chunk))
            self._insert_index(pipeline_version, rows)

    def index_state(self, pipeline_version: str) -> dict[str, bool]:
        """source id -> whether its claims are indexed, for every source processed by this pipeline."""
        with self._guard():
            rows = self.conn.execute("SELECT source_id, indexed FROM processed WHERE pipeline_version = ?",
                                     (pipeline_version,)).fetchall()
        return {source_id: bool(indexed) for source_id, indexed in rows}

    def claim_index(self, pipeline_version: str) -> list[Any]:
        """Every indexed claim of this pipeline (`claim_index.IndexRow`): the gate's view of the stored corpus."""
        from .claim_index import IndexRow

        with self._guard():
            rows = self.conn.execute(
                "SELECT source_id, ordinal, claim_id, text_hash, family, subject, location, chain FROM claim_index "
                "WHERE pipeline_version = ?", (pipeline_version,)).fetchall()
        return list(map(IndexRow._make, rows))

    # -- all vectors of a model in one blob (a gate's nearest-neighbour search reads them at once) ----
    def get_vector_snapshot(self, model_id: str) -> tuple[list[str], np.ndarray] | None:
        """(text hashes, float32 matrix with one row per hash) as last saved, or None."""
        with self._guard():
            row = self.conn.execute("SELECT dim, hashes, matrix FROM vector_snapshot WHERE model_id = ?",
                                    (model_id,)).fetchone()
        if row is None:
            return None
        dim, hashes, blob = row
        width = 40  # hex sha1
        keys = [hashes[i:i + width] for i in range(0, len(hashes), width)]
        if dim <= 0 or len(blob) != len(keys) * dim * 4:  # torn or foreign: ignore, it is rebuilt
            return None
        return keys, np.frombuffer(blob, dtype=np.float32).reshape(len(keys), dim)

    def put_vector_snapshot(self, model_id: str, hashes: Sequence[str], matrix: np.ndarray) -> None:
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        if any(len(h) != 40 for h in hashes) or matrix.shape[0] != len(hashes):
            raise ValueError("a vector snapshot needs one 40-hex-digit hash per row")
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO vector_snapshot(model_id, dim, hashes, matrix) VALUES (?, ?, ?, ?)",
                              (model_id, int(matrix.shape[1]), "".join(hashes), matrix.tobytes()))

    def sources_by_id(self, source_ids: Iterable[str]) -> dict[str, Source]:
        found: dict[str, Source] = {}
        with self._guard():
            for chunk in _chunks(list(dict.fromkeys(source_ids))):
                marks = ",".join("?" * len(chunk))
                for source_id, record in self.conn.execute(
                        f"SELECT id, record FROM sources WHERE id IN ({marks})", chunk):
                    found[source_id] = record_from_dict(Source, json.loads(record))
        return found

    def source_ids(self) -> set[str]:
        with self._guard():
            return {row[0] for row in self.conn.execute("SELECT id FROM sources")}

    def stored_sources(self) -> list[Source]:
        with self._guard():
            rows = self.conn.execute("SELECT record FROM sources ORDER BY id").fetchall()
        return [record_from_dict(Source, json.loads(r[0])) for r in rows]

    def stored_claims(self, pipeline_version: str, source_ids: Iterable[str] | None = None) -> dict[str, list[Claim]]:
        """Claims per source id for one pipeline version, without the sentences (the gate's bulk read)."""
        query = "SELECT source_id, claims FROM processed WHERE pipeline_version = ?"
        result: dict[str, list[Claim]] = {}
        with self._guard():
            if source_ids is None:
                rows = self.conn.execute(query, (pipeline_version,)).fetchall()
            else:
                ids = list(source_ids)
                rows = []
                for chunk in _chunks(ids):
                    rows += self.conn.execute(f"{query} AND source_id IN ({','.join('?' * len(chunk))})",
                                              (pipeline_version, *chunk)).fetchall()
        for source_id, blob in rows:
            result[source_id] = _unpack(Claim, blob)
        return result

    def file_index(self) -> dict[str, tuple[int | None, int | None, str, str]]:
        """path -> (mtime_ns, size, content_hash, source_id) of every stored source."""
        with self._guard():
            rows = self.conn.execute("SELECT path, mtime_ns, size, content_hash, id FROM sources").fetchall()
        return {path: (mtime_ns, size, content_hash, source_id) for path, mtime_ns, size, content_hash, source_id in rows}

    def file_hashes(self) -> dict[str, str]:
        """source id -> sha256 of the file bytes it was read from, where the gate recorded one."""
        with self._guard():
            rows = self.conn.execute("SELECT id, raw_sha256 FROM sources WHERE raw_sha256 IS NOT NULL").fetchall()
        return dict(rows)

    def set_file_state(self, states: Iterable[tuple[str, int | None, int | None, str | None]]) -> None:
        """Record (source_id, mtime_ns, size, raw_sha256) of the files sources were read from, so a
        fresh checkout (new mtimes, same bytes) is recognised by content without re-reading articles."""
        rows = [(mtime, size, raw, source_id) for source_id, mtime, size, raw in states]
        if not rows:
            return
        with self.transaction():
            self.conn.executemany("UPDATE sources SET mtime_ns = ?, size = ?, raw_sha256 = coalesce(?, raw_sha256) "
                                  "WHERE id = ?", rows)

    def remove_source(self, source_id: str) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM claim_index WHERE source_id = ?", (source_id,))
            self.conn.execute("DELETE FROM processed WHERE source_id = ?", (source_id,))
            self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))

    def get_meta(self, key: str) -> str | None:
        with self._guard():
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        if key == "schema_version":
            raise ValueError("schema_version is managed by the store")
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def counts(self) -> dict[str, int]:
        with self._guard():
            return {table: self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    for table in ("sources", "processed", "embeddings")}

    def check_integrity(self) -> None:
        """Full `PRAGMA integrity_check`; raises StoreError on damage (slow on big stores: tests, doctor)."""
        with self._guard():
            rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            raise StoreError(f"integrity check failed ({'; '.join(rows[:3])})", path=str(self.path),
                             hint="delete it, it is only a cache")


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(items), _IN_CHUNK):
        yield items[i:i + _IN_CHUNK]


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        head, sep, tail = path.rpartition(":")  # `feed.jsonl:17`: one line of a file
        if not (sep and tail.isdigit()):
            return None
        try:
            st = os.stat(head)
        except OSError:
            return None
    return st.st_mtime_ns, st.st_size
