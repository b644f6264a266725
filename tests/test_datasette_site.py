"""The site as users meet it, through Datasette in-process as served (the one factory):
derived tables, canned queries, facets, CSV downloads, and refusal of anything that
writes."""
from __future__ import annotations

import csv
import io

import pytest

from contract import checkout_site  # noqa: E402
from newsdb.store.registry import DERIVED_TABLES, TABLES
from newsdb.site.metadata import site_metadata

QUERIES = checkout_site()["databases"]["news"]["queries"]
VIEWS = [table.name for table in DERIVED_TABLES]
# Example input for every parameterised canned query; a new one needs an entry here.
QUERY_PARAMS = {
    "programme_on_day": {"day": "2014-12-20"},
    "about_entity": {"who": "Xiaomi"},
    "statistics_by_category": {"category": "trade"},
    "search": {"q": "Xiaomi"},
    "fact_claims": {"fact": "Lei Jun"},
}
# Facets the issue asks for on each main table.
EXPECTED_FACETS = {
    "events": {"start_date", "place_id", "kind", "date_basis"},
    "statistics": {"country", "category", "unit", "period"},
    "organizations": {"country", "kind"},
    "mous": {"status"},
}


@pytest.fixture(scope="session")
def site(served_site):
    return served_site


def query_params(name: str) -> dict:
    wanted = set(QUERIES[name].get("params", []))
    assert wanted == set(QUERY_PARAMS.get(name, {})), f"give example params for {name}"
    return QUERY_PARAMS.get(name, {})


def test_at_least_eight_canned_queries_with_title_and_description():
    assert len(QUERIES) >= 8
    for name, query in QUERIES.items():
        assert query.get("title") and query.get("description"), name
        assert "write" not in query, name


@pytest.mark.parametrize("name", sorted(QUERIES))
async def test_canned_query_answers_with_rows(site, name):
    response = await site.client.get(f"/news/{name}.json",
                                     params={**query_params(name), "_shape": "objects"})
    assert response.status_code == 200, response.text
    assert response.json()["rows"], f"{name} returned no rows"


@pytest.mark.parametrize("name", sorted(name for name in QUERIES if QUERIES[name].get("params")))
async def test_canned_query_with_empty_input_answers_without_error(site, name):
    empty = {param: "" for param in QUERIES[name]["params"]}
    response = await site.client.get(f"/news/{name}.json", params=empty)
    assert response.status_code == 200, response.text
    # the query ran (its columns are named) rather than answering an error page
    data = response.json()
    assert data["ok"] is not False and data["columns"] and isinstance(data["rows"], list)


async def test_search_with_empty_or_blank_input_returns_nothing(site):
    for q in ("", "   "):
        response = await site.client.get("/news/search.json", params={"q": q})
        assert response.status_code == 200
        assert response.json()["rows"] == []


async def test_search_finds_korean_text(site):
    response = await site.client.get("/news/search.json",
                                     params={"q": "샤오미", "_shape": "objects"})
    tables = {row["table_name"] for row in response.json()["rows"]}
    assert {"organizations", "sentences"} <= tables


@pytest.mark.parametrize("view", sorted(VIEWS))
async def test_view_answers_with_rows(site, view):
    response = await site.client.get(f"/news/{view}.json")
    assert response.status_code == 200, response.text
    assert response.json()["rows"], f"{view} returned no rows"


async def test_views_work_under_plain_datasette(plain_site):
    plain = plain_site
    for view in VIEWS:
        response = await plain.client.get(f"/news/{view}.json")
        assert response.status_code == 200 and response.json()["rows"], view


async def test_itinerary_has_coordinates_and_participants_by_name(site):
    response = await site.client.get("/news/itinerary.json",
                                     params={"_shape": "objects", "_size": "max"})
    rows = response.json()["rows"]
    assert all(row["latitude"] is not None and row["longitude"] is not None for row in rows)
    meeting = next(row for row in rows if row["event_id"] == "xiaomi-ceo-meeting-2014")
    assert "Lei Jun (레이쥔) — counterpart" in meeting["participants"]
    assert [row["sequence"] for row in rows] == sorted(row["sequence"] for row in rows)


async def test_korea_china_comparison_pairs_figures_and_recomputes(site):
    response = await site.client.get("/news/korea_china_comparison.json",
                                     params={"_shape": "objects"})
    for row in response.json()["rows"]:
        assert row["recomputed_ratio"] == pytest.approx(row["cn_value"] / row["kr_value"], rel=1e-4)
        assert round(row["recomputed_ratio"], 1) == row["article_ratio"]


async def test_facts_with_evidence_covers_every_fact_row(site, built_db):
    import sqlite_utils
    db = sqlite_utils.Database(built_db)
    expected = sum(db[name].count for name in ("events", "statistics", "mous", "policies", "notes"))
    response = await site.client.get("/news/facts_with_evidence.json",
                                     params={"_size": "max", "_shape": "objects"})
    rows = response.json()["rows"]
    assert len(rows) == expected
    for row in rows:
        if row["sentence_id"]:
            assert row["quote"] is None or row["quote"] in row["sentence_ko"]


@pytest.mark.parametrize("table, facets", sorted(EXPECTED_FACETS.items()))
async def test_default_facets_appear(site, table, facets):
    response = await site.client.get(f"/news/{table}.json", params={"_extra": "facet_results"})
    assert response.status_code == 200
    shown = set(response.json()["facet_results"])
    assert facets <= shown


@pytest.mark.parametrize("table", [table.name for table in TABLES if table.public])
async def test_table_csv_with_labels_has_every_row(site, built_db, table):
    import sqlite_utils
    expected = sqlite_utils.Database(built_db)[table].count
    response = await site.client.get(f"/news/{table}.csv",
                                     params={"_labels": "on", "_size": "max"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == expected


async def test_csv_keeps_korean_text_and_expands_labels(site):
    response = await site.client.get("/news/events.csv", params={"_labels": "on", "_size": "max"})
    assert response.headers["content-type"].startswith("text/plain; charset=utf-8") or \
        response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    meeting = next(row for row in rows if row["id"] == "korea-china-st-ministerial-meeting-2014")
    assert meeting["title_ko"] == "한‧중 과학기술장관회의"
    assert meeting["place_id_label"] == "Beijing (북경)"


@pytest.mark.parametrize("path", [f"/news/{view}.csv" for view in sorted(VIEWS)]
                         + [f"/news/{name}.csv" for name in sorted(QUERIES)])
async def test_views_and_canned_queries_download_as_csv(site, path):
    name = path.rsplit("/", 1)[1].removesuffix(".csv")
    params = QUERY_PARAMS.get(name, {})
    response = await site.client.get(path, params={**params, "_labels": "on", "_size": "max"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows


@pytest.mark.parametrize("sql", [
    "insert into notes (id) values ('x')",
    "update events set title = 'x'",
    "delete from events",
    "drop table events",
    "attach database ':memory:' as other",
    "create table x (id integer)",
    "pragma writable_schema = 1",
])
async def test_ad_hoc_writes_are_refused(site, built_db, sql):
    before = built_db.read_bytes()
    response = await site.client.get("/news.json", params={"sql": sql})
    assert response.status_code == 400, response.text
    assert response.json()["ok"] is False
    assert built_db.read_bytes() == before
