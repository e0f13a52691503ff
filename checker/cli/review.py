"""`checker review`: the local review page, and its scriptable twins (--list, --verdict, --export).

The work is in checker.review_store (verdict file, queue, export) and checker.review_app (web app).
"""
from __future__ import annotations

import json
import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

log = logging.getLogger(__name__)

DEFAULT_FINDINGS = Path("reports/findings.json")
LOOPBACK = "127.0.0.1"


class Status(str, Enum):
    unreviewed = "unreviewed"
    reviewed = "reviewed"
    all = "all"


class ListFormat(str, Enum):
    table = "table"
    json = "json"


def load_review_inputs(corpus: Optional[Path], findings: Optional[Path]) -> tuple[dict[str, Any], Path, Optional[Path]]:
    """(findings document, corpus folder, findings.json path or None when checked in memory)."""
    from ..errors import UsageError
    from ..review_store import findings_from_pipeline, infer_corpus, load_findings_json

    if corpus is not None and not corpus.exists():
        raise UsageError("corpus not found", path=str(corpus))
    findings_path = findings if findings is not None else DEFAULT_FINDINGS
    if findings is not None or findings_path.is_file():
        doc = load_findings_json(findings_path)
    elif corpus is not None:
        doc, findings_path = findings_from_pipeline(corpus), None
    else:
        raise UsageError(f"no {DEFAULT_FINDINGS} here", hint="run `checker check CORPUS` first, "
                         "or give --corpus PATH (checked now) or --findings FILE")
    inferred = infer_corpus(doc, findings_path)
    if corpus is None:
        if inferred is None:
            raise UsageError("cannot tell which corpus these findings belong to",
                             path=str(findings_path), hint="give --corpus PATH (verdicts are stored there)")
        log.debug("corpus: %s (the folder holding the checked sources)", inferred)
        corpus = inferred
    elif inferred is not None and not _inside(inferred, corpus):
        log.warning("the sources in %s are not under %s; verdicts still go to %s",
                    findings_path, corpus, corpus.resolve() / "reviews.jsonl")
    root = corpus.resolve()
    return doc, (root if root.is_dir() else root.parent), findings_path


def _inside(path: Path, folder: Path) -> bool:
    folder = folder.resolve()
    folder = folder if folder.is_dir() else folder.parent
    return path == folder or folder in path.parents


def review_command(
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="Corpus folder; verdicts go to CORPUS/reviews.jsonl. "
                                          "Default: the folder holding the sources of findings.json."),
    findings: Optional[Path] = typer.Option(None, "--findings", help=f"findings.json to review (default {DEFAULT_FINDINGS}; "
                                            "without one, --corpus is checked first)."),
    port: int = typer.Option(0, "--port", min=0, max=65535, help="Port to serve on (0: a free one)."),
    host: Optional[str] = typer.Option(None, "--host", help=f"Bind address (default {LOOPBACK}; anything else is "
                                       "reachable from other machines: a warning is printed)."),
    no_open: bool = typer.Option(False, "--no-open", help="Do not open a browser."),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="Name stored with verdicts (default: git config "
                                           "user.name, else $USER)."),
    list_: bool = typer.Option(False, "--list", help="Print the review queue instead of serving."),
    status: Status = typer.Option(Status.all, "--status", help="With --list: unreviewed, reviewed or all."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", help="With --list: table or json."),
    verdict: Optional[tuple[str, str]] = typer.Option(None, "--verdict", metavar="ID VALUE",
                                                      help="Record a verdict (confirmed, false_alarm, needs_source, "
                                                           "skip, or undo) without the page."),
    note: Optional[str] = typer.Option(None, "--note", help="With --verdict: a note."),
    tag: Optional[list[str]] = typer.Option(None, "--tag", help="With --verdict: an issue tag (repeatable): "
                                            "wrong-date, wrong-cluster, scope, boilerplate, wrong-speaker, other."),
    export: Optional[Path] = typer.Option(None, "--export", help="Write findings with their verdicts to FILE "
                                          "(.json, .csv, else JSON lines)."),
) -> None:
    """Review flagged pairs in a local web page (127.0.0.1); verdicts land in CORPUS/reviews.jsonl."""
    from ..errors import UsageError

    modes = [name for name, on in (("--list", list_), ("--verdict", verdict is not None), ("--export", export is not None)) if on]
    if len(modes) > 1:
        raise UsageError(f"use one of {', '.join(modes)} at a time")
    if (note is not None or tag) and verdict is None:
        raise UsageError("--note and --tag go with --verdict ID VALUE")
    doc, root, findings_path = load_review_inputs(corpus, findings)

    from .. import review_store as rs

    reviews = rs.reviews_path(root)
    if list_:
        rows = rs.review_rows(doc, rs.latest_verdicts(reviews), status.value)
        if fmt is ListFormat.json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        elif rows:
            typer.echo(rs.rows_table(rows))
        else:
            log.info("no %s findings", "" if status is Status.all else status.value)
        return
    if verdict is not None:
        _record_verdict(doc, root, reviews, verdict, note, tag or [], reviewer)
        return
    if export is not None:
        rows = rs.review_rows(doc, rs.latest_verdicts(reviews), "all")
        rs.export_rows(rows, export)
        log.info("wrote %d findings with %d verdicts to %s", len(rows), sum(1 for r in rows if r["verdict"]), export)
        return
    _serve(doc, root, findings_path, port, host, no_open, reviewer)


def _record_verdict(doc: dict[str, Any], root: Path, reviews: Path, verdict: tuple[str, str], note: Optional[str],
                    tags: list[str], reviewer: Optional[str]) -> None:
    from .. import review_store as rs
    from ..errors import UsageError
    from ..review_app import build_session

    fid, value = verdict
    if not rs.is_finding_id(fid):
        raise UsageError(f"not a finding id: {fid!r}", hint="finding ids look like f-8c21d0; see `checker review --list`")
    if fid not in {f["id"] for f in doc["findings"]}:
        raise UsageError(f"no finding {fid} in these findings", hint="see `checker review --list`")
    if value == rs.UNDO:
        if fid not in rs.latest_verdicts(reviews):
            raise UsageError(f"{fid} has no verdict to undo")
        rs.append_undo(reviews, fid, reviewer=reviewer)
    else:
        session = build_session(doc, root, reviewer=reviewer)
        rs.append_verdict(reviews, fid, value, tags=tags, note=note, reviewer=session.reviewer,
                          checker_version=session.checker_version, rules_version=session.rules_version)
    log.info("%s: %s recorded in %s", fid, value, reviews)


def _serve(doc: dict[str, Any], root: Path, findings_path: Optional[Path], port: int, host: Optional[str],
           no_open: bool, reviewer: Optional[str]) -> None:
    from ..review_app import LOOPBACK_HOSTS, bind_socket, build_session, create_app, serve, url_of

    bind = host or LOOPBACK
    allowed = list(LOOPBACK_HOSTS)
    if host is not None and host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("serving on %s: anyone who can reach this address can read the articles and record "
                    "verdicts (CSRF and origin checks still apply)", host)
        allowed = ["*"] if host in ("0.0.0.0", "::") else allowed + [f"[{host}]" if ":" in host else host]
    session = build_session(doc, root, reviewer=reviewer, findings_path=findings_path)
    sock = bind_socket(bind, port)
    url = url_of(sock)
    if bind in ("0.0.0.0", "::"):
        url = url.replace(bind, "127.0.0.1", 1).replace("[::]", "[::1]", 1)
    print(f"checker: review {len(session.order)} findings at {url} (verdicts: {session.reviews_file}; Ctrl-C stops)",
          file=sys.stderr, flush=True)
    if not no_open:
        _open_browser_soon(url)
    serve(create_app(session, allowed_hosts=allowed), sock)


def _open_browser_soon(url: str) -> None:
    """Open a graphical browser once the server is up. Without a display, Python's webbrowser would
    start a text browser in this terminal and wait for it, so then the printed URL is all we give."""
    import os
    import threading
    import webbrowser

    if sys.platform not in ("darwin", "win32") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        log.info("no display: open %s in a browser", url)
        return

    def open_it() -> None:
        try:
            webbrowser.open(url)
        except Exception as exc:  # no usable browser: the URL is printed already
            log.debug("no browser opened: %s", exc)

    timer = threading.Timer(0.5, open_it)
    timer.daemon = True
    timer.start()


def register(app: typer.Typer) -> None:
    app.command("review")(review_command)
