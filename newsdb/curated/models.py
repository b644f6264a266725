"""The shape of every curated record: required fields, types and vocabularies.

Unknown fields are rejected so that a typo such as `qoute` is an error, not a silently
ignored field.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from newsdb.curated import vocabularies as v

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(min_length=1)]
SentenceKey = Annotated[str, StringConstraints(pattern=r"^p[1-9][0-9]*-s[1-9][0-9]*$")]


IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
# What `newsdb cite` writes where a summary in the curator's own words belongs; the build
# refuses it, so that no draft is accepted before a person has written every summary.
SUMMARY_PLACEHOLDER = "TO WRITE"


def _written(text: str) -> str:
    if text.strip().startswith(SUMMARY_PLACEHOLDER):
        raise ValueError("expected a summary in your own words; the draft's placeholder "
                         f"'{SUMMARY_PLACEHOLDER} ...' is still there")
    return text


OwnSummary = Annotated[str, StringConstraints(min_length=1), AfterValidator(_written)]


def on_the_calendar(value: str) -> str:
    """A publication time written in the right shape must also exist: not 2014-12-32.
    (A fact's dates are checked with their wording, in facts/rows.py.)"""
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"impossible date {value!r}: expected a real calendar date "
                         "YYYY-MM-DD, or a real time YYYY-MM-DDTHH:MM+09:00") from None
    return value


def vocabulary(terms: dict):
    return Literal[tuple(terms)]


Country = vocabulary(v.COUNTRIES)


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


class Organization(Record):
    id: Slug
    name_ko: Text
    name_en: Text | None = None
    name_zh: Text | None = None
    country: Country
    kind: vocabulary(v.ORGANIZATION_KINDS)
    aliases_ko: list[Text] = []
    description_en: Text | None = None


class Person(Record):
    id: Slug
    name_ko: Text
    name_en: Text | None = None
    name_zh: Text | None = None
    title_ko: Text | None = None
    title_en: Text | None = None
    # Further titles the person holds, as reports write them (회장 for a chairman and CEO).
    other_titles_ko: list[Text] = []
    organization: Slug | None = None
    aliases_ko: list[Text] = []


class Place(Record):
    id: Slug
    name_ko: Text
    name_en: Text | None = None
    name_zh: Text | None = None
    kind: vocabulary(v.PLACE_KINDS)
    country: Country
    parent: Slug | None = None
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    coordinates_precision: vocabulary(v.COORDINATE_PRECISIONS)
    aliases_ko: list[Text] = []
    organization: Slug | None = None


class ArticleMeta(Record):
    id: Slug
    source_file: Text
    title_en: Text | None = None
    subtitle_en: Text | None = None
    utc_offset: Annotated[str, StringConstraints(pattern=r"^[+-](0\d|1[0-4]):[0-5]\d$")]
    language: Literal["ko"]
    based_on: Slug | None = None  # the release or briefing the article reproduces
    publisher: Text | None = None
    outlet_ko: Text | None = None
    url: Text | None = None
    author_ko: Text | None = None
    drop_paragraphs: list[Text] = []


class Evidence(Record):
    sentence: SentenceKey
    quote: Text


class Participant(Record):
    person: Slug | None = None
    organization: Slug | None = None
    # A participant the report does not name: its organization and the report's words.
    description_ko: Text | None = None
    description_en: Text | None = None
    role: vocabulary(v.PARTICIPANT_ROLES)


class Claimed(Record):
    """What every report may add to a fact it states: who it cites, and whether it only
    expects it (detected from an article's quote when not given)."""
    attributed_to: Slug | None = None
    hedged: bool | None = None


class Event(Evidence, Claimed):
    id: Slug
    title_ko: Text
    title_en: Text | None = None
    kind: vocabulary(v.EVENT_KINDS)
    when_ko: Text
    when_sentence: SentenceKey | None = None
    same_day_as: Slug | None = None
    time_ko: Text | None = None
    date_basis: vocabulary(v.DATE_BASES)
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    time_of_day: vocabulary(v.TIMES_OF_DAY) | None = None
    place: Slug | None = None
    organizer: Slug | None = None
    status: vocabulary(v.EVENT_STATUSES)
    parent_event: Slug | None = None
    description_en: Text | None = None
    participants: list[Participant] = []


class Statistic(Evidence, Claimed):
    id: Slug
    indicator_ko: Text
    indicator_en: Text | None = None
    category: vocabulary(v.STATISTIC_CATEGORIES)
    country: Country
    organization: Slug | None = None
    place: Slug | None = None
    value_text_ko: Text | None = None
    value: float | None = None
    unit: vocabulary(v.UNITS) | None = None
    qualifier: vocabulary(v.QUALIFIERS) | None = None
    basis: vocabulary(v.FIGURE_BASES) | None = None
    period_ko: Text | None = None
    period_sentence: SentenceKey | None = None
    period: Text | None = None
    rank_ko: Text | None = None
    rank: int | None = Field(default=None, ge=1)
    rank_scope: vocabulary(v.RANK_SCOPES) | None = None
    ratio_of: Slug | None = None
    compared_to: Slug | None = None


class Policy(Evidence):
    id: Slug
    name_ko: Text
    name_as_written: Text | None = None
    name_zh: Text | None = None
    name_en: Text | None = None
    country: Country
    stance: vocabulary(v.POLICY_STANCES)
    period_ko: Text | None = None
    description_en: Text | None = None


class Mou(Evidence, Claimed):
    id: Slug
    title_ko: Text
    title_en: Text | None = None
    status: vocabulary(v.MOU_STATUSES)
    event: Slug | None = None
    planned_date: IsoDate | None = None
    signed_date: IsoDate | None = None
    parties: list[Slug] = Field(min_length=1)


class Note(Record):
    id: Slug
    kind: vocabulary(v.NOTE_KINDS)
    about_table: Literal[
        "articles", "sources", "sentences", "organizations", "people", "places", "events",
        "statistics", "policies", "mous", "claims",
    ]
    about_id: Text
    sentence: SentenceKey | None = None
    quote: Text | None = None
    note_en: Text


class ArticleFile(Record):
    article: dict
    events: list[dict] = []
    statistics: list[dict] = []
    policies: list[dict] = []
    mous: list[dict] = []
    notes: list[dict] = []


# Citations: reports of other outlets, held by reference. No sentence of theirs is stored:
# their facts are claims, each with a summary in our own words.

DATE_OR_TIME = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?[+-]\d{2}:\d{2})?$"
ABOUT = (r"^(events|mous|statistics|event_participants|people)/[a-z0-9]+(-[a-z0-9]+)*"
         r"(--[a-z0-9]+(-[a-z0-9]+)*)?$")
IsoDateOrTime = Annotated[str, StringConstraints(pattern=DATE_OR_TIME),
                          AfterValidator(on_the_calendar)]
About = Annotated[str, StringConstraints(pattern=ABOUT)]

# The fields a citation's claim may be about, per table; `dates` stands for start_date
# and end_date, read together from the wording.
CLAIM_FIELDS = {
    "events": ("exists", "dates", "time_of_day", "status", "place", "duration"),
    "mous": ("exists", "status", "signed_date", "planned_date"),
    "statistics": ("exists", "value"),
    "event_participants": ("exists",),
    "people": ("title_ko",),
}


class CitationMeta(Record):
    id: Slug
    # citation: another outlet's report; release: a ministry's press release; briefing:
    # an announcement known only through the reports that reproduce it (no claims).
    kind: Literal[tuple(kind for kind in v.SOURCE_KINDS if kind != "article")] = "citation"
    # The release or briefing this report reproduces (its lineage); none: its own witness.
    based_on: Slug | None = None
    outlet_ko: Text
    outlet_en: Text
    url: Text | None = None
    author_ko: Text | None = None
    published_at: IsoDateOrTime
    headline_ko: Text | None = None
    summary_en: OwnSummary


class Claim(Record):
    about: About
    field: Literal["exists", "dates", "time_of_day", "status", "place", "duration",
                   "signed_date", "planned_date", "value", "title_ko"]
    wording_ko: Text | None = None
    value: Text | None = None
    tense: vocabulary(v.CLAIM_TENSES)
    hedged: bool = False
    # The report does not state the value but implies it (a day carried over by 이어,
    # 이어서): the claim is stored with stated = 0.
    inferred: bool = False
    # The dates name the days the event falls within, not every day it runs
    # (18일과 19일 이틀간 said of one meeting).
    within: bool = False
    attributed_to: Slug | None = None
    summary_en: OwnSummary


class CitedEvent(Record):
    """An event that no held article states: its dates and status come from claims."""
    id: Slug
    title_ko: Text
    title_en: Text | None = None
    kind: vocabulary(v.EVENT_KINDS)
    place: Slug | None = None
    organizer: Slug | None = None
    parent_event: Slug | None = None
    description_en: Text | None = None
    participants: list[Participant] = []


class CitedMou(Record):
    id: Slug
    title_ko: Text
    title_en: Text | None = None
    event: Slug | None = None
    parties: list[Slug] = Field(min_length=1)


class CitedStatistic(Record):
    id: Slug
    indicator_ko: Text
    indicator_en: Text | None = None
    category: vocabulary(v.STATISTIC_CATEGORIES)
    country: Country
    organization: Slug | None = None
    unit: vocabulary(v.UNITS)
    # What the figure is per: figures on different bases are different facts.
    basis: vocabulary(v.FIGURE_BASES) | None = None
    period_ko: Text | None = None


class CitedParticipant(Participant):
    """A participant a citation adds to an event stated elsewhere."""
    event: Slug


class CitedNote(Record):
    id: Slug
    kind: vocabulary(v.NOTE_KINDS)
    about_table: Literal["sources", "events", "statistics", "mous", "organizations",
                         "people", "places", "claims"]
    about_id: Text
    note_en: Text


class CitationFile(Record):
    citation: dict
    events: list[dict] = []
    mous: list[dict] = []
    statistics: list[dict] = []
    participants: list[dict] = []
    claims: list[dict] = []  # at least one, except for a briefing (newsdb/curated/reader.py)
    notes: list[dict] = []
