"""The views over build-time tables keep their order and meaning over several articles,
and the serving shortcuts (view counts in the inspect file, expression indexes) hold."""
from __future__ import annotations

import json
import re
import sqlite3
import sys
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette

from newsdb.build import build
from newsdb.serving import ROOT, SETTINGS, view_counts, write_inspect
from newsdb.views import ITINERARY_SOURCES, VIEWS, create_views

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate_corpus import generate  # noqa: E402

METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
QUERIES = METADATA["databases"]["news"]["queries"]

# The facts_with_evidence view as it was before its order was numbered at build time:
# the reference its rows and order must match.
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

# The itinerary as it was before its rows were stored at build time: the same columns,
# joined and ordered at query time.
ITINERARY_REFERENCE = f"""
SELECT {', '.join(sql for sql, _ in ITINERARY_SOURCES.values())}
FROM itinerary_order o
JOIN events e ON e.id = o.event_id
LEFT JOIN places p ON p.id = e.place_id
ORDER BY o.article_id, o.sequence
"""


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> Path:
    """Three generated articles, built with the views (no Korean analysis: not needed)."""
    folder = tmp_path_factory.mktemp("views-corpus")
    sources = generate(folder / "sources", 3, seed=2)
    output = folder / "news.db"
    counts, problems = build(sources, output, [create_views])
    assert counts is not None, [str(p) for p in problems.sorted()]
    return output


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_itinerary_rows_come_in_article_and_sequence_order(corpus_db):
    assert rows(corpus_db, "select * from itinerary") == rows(corpus_db, ITINERARY_REFERENCE)
    assert len({row[-1] for row in rows(corpus_db, "select * from itinerary")}) == 3


@pytest.mark.parametrize("column", ["start_date", "place", "kind", "date_basis"])
def test_itinerary_filtered_by_a_facet_keeps_its_order(corpus_db, column):
    value = rows(corpus_db, f"select {column} from itinerary group by 1 order by count(*) desc")[0][0]
    found = rows(corpus_db, f"select article_id, sequence from itinerary where {column} = ?",
                 (value,))
    assert len(found) > 1 and found == sorted(found)


def test_facts_with_evidence_matches_the_facts_in_article_order(corpus_db):
    assert rows(corpus_db, "select * from facts_with_evidence") == rows(corpus_db, FACTS_REFERENCE)


def test_inspect_file_holds_every_view_count(corpus_db):
    counts = json.loads(write_inspect(corpus_db).read_text(encoding="utf-8"))["news"]["tables"]
    for view in VIEWS:
        assert counts[view]["count"] == rows(corpus_db, f"select count(*) from {view}")[0][0]
    assert set(view_counts(corpus_db)) == set(VIEWS)


async def test_view_page_takes_its_count_from_the_inspect_file(corpus_db):
    inspect = json.loads(write_inspect(corpus_db).read_text(encoding="utf-8"))
    site = Datasette([], immutables=[str(corpus_db)], inspect_data=inspect,
                     metadata=METADATA, settings={**SETTINGS, "trace_debug": True})
    response = await site.client.get("/news/korea_china_comparison.json",
                                     params={"_trace": "1"})
    assert response.json()["filtered_table_rows_count"] == inspect["news"]["tables"][
        "korea_china_comparison"]["count"]
    traced = [trace["sql"] for trace in response.json()["_trace"]["traces"]]
    assert not [sql for sql in traced if sql.startswith("select count(*)")]


@pytest.mark.parametrize("index", ["statistics_country_year", "policies_country_year"])
def test_china_milestones_reads_its_expression_indexes(corpus_db, index):
    plan = rows(corpus_db, "explain query plan " + QUERIES["china_milestones"]["sql"])
    assert any(index in step[3] for step in plan)


def test_every_canned_query_returns_at_most_200_rows():
    for name, query in QUERIES.items():
        limits = [int(n) for n in re.findall(r"\blimit (\d+)", query["sql"])]
        assert limits and max(limits) <= 200, name
