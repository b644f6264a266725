"""The plugin's hooks (newsdb/site/plugin.py, newsdb/site/compat.py, newsdb/site/web/):
errors answered through handle_exception with Datasette's CORS headers and without
discarding other plugins' answers; the row-label cache; the per-table templates."""
from __future__ import annotations

import json

import pytest
from datasette.app import Datasette

from newsdb.site import web
from newsdb.site.compat import quiet_default_error_handler
from newsdb.site.serving import SETTINGS
from newsdb.store.registry import TABLES


def answers_through_the_wrapper(results: list) -> list:
    """What Datasette receives from handle_exception when the hooks returned `results`."""
    wrapper = quiet_default_error_handler(None, None, None)
    next(wrapper)
    with pytest.raises(StopIteration) as stop:
        wrapper.send(results)
    return stop.value.value


def handler_from(module: str):
    async def inner():
        return None
    inner.__module__ = module
    return inner


def test_only_datasettes_own_printing_handler_is_dropped():
    ours, other = handler_from("newsdb.site.plugin"), handler_from("some_plugin")
    default = handler_from("datasette.handle_exception")
    assert answers_through_the_wrapper([other, ours, default]) == [other, ours]
    # Alone, Datasette's handler still answers.
    assert answers_through_the_wrapper([default]) == [default]


@pytest.fixture(scope="module")
def cors_site(built_db):
    return Datasette(immutables=[str(built_db)], settings=SETTINGS, cors=True)


@pytest.mark.parametrize("path, status", [("/news/no_such_table", 404),
                                          ("/news/no_such_table.json", 404),
                                          ("/news/events.json?_sort=no_such", 500)])
async def test_errors_keep_datasettes_cors_headers(cors_site, path, status):
    response = await cors_site.client.get(path)
    assert response.status_code == status
    assert response.headers["access-control-allow-origin"] == "*"
    if path.split("?")[0].endswith(".json"):
        assert response.json()["ok"] is False
    else:
        assert "news.css" in response.text  # the site's page, not a bare one


async def test_a_server_error_is_logged_on_one_line(cors_site, caplog):
    await cors_site.client.get("/news/events.json?_sort=no_such")
    lines = [r.getMessage() for r in caplog.records if r.name == "newsdb"]
    assert len(lines) == 1 and "\n" not in lines[0]
    assert lines[0].startswith("500 /news/events.json")


async def test_row_labels_are_cached_by_database_file_and_bounded(served_site, monkeypatch):
    monkeypatch.setattr(web, "LABEL_CACHE_SIZE", 3)
    web.LABELS.clear()
    response = await served_site.client.get("/news/event_participants")
    assert response.status_code == 200
    path = served_site.get_database("news").path
    assert 0 < len(web.LABELS) <= 3
    assert all(key[0] == path for key in web.LABELS)
    assert not any(key.startswith("_news") for key in vars(served_site))


def test_per_table_templates_for_every_registry_table_only():
    templates = web.table_templates()
    for table in TABLES:
        for kind in ("table", "_table", "row"):
            assert f"{kind}-news-{table.name}.html" in templates
    assert len(templates) == 3 * len(TABLES)


async def test_other_databases_keep_datasettes_table_page(built_db, tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("create table events (id text primary key, title text)")
    conn.execute("insert into events values ('a', 'b')")
    conn.commit()
    conn.close()
    site = Datasette([str(built_db), str(other)])
    html = (await site.client.get("/other/events")).text
    assert "column-descriptions-toggle" not in html and "lean" not in html
    assert "<title>other: events:" in html


def test_deep_copies_of_the_site_share_columns_and_facets_only():
    """Datasette 0.65.5 deep-copies every table's metadata at each permission check: the
    column descriptions and facets are shared, the settings above them are copied."""
    import copy

    from newsdb.site.compat import shared_table_settings

    site = shared_table_settings({"databases": {"news": {"tables": {"events": {
        "columns": {"id": "The id."}, "facets": [{"counted": "kind"}], "sort": "id"}}}}})
    copied = copy.deepcopy(site)
    table, copied_table = (s["databases"]["news"]["tables"]["events"] for s in (site, copied))
    assert copied == site
    assert copied_table is not table
    assert copied_table["columns"] is table["columns"]
    assert copied_table["facets"] is table["facets"]
    assert json.loads(json.dumps(site)) == copied
