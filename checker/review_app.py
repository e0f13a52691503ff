"""The local review page: a Starlette app over one findings.json and the corpus's reviews.jsonl.

Loopback only by default. Every state change is a POST that must carry the per-server CSRF token
and come from this page's own origin; Host headers other than the bound address are refused (a
DNS-rebinding page cannot read the token). Article text is escaped by Jinja2 autoescape; the only
markup added to it is the <mark> around the claim span, built from escaped pieces here. The one
file the app writes is `<corpus>/reviews.jsonl`.
"""
from __future__ import annotations

import hmac
import html
import json
import logging
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from . import review_store as rs

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates" / "review"
STATIC_DIR = PACKAGE_DIR / "static" / "review"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")  # as Host headers name them
CONTEXT_CHARS = 400  # of a long paragraph, keep this much on each side of the claim
MAX_BODY_BYTES = 64 * 1024
TAG_LABELS = {"wrong-date": "wrong date resolved", "wrong-cluster": "wrong cluster", "scope": "scope",
              "boilerplate": "boilerplate", "wrong-speaker": "wrong speaker", "other": "other"}
VERDICT_KEYS = {"confirmed": "c", "false_alarm": "f", "needs_source": "n", "skip": "s"}
VERDICT_LABELS = {"confirmed": "Confirmed", "false_alarm": "False alarm", "needs_source": "Needs a source",
                  "skip": "Skip"}
REPORT_CSP = ("sandbox allow-scripts; default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
              "img-src data:; font-src data:")
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
                                 b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


@dataclass
class ReviewSession:
    """What one running review server knows: the findings, where verdicts go, who reviews."""

    findings_doc: dict[str, Any]
    corpus: Path
    reviewer: str
    reviews_file: Path
    report_html: Path | None = None
    rules_version: str | None = None
    checker_version: str | None = None
    bases: tuple[Path, ...] = ()  # where relative Source.path values may start
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    order: list[str] = field(default_factory=list)
    opened: dict[str, float] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _texts: dict[str, str | None] = field(default_factory=dict)
    _svgs: dict[str, bytes | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.findings = {f["id"]: f for f in self.findings_doc["findings"]}
        self.claims = {c["id"]: c for c in self.findings_doc["claims"]}
        self.sources = {s["id"]: s for s in self.findings_doc["sources"]}
        self.clusters = {c["id"]: c for c in self.findings_doc.get("clusters", []) if isinstance(c, dict)}
        # The order is fixed when the server starts, so j/k and "next" do not jump as verdicts land.
        self.order = self.order or rs.queue_order(self.findings_doc["findings"], self.verdicts())

    def verdicts(self) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in rs.latest_verdicts(self.reviews_file).items() if k in self.findings}

    def source_text(self, source_id: str) -> str | None:
        if source_id not in self._texts:
            self._texts[source_id] = read_source_text(self.sources.get(source_id), self.corpus, self.bases)
        return self._texts[source_id]


def build_session(findings_doc: dict[str, Any], corpus: Path, *, reviewer: str | None = None,
                  findings_path: Path | None = None) -> ReviewSession:
    from . import __version__
    from .config import load_config

    corpus = corpus.resolve()
    root = corpus if corpus.is_dir() else corpus.parent
    report = findings_path.parent / "report.html" if findings_path else None
    try:
        rules_dir = load_config(root).rules_dir
    except Exception as exc:  # a bad checker.toml must not stop a review; the version is informative
        log.warning("rules version unknown: %s", exc)
        rules_dir = None
    produced_by = findings_doc.get("checker") if isinstance(findings_doc.get("checker"), dict) else {}
    return ReviewSession(
        findings_doc=findings_doc, corpus=root, reviewer=reviewer or rs.default_reviewer(root),
        reviews_file=rs.reviews_path(root), report_html=report if report and report.is_file() else None,
        # the versions that produced the findings being judged, else the ones installed now
        rules_version=produced_by.get("rules_version") or rs.rules_version(rules_dir),
        checker_version=produced_by.get("version") or __version__,
        bases=(rs.pick_base(findings_doc, findings_path),),
    )


# ---------------------------------------------------------------- article context

def resolve_source_path(raw: str | None, corpus: Path, bases: list[Path] | tuple[Path, ...] = ()) -> Path | None:
    """Source.path is relative to where `checker check` ran, or absolute; try the likely bases."""
    if not raw:
        return None
    given = Path(raw)
    candidates = [given] if given.is_absolute() else [
        *(base / given for base in bases), Path.cwd() / given, corpus / given, corpus.parent / given,
        corpus / given.name]
    return next((c for c in candidates if c.is_file()), None)


def read_source_text(source: dict[str, Any] | None, corpus: Path, bases: list[Path] | tuple[Path, ...] = ()) -> str | None:
    if not source:
        return None
    path = resolve_source_path(source.get("path"), corpus, bases)
    if path is None:
        return None
    try:
        raw = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    except OSError:
        return None
    if path.suffix.lower() == ".jsonl":
        return _jsonl_text(raw, str(source.get("id", "")))
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        raw = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", raw)
        raw = html.unescape(re.sub(r"(?s)<[^>]+>", "\n", raw))
        raw = re.sub(r"\n[ \t]*(?:\n[ \t]*)+", "\n\n", raw)
    return raw


def _jsonl_text(raw: str, source_id: str) -> str | None:
    match = re.search(r"-(\d+)$", source_id)
    lines = raw.splitlines()
    if not match or not 0 < int(match.group(1)) <= len(lines):
        return None
    try:
        record = json.loads(lines[int(match.group(1)) - 1])
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict):
        return None
    parts = [record.get(k) for k in ("title", "text", "body", "content")]
    return "\n\n".join(p for p in parts if isinstance(p, str) and p.strip()) or None


def locate(text: str, needle: str, hint: int | None = None) -> tuple[int, int] | None:
    """Where `needle` sits in `text`: exact (nearest to `hint`), else with any run of whitespace."""
    if not needle.strip():
        return None
    if hint is not None and text[hint:hint + len(needle)] == needle:
        return hint, hint + len(needle)
    if hint is not None:  # a claim starts somewhere on the hinted line
        line_end = text.find("\n", hint)
        at = text.find(needle, hint, len(text) if line_end < 0 else line_end)
        if at >= 0:
            return at, at + len(needle)
    starts = [m.start() for m in re.finditer(re.escape(needle), text)]
    if starts:
        best = min(starts, key=lambda s: abs(s - (hint or 0)))
        return best, best + len(needle)
    pattern = r"\s+".join(re.escape(token) for token in needle.split())
    found = re.search(pattern, text)
    return (found.start(), found.end()) if found else None


def _line_offset(text: str, line: Any) -> int | None:
    """Offset of a 1-based line of the file: findings.json gives each claim's line in the original file
    (its start/end are offsets into the cleaned text, which differ once boilerplate was dropped)."""
    if not isinstance(line, int) or isinstance(line, bool) or line < 1:
        return None
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return None
    return offset


def _marked(text: str, marks: list[tuple[int, int, str]]) -> Markup:
    """Escape `text` and wrap non-overlapping (start, end, css_class) ranges in <mark>."""
    out, cursor = [], 0
    for start, end, css in sorted(marks):
        if start < cursor:
            continue
        out.append(escape(text[cursor:start]))
        out.append(Markup('<mark class="{}">{}</mark>').format(css, text[start:end]))
        cursor = end
    out.append(escape(text[cursor:]))
    return Markup("").join(out)


def claim_context(text: str | None, claim: dict[str, Any], focus: str | None = None) -> dict[str, Any]:
    """The claim's paragraph with the claim span marked, and its time expressions inside it
    (`focus`: the time expression this side of the finding is about, marked more strongly)."""
    claim_text = claim.get("text") or ""
    hint = _line_offset(text, claim.get("line")) if text else None
    if hint is None and isinstance(claim.get("start"), int):
        hint = claim["start"]  # offsets into the cleaned text: only a tie-breaker between repeats
    span = locate(text, claim_text, hint) if text else None
    found = span is not None
    shown = text[span[0]:span[1]] if span else claim_text  # the file's own whitespace when it differs
    time_texts = [t.get("text") or "" for t in claim.get("times", []) or [] if isinstance(t, dict)]
    if focus and focus not in time_texts:
        time_texts.append(focus)
    time_marks = []
    for time_text in time_texts:
        where = locate(shown, time_text)
        if where:
            time_marks.append((where[0], where[1], "time focus" if time_text == focus else "time"))
    inner = Markup('<mark class="claim">{}</mark>').format(_marked(shown, time_marks))
    if not found:
        return {"found": False, "html": inner}
    start, end = span
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    before, after = text[para_start:start], text[end:para_end]
    lead = trail = ""
    if len(before) > CONTEXT_CHARS:
        before, lead = before[-CONTEXT_CHARS:].split(" ", 1)[-1], "… "
    if len(after) > CONTEXT_CHARS:
        after, trail = after[:CONTEXT_CHARS].rsplit(" ", 1)[0], " …"
    return {"found": True, "html": escape(lead) + escape(before) + inner + escape(after) + escape(trail)}


def finding_sides(session: "ReviewSession", finding: dict[str, Any]) -> tuple[list[dict[str, Any]], set[str]]:
    """The columns of the page: the rule's two sides (evidence a/b: claim, value, time) when given,
    else one per claim. Returns the sides and the evidence keys they already show."""
    evidence = finding.get("evidence") if isinstance(finding.get("evidence"), dict) else {}
    details = [evidence.get("a"), evidence.get("b")]
    if all(isinstance(d, dict) and d.get("claim") in session.claims for d in details):
        specs, used = [(d["claim"], d) for d in details], {"a", "b"}
    else:
        specs, used = [(cid, {}) for cid in finding["claims"]], set()
    sides = []
    for cid, detail in specs:
        claim = session.claims.get(cid) or {"id": cid, "text": "", "source": None}
        source = session.sources.get(claim.get("source"), {"id": claim.get("source")})
        time = detail.get("time") if isinstance(detail.get("time"), dict) else None
        restated = detail.get("restated_by")
        sides.append({
            "claim": claim, "source": source, "url": safe_url(source.get("url")), "time": time,
            "value": detail.get("value") if isinstance(detail.get("value"), str) else None,
            "clock": detail.get("clock"), "asserted": detail.get("asserted"),
            "speaker": detail.get("speaker") or claim.get("speaker"),
            "restated_by": [str(r) for r in restated] if isinstance(restated, list) else [],
            "context": claim_context(session.source_text(source.get("id")), claim,
                                     focus=time.get("text") if time else None),
        })
    return sides, used


def format_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def safe_url(url: Any) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:) is shown as text."""
    return url if isinstance(url, str) and urlsplit(url).scheme in ("http", "https") else None


# ---------------------------------------------------------------- timeline picture

def _iso_to_date(value: Any):
    from datetime import date

    if not isinstance(value, str):
        return None
    parts = value.split("-")
    try:
        if len(parts) == 1:
            return date(int(parts[0]), 1, 1)
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1)
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def timeline_rows(session: ReviewSession, finding: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per claim of the finding's cluster (or of the finding) that has a resolved time."""
    cluster = session.clusters.get(finding.get("cluster") or "")
    claim_ids = list(cluster["claims"]) if cluster and isinstance(cluster.get("claims"), list) else []
    claim_ids += [c for c in finding["claims"] if c not in claim_ids]
    rows = []
    for cid in claim_ids:
        claim = session.claims.get(cid)
        if not claim:
            continue
        source = session.sources.get(claim.get("source"), {})
        spans = []
        for t in claim.get("times", []) or []:
            lo, hi = _iso_to_date(t.get("value_from")), _iso_to_date(t.get("value_to"))
            if lo or hi:
                spans.append((lo, hi))
        published = _iso_to_date(source.get("published"))
        if spans or published:
            rows.append({"claim": cid, "source": claim.get("source") or "?", "published": published,
                         "spans": spans, "in_finding": cid in finding["claims"]})
    return rows


def timeline_svg(rows: list[dict[str, Any]]) -> bytes | None:
    """Resolved time intervals per claim as bars, publication dates as dots (matplotlib SVG)."""
    if not any(r["spans"] for r in rows):
        return None
    import io
    from datetime import timedelta

    import matplotlib
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure  # no pyplot: no global figure registry, no GUI backend

    known = [d for r in rows for s in r["spans"] for d in s if d] + [r["published"] for r in rows if r["published"]]
    low, high = min(known), max(known)
    pad = max((high - low) / 20, timedelta(days=5))
    low, high = low - pad, high + pad
    with matplotlib.rc_context({"svg.fonttype": "none", "font.size": 9, "svg.hashsalt": "checker-review"}):
        fig = Figure(figsize=(7.5, 0.55 * len(rows) + 1.1))
        ax = fig.subplots()
        for y, row in enumerate(rows):
            color = "#b3261e" if row["in_finding"] else "#7a7a7a"
            for k, (lo, hi) in enumerate(row["spans"]):
                # several times of one claim sit side by side within its row, not on top of each other
                y_k = y + (k - (len(row["spans"]) - 1) / 2) * min(0.22, 0.6 / len(row["spans"]))
                start, end = mdates.date2num(lo or low), mdates.date2num(hi or high)
                if end - start < (mdates.date2num(high) - mdates.date2num(low)) / 60:
                    # a day or a few would be an invisible bar: draw it as a diamond
                    ax.plot(start, y_k, marker="D", color=color, markersize=8, alpha=0.85)
                else:
                    ax.plot([start, end], [y_k, y_k], color=color, linewidth=5, solid_capstyle="butt", alpha=0.85)
            if row["published"]:
                ax.plot(mdates.date2num(row["published"]), y, marker="o", color="#1f4e9c", markersize=7)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([f"{r['source'][:28]} · {r['claim']}" for r in rows])
        ax.invert_yaxis()
        ax.set_xlim(mdates.date2num(low), mdates.date2num(high))
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=8))
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        ax.grid(axis="x", alpha=0.3)
        ax.set_title("resolved times (bars; red = this finding) and publication dates (dots)", fontsize=9)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


# ---------------------------------------------------------------- the app

class SecurityHeaders:
    """Adds CSP and friends to every response (pure ASGI, so streaming stays untouched)."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                message["headers"] = headers + [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(session: ReviewSession, allowed_hosts: list[str] | None = None):
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles
    from starlette.templating import Jinja2Templates

    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.globals.update(tag_labels=TAG_LABELS, verdict_keys=VERDICT_KEYS, verdict_labels=VERDICT_LABELS)
    templates.env.filters["num"] = format_number

    def finding_or_404(fid: str) -> dict[str, Any]:
        if not rs.is_finding_id(fid):
            raise HTTPException(400, "not a finding id")
        finding = session.findings.get(fid)
        if finding is None:
            raise HTTPException(404, "no such finding in this review")
        return finding

    def progress(verdicts: dict[str, Any]) -> dict[str, Any]:
        counts = {v: 0 for v in rs.VERDICTS}
        for entry in verdicts.values():
            counts[entry["verdict"]] += 1
        return {"reviewed": len(verdicts), "total": len(session.order), "counts": counts}

    def neighbour(fid: str, step: int) -> str | None:
        index = session.order.index(fid) + step
        return session.order[index] if 0 <= index < len(session.order) else None

    def next_unreviewed(fid: str | None, verdicts: dict[str, Any]) -> str | None:
        start = session.order.index(fid) + 1 if fid in session.order else 0
        for candidate in session.order[start:] + session.order[:start]:
            if candidate not in verdicts:
                return candidate
        return None

    def check_post(request: Request, form: Any) -> None:
        """Same origin (Origin, else Referer, else Sec-Fetch-Site) and the server's CSRF token."""
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        origin = request.headers.get("origin")
        if origin is None and request.headers.get("referer"):
            parts = urlsplit(request.headers["referer"])
            origin = f"{parts.scheme}://{parts.netloc}"
        if origin is not None and origin != own:
            raise HTTPException(403, "cross-origin request refused")
        if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            raise HTTPException(403, "cross-site request refused")
        token = request.headers.get("x-csrf-token") or form.get("csrf") or ""
        if not hmac.compare_digest(str(token).encode(), session.csrf_token.encode()):
            raise HTTPException(403, "missing or wrong CSRF token; reload the page")

    def done(request: Request, payload: dict[str, Any], go_to: str) -> Response:
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({**payload, "next": go_to})
        return RedirectResponse(go_to, status_code=303)

    def page_url(fid: str | None) -> str:
        return f"/f/{fid}" if fid else "/"

    def last_action(verdicts: dict[str, Any]) -> dict[str, Any] | None:
        """The verdict `u` would undo, shown in the header so keyboard reviewers see what they did."""
        for fid in reversed(session.history):
            if fid in verdicts:
                return {"fid": fid, "verdict": verdicts[fid]["verdict"], "position": session.order.index(fid) + 1}
        return None

    async def queue_page(request: Request) -> Response:
        verdicts = session.verdicts()
        rows = [{"finding": session.findings[fid], "verdict": verdicts.get(fid)} for fid in session.order]
        return templates.TemplateResponse(request, "queue.html", {
            "rows": rows, "progress": progress(verdicts), "first": next_unreviewed(None, verdicts) or
            (session.order[0] if session.order else None), "session": session, "csrf": session.csrf_token,
            "undo_available": bool(session.history), "last": last_action(verdicts)})

    async def finding_page(request: Request) -> Response:
        fid = request.path_params["fid"]
        finding = finding_or_404(fid)
        session.opened[fid] = time.monotonic()
        verdicts = session.verdicts()
        sides, shown = finding_sides(session, finding)
        evidence = finding.get("evidence") if isinstance(finding.get("evidence"), dict) else {}
        evidence_rows = [(k, v) for k, v in evidence.items() if k not in shown]
        cluster = session.clusters.get(finding.get("cluster") or "")
        return templates.TemplateResponse(request, "finding.html", {
            "finding": finding, "sides": sides, "evidence_rows": evidence_rows, "cluster": cluster,
            "verdict": verdicts.get(fid), "progress": progress(verdicts), "position": session.order.index(fid) + 1,
            "prev": neighbour(fid, -1), "next": neighbour(fid, 1), "session": session, "csrf": session.csrf_token,
            "has_timeline": any(r["spans"] for r in timeline_rows(session, finding)), "last": last_action(verdicts),
            "undo_available": bool(session.history) or fid in verdicts})

    async def post_verdict(request: Request) -> Response:
        fid = request.path_params["fid"]
        finding_or_404(fid)
        form = await request.form()
        check_post(request, form)
        verdict = form.get("verdict")
        if verdict not in rs.VERDICTS:
            raise HTTPException(400, f"verdict must be one of {', '.join(rs.VERDICTS)}")
        tags = form.getlist("tag")
        if any(t not in rs.TAGS for t in tags):
            raise HTTPException(400, "unknown tag")
        note = str(form.get("note") or "").strip()
        if len(note) > rs.MAX_NOTE_CHARS:
            raise HTTPException(400, "note too long")
        opened = session.opened.get(fid)
        with session.lock:
            record = rs.append_verdict(
                session.reviews_file, fid, verdict, tags=tags, note=note or None, reviewer=session.reviewer,
                seconds=None if opened is None else time.monotonic() - opened,
                checker_version=session.checker_version, rules_version=session.rules_version)
            session.history.append(fid)
        verdicts = session.verdicts()
        return done(request, {"ok": True, "recorded": record, "progress": progress(verdicts)},
                    page_url(next_unreviewed(fid, verdicts)))

    async def post_undo_finding(request: Request) -> Response:
        fid = request.path_params["fid"]
        finding_or_404(fid)
        form = await request.form()
        check_post(request, form)
        with session.lock:
            if fid not in session.verdicts():
                raise HTTPException(409, "this finding has no verdict to undo")
            rs.append_undo(session.reviews_file, fid, reviewer=session.reviewer)
            if fid in session.history:
                session.history.reverse()
                session.history.remove(fid)
                session.history.reverse()
        return done(request, {"ok": True, "undone": fid, "progress": progress(session.verdicts())}, page_url(fid))

    async def post_undo_last(request: Request) -> Response:
        """Undo the last verdict given in this session (or on the page's finding after a restart)."""
        form = await request.form()
        check_post(request, form)
        current = form.get("current")
        with session.lock:
            verdicts = session.verdicts()
            while session.history and session.history[-1] not in verdicts:
                session.history.pop()
            if session.history:
                fid = session.history.pop()
            elif isinstance(current, str) and current in verdicts:
                fid = current
            else:
                raise HTTPException(409, "nothing to undo")
            rs.append_undo(session.reviews_file, fid, reviewer=session.reviewer)
        return done(request, {"ok": True, "undone": fid, "progress": progress(session.verdicts())}, page_url(fid))

    async def api_queue(request: Request) -> Response:
        verdicts = session.verdicts()
        rows = [{"id": fid, "severity": session.findings[fid]["severity"], "kind": session.findings[fid]["kind"],
                 "rule": session.findings[fid]["rule"], "verdict": (verdicts.get(fid) or {}).get("verdict")}
                for fid in session.order]
        return JSONResponse({"progress": progress(verdicts), "queue": rows})

    async def timeline(request: Request) -> Response:
        fid = request.path_params["fid"]
        finding = finding_or_404(fid)
        if fid not in session._svgs:
            try:
                session._svgs[fid] = timeline_svg(timeline_rows(session, finding))
            except Exception as exc:  # a drawing failure must not break the review page
                log.warning("timeline for %s not drawn: %s", fid, exc)
                session._svgs[fid] = None
        svg = session._svgs[fid]
        if svg is None:
            raise HTTPException(404, "no resolved times to draw")
        return Response(svg, media_type="image/svg+xml")

    async def report(request: Request) -> Response:
        if session.report_html is None:
            raise HTTPException(404, "no report.html next to findings.json")
        # report.html is self-contained (inline CSS/JS): allow that, but sandboxed in an opaque origin
        # with no network, so nothing in it can read this app's pages or its CSRF token.
        return FileResponse(session.report_html, media_type="text/html", headers={
            "content-security-policy": REPORT_CSP})

    async def http_error(request: Request, exc: HTTPException) -> Response:
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"ok": False, "error": exc.detail}, status_code=exc.status_code)
        return templates.TemplateResponse(request, "error.html", {"status": exc.status_code, "detail": exc.detail},
                                          status_code=exc.status_code)

    hosts = list(allowed_hosts or LOOPBACK_HOSTS)
    routes = [
        Route("/", queue_page),
        Route("/f/{fid}", finding_page),
        Route("/f/{fid}/verdict", post_verdict, methods=["POST"]),
        Route("/f/{fid}/undo", post_undo_finding, methods=["POST"]),
        Route("/undo", post_undo_last, methods=["POST"]),
        Route("/api/queue", api_queue),
        Route("/timeline/{fid}.svg", timeline),
        Route("/report", report),
        Mount("/static", app=StaticFiles(directory=str(STATIC_DIR)), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), Middleware(TrustedHostMiddleware, allowed_hosts=hosts)],
        exception_handlers={HTTPException: http_error},
        max_body_size=MAX_BODY_BYTES,
    )


# ---------------------------------------------------------------- serving

def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        from .errors import UsageError

        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror})", hint="pick another --port, or 0 for a free one") from None
    sock.listen(64)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _server(app, sock: socket.socket):
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, lifespan="off",
                            timeout_graceful_shutdown=2)
    return uvicorn.Server(config)


def serve(app, sock: socket.socket) -> None:
    """Serve until Ctrl-C (uvicorn handles the signal and shuts down)."""
    _server(app, sock).run(sockets=[sock])


def start_in_thread(app, host: str = "127.0.0.1", port: int = 0) -> tuple[str, Callable[[], None]]:
    """Run the app on a background thread (tests, notebooks); returns its URL and a stop function."""
    sock = bind_socket(host, port)
    server = _server(app, sock)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="checker-review")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

    return url_of(sock), stop
