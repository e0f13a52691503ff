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

import hashlib
import logging
import os
import subprocess
from collections.abc import Iterable, Sequence
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
            "corpus_sources": len(self.sources) - len(self.new_sources),
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
    return (path.suffix.lower() in ARTICLE_SUFFIXES and not path.name.startswith(".")
            and path.name not in NOT_ARTICLES)


def article_files(paths: Iterable[Path]) -> list[Path]:
    """Article files under the given files or folders (hidden folders such as .checker/ skipped)."""
    paths = [Path(p) for p in paths]
    files: list[Path] = []
    for given in paths:
        if given.is_dir():
            for dirpath, dirnames, filenames in os.walk(given):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
                files += [Path(dirpath) / name for name in sorted(filenames) if _is_article(Path(name))]
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


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _manifest_states(corpus: Path, files: Iterable[Path]) -> dict[str, str]:
    """sha256 of each folder's manifest (or 'absent'), keyed relative to the corpus: a manifest is part of
    its sources' identity, and content (not mtime) survives a fresh checkout."""
    states = {}
    for folder in map(Path, {os.path.dirname(str(f)) for f in files}):
        states[_manifest_key(corpus, folder)] = _sha256(folder / MANIFEST_NAME) or "absent"
    return states


def _manifest_key(corpus: Path, folder: Path) -> str:
    return _MANIFEST_STATE_KEY + Path(os.path.relpath(folder / MANIFEST_NAME, corpus)).as_posix()


@dataclass
class CorpusRead:
    sources: list[Source]  # stored records of unchanged files
    unread: list[Path]  # files the store does not know (or that changed): ingest them
    recognised_by_content: int = 0  # unchanged bytes under a new mtime (a fresh checkout)


def corpus_sources(corpus: Path, corpus_files: Sequence[Path], store: Store) -> CorpusRead:
    """Stored Source records for unchanged corpus files, and the files that must be (re)read.

    Unchanged = same size and mtime as recorded, or else the same bytes (sha256) as recorded, and the
    folder's manifest unchanged. A `.jsonl` file stands for all the sources of its lines.
    """
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

    manifests = _manifest_states(corpus, corpus_files)
    changed_manifests = {key for key, state in manifests.items() if store.get_meta(key) != state}
    manifest_changed_in = {folder: _manifest_key(corpus, Path(folder)) in changed_manifests
                           for folder in {os.path.dirname(str(f)) for f in corpus_files}}
    raw_hashes: dict[str, str] | None = None
    wanted: list[str] = []
    unread: list[Path] = []
    refreshed: list[tuple[str, int | None, int | None, str | None]] = []
    for f in corpus_files:
        entries = entries_for(f)
        if not entries or manifest_changed_in[os.path.dirname(str(f))]:
            unread.append(f)
            continue
        stat = _stat(f)
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
    stored = {s.id: s for s in store.stored_sources()} if wanted else {}
    missing_ids = [sid for sid in wanted if sid not in stored]
    if missing_ids:  # a row vanished between the two reads (another process): read those files again
        gone = {_key(file_of_id[m], cwd) for m in missing_ids if m in file_of_id}
        unread += [f for f in corpus_files if _key(str(f), cwd) in gone and f not in unread]
    return CorpusRead([stored[sid] for sid in dict.fromkeys(wanted) if sid in stored], unread,
                      len({sid for sid, *_ in refreshed}))


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


def remember_manifests(store: Store, corpus: Path, files: Iterable[Path]) -> None:
    for key, state in _manifest_states(corpus, files).items():
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

    with Store(store_file) as store:
        # 2. the corpus, from the store where possible
        new_names = {Path(p).name for p in new_real}
        corpus_files = [f for f in article_files([corpus])
                        if f.name not in new_names or os.path.realpath(f) not in new_real]
        read = corpus_sources(corpus, corpus_files, store)
        old_sources, unread = read.sources, list(read.unread)
        version = pipeline.pipeline_version(config)
        stored_claims = store.stored_claims(version, [s.id for s in old_sources])
        outdated = [s for s in old_sources if s.id not in stored_claims]
        if outdated:  # stored under another pipeline version: read the file afresh, the Source may differ too
            cwd = os.getcwd()
            outdated_files = {_key(_file_of(s.path), cwd) for s in outdated}
            unread += [f for f in corpus_files if _key(str(f), cwd) in outdated_files]
            old_sources = [s for s in old_sources if s.id in stored_claims]
        fresh: list[Source] = []
        if unread:
            log.info("%d corpus file(s) new to the store or changed: reading them once", len(unread))
            fresh = _ingest_lenient(unread)
        new_ids = {s.id for s in new_sources}
        taken = {s.id for s in old_sources}
        fresh = [s for s in fresh if s.id not in taken]
        clash = sorted(new_ids & (taken | {s.id for s in fresh}))
        if clash:
            # the same article named twice (a new file and a corpus file with the same stem): the new wins
            log.warning("source id %s is both new and in the corpus; treating it as new", clash[0])
        old_sources = [s for s in old_sources if s.id not in new_ids]
        fresh = [s for s in fresh if s.id not in new_ids]
        old_claims: list[Claim] = [c for s in old_sources for c in stored_claims[s.id]]
        if fresh:
            # committed source by source, like `checker check`: this is cache warming, not the gate
            _, extra = pipeline.process_sources(fresh, config, store)
            old_claims += list(extra)
            remember_files(store, fresh)
            old_sources += fresh
        remember_manifests(store, corpus, corpus_files)

        # 3. the new sources are stored in one transaction: all of them with their claims, or nothing
        with store.transaction():
            _, new_claims = pipeline.process_sources(new_sources, config, store)
            remember_files(store, new_sources)
        # 4. matching and rules for pairs with a new claim; the write lock is not held meanwhile (only
        # new embeddings are written, each batch committed), so concurrent gates do not queue behind it
        all_sources = list(old_sources) + list(new_sources)
        all_claims = list(old_claims) + list(new_claims)
        new_claim_ids = {c.id for c in new_claims}
        _, findings, _ = pipeline.analyse(all_sources, all_claims, config, None, store, new_claim_ids=new_claim_ids)

    relevant = tuple(f for f in findings if new_claim_ids.intersection(f.claims) or new_ids.intersection(f.sources))
    comparison = compare(relevant, base_line, known_sources={s.id for s in all_sources})
    for entry, why in comparison.stale:
        log.warning("baseline entry %s (%s) is stale: %s — `checker baseline update` removes it",
                    entry.id, entry.rule, why)
    outcome = GateOutcome(
        new_sources=tuple(new_sources), sources={s.id: s for s in all_sources},
        claims={c.id: c for c in all_claims}, findings=relevant, comparison=comparison, fail_on=fail_on,
        corpus=corpus, rules=load_rule_infos(config) if comparison.new else {},
        stats={"corpus_files": len(corpus_files), "read_from_store": len(corpus_files) - len(unread),
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
