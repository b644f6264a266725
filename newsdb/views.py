"""SQL views stored inside news.db, so the common questions work in any SQLite client and
in plain `datasette news.db` without metadata.yml.

korea_china_comparison reads the public tables of SCHEMA.md. The itinerary and
facts_with_evidence read tables worked out from them when the database is built
(itinerary_order and itinerary_rows; fact_order), so that at 10,000 articles their pages
do not join, number or sort the whole corpus at every request: SQLite 3.40 flattens a
view over one table without ORDER BY into Datasette's count(*) and facet queries, which
then read that table's indexes. Views, those tables and the expression indexes of the
canned queries are (re)created by the `create_views` finisher; their columns are
described in metadata.yml.
"""
from __future__ import annotations

import sqlite_utils

# Within a day: the umbrella of the day (a leg of the trip) first, then events known to
# fall on that very day before those only known to fall within a range of days, then
# morning, afternoon, evening, and finally the order in which the article tells them.
ITINERARY_ORDER = """e.start_date,
        EXISTS (SELECT 1 FROM events child WHERE child.parent_event_id = e.id) DESC,
        e.end_date,
        CASE e.time_of_day WHEN 'morning' THEN 1 WHEN 'afternoon' THEN 2
            WHEN 'evening' THEN 3 ELSE 0 END,
        s.char_start,
        e.id"""

# The itinerary order needs every event of an article at once (a window over the
# article), which at 10,000 articles made every page of the view and every query on it
# number the whole corpus before filtering. So it is numbered once, at build time, into
# the table itinerary_order, from which itinerary_rows (below) is filled in that order.
ITINERARY_ORDER_TABLE = """
CREATE TABLE itinerary_order (
    event_id TEXT PRIMARY KEY REFERENCES events(id),
    article_id TEXT NOT NULL REFERENCES articles(id),
    sequence INTEGER NOT NULL
)"""

ITINERARY_ORDER_INDEX = """
CREATE UNIQUE INDEX itinerary_order_article_sequence ON itinerary_order(article_id, sequence)"""

NUMBER_ITINERARY = f"""
INSERT INTO itinerary_order (event_id, article_id, sequence)
SELECT e.id, e.article_id,
       row_number() OVER (PARTITION BY e.article_id ORDER BY {ITINERARY_ORDER})
FROM events e
LEFT JOIN sentences s ON s.id = e.sentence_id"""

# The itinerary's rows are worked out once at build time into itinerary_rows, stored in
# the itinerary's order (by article, then sequence): the order, the place and the
# participants' names. The view reads that one table without ORDER BY, so SQLite 3.40
# flattens it into Datasette's count(*) and facet queries, which then read the table's
# indexes; with a join or an ORDER BY in the view, every facet of its page worked out
# every row of the corpus (1.6 s at 10,000 articles). A scan, or a look-up of one value
# in one column's index, returns the rows in the stored order. The events' long texts
# (titles, quote) are not copied: the view looks them up for the rows it returns.
PARTICIPANTS = """(SELECT group_concat(participant, '; ') FROM (
        SELECT coalesce(person.name, organization.name) || ' — ' || ep.role AS participant
        FROM event_participants ep
        LEFT JOIN people person ON person.id = ep.person_id
        LEFT JOIN organizations organization ON organization.id = ep.organization_id
        WHERE ep.event_id = e.id
        ORDER BY ep.role, participant
    ))"""

# The view's columns in order, each with its SQL over itinerary_order o, events e and
# places p, and the SQLite type of the stored ones.
ITINERARY_SOURCES = {
    "sequence": ("o.sequence", "INTEGER NOT NULL"),
    "start_date": ("e.start_date", "TEXT"),
    "end_date": ("e.end_date", "TEXT"),
    "time_of_day": ("e.time_of_day", "TEXT"),
    "date_basis": ("e.date_basis", "TEXT"),
    "event_id": ("e.id", "TEXT PRIMARY KEY REFERENCES events(id)"),
    "title": ("e.title", None),
    "title_ko": ("e.title_ko", None),
    "title_en": ("e.title_en", None),
    "kind": ("e.kind", "TEXT"),
    "status": ("e.status", "TEXT"),
    "parent_event_id": ("e.parent_event_id", "TEXT"),
    "place_id": ("p.id", "TEXT REFERENCES places(id)"),
    "place": ("p.name", "TEXT"),
    "place_ko": ("p.name_ko", "TEXT"),
    "latitude": ("p.latitude", "FLOAT"),
    "longitude": ("p.longitude", "FLOAT"),
    "coordinates_precision": ("p.coordinates_precision", "TEXT"),
    "participants": (PARTICIPANTS, "TEXT"),
    "when_ko": ("e.when_ko", "TEXT"),
    "time_ko": ("e.time_ko", "TEXT"),
    "sentence_id": ("e.sentence_id", "TEXT"),
    "quote": ("e.quote", None),
    "article_id": ("o.article_id", "TEXT NOT NULL REFERENCES articles(id)"),
}
STORED = {column: kind for column, (_, kind) in ITINERARY_SOURCES.items() if kind}

ITINERARY_ROWS_TABLE = "CREATE TABLE itinerary_rows (\n    " + ",\n    ".join(
    f"{column} {kind}" for column, kind in STORED.items()) + "\n)"

FILL_ITINERARY_ROWS = f"""
INSERT INTO itinerary_rows ({', '.join(STORED)})
SELECT {', '.join(ITINERARY_SOURCES[column][0] for column in STORED)}
FROM itinerary_order o
JOIN events e ON e.id = o.event_id
LEFT JOIN places p ON p.id = e.place_id
ORDER BY o.article_id, o.sequence"""

# One index per faceted or filtered column, each alone: its entries for one value are in
# rowid order, which is the itinerary's order.
ITINERARY_ROWS_INDEXED = ("start_date", "place", "place_id", "kind", "date_basis", "article_id")

ITINERARY = "SELECT\n    " + ",\n    ".join(
    f"i.{column}" if column in STORED
    else f"(SELECT {column} FROM events WHERE id = i.event_id) AS {column}"
    for column in ITINERARY_SOURCES) + "\nFROM itinerary_rows i\n"

# A ratio row (unit 'ratio') names its figure (ratio_of_id) and its base (compared_to_id);
# whichever of the two is China's goes in the cn_ columns.
KOREA_CHINA_COMPARISON = """
SELECT
    r.id AS ratio_id,
    r.indicator_en,
    r.indicator_ko,
    r.category,
    r.period,
    r.period_ko,
    cn.id AS cn_statistic_id,
    cn.value AS cn_value,
    cn.value_text_ko AS cn_value_text_ko,
    kr.id AS kr_statistic_id,
    kr.value AS kr_value,
    kr.value_text_ko AS kr_value_text_ko,
    cn.unit,
    r.value_text_ko AS article_ratio_text_ko,
    r.value AS article_ratio,
    r.recomputed_value AS recomputed_ratio,
    r.recomputed_agrees,
    CASE WHEN r.ratio_of_id = cn.id THEN 'CN / KR' ELSE 'KR / CN' END AS ratio_direction,
    r.sentence_id,
    r.quote
FROM statistics r
JOIN statistics cn ON cn.id IN (r.ratio_of_id, r.compared_to_id) AND cn.country = 'CN'
JOIN statistics kr ON kr.id IN (r.ratio_of_id, r.compared_to_id) AND kr.country = 'KR'
WHERE r.unit = 'ratio'
ORDER BY r.period, r.id
"""

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
    f"SELECT '{table}' AS fact_table, id AS fact_id, article_id, sentence_id FROM {table}"
    for table, _, _ in FACT_TABLES)

# 665,000 facts at 10,000 articles: sorting them at every request took over the 1 s
# limit. Their order (by article, then evidence sentence) is numbered once at build time
# into fact_order; the view reads that one table, in its rowid order, and looks up each
# shown fact's columns, so it flattens into Datasette's count(*) and facet queries.
FACT_ORDER_TABLE = """
CREATE TABLE fact_order (
    position INTEGER PRIMARY KEY,
    fact_table TEXT NOT NULL,
    fact_id TEXT NOT NULL
)"""

NUMBER_FACTS = f"""
INSERT INTO fact_order (fact_table, fact_id)
SELECT f.fact_table, f.fact_id
FROM (
    {ALL_FACTS}
) f
LEFT JOIN sentences s ON s.id = f.sentence_id
ORDER BY f.article_id, s.char_start IS NULL, s.char_start, f.fact_table, f.fact_id"""

FACT_ORDER_INDEX = "CREATE INDEX fact_order_fact_table ON fact_order(fact_table)"


def fact_column(expressions: dict[str, str]) -> str:
    """The fact's value of one column, looked up in its own table by its id."""
    cases = "".join(f"\n        WHEN '{table}' THEN (SELECT {expression} FROM {table} "
                    f"WHERE id = o.fact_id)" for table, expression in expressions.items())
    return f"CASE o.fact_table{cases}\n    END"


def common_column(column: str) -> str:
    return fact_column({table: column for table, _, _ in FACT_TABLES})


def sentence_column(column: str) -> str:
    return f"(SELECT {column} FROM sentences WHERE id = {common_column('sentence_id')})"


FACTS_WITH_EVIDENCE = f"""
SELECT
    o.fact_table,
    o.fact_id,
    {fact_column({table: label for table, label, _ in FACT_TABLES})} AS label,
    {fact_column({table: detail for table, _, detail in FACT_TABLES})} AS detail_en,
    {common_column('article_id')} AS article_id,
    {common_column('sentence_id')} AS sentence_id,
    {sentence_column('paragraph')} AS paragraph,
    {sentence_column('position')} AS position,
    {common_column('quote')} AS quote,
    {sentence_column('text_ko')} AS sentence_ko
FROM fact_order o
"""

# china_milestones (metadata.yml) reads China's figures and policies in the order of the
# year they start from, a year computed from text; these expression indexes hold each
# country's in that order (the expressions must stay identical to the query's). sqlite-utils
# indexes (newsdb/schema.py) take column names only.
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

VIEWS = {
    "itinerary": ITINERARY,
    "korea_china_comparison": KOREA_CHINA_COMPARISON,
    "facts_with_evidence": FACTS_WITH_EVIDENCE,
}


def create_views(db: sqlite_utils.Database) -> None:
    for name in VIEWS:
        db.execute(f"DROP VIEW IF EXISTS {name}")
    number_itinerary(db)
    number_facts(db)
    for name, sql in EXPRESSION_INDEXES.items():
        db.execute(f"DROP INDEX IF EXISTS {name}")
        db.execute(sql.strip())
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)


def number_itinerary(db: sqlite_utils.Database) -> None:
    db.execute("DROP TABLE IF EXISTS itinerary_rows")
    db.execute("DROP TABLE IF EXISTS itinerary_order")
    for sql in (ITINERARY_ORDER_TABLE, ITINERARY_ORDER_INDEX, NUMBER_ITINERARY,
                ITINERARY_ROWS_TABLE, FILL_ITINERARY_ROWS):
        db.execute(sql.strip())
    for column in ITINERARY_ROWS_INDEXED:
        db.execute(f"CREATE INDEX itinerary_rows_{column} ON itinerary_rows({column})")


def number_facts(db: sqlite_utils.Database) -> None:
    db.execute("DROP TABLE IF EXISTS fact_order")
    for sql in (FACT_ORDER_TABLE, NUMBER_FACTS, FACT_ORDER_INDEX):
        db.execute(sql.strip())
