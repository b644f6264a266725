"""The public SQL contract of ../shared/SCHEMA.md, as data the tests check against."""

COLUMNS = {
    "articles": ["id", "title_ko", "title_en", "subtitle_ko", "published_at", "updated_at",
                 "publisher", "url", "language", "body_ko"],
    "sentences": ["id", "article_id", "paragraph", "position", "text_ko", "char_start",
                  "char_end"],
    "organizations": ["id", "name_ko", "name_en", "name_zh", "country", "kind",
                      "description_en"],
    "people": ["id", "name_ko", "name_en", "name_zh", "title_ko", "title_en",
               "organization_id"],
    "places": ["id", "name_ko", "name_en", "name_zh", "kind", "country", "parent_id",
               "latitude", "longitude"],
    "events": ["id", "article_id", "title_ko", "title_en", "kind", "start_date", "end_date",
               "date_basis", "time_of_day", "place_id", "organizer_id", "status",
               "description_en", "sentence_id", "quote"],
    "event_participants": ["event_id", "person_id", "organization_id", "role"],
    "statistics": ["id", "article_id", "indicator_ko", "indicator_en", "category",
                   "country", "organization_id", "value", "unit", "value_text_ko",
                   "qualifier", "period", "rank", "rank_scope", "compared_to_id",
                   "sentence_id", "quote"],
    "mous": ["id", "article_id", "title_ko", "title_en", "status", "planned_date",
             "signed_date", "event_id", "sentence_id", "quote"],
    "mou_parties": ["mou_id", "organization_id"],
    "notes": ["id", "article_id", "about_table", "about_id", "note_en", "quote"],
}

FOREIGN_KEYS = {
    ("sentences", "article_id", "articles"),
    ("people", "organization_id", "organizations"),
    ("places", "parent_id", "places"),
    ("events", "place_id", "places"),
    ("events", "organizer_id", "organizations"),
    ("events", "sentence_id", "sentences"),
    ("event_participants", "event_id", "events"),
    ("event_participants", "person_id", "people"),
    ("event_participants", "organization_id", "organizations"),
    ("statistics", "organization_id", "organizations"),
    ("statistics", "compared_to_id", "statistics"),
    ("mous", "event_id", "events"),
    ("mou_parties", "mou_id", "mous"),
    ("mou_parties", "organization_id", "organizations"),
}

VOCABULARIES = {
    ("events", "date_basis"): {"stated", "inferred"},
    ("events", "time_of_day"): {"morning", "afternoon", "evening"},
    ("events", "status"): {"planned", "held", "cancelled"},
    ("statistics", "qualifier"): {"exact", "approx", "more_than", "less_than"},
    ("mous", "status"): {"planned", "signed"},
}

LABEL_COLUMNS = {"organizations": "name", "people": "name", "places": "name",
                 "events": "title", "statistics": "title", "mous": "title",
                 "articles": "title"}


def checkout_site() -> dict:
    """The site's metadata as a build of this checkout stores and the plugin serves it:
    metadata.yml's prose completed from the registry."""
    from pathlib import Path

    from newsdb.site.metadata import read_metadata, site_metadata

    return site_metadata(read_metadata(Path(__file__).resolve().parent.parent / "metadata.yml"))
