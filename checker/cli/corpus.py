"""`checker check`, `sources`, `claims`, `clusters`: thin wrappers over checker.pipeline."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import UsageError

FORMATS = ("table", "json")


def _config(paths: list[Path], config_file: Optional[Path]):
    from ..config import load_config

    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or folder", path=str(path), hint="check the path")
    return load_config(paths[0] if paths else None, config_file)


def _table(rows: list[dict], headers: list[str]) -> str:
    from tabulate import tabulate

    return tabulate([[r.get(h, "") for h in headers] for r in rows], headers=headers, tablefmt="simple")


def _require_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}")


FORMAT_OPTION = typer.Option("table", "--format", "-f", help="table or json.")
CONFIG_OPTION = typer.Option(None, "--config", help="A checker.toml with thresholds.")


def _short(text: str, n: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        paths: List[Path] = typer.Argument(..., help="Article files or folders (recursive; a sources.yaml manifest is read)."),
        out: Path = typer.Option(Path("reports"), "--out", "-o", help="Folder for findings.json, report.md, report.html."),
        store: Optional[Path] = typer.Option(None, "--store", help="Cache file (default <corpus>/.checker/store.sqlite)."),
        no_store: bool = typer.Option(False, "--no-store", help="Do not read or write the cache."),
        config_file: Optional[Path] = CONFIG_OPTION,
    ) -> None:
        """Check a corpus: extract claims, match them, run the rules, write the reports."""
        from ..pipeline import run_check
        from ..report import summary_text, write_reports

        config = _config(paths, config_file)
        result = run_check(paths, config, store_path=store, use_store=not no_store)
        written = write_reports(result, out, config)
        print(summary_text(result, written), file=sys.stderr)

    @app.command()
    def sources(
        paths: List[Path] = typer.Argument(..., help="Article files or folders."),
        fmt: str = FORMAT_OPTION,
    ) -> None:
        """List the sources as read: outlet, language, publication date and how it was found, lines kept."""
        from ..ingest import ingest

        _require_format(fmt)
        result = ingest(paths)
        rows = [{"id": s.id, "outlet": s.outlet or "", "language": s.language, "published": s.published or "",
                 "published_how": s.published_how, "kept": s.lines_kept, "dropped": s.lines_dropped}
                for s in result.sources]
        if fmt == "json":
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            print(_table(rows, ["id", "outlet", "language", "published", "published_how", "kept", "dropped"]))

    @app.command()
    def claims(
        paths: List[Path] = typer.Argument(..., help="Article files or folders."),
        fmt: str = FORMAT_OPTION,
        config_file: Optional[Path] = CONFIG_OPTION,
    ) -> None:
        """Show the claims with their slots and resolved times."""
        from ..ingest import ingest
        from ..pipeline import process_sources

        _require_format(fmt)
        config = _config(paths, config_file)
        result = ingest(paths)
        _, found = process_sources(result.sources, config)
        if fmt == "json":
            print(json.dumps([c.to_json() for c in found], ensure_ascii=False, indent=2))
            return
        rows = []
        for c in found:
            times = "; ".join(f"{t.text} → {t.value_from or '…'}..{t.value_to or '…'} ({t.role})" for t in c.times)
            qty = "; ".join(f"{q.value:g} {q.unit}" for q in c.quantities)
            rows.append({"id": c.id, "source": c.source_id, "event": c.event or "", "subject": c.subject or "",
                         "scope": c.scope or "", "pol": c.polarity[:3], "modality": c.modality,
                         "speaker": c.speaker or "", "times": _short(times, 60), "figures": qty,
                         "text": _short(c.text, 60)})
        print(_table(rows, ["id", "source", "event", "subject", "scope", "pol", "modality", "speaker", "times",
                            "figures", "text"]))

    @app.command()
    def clusters(
        paths: List[Path] = typer.Argument(..., help="Article files or folders."),
        fmt: str = FORMAT_OPTION,
        config_file: Optional[Path] = CONFIG_OPTION,
    ) -> None:
        """Show the clusters of claims that speak of the same fact."""
        from ..pipeline import run_check

        _require_format(fmt)
        config = _config(paths, config_file)
        result = run_check(paths, config)
        if fmt == "json":
            print(json.dumps([{"id": k.id, "label": k.label, "claims": list(k.claims)} for k in result.clusters],
                             ensure_ascii=False, indent=2))
            return
        sources_of = {c.id: c.source_id for c in result.claims}
        rows = [{"id": k.id, "claims": len(k.claims), "sources": len({sources_of[c] for c in k.claims}),
                 "label": _short(k.label, 80)} for k in result.clusters]
        print(_table(rows, ["id", "claims", "sources", "label"]))
