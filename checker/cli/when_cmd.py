"""`checker when TEXT`: show the time expressions in a text and the intervals they resolve to."""
from __future__ import annotations

import datetime as dt
import json
import sys

import typer


def register(app: typer.Typer) -> None:
    @app.command("when")
    def when(
        text: str = typer.Argument(..., metavar="TEXT",
                                   help="Text to search for time expressions (Arabic or English); - reads stdin."),
        anchor: str = typer.Option(None, "--anchor", "-a", metavar="YYYY-MM-DD",
                                   help="Date relative expressions count from (also YYYY or YYYY-MM); default today."),
    ) -> None:
        """Print the time expressions in TEXT as a JSON list of intervals (value_from..value_to)."""
        from ..errors import UsageError
        from ..timex import find_times, parse_partial_date

        if anchor is None:
            anchor = dt.date.today().isoformat()
        else:
            try:
                parse_partial_date(anchor)
            except ValueError:
                raise UsageError(f"--anchor '{anchor}' is not a date",
                                 hint="use YYYY-MM-DD (or YYYY, YYYY-MM)") from None
        if text == "-":
            text = sys.stdin.read()
        refs = find_times(text, anchor, anchor_how="given")
        typer.echo(json.dumps([r.to_json() for r in refs], ensure_ascii=False, indent=2))
