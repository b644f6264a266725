"""The public site cannot be changed or broken through its URLs.

The server is built by the factory `newsdb serve` uses (newsdb.site.serving.make_datasette:
immutable file, inspect data, SETTINGS, the installed plugin), on a database whose text
fields carry HTML and script.
"""
from __future__ import annotations

import asyncio
import hashlib
import shutil
from pathlib import Path

import pytest
from datasette.app import Datasette

from newsdb.store.build import build
from newsdb.store.finishers import FINISHERS
from newsdb.site.serving import SETTINGS, make_datasette, write_inspect

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_ID = "2014-12-17-msip-minister-china-visit"
PAYLOAD = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;"
RAW_MARKERS = ("<script>alert(", "<img src=x")

# (file, line to replace): each English text becomes the payload.
HOSTILE_TEXT = [
    ("registry/people.yml", "  name_en: Wan Gang"),
    ("registry/organizations.yml", "  name_en: Ministry of Science, ICT and Future Planning"),
    ("registry/places.yml", "  name_en: Beijing"),
    (f"articles/{ARTICLE_ID}.yml", "  title_en: \"MSIP minister to meet Xiaomi's CEO: why?\""),
    (f"articles/{ARTICLE_ID}.yml", "    title_en: Shanghai leg of the visit"),
    (f"articles/{ARTICLE_ID}.yml", "    indicator_en: Full-time R&D personnel"),
]
# Pages that show one of those texts (as a value, a label or a facet).
HOSTILE_PAGES = [
    "/news/people", "/news/people/wan-gang",
    "/news/organizations", "/news/organizations/msip",
    "/news/places", "/news/places/beijing",
    "/news/articles", f"/news/articles/{ARTICLE_ID}",
    "/news/events", "/news/events/shanghai-leg-2014",
    "/news/statistics", "/news/statistics/cn-full-time-rd-personnel-2012",
    "/news/event_participants?event_id=korea-china-st-ministerial-meeting-2014",
    "/news/events?_facet=place_id",
    "/news/people?_facet=organization_id",
    "/news?sql=select+name+from+people",
]

CANNED = {
    "person_by_name": {"sql": "select id, name_ko from people where name_ko = :name"},
    "add_person": {"sql": "insert into people (id, name, name_ko) values (:id, :id, :id)",
                   "write": True},
}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    sources = folder / "sources"
    shutil.copytree(ROOT / "sources", sources)
    for file, line in HOSTILE_TEXT:
        path = sources / file
        text = path.read_text(encoding="utf-8")
        assert text.count(line + "\n") == 1, line
        key = line.split(":")[0]
        quoted = "'" + PAYLOAD.replace("'", "''") + "'"
        path.write_text(text.replace(line + "\n", f"{key}: {quoted}\n"), encoding="utf-8")
    output = folder / "news.db"
    counts, problems = build(sources, output, FINISHERS)
    assert counts is not None, [str(p) for p in problems.items]
    return output


def people_count(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(f"file:{db}?immutable=1", uri=True) as conn:
        return conn.execute("select count(*) from people").fetchone()[0]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def served_hash(hostile_db) -> str:
    return sha256(hostile_db)


@pytest.fixture(scope="module")
def hostile_inspect(hostile_db) -> Path:
    # `datasette inspect` once: a subprocess of over a second, the same for every test.
    return write_inspect(hostile_db)


@pytest.fixture
def datasette(hostile_db, hostile_inspect, served_hash):
    ds = make_datasette(hostile_db, hostile_inspect,
                        metadata={"databases": {"news": {"queries": CANNED}}})
    yield ds
    assert sha256(hostile_db) == served_hash


async def sql(ds: Datasette, query: str):
    response = await asyncio.wait_for(
        ds.client.get("/news.json", params={"sql": query, "_shape": "objects"}), timeout=60)
    return response.status_code, response.json()


REFUSED_SQL = [
    "insert into people (id, name, name_ko) values ('x', 'x', 'x')",
    "update people set name = 'x'",
    "delete from people",
    "replace into people (id, name, name_ko) values ('x', 'x', 'x')",
    "drop table people",
    "create table t (x)",
    "create temp table t (x)",
    "alter table people add column x",
    "with x as (select 1) delete from people",
    "with x as (select 1) insert into people (id, name, name_ko) values ('x', 'x', 'x')",
    "select 1; drop table people",
    "attach database '/tmp/newsdb-attack.db' as attack",
    "detach database main",
    "pragma writable_schema = 1",
    "pragma journal_mode = wal",
    "pragma query_only = 0",
    "select * from pragma_user_version(5)",
    "select * from pragma_journal_mode('wal')",
    "vacuum",
    "vacuum into '/tmp/newsdb-copy.db'",
    "reindex",
    "analyze",
    "begin immediate",
    "savepoint s",
    "select load_extension('/tmp/x')",
    "select fts3_tokenizer('simple')",
    "select fts3_tokenizer('simple', x'4141414141414141')",
    "select readfile('/etc/passwd')",
    "select writefile('/tmp/newsdb-attack', 'x')",
]


@pytest.mark.parametrize("query", REFUSED_SQL)
async def test_dangerous_sql_is_refused(datasette, query):
    status, body = await sql(datasette, query)
    assert status == 400
    assert body["ok"] is False
    assert body["error"]
    assert not Path("/tmp/newsdb-attack.db").exists()
    assert not Path("/tmp/newsdb-copy.db").exists()


@pytest.mark.parametrize("query", [
    "select randomblob(1000000000)",
    "select zeroblob(2000000000)",
    "select length(replace(hex(zeroblob(400000)), '0', '0123456789'))",
])
async def test_huge_values_are_refused_at_once(datasette, query):
    # One step of SQLite's virtual machine builds the whole value, so the time limit
    # cannot stop it; the value size limit of plugins/hardening.py does.
    status, body = await sql(datasette, query)
    assert (status, body["error"]) == (400, "string or blob too big")


async def test_a_runaway_query_is_stopped_by_the_time_limit(datasette, hostile_db):
    status, body = await sql(datasette, "with recursive c(x) as (select 1 union all "
                                        "select x + 1 from c) select count(*) from c")
    assert status == 400
    assert "SQL query took too long" in body["error"]
    assert "sql_time_limit_ms" in body["error"]
    status, body = await sql(datasette, "select count(*) as n from people")
    assert (status, body["rows"]) == (200, [{"n": people_count(hostile_db)}])


async def test_reading_still_works(datasette):
    status, body = await sql(datasette, "select id from people where id = 'choi-yang-hee'")
    assert (status, body["rows"]) == (200, [{"id": "choi-yang-hee"}])
    status, body = await sql(datasette, "select length(body_ko) > 1000 as long from articles")
    assert (status, body["rows"]) == (200, [{"long": 1}])


@pytest.mark.parametrize("value", [
    "' OR 1=1 --",
    "최양희' OR '1'='1",
    "x'; drop table people; --",
    "x' union select id, name from organizations --",
    "\" OR \"\"=\"",
])
async def test_canned_query_parameters_cannot_inject_sql(datasette, value):
    response = await datasette.client.get(
        "/news/person_by_name.json", params={"name": value, "_shape": "objects"})
    assert response.status_code == 200
    body = response.json()
    assert body["rows"] == []
    assert body["query"]["params"] == {"name": value}


async def test_canned_query_parameter_is_a_value(datasette):
    response = await datasette.client.get(
        "/news/person_by_name.json", params={"name": "최양희", "_shape": "objects"})
    assert response.json()["rows"] == [{"id": "choi-yang-hee", "name_ko": "최양희"}]


async def test_a_writing_canned_query_is_refused_on_the_immutable_file(datasette, hostile_db):
    response = await datasette.client.post("/news/add_person", data={"id": "intruder"})
    assert response.status_code == 403
    page = await datasette.client.get("/news/add_person")
    assert "the database is immutable" in page.text
    status, body = await sql(datasette, "select count(*) as n from people")
    assert body["rows"] == [{"n": people_count(hostile_db)}]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
async def test_html_in_text_fields_is_shown_escaped(datasette, path):
    response = await datasette.client.get(path)
    assert response.status_code == 200
    assert ESCAPED in response.text
    for marker in RAW_MARKERS:
        assert marker not in response.text


async def test_no_page_of_any_table_or_view_shows_raw_html(datasette):
    db = datasette.get_database("news")
    for table in await db.table_names() + await db.view_names():
        response = await datasette.client.get(f"/news/{table}")
        assert response.status_code == 200, table
        for marker in RAW_MARKERS:
            assert marker not in response.text, table


async def test_the_served_site_has_the_settings_and_the_plugin(hostile_db):
    ds = make_datasette(hostile_db)
    settings = (await ds.client.get("/-/settings.json")).json()
    assert {key: settings[key] for key in SETTINGS} == SETTINGS
    plugins = (await ds.client.get("/-/plugins.json")).json()
    # the project's plugin, loaded from its distribution's entry point
    assert "news-db" in {plugin["name"] for plugin in plugins}
    assert ds.databases["news"].is_mutable is False


async def test_extra_metadata_does_not_change_the_site_of_other_instances(datasette,
                                                                          hostile_db):
    # The fixture's instance adds two canned queries; a second instance must not see them.
    other = make_datasette(hostile_db)
    assert (await other.client.get("/news/add_person")).status_code == 404
    assert (await datasette.client.get("/news/person_by_name")).status_code == 200


async def test_errors_are_answered_without_a_traceback(datasette, capsys, caplog):
    """Datasette's default handler printed every error with rich and every frame's local
    variables (seconds each under load); the plugin answers errors itself."""
    assert (await datasette.client.get("/news/no_such_table")).status_code == 404
    response = await datasette.client.get("/news/events.json", params={"_sort": "no_such"})
    assert response.status_code == 500
    assert response.json()["error"] == "Cannot sort table by no_such"
    printed = capsys.readouterr()
    assert "Traceback" not in printed.err + printed.out
    assert "╭" not in printed.err + printed.out
