"""A real browser (Debian Chromium via Playwright) reviews two findings with the keyboard."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker import review_app as ra
from checker import review_store as rs

CHROMIUM = Path("/usr/bin/chromium")
DATA = Path(__file__).parent / "data" / "review"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


@pytest.fixture
def served(tmp_path, monkeypatch):
    shutil.copytree(DATA, tmp_path / "review")
    monkeypatch.chdir(tmp_path / "review")
    doc = rs.load_findings_json("reports/findings.json")
    session = ra.build_session(doc, tmp_path / "review" / "corpus", reviewer="browser-test",
                               findings_path=Path("reports/findings.json"))
    url, stop = ra.start_in_thread(ra.create_app(session))
    yield url, session
    stop()


@pytest.fixture
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}") or dialog.dismiss())
        yield tab
        context.close()
        browser.close()
        assert errors == [], errors  # no script error, and no injected alert() ever ran


def test_keyboard_review_lands_in_the_verdict_file(served, page, tmp_path):
    url, session = served
    first, second = session.order[0], session.order[1]
    page.goto(url)
    assert "0 of 5 reviewed" in page.text_content("#progress")
    page.keyboard.press("j")  # start
    page.wait_for_url(f"{url}f/{first}")
    page.keyboard.press("c")  # confirm the first finding
    page.wait_for_url(f"{url}f/{second}")
    assert "1 of 5 reviewed" in page.text_content("#progress")

    # typing in the note must not trigger shortcuts: "c", "f", "s", "j" are all in this note
    page.keyboard.press("/")
    page.keyboard.type("official statement says 600; wire copy is a typo")
    assert page.url == f"{url}f/{second}"
    page.keyboard.press("Escape")
    page.keyboard.press("2")  # tag: wrong cluster
    page.keyboard.press("f")  # false alarm
    page.wait_for_url(lambda u: u != f"{url}f/{second}")
    assert "2 of 5 reviewed" in page.text_content("#progress")
    page.screenshot(path=str(tmp_path / "review-after-two.png"), full_page=True)

    verdicts = rs.latest_verdicts(session.reviews_file)
    assert verdicts[first]["verdict"] == "confirmed" and verdicts[first]["reviewer"] == "browser-test"
    assert verdicts[second]["verdict"] == "false_alarm"
    assert verdicts[second]["note"] == "official statement says 600; wire copy is a typo"
    assert verdicts[second]["tags"] == ["wrong-cluster"]
    assert verdicts[second]["seconds"] > 0

    page.keyboard.press("u")  # undo the false alarm: back on that finding, verdict gone
    page.wait_for_url(f"{url}f/{second}")
    assert second not in rs.latest_verdicts(session.reviews_file)
    page.keyboard.press("k")
    page.wait_for_url(f"{url}f/{first}")
    lines = [json.loads(x) for x in session.reviews_file.read_text(encoding="utf-8").splitlines()]
    assert [x["verdict"] for x in lines] == ["confirmed", "false_alarm", "undo"]


def test_hostile_article_text_stays_text(served, page, tmp_path):
    url, session = served
    fid = next(f["id"] for f in session.findings_doc["findings"] if f["rule"] == "conflicting-figure")
    page.goto(f"{url}f/{fid}")
    assert page.locator("script").count() == 1  # only our own review.js
    assert page.locator("main img:not(.timeline)").count() == 0
    assert '<script>alert("pwned")</script>' in page.text_content("#side-2 .context")
    arabic = page.locator("#side-1 .context")
    assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.locator("#side-2 .context").evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert page.locator("img.timeline").evaluate("e => e.naturalWidth") > 0
    page.screenshot(path=str(tmp_path / "review-hostile.png"), full_page=True)
