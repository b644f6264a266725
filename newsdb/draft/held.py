"""The facts and reports the curated sources already hold, as a citation draft compares
them with a new report: events with their participants and every span of days a report
gave them, memoranda with their parties, figures with their values, and each report's
outlet, URL and day. Read through newsdb.curated (the draft never imports a later stage).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from newsdb.curated.problems import Problems
from newsdb.curated.reader import read_sources
from newsdb.korean.dates import resolve_event_date
from newsdb.korean.numbers import parse_korean_range


@dataclass
class HeldEvent:
    id: str
    kind: str
    title_ko: str
    place: str | None
    parent: str | None
    entities: set[str] = field(default_factory=set)  # people, organizations and places
    participants: set[str] = field(default_factory=set)  # '<event>--<entity>' that exist
    spans: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    declared_in: str = ""


@dataclass
class HeldMou:
    id: str
    title_ko: str
    parties: set[str]
    event: str | None
    declared_in: str = ""


@dataclass
class HeldStatistic:
    id: str
    indicator_ko: str
    unit: str | None
    country: str
    values: set[float] = field(default_factory=set)
    declared_in: str = ""


@dataclass
class HeldReport:
    id: str
    kind: str  # article | citation
    outlet_ko: str | None
    url: str | None
    day: str
    headline_ko: str | None
    file: str


@dataclass
class Held:
    events: dict[str, HeldEvent]
    mous: dict[str, HeldMou]
    statistics: dict[str, HeldStatistic]
    reports: list[HeldReport]


def read_held(root: Path) -> Held:
    problems = Problems()
    sources = read_sources(root, problems)
    articles = list(sources.articles)  # read now: their problems are found as they are
    if problems:
        raise ValueError(f"the sources in {root} have problems: run newsdb check")
    held = Held({}, {}, {}, [])
    for article in articles:
        _article(held, article)
    for citation in sources.citations:
        _citation(held, citation)
    for citation in sources.citations:  # claims may be about a fact another citation declares
        published = dt.date.fromisoformat(citation.meta.published_at[:10])
        for curated in citation.sections["claims"]:
            _claim(held, curated.record, published)
    return held


def _article(held: Held, article) -> None:
    published = dt.date.fromisoformat(article.text.published_at[:10])
    held.reports.append(HeldReport(article.meta.id, "article", None, None, published.isoformat(),
                                   article.text.title_ko, article.file))
    events = {c.record.id: c.record for c in article.sections["events"]}
    starts: dict[str, dt.date] = {}
    for event in events.values():  # a '이날' event is dated by the one it names
        anchor = starts.get(event.same_day_as) if event.same_day_as else None
        try:
            span = resolve_event_date(event.when_ko, published, same_day=anchor)
        except ValueError:
            span = None
        entities = {p.person or p.organization for p in event.participants} - {None}
        entities |= {event.place, event.organizer} - {None}
        held_event = HeldEvent(event.id, event.kind, event.title_ko, event.place,
                               event.parent_event, entities,
                               {f"{event.id}--{p.person or p.organization}" for p in event.participants
                                if p.person or p.organization}, [], article.file)
        if span is not None:
            starts[event.id] = span.start
            held_event.spans.append((span.start, span.end))
        held.events[event.id] = held_event
    for curated in article.sections["mous"]:
        mou = curated.record
        held.mous[mou.id] = HeldMou(mou.id, mou.title_ko, set(mou.parties), mou.event, article.file)
    for curated in article.sections["statistics"]:
        stat = curated.record
        values = {stat.value} if stat.value is not None else set()
        held.statistics[stat.id] = HeldStatistic(stat.id, stat.indicator_ko, stat.unit, stat.country,
                                                 values, article.file)


def _citation(held: Held, citation) -> None:
    meta = citation.meta
    published = dt.date.fromisoformat(meta.published_at[:10])
    held.reports.append(HeldReport(meta.id, "citation", meta.outlet_ko, meta.url,
                                   published.isoformat(), meta.headline_ko, citation.file))
    for curated in citation.sections["events"]:
        event = curated.record
        entities = {p.person or p.organization for p in event.participants} - {None}
        held.events[event.id] = HeldEvent(
            event.id, event.kind, event.title_ko, event.place, event.parent_event,
            entities | ({event.place, event.organizer} - {None}),
            {f"{event.id}--{p.person or p.organization}" for p in event.participants
             if p.person or p.organization}, [], citation.file)
    for curated in citation.sections["mous"]:
        mou = curated.record
        held.mous[mou.id] = HeldMou(mou.id, mou.title_ko, set(mou.parties), mou.event, citation.file)
    for curated in citation.sections["statistics"]:
        stat = curated.record
        held.statistics[stat.id] = HeldStatistic(stat.id, stat.indicator_ko, stat.unit, stat.country,
                                                 set(), citation.file)
    for curated in citation.sections["participants"]:
        part = curated.record
        entity = part.person or part.organization
        if part.event in held.events and entity:
            held.events[part.event].participants.add(f"{part.event}--{entity}")
            held.events[part.event].entities.add(entity)


def _claim(held: Held, claim, published: dt.date) -> None:
    table, about = claim.about.split("/", 1)
    try:
        if table == "events" and claim.field == "dates" and about in held.events:
            span = resolve_event_date(claim.wording_ko, published)
            held.events[about].spans.append((span.start, span.end))
        elif table == "statistics" and claim.field == "value" and about in held.statistics:
            parsed = parse_korean_range(claim.wording_ko)
            held.statistics[about].values |= {parsed.value_low, parsed.value_high}
    except (ValueError, TypeError):
        pass  # the build reports it
    if table == "event_participants":
        event = about.split("--")[0]
        if event in held.events:
            held.events[event].participants.add(about)
