"""report.html in a real browser (Debian chromium, headless): Arabic reads right to left, charts show."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.report import write_reports

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--no-first-run"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium (apt-get install chromium)"),
]


def _report(tmp_path: Path) -> Path:
    from test_report import DATA, load_fixture

    # the report links to ../corpus/*.txt, so copy the corpus beside the output like a real run
    shutil.copytree(DATA / "corpus", tmp_path / "corpus")
    import dataclasses

    result = dataclasses.replace(load_fixture(), corpus_root=str(tmp_path / "corpus"))
    paths = write_reports(result, tmp_path / "reports")
    return paths[2]


def test_report_html_in_chromium(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    html_path = _report(tmp_path)
    requests: list[str] = []
    dialogs: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(html_path.as_uri())
            page.wait_for_load_state("load")

            arabic = page.locator("blockquote.claim-text[lang=ar]").first
            assert arabic.evaluate("el => getComputedStyle(el).direction") == "rtl"
            english = page.locator("blockquote.claim-text[lang=en]").first
            assert english.evaluate("el => getComputedStyle(el).direction") == "ltr"

            charts = page.locator("figure.chart svg")
            assert charts.count() == 2
            for i in range(charts.count()):
                box = charts.nth(i).bounding_box()
                assert box and box["width"] > 100 and box["height"] > 50, f"chart {i} is not visible: {box}"

            # article text stayed text: no injected element ran or exists
            assert page.locator("main img").count() == 0
            assert page.locator("script").count() == 1
            assert dialogs == []

            # filters hide and show findings
            assert page.locator("article.finding:visible").count() == 4
            page.locator("input[name=severity][value=error]").uncheck()
            assert page.locator("article.finding:visible").count() == 2
            assert page.locator("#shown-count").inner_text() == "2 of 4 shown"
            page.locator("input[name=severity][value=error]").check()
            # a number in the summary table picks its kind x severity
            page.locator("button.pick[data-kind=tension][data-severity=warning]").click()
            assert page.locator("article.finding:visible").count() == 1
            page.locator("button.pick[data-kind='*'][data-severity='*']").click()
            assert page.locator("article.finding:visible").count() == 4

            # claim links resolve to the copied source files
            href = page.locator("article.finding a[href*='ar_statement.txt']").first.get_attribute("href")
            assert (html_path.parent / href.split("#")[0]).resolve().is_file()

            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert all(url.startswith(("file:", "data:", "about:")) for url in requests), requests
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_seed_report_in_chromium(tmp_path):
    """The real thing: the seeds through the pipeline, rendered; every chart visible, Arabic claims RTL."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from test_report import seeds_check

    result = seeds_check()
    html_path = write_reports(result, tmp_path / "reports")[2]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(html_path.as_uri())
            claims = page.locator("blockquote.claim-text")
            assert claims.count() >= 1
            directions = claims.evaluate_all("els => els.map(e => getComputedStyle(e).direction)")
            assert set(directions) == {"rtl"}, directions  # the seeds are all Arabic
            charts = page.locator("figure.chart svg")
            clusters = page.locator("section.cluster")
            assert charts.count() >= 1 and charts.count() <= clusters.count()
            for i in range(charts.count()):
                charts.nth(i).scroll_into_view_if_needed()
                box = charts.nth(i).bounding_box()
                assert box and box["width"] > 100 and box["height"] > 50, f"chart {i} is not visible: {box}"
            page.evaluate("window.scrollTo(0, 0)")  # the sticky filter bar belongs at the top of the picture
            page.screenshot(path=str(tmp_path / "seeds_report.png"), full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "seeds_report.png").stat().st_size > 10_000
