"""The `checker` command line: a thin typer layer over the stage functions.

Each command group lives in its own module with a `register(app)` function. Library errors become
one line on stderr and exit code 2 here, at one boundary; nothing below prints a traceback.
"""
from __future__ import annotations

import importlib
import logging
import os
import sys

import typer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

app = typer.Typer(
    name="checker",
    help="Claim consistency checker for news: contradictions, drift and inconsistencies across articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

COMMAND_MODULES = ("corpus", "when_cmd", "rules_cmd", "gate", "review", "evaluate", "signal_cmd")


@app.callback()
def _global(
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors on stderr."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging on stderr."),
) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, format="checker: %(message)s", stream=sys.stderr, force=True)
    for noisy in ("urllib3", "matplotlib", "trafilatura", "htmldate", "sentence_transformers", "filelock",
                  "httpx", "uvicorn.access", "PIL", "numexpr"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    os.environ["CHECKER_QUIET"] = "1" if quiet else ""


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"checker.cli.{_name}")
    except ModuleNotFoundError as _exc:  # a command group still being built on a branch
        if _exc.name != f"checker.cli.{_name}":
            raise
        continue
    _module.register(app)


def _click_exception_types() -> tuple[tuple[type, ...], tuple[type, ...], tuple[type, ...]]:
    """(exit, usage error, abort) classes of click and of the copy of click typer >= 0.25 bundles."""
    modules = []
    for name in ("click.exceptions", "typer._click.exceptions"):
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            continue
    return tuple(tuple(getattr(m, cls) for m in modules if hasattr(m, cls)) for cls in ("Exit", "ClickException", "Abort"))


def main() -> None:
    from ..errors import CheckerError

    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except CheckerError as exc:
        print(f"checker: {exc.one_line()}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("checker: interrupted", file=sys.stderr)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors arrive here in standalone_mode=False
        exits, usage_errors, aborts = _click_exception_types()
        if isinstance(exc, exits):
            sys.exit(getattr(exc, "exit_code", 0))
        if isinstance(exc, usage_errors):  # one line, exit 2 (DESIGN: usage error)
            message = " ".join(exc.format_message().split())
            ctx = getattr(exc, "ctx", None)
            command = ctx.command_path if ctx is not None else "checker"
            if message:  # empty after no_args_is_help has printed the help
                print(f"checker: [E001] {message} — see `{command} --help`", file=sys.stderr)
            sys.exit(2)
        if isinstance(exc, aborts):
            print("checker: aborted", file=sys.stderr)
            sys.exit(130)
        print(f"checker: internal error: {type(exc).__name__}: {exc} (run with --verbose and report it)",
              file=sys.stderr)
        if os.environ.get("CHECKER_DEBUG"):
            raise
        sys.exit(3)
