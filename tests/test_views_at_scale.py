"""The derived tables (itinerary, korea_china_comparison, facts_with_evidence) keep their
order and meaning over several articles, and the serving shortcuts (their counts in the
inspect file, the canned queries' expression indexes) hold."""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from datasette.app import Datasette

from contract import checkout_site  # noqa: E402
from newsdb.store.build import build
from newsdb.store.derived import DERIVED, EXPRESSION_INDEXES, ITINERARY, fill_derived_tables
from newsdb.store.registry import DERIVED_TABLES, TABLES_BY_NAME
from newsdb.site.serving import SETTINGS, write_inspect
from newsdb.site.metadata import site_metadata

ROOT = Path(__file__).resolve().parent.parent
from newsdb.synthetic import generate  # noqa: E402

pytestmark = pytest.mark.slow

QUERIES = checkout_site()["databases"]["news"]["queries"]

# facts_with_evidence as it was when it was a view, written out independently of
# newsdb/store/derived.py: the reference its rows and their stored order must match.
FACTS_REFERENCE = """
SELECT f.fact_table, f.fact_id, f.label, f.detail_en, f.article_id, f.sentence_id,
       s.paragraph, s.position, f.quote, s.text_ko AS sentence_ko
FROM (
    SELECT 'events' AS fact_table, id AS fact_id, title AS label,
           description_en AS detail_en, article_id, sentence_id, quote
    FROM events
    UNION ALL
    SELECT 'statistics', id, title,
           coalesce(indicator_en, indicator_ko) || coalesce(': ' || value_text_ko, '')
               || coalesce(' (' || rank_ko || ')', ''),
           article_id, sentence_id, quote
    FROM statistics
    UNION ALL
    SELECT 'mous', id, title, title_en, article_id, sentence_id, quote FROM mous
    UNION ALL
    SELECT 'policies', id, name, description_en, article_id, sentence_id, quote FROM policies
    UNION ALL
    SELECT 'notes', id, kind || ' note on ' || about_table || ' ' || about_id, note_en,
           article_id, sentence_id, quote
    FROM notes
) f
LEFT JOIN sentences s ON s.id = f.sentence_id
ORDER BY f.article_id, s.char_start IS NULL, s.char_start, f.fact_table, f.fact_id
"""

# The itinerary worked out at query time, ordered by article and sequence: the stored
# table must hold the same rows, in this order, without an ORDER BY.
ITINERARY_REFERENCE = "SELECT * FROM (SELECT {columns}\n{source}) ORDER BY article_id, sequence"


def itinerary_reference() -> str:
    columns = ",\n    ".join(f"{ITINERARY[column]} AS {column}"
                             for column in TABLES_BY_NAME["itinerary"].columns)
    source = DERIVED["itinerary"][1].rsplit("ORDER BY", 1)[0]
    return ITINERARY_REFERENCE.format(columns=columns, source=source)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> Path:
    """Three generated articles with the derived tables (no Korean analysis: not needed)."""
    folder = tmp_path_factory.mktemp("views-corpus")
    sources = generate(folder / "sources", 3, seed=2, template_root=ROOT / "sources")
    output = folder / "news.db"
    counts, problems = build(sources, output, [fill_derived_tables])
    assert counts is not None, [str(p) for p in problems.sorted()]
    return output


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_derived_tables_are_tables_not_views(corpus_db):
    assert rows(corpus_db, "select name from sqlite_master where type = 'view'") == []
    tables = {name for name, in rows(corpus_db, "select name from sqlite_master "
                                                "where type = 'table'")}
    # the facet counts are filled from every table's facets, not by one INSERT ... SELECT
    assert {table.name for table in DERIVED_TABLES} == \
        {*DERIVED, "facet_counts", "facet_counts_filtered"} <= tables


def test_itinerary_rows_come_in_article_and_sequence_order(corpus_db):
    stored = rows(corpus_db, "select * from itinerary")
    assert stored == rows(corpus_db, itinerary_reference())
    assert len({row[-1] for row in stored}) == 3


def test_itinerary_has_every_event_once_numbered_from_one(corpus_db):
    """One itinerary over every report: each event once, numbered 1..n."""
    assert rows(corpus_db, "select count(*), count(distinct event_id) from itinerary") == \
        rows(corpus_db, "select count(*), count(*) from events")
    assert rows(corpus_db, "select min(sequence), max(sequence), count(distinct sequence) "
                           "from itinerary") == rows(corpus_db, "select 1, count(*), count(*) "
                                                                "from events")


def test_itinerary_puts_a_leg_before_the_events_within_it(corpus_db):
    """On each day, an event that is the umbrella of others (a leg of the trip) comes
    first, and days come in date order."""
    found = rows(corpus_db, """
        select child.article_id, child.sequence, parent.sequence
        from itinerary child join itinerary parent on parent.event_id = child.parent_event_id
        where child.start_date = parent.start_date""")
    assert found and all(parent < child for _, child, parent in found)
    for article_id, in rows(corpus_db, "select distinct article_id from itinerary"):
        dates = [d for d, in rows(corpus_db, "select start_date from itinerary where "
                                             "article_id = ? order by sequence", (article_id,))]
        assert dates == sorted(dates, key=lambda d: (d is None, d))


@pytest.mark.parametrize("column", ["start_date", "place", "kind", "date_basis"])
def test_itinerary_filtered_by_a_facet_keeps_its_order(corpus_db, column):
    value = rows(corpus_db, f"select {column} from itinerary group by 1 order by count(*) desc")[0][0]
    found = rows(corpus_db, f"select article_id, sequence from itinerary where {column} = ?",
                 (value,))
    assert len(found) > 1 and found == sorted(found)


def test_facts_with_evidence_matches_the_facts_in_article_order(corpus_db):
    assert rows(corpus_db, "select * from facts_with_evidence") == rows(corpus_db, FACTS_REFERENCE)


def test_korea_china_comparison_pairs_each_ratio_with_its_figures(corpus_db):
    found = rows(corpus_db, """
        select c.ratio_id, cn.country, kr.country, r.unit
        from korea_china_comparison c
        join statistics r on r.id = c.ratio_id
        join statistics cn on cn.id = c.cn_statistic_id
        join statistics kr on kr.id = c.kr_statistic_id""")
    assert len(found) == rows(corpus_db, "select count(*) from statistics "
                                         "where unit = 'ratio'")[0][0] > 3
    assert {row[1:] for row in found} == {("CN", "KR", "ratio")}


def test_inspect_file_holds_every_derived_table_count(corpus_db):
    counts = json.loads(write_inspect(corpus_db).read_text(encoding="utf-8"))["news"]["tables"]
    for table in DERIVED_TABLES:
        count = rows(corpus_db, f"select count(*) from {table.name}")[0][0]
        # story_outcomes needs reports after the event, which the generated corpus
        # (articles only) has none of.
        assert count or table.name == "story_outcomes", table.name
        assert counts[table.name]["count"] == count


async def test_derived_table_page_takes_its_count_from_the_inspect_file(corpus_db):
    inspect = json.loads(write_inspect(corpus_db).read_text(encoding="utf-8"))
    # make_datasette's site, with trace_debug to read the SQL the page ran.
    site = Datasette([], immutables=[str(corpus_db)], inspect_data=inspect,
                     settings={**SETTINGS, "trace_debug": True})
    for table in DERIVED_TABLES:
        response = await site.client.get(f"/news/{table.name}.json", params={"_trace": "1"})
        assert response.status_code == 200, response.text
        assert response.json()["filtered_table_rows_count"] == inspect["news"]["tables"][
            table.name]["count"]
        traced = [trace["sql"] for trace in response.json()["_trace"]["traces"]]
        assert not [sql for sql in traced if sql.startswith("select count(*)")], table.name


@pytest.mark.parametrize("index", sorted(EXPRESSION_INDEXES))
def test_china_milestones_reads_its_expression_indexes(corpus_db, index):
    plan = rows(corpus_db, "explain query plan " + QUERIES["china_milestones"]["sql"])
    assert any(index in step[3] for step in plan)


def test_every_canned_query_returns_at_most_200_rows():
    # The last limit is the page's (the search query's earlier ones bound the candidates
    # each table offers to its ranking).
    for name, query in QUERIES.items():
        limits = [int(n) for n in re.findall(r"\blimit (\d+)", query["sql"])]
        assert limits and limits[-1] <= 200, name
