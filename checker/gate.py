"""The CI gate: check only what new sources bring against the stored corpus, and compare with a baseline.

    outcome = run_gate(["corpus/new.txt"], corpus="corpus", baseline="checker-baseline.yaml", config=cfg)
    outcome.exit_code  # 0 nothing new at or above fail_on, 1 new findings

Order matters for reliability:
1. the baseline is read strictly and the new files are parsed *before* the store is opened, so bad
   input exits 2 with the store untouched;
2. the rest of the corpus comes from the store (unchanged files by size and mtime; files the store has
   not seen are ingested and stored once, committed source by source like `checker check` does);
3. the new sources are processed and stored inside one transaction: if anything fails the store
   rolls back to what it was (the analysis that follows only adds embeddings, a cache);
4. only pairs that involve a new claim are matched and judged (plus single-source rules on the new
   sources), so the cost grows with the new article, not with the corpus.
"""
from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .baseline import Baseline, Comparison, compare, load_baseline
from .config import Config
from .errors import CheckerError, UsageError
from .formats import FindingsView, RuleInfo, at_or_above, repository_root, rules_from_loaded
from .model import SEVERITIES, Claim, Finding, Source
from .store import Store, default_store_path

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
MANIFEST_NAME = "sources.yaml"
# Files in a corpus folder that are not articles although their suffix says so.
NOT_ARTICLES = {"reviews.jsonl"}
_MANIFEST_STATE_KEY = "manifest-sha256:"


class GateInputError(CheckerError):
    """A new source the gate was asked to check cannot be read: fatal, unlike in `checker check`."""

    code = "E302"


@dataclass
class GateOutcome:
    new_sources: tuple[Source, ...]
    sources: dict[str, Source]
    claims: dict[str, Claim]
    findings: tuple[Finding, ...]  # every finding that involves a new source or claim
    comparison: Comparison
    fail_on: str
    corpus: Path
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def failing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.comparison.new if at_or_above(f, self.fail_on))

    @property
    def exit_code(self) -> int:
        return 1 if self.failing else 0

    def summary(self) -> dict[str, Any]:
        return {
            "new_sources": [s.id for s in self.new_sources],
            "corpus_sources": self.stats.get("corpus_sources", len(self.sources) - len(self.new_sources)),
            "findings_checked": len(self.findings),
            "new": len(self.comparison.new),
            "failing": len(self.failing),
            "baselined": len(self.comparison.accepted),
            "suppressed": len(self.comparison.suppressed),
            "fail_on": self.fail_on,
        }

    def view(self, base: Path | None = None) -> FindingsView:
        return FindingsView(findings=self.comparison.new, sources=self.sources, claims=self.claims,
                            root=self.corpus, base=base or repository_root(self.corpus),
                            new_sources={s.id for s in self.new_sources}, rules=self.rules,
                            fail_on=self.fail_on, summary=self.summary())


# -- which files are new ---------------------------------------------------------------------------

def _is_article(path: Path) -> bool:
    return _is_article_name(path.name)


def _is_article_name(name: str) -> bool:
    return name.lower().endswith(ARTICLE_SUFFIXES) and not name.startswith(".") and name not in NOT_ARTICLES


def article_paths(folder: str | Path) -> list[str]:
    """Article files under a folder as path strings, in `article_files` order (each folder's files by
    name, then its sub-folders by name; hidden folders skipped). Strings, not Paths: a corpus of
    thousands of files is walked on every gate."""
    root = str(Path(folder))
    found: list[str] = []

    def walk(where: str) -> None:
        try:
            with os.scandir(where) as entries:
                listing = sorted(entries, key=lambda e: e.name)
        except OSError:
            return
        prefix = "" if where == "." else where + os.sep
        found.extend(prefix + e.name for e in listing if _is_article_name(e.name) and e.is_file())
        for e in listing:
            if e.is_dir() and not e.name.startswith(".") and e.name != "__pycache__":
                walk(prefix + e.name)

    walk(root)
    return found


def article_files(paths: Iterable[Path]) -> list[Path]:
    """Article files under the given files or folders (hidden folders such as .checker/ skipped)."""
    paths = [Path(p) for p in paths]
    files: list[Path] = []
    for given in paths:
        if given.is_dir():
            files += map(Path, article_paths(given))
        elif given.is_file():
            if not _is_article(given):
                raise GateInputError(f"not an article file ({given.suffix or 'no suffix'})", path=str(given),
                                     hint=f"the gate reads {', '.join(ARTICLE_SUFFIXES)}")
            files.append(given)
        else:
            raise GateInputError("no such file or folder", path=str(given), hint="check the path")
    if len(paths) <= 1:
        return files  # one folder walk lists each file once
    unique: dict[str, Path] = {}
    for f in files:
        unique.setdefault(os.path.realpath(f), f)
    return list(unique.values())


def changed_files(corpus: Path, ref: str) -> list[Path]:
    """Article files under `corpus` that differ from git ref `ref` (added, copied, modified, renamed)."""
    command = ["git", "-C", str(corpus), "diff", "--name-only", "--relative", "--diff-filter=ACMRT", ref, "--", "."]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed", hint="drop --diff-base and name the new files") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["git diff failed"])[0]
        raise UsageError(f"cannot diff against '{ref}' ({reason})", path=str(corpus),
                         hint="fetch the base ref (actions/checkout with fetch-depth: 0) or name the new files")
    files = [corpus / line for line in done.stdout.splitlines() if line.strip()]
    articles = [f for f in files if _is_article(f) and f.is_file() and not _hidden_under(f, corpus)]
    if any(f.name == MANIFEST_NAME for f in files):
        log.info("%s changed: files whose manifest entry changed are re-read through the store", MANIFEST_NAME)
    log.info("%d article file(s) changed against %s", len(articles), ref)
    return articles


def _hidden_under(path: Path, root: Path) -> bool:
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    return any(p.startswith(".") for p in parts[:-1])


# -- reading new and old sources -------------------------------------------------------------------

def ingest_new(files: Sequence[Path]) -> list[Source]:
    """Parse the new files strictly: any file (or jsonl line) that does not yield an article is fatal."""
    from .errors import NothingReadableError
    from .ingest import ingest

    if not files:
        return []
    try:
        result = ingest([str(f) for f in files])
    except NothingReadableError as exc:
        raise GateInputError(exc.message, path=exc.path, hint=exc.hint) from None
    produced = {_file_of(source.path) for source in result.sources}
    for f in files:
        problems = [w[len(str(f)):].lstrip(": ").strip() for w in result.warnings
                    if _file_of(w.split(": ", 1)[0]) == str(f) and not any(ok in w for ok in _HARMLESS)]
        if str(f) not in produced:
            raise GateInputError(f"cannot be read as an article ({problems[0] if problems else 'no text'})",
                                 path=str(f), hint="fix the file or leave it out of the gate")
        if problems:
            raise GateInputError(f"part of it cannot be read ({problems[0]})", path=str(f),
                                 hint="fix the file or leave it out of the gate")
    return list(result.sources)


# Ingest warnings that do not make a new file unreadable (the gate still checks it).
_HARMLESS = ("publication date", "Windows-1256", "already used")


def _file_of(source_path: str) -> str:
    """`feed.jsonl:17` -> `feed.jsonl`: the file a source (or a warning) comes from."""
    head, sep, tail = source_path.rpartition(":")
    return head if sep and tail.isdigit() and head.lower().endswith(".jsonl") else source_path


def _key(path: str, cwd: str) -> str:
    """A comparable key for a file path as stored or as walked: absolute and normalised."""
    return os.path.normcase(os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path)))


def _stat(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _sha256(path: str | Path) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _manifest_states(corpus: Path, files: Iterable[str | Path]) -> dict[str, str]:
    """sha256 of each folder's manifest (or 'absent'), keyed relative to the corpus: a manifest is part of
    its sources' identity, and content (not mtime) survives a fresh checkout."""
    return _folder_manifest_states(corpus, {os.path.dirname(str(f)) for f in files})


def _folder_manifest_states(corpus: Path, folders: Iterable[str]) -> dict[str, str]:
    states = {}
    for folder in map(Path, folders):
        states[_manifest_key(corpus, folder)] = _sha256(folder / MANIFEST_NAME) or "absent"
    return states


def _manifest_key(corpus: Path, folder: Path) -> str:
    return _MANIFEST_STATE_KEY + Path(os.path.relpath(folder / MANIFEST_NAME, corpus)).as_posix()


@dataclass
class CorpusRead:
    source_ids: list[str]  # stored sources of unchanged files, in corpus order
    unread: list[str | Path]  # files the store does not know (or that changed): ingest them
    recognised_by_content: int = 0  # unchanged bytes under a new mtime (a fresh checkout)
    file_of_id: dict[str, str] = field(default_factory=dict)  # stored source id -> its file, as stored
    manifests: dict[str, str] = field(default_factory=dict)  # manifest key -> sha256 now (see _manifest_states)
    digest: str = ""  # of every corpus file's path, size and mtime and the manifests (see _corpus_digest)
    from_state: bool = False  # the ids were taken from the state the last gate remembered


def corpus_sources(corpus: Path, corpus_files: Sequence[str | Path], store: Store, *,
                   use_state: bool = True, version: str = "") -> CorpusRead:
    """Stored Source records for unchanged corpus files, and the files that must be (re)read.

    Unchanged = same size and mtime as recorded, or else the same bytes (sha256) as recorded, and the
    folder's manifest unchanged. A `.jsonl` file stands for all the sources of its lines. When every
    file's path, size and mtime and every manifest are exactly as the last gate left them (one digest,
    `remember_corpus_state`), its list of source ids is taken as is (`use_state=False` re-matches).
    """
    folder_of = [os.path.dirname(str(f)) for f in corpus_files]
    folders = set(folder_of)
    manifests = _folder_manifest_states(corpus, folders)
    stats = [_stat(f) for f in corpus_files]
    digest = _corpus_digest(corpus_files, stats, manifests, version)
    if use_state:
        remembered = _remembered_state(store, corpus)
        if remembered is not None and remembered.get("digest") == digest:
            stored = store.source_ids()
            ids = [sid for sid in remembered.get("ids", ()) if sid in stored]
            if len(ids) == len(remembered.get("ids", ())):
                return CorpusRead(ids, [], 0, {}, manifests, digest, from_state=True)
    cwd = os.getcwd()
    # keyed by the path exactly as stored; walked paths usually match it verbatim (same working folder,
    # same spelling), and only when they do not is the normalised form computed
    by_path: dict[str, list[tuple[int | None, int | None, str]]] = {}
    file_of_id: dict[str, str] = {}
    for path, (mtime, size, _, source_id) in store.file_index().items():
        file = _file_of(path)
        by_path.setdefault(file, []).append((mtime, size, source_id))
        file_of_id[source_id] = file
    normalised: dict[str, list[tuple[int | None, int | None, str]]] | None = None

    def entries_for(f: Path) -> list[tuple[int | None, int | None, str]] | None:
        nonlocal normalised
        found = by_path.get(str(f))
        if found is None:
            if normalised is None:
                normalised = {_key(p, cwd): e for p, e in by_path.items()}
            found = normalised.get(_key(str(f), cwd))
        return found

    changed_manifests = {key for key, state in manifests.items() if store.get_meta(key) != state}
    manifest_changed_in = {folder: _manifest_key(corpus, Path(folder)) in changed_manifests for folder in folders}
    raw_hashes: dict[str, str] | None = None
    wanted: list[str] = []
    unread: list[str | Path] = []
    refreshed: list[tuple[str, int | None, int | None, str | None]] = []
    for f, folder, stat in zip(corpus_files, folder_of, stats):
        entries = entries_for(f)
        if not entries or manifest_changed_in[folder]:
            unread.append(f)
            continue
        if stat and all((mtime, size) == stat for mtime, size, _ in entries):
            wanted += [sid for _, _, sid in entries]
            continue
        if raw_hashes is None:
            raw_hashes = store.file_hashes()
        recorded = {raw_hashes.get(sid) for _, _, sid in entries}
        digest = _sha256(f) if len(recorded) == 1 and None not in recorded else None
        if digest is not None and recorded == {digest} and stat:
            wanted += [sid for _, _, sid in entries]
            refreshed += [(sid, stat[0], stat[1], digest) for _, _, sid in entries]
        else:
            unread.append(f)
    if refreshed:
        store.set_file_state(refreshed)
    stored = store.source_ids() if wanted else set()
    missing_ids = [sid for sid in wanted if sid not in stored]
    if missing_ids:  # a row vanished between the two reads (another process): read those files again
        unread += _files_of(missing_ids, file_of_id, corpus_files, unread)
    return CorpusRead([sid for sid in dict.fromkeys(wanted) if sid in stored], unread,
                      len({sid for sid, *_ in refreshed}), file_of_id, manifests, digest)


_CORPUS_STATE_KEY = "corpus-state:"


def _corpus_digest(files: Sequence[str | Path], stats: Sequence[tuple[int, int] | None],
                   manifests: dict[str, str], version: str = "") -> str:
    """One hash of every corpus file's path, mtime and size, the manifests and the pipeline version: equal
    to the remembered one only if the last gate saw exactly this corpus, indexed by this pipeline."""
    lines = [f"{f}\0{st}" for f, st in zip(files, stats)] + [f"{k}\0{v}" for k, v in sorted(manifests.items())]
    lines.append(version)
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def _remembered_state(store: Store, corpus: Path) -> dict | None:
    raw = store.get_meta(_CORPUS_STATE_KEY + os.path.realpath(corpus))
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def remember_corpus_state(store: Store, corpus: Path, digest: str, source_ids: Sequence[str]) -> None:
    """What the next gate may take as is while no corpus file or manifest changed."""
    value = json.dumps({"digest": digest, "ids": list(source_ids)}, ensure_ascii=False, separators=(",", ":"))
    key = _CORPUS_STATE_KEY + os.path.realpath(corpus)
    if store.get_meta(key) != value:
        store.set_meta(key, value)


def _files_of(source_ids: Iterable[str], file_of_id: dict[str, str], corpus_files: Sequence[str | Path],
              already: Sequence[str | Path] = ()) -> list[str | Path]:
    cwd = os.getcwd()
    wanted = {_key(file_of_id[sid], cwd) for sid in source_ids if sid in file_of_id}
    return [f for f in corpus_files if _key(str(f), cwd) in wanted and f not in already]


def remember_files(store: Store, sources: Iterable[Source]) -> None:
    """Record stat and sha256 of the files these sources were read from (for the next gate)."""
    states = []
    hashes: dict[str, str | None] = {}
    for source in sources:
        file = _file_of(source.path)
        if file not in hashes:
            hashes[file] = _sha256(Path(file))
        stat = _stat(Path(file))
        if stat and hashes[file]:
            states.append((source.id, stat[0], stat[1], hashes[file]))
    store.set_file_state(states)


def remember_manifests(store: Store, corpus: Path, files: Iterable[str | Path],
                       states: dict[str, str] | None = None) -> None:
    for key, state in (states if states is not None else _manifest_states(corpus, files)).items():
        if store.get_meta(key) != state:
            store.set_meta(key, state)


# -- the gate --------------------------------------------------------------------------------------

def load_rule_infos(config: Config) -> dict[str, RuleInfo]:
    """Rule descriptions for SARIF, loaded once per state of the rules folder."""
    folder = Path(config.rules_dir)
    try:
        state = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.y*ml")))
    except OSError:
        state = ()
    return dict(_rule_infos(str(folder), state))


@lru_cache(maxsize=4)
def _rule_infos(folder: str, state: tuple) -> tuple[tuple[str, RuleInfo], ...]:
    try:
        from .rules import load_rules
    except ImportError:
        return ()
    return tuple(rules_from_loaded(load_rules(folder)).items())


def run_gate(new_paths: Sequence[str | Path], corpus: str | Path, baseline: str | Path | Baseline, *,
             config: Config, store_path: str | Path | None = None, diff_base: str | None = None,
             fail_on: str | None = None) -> GateOutcome:
    from . import pipeline

    fail_on = fail_on or config.fail_on
    if fail_on not in SEVERITIES:
        raise UsageError(f"unknown severity '{fail_on}' for --fail-on", hint=f"one of {', '.join(SEVERITIES)}")
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise UsageError("--corpus must be a folder", path=str(corpus))
    base_line = baseline if isinstance(baseline, Baseline) else load_baseline(baseline)

    # 1. parse new files before touching the store
    given = [Path(p) for p in new_paths]
    if diff_base:
        given += changed_files(corpus, diff_base)
    new_files = article_files(given)
    new_sources = ingest_new(new_files)
    new_real = {os.path.realpath(f) for f in new_files}
    store_file = Path(store_path) if store_path else default_store_path(corpus)

    with Store(store_file) as store, _gc_paused():
        # 2. the corpus, from the store where possible
        new_names = {os.path.basename(p) for p in new_real}
        corpus_files = [f for f in article_paths(corpus)
                        if os.path.basename(f) not in new_names or os.path.realpath(f) not in new_real]
        version = pipeline.pipeline_version(config)
        read = corpus_sources(corpus, corpus_files, store, version=version)
        old_ids, unread = list(read.source_ids), list(read.unread)
        reused_state = read.from_state
        # the remembered state was written after every one of its sources was indexed by this pipeline
        indexed = dict.fromkeys(old_ids, True) if reused_state else store.index_state(version)
        outdated = [sid for sid in old_ids if sid not in indexed]
        if outdated:  # stored under another pipeline version: read the file afresh, the Source may differ too
            unread += _files_of(outdated, read.file_of_id, corpus_files, unread)
            old_ids = [sid for sid in old_ids if sid in indexed]
        _index_stored(store, [sid for sid in old_ids if not indexed[sid]], version, config)
        fresh: list[Source] = []
        if unread:
            log.info("%d corpus file(s) new to the store or changed: reading them once", len(unread))
            fresh = _ingest_lenient(unread)
        new_ids = {s.id for s in new_sources}
        taken = set(old_ids)
        fresh = [s for s in fresh if s.id not in taken]
        all_read = not unread or {str(f) for f in unread} <= {_file_of(s.path) for s in fresh}
        corpus_state = list(old_ids) + [s.id for s in fresh]  # before a new file with the same id shadows one
        clash = sorted(new_ids & (taken | {s.id for s in fresh}))
        if clash:
            # the same article named twice (a new file and a corpus file with the same stem): the new wins
            log.warning("source id %s is both new and in the corpus; treating it as new", clash[0])
        old_ids = [sid for sid in old_ids if sid not in new_ids]
        fresh = [s for s in fresh if s.id not in new_ids]
        if fresh:
            # committed source by source, like `checker check`: this is cache warming, not the gate
            pipeline.process_sources(fresh, config, store)
            remember_files(store, fresh)
            old_ids += [s.id for s in fresh]
        remember_manifests(store, corpus, corpus_files, read.manifests)
        if all_read:  # every corpus file is stored now (a file that failed is tried, and warned about, again)
            remember_corpus_state(store, corpus, read.digest, corpus_state)

        # 3. the new sources are stored in one transaction: all of them with their claims, or nothing
        with store.transaction():
            _, new_claims = pipeline.process_sources(new_sources, config, store)
            remember_files(store, new_sources)
        # 4. matching and rules for pairs with a new claim; the write lock is not held meanwhile (only
        # new embeddings are written, each batch committed), so concurrent gates do not queue behind it
        new_claim_ids = {c.id for c in new_claims}
        part = _neighbourhood_analysis(store, old_ids, new_sources, new_claims, version, config)
        findings, loaded_sources, loaded_claims = part

    corpus_ids = set(old_ids) | new_ids
    all_sources = {**loaded_sources, **{s.id: s for s in new_sources}}
    all_claims = {**loaded_claims, **{c.id: c for c in new_claims}}
    relevant = tuple(f for f in findings if new_claim_ids.intersection(f.claims) or new_ids.intersection(f.sources))
    comparison = compare(relevant, base_line, known_sources=corpus_ids)
    for entry, why in comparison.stale:
        log.warning("baseline entry %s (%s) is stale: %s — `checker baseline update` removes it",
                    entry.id, entry.rule, why)
    outcome = GateOutcome(
        new_sources=tuple(new_sources), sources=all_sources, claims=all_claims, findings=relevant,
        comparison=comparison, fail_on=fail_on, corpus=corpus, rules=load_rule_infos(config) if comparison.new else {},
        stats={"corpus_sources": len(corpus_ids - new_ids), "corpus_files": len(corpus_files),
               "corpus_state_reused": reused_state,
               "read_from_store": len(corpus_files) - len(unread), "claims_read": len(loaded_claims),
               "recognised_by_content": read.recognised_by_content, "ingested_corpus_files": len(unread),
               "processed_corpus_sources": len(fresh)})
    log.info("gate: %d new source(s), %d finding(s) involve them: %d new, %d baselined, %d suppressed; "
             "%d at or above %s", len(new_sources), len(relevant), len(comparison.new), len(comparison.accepted),
             len(comparison.suppressed), len(outcome.failing), fail_on)
    return outcome


def _ingest_lenient(files: Sequence[Path]) -> list[Source]:
    """Corpus files are read like `checker check` reads them: a bad one is a warning, not fatal."""
    from .errors import NothingReadableError
    from .ingest import ingest

    try:
        return list(ingest([str(f) for f in files]).sources)
    except NothingReadableError as exc:
        log.warning("%s", exc.one_line())
        return []


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The gate builds tens of thousands of short-lived records (index rows, file states) in a process
    whose heap already holds the models; the cyclic collector's full passes, triggered by those
    allocations, cost more than the work itself, and the records form no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _index_stored(store: Store, source_ids: Sequence[str], version: str, config: Config) -> None:
    """Index claims an older checker stored without a claim index (once; the next gate reads the index)."""
    from .claim_index import index_rows
    from .lexicon import load_lexicons

    if not source_ids:
        return
    log.info("indexing the stored claims of %d source(s) once", len(source_ids))
    lexicons = load_lexicons(str(config.rules_dir))
    sources = store.sources_by_id(source_ids)
    claims = store.stored_claims(version, source_ids)
    readable = [sid for sid in source_ids if sid in sources and sid in claims]
    store.put_index(version, readable,
                    [row for sid in readable for row in index_rows(sources[sid], claims[sid], lexicons)])


def _neighbourhood_analysis(store: Store, stored_ids: Sequence[str], new_sources: Sequence[Source],
                            new_claims: Sequence[Claim], version: str, config: Config
                            ) -> tuple[list[Finding], dict[str, Source], dict[str, Claim]]:
    """Findings that involve a new claim, reading back only the stored claims near the new ones.

    The stored corpus is seen through the claim index (slots, embedding key, drift values per claim);
    the new claims' candidate pairs are computed against all of it exactly as a full check would, then
    only the sources and claims in those pairs are read back for the rules; a drift finding that needs
    a stored claim outside them reads that one claim on demand. An embedder whose vectors depend on
    the whole corpus (the TF-IDF fallback) or a lexical weight needs every claim: then all are read.
    """
    import numpy as np

    from . import pipeline
    from .claim_index import neighbourhood, stored_vectors
    from .embed import embed_texts, get_embedder
    from .lexicon import load_lexicons

    embedder = get_embedder(config)
    new_ids = {c.id for c in new_claims}
    if embedder.is_fallback or config.lexical_weight > 0:
        sources = store.sources_by_id(stored_ids)
        stored = store.stored_claims(version, stored_ids)
        claims = [c for sid in stored_ids for c in stored.get(sid, ())]
        everything = [sources[sid] for sid in stored_ids if sid in sources] + list(new_sources)
        _, findings, _ = pipeline.analyse(everything, claims + list(new_claims), config, embedder, store,
                                          new_claim_ids=new_ids)
        return findings, sources, {c.id: c for c in claims}

    position = {sid: k for k, sid in enumerate(stored_ids)}
    rows = [row for row in store.claim_index(version) if row.source_id in position]
    rows.sort(key=lambda row: (position[row.source_id], row.ordinal))
    source_of = {row.claim_id: row.source_id for row in rows}

    def texts_of(claim_ids: Sequence[str]) -> list[str]:
        by_source = store.stored_claims(version, {source_of[cid] for cid in claim_ids})
        text = {c.id: c.text for cs in by_source.values() for c in cs}
        return [text[cid] for cid in claim_ids]

    vectors = stored_vectors(store, embedder, rows, texts_of)
    new_vectors = embed_texts([c.text for c in new_claims], embedder, cache=store)
    lexicons = load_lexicons(str(config.rules_dir))
    hood = neighbourhood(rows, vectors, new_claims, new_vectors, config, lexicons)

    near = set(hood.stored_claim_ids)
    near_sources = list(dict.fromkeys(source_of[cid] for cid in hood.stored_claim_ids))
    sources = store.sources_by_id(near_sources)
    stored = store.stored_claims(version, near_sources)
    claims = {c.id: c for sid in near_sources for c in stored.get(sid, ()) if c.id in near}

    def load_claim(claim_id: str) -> tuple[Claim, Source]:
        source_id = source_of[claim_id]
        if source_id not in sources:
            sources.update(store.sources_by_id([source_id]))
        if source_id not in stored:  # a drift finding may name several claims of one source: read it once
            stored.update(store.stored_claims(version, [source_id]))
        found = next(c for c in stored[source_id] if c.id == claim_id)
        claims[claim_id] = found
        return found, sources[source_id]

    subset = [claims[cid] for cid in hood.stored_claim_ids] + list(new_claims)
    in_subset = [sources[sid] for sid in near_sources] + list(new_sources)
    _, findings, _ = pipeline.analyse(in_subset, subset, config, embedder, store, new_claim_ids=new_ids,
                                      pairs=hood.pairs, stored_chain_values=hood.chain_values, load_claim=load_claim)
    return findings, sources, claims
