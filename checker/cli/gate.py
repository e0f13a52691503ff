"""`checker gate` (CI: fail on new findings that new sources bring) and `checker baseline create|update`.

The work is in checker.gate, checker.baseline and checker.formats; this layer parses options, prints
the requested format on stdout (or --output) and a one-line summary on stderr, and sets the exit code.
"""
from __future__ import annotations

import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

log = logging.getLogger(__name__)


class FailOn(str, Enum):
    info = "info"
    warning = "warning"
    error = "error"


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    rdjson = "rdjson"
    junit = "junit"


def _config(corpus: Path, config_file: Optional[Path]):
    from ..config import load_config

    return load_config(corpus, config_file)


def _say(message: str) -> None:
    """A summary line on stderr (stdout carries only the requested output)."""
    import os

    if not os.environ.get("CHECKER_QUIET"):
        typer.echo(f"checker: {message}", err=True)


def register(app: typer.Typer) -> None:
    @app.command("gate")
    def gate(
        new_paths: Optional[list[Path]] = typer.Argument(
            None, metavar="NEW_PATH...", help="New or changed articles (files or folders) to check against the corpus."),
        corpus: Path = typer.Option(..., "--corpus", help="The corpus folder the new sources join."),
        baseline: Path = typer.Option(..., "--baseline", help="Baseline file of accepted findings (YAML)."),
        fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="Lowest severity that fails the gate."),
        fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Output format."),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the output here instead of stdout."),
        diff_base: Optional[str] = typer.Option(
            None, "--diff-base", metavar="GIT_REF", help="Also treat corpus files changed since this git ref as new."),
        store: Optional[Path] = typer.Option(
            None, "--store", help="Store file (default <corpus>/.checker/store.sqlite)."),
        config_file: Optional[Path] = typer.Option(None, "--config", help="checker.toml with settings."),
    ) -> None:
        """Fail (exit 1) when new sources bring findings that are not in the baseline.

        Exit 0: nothing new at or above --fail-on; 1: new findings; 2: bad input or usage.
        """
        from ..errors import UsageError
        from ..formats import render
        from ..gate import run_gate
        from ..io_utils import atomic_write_text

        if not new_paths and not diff_base:
            raise UsageError("name the new articles (NEW_PATH...) or give --diff-base GIT_REF")
        outcome = run_gate(new_paths or [], corpus, baseline, config=_config(corpus, config_file),
                           store_path=store, diff_base=diff_base, fail_on=fail_on.value)
        text = render(fmt.value, outcome.view())
        if output:
            atomic_write_text(output, text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        summary = outcome.summary()
        verdict = "FAIL" if outcome.exit_code else "ok"
        _say(f"gate {verdict}: {summary['new']} new finding(s), {summary['failing']} at or above "
             f"{summary['fail_on']}; {summary['baselined']} baselined, {summary['suppressed']} suppressed; "
             f"{len(summary['new_sources'])} new source(s) against {summary['corpus_sources']} stored"
             + (f"; written to {output}" if output else ""))
        # sys.exit, not typer.Exit: with standalone_mode=False click returns an Exit's code instead of exiting
        sys.exit(outcome.exit_code)

    baseline_app = typer.Typer(help="Create or update the baseline of accepted findings the gate compares with.",
                               no_args_is_help=True)
    app.add_typer(baseline_app, name="baseline")

    @baseline_app.command("create")
    def baseline_create(
        corpus: Path = typer.Option(..., "--corpus", help="The corpus folder to check."),
        baseline: Path = typer.Option(..., "--baseline", help="Baseline file to write (YAML)."),
        from_verdicts: bool = typer.Option(
            False, "--from-verdicts",
            help="Take only reviewed findings from <corpus>/reviews.jsonl: confirmed accepted, false_alarm suppressed."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing baseline file."),
        store: Optional[Path] = typer.Option(None, "--store", help="Store file (default <corpus>/.checker/store.sqlite)."),
        config_file: Optional[Path] = typer.Option(None, "--config", help="checker.toml with settings."),
    ) -> None:
        """Write a baseline that accepts every current finding of the corpus (or the reviewed ones)."""
        from ..baseline import create_baseline, write_baseline
        from ..errors import UsageError

        if baseline.exists() and not force:
            raise UsageError("baseline already exists", path=str(baseline),
                             hint="use `checker baseline update` (keeps notes) or --force")
        findings, _, _ = _corpus_findings(corpus, store, config_file)
        verdicts = _verdicts(corpus) if from_verdicts else None
        result = create_baseline(findings, verdicts)
        write_baseline(baseline, result)
        suppressed = sum(e.suppressed for e in result.entries)
        _say(f"baseline {baseline}: {len(result)} finding(s) ({suppressed} suppressed) of {len(findings)} current")

    @baseline_app.command("update")
    def baseline_update(
        corpus: Path = typer.Option(..., "--corpus", help="The corpus folder to check."),
        baseline: Path = typer.Option(..., "--baseline", help="Baseline file to update (YAML)."),
        from_verdicts: bool = typer.Option(
            False, "--from-verdicts",
            help="Apply <corpus>/reviews.jsonl: confirmed accepted, false_alarm suppressed, unreviewed new ones left out."),
        store: Optional[Path] = typer.Option(None, "--store", help="Store file (default <corpus>/.checker/store.sqlite)."),
        config_file: Optional[Path] = typer.Option(None, "--config", help="checker.toml with settings."),
    ) -> None:
        """Refresh the baseline: report and drop fixed and stale entries, add current findings."""
        from ..baseline import load_baseline, update_baseline, write_baseline

        old = load_baseline(baseline)  # strict: a malformed baseline stops before the long check
        findings, source_ids, rule_ids = _corpus_findings(corpus, store, config_file)
        verdicts = _verdicts(corpus) if from_verdicts else None
        updated, report = update_baseline(old, findings, known_sources=source_ids, known_rules=rule_ids,
                                          verdicts=verdicts)
        for entry in report.fixed:
            _say(f"fixed: {entry.id} {entry.rule} ({', '.join(entry.sources)}) is no longer reported — removed")
        for entry, why in report.stale:
            _say(f"stale: {entry.id} {entry.rule}: {why} — removed")
        for entry in report.changed:
            _say(f"changed: {entry.id} {entry.rule} is now {entry.status}, {entry.severity}")
        for finding_id in report.unknown_verdicts:
            _say(f"verdict for {finding_id} ignored: the corpus does not produce that finding")
        write_baseline(baseline, updated)
        _say(f"baseline {baseline}: {len(updated)} finding(s); {len(report.added)} added, {len(report.fixed)} fixed, "
             f"{len(report.stale)} stale removed")


def _corpus_findings(corpus: Path, store: Optional[Path], config_file: Optional[Path]):
    """Every finding of the whole corpus, the source ids and the rule ids (via the cached pipeline)."""
    from ..errors import UsageError
    from ..gate import load_rule_infos
    from ..pipeline import run_check

    if not corpus.is_dir():
        raise UsageError("--corpus must be a folder", path=str(corpus))
    config = _config(corpus, config_file)
    result = run_check([corpus], config, store_path=store)
    _remember_corpus(corpus, store, result.sources)
    rule_ids = set(load_rule_infos(config)) or None
    return list(result.findings), {s.id for s in result.sources}, rule_ids


def _remember_corpus(corpus: Path, store: Optional[Path], sources) -> None:
    """Note the files and manifests the store's sources were read from, so the next gate trusts them."""
    from ..gate import article_files, remember_files, remember_manifests
    from ..store import Store, default_store_path

    with Store(store or default_store_path(corpus)) as opened:
        remember_files(opened, sources)
        remember_manifests(opened, corpus, article_files([corpus]))


def _verdicts(corpus: Path):
    from ..baseline import latest_verdicts

    path = corpus / "reviews.jsonl"
    verdicts = latest_verdicts(path)
    if not verdicts:
        log.warning("%s has no verdicts: nothing is accepted from review", path)
    return verdicts
