"""The site in a real browser: Debian's chromium, driven by Playwright, against the server
started exactly as `make serve` starts it (`newsdb serve`, tests/live_server.py).

Every request the pages make is intercepted: loopback requests go through, map tiles are
answered with an empty response (the only third-party resource allowed), and anything
else is refused and reported, so a page that needs a CDN fails its test.
Screenshots go to test-output/screenshots/.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import urlparse

import pytest
from live_server import live_server

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-output" / "screenshots"
TILE_HOSTS = ("tile.openstreetmap.org",)
LOOPBACK = {"127.0.0.1", "localhost"}


def require_browser():
    reason = None
    if shutil.which(CHROMIUM) is None:
        reason = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright (Python) is not installed"
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI: {reason}")
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def server(built_db):
    require_browser()
    with live_server(built_db) as base:
        yield base


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page whose only network is the local server; refused requests are listed in
    page.refused and must stay empty."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.refused = []
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    # vega-embed reports a spec it cannot draw on the console, not as an exception.
    page.on("console", lambda message: page.errors.append(message.text)
            if message.type == "error" else None)

    def route(route):
        host = urlparse(route.request.url).hostname or ""
        if host in LOOPBACK:
            route.continue_()
        elif host.endswith(TILE_HOSTS):
            route.fulfill(status=204, body="")
        else:
            page.refused.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    yield page
    assert page.refused == [], "the page depends on third-party resources"
    assert page.errors == [], "the page raised JavaScript errors"
    context.close()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def table_rows(page):
    return page.locator("table.rows-and-columns tbody tr")


def test_home_page_links_each_question(page, server):
    page.goto(server + "/")
    assert "Korea–China science and ICT cooperation" in page.title() + page.inner_text("h1")
    for text in ("The trip day by day", "Who meets whom", "Facts needing care",
                 "Search everything", "dashboard: timeline and charts"):
        assert page.get_by_role("link", name=text).count() == 1, text
    screenshot(page, "01-home")


def test_clicking_a_facet_filters_events(page, server):
    page.goto(server + "/news/events")
    all_rows = table_rows(page).count()
    facet = page.locator("#facet-date_basis").get_by_role("link", name="inferred")
    facet.click()
    page.wait_for_url("**date_basis=inferred**")
    filtered = table_rows(page)
    assert 0 < filtered.count() < all_rows
    assert set(filtered.locator("td.col-date_basis").all_inner_texts()) == {"inferred"}
    page.locator(".filter-row, form.filters").first.scroll_into_view_if_needed()
    screenshot(page, "02-events-facet-inferred")


def test_canned_query_form_runs_with_the_given_day(page, server):
    page.goto(server + "/news/programme_on_day")
    page.fill("input[name=day]", "2014-12-20")
    page.locator("form.sql input[type=submit]").click()
    page.wait_for_url("**day=2014-12-20**")
    titles = table_rows(page).locator("td.col-title").all_inner_texts()
    assert "Inspection of Zhangjiang Hi-Tech Park (장강하이테크파크 시찰)" in titles
    assert not any("K-Tech" in title for title in titles)
    screenshot(page, "03-programme-on-day")


def test_csv_link_downloads_every_row_with_korean_intact(page, server):
    page.goto(server + "/news/events")
    link = page.locator("p.export-links").get_by_role("link", name="CSV", exact=True)
    href = link.get_attribute("href")
    assert "_labels=on" in href
    response = page.request.get(server + href if href.startswith("/") else href)
    assert response.ok
    rows = list(csv.DictReader(io.StringIO(response.body().decode("utf-8"))))
    assert len(rows) == int(page.locator("h3").first.inner_text().split()[0])
    meeting = next(row for row in rows if row["id"] == "korea-china-st-ministerial-meeting-2014")
    assert meeting["title_ko"] == "한‧중 과학기술장관회의"
    page.goto(server + href if href.startswith("/") else href)
    assert "한‧중 과학기술장관회의" in page.inner_text("body")
    screenshot(page, "04-events-csv")


@pytest.mark.parametrize("path, name", [("/news/places", "05-places-map"),
                                        ("/news/itinerary", "06-itinerary-map")])
def test_map_shows_markers(page, server, path, name):
    page.goto(server + path)
    markers = page.locator(".leaflet-marker-icon")
    markers.first.wait_for(timeout=15000)
    assert markers.count() >= 2
    page.locator(".leaflet-container").scroll_into_view_if_needed()
    screenshot(page, name)


def test_dashboard_draws_one_mark_per_row(page, server, built_db):
    with sqlite3.connect(built_db) as conn:
        expected = {
            "timeline": conn.execute("select count(*) from itinerary").fetchone()[0],
            "korea-vs-china": 2 * conn.execute(
                "select count(*) from korea_china_comparison where unit = 'USD'").fetchone()[0],
            "categories": conn.execute(
                "select count(distinct category || country) from statistics").fetchone()[0],
        }
    page.goto(server + "/-/dashboards/trip")
    for chart, rows in expected.items():
        bars = page.locator(f"#chart-{chart} svg g.mark-rect path")
        bars.first.wait_for(timeout=15000)
        assert bars.count() == rows, chart
    screenshot(page, "07-dashboard")
