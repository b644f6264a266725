"""newsdb/site/facets.py and the counts the build stores (newsdb/store/derived.py): a
table page of a whole table, or of the rows with one value of one default facet, reads
its default facets from `facet_counts` and `facet_counts_filtered`, and shows exactly
what Datasette's column facet counts; any other page counts its own rows."""
from __future__ import annotations

import shutil
import sqlite3
from urllib.parse import quote

import pytest
from datasette.database import QueryInterrupted

from newsdb.site import facets
from newsdb.site.serving import make_datasette
from newsdb.store.registry import SEARCHED_TABLES, TABLES, TABLES_BY_NAME

FACETED = [(table.name, column) for table in TABLES if table.public for column in table.facets]
FACETED_TABLES = [table for table in TABLES if table.public and table.facets]
# (table, the facet a page is filtered by, a facet of that page)
CROSSED = [(table.name, filter, column) for table in TABLES if table.public
           for filter in table.facets for column in table.facets if len(table.facets) > 1]


def comparable(result: dict) -> dict:
    # The two differ only in what the reader may remove: a default facet stays.
    return {key: value for key, value in result.items() if key not in ("hideable", "toggle_url")}


def asking_for_every_facet(table) -> str:
    """The query string that asks again for each default facet of `table`."""
    return "".join(f"&_facet={column}" for column in table.facets)


def asked_and_default(results: dict, column: str) -> tuple[dict, dict]:
    """The facet of `column` asked for in ?_facet= (Datasette's column facet) and the
    page's default one (the plugin's): Datasette shows both, the second as `column_2`.
    The default facet cannot be removed; the one asked for in the URL can."""
    asked, default = sorted([results[column], results[f"{column}_2"]],
                            key=lambda result: not result["hideable"])
    assert default["hideable"] is False and asked["hideable"] is True
    return asked, default


def test_every_default_facet_is_counted_at_build(built_db):
    conn = sqlite3.connect(built_db)
    for table, column in FACETED:
        stored = conn.execute("select value, count from facet_counts where table_name = ? "
                              "and facet = ? order by position", [table, column]).fetchall()
        counted = conn.execute(f"select cast([{column}] as text), count(*) as n from [{table}] "
                               f"where [{column}] is not null group by [{column}] "
                               f"order by n desc, [{column}]").fetchall()
        assert stored == counted, (table, column)


@pytest.mark.asyncio
@pytest.mark.parametrize("size", ["", "&_facet_size=2", "&_facet_size=max"])
@pytest.mark.parametrize("table", FACETED_TABLES, ids=lambda table: table.name)
async def test_stored_facet_is_the_column_facet(served_site, table, size):
    """Each default facet of the page (stored) beside the same facet asked for in the
    URL (Datasette's column facet, counted live): the same values, labels, counts and
    links."""
    response = await served_site.client.get(
        f"/news/{table.name}.json?{asking_for_every_facet(table)}{size}")
    for column in table.facets:
        live, stored = asked_and_default(response.json()["facet_results"], column)
        assert stored["type"] == live["type"] == "column"
        assert comparable(stored) == comparable(live), column


def most_common_values(db, table: str, column: str, count: int = 2) -> list[str]:
    conn = sqlite3.connect(db)
    return [value for (value,) in conn.execute(
        "select value from facet_counts where table_name = ? and facet = ? "
        "order by position limit ?", [table, column, count])]


def test_every_pair_of_default_facets_is_counted_at_build(built_db):
    conn = sqlite3.connect(built_db)
    for table, filter, column in CROSSED:
        if filter == column:
            continue
        for value in most_common_values(built_db, table, filter):
            stored = conn.execute(
                "select value, count from facet_counts_filtered where table_name = ? and "
                "filter = ? and filter_value = ? and facet = ? order by position",
                [table, filter, value, column]).fetchall()
            counted = conn.execute(
                f"select cast([{column}] as text), count(*) as n from [{table}] "
                f"where cast([{filter}] as text) = ? and [{column}] is not null "
                f"group by [{column}] order by n desc, [{column}] limit 31",
                [value]).fetchall()
            assert stored == counted, (table, filter, value, column)


@pytest.mark.asyncio
@pytest.mark.parametrize("exact,size", [("", ""), ("", "&_facet_size=2"), ("__exact", "")])
@pytest.mark.parametrize("table,filter", [(table, filter) for table in FACETED_TABLES
                                          if len(table.facets) > 1 for filter in table.facets],
                         ids=lambda value: getattr(value, "name", value))
async def test_stored_facet_of_a_filtered_page_is_the_column_facet(served_site, built_db, table,
                                                                   filter, exact, size):
    """A page filtered by one of the two most common values of a default facet
    (?column= or ?column__exact=, which Datasette's lines show as selected or not): its
    stored facets (the filtered column's own among them) are Datasette's."""
    for value in most_common_values(built_db, table.name, filter):
        response = await served_site.client.get(
            f"/news/{table.name}.json?{filter}{exact}={quote(value)}"
            f"{asking_for_every_facet(table)}{size}")
        for column in table.facets:
            live, stored = asked_and_default(response.json()["facet_results"], column)
            assert comparable(stored) == comparable(live), (filter, value, column)


@pytest.fixture
def altered_db(built_db, tmp_path):
    """A copy whose stored count of claims about events is 1,000,000, and of those
    given after the event 2,000,000."""
    path = tmp_path / "news.db"
    shutil.copy(built_db, path)
    with sqlite3.connect(path) as conn:
        conn.execute("update facet_counts set count = 1000000 where table_name = 'claims' "
                     "and facet = 'about_table' and value = 'events'")
        conn.execute("update facet_counts_filtered set count = 2000000 where table_name = "
                     "'claims' and filter = 'tense' and filter_value = 'after' and "
                     "facet = 'about_table' and value = 'events'")
    return path


def about_table_counts(response) -> dict:
    return {value["value"]: value["count"]
            for value in response.json()["facet_results"]["about_table"]["results"]}


@pytest.mark.asyncio
async def test_whole_and_one_value_pages_read_stored_counts_and_other_pages_count(altered_db):
    site = make_datasette(altered_db)
    whole = about_table_counts(await site.client.get("/news/claims.json"))
    assert whole["events"] == 1000000
    one_value = about_table_counts(await site.client.get("/news/claims.json?tense=after"))
    assert one_value["events"] == 2000000
    filtered = about_table_counts(await site.client.get(
        "/news/claims.json?tense=after&hedged=0"))
    conn = sqlite3.connect(altered_db)
    (events_after,) = conn.execute("select count(*) from claims where tense = 'after' and "
                                   "hedged = 0 and about_table = 'events'").fetchone()
    assert filtered["events"] == events_after > 0
    exact = about_table_counts(await site.client.get("/news/claims.json?tense__exact=after"))
    assert exact["events"] == 2000000  # the same rows
    searched = await site.client.get("/news/events.json?_search=" + "중국")
    assert searched.json()["facet_results"]["kind"]["results"]


@pytest.mark.asyncio
async def test_more_values_than_kept_are_counted_live(altered_db, monkeypatch):
    monkeypatch.setattr(facets, "FACET_VALUES_KEPT", 3)
    site = make_datasette(altered_db)
    kept = about_table_counts(await site.client.get("/news/claims.json?_facet_size=2"))
    assert kept["events"] == 1000000
    live = about_table_counts(await site.client.get("/news/claims.json?_facet_size=3"))
    assert live["events"] < 1000000


@pytest.mark.asyncio
async def test_a_database_without_stored_counts_counts_live(built_db, tmp_path):
    path = tmp_path / "news.db"
    shutil.copy(built_db, path)
    with sqlite3.connect(path) as conn:
        conn.execute("drop table facet_counts")  # a database built before it
    site = make_datasette(path)
    conn = sqlite3.connect(path)
    expected = dict(conn.execute("select about_table, count(*) from claims group by 1"))
    assert about_table_counts(await site.client.get("/news/claims.json")) == expected


SEARCHED = {table.name for table in SEARCHED_TABLES}
# Pages the build's counts do not answer: a search, a filter on the key, two facet values.
COUNTED_PAGES = [(table.name, page) for table in TABLES
                 if table.public and len(table.facets) > 1 and len(table.pk_columns) == 1
                 for page in (["search"] if table.name in SEARCHED else []) + ["key", "two"]]


def page_query(db, table: str, page: str) -> str:
    spec = TABLES_BY_NAME[table]
    if page == "search":
        return f"_search={quote('중국')}"
    if page == "key":
        return f"{spec.pk_columns[0]}__not=none"
    first, second = spec.facets[:2]
    conn = sqlite3.connect(db)
    value, other = conn.execute(f"select cast([{first}] as text), cast([{second}] as text) "
                                f"from [{table}] where [{first}] is not null and "
                                f"[{second}] is not null limit 1").fetchone()
    return f"{first}={quote(value)}&{second}={quote(other)}"


@pytest.mark.asyncio
@pytest.mark.parametrize("size", ["", "&_facet_size=2"])
@pytest.mark.parametrize("table,page", COUNTED_PAGES)
async def test_facets_counted_in_one_pass_are_the_column_facets(served_site, built_db, table,
                                                                page, size, monkeypatch):
    passes = []
    one_pass = facets.CountedFacet.one_pass_results

    async def counted(self):
        found = await one_pass(self)
        passes.append(found is not None)
        return found

    monkeypatch.setattr(facets.CountedFacet, "one_pass_results", counted)
    spec = TABLES_BY_NAME[table]
    query = page_query(built_db, table, page)
    results = (await served_site.client.get(
        f"/news/{table}.json?{query}{asking_for_every_facet(spec)}{size}")).json()[
        "facet_results"]
    assert passes == [True]
    for column in spec.facets:
        live, counted_once = asked_and_default(results, column)
        assert comparable(counted_once) == comparable(live), column


@pytest.mark.asyncio
async def test_facets_past_their_time_limit_together_are_reported_timed_out(served_site,
                                                                             monkeypatch):
    """The one query of a page's facets gets the facets' time limits together; past it,
    every facet is reported as timed out rather than counted again one by one."""
    execute = served_site.execute

    async def interrupted(database, sql, *args, **kwargs):
        if "with page as materialized" in sql:
            raise QueryInterrupted(None, sql, None)
        return await execute(database, sql, *args, **kwargs)

    monkeypatch.setattr(served_site, "execute", interrupted)
    path = f"/news/events?_search={quote('중국')}"
    assert (await served_site.client.get(path.replace("?", ".json?"))).json()[
        "facet_results"] == {}
    page = (await served_site.client.get(path)).text
    facets_of_events = TABLES_BY_NAME["events"].facets
    assert f"These facets timed out: {', '.join(facets_of_events)}" in page
