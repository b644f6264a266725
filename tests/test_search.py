"""Korean-aware full-text search: `?_search=` on every searched table and the `search`
canned query, both reading the one index `search_index`, and a build that stays offline
and byte-for-byte reproducible."""
from __future__ import annotations

import hashlib
import socket
import sqlite3
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette
from datasette.utils import escape_fts

import build_db
from contract import checkout_site  # noqa: E402
from newsdb.korean.analyser import SEARCH_INDEX, analyser_for, fts_query, registry_names
from newsdb.store.registry import (ROWID_BLOCK, SEARCHED_TABLES, TABLES, TABLES_BY_NAME, default_registry,
                                   first_rowid)
from newsdb.site.serving import make_datasette, write_inspect
from newsdb.site.metadata import search_sql as site_search_sql, site_metadata

ROOT = Path(__file__).resolve().parent.parent
QUERIES = yaml.safe_load((ROOT / "benchmarks" / "search_queries.yml").read_text("utf-8"))
# Table -> its searched columns, from the registry (newsdb/store/tables.yml).
SEARCH_COLUMNS = {table.name: table.search for table in SEARCHED_TABLES}


def search_sql(table: str) -> str:
    """The ids `?_search=` shows on a table page (newsdb/site/table_search.py), for an already
    escaped expression."""
    first = first_rowid(TABLES_BY_NAME[table])
    return (f'select id from "{table}" where rowid in '
            f'(select rowid from {SEARCH_INDEX} where {SEARCH_INDEX} match ? '
            f'and rowid between {first} and {first + ROWID_BLOCK - 1})')


@pytest.fixture(scope="module")
def inspect_file(built_db) -> Path:
    return write_inspect(built_db)


@pytest.fixture
def search_datasette(built_db, inspect_file) -> Datasette:
    """Datasette exactly as served: the immutable file, its inspect data, the settings;
    the plugin (Korean query analysis) comes from the installed package's entry point."""
    return make_datasette(built_db, inspect_file)


async def search(ds: Datasette, table: str, query: str) -> list[dict]:
    response = await ds.client.get(f"/news/{table}.json",
                                   params={"_search": query, "_shape": "array"})
    assert response.status_code == 200, response.text
    return response.json()


def query_id(query: dict) -> str:
    return f"{query['table']}:{query['query']}"


@pytest.mark.parametrize("query", QUERIES, ids=query_id)
async def test_search_finds_expected_rows_and_no_others(search_datasette, query):
    found = {row["id"] for row in await search(search_datasette, query["table"],
                                               query["query"])}
    expected = set(query["expected"])
    assert expected - set(query.get("known_miss", [])) <= found
    assert found <= expected


def test_query_table_is_large_and_covers_every_kind_of_query():
    assert len(QUERIES) >= 40
    kinds = " ".join(query["kind"] for query in QUERIES)
    for kind in ("particle", "compound", "two-syllable", "name", "English", "number",
                 "verb"):
        assert kind in kinds
    assert {query["table"] for query in QUERIES} == set(SEARCH_COLUMNS)


def mentions_china(row: dict, table: str) -> bool:
    text = " ".join(str(row[column]) for column in SEARCH_COLUMNS[table] if row[column])
    return any(word in text for word in ("중국", "China", "中"))


@pytest.mark.parametrize("table", SEARCH_COLUMNS)
async def test_china_finds_only_rows_that_mention_china(search_datasette, table):
    rows = await search(search_datasette, table, "중국")
    assert all(mentions_china(row, table) for row in rows), [row["id"] for row in rows]


@pytest.mark.parametrize("table", SEARCH_COLUMNS)
async def test_table_search_finds_only_that_tables_rows(search_datasette, built_db, table):
    """One index holds every table's rows: a table's `?_search=` must show its own rows
    only, every one of those the index finds for it (rowids lie in blocks per table)."""
    conn = sqlite3.connect(built_db)
    indexed = {row_id for row_id, in conn.execute(
        f"select row_id from {SEARCH_INDEX} where {SEARCH_INDEX} match ? and table_name = ?",
        [fts_query("중국", analyser_for(registry_names(conn))), table])}
    found = {row["id"] for row in await search(search_datasette, table, "중국")}
    assert found == indexed


@pytest.mark.parametrize("table, word, inflected", [
    ("events", "샤오미", "샤오미의"),
    ("sentences", "협력", "협력을"),
    ("sentences", "칭화홀딩스", "칭화홀딩스를"),
    ("sentences", "만나", "만난다"),
])
async def test_words_typed_with_particles_find_the_same_rows(search_datasette, table, word,
                                                            inflected):
    plain = {row["id"] for row in await search(search_datasette, table, word)}
    assert plain
    assert {row["id"] for row in await search(search_datasette, table, inflected)} == plain


def uninflected(query: dict, analyser) -> bool:
    return all(analyser.query_terms(word) == [word] for word in query["query"].split())


def test_plain_datasette_search_finds_uninflected_words(built_db):
    """Without the plugin Datasette escapes the query itself; the index's analysis
    column still holds the nouns, names and numbers the article inflects or compounds."""
    conn = sqlite3.connect(built_db)
    analyser = analyser_for(registry_names(conn))
    checked = 0
    for query in QUERIES:
        if not uninflected(query, analyser):
            continue
        found = {row[0] for row in conn.execute(search_sql(query["table"]),
                                                 [escape_fts(query["query"])])}
        assert set(query["expected"]) - set(query.get("known_miss", [])) <= found, query
        checked += 1
    assert checked >= 40


async def test_every_searched_table_reads_its_own_rows_of_the_one_index(search_datasette):
    """`?_search=` asks the index for the table's block of rowids alone: FTS5 then reads
    only that table's matches, not every table's (newsdb/site/table_search.py)."""
    tables = checkout_site()["databases"]["news"]["tables"]
    for table in TABLES:
        assert "fts_table" not in tables[table.name]  # not Datasette's own search filter
        response = await search_datasette.client.get(
            f"/news/{table.name}.json", params={"_search": "중국", "_size": "1"})
        assert response.status_code == 200, response.text
        sql = response.json()["query"]["sql"]
        if table.search:
            first = first_rowid(table)
            assert (f"select rowid from {SEARCH_INDEX} where [{SEARCH_INDEX}] match "
                    f"news_fts(:search) and rowid between {first} and "
                    f"{first + ROWID_BLOCK - 1})") in sql
        else:
            assert SEARCH_INDEX not in sql


async def test_search_one_column_of_the_index_and_raw_mode(search_datasette):
    both = await search(search_datasette, "sentences", "샤오미")
    assert both
    text = (await search_datasette.client.get("/news/sentences.json", params={
        "_search_text": "샤오미", "_shape": "array"})).json()
    assert text and {row["id"] for row in text} <= {row["id"] for row in both}
    raw = (await search_datasette.client.get("/news/sentences.json", params={
        "_search": '"샤오미"', "_searchmode": "raw", "_shape": "array"})).json()
    assert raw
    bad = await search_datasette.client.get("/news/sentences.json",
                                            params={"_search_label": "x"})
    assert bad.status_code == 400


def test_the_one_index_is_the_only_full_text_table(built_db):
    conn = sqlite3.connect(built_db)
    virtual = [name for name, in conn.execute(
        "select name from sqlite_master where sql like 'CREATE VIRTUAL TABLE%'")]
    assert virtual == [SEARCH_INDEX]
    assert not [name for name, in conn.execute("select name from sqlite_master")
                if name.endswith("_fts")]


def test_index_rows_are_their_tables_rows(built_db):
    """Each searched row is one index row under the row's own rowid, in its table's block
    of rowids, with its id, and nothing else is indexed."""
    conn = sqlite3.connect(built_db)
    total = 0
    for table in SEARCHED_TABLES:
        start = first_rowid(table)
        count = conn.execute(f"select count(*) from [{table.name}]").fetchone()[0]
        assert count
        low, high = conn.execute(f"select min(rowid), max(rowid) from [{table.name}]"
                                 ).fetchone()
        assert start <= low and high < start + (1 << 32)
        matched = conn.execute(
            f"select count(*) from {SEARCH_INDEX} s join [{table.name}] t "
            f"on t.rowid = s.rowid and t.id = s.row_id where s.table_name = ?",
            [table.name]).fetchone()[0]
        assert matched == count, table.name
        total += count
    assert conn.execute(f"select count(*) from {SEARCH_INDEX}").fetchone()[0] == total


def test_index_text_is_the_searched_columns(built_db):
    conn = sqlite3.connect(built_db)
    conn.row_factory = sqlite3.Row
    for table in SEARCHED_TABLES:
        row = conn.execute(f"select rowid, * from [{table.name}] order by rowid limit 1"
                           ).fetchone()
        text, label = conn.execute(f"select text, label from {SEARCH_INDEX} where rowid = ?",
                                   [row["rowid"]]).fetchone()
        for column in table.search:
            if row[column]:
                assert str(row[column]) in text, (table.name, column)
        assert label == (row[table.label] if table.label else row["id"])


def test_index_passes_its_integrity_check(built_db, tmp_path):
    copy = tmp_path / "news.db"
    copy.write_bytes(built_db.read_bytes())
    conn = sqlite3.connect(copy)
    conn.execute(f"insert into {SEARCH_INDEX}({SEARCH_INDEX}, rank) "
                 "values ('integrity-check', 1)")


def test_no_public_table_has_a_search_text_column(built_db):
    conn = sqlite3.connect(built_db)
    for table in TABLES:
        columns = [row[1] for row in conn.execute(f"pragma table_info([{table.name}])")]
        assert "search_text" not in columns, table.name
        assert "search_text" not in table.columns, table.name


async def test_search_index_is_hidden(search_datasette):
    tables = (await search_datasette.client.get("/news.json")).json()["tables"]
    hidden = {table["name"] for table in tables if table["hidden"]}
    shown = {table["name"] for table in tables if not table["hidden"]}
    assert SEARCH_INDEX in hidden
    # The index's shadow tables too; every public table of the registry is shown.
    assert {name for name in hidden | shown if name.startswith(SEARCH_INDEX)} <= hidden
    assert {table.name for table in TABLES if table.public} <= shown


async def test_table_page_has_a_search_box(search_datasette):
    response = await search_datasette.client.get("/news/events")
    assert 'name="_search"' in response.text
    response = await search_datasette.client.get("/news/sentences?_search=샤오미의")
    assert response.status_code == 200
    assert "search matches" in response.text


async def test_table_without_search_has_no_search_box(search_datasette):
    response = await search_datasette.client.get("/news/articles")
    assert response.status_code == 200
    assert 'name="_search"' not in response.text


async def canned_search(ds: Datasette, q: str) -> list[dict]:
    response = await ds.client.get("/news/search.json", params={"q": q, "_shape": "array"})
    assert response.status_code == 200, response.text
    return response.json()


def test_canned_search_is_the_site_search_sql():
    sql = site_search_sql(default_registry())
    assert checkout_site()["databases"]["news"]["queries"]["search"]["sql"] == sql
    assert SEARCH_INDEX in sql


async def test_canned_search_ranks_a_bounded_number_of_each_tables_matches(search_datasette):
    """Each table offers its first matches (by rowid) up to the bound; the best of them
    come first. With a bound above every table's matches the ranking is the whole one."""
    await search_datasette.invoke_startup()  # loads the analyser, as serving does
    db = search_datasette.get_database("news")
    whole = (await db.execute(site_search_sql(default_registry()), {"q": "중국"})).rows
    bounded = (await db.execute(site_search_sql(default_registry(), candidates=2), {"q": "중국"})).rows
    assert len(whole) < 100  # every match, not the first page of them
    per_table: dict[str, list] = {}
    for row in whole:
        per_table.setdefault(row["table_name"], []).append(row)
    assert any(len(rows) > 2 for rows in per_table.values())  # the bound bites here
    offered = {(row["table_name"], row["row_id"]) for row in bounded}
    assert len(offered) == len(bounded) <= 2 * len(per_table)
    for table, rows in per_table.items():
        assert sum(1 for t, _ in offered if t == table) == min(2, len(rows))
    assert [r["rank"] for r in bounded] == sorted(r["rank"] for r in bounded)
    assert offered <= {(row["table_name"], row["row_id"]) for row in whole}


async def test_canned_search_ranks_rows_from_every_table(search_datasette):
    rows = await canned_search(search_datasette, "샤오미의")
    assert {"events", "sentences", "statistics", "organizations"} <= {r["table_name"]
                                                                      for r in rows}
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    for row in rows:
        assert set(row) == {"table_name", "row_id", "label", "snippet", "link", "rank"}
        assert row["label"]
        assert row["link"] == f"/news/{row['table_name']}/{row['row_id']}"
    # The words are marked where the row's text has them as typed (샤오미의); a row
    # found through its analysis only (샤오미와) shows its text unmarked.
    assert any("<mark>샤오미의</mark>" in row["snippet"] for row in rows)
    page = await search_datasette.client.get(rows[0]["link"])
    assert page.status_code == 200


async def test_canned_search_snippet_is_the_row_text_never_its_analysis(search_datasette,
                                                                       built_db):
    conn = sqlite3.connect(built_db)
    for row in await canned_search(search_datasette, "샤오미의"):
        text, = conn.execute(f"select text from {SEARCH_INDEX} where table_name = ? "
                             "and row_id = ?", [row["table_name"], row["row_id"]]).fetchone()
        plain = row["snippet"].replace("<mark>", "").replace("</mark>", "")
        for piece in filter(None, plain.split("…")):
            assert piece in text, (row["table_name"], row["row_id"], piece)


async def test_canned_search_finds_what_table_searches_find(search_datasette):
    """The search query and `?_search=` read the same index with the same analysis."""
    rows = await canned_search(search_datasette, "칭화홀딩스를")
    by_table: dict[str, set] = {}
    for row in rows:
        by_table.setdefault(row["table_name"], set()).add(row["row_id"])
    assert by_table
    for table, ids in by_table.items():
        found = {row["id"] for row in await search(search_datasette, table, "칭화홀딩스를")}
        assert found == ids, table


async def test_canned_search_snippet_quotes_the_row_text(search_datasette):
    rows = await canned_search(search_datasette, "기술사업화")
    event = next(r for r in rows if r["row_id"] == "tsinghua-holdings-visit-2014")
    assert "대학 R&D 성과 등 <mark>기술사업화</mark> 협력방안을" in event["snippet"]


async def test_canned_search_page_renders_highlights_and_links(search_datasette):
    response = await search_datasette.client.get("/news/search", params={"q": "샤오미의"})
    assert response.status_code == 200
    assert "<mark>샤오미의</mark>" in response.text
    assert '<a href="/news/events/xiaomi-ceo-meeting-2014">' in response.text


@pytest.mark.parametrize("q", ["", "   ", '"', '""'])
async def test_canned_search_with_blank_input_returns_nothing(search_datasette, q):
    assert await canned_search(search_datasette, q) == []


@pytest.mark.parametrize("q", ["", "  ", '"'])
async def test_blank_table_search_is_not_an_error(search_datasette, q):
    assert await search(search_datasette, "events", q) == []


def test_query_analysis_keeps_words_and_drops_particles(built_db):
    analyser = analyser_for(registry_names(sqlite3.connect(built_db)))
    assert fts_query("샤오미의", analyser) == '("샤오미의" OR ("샤오미"))'
    assert fts_query("중국", analyser) == '"중국"'
    assert fts_query('"중국 스마트폰" 협력을', analyser) == \
        '"중국 스마트폰" AND ("협력을" OR ("협력"))'
    assert fts_query("레이쥔을", analyser) == '("레이쥔을" OR ("레이쥔"))'
    assert fts_query("  ", analyser) == '""'


def test_registered_names_stay_whole(built_db):
    analyser = analyser_for(registry_names(sqlite3.connect(built_db)))
    terms = analyser.index_terms("샤오미의 CEO 레이쥔을 만나 칭화홀딩스를 방문해 쉬징홍 이사장과")
    assert {"레이쥔", "칭화홀딩스", "쉬징홍", "샤오미", "CEO", "만나"} <= set(terms)
    assert "레이" not in terms


def test_compounds_are_indexed_whole_and_split(built_db):
    analyser = analyser_for(registry_names(sqlite3.connect(built_db)))
    terms = analyser.index_terms("기술사업화와 324만7천명으로")
    assert {"기술사업화", "기술", "사업", "사업화", "324만7천명"} <= set(terms)
    assert "7천명" not in terms


def test_names_inside_a_longer_word_are_indexed_for_each_word(built_db):
    """대중국 (towards China) is kept whole by the analyser; the name inside it is indexed
    too. The names are kept per word: asking again, or for another word, gives each
    word its own."""
    analyser = analyser_for(registry_names(sqlite3.connect(built_db)))
    assert "중국" in analyser.names
    assert "중국" in analyser.names_inside("대중국")
    assert analyser.names_inside("중국") == []  # a name is not inside itself
    assert analyser.names_inside("대중국") == [n for n in analyser.names
                                               if n in "대중국" and n != "대중국"]
    assert analyser.names_inside("한국어") == [n for n in analyser.names
                                              if n in "한국어" and n != "한국어"]
    assert "중국" in analyser.index_terms("대중국 전략 워크숍")


def test_batch_analysis_gives_each_texts_own_terms(built_db):
    """kiwipiepy's batch analysis on its worker threads, as the build runs it, and one
    text at a time give the same terms for every searched text."""
    conn = sqlite3.connect(built_db)
    analyser = analyser_for(registry_names(conn))
    texts = [text for (text,) in conn.execute(f"select text from {SEARCH_INDEX}")]
    assert len(texts) > 100
    assert analyser.index_terms_many(texts) == [analyser.index_terms(t) for t in texts]


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_serial_and_parallel_analyses_give_the_same_file(built_db, tmp_path, monkeypatch,
                                                          workers):
    from newsdb.store.search_index import CACHE_ENV, WORKERS_ENV

    monkeypatch.setenv(CACHE_ENV, "off")
    monkeypatch.setenv(WORKERS_ENV, workers)
    output = tmp_path / "news.db"
    assert build_db.main(["--output", str(output)]) == 0
    assert sha256(output) == sha256(built_db)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_build_is_offline_and_reproducible(built_db, tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the build tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    # An empty analysis cache, so that the model is loaded and used, offline, in this
    # process (not ahead, in a worker the patches above do not reach).
    monkeypatch.setenv("NEWSDB_ANALYSIS_CACHE", str(tmp_path / "cache.sqlite"))
    monkeypatch.setenv("NEWSDB_ANALYSIS_AHEAD", "off")
    analyser_for.cache_clear()
    output = tmp_path / "news.db"
    assert build_db.main(["--output", str(output)]) == 0
    assert sha256(output) == sha256(built_db)


@pytest.mark.slow
async def test_analyser_is_loaded_at_startup_not_by_the_first_search(built_db, inspect_file):
    analyser_for.cache_clear()
    site = make_datasette(built_db, inspect_file)
    await site.invoke_startup()
    names = registry_names(sqlite3.connect(built_db))
    assert analyser_for.cache_info().currsize == 1
    hits = analyser_for.cache_info().hits
    analyser_for(names)
    assert analyser_for.cache_info().hits == hits + 1


async def test_plugin_comes_from_the_installed_package(built_db):
    """No plugins folder: a plain Datasette over news.db loads the project's plugin
    through its entry point, with its own Korean-aware news_fts; Datasette's escape_fts
    is left as it is."""
    site = Datasette([str(built_db)])
    plugins = (await site.client.get("/-/plugins.json")).json()
    # Listed under its distribution's name (pyproject.toml's entry point).
    assert "news-db" in {plugin["name"] for plugin in plugins}
    response = await site.client.get("/news.json", params={
        "sql": "select news_fts(:q) as n, escape_fts(:q) as e", "q": "샤오미의",
        "_shape": "array"})
    assert response.json() == [{"n": '("샤오미의" OR ("샤오미"))', "e": escape_fts("샤오미의")}]
    rows = (await site.client.get("/news/events.json", params={
        "_search": "샤오미의", "_shape": "array"})).json()
    assert "xiaomi-ceo-meeting-2014" in {row["id"] for row in rows}


async def test_news_fts_is_only_on_the_news_database(built_db, tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    site = Datasette([str(built_db), str(other)])
    response = await site.client.get("/other.json", params={"sql": "select news_fts('a')"})
    assert response.status_code == 400
    assert "news_fts" in response.json()["error"]


@pytest.mark.slow
def test_analysis_cache_gives_the_same_bytes_and_skips_the_analyser(built_db, tmp_path,
                                                                    monkeypatch):
    from newsdb.store.search_index import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache.sqlite"))
    cold, warm = tmp_path / "cold.db", tmp_path / "warm.db"
    assert build_db.main(["--output", str(cold)]) == 0
    analyser_for.cache_clear()
    assert build_db.main(["--output", str(warm)]) == 0
    # Every text was found in the cache: the analyser's model was never loaded.
    assert analyser_for.cache_info().currsize == 0
    monkeypatch.setenv(CACHE_ENV, "off")
    uncached = tmp_path / "uncached.db"
    assert build_db.main(["--output", str(uncached)]) == 0
    assert sha256(cold) == sha256(warm) == sha256(uncached) == sha256(built_db)


@pytest.mark.slow
def test_analysis_cache_is_keyed_by_the_registry_names(tmp_path):
    from newsdb.store.search_index import AnalysisCache

    path = tmp_path / "cache.sqlite"
    first = AnalysisCache(path, ("샤오미",))
    first.index_terms("샤오미의 CEO")
    first.save()
    assert AnalysisCache(path, ("샤오미",)).salt == first.salt
    assert AnalysisCache(path, ("샤오미", "레이쥔")).salt != first.salt
    again = AnalysisCache(path, ("샤오미",))
    assert again.index_terms("샤오미의 CEO") == first.missed["샤오미의 CEO"]
    assert again.missed == {}


@pytest.mark.slow
@pytest.mark.parametrize("cache", ["file", "off"])
def test_the_analysis_in_small_batches_gives_the_same_bytes(built_db, tmp_path, monkeypatch,
                                                            cache):
    """A few rows at a time (each batch's analyses written to the cache and let go, or
    all kept without a cache file), texts repeated across batches: the same database."""
    import newsdb.store.search_index as search_index

    monkeypatch.setattr(search_index, "ROWS_AT_ONCE", 3)
    monkeypatch.setenv(search_index.CACHE_ENV,
                       str(tmp_path / "cache.sqlite") if cache == "file" else "off")
    batched = tmp_path / "batched.db"
    assert build_db.main(["--output", str(batched)]) == 0
    assert sha256(batched) == sha256(built_db)


def test_analysis_cache_keeps_a_batch_and_forgets_it(tmp_path):
    from newsdb.store.search_index import AnalysisCache

    path = tmp_path / "cache.sqlite"
    cache = AnalysisCache(path, ("샤오미",))
    terms = cache.index_terms("샤오미의 CEO")
    cache.keep()
    assert cache.found == {} and cache.missed == {}
    cache.prefetch(["샤오미의 CEO"])
    assert cache.found == {"샤오미의 CEO": terms}
    cache.save()


def test_analysis_cache_prefetches_known_texts_in_one_pass(tmp_path):
    from newsdb.store.search_index import AnalysisCache

    path = tmp_path / "cache.sqlite"
    first = AnalysisCache(path, ("샤오미",))
    first.index_terms("샤오미의 CEO")
    first.save()
    again = AnalysisCache(path, ("샤오미",))
    again.prefetch(["샤오미의 CEO", "샤오미의 CEO", "처음 보는 문장"])
    assert again.found == {"샤오미의 CEO": first.missed["샤오미의 CEO"]}
    assert again.index_terms("샤오미의 CEO") == first.missed["샤오미의 CEO"]
    assert again.missed == {}
