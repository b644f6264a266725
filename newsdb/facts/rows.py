"""Check curated records against the article and each other, and compute table rows.

Every value that the article words (dates, numbers, periods, ranks) is computed here by
the tested parsers; a curated value that disagrees with its wording is a problem.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from ahocorasick_rs import AhoCorasick, MatchKind

from newsdb.korean.dates import resolve_event_date, resolve_period
from newsdb.korean.numbers import parse_korean_number, parse_rank, recompute_ratio
from newsdb.facts import claims as claims_
from newsdb.curated.problems import Problems
from newsdb.facts.origins import Origins
from newsdb.curated.progress import progress
from newsdb.facts.references import (DeclaredIds, Unsettled, _is_unknown, _json_list, _label,
                                     _reference)
from newsdb.facts.table_rows import id_lookup, picked, row_ids, rows_where, values_where
from newsdb.curated.reader import Article, Citation, Curated, Sources
from newsdb.curated.yaml_source import line_of

# Rough bounding boxes (south, west, north, east) that catch swapped or mistyped
# coordinates; they are not borders.
COUNTRY_BOUNDS = {
    "CN": (18.0, 73.0, 54.0, 135.5),
    "KR": (33.0, 124.5, 38.7, 132.0),
}
FACT_TABLES = ("events", "statistics", "policies", "mous", "notes")
# The facts a citation may introduce, by the section of its file that declares them.
CITED_FACTS = {"events": "events", "statistics": "statistics", "mous": "mous",
               "notes": "notes"}


def build_rows(sources: Sources, problems: Problems,
               origins: Origins | None = None, make_table=None,
               make_ids=None) -> dict[str, list[dict]]:
    """All table rows, in a stable order, or partial rows when problems were found.
    `origins` is given the file, line and record of each row. `make_table(name)` gives
    the container of a table the reports fill (a list by default; the build stages some
    outside its memory, store/staging.py): it has a list's append, extend, len, sort and
    iteration, and may have flush(), called once a report's rows have their origins.
    `make_ids(name)` gives the ids a fact table's reports declare (a DeclaredIds by
    default; the build's are staged too)."""
    origins = origins if origins is not None else Origins()
    # The look-ups that made the rows (every id, by table) are gone by reconciliation,
    # the peak of the build's memory: they are _report_rows' own.
    make_table = make_table or (lambda name: [])
    tables, book = _report_rows(sources, problems, origins, make_table,
                                make_ids or (lambda name: DeclaredIds()))
    conflicts = tables["conflicts"] = make_table("conflicts")
    if not problems:
        # Reconciliation needs every claim read and every reference known.
        declared_at = {(table, curated.record.id): curated for citation in sources.citations
                       for table in ("events", "mous")
                       for curated in citation.sections[table]}

        def keep(found: list[dict]) -> None:
            """A batch of conflicts, with the origins of their claims, into their table."""
            mark = origins.mark()
            _note_conflict_origins(found, book.rows, origins)
            conflicts.extend(found)
            _flush([conflicts], origins, mark)

        claims_.reconcile_facts(tables, book, problems, declared_at, keep)
    for rows in tables.values():
        rows.sort(key=lambda row: row["id"] if "id" in row else tuple(row.values()))
    return tables


def _report_rows(sources: Sources, problems: Problems, origins: Origins,
                 make_table, make_ids) -> tuple[dict[str, list[dict]], claims_.ClaimBook]:
    """Every row the registries and reports make, and their claims, checked against
    each other; not yet reconciled."""
    registries = sources.registries
    ids = {name: sources.declared.get(name, set(records))
           for name, records in registries.items()}
    tables: dict[str, list[dict]] = {
        "organizations": [_organization_row(c.record) for c in _sorted(registries["organizations"])],
        "people": [_person_row(c, ids, problems) for c in _sorted(registries["people"])],
        "places": [_place_row(c, ids, problems) for c in _sorted(registries["places"])],
    }
    for name in ("organizations", "people", "places"):
        for curated, row in zip(_sorted(registries[name]), tables[name]):
            origins.note(row, curated.file, curated.line, curated.record.id)
    _check_place_cycles(registries["places"], problems)
    for name in ("articles", "sources", "sentences", *FACT_TABLES, "event_participants",
                 "mou_parties", "mentions"):
        tables[name] = make_table(name)
    # The ids each report declares (and where first), asked of by the reports after it.
    fact_ids = {name: make_ids(name) for name in FACT_TABLES}
    source_ids = make_ids("sources")
    # Each article is read as it is reached and let go once its rows are made: a fact
    # it names that no report read so far declares is looked up once every report is.
    unsettled = {name: Unsettled(fact_ids[name]) for name in FACT_TABLES}
    all_ids = {**ids, **unsettled}
    # What the checks made once every row is known need of the reports.
    based_on: list[tuple] = []
    notes: list[NoteReference] = []
    finder = MentionFinder(registries)
    book = claims_.ClaimBook(problems, origins,
                             {row["id"]: row["kind"] for row in tables["places"]},
                             make_table("claims"))
    filled = {**tables, "claims": book.rows}  # the tables a report's rows go to
    for article in progress(sources.articles, "reading and checking articles",
                            total=len(sources.articles), unit="article"):
        noted = _check_report(article, fact_ids, source_ids, based_on, problems)
        for name, known in unsettled.items():
            known.seen.see(article.declared.get(name, ()))
        # A note about a fact or a registry's row known by now is known at the end.
        noted = [note for note in noted if not _known_now(note, all_ids)]
        before = {name: len(rows) for name, rows in filled.items()}
        mark = origins.mark()
        _add_article(article, tables, all_ids, problems, book)
        tables["mentions"].extend(finder.rows(article))
        tables["sources"].append(claims_.article_source_row(article))
        # So is one about a row of this report's own (its sentence, a claim of it).
        notes.extend(_not_among(noted, filled, before))
        _note_origins(tables, before, article, origins)
        _flush(list(filled.values()), origins, mark)
        _check_inferences_noted(article, problems)
    for citation in sources.citations:
        notes.extend(_check_report(citation, fact_ids, source_ids, based_on, problems))
    # Ids written in a report count as known even when their record is invalid.
    unread = sources.unread
    for name, known in unsettled.items():
        declared = None if name in unread and unread[name] is None else fact_ids[name]
        if declared is not None:
            for citation in sources.citations:
                declared.see(citation.declared.get(name, ()))
            declared.see(unread.get(name) or ())
        known.settle(name, declared, problems)
        all_ids[name] = declared
    del fact_ids
    for citation in sources.citations:
        before = {name: len(rows) for name, rows in tables.items()}
        tables["sources"].append(claims_.citation_source_row(citation))
        for name, rows in _citation_fact_rows(citation, all_ids, problems, origins).items():
            tables[name].extend(rows)
        _note_origins(tables, before, citation, origins)
    # Asked only of the few ids citations and notes name: a look-up, not a set of every
    # sentence.
    all_ids["articles"] = id_lookup(tables["articles"])
    all_ids["sentences"] = id_lookup(tables["sentences"])
    all_ids["sources"] = id_lookup(tables["sources"])
    _check_lineage(based_on, tables["sources"], problems)
    all_ids["event_participants"] = id_lookup(tables["event_participants"])
    built = claims_.built_facts(tables)
    for citation in sources.citations:
        mark = origins.mark()
        claims_.add_citation_claims(book, citation, built, all_ids, problems)
        _flush([book.rows], origins, mark)
    book.close()
    # Of the claims' ids, those a note is about: a million at 10,000 articles.
    all_ids["claims"] = row_ids(book.rows, {note.about_id for note in notes
                                            if note.about_table == "claims"})
    _check_notes(notes, all_ids, problems)
    tables["claims"] = book.rows
    return tables, book


def _flush(tables: list, origins: Origins, mark: int) -> None:
    """The tables staged outside memory take a report's rows once their origins are
    noted; the rows they took are let go (a list has no flush: its rows stay)."""
    for rows in tables:
        flush = getattr(rows, "flush", None)
        if flush is not None:
            flush()
    origins.compact(mark)


def _note_conflict_origins(conflicts: list[dict], claims: list[dict],
                           origins: Origins) -> None:
    """A conflict comes from where its claim was written. Its claim is looked up by the
    fact and field both are about (every conflict is about its claim's; claims are
    indexed so in the staging file)."""
    about = {picked(row, claims_.ABOUT) for row in conflicts}
    claim_rows = {row["id"]: row for row in rows_where(claims, claims_.ABOUT, about)}
    for row in conflicts:
        where = origins.of(claim_rows.get(row["claim_id"], {}))
        if where:
            origins.note(row, where.file, where.line, where.record)


def _note_origins(tables: dict[str, list[dict]], before: dict[str, int], report,
                  origins: Origins) -> None:
    """The rows a report added come from its file: from the record they are (or belong
    to, for a participant or a party) where there is one, else from the report itself."""
    records = {curated.record.id: curated for section in report.sections.values()
               for curated in section if isinstance(getattr(curated.record, "id", None), str)}
    report_line = report.line_of("id") if hasattr(report, "raw") else None
    for name, rows in tables.items():
        for row in rows[before.get(name, 0):]:
            owner = next((records[row[key]] for key in ("id", "event_id", "mou_id")
                          if isinstance(row.get(key), str) and row[key] in records), None)
            if owner is None:
                origins.note(row, report.file, report_line, report.meta.id)
            else:
                origins.note(row, owner.file, owner.line, owner.record.id)


def _based_on(report) -> tuple[str, int | None, str, str]:
    """A report's based_on with where it is written: file, line, report id, the id."""
    line = report.line_of("based_on") if hasattr(report, "raw") else None
    return report.file, line, report.meta.id, report.meta.based_on


def _check_lineage(based_on: list[tuple], sources: list[dict], problems: Problems) -> None:
    """based_on names a release or briefing that the sources hold."""
    named = {(source_id,) for *_, source_id in based_on}
    kinds = dict(values_where(sources, ("id", "kind"), ("id",), named))
    for file, line, report_id, source_id in based_on:
        if kinds.get(source_id) not in ("release", "briefing"):
            found = (f"'{source_id}' is a source of kind {kinds[source_id]}"
                     if source_id in kinds else f"unknown source '{source_id}'")
            problems.add(file, line, report_id, "based_on",
                         f"{found}: expected the id of a release or briefing "
                         "(a citation file with kind: release or kind: briefing)")


def _sorted(records: dict[str, Curated]) -> list[Curated]:
    return [records[key] for key in sorted(records)]


# Registries -------------------------------------------------------------------------

def _organization_row(org) -> dict:
    return {
        "id": org.id, "name": _label(org.name_en, org.name_ko), "name_ko": org.name_ko,
        "name_en": org.name_en, "name_zh": org.name_zh, "country": org.country,
        "kind": org.kind, "aliases_ko": _json_list(org.aliases_ko),
        "description_en": org.description_en,
    }


def _person_row(curated: Curated, ids, problems: Problems) -> dict:
    person = curated.record
    return {
        "id": person.id, "name": _label(person.name_en, person.name_ko),
        "name_ko": person.name_ko, "name_en": person.name_en, "name_zh": person.name_zh,
        "title_ko": person.title_ko, "title_en": person.title_en,
        "other_titles_ko": _json_list(person.other_titles_ko),
        "organization_id": _reference(curated, "organization", person.organization,
                                      "organizations", ids, problems),
    }


def _place_row(curated: Curated, ids, problems: Problems) -> dict:
    place = curated.record
    south, west, north, east = COUNTRY_BOUNDS[place.country]
    if not (south <= place.latitude <= north and west <= place.longitude <= east):
        problems.add(curated.file, curated.line_of("latitude"), place.id, "latitude",
                     f"coordinates ({place.latitude}, {place.longitude}) are outside "
                     f"{place.country} (expected latitude {south}..{north}, "
                     f"longitude {west}..{east}); are latitude and longitude swapped?")
    return {
        "id": place.id, "name": _label(place.name_en, place.name_ko),
        "name_ko": place.name_ko, "name_en": place.name_en, "name_zh": place.name_zh,
        "kind": place.kind, "country": place.country,
        "parent_id": _reference(curated, "parent", place.parent, "places", ids, problems),
        "latitude": place.latitude, "longitude": place.longitude,
        "coordinates_precision": place.coordinates_precision,
        "organization_id": _reference(curated, "organization", place.organization,
                                      "organizations", ids, problems),
        "aliases_ko": _json_list(place.aliases_ko),
    }


def _check_place_cycles(places: dict[str, Curated], problems: Problems) -> None:
    for place_id, curated in places.items():
        seen, current = {place_id}, curated.record.parent
        while current in places:
            if current in seen:
                problems.add(curated.file, curated.line_of("parent"), place_id, "parent",
                             "parent places form a cycle: expected a chain ending at a "
                             "place without a parent")
                break
            seen.add(current)
            current = places[current].record.parent


class MentionFinder:
    """Finds where each registry entity is named, so that every organization, person and
    place points to the sentences that name it, quoted verbatim."""

    COLUMNS = {"organizations": "organization_id", "people": "person_id", "places": "place_id"}

    def __init__(self, registries: dict[str, dict[str, Curated]]):
        self.entities: dict[str, list[tuple[str, str]]] = {}
        for table in self.COLUMNS:
            for curated in registries[table].values():
                record = curated.record
                for name in (record.name_ko, *record.aliases_ko):
                    self.entities.setdefault(name, []).append((table, record.id))
        # Leftmost-longest matching, so '상해 3세대 싱크로트론 방사광원' is the facility,
        # not the city; one Aho-Corasick automaton scans each sentence once whatever the
        # registry size (a regex alternation of the names tried each name at every
        # position: a tenth of the build at 1,000 articles).
        names = sorted(self.entities)
        self.finder = AhoCorasick(names, matchkind=MatchKind.LeftmostLongest) if names else None

    def rows(self, article: Article) -> list[dict]:
        if self.finder is None:
            return []
        rows = {}
        for sentence in article.sentences.values():
            sentence_id = f"{article.meta.id}-{sentence.key}"
            for name in self.finder.find_matches_as_strings(sentence.text):
                for table, entity_id in self.entities[name]:
                    row_id = f"{sentence_id}--{table}-{entity_id}"
                    row = {"id": row_id, "article_id": article.meta.id, "entity_table": table,
                           "organization_id": None, "person_id": None, "place_id": None,
                           "sentence_id": sentence_id, "quote": name}
                    row[self.COLUMNS[table]] = entity_id
                    rows.setdefault(row_id, row)
        return list(rows.values())


# Articles ---------------------------------------------------------------------------

def _check_unique_across_articles(report, fact_ids, problems: Problems) -> None:
    """A fact is declared once, by one article or citation; the others claim about it."""
    for table in FACT_TABLES:
        records = report.sections.get(table, ())
        earlier = fact_ids[table].declare([(c.record.id, c.file) for c in records])
        for curated in records:
            first = earlier.get(curated.record.id)
            if first:
                problems.add(curated.file, curated.line_of("id"), curated.record.id, "id",
                             f"duplicate id: already used in {first}")


def _check_unique_source(report, seen, problems: Problems) -> None:
    """`seen`: the source ids of the reports before, as DeclaredIds (or staged)."""
    earlier = seen.declare([(report.meta.id, report.file)])
    if earlier:
        problems.add(report.file, report.line_of("id") if hasattr(report, "raw") else None,
                     report.meta.id, "id",
                     f"duplicate source id: already used in {earlier[report.meta.id]}")


def _check_report(report, fact_ids, source_ids, based_on: list[tuple],
                  problems: Problems) -> list[NoteReference]:
    """A report's ids against those of the reports before it; what the checks made
    once every row is known need of it is kept (its based_on) or returned (its
    notes' references)."""
    _check_unique_across_articles(report, fact_ids, problems)
    _check_unique_source(report, source_ids, problems)
    if report.meta.based_on is not None:
        based_on.append(_based_on(report))
    # What the check of a note's reference needs, not the note: held for every note of
    # every report, the records were a quarter of the peak of making the rows.
    return [NoteReference(c.record.about_table, c.record.about_id, c.file,
                          c.line_of("about_id"), c.record.id)
            for c in report.sections.get("notes", ())]


def _add_article(article: Article, tables, ids, problems: Problems,
                 book: claims_.ClaimBook) -> None:
    meta, text = article.meta, article.text
    tables["articles"].append({
        "id": meta.id, "title": _label(meta.title_en, text.title_ko),
        "title_ko": text.title_ko, "title_en": meta.title_en,
        "subtitle_ko": text.subtitle_ko, "subtitle_en": meta.subtitle_en,
        "published_at": text.published_at, "updated_at": text.updated_at,
        "publisher": meta.publisher, "author_ko": meta.author_ko, "url": meta.url,
        "language": meta.language, "source_file": meta.source_file, "body_ko": text.body_ko,
    })
    for sentence in article.sentences.values():
        tables["sentences"].append({
            "id": f"{meta.id}-{sentence.key}", "article_id": meta.id,
            "paragraph": sentence.paragraph, "position": sentence.position,
            "text_ko": sentence.text, "char_start": sentence.char_start,
            "char_end": sentence.char_end,
        })
    published = dt.date.fromisoformat(text.published_at[:10])
    event_dates = _resolve_event_dates(article, published, problems)
    statistics = {c.record.id: c for c in article.sections["statistics"]}
    for curated in article.sections["events"]:
        row = _event_row(curated, ids, problems, article, event_dates)
        participants = _participant_rows(curated, ids, problems)
        tables["events"].append(row)
        tables["event_participants"].extend(participants)
        claims_.add_event_claims(book, article, curated, row, participants)
    for curated in article.sections["statistics"]:
        row = _statistic_row(curated, published, ids, problems, article, statistics)
        tables["statistics"].append(row)
        claims_.add_statistic_claims(book, article, curated, row)
    for curated in article.sections["policies"]:
        tables["policies"].append(_policy_row(article, curated, problems))
    for curated in article.sections["mous"]:
        row = _mou_row(curated, ids, problems, article, event_dates)
        tables["mous"].append(row)
        claims_.add_mou_claims(book, article, curated, row)
        tables["mou_parties"].extend(
            {"mou_id": row["id"],
             "organization_id": _reference(curated, "parties", party, "organizations", ids,
                                           problems)}
            for party in dict.fromkeys(curated.record.parties))
    for curated in article.sections["notes"]:
        tables["notes"].append(_note_row(article, curated, problems))


def _evidence(article: Article, curated: Curated, problems: Problems,
              sentence_field: str = "sentence", quote_field: str = "quote") -> dict:
    """Check that the quote occurs, character for character, in the named sentence."""
    record = curated.record
    key, quote = getattr(record, sentence_field), getattr(record, quote_field)
    if key is None:
        if quote is not None and quote not in article.text.body_ko:
            problems.add(curated.file, curated.line_of(quote_field), record.id, quote_field,
                         "quote does not occur in the article body: expected a verbatim "
                         "excerpt")
        return {"sentence_id": None, "quote": quote}
    sentence = _sentence(article, curated, sentence_field, key, problems)
    if sentence is not None and quote is not None and quote not in sentence.text:
        elsewhere = [k for k, s in article.sentences.items() if quote in s.text]
        hint = (f"; it occurs in {', '.join(elsewhere)}" if elsewhere
                else "; it does not occur anywhere in the article body")
        problems.add(curated.file, curated.line_of(quote_field), record.id, quote_field,
                     f"quote is not in sentence {key}: expected a verbatim excerpt of that "
                     f"sentence{hint}")
    return {"sentence_id": f"{article.meta.id}-{key}", "quote": quote}


def _sentence(article: Article, curated: Curated, field: str, key: str, problems: Problems):
    sentence = article.sentences.get(key)
    if sentence is None:
        last = list(article.sentences)[-1]
        problems.add(curated.file, curated.line_of(field), curated.record.id, field,
                     f"unknown sentence '{key}': expected a key from p1-s1 to {last}")
    return sentence


def _wording_in(article: Article, curated: Curated, field: str, wording: str | None,
                key: str, problems: Problems) -> bool:
    """The article's wording must occur in the sentence it is read from."""
    if wording is None:
        return False
    sentence = article.sentences.get(key)
    if sentence is None:
        return False
    if wording not in sentence.text:
        problems.add(curated.file, curated.line_of(field), curated.record.id, field,
                     f"'{wording}' does not occur in sentence {key}: expected the article's "
                     "own wording")
        return False
    return True


def _check_computed(curated: Curated, field: str, computed, source_field: str,
                    problems: Problems) -> None:
    curated_value = getattr(curated.record, field)
    if curated_value is None or curated_value == computed:
        return
    problems.add(curated.file, curated.line_of(field), curated.record.id, field,
                 f"curated value {curated_value!r} disagrees with {computed!r} computed from "
                 f"{source_field} {getattr(curated.record, source_field)!r}")


# Events -----------------------------------------------------------------------------

def _resolve_event_dates(article: Article, published: dt.date, problems: Problems) -> dict:
    """Dates of every event, resolving '이날' (that day) through same_day_as."""
    events = {c.record.id: c for c in article.sections["events"]}
    resolved: dict[str, tuple | None] = {}
    for event_id in events:
        _resolve_event(event_id, (), events, resolved, article, published, problems)
    return resolved


def _resolve_event(event_id: str, chain: tuple, events: dict[str, Curated],
                   resolved: dict[str, tuple | None], article: Article, published: dt.date,
                   problems: Problems) -> tuple | None:
    """One event's dates, its same_day_as anchor's first. A function of its own, not a
    closure calling itself: that closure was a reference cycle holding the article, and
    the build reads with the cyclic collector paused."""
    if event_id in resolved:
        return resolved[event_id]
    curated = events[event_id]
    event = curated.record
    anchor = None
    if event.same_day_as is not None:
        declared = event.same_day_as in article.declared.get("events", ())
        if event.same_day_as not in events or event.same_day_as in chain:
            if not declared or event.same_day_as in chain:
                problems.add(curated.file, curated.line_of("same_day_as"), event.id,
                             "same_day_as", f"expected an earlier event of this "
                             f"article, got '{event.same_day_as}'")
            resolved[event_id] = None
            return None
        anchor_dates = _resolve_event(event.same_day_as, chain + (event_id,), events,
                                      resolved, article, published, problems)
        if anchor_dates is None:
            # The anchor event's own problem is reported; without its date '이날'
            # cannot be resolved, and saying so again would only add noise.
            resolved[event_id] = None
            return None
        anchor = dt.date.fromisoformat(anchor_dates[0])
    resolved[event_id] = _event_dates(article, curated, published, anchor, problems)
    return resolved[event_id]


def _event_dates(article, curated: Curated, published, anchor, problems: Problems):
    event = curated.record
    when_key = event.when_sentence or event.sentence
    if event.when_sentence:
        _sentence(article, curated, "when_sentence", event.when_sentence, problems)
    if not _wording_in(article, curated, "when_ko", event.when_ko, when_key, problems):
        return None
    try:
        span = resolve_event_date(event.when_ko, published, same_day=anchor)
    except ValueError as error:
        problems.add(curated.file, curated.line_of("when_ko"), event.id, "when_ko",
                     f"cannot resolve the date: {error}")
        return None
    time_of_day = span.time_of_day
    if event.time_ko is not None:
        if not _wording_in(article, curated, "time_ko", event.time_ko, event.sentence,
                           problems):
            return None
        try:
            time_of_day = resolve_event_date(event.time_ko, published,
                                             same_day=span.start).time_of_day
        except ValueError as error:
            problems.add(curated.file, curated.line_of("time_ko"), event.id, "time_ko",
                         f"cannot resolve the time of day: {error}")
            return None
    start, end = span.start.isoformat(), span.end.isoformat()
    impossible = _check_iso_dates(curated, ("start_date", "end_date"), problems)
    for field, computed in (("start_date", start), ("end_date", end)):
        if field not in impossible:
            _check_computed(curated, field, computed, "when_ko", problems)
    _check_computed(curated, "time_of_day", time_of_day, "time_ko", problems)
    if event.date_basis == "stated" and event.when_sentence not in (None, event.sentence):
        problems.add(curated.file, curated.line_of("date_basis"), event.id, "date_basis",
                     "a date read from another sentence (when_sentence) is 'inferred', "
                     "not 'stated'")
    return start, end, time_of_day


def _check_iso_dates(curated: Curated, fields, problems: Problems) -> set[str]:
    """Report and return the fields holding a date that does not exist (2014-02-30)."""
    impossible = set()
    for field in fields:
        value = getattr(curated.record, field)
        if value is None:
            continue
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            impossible.add(field)
            problems.add(curated.file, curated.line_of(field), curated.record.id, field,
                         f"impossible date {value!r}: expected a real calendar date "
                         "YYYY-MM-DD")
    return impossible


def _event_row(curated: Curated, ids, problems: Problems, article=None,
               event_dates=None) -> dict:
    """An event's row, from a held article's record (with its dates, status, wording and
    evidence) or from a citation's (which declares the event only: its dates and status
    are filled in from the claims by reconciliation, newsdb/facts/claims.py)."""
    event = curated.record
    held = article is not None
    start, end, time_of_day = (event_dates or {}).get(event.id) or (None, None, None)
    if held and event.parent_event == event.id:
        problems.add(curated.file, curated.line_of("parent_event"), event.id,
                     "parent_event", "an event cannot be its own parent")
    return {
        "id": event.id, "article_id": article.meta.id if held else None,
        "title": _label(event.title_en, event.title_ko),
        "title_ko": event.title_ko, "title_en": event.title_en, "kind": event.kind,
        "start_date": start, "end_date": end,
        "date_basis": event.date_basis if held else "stated",
        "time_of_day": time_of_day,
        "when_ko": event.when_ko if held else None, "time_ko": event.time_ko if held else None,
        "place_id": _reference(curated, "place", event.place, "places", ids, problems),
        "organizer_id": _reference(curated, "organizer", event.organizer, "organizations",
                                   ids, problems),
        "status": event.status if held else None,
        "parent_event_id": _reference(curated, "parent_event", event.parent_event, "events",
                                      ids, problems),
        "description_en": event.description_en,
        **(_evidence(article, curated, problems) if held
           else {"sentence_id": None, "quote": None}),
        # Worked out again from every report's claims (newsdb/facts/claims.py).
        "date_precision": None if not held else "within" if event.date_basis == "inferred"
        else "day" if start == end else "span",
        "source_count": 0, "independent_count": 0, "disputed": 0,
        "duration_minutes": None, "status_as_of": None,
    }


def _participant_rows(curated: Curated, ids, problems: Problems) -> list[dict]:
    event = curated.record
    rows = [row for index, participant in enumerate(event.participants)
            if (row := _participant_row(curated, event.id, participant, index, ids, problems))]
    seen = set()
    for row in rows:
        if row["id"] in seen:
            problems.add(curated.file, curated.line_of("participants"), event.id,
                         "participants", f"'{row['id'].split('--')[1]}' is listed twice")
        seen.add(row["id"])
    return rows


# Statistics -------------------------------------------------------------------------

def _statistic_row(curated: Curated, published, ids, problems: Problems, article=None,
                   statistics=None) -> dict:
    """A figure's row, from a held article's record (its value, rank, period and ratio
    computed from the article's wording, with the evidence) or from a citation's (which
    declares the figure only: its value is filled in from the claims by reconciliation)."""
    stat = curated.record
    held = article is not None
    number = _statistic_number(article, curated, problems) if held else None
    rank, scope = _statistic_rank(article, curated, problems) if held else (None, None)
    period = (_statistic_period(article, curated, published, problems) if held
              else _cited_period(curated, published, problems))
    recomputed, agrees = (_recomputed_ratio(curated, number, statistics, problems) if held
                          else (None, None))
    label_period = f", {period}" if period else ""
    return {
        "id": stat.id, "article_id": article.meta.id if held else None,
        "title": f"{stat.country}: {stat.indicator_en or stat.indicator_ko}{label_period}",
        "indicator_ko": stat.indicator_ko, "indicator_en": stat.indicator_en,
        "category": stat.category, "country": stat.country,
        "organization_id": _reference(curated, "organization", stat.organization,
                                      "organizations", ids, problems),
        "place_id": _reference(curated, "place", stat.place, "places", ids, problems)
        if held else None,
        "value": number.value if number else None,
        "unit": (number.unit if number else None) if held else stat.unit,
        "value_text_ko": stat.value_text_ko if held else None,
        "qualifier": number.qualifier if number else None,
        "period": period, "period_ko": stat.period_ko,
        "rank": rank, "rank_scope": scope, "rank_ko": stat.rank_ko if held else None,
        "ratio_of_id": _reference(curated, "ratio_of", stat.ratio_of, "statistics", ids,
                                  problems) if held else None,
        "compared_to_id": _reference(curated, "compared_to", stat.compared_to, "statistics",
                                     ids, problems) if held else None,
        "value_low": number.value if number else None,
        "value_high": number.value if number else None, "basis": stat.basis,
        "source_count": 0, "independent_count": 0, "disputed": 0,
        "recomputed_value": recomputed, "recomputed_agrees": agrees,
        **(_evidence(article, curated, problems) if held
           else {"sentence_id": None, "quote": None}),
    }


def _cited_period(curated: Curated, published, problems: Problems):
    """A cited figure's period, from the report's wording and its publication day."""
    stat = curated.record
    if not stat.period_ko:
        return None
    try:
        return resolve_period(stat.period_ko, published)
    except ValueError as error:
        problems.add(curated.file, curated.line_of("period_ko"), stat.id, "period_ko",
                     str(error))
        return None


def _statistic_number(article, curated: Curated, problems: Problems):
    stat = curated.record
    if stat.value_text_ko is None:
        for field in ("value", "unit", "qualifier"):
            if getattr(stat, field) is not None:
                problems.add(curated.file, curated.line_of(field), stat.id, field,
                             "a value needs the article's wording in value_text_ko")
        if stat.rank_ko is None:
            problems.add(curated.file, curated.line, stat.id, "value_text_ko",
                         "expected value_text_ko, rank_ko or both")
        return None
    if stat.value_text_ko not in stat.quote:
        problems.add(curated.file, curated.line_of("value_text_ko"), stat.id, "value_text_ko",
                     f"'{stat.value_text_ko}' does not occur in the quote: expected the "
                     "article's own wording of the number")
        return None
    try:
        number = parse_korean_number(stat.value_text_ko)
    except ValueError as error:
        problems.add(curated.file, curated.line_of("value_text_ko"), stat.id, "value_text_ko",
                     str(error))
        return None
    if stat.value is not None and not _same_number(stat.value, number.value):
        problems.add(curated.file, curated.line_of("value"), stat.id, "value",
                     f"curated value {stat.value:.15g} disagrees with {number.value:.15g} "
                     f"computed from value_text_ko '{stat.value_text_ko}'")
    _check_computed(curated, "unit", number.unit, "value_text_ko", problems)
    _check_computed(curated, "qualifier", number.qualifier, "value_text_ko", problems)
    return number


def _same_number(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def _statistic_rank(article, curated: Curated, problems: Problems):
    stat = curated.record
    if stat.rank_ko is None:
        for field in ("rank", "rank_scope"):
            if getattr(stat, field) is not None:
                problems.add(curated.file, curated.line_of(field), stat.id, field,
                             "a rank needs the article's wording in rank_ko")
        return None, None
    if stat.rank_ko not in stat.quote:
        problems.add(curated.file, curated.line_of("rank_ko"), stat.id, "rank_ko",
                     f"'{stat.rank_ko}' does not occur in the quote")
        return None, None
    try:
        parsed = parse_rank(stat.rank_ko)
    except ValueError as error:
        problems.add(curated.file, curated.line_of("rank_ko"), stat.id, "rank_ko", str(error))
        return None, None
    _check_computed(curated, "rank", parsed.rank, "rank_ko", problems)
    if parsed.scope is None:
        if stat.rank_scope is None:
            problems.add(curated.file, curated.line_of("rank_ko"), stat.id, "rank_scope",
                         f"'{stat.rank_ko}' does not say world or country: expected "
                         "rank_scope and a note explaining it")
        return parsed.rank, stat.rank_scope
    _check_computed(curated, "rank_scope", parsed.scope, "rank_ko", problems)
    return parsed.rank, parsed.scope


def _statistic_period(article, curated: Curated, published, problems: Problems):
    stat = curated.record
    if stat.period_ko is None:
        if stat.period is not None:
            problems.add(curated.file, curated.line_of("period"), stat.id, "period",
                         "a period needs the article's wording in period_ko")
        return None
    key = stat.period_sentence or stat.sentence
    if not _wording_in(article, curated, "period_ko", stat.period_ko, key, problems):
        return None
    try:
        period = resolve_period(stat.period_ko, published)
    except ValueError as error:
        problems.add(curated.file, curated.line_of("period_ko"), stat.id, "period_ko",
                     str(error))
        return None
    _check_computed(curated, "period", period, "period_ko", problems)
    return period


def _recomputed_ratio(curated: Curated, number, statistics, problems: Problems):
    stat = curated.record
    if (stat.ratio_of is None) != (stat.compared_to is None):
        problems.add(curated.file, curated.line, stat.id, "ratio_of",
                     "a ratio needs both ratio_of (the figure) and compared_to (the base)")
        return None, None
    if stat.ratio_of is None or number is None:
        return None, None
    if number.unit != "ratio":
        problems.add(curated.file, curated.line_of("ratio_of"), stat.id, "ratio_of",
                     f"ratio_of and compared_to belong to a ratio (unit 'ratio'), "
                     f"got unit '{number.unit}'")
        return None, None
    parts = [statistics.get(stat.ratio_of), statistics.get(stat.compared_to)]
    if None in parts:
        return None, None  # unknown ids are reported as references
    values = [_parsed_value(part) for part in parts]
    if None in values:
        return None, None
    (top, top_unit), (base, base_unit) = values
    if top_unit != base_unit:
        problems.add(curated.file, curated.line_of("compared_to"), stat.id, "compared_to",
                     f"cannot compare {top_unit} with {base_unit}")
        return None, None
    recomputed, agrees = recompute_ratio(top, base, stat.value_text_ko)
    return round(recomputed, 6), int(agrees)


def _parsed_value(curated: Curated):
    text = curated.record.value_text_ko
    try:
        number = parse_korean_number(text) if text else None
    except ValueError:
        return None
    return (number.value, number.unit) if number else None


# Citations: the facts a report of another outlet introduces -----------------------

def _citation_fact_rows(citation: Citation, ids, problems: Problems,
                        origins: Origins) -> dict[str, list[dict]]:
    """The events, participants, MOUs and figures a citation introduces. Their dates,
    statuses and values are filled in from the claims by reconciliation."""
    rows: dict[str, list[dict]] = {name: [] for name in (
        "events", "event_participants", "mous", "mou_parties", "statistics", "notes")}
    for curated in citation.sections["events"]:
        event = curated.record
        rows["events"].append(_event_row(curated, ids, problems))
        rows["event_participants"] += filter(None, (
            _participant_row(curated, event.id, p, index, ids, problems)
            for index, p in enumerate(event.participants)))
    for curated in citation.sections["participants"]:
        record = curated.record
        _reference(curated, "event", record.event, "events", ids, problems)
        row = _participant_row(curated, record.event, record, None, ids, problems)
        if row:
            origins.note(row, curated.file, curated.line, record.event)
            rows["event_participants"].append(row)
    for curated in citation.sections["mous"]:
        mou = curated.record
        rows["mous"].append(_mou_row(curated, ids, problems))
        rows["mou_parties"] += [
            {"mou_id": mou.id, "organization_id": _reference(
                curated, "parties", party, "organizations", ids, problems)}
            for party in dict.fromkeys(mou.parties)]
    published = dt.date.fromisoformat(citation.meta.published_at[:10])
    for curated in citation.sections["statistics"]:
        rows["statistics"].append(_statistic_row(curated, published, ids, problems))
    for curated in citation.sections["notes"]:
        note = curated.record
        rows["notes"].append({
            "id": note.id, "article_id": None, "source_id": citation.meta.id,
            "kind": note.kind, "about_table": note.about_table, "about_id": note.about_id,
            "note_en": note.note_en, "sentence_id": None, "quote": None,
        })
    return rows


def _participant_row(curated: Curated, event_id: str, participant, index: int | None, ids,
                     problems: Problems) -> dict | None:
    """One participant of an event: item `index` of the event's participants (an
    article's or a citation's event), or, index None, a citation's added participant."""
    field = "participants" if index is None else f"participants[{index}]"
    line = (curated.line if index is None or curated.raw is None
            else line_of(curated.raw["participants"][index]))
    if (participant.person is None) == (participant.organization is None):
        problems.add(curated.file, line, curated.record.id if index is not None
                     else event_id, field, "expected exactly one of 'person' or 'organization'")
        return None
    table = "people" if participant.person else "organizations"
    who = _reference(curated, field, participant.person or participant.organization, table,
                     ids, problems, line=line)
    return {"id": f"{event_id}--{who}", "event_id": event_id,
            "person_id": participant.person, "organization_id": participant.organization,
            "description_ko": participant.description_ko,
            "description_en": participant.description_en, "role": participant.role}


# Policies, MOUs, notes --------------------------------------------------------------

def _policy_row(article, curated: Curated, problems: Problems) -> dict:
    policy = curated.record
    if policy.period_ko is not None:
        _wording_in(article, curated, "period_ko", policy.period_ko, policy.sentence, problems)
    return {
        "id": policy.id, "article_id": article.meta.id,
        "name": _label(policy.name_en, policy.name_ko),
        "name_ko": policy.name_ko, "name_as_written": policy.name_as_written,
        "name_zh": policy.name_zh, "name_en": policy.name_en, "country": policy.country,
        "stance": policy.stance, "period_ko": policy.period_ko,
        "description_en": policy.description_en,
        **_evidence(article, curated, problems),
    }


def _mou_row(curated: Curated, ids, problems: Problems, article=None,
             event_dates=None) -> dict:
    """A memorandum's row, from a held article's record (status, dates, evidence) or from
    a citation's (which declares it only: reconciliation fills in the rest)."""
    mou = curated.record
    held = article is not None
    event_id = _reference(curated, "event", mou.event, "events", ids, problems)
    planned = mou.planned_date if held else None
    if held:
        impossible = _check_iso_dates(curated, ("planned_date", "signed_date"), problems)
        dates = event_dates.get(event_id) if event_id else None
        if mou.status == "planned" and dates and dates[0] == dates[1]:
            planned = dates[0]
            if "planned_date" not in impossible:
                _check_computed(curated, "planned_date", planned, "event", problems)
        if mou.status == "signed" and mou.signed_date is None:
            problems.add(curated.file, curated.line_of("status"), mou.id, "signed_date",
                         "a signed MOU needs its signed_date")
    return {
        "id": mou.id, "article_id": article.meta.id if held else None,
        "title": _label(mou.title_en, mou.title_ko),
        "title_ko": mou.title_ko, "title_en": mou.title_en,
        "status": mou.status if held else None,
        "planned_date": planned, "signed_date": mou.signed_date if held else None,
        "event_id": event_id,
        **(_evidence(article, curated, problems) if held
           else {"sentence_id": None, "quote": None}),
        "source_count": 0, "independent_count": 0, "disputed": 0, "status_as_of": None,
    }


def _note_row(article, curated: Curated, problems: Problems) -> dict:
    note = curated.record
    return {
        "id": note.id, "article_id": article.meta.id, "source_id": article.meta.id,
        "kind": note.kind,
        "about_table": note.about_table, "about_id": note.about_id, "note_en": note.note_en,
        **_evidence(article, curated, problems),
    }


class NoteReference(NamedTuple):
    """The fact a note is about, and where the note says so."""
    about_table: str
    about_id: str
    file: str
    line: int | None
    note_id: str


def _known_now(note: NoteReference, ids) -> bool:
    """Whether a note names a row known while the reports are read (of a registry, or a
    fact a report read so far declares): then it is known once every report is, and
    its check need not wait. Other tables' ids are known only then."""
    known = ids.get(note.about_table)
    if isinstance(known, Unsettled):
        known = known.seen
    try:
        return known is not None and note.about_id in known
    except TypeError:
        return False  # an id that is no text: checked with the others at the end


def _not_among(notes: list[NoteReference], tables: dict, before: dict[str, int],
               ) -> list[NoteReference]:
    """The notes whose row is not one of the rows a report has just added (those since
    `before`, by table): a row once added stays, so such a note is known at the end."""
    added: dict[str, set] = {}
    for note in notes:
        if note.about_table in tables and note.about_table not in added:
            added[note.about_table] = {
                row.get("id") for row in tables[note.about_table][before[note.about_table]:]}
    return [note for note in notes
            if not (isinstance(note.about_id, str)
                    and note.about_id in added.get(note.about_table, ()))]


def _check_notes(notes: list[NoteReference], ids, problems: Problems) -> None:
    for note in notes:
        if _is_unknown(ids, note.about_table, note.about_id):
            problems.add(note.file, note.line, note.note_id, "about_id",
                         f"unknown id '{note.about_id}' in {note.about_table}")


def _check_inferences_noted(article: Article, problems: Problems) -> None:
    noted = {(c.record.about_table, c.record.about_id) for c in article.sections["notes"]}
    for curated in article.sections["events"]:
        event = curated.record
        if event.date_basis == "inferred" and ("events", event.id) not in noted:
            problems.add(curated.file, curated.line_of("date_basis"), event.id, "date_basis",
                         "an inferred date needs a note (about_table: events, about_id: "
                         f"{event.id}) saying how it was inferred")
