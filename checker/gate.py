"""The CI gate: check only what new sources bring against the stored corpus, and compare with a baseline.

    outcome = run_gate(["corpus/new.txt"], corpus="corpus", baseline="checker-baseline.yaml", config=cfg)
    outcome.exit_code  # 0 nothing new at or above fail_on, 1 new findings

Order matters for reliability:
1. the baseline is read strictly and the new files are parsed *before* the store is opened, so bad
   input exits 2 with the store untouched;
2. the rest of the corpus comes from the store (unchanged files by size and mtime; files the store has
   not seen are ingested and stored once, committed source by source like `checker check` does);
3. the new sources are processed, stored and analysed inside one transaction: if anything fails the
   store rolls back to what it was;
4. only pairs that involve a new claim are matched and judged (plus single-source rules on the new
   sources), so the cost grows with the new article, not with the corpus.
"""
from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
_MANIFEST_STAT_KEY = "manifest-stat:"


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


def _norm(path: str) -> str:
    return os.path.normcase(os.path.normpath(os.path.abspath(path)))


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _manifest_stats(corpus: Path, files: Iterable[Path]) -> dict[str, tuple[int, int] | None]:
    """Stat of each folder's manifest, keyed relative to the corpus (a restored cache may live elsewhere)."""
    return {_manifest_key(corpus, folder): _stat(folder / MANIFEST_NAME) for folder in {f.parent for f in files}}


def _manifest_key(corpus: Path, folder: Path) -> str:
    return _MANIFEST_STAT_KEY + Path(os.path.relpath(folder / MANIFEST_NAME, corpus)).as_posix()


def corpus_sources(corpus: Path, corpus_files: Sequence[Path], store: Store) -> tuple[list[Source], list[Path]]:
    """Stored Source records for unchanged corpus files, and the files the store must (re)read.

    A file is unchanged when its size and mtime match what the store recorded and its folder's
    manifest has not changed since then (the manifest is part of a source's identity).
    """
    index = {_norm(path): (mtime, size, source_id) for path, (mtime, size, _, source_id) in store.file_index().items()}
    manifests_now = _manifest_stats(corpus, corpus_files)
    changed_manifests = {key for key, stat in manifests_now.items() if store.get_meta(key) != _stat_text(stat)}
    wanted: dict[str, Path] = {}
    missing: list[Path] = []
    for f in corpus_files:
        known = index.get(_norm(str(f)))
        stat = _stat(f)
        manifest_changed = _manifest_key(corpus, f.parent) in changed_manifests
        if known and stat and (known[0], known[1]) == stat and not manifest_changed:
            wanted[known[2]] = f
        else:
            missing.append(f)
    stored = {s.id: s for s in store.stored_sources()} if wanted else {}
    found = [stored[sid] for sid in wanted if sid in stored]
    missing += [f for sid, f in wanted.items() if sid not in stored]
    return found, missing


def _stat_text(stat: tuple[int, int] | None) -> str:
    return "absent" if stat is None else f"{stat[0]}:{stat[1]}"


def remember_manifests(store: Store, corpus: Path, files: Iterable[Path]) -> None:
    for key, stat in _manifest_stats(corpus, files).items():
        if store.get_meta(key) != _stat_text(stat):
            store.set_meta(key, _stat_text(stat))


# -- the gate --------------------------------------------------------------------------------------

def load_rule_infos(config: Config) -> dict[str, RuleInfo]:
    try:
        from .rules import load_rules
    except ImportError:
        return {}
    return rules_from_loaded(load_rules(config.rules_dir))


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
        corpus_files = [f for f in article_files([corpus]) if os.path.realpath(f) not in new_real]
        old_sources, unread = corpus_sources(corpus, corpus_files, store)
        if unread:
            log.info("%d corpus file(s) not in the store yet: reading them once", len(unread))
            old_sources += _ingest_lenient(unread)
        new_ids = {s.id for s in new_sources}
        clash = sorted(new_ids & {s.id for s in old_sources})
        if clash:
            # the same article named twice (a new file and a corpus file with the same stem): the new wins
            old_sources = [s for s in old_sources if s.id not in new_ids]
            log.warning("source id %s is both new and in the corpus; treating it as new", clash[0])
        version = pipeline.pipeline_version(config)
        stored_claims = store.stored_claims(version, [s.id for s in old_sources])
        to_process = [s for s in old_sources if s.id not in stored_claims]
        old_claims: list[Claim] = [c for s in old_sources if s.id in stored_claims for c in stored_claims[s.id]]
        if to_process:
            # committed source by source, like `checker check`: this is cache warming, not the gate
            _, extra = pipeline.process_sources(to_process, config, store)
            old_claims += list(extra)
        remember_manifests(store, corpus, corpus_files)

        # 3. + 4. new sources in one transaction: stored and analysed, or nothing at all
        with store.transaction():
            _, new_claims = pipeline.process_sources(new_sources, config, store)
            all_sources = list(old_sources) + list(new_sources)
            all_claims = list(old_claims) + list(new_claims)
            new_claim_ids = {c.id for c in new_claims}
            _, findings, _ = pipeline.analyse(all_sources, all_claims, config, None, store,
                                              new_claim_ids=new_claim_ids)

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
               "ingested_corpus_files": len(unread), "processed_corpus_sources": len(to_process)})
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
