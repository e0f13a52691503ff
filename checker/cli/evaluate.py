"""`checker eval`: accuracy on labelled data, as tables or JSON (the work is in checker.evaluate)."""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer


class EvalFormat(str, Enum):
    table = "table"
    json = "json"


BASELINE_FILE = Path("tests/data/eval/baseline_scores.json")


def eval_command(
    data: Optional[list[Path]] = typer.Argument(
        None, help="Labelled data: a stories folder (sub-folders with expectations.yaml), a pairs .jsonl "
                   "{a,b,same_fact,kind}, or a time table .jsonl {text,anchor,value_from,value_to}. "
                   "Default: the project's tests/data/stories, pairs and eval/timex.jsonl."),
    ans: Optional[Path] = typer.Option(None, "--ans", help="ANS stance CSV (dev split): macro F1 over agree/disagree."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Score only the first N pairs (pairs and ANS)."),
    split: Optional[str] = typer.Option(None, "--split", help="Pairs: only the dev or the test split (default both)."),
    verdicts: Optional[Path] = typer.Option(None, "--verdicts", help="reviews.jsonl: precision per rule and kind from review verdicts."),
    findings: Path = typer.Option(Path("reports/findings.json"), "--findings", help="findings.json the verdicts refer to."),
    fmt: EvalFormat = typer.Option(EvalFormat.table, "--format", help="table (default) or json."),
    out: Optional[Path] = typer.Option(None, "--out", help="Also write the JSON scores to this file."),
    save_baseline: bool = typer.Option(False, "--save-baseline", help=f"Write the scores the regression test holds to {BASELINE_FILE}."),
) -> None:
    """Measure accuracy on labelled data: findings per kind and rule, clustering, time resolution, dates."""
    from ..config import REPO_ROOT
    from ..errors import UsageError
    from ..evaluate import baseline_metrics, default_data, evaluate, render_tables, verdict_precision
    from ..io_utils import atomic_write_json

    if split not in (None, "dev", "test"):
        raise UsageError(f"--split must be dev or test, not {split!r}")
    paths = list(data or [])
    if not paths and ans is None and verdicts is None:
        paths = default_data(REPO_ROOT)
        if not paths:
            raise UsageError("no labelled data given and none found under tests/data",
                             hint="checker eval tests/data/stories, or --ans stance_dev.csv")
    scores = evaluate(paths, ans=ans, limit=limit, split=split) if paths or ans else {}
    if verdicts is not None:
        scores["verdicts"] = verdict_precision(verdicts, findings)
    if out is not None:
        atomic_write_json(out, scores)
    if save_baseline:
        atomic_write_json(REPO_ROOT / BASELINE_FILE, {"metrics": baseline_metrics(scores), "scores": scores})
    if fmt is EvalFormat.json:
        typer.echo(json.dumps(scores, ensure_ascii=False, indent=2))
    else:
        typer.echo(render_tables(scores), nl=False)


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
