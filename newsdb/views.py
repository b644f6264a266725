"""SQL views stored inside news.db, so the common questions work in any SQLite client and
in plain `datasette news.db` without metadata.yml.

Each view reads the public tables of SCHEMA.md (the itinerary also reads its order from
the table itinerary_order, numbered from those tables). Views are (re)created by
the `create_views` finisher; their columns are described in metadata.yml.
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
# the table itinerary_order, and the view reads it through an index.
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

ITINERARY = """
SELECT
    o.sequence,
    e.start_date,
    e.end_date,
    e.time_of_day,
    e.date_basis,
    e.id AS event_id,
    e.title,
    e.title_ko,
    e.title_en,
    e.kind,
    e.status,
    e.parent_event_id,
    p.id AS place_id,
    p.name AS place,
    p.name_ko AS place_ko,
    p.latitude,
    p.longitude,
    p.coordinates_precision,
    (SELECT group_concat(participant, '; ') FROM (
        SELECT coalesce(person.name, organization.name) || ' — ' || ep.role AS participant
        FROM event_participants ep
        LEFT JOIN people person ON person.id = ep.person_id
        LEFT JOIN organizations organization ON organization.id = ep.organization_id
        WHERE ep.event_id = e.id
        ORDER BY ep.role, participant
    )) AS participants,
    e.when_ko,
    e.time_ko,
    e.sentence_id,
    e.quote,
    o.article_id
FROM itinerary_order o
JOIN events e ON e.id = o.event_id
LEFT JOIN places p ON p.id = e.place_id
ORDER BY o.article_id, o.sequence
"""

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

FACTS_WITH_EVIDENCE = """
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

VIEWS = {
    "itinerary": ITINERARY,
    "korea_china_comparison": KOREA_CHINA_COMPARISON,
    "facts_with_evidence": FACTS_WITH_EVIDENCE,
}


def create_views(db: sqlite_utils.Database) -> None:
    number_itinerary(db)
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)


def number_itinerary(db: sqlite_utils.Database) -> None:
    db.execute("DROP VIEW IF EXISTS itinerary")
    db.execute("DROP TABLE IF EXISTS itinerary_order")
    for sql in (ITINERARY_ORDER_TABLE, ITINERARY_ORDER_INDEX, NUMBER_ITINERARY):
        db.execute(sql.strip())
