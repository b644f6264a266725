"""Tables worked out from the curated tables when the database is built: the itinerary,
the Korea–China comparison, every fact with its evidence, what the reports after an
event made of its announcements, and the default facets' counts over whole tables.

They are real tables (declared with `derived: true` in newsdb/store/tables.yml), not views:
their rows are stored in reading order, counted by `datasette inspect` like any table,
and their facets read their own indexes, so a page never joins or sorts the whole corpus
at a request. Each is filled by one INSERT ... SELECT whose expressions are given here
per column; the column list itself comes from the registry.
"""
from __future__ import annotations

import sqlite_utils

from newsdb.store.registry import TABLES_BY_NAME

# Within a day: the umbrella of the day (a leg of the trip) first, then events known to
# fall on that very day before those only known to fall within a range of days, then
# morning, afternoon, evening, and finally the order in which the article tells them.
ITINERARY_ORDER = """e.start_date,
        EXISTS (SELECT 1 FROM events child WHERE child.parent_event_id = e.id) DESC,
        e.end_date,
        CASE e.time_of_day WHEN 'morning' THEN 1 WHEN 'afternoon' THEN 2
            WHEN 'evening' THEN 3 ELSE 0 END,
        e.article_id IS NULL, e.article_id, s.char_start,
        e.id"""

PARTICIPANTS = """(SELECT group_concat(participant, '; ') FROM (
        SELECT coalesce(person.name, ep.description_en || ' (' || organization.name || ')',
                        organization.name) || ' — ' || ep.role AS participant
        FROM event_participants ep
        LEFT JOIN people person ON person.id = ep.person_id
        LEFT JOIN organizations organization ON organization.id = ep.organization_id
        WHERE ep.event_id = e.id
        ORDER BY ep.role, participant
    ))"""

# Column -> expression over events e, places p and sentences s.
ITINERARY = {
    "sequence": f"row_number() OVER (ORDER BY {ITINERARY_ORDER})",
    "start_date": "e.start_date", "end_date": "e.end_date", "time_of_day": "e.time_of_day",
    "date_basis": "e.date_basis", "event_id": "e.id", "title": "e.title",
    "title_ko": "e.title_ko", "title_en": "e.title_en", "kind": "e.kind",
    "status": "e.status", "parent_event_id": "e.parent_event_id", "place_id": "p.id",
    "place": "p.name", "place_ko": "p.name_ko", "latitude": "p.latitude",
    "longitude": "p.longitude", "coordinates_precision": "p.coordinates_precision",
    "date_precision": "e.date_precision", "source_count": "e.source_count",
    "participants": PARTICIPANTS, "when_ko": "e.when_ko", "time_ko": "e.time_ko",
    "sentence_id": "e.sentence_id", "quote": "e.quote", "article_id": "e.article_id",
}
ITINERARY_FROM = """FROM events e
LEFT JOIN places p ON p.id = e.place_id
LEFT JOIN sentences s ON s.id = e.sentence_id
ORDER BY 1"""

# A ratio row (unit 'ratio') names its figure (ratio_of_id) and its base (compared_to_id);
# whichever of the two is China's goes in the cn_ columns.
KOREA_CHINA_COMPARISON = {
    "ratio_id": "r.id", "indicator_en": "r.indicator_en", "indicator_ko": "r.indicator_ko",
    "category": "r.category", "period": "r.period", "period_ko": "r.period_ko",
    "cn_statistic_id": "cn.id", "cn_value": "cn.value", "cn_value_text_ko": "cn.value_text_ko",
    "kr_statistic_id": "kr.id", "kr_value": "kr.value", "kr_value_text_ko": "kr.value_text_ko",
    "unit": "cn.unit", "article_ratio_text_ko": "r.value_text_ko",
    "article_ratio": "r.value", "recomputed_ratio": "r.recomputed_value",
    "recomputed_agrees": "r.recomputed_agrees",
    "ratio_direction": "CASE WHEN r.ratio_of_id = cn.id THEN 'CN / KR' ELSE 'KR / CN' END",
    "sentence_id": "r.sentence_id", "quote": "r.quote",
}
KOREA_CHINA_FROM = """FROM statistics r
JOIN statistics cn ON cn.id IN (r.ratio_of_id, r.compared_to_id) AND cn.country = 'CN'
JOIN statistics kr ON kr.id IN (r.ratio_of_id, r.compared_to_id) AND kr.country = 'KR'
WHERE r.unit = 'ratio'
ORDER BY r.period, r.id"""

# The facts of each table: (table, label, detail_en). Every one has id, article_id,
# sentence_id and quote.
FACT_TABLES = (
    ("events", "title", "description_en"),
    ("statistics", "title",
     "coalesce(indicator_en, indicator_ko) || coalesce(': ' || value_text_ko, '')"
     " || coalesce(' (' || rank_ko || ')', '')"),
    ("mous", "title", "title_en"),
    ("policies", "name", "description_en"),
    ("notes", "kind || ' note on ' || about_table || ' ' || about_id", "note_en"),
)
ALL_FACTS = "\n    UNION ALL\n    ".join(
    f"SELECT '{table}' AS fact_table, id AS fact_id, {label} AS label, {detail} AS detail_en, "
    f"article_id, sentence_id, quote FROM {table}"
    for table, label, detail in FACT_TABLES)
FACTS_WITH_EVIDENCE = {
    "fact_table": "f.fact_table", "fact_id": "f.fact_id", "label": "f.label",
    "detail_en": "f.detail_en", "article_id": "f.article_id", "sentence_id": "f.sentence_id",
    "paragraph": "s.paragraph", "position": "s.position", "quote": "f.quote",
    "sentence_ko": "s.text_ko",
}
FACTS_FROM = f"""FROM (
    {ALL_FACTS}
) f
LEFT JOIN sentences s ON s.id = f.sentence_id
ORDER BY f.article_id, s.char_start IS NULL, s.char_start, f.fact_table, f.fact_id"""

# Fields of events and memoranda that reports gave ahead of time and a report after the
# event gave too (the canned query announced_then_reported reads it in this order).
OUTCOME = """case when sum(c.tense = 'ahead' and c.relation = 'contradicts') > 0 then 'changed'
         when sum(c.tense = 'ahead' and c.relation = 'fulfilled') > 0 then 'carried out'
         else 'confirmed' end"""
STORY_OUTCOMES = {
    "about_table": "c.about_table", "fact_id": "c.about_id",
    "fact": "coalesce(e.title, m.title)", "field": "c.field",
    "announced": "group_concat(distinct case when c.tense = 'ahead' then c.value end)",
    "reported_after": "group_concat(distinct case when c.tense = 'after' then c.value end)",
    "outcome": OUTCOME,
    "outcome_order": f"case {OUTCOME} when 'changed' then 0 when 'carried out' then 1 else 2 end",
    "known_since": "min(case when c.tense = 'after' then substr(s.published_at, 1, 10) end)",
    "reported_by": "group_concat(distinct case when c.tense = 'after' then s.label end)",
}
STORY_OUTCOMES_FROM = """FROM claims c
JOIN sources s ON s.id = c.source_id
LEFT JOIN events e ON c.about_table = 'events' AND e.id = c.about_id
LEFT JOIN mous m ON c.about_table = 'mous' AND m.id = c.about_id
WHERE c.field != 'exists' AND c.about_table IN ('events', 'mous')
GROUP BY c.about_table, c.about_id, c.field
HAVING count(DISTINCT c.tense) = 2
ORDER BY outcome_order, known_since, c.about_table, c.about_id, c.field"""

DERIVED = {
    "itinerary": (ITINERARY, ITINERARY_FROM),
    "korea_china_comparison": (KOREA_CHINA_COMPARISON, KOREA_CHINA_FROM),
    "facts_with_evidence": (FACTS_WITH_EVIDENCE, FACTS_FROM),
    "story_outcomes": (STORY_OUTCOMES, STORY_OUTCOMES_FROM),
}

# china_milestones (metadata.yml) reads China's figures and policies in the order of the
# year they start from, a year computed from text; these expression indexes hold each
# country's in that order (the expressions must stay identical to the query's). sqlite-utils
# indexes (newsdb/store/sqlite.py) take column names only.
EXPRESSION_INDEXES = {
    "statistics_country_year": """
CREATE INDEX statistics_country_year ON statistics (
    country, cast(substr(ltrim(period, './'), 1, 4) as integer), period, id
) WHERE period IS NOT NULL""",
    "policies_country_year": """
CREATE INDEX policies_country_year ON policies (
    country,
    case when period_ko glob '[0-9][0-9][0-9][0-9]*'
         then cast(substr(period_ko, 1, 4) as integer) end is null,
    case when period_ko glob '[0-9][0-9][0-9][0-9]*'
         then cast(substr(period_ko, 1, 4) as integer) end,
    id
)""",
}


def fill_sql(table: str) -> str:
    """INSERT ... SELECT for a derived table, its columns in the registry's order."""
    expressions, source = DERIVED[table]
    columns = list(TABLES_BY_NAME[table].columns)
    if set(expressions) != set(columns):
        raise ValueError(f"{table}: the registry's columns {sorted(columns)} and the "
                         f"expressions {sorted(expressions)} differ")
    selected = ",\n    ".join(f"{expressions[column]} AS {column}" for column in columns)
    return f"INSERT INTO {table} ({', '.join(columns)})\nSELECT\n    {selected}\n{source}"


# A facet shows at most Datasette's max_returned_rows values (5,000 as served,
# newsdb/site/serving.py) and asks for one more to know there are more; a page asking
# for more than are kept is counted live (newsdb/site/facets.py).
FACET_VALUES_KEPT = 5001
# A page filtered by one value shows a facet's default number of values (Datasette's
# default_facet_size, 30) and asks for one more; more than that is counted live.
FILTERED_VALUES_KEPT = 31
# Every combination of a table's default facet values with its number of rows: the
# counts are summed from it, not from the table (1.12 million claims, 160,000
# combinations at 10,000 articles).
CUBE = "temp.facet_cube"


def ranked_counts(column: str, by: str) -> str:
    """SELECT of a facet's values and counts from the table's cube, per value of `by`
    (an SQL expression: a column, or a constant for the whole table), each ranked in the
    order Datasette's column facet gives them (most rows first, ties by value)."""
    return f"""SELECT {by} AS filter_value, [{column}] AS value, sum(n) AS count,
        row_number() OVER (PARTITION BY {by} ORDER BY sum(n) DESC, [{column}]) AS position
    FROM {CUBE}
    WHERE {by} IS NOT NULL AND [{column}] IS NOT NULL
    GROUP BY {by}, [{column}]"""


def facet_counts_sql(table: str, column: str) -> str:
    """INSERT ... SELECT of one facet's values over its whole table."""
    return f"""INSERT INTO facet_counts (table_name, facet, position, value, count)
SELECT '{table}', '{column}', position, value, count FROM (
    {ranked_counts(column, "''")}
)
WHERE position <= {FACET_VALUES_KEPT}"""


def filtered_facet_counts_sql(table: str, by: str, column: str) -> str:
    """INSERT ... SELECT of one facet's values among the rows with each value of another
    facet (`by`)."""
    return f"""INSERT INTO facet_counts_filtered
    (table_name, filter, filter_value, facet, position, value, count)
SELECT '{table}', '{by}', filter_value, '{column}', position, value, count FROM (
    {ranked_counts(column, f"[{by}]")}
)
WHERE position <= {FILTERED_VALUES_KEPT}"""


def fill_facet_counts(db: sqlite_utils.Database) -> None:
    """Every table's default facets counted over the whole table, and over the rows of
    each value of each other default facet, from the table's cube."""
    for table in TABLES_BY_NAME.values():
        if not table.facets:
            continue
        columns = ", ".join(f"[{column}]" for column in table.facets)
        db.execute(f"CREATE TABLE {CUBE} AS SELECT {columns}, count(*) AS n "
                   f"FROM [{table.name}] GROUP BY {columns}")
        for column in table.facets:
            db.execute(facet_counts_sql(table.name, column))
        for by in table.facets:
            for column in table.facets:
                if column != by:
                    db.execute(filtered_facet_counts_sql(table.name, by, column))
        db.execute(f"DROP TABLE {CUBE}")


def fill_derived_tables(db: sqlite_utils.Database) -> None:
    """Finisher: fill every derived table (created empty with the others), add the
    canned queries' expression indexes, then count every table's default facets (the
    derived tables' too)."""
    for table in DERIVED:
        db.execute(fill_sql(table))
    for sql in EXPRESSION_INDEXES.values():
        db.execute(sql.strip())
    fill_facet_counts(db)
