"""The plugin on Datasette's next line: a second virtualenv with `datasette==1.0a41`, every
other pinned dependency of pyproject.toml (all of them admit 1.0a41) and this project
installed without its dependencies; news.db built there by the installed `newsdb`, and a
plain `datasette news.db` started from that folder. Each page is checked for what it
must show.

On 1.0 the plugin gives the metadata, queries and settings through its startup hook
(newsdb/site/compat.py). What 1.0 makes impossible for a dependency, and this test
therefore leaves out:
- the dashboard (/-/dashboards/trip): datasette-dashboards 0.8.0 calls
  `datasette.permission_allowed`, which 1.0 removed (500);
- the map tiles and the database page (/news): datasette-tiles 0.6.1 reads Datasette's
  `_internal` database, which 1.0 no longer lists under that name (500): the maps
  draw their markers without a basemap.

The virtualenv is kept between runs in the user's cache folder, one per set of pinned
dependencies; the project itself is reinstalled every run.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from markupsafe import escape

from live_server import free_port, wait_until_up
from newsdb.store.registry import TABLES_BY_NAME

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
DATASETTE = "datasette==1.0a41"
EVENT = "xiaomi-ceo-meeting-2014"


def dependencies() -> list[str]:
    pinned = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return [DATASETTE if d.startswith("datasette==") else d for d in pinned]


def venv_folder(requirements: list[str]) -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256("\n".join([sys.version, *requirements]).encode()).hexdigest()[:12]
    return cache / "newsdb" / f"venv-{DATASETTE.replace('==', '-')}-{key}"


def clean_environment() -> dict:
    # The tests' own environment stays out: the second virtualenv must not reach into
    # the first or the checkout.
    return {key: value for key, value in os.environ.items()
            if key not in ("PYTHONPATH", "VIRTUAL_ENV")}


def run(*command, cwd=None) -> None:
    result = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True,
                            text=True, env=clean_environment())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def venv() -> Path:
    requirements = dependencies()
    folder = venv_folder(requirements)
    python = folder / "bin" / "python"
    ready = folder / ".installed"
    if not ready.is_file():
        run(sys.executable, "-m", "venv", "--clear", folder)
        run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(python, "-m", "pip", "install", "--quiet", *requirements)
        ready.touch()
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", ROOT)
    return folder


@pytest.fixture(scope="module")
def server(venv, tmp_path_factory):
    folder = tmp_path_factory.mktemp("datasette-1")
    run(venv / "bin" / "newsdb", "build", "--sources", ROOT / "sources",
        "--metadata", ROOT / "metadata.yml", "--output", "news.db", cwd=folder)
    port = free_port()
    process = subprocess.Popen([venv / "bin" / "datasette", "news.db", "--port", str(port)],
                               cwd=folder, env=clean_environment(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/-/versions.json", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(server: str, path: str, **params) -> str:
    query = "?" + urllib.parse.urlencode(params) if params else ""
    with urllib.request.urlopen(server + urllib.parse.quote(path) + query, timeout=60) as r:
        assert r.status == 200
        return r.read().decode()


def test_it_is_datasette_1(server):
    versions = json.loads(get(server, "/-/versions.json"))
    assert versions["datasette"]["version"] == DATASETTE.split("==")[1]
    plugins = {plugin["name"] for plugin in json.loads(get(server, "/-/plugins.json"))}
    assert "news-db" in plugins


def test_home_page_shows_the_title_the_questions_and_the_tables(server):
    html = get(server, "/")
    assert "Korea–China science and ICT cooperation" in html
    assert 'href="/news/itinerary"' in html  # the prose of metadata.yml
    assert 'class="home-tables"' in html
    assert f'href="/news/events">{TABLES_BY_NAME["events"].title}</a>' in html


def test_the_basemap_database_is_no_page_of_the_site(server):
    # 0.65: the permission_allowed hook; 1.0: permission_resources_sql.
    assert "basemap" not in get(server, "/").split("</title>")[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(server, "/basemap")
    assert refused.value.code == 403


def test_events_table_has_its_title_facets_and_rows(server):
    html = get(server, "/news/events")
    events = TABLES_BY_NAME["events"]
    assert f"<h1>{events.title}" in html
    assert f"<title>{events.title} — news.db:" in html
    for facet in events.facets:
        assert f'data-column="{facet}"' in html, facet
    assert 'details class="column-descriptions-toggle"' in html
    assert 'class="rows-and-columns lean"' in html
    assert f'href="/news/events/{EVENT}"' in html


def test_record_card(server):
    html = get(server, f"/news/events/{EVENT}")
    assert '<article class="record-card">' in html
    assert "<h1>Meeting with Xiaomi CEO Lei Jun" in html
    assert '<section class="record-evidence">' in html and "<mark " in html
    assert '<section class="record-claims">' in html
    assert 'id="record-map"' in html


def test_canned_query_has_its_title_and_rows(server):
    rows = json.loads(get(server, "/news/programme_on_day.json", day="2014-12-18",
                          _shape="array"))
    assert rows and all(row["start_date"] <= "2014-12-18" <= row["end_date"] for row in rows)
    html = get(server, "/news/programme_on_day", day="2014-12-18")
    assert "<title>The programme on a given day — news.db" in html
    assert all(str(escape(row["title"])) in html for row in rows)


def test_korean_search_on_a_table_finds_words_typed_with_particles(server):
    rows = json.loads(get(server, "/news/events.json", _search="샤오미의", _shape="array"))
    ids = {row["id"] for row in rows}
    assert EVENT in ids
    every = json.loads(get(server, "/news/events.json", _shape="array", _size="max"))
    assert len(ids) < len(every)
    html = get(server, "/news/events", _search="샤오미의")
    assert f'href="/news/events/{EVENT}"' in html


def test_search_query_finds_and_links_korean_words(server):
    rows = json.loads(get(server, "/news/search.json", q="샤오미의", _shape="array"))
    assert {"table_name": "organizations", "row_id": "xiaomi"} in [
        {"table_name": row["table_name"], "row_id": row["row_id"]} for row in rows]
    assert all(row["link"] == f"/news/{row['table_name']}/{row['row_id']}" for row in rows)
    html = get(server, "/news/search", q="샤오미의")
    assert "<title>Search everything — news.db" in html
    assert "<mark>" in html
    assert 'href="/news/organizations/xiaomi"' in html


def facet_values(server: str, table: str, query: list[tuple[str, str]]) -> dict:
    """Each facet's values, labels, counts and selections, and whether it was cut short."""
    url = f"{server}/news/{table}.json?" + urllib.parse.urlencode(
        [*query, ("_extra", "facet_results")])
    with urllib.request.urlopen(url, timeout=60) as response:
        results = json.loads(response.read().decode())["facet_results"]["results"]
    return {name: ([(v["value"], v["label"], v["count"], v["selected"])
                    for v in facet["results"]], facet["truncated"])
            for name, facet in results.items()}


def test_default_facets_count_what_datasettes_own_facets_count(server):
    """The plugin's facets (stored counts, or every facet in one query) against 1.0's
    column facet on the same pages: a facet named again in ?_facet= is Datasette's own,
    shown beside the default one (`name_2`)."""
    pages = []
    for table in (TABLES_BY_NAME[name] for name in ("claims", "events", "sources", "mentions")):
        first, second = table.facets[:2]
        top = facet_values(server, table.name, [])
        value, other = (str(top[column][0][0][0]) for column in (first, second))
        pages += [(table.name, []), (table.name, [(first, value)]),
                  (table.name, [(f"{first}__exact", value)]),
                  (table.name, [(first, value), (second, other)])]
    pages.append(("events", [("_search", "중국")]))
    for table, query in pages:
        named = [("_facet", column) for column in TABLES_BY_NAME[table].facets]
        both = facet_values(server, table, query + named)
        for name, values in facet_values(server, table, query).items():
            assert values == both[name] == both[f"{name}_2"], (table, query, name)
