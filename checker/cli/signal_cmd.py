"""`checker train-signal`: rebuild the learned contradiction signal from its training data."""
from __future__ import annotations

from pathlib import Path

import typer

from ..config import REPO_ROOT

DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "ans"
DEFAULT_EXTRA = REPO_ROOT / "tests" / "data" / "signal" / "en_pairs.csv"
DEFAULT_CACHE = REPO_ROOT / "bench" / "cache" / "signal" / "use_vectors.npz"


def register(app: typer.Typer) -> None:
    @app.command("train-signal")
    def train_signal_command(
        data: Path = typer.Option(DEFAULT_DATA, "--data", help="Folder with stance_train.csv and stance_dev.csv "
                                  "(columns s1,s2,stance; ANS layout)."),
        extra: list[Path] = typer.Option([DEFAULT_EXTRA], "--extra",
                                         help="More training pairs (CSV s1,s2,stance); repeatable."),
        no_extra: bool = typer.Option(False, "--no-extra", help="Train on --data only."),
        out: Path = typer.Option(None, "--out", help="Model file to write (.npz; metadata goes beside it "
                                 "as .json). Default: the shipped checker/data/signal/pair_signal.npz."),
        seed: int = typer.Option(0, "--seed", help="Random seed (folds, MLP init)."),
        classifier: str = typer.Option("mlp", "--classifier", help="mlp (shipped) or logreg."),
        bags: int = typer.Option(5, "--bags", min=1, help="MLPs averaged (different seeds)."),
        ablation: bool = typer.Option(False, "--ablation", help="Instead of writing a model, train each "
                                      "feature-family / classifier variant and print a markdown table."),
        cache: Path = typer.Option(DEFAULT_CACHE, "--cache", help="Embedding cache (npz); reused across runs."),
    ) -> None:
        """Train the pair classifier (agree / contradict / other); print dev scores."""
        import json

        from ..errors import UsageError
        from ..signal import (DEFAULT_MODEL_PATH, EmbeddingCache, PairData, TrainOptions, ablation_markdown,
                              read_pairs_csv, run_ablation, save_model, train_signal)

        train_csv, dev_csv = data / "stance_train.csv", data / "stance_dev.csv"
        if not train_csv.is_file():
            raise UsageError("no stance_train.csv here", path=str(data),
                             hint="point --data at a folder with stance_train.csv (and stance_dev.csv)")
        if classifier not in ("logreg", "mlp"):
            raise UsageError(f"unknown classifier '{classifier}'", hint="use mlp or logreg")
        parts = [read_pairs_csv(train_csv)]
        sources = [{"file": str(train_csv), "rows": str(len(parts[0])),
                    "licence": "Apache-2.0 (Arabic News Stance, Khouja 2020)" if "ans" in str(data) else "see file"}]
        for path in ([] if no_extra else extra):
            parts.append(read_pairs_csv(path))
            sources.append({"file": str(path), "rows": str(len(parts[-1])),
                            "licence": "CC0 (written for this project)" if path == DEFAULT_EXTRA else "see file"})
        dev = read_pairs_csv(dev_csv) if dev_csv.is_file() else None
        if ablation:
            if dev is None:
                raise UsageError("the ablation needs stance_dev.csv", path=str(data))
            rows = run_ablation(PairData.concat(parts), dev, EmbeddingCache(cache), TrainOptions(seed=seed))
            typer.echo(ablation_markdown(rows), nl=False)
            return
        result = train_signal(PairData.concat(parts), dev, EmbeddingCache(cache),
                              TrainOptions(classifier=classifier, seed=seed, bags=bags), sources=sources)
        written = save_model(result, out or DEFAULT_MODEL_PATH)
        report = {"written": [str(p) for p in written], "threshold": result.meta["threshold"],
                  "train_oof_agree_disagree_macro_f1": result.meta["train_oof_agree_disagree_macro_f1"],
                  "dev": result.meta.get("dev"), "train_seconds": result.meta["train_seconds"]}
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
