"""The tables of news.db: columns in order, primary keys, foreign keys and indexes.

The public contract is ../shared/SCHEMA.md; columns beyond it are additions. Every
foreign-key column and every column Datasette facets on gets an index; `indexes` adds
the composite ones the canned queries of metadata.yml filter and order by.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import vocabularies as v


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, type]
    pk: str | tuple[str, ...] = "id"
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    not_null: tuple[str, ...] = ()
    facets: tuple[str, ...] = ()
    vocabularies: dict[str, dict] = field(default_factory=dict)
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def indexed_columns(self) -> list[str]:
        keys = [column for column, _, _ in self.foreign_keys]
        return list(dict.fromkeys(keys + list(self.facets)))


EVIDENCE = {"sentence_id": str, "quote": str}
EVIDENCE_FKS = (("sentence_id", "sentences", "id"), ("article_id", "articles", "id"))

TABLES = [
    Table(
        "articles",
        {"id": str, "title": str, "title_ko": str, "title_en": str, "subtitle_ko": str,
         "subtitle_en": str, "published_at": str, "updated_at": str, "publisher": str,
         "url": str, "language": str, "source_file": str, "body_ko": str},
        not_null=("title_ko", "published_at", "language", "body_ko"),
    ),
    Table(
        "sentences",
        {"id": str, "article_id": str, "paragraph": int, "position": int, "text_ko": str,
         "char_start": int, "char_end": int},
        foreign_keys=(("article_id", "articles", "id"),),
        not_null=("article_id", "paragraph", "position", "text_ko", "char_start", "char_end"),
        facets=("paragraph",),
    ),
    Table(
        "organizations",
        {"id": str, "name": str, "name_ko": str, "name_en": str, "name_zh": str,
         "country": str, "kind": str, "aliases_ko": str, "description_en": str},
        not_null=("name", "name_ko", "country", "kind"),
        facets=("country", "kind"),
        vocabularies={"country": v.COUNTRIES, "kind": v.ORGANIZATION_KINDS},
    ),
    Table(
        "people",
        {"id": str, "name": str, "name_ko": str, "name_en": str, "name_zh": str,
         "title_ko": str, "title_en": str, "organization_id": str},
        foreign_keys=(("organization_id", "organizations", "id"),),
        not_null=("name", "name_ko"),
    ),
    Table(
        "places",
        {"id": str, "name": str, "name_ko": str, "name_en": str, "name_zh": str,
         "kind": str, "country": str, "parent_id": str, "latitude": float,
         "longitude": float, "coordinates_precision": str, "organization_id": str,
         "aliases_ko": str},
        foreign_keys=(("parent_id", "places", "id"),
                      ("organization_id", "organizations", "id")),
        not_null=("name", "name_ko", "kind", "country", "latitude", "longitude"),
        facets=("kind", "country", "coordinates_precision"),
        vocabularies={"kind": v.PLACE_KINDS, "country": v.COUNTRIES,
                      "coordinates_precision": v.COORDINATE_PRECISIONS},
    ),
    Table(
        "events",
        {"id": str, "article_id": str, "title": str, "title_ko": str, "title_en": str,
         "kind": str, "start_date": str, "end_date": str, "date_basis": str,
         "time_of_day": str, "when_ko": str, "time_ko": str, "place_id": str,
         "organizer_id": str, "status": str, "parent_event_id": str,
         "description_en": str, **EVIDENCE},
        foreign_keys=(("article_id", "articles", "id"), ("place_id", "places", "id"),
                      ("organizer_id", "organizations", "id"),
                      ("parent_event_id", "events", "id"), ("sentence_id", "sentences", "id")),
        not_null=("article_id", "title", "title_ko", "kind", "date_basis", "status",
                  "sentence_id", "quote"),
        facets=("start_date", "kind", "date_basis", "time_of_day", "status"),
        # programme_on_day (a day between start and end), who_meets_whom (in date order),
        # facts_needing_care (inferred dates)
        indexes=(("start_date", "end_date", "id"), ("date_basis", "id")),
        vocabularies={"kind": v.EVENT_KINDS, "date_basis": v.DATE_BASES,
                      "time_of_day": v.TIMES_OF_DAY, "status": v.EVENT_STATUSES},
    ),
    Table(
        "event_participants",
        {"id": str, "event_id": str, "person_id": str, "organization_id": str, "role": str},
        foreign_keys=(("event_id", "events", "id"), ("person_id", "people", "id"),
                      ("organization_id", "organizations", "id")),
        not_null=("event_id", "role"),
        facets=("role",),
        # about_entity: a participant's events and roles without reading the table
        indexes=(("organization_id", "event_id", "role"), ("person_id", "event_id", "role")),
        vocabularies={"role": v.PARTICIPANT_ROLES},
    ),
    Table(
        "statistics",
        {"id": str, "article_id": str, "title": str, "indicator_ko": str,
         "indicator_en": str, "category": str, "country": str, "organization_id": str,
         "place_id": str, "value": float, "unit": str, "value_text_ko": str,
         "qualifier": str, "period": str, "period_ko": str, "rank": int,
         "rank_scope": str, "rank_ko": str, "ratio_of_id": str, "compared_to_id": str,
         "recomputed_value": float, "recomputed_agrees": int, **EVIDENCE},
        foreign_keys=(("article_id", "articles", "id"),
                      ("organization_id", "organizations", "id"),
                      ("place_id", "places", "id"), ("ratio_of_id", "statistics", "id"),
                      ("compared_to_id", "statistics", "id"),
                      ("sentence_id", "sentences", "id")),
        not_null=("article_id", "title", "indicator_ko", "category", "country",
                  "sentence_id", "quote"),
        facets=("country", "category", "unit", "period", "qualifier", "rank_scope"),
        # statistics_by_category: filtered by category and read in its order;
        # facts_needing_care (approximate figures); korea_china_comparison (the ratios in
        # period order)
        indexes=(("category", "country", "indicator_en", "period"), ("qualifier", "id"),
                 ("unit", "period", "id")),
        vocabularies={"category": v.STATISTIC_CATEGORIES, "country": v.COUNTRIES,
                      "unit": v.UNITS, "qualifier": v.QUALIFIERS, "rank_scope": v.RANK_SCOPES},
    ),
    Table(
        "policies",
        {"id": str, "article_id": str, "name": str, "name_ko": str, "name_as_written": str,
         "name_zh": str, "name_en": str, "country": str, "stance": str, "period_ko": str,
         "description_en": str, **EVIDENCE},
        foreign_keys=EVIDENCE_FKS,
        not_null=("article_id", "name", "name_ko", "country", "stance", "sentence_id",
                  "quote"),
        facets=("country", "stance"),
        vocabularies={"country": v.COUNTRIES, "stance": v.POLICY_STANCES},
    ),
    Table(
        "mous",
        {"id": str, "article_id": str, "title": str, "title_ko": str, "title_en": str,
         "status": str, "planned_date": str, "signed_date": str, "event_id": str,
         **EVIDENCE},
        foreign_keys=(("article_id", "articles", "id"), ("event_id", "events", "id"),
                      ("sentence_id", "sentences", "id")),
        not_null=("article_id", "title", "title_ko", "status", "sentence_id", "quote"),
        facets=("status",),
        vocabularies={"status": v.MOU_STATUSES},
    ),
    Table(
        "mou_parties",
        {"mou_id": str, "organization_id": str},
        pk=("mou_id", "organization_id"),
        foreign_keys=(("mou_id", "mous", "id"), ("organization_id", "organizations", "id")),
        not_null=("mou_id", "organization_id"),
        # about_entity: an organization's memoranda without reading the table
        indexes=(("organization_id", "mou_id"),),
    ),
    Table(
        "notes",
        {"id": str, "article_id": str, "kind": str, "about_table": str, "about_id": str,
         "note_en": str, **EVIDENCE},
        foreign_keys=EVIDENCE_FKS,
        not_null=("article_id", "kind", "about_table", "about_id", "note_en"),
        facets=("kind", "about_table"),
        vocabularies={"kind": v.NOTE_KINDS},
        # the notes about one record (facts_needing_care, about_entity); every note in
        # facts_needing_care's order
        indexes=(("about_table", "about_id"), ("kind", "about_table", "about_id", "id")),
    ),
    Table(
        "mentions",
        {"id": str, "article_id": str, "entity_table": str, "organization_id": str,
         "person_id": str, "place_id": str, "sentence_id": str, "quote": str},
        foreign_keys=(("article_id", "articles", "id"),
                      ("organization_id", "organizations", "id"),
                      ("person_id", "people", "id"), ("place_id", "places", "id"),
                      ("sentence_id", "sentences", "id")),
        not_null=("article_id", "entity_table", "sentence_id", "quote"),
        facets=("entity_table",),
    ),
    Table(
        "vocabulary",
        {"id": str, "table_name": str, "column_name": str, "term": str, "meaning": str},
        not_null=("table_name", "column_name", "term", "meaning"),
        facets=("table_name", "column_name"),
    ),
]
TABLES_BY_NAME = {table.name: table for table in TABLES}


def vocabulary_rows() -> list[dict]:
    """The controlled vocabularies as rows, so SQL users can join to term meanings."""
    rows = []
    for table in TABLES:
        for column, terms in table.vocabularies.items():
            for term, meaning in terms.items():
                rows.append({"id": f"{table.name}-{column}-{term}".lower().replace("_", "-"),
                             "table_name": table.name, "column_name": column,
                             "term": term, "meaning": meaning})
    return sorted(rows, key=lambda row: row["id"])
