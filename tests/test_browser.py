"""The site in a real browser: Debian's chromium, driven by Playwright, against the server
started exactly as `make serve` starts it (`newsdb serve`, tests/live_server.py).

Every request the pages make is intercepted: loopback requests go through and anything
else is refused and reported, so a page that needs a CDN or internet map tiles fails its
test (the basemap is served by the site). Console errors and warnings fail a test too.
Pages are measured at 1400×1000: the first data row within the first screen, rows
short enough to read. Screenshots of every kind of page go to test-output/screenshots/.
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

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-output" / "screenshots"
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
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.refused = []
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    # vega-embed reports a spec it cannot draw on the console, not as an exception, and
    # Vega-Lite warns there about a spec of another version.
    page.on("console", lambda message: page.errors.append(f"{message.type}: {message.text}")
            if message.type in ("error", "warning") else None)

    def route(route):
        host = urlparse(route.request.url).hostname or ""
        if host in LOOPBACK:
            route.continue_()
        else:
            page.refused.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    yield page
    assert page.refused == [], "the page depends on third-party resources"
    assert page.errors == [], "the page raised JavaScript errors or console warnings"
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
        assert page.get_by_role("link", name=text, exact=True).count() == 1, text
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
            # the trip: the itinerary from the official visit's first day
            "timeline": conn.execute(
                "select count(*) from itinerary where start_date >= (select min(start_date) "
                "from events where kind = 'official_visit')").fetchone()[0],
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


# --- A site people enjoy reading (issue 12) ----------------------------------------------

from contract import checkout_site  # noqa: E402
from newsdb.store.registry import TABLES  # noqa: E402
from newsdb.site.metadata import site_metadata  # noqa: E402

PUBLIC_TABLES = [table.name for table in TABLES if table.public]
QUERIES = checkout_site()["databases"]["news"]["queries"]
QUERY_ARGS = {"programme_on_day": "?day=2014-12-18", "about_entity": "?who=Xiaomi",
              "search": "?q=샤오미", "statistics_by_category": "?category=trade",
              "fact_claims": "?fact=Lei+Jun"}
FIRST_SCREEN = 1000
MAX_AVERAGE_ROW = 150
ROW_PAGES = {"events": "xiaomi-ceo-meeting-2014", "statistics": "cn-it-exports-2013",
             "organizations": "xiaomi", "people": "choi-yang-hee", "places": "zhongguancun",
             "mous": "mou-industry-academia-research-joint-research"}


def rows_geometry(page) -> dict:
    return page.evaluate("""() => {
        const rows = [...document.querySelectorAll('table.rows-and-columns tbody tr')];
        if (!rows.length) return null;
        const heights = rows.map(r => r.getBoundingClientRect().height);
        return {first_row: rows[0].getBoundingClientRect().top + window.scrollY,
                average_row: heights.reduce((a, b) => a + b, 0) / rows.length};
    }""")


@pytest.mark.parametrize("table", PUBLIC_TABLES)
def test_first_data_row_is_on_the_first_screen(page, server, table):
    page.goto(f"{server}/news/{table}")
    geometry = rows_geometry(page)
    assert geometry and geometry["first_row"] < FIRST_SCREEN, geometry
    # Column descriptions are one click away, and on the headers.
    assert page.locator("details.column-descriptions-toggle").count() == 1
    assert not page.locator("dl.column-descriptions").first.is_visible()
    assert page.locator("h1").inner_text() == next(t.title for t in TABLES if t.name == table)
    screenshot(page, f"table-{table}")


@pytest.mark.parametrize("table", ["events", "statistics", "mous", "notes"])
def test_rows_are_short_enough_to_read(page, server, table):
    page.goto(f"{server}/news/{table}")
    geometry = rows_geometry(page)
    assert geometry["average_row"] <= MAX_AVERAGE_ROW, geometry
    # Every column is one click away.
    page.get_by_role("link", name="show all columns").click()
    page.wait_for_url("**_columns=all**")
    assert page.locator("table.rows-and-columns.lean").count() == 0


def test_values_are_readable(page, server):
    page.goto(f"{server}/news/statistics?id=cn-it-exports-2013")
    assert page.locator("td.col-value").inner_text() == "8,279억 달러 · USD 827.9 bn"
    assert page.locator("td.col-country").inner_text() == "China"
    page.goto(f"{server}/news/statistics")
    assert "China" in page.locator("#facet-country").inner_text()
    assert "CN" not in page.locator("#facet-country").inner_text()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_canned_query_has_a_human_title_and_hidden_sql(page, server, name):
    page.goto(f"{server}/news/{name}{QUERY_ARGS.get(name, '')}")
    assert page.title() == f"{QUERIES[name]['title']} — news.db"
    assert page.locator("#sql-query, #sql-editor").count() == 0  # shown only when asked
    geometry = rows_geometry(page)
    if geometry:
        assert geometry["first_row"] < FIRST_SCREEN, geometry
    page.locator("#news-map .leaflet-tile-loaded").first.wait_for(timeout=15000) \
        if name == "programme_on_day" else None
    screenshot(page, f"query-{name}")


def test_search_puts_the_exact_name_first_with_links_and_no_raw_rank(page, server):
    page.goto(f"{server}/news/search?q=Xiaomi")
    first = table_rows(page).first
    assert first.locator("td.col-row_id").inner_text() == "xiaomi"
    assert first.locator("td.col-label a").get_attribute("href") == "/news/organizations/xiaomi"
    assert "." not in page.locator("td.col-rank").first.inner_text()


@pytest.mark.parametrize("table, key", sorted(ROW_PAGES.items()))
def test_record_page_is_a_card_with_a_human_title(page, server, table, key):
    page.goto(f"{server}/news/{table}/{key}")
    heading = page.locator("article.record-card h1").inner_text()
    assert heading and heading != key
    assert page.title().startswith(heading + " — ")
    assert "news: " not in page.title()
    if table in ("events", "statistics", "mous"):
        assert page.locator(".record-evidence mark").count() == 1
        # every report's claims about the fact, those the database does not hold marked
        assert page.locator(".record-claims tbody tr").count() >= 1
    if (table, key) == ("events", "xiaomi-ceo-meeting-2014"):
        # the held article's window of two days allows the 19th: it is compatible, in
        # its own group, and every claim of the group is followed
        compatible = page.locator(".record-claims tbody.relation-compatible")
        assert "allows the value the database follows" in compatible.locator(
            "tr.relation-heading").inner_text()
        assert compatible.locator("tr.followed").count() >= 2
        assert compatible.locator("tr.not-followed").count() == 0
    if table in ("events", "places"):
        page.locator("#record-map .leaflet-tile-loaded").first.wait_for(timeout=15000)
    screenshot(page, f"row-{table}")


@pytest.mark.parametrize("path", ["/news/places", "/news/itinerary"])
def test_map_tiles_come_from_the_site_with_the_network_blocked(page, server, path):
    tiles = []
    page.on("response", lambda r: tiles.append((r.url, r.status)) if "/tiles" in r.url else None)
    page.goto(server + path)
    page.locator("#news-map .leaflet-marker-icon").first.wait_for(timeout=15000)
    page.locator("#news-map .leaflet-tile-loaded").first.wait_for(timeout=15000)
    assert tiles and all(url.startswith(server + "/-/tiles/basemap/") and status == 200
                         for url, status in tiles)
    # The attribution is kept; every marker is inside the map.
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    inside = page.evaluate("""() => {
        const map = document.querySelector('#news-map .leaflet-container').getBoundingClientRect();
        return [...document.querySelectorAll('#news-map .leaflet-marker-icon')].every(m => {
            const r = m.getBoundingClientRect();
            return r.left >= map.left && r.right <= map.right && r.top >= map.top && r.bottom <= map.bottom;
        });
    }""")
    assert inside


def test_dashboard_text_is_at_least_12_px(page, server):
    page.goto(server + "/-/dashboards/trip")
    for chart in ("timeline", "korea-vs-china", "categories"):
        page.locator(f"#chart-{chart} svg g.mark-rect path").first.wait_for(timeout=15000)
    sizes = page.evaluate("""() => [...document.querySelectorAll('svg text')]
        .filter(t => t.textContent.trim())
        .map(t => parseFloat(getComputedStyle(t).fontSize))""")
    assert sizes and min(sizes) >= 12, sorted(set(sizes))
    # Values on the bars.
    assert page.locator("#chart-korea-vs-china svg g.mark-text.role-mark text").count() == 4


def test_home_page_leads_with_the_tables_and_hides_internal_ones(page, server):
    page.goto(server + "/")
    for table in ("events", "places", "people", "statistics", "itinerary"):
        assert page.locator(f'ul.home-tables a[href="/news/{table}"]').count() == 1, table
    hidden = [t.name for t in TABLES if t.internal]
    for table in hidden:
        assert page.locator(f'a[href="/news/{table}"]').count() == 0, table
    assert page.locator('a[href="/basemap"]').count() == 0
