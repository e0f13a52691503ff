"""`checker when TEXT`: show the time expressions in a text and the intervals they resolve to.

stdout carries only the result. `--format json` (the default) is a JSON list, one object per
expression in text order, always with the same keys in the same order:

    text         the expression as written (a slice of the input)
    start, end   offsets of that slice in the input, in characters (Unicode code points)
    value_from   first day of the interval, ISO YYYY-MM-DD, or null (open start)
    value_to     last day of the interval (inclusive), or null (open end)
    granularity  day | week | month | quarter | year | vague
    role         point | statement | deadline | until | since | window | duration | vague
    anchor       the date relative expressions were counted from (ISO), or null
    anchor_how   given | partial | statement | event | none  (event: a duration counted from the dated
                 event it is attached to, "deployed in November 2020 for five years", or from the date
                 named before it, "within three months of that arrival", "اعتبارا منه ... خلال عام")
    notes        list of strings (e.g. "deadline-before-anchor", "hijri: ...", "open-ended"); may be empty

`--format table` prints the same as an aligned text table for people.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys

import typer

JSON_KEYS = ("text", "start", "end", "value_from", "value_to", "granularity", "role", "anchor", "anchor_how", "notes")
FORMATS = ("json", "table")
_ISO_DATETIME = re.compile(r"\s*(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\s*")


def ref_json(ref) -> dict:
    """The stable JSON object of one TimeRef (every key always present)."""
    return {
        "text": ref.text, "start": ref.start, "end": ref.end,
        "value_from": ref.value_from, "value_to": ref.value_to,
        "granularity": ref.granularity, "role": ref.role,
        "anchor": ref.anchor, "anchor_how": ref.anchor_how, "notes": list(ref.notes),
    }


def _read_stdin() -> str:
    from ..errors import UsageError

    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"stdin is not UTF-8 text (byte {exc.start})", hint="pipe UTF-8 text") from None


def _anchor(anchor: str | None) -> str:
    from ..errors import UsageError
    from ..timex import parse_partial_date

    if anchor is None:
        return dt.date.today().isoformat()
    m = _ISO_DATETIME.fullmatch(anchor)  # "2025-11-07T10:30:00Z": the day is what counts
    value = m.group(1) if m else anchor.strip()
    try:
        parse_partial_date(value)
    except ValueError:
        raise UsageError(f"--anchor '{anchor}' is not a date",
                         hint="use YYYY-MM-DD (or YYYY, YYYY-MM)") from None
    return value


def _table(rows: list[dict]) -> str:
    if not rows:
        return "no time expressions found"
    from tabulate import tabulate

    def cell(v):
        return "-" if v is None else v

    body = [[r["text"], cell(r["value_from"]), cell(r["value_to"]), r["granularity"], r["role"],
             f"{r['start']}-{r['end']}"] for r in rows]
    return tabulate(body, headers=["text", "from", "to", "granularity", "role", "span"], tablefmt="simple",
                    disable_numparse=True)


def register(app: typer.Typer) -> None:
    @app.command("when")
    def when(
        text: list[str] = typer.Argument(
            None, metavar="TEXT",
            help="Text to search for time expressions (Arabic or English); several words are joined with "
                 "spaces. '-' or nothing reads stdin (UTF-8)."),
        anchor: str = typer.Option(None, "--anchor", "-a", metavar="YYYY-MM-DD",
                                   help="Date relative expressions count from (also YYYY or YYYY-MM); default today."),
        fmt: str = typer.Option("json", "--format", "-f", metavar="json|table",
                                help="json (default): a JSON list of {text, start, end, value_from, value_to, "
                                     "granularity, role, anchor, anchor_how, notes}; table: for people."),
    ) -> None:
        """Print the time expressions in TEXT and the intervals they resolve to (inclusive ISO dates,
        null = open end), as JSON on stdout.

        Examples: checker when "by the end of next year" --anchor 2025-11-07;
        echo "خلال الأشهر الستة المقبلة" | checker when --anchor 2025-06-18 --format table
        """
        from ..errors import UsageError
        from ..timex import find_times

        if fmt not in FORMATS:
            raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'")
        anchor = _anchor(anchor)
        words = list(text or [])
        if not words or words == ["-"]:
            if sys.stdin is None or sys.stdin.isatty():
                raise UsageError("no TEXT given and nothing on stdin", hint='checker when "next month" --anchor 2025-01-31')
            body = _read_stdin()
        else:
            body = " ".join(words)
        refs = [ref_json(r) for r in find_times(body, anchor, anchor_how="given")]
        if fmt == "json":
            typer.echo(json.dumps(refs, ensure_ascii=False, indent=2))
        else:
            typer.echo(_table(refs))
