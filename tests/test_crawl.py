"""Every link answers: a breadth-first crawl of the site from `/`, under the served
configuration (newsdb.site.serving.make_datasette) and under plain `datasette news.db`, and
the two serve the same site."""
from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest

from contract import checkout_site  # noqa: E402
from newsdb.store.registry import TABLES
from newsdb.site.metadata import site_metadata

QUERIES = sorted(checkout_site()["databases"]["news"]["queries"])
DEPTH = 3
# Variants of a page already crawled: its sort orders and its next pages.
SKIPPED_PARAMETERS = {"_sort", "_sort_desc", "_next", "_size"}
KOREAN_QUERIES = ["협력을", "샤오미의", "샤오미", "중국", "장관", "칭화홀딩스", "기술사업화",
                  "과학기술", "레이쥔", "양해각서"]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("a", "link") and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "script" and attributes.get("src"):
            self.links.append(attributes["src"])


def internal_links(page_url: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.links:
        url = urlsplit(urljoin("http://localhost" + page_url, href))
        if url.hostname != "localhost" or url.scheme not in ("http", ""):
            continue
        query = [(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True)]
        if any(key in SKIPPED_PARAMETERS for key, _ in query):
            continue
        found.append(url.path + ("?" + urlencode(query) if query else ""))
    return found


async def crawl(site) -> dict[str, int]:
    """Status of every page reached from / within DEPTH clicks."""
    statuses: dict[str, int] = {}
    queue = deque([("/", 0)])
    while queue:
        path, depth = queue.popleft()
        if path in statuses:
            continue
        response = await site.client.get(path)
        statuses[path] = response.status_code
        if depth < DEPTH and "text/html" in response.headers.get("content-type", ""):
            queue.extend((link, depth + 1) for link in internal_links(path, response.text)
                         if link not in statuses)
    return statuses


def data_urls() -> list[str]:
    names = [table.name for table in TABLES if table.public] + QUERIES
    return [f"/news/{name}.{extension}" for name in names for extension in ("json", "csv")]


@pytest.fixture(params=["served", "plain"])
def site(request, served_site, plain_site):
    return served_site if request.param == "served" else plain_site


@pytest.mark.slow
async def test_every_page_within_three_clicks_answers(site):
    statuses = await crawl(site)
    assert len(statuses) > 100  # the crawl really went through the site
    assert {path: status for path, status in statuses.items() if status != 200} == {}
    assert {"/news", "/news/events", "/news/search", "/-/dashboards/trip"} <= set(statuses)


async def test_every_table_and_query_downloads_as_json_and_csv(site):
    failed = {}
    for url in data_urls():
        response = await site.client.get(url)
        if response.status_code != 200:
            failed[url] = response.status_code
    assert failed == {}


async def test_database_page_and_its_json_answer(site):
    page = await site.client.get("/news")
    assert page.status_code == 200
    # the database page lists the public tables and the canned queries by name
    assert all(f'/news/{name}"' in page.text for name in ("events", "claims", "search"))
    data = (await site.client.get("/news.json")).json()
    tables = {table["name"]: table for table in data["tables"]}
    assert {table.name for table in TABLES} <= set(tables)
    assert tables["events"]["count"] > 0 and not tables["events"]["hidden"]
    assert tables["site_metadata"]["hidden"]
    assert {query["name"] for query in data["queries"]} == set(QUERIES)


async def facets(site, table: str) -> set[str]:
    response = await site.client.get(f"/news/{table}.json")
    return set(response.json()["facet_results"])


async def searched(site, table: str, query: str) -> list:
    response = await site.client.get(f"/news/{table}.json",
                                     params={"_search": query, "_shape": "array", "_size": "max"})
    assert response.status_code == 200
    return [row["id"] for row in response.json()]


async def test_plain_datasette_serves_the_same_site(served_site, plain_site):
    for path in ("/news.json", "/-/metadata.json"):
        served, plain = [(await s.client.get(path)).json() for s in (served_site, plain_site)]
        if path == "/news.json":
            assert sorted(q["name"] for q in served["queries"]) == \
                sorted(q["name"] for q in plain["queries"]) == QUERIES
        else:
            assert served == plain
    for table in (t for t in TABLES if t.public):
        assert await facets(served_site, table.name) == await facets(plain_site, table.name)
        assert await facets(served_site, table.name) >= set(table.facets)
    found = 0
    for table in (t for t in TABLES if t.search):
        for query in KOREAN_QUERIES:
            served = await searched(served_site, table.name, query)
            assert served == await searched(plain_site, table.name, query), (table.name, query)
            found += len(served)
    assert found > 50
    for query in KOREAN_QUERIES:
        params = {"q": query, "_shape": "array"}
        served, plain = [(await s.client.get("/news/search.json", params=params)).json()
                         for s in (served_site, plain_site)]
        assert served == plain and served, query
