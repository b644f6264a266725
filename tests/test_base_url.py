"""The site under a prefix: with Datasette's `base_url` set to /prefix/ (a site served
behind a proxy at a sub-path), every link of the pages, the maps' settings and the
`search` query's `link` column start with the prefix, as datasette-cluster-map tests
its own links. The links the curators write in metadata.yml (`/news/...`) are placed
under the prefix by the plugin (newsdb/site/metadata.py under_base_url)."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from datasette.app import Datasette

from newsdb.site.serving import SETTINGS

PREFIX = "/prefix/"
PAGES = ["/", "/news/events", "/news/places/beijing", "/news/events/xiaomi-ceo-meeting-2014",
         "/news/search?q=Xiaomi", "/news/search?q=샤오미", "/news/itinerary"]
# The attributes that hold a link, and the record map's settings (JSON).
LINK_ATTRIBUTES = {"href", "src", "action"}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in LINK_ATTRIBUTES and value:
                self.links.append(value)
            if name == "data-map" and value:
                settings = json.loads(value)
                self.links += [settings["tile_layer"], settings["leaflet_js"]]


def site_links(page: str, html: str) -> list[str]:
    """Every link of the page that stays on the site, as an absolute path."""
    parser = Links()
    parser.feed(html)
    found = []
    for link in parser.links:
        url = urlsplit(urljoin("http://localhost" + PREFIX + page.lstrip("/"), link))
        if url.hostname == "localhost" and url.scheme in ("http", ""):
            found.append(link)
    return found


@pytest.fixture(scope="module")
def prefixed(built_db):
    return Datasette(immutables=[str(built_db)],
                     settings=dict(SETTINGS, base_url=PREFIX))


@pytest.mark.parametrize("page", PAGES)
async def test_every_link_of_the_page_starts_with_the_prefix(prefixed, page):
    # datasette.client places a path under base_url itself.
    response = await prefixed.client.get(page)
    assert response.status_code == 200, response.text
    links = site_links(page, response.text)
    assert links
    # A link relative to the page (?_sort=...) stays under it; one from the root must
    # carry the prefix.
    absolute = [link for link in links if link.startswith("/")]
    assert absolute
    assert [link for link in absolute if not link.startswith(PREFIX)] == []


async def test_the_home_page_links_of_the_prose_carry_the_prefix(prefixed):
    html = (await prefixed.client.get("/")).text
    assert f'href="{PREFIX}news/itinerary"' in html
    assert f'href="{PREFIX}-/dashboards/trip"' in html


async def test_the_search_query_links_carry_the_prefix(prefixed):
    rows = (await prefixed.client.get("/news/search.json", params={
        "q": "Xiaomi", "_shape": "array"})).json()
    assert rows
    assert all(row["link"] == f"{PREFIX}news/{row['table_name']}/{row['row_id']}"
               for row in rows)


async def test_the_record_map_and_cluster_maps_use_the_prefixed_tiles(prefixed):
    config = prefixed.plugin_config("datasette-cluster-map")
    assert config["tile_layer"].startswith(f"{PREFIX}-/tiles/basemap/")
    tile = await prefixed.client.get("/-/tiles/basemap/0/0/0.png")
    assert tile.status_code == 200
    assert tile.headers["content-type"] == "image/png"


async def test_without_a_prefix_the_links_are_as_written(plain_site):
    html = (await plain_site.client.get("/")).text
    assert 'href="/news/itinerary"' in html
    rows = (await plain_site.client.get("/news/search.json", params={
        "q": "Xiaomi", "_shape": "array"})).json()
    assert rows[0]["link"] == f"/news/{rows[0]['table_name']}/{rows[0]['row_id']}"
