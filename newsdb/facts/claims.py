"""Reports and their claims: the `sources` and `claims` rows of every article and
citation, and the fact rows' values reconciled from the claims (newsdb/facts/reconcile.py) with
every losing claim written to `conflicts`.

An article's claims are worked out from its curated records (their values are computed
from its wording and its quotes are verified); a citation's claims are curated, each
with the report's own short wording of the value and a summary in our own words: no
sentence of another outlet is stored.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from itertools import groupby, islice
from operator import itemgetter

from newsdb.curated import vocabularies as v
from newsdb.korean.dates import TIME_OF_DAY, parse_minutes, resolve_event_date
from newsdb.korean.hedges import is_hedged
from newsdb.korean.numbers import parse_korean_range
from newsdb.curated.models import CLAIM_FIELDS
from newsdb.curated.problems import Problems
from newsdb.facts.origins import Origin, Origins
from newsdb.facts.reconcile import (CONFIRMS, CONTRADICTS, Claim, check_containment,
                                    children_of, event_dates, reconcile, value_text)
from newsdb.facts.lineage import lineage_roots, shared_wording_notes
from newsdb.facts.references import _is_unknown, _reference, record_name
from newsdb.facts.table_rows import (RowsById, handles_where, id_lookup, index_on,
                                     rows_where, values_where, write_back)
from newsdb.curated.reader import Article, Citation, Curated

# The columns a claim's field names, where they differ.
COLUMNS = {"place": "place_id", "duration": "duration_minutes"}
# Fields reconciled into the fact rows, per table.
RECONCILED = {
    "events": ("start_date", "end_date", "time_of_day", "status", "place_id",
               "duration_minutes"),
    "mous": ("status", "signed_date", "planned_date"),
    "statistics": ("value",),
}
# The (table, field) pairs reconciliation weighs.
WEIGHED = {(table, field) for table, fields in RECONCILED.items() for field in fields}
# What a Claim is made of, as the claims table names it.
CLAIM_COLUMNS = ("id", "source_id", "about_table", "about_id", "field", "value", "tense",
                 "hedged", "stated", "precision", "value_low", "value_high", "wording_ko")
# What a claim is looked up by: its fact and field.
ABOUT = ("about_table", "about_id", "field")
# An event's date fields: the claims check_containment() and containment_conflicts() compare.
DATED = ("events", ("start_date", "end_date"))
# What contain_children() reads of an event, and how many top events (each with its
# parts) it reads at a time.
CONTAINED = ("id", "parent_event_id", "start_date", "end_date", "date_precision")
EVENTS_AT_ONCE = 1000
# How many facts are weighed together (their claims held at once): their parts' dates
# are read in one query.
FACTS_AT_ONCE = 100
STATUSES = {"events": v.EVENT_STATUSES, "mous": v.MOU_STATUSES}


def date_precision(start: str | None, end: str | None, stated: bool) -> str:
    """day, span, or within: a window of days that the report places the event in
    without saying which (an inferred date over more than one day)."""
    if start == end:
        return "day"
    return "span" if stated else "within"


def figure_precision(low, high, qualifier: str | None) -> str:
    if low != high:
        return "range"
    return "exact" if qualifier in (None, "exact") else "approx"


def claim_id(source_id: str, table: str, about_id: str, field: str) -> str:
    return f"{source_id}--{table.replace('_', '-')}-{about_id}-{field.replace('_', '-')}"


class ClaimBook:
    """Every claim of the build, with what reconciliation needs to know about each.
    `rows` holds the claims: a list by default; the build passes a table staged outside
    its memory (store/staging.py), as a report's claims are let go once it is read."""

    def __init__(self, problems: Problems | None = None, origins: Origins | None = None,
                 place_kinds: dict[str, str] | None = None, rows=None):
        self.rows = rows if rows is not None else []
        self.place_kinds = place_kinds or {}  # place id -> kind: a place claim's precision
        self.published: dict[str, str] = {}  # source id -> published_at
        self.problems = problems if problems is not None else Problems()
        self.origins = origins if origins is not None else Origins()
        # The claims of the report whose claims are being added, (table, fact, field) ->
        # (the claim, its origin): one report says one thing about a field. One report's
        # only: a report's claims all come together, and the others' are let go.
        self.by_key: dict[tuple[str, str, str], tuple[dict, Origin | None]] | None = {}
        self.source: str | None = None  # that report
        self.done: set[str] = set()  # the reports whose claims came before it

    def add(self, source_id: str, table: str, about_id: str, field: str, value, *,
            tense: str, hedged: bool, wording: str | None = None,
            attributed_to: str | None = None, sentence_id: str | None = None,
            quote: str | None = None, summary: str | None = None, low=None, high=None,
            stated: bool = True, precision: str | None = None,
            at: Curated | None = None) -> dict | None:
        """Add a claim, made by the record `at`. A second claim of the same report about
        the same field of the same fact is merged into the first when it gives the same
        value, and reported when it does not; either way it adds no row."""
        if self.by_key is None:
            raise RuntimeError("claim added after the book was closed")
        if source_id != self.source:
            self._turn_to(source_id)
        key = (table, about_id, field)
        text = None if value is None else value_text(value)
        first = self.by_key.get(key)
        if first is not None:
            first, where = first
            if at is not None and where is not None and str(where.file) != str(at.file):
                # Two files with one source id: the duplicate id is the problem, reported
                # by the reader; their claims are not one report's.
                return None
            if (first["value"], first["value_low"], first["value_high"]) != (text, low, high):
                self._report_disagreement(first, where, text, at)
            return None
        row = {
            "id": claim_id(source_id, table, about_id, field), "source_id": source_id,
            "about_table": table, "about_id": about_id, "field": field,
            "value": text, "value_low": low,
            "value_high": high, "wording_ko": wording, "tense": tense,
            "hedged": int(hedged), "attributed_to_id": attributed_to,
            "sentence_id": sentence_id, "quote": quote, "summary_en": summary, "accepted": 1,
            "relation": "confirms", "stated": int(stated), "precision": precision,
        }
        self.rows.append(row)
        if at is not None:
            self.origins.note(row, at.file, at.line, record_name(at))
        self.by_key[key] = (row, self.origins.of(row))
        return row

    def _turn_to(self, source_id: str) -> None:
        """The claims of another report start: the last one's look-up goes. A report
        whose claims came before (two files with one id) has its first claims back."""
        if self.source is not None:
            self.done.add(self.source)
        self.source, self.by_key = source_id, {}
        if source_id in self.done:
            for row in rows_where(self.rows, ("source_id",), {(source_id,)}):
                self.by_key.setdefault((row["about_table"], row["about_id"], row["field"]),
                                       (row, self.origins.of(row)))

    def close(self) -> None:
        """Every claim is in: the look-up that merges a report's repeated claims goes."""
        self.by_key = None

    def _report_disagreement(self, first: dict, where: Origin | None, value: str | None,
                             at: Curated | None) -> None:
        said = f" (line {where.line})" if where and where.line else ""
        fact = f"{first['about_table']}/{first['about_id']}"
        message = (f"this report already claims {first['field']} {first['value']!r} for "
                   f"{fact}{said}; this claim gives {value!r}: expected one value per field "
                   f"of a fact in one report")
        if at is None:
            file, line, record = (where.file, where.line, where.record) if where else (
                first["source_id"], None, None)
        else:
            file, line, record = at.file, at.line, record_name(at)
        self.problems.add(file, line, record, first["field"], message)


# Articles -----------------------------------------------------------------------------

def article_source_row(article: Article) -> dict:
    meta, text = article.meta, article.text
    outlet = meta.publisher or meta.outlet_ko
    return {
        "id": meta.id, "label": f"{outlet or 'Held article'}, {text.published_at[:10]}",
        "kind": "article", "based_on": meta.based_on, "article_id": meta.id,
        "outlet_ko": meta.outlet_ko,
        "outlet_en": meta.publisher, "url": meta.url, "author_ko": meta.author_ko,
        "published_at": text.published_at, "published_precision": "minute",
        "headline_ko": text.title_ko, "summary_en": meta.title_en,
        "source_file": meta.source_file,
    }


def _article_claim(book: ClaimBook, article: Article, curated: Curated, row: dict,
                   table: str, field: str, value, **extra) -> None:
    record = curated.record
    hedged = record.hedged if record.hedged is not None else is_hedged(row["quote"])
    book.add(article.meta.id, table, row["id"], field, value, hedged=hedged,
             attributed_to=record.attributed_to, sentence_id=row["sentence_id"],
             quote=row["quote"], **extra, at=curated)


def add_event_claims(book: ClaimBook, article: Article, curated: Curated, row: dict,
                     participants: list[dict]) -> None:
    tense = "ahead" if row["status"] == "planned" else "after"
    event = curated.record
    stated = row["date_basis"] == "stated"
    precision = date_precision(row["start_date"], row["end_date"], stated)
    for field in ("start_date", "end_date"):
        if row[field]:
            _article_claim(book, article, curated, row, "events", field, row[field],
                           tense=tense, wording=event.when_ko, stated=stated,
                           precision=precision)
    if row["time_of_day"]:
        _article_claim(book, article, curated, row, "events", "time_of_day",
                       row["time_of_day"], tense=tense, wording=event.time_ko or event.when_ko)
    _article_claim(book, article, curated, row, "events", "status", row["status"],
                   tense=tense)
    if row["place_id"]:
        _article_claim(book, article, curated, row, "events", "place_id", row["place_id"],
                       tense=tense, precision=book.place_kinds.get(row["place_id"]))
    for participant in participants:
        book.add(article.meta.id, "event_participants", participant["id"], "exists", None,
                 tense=tense, hedged=is_hedged(row["quote"]), sentence_id=row["sentence_id"],
                 quote=row["quote"], at=curated)


def add_mou_claims(book: ClaimBook, article: Article, curated: Curated, row: dict) -> None:
    tense = "ahead" if row["status"] == "planned" else "after"
    _article_claim(book, article, curated, row, "mous", "status", row["status"], tense=tense)
    for field in ("planned_date", "signed_date"):
        if row[field]:
            _article_claim(book, article, curated, row, "mous", field, row[field],
                           tense=tense)


def add_statistic_claims(book: ClaimBook, article: Article, curated: Curated,
                         row: dict) -> None:
    if row["value"] is None:
        _article_claim(book, article, curated, row, "statistics", "exists", None,
                       tense="after", wording=row["rank_ko"])
    else:
        _article_claim(book, article, curated, row, "statistics", "value", row["value"],
                       tense="after", wording=row["value_text_ko"], low=row["value"],
                       high=row["value"], precision=figure_precision(
                           row["value"], row["value"], row["qualifier"]))


# Citations ----------------------------------------------------------------------------

def citation_source_row(citation: Citation) -> dict:
    meta = citation.meta
    return {
        "id": meta.id, "label": f"{meta.outlet_en}, {meta.published_at[:10]}",
        "kind": meta.kind, "based_on": meta.based_on, "article_id": None,
        "outlet_ko": meta.outlet_ko,
        "outlet_en": meta.outlet_en, "url": meta.url, "author_ko": meta.author_ko,
        "published_at": meta.published_at,
        "published_precision": "minute" if "T" in meta.published_at else "day",
        "headline_ko": meta.headline_ko, "summary_en": meta.summary_en,
        "source_file": citation.file.rsplit("/", 1)[-1],
    }


def built_facts(tables: dict[str, list[dict]]) -> dict[str, dict[str, dict]]:
    """table -> id -> row of every table a claim may be about, for add_citation_claims:
    a look-up (id_lookup()), searched in the staging file for a staged table, not held."""
    return {table: id_lookup(tables[table]) for table in CLAIM_FIELDS}


def add_citation_claims(book: ClaimBook, citation: Citation, built: dict[str, dict[str, dict]],
                        ids, problems: Problems) -> None:
    """Each curated claim, its value computed from the report's wording where it has one.
    `built` is built_facts() of the rows so far, made once for every citation."""
    statistics = built["statistics"]
    meta = citation.meta
    published = dt.date.fromisoformat(meta.published_at[:10])
    previous_day = None  # the day the report's previous dated claim names: 이날's day
    for curated in citation.sections["claims"]:
        claim = curated.record
        table, about_id = claim.about.split("/", 1)
        if claim.field not in CLAIM_FIELDS[table]:
            _report(curated, "field", f"a claim about {table} may be about "
                    f"{', '.join(CLAIM_FIELDS[table])}; got '{claim.field}'", problems)
            continue
        if not _claimable(curated, table, about_id, ids, built, problems):
            continue
        common = {"tense": claim.tense, "hedged": claim.hedged, "wording": claim.wording_ko,
                  "attributed_to": _reference(curated, "attributed_to", claim.attributed_to,
                                              "organizations", ids, problems)
                  if claim.attributed_to else None,
                  "summary": claim.summary_en, "stated": not claim.inferred}
        values = claim_values(curated, table, about_id, published, ids, statistics, problems,
                              book.place_kinds, previous_day)
        for field, value, extra in values:
            book.add(meta.id, table, about_id, field, value, **common, **extra, at=curated)
            if field == "start_date":
                previous_day = dt.date.fromisoformat(value)


def _report(curated: Curated, field: str, message: str, problems: Problems) -> None:
    """A problem of one claim, at the line of its field."""
    problems.add(curated.file, curated.line_of(field) or curated.line, record_name(curated),
                 field, message)


def _claimable(curated: Curated, table: str, about_id: str, ids, built,
               problems: Problems) -> bool:
    """The fact must be declared somewhere. A fact declared by a file that could not be
    read has no row: that file's own error is reported, not one per claim about it."""
    fact_table, fact_id = table, about_id
    if table == "event_participants":
        fact_table, fact_id = "events", about_id.split("--")[0]
    if _is_unknown(ids, fact_table, fact_id):
        _report(curated, "about", f"unknown {fact_table} id '{fact_id}': expected a fact "
                "declared by an article or a citation", problems)
        return False
    if about_id in built[table]:
        return True
    if fact_table != table and fact_id in built[fact_table]:
        _report(curated, "about", f"unknown participant '{about_id}': expected <event "
                "id>--<person or organization id> of a participant of the event", problems)
    return False


def claim_values(curated: Curated, table: str, about_id: str, published, ids, statistics,
                 problems: Problems, place_kinds: dict[str, str] | None = None,
                 previous_day: dt.date | None = None) -> list[tuple[str, object, dict]]:
    """(field, value, extra) rows of one curated claim; [] after a problem. 이날 in a
    wording is the day of the report's previous dated claim, or the report's own day."""
    claim = curated.record

    def wording() -> str | None:
        if claim.wording_ko is None:
            _report(curated, "wording_ko", f"a claim about {claim.field} needs the "
                    "report's own words for it in wording_ko", problems)
        return claim.wording_ko

    def check(computed) -> bool:
        if claim.value is not None and claim.value != computed:
            _report(curated, "value", f"curated value {claim.value!r} disagrees with "
                    f"{computed!r} computed from wording_ko {claim.wording_ko!r}", problems)
            return False
        return True

    if claim.within and claim.field != "dates":
        _report(curated, "within", "within: true says the event falls on one of the days "
                f"its dates claim names: expected field: dates, got '{claim.field}'",
                problems)
        return []
    if claim.field == "exists":
        return [("exists", None, {})]
    if claim.field in ("status", "place", "title_ko"):
        if claim.value is None:
            _report(curated, "value", f"a claim about {claim.field} needs its value",
                    problems)
            return []
        if claim.field == "status" and claim.value not in STATUSES[table]:
            _report(curated, "value", f"unknown status '{claim.value}' for {table}: "
                    f"expected one of {', '.join(STATUSES[table])}", problems)
            return []
        if claim.field == "place" and _is_unknown(ids, "places", claim.value):
            _report(curated, "value", f"unknown place '{claim.value}': expected an id "
                    "from places", problems)
            return []
        extra = {"precision": (place_kinds or {}).get(claim.value)} \
            if claim.field == "place" else {}
        return [(COLUMNS.get(claim.field, claim.field), claim.value, extra)]
    text = wording()
    if text is None:
        return []
    try:
        if claim.field == "value":
            figure = _figure(text, statistics[about_id]["unit"])
            return [figure] if check(figure[1]) else []
        if claim.field == "time_of_day":
            found = [term for word, term in TIME_OF_DAY.items() if word in text]
            if not found:
                raise ValueError(f"no time of day in '{text}': expected 오전, 오후, 저녁, ...")
            return [("time_of_day", found[0], {})] if check(found[0]) else []
        if claim.field == "duration":
            minutes = parse_minutes(text)
            return [("duration_minutes", minutes, {})] if check(str(minutes)) else []
        span = resolve_event_date(text, published, previous_day or published)
    except ValueError as error:
        _report(curated, "wording_ko", f"cannot read '{text}': {error}", problems)
        return []
    if claim.field == "dates":
        start, end = span.start.isoformat(), span.end.isoformat()
        if not check(start if start == end else f"{start}/{end}"):
            return []
        if claim.within and start == end:
            _report(curated, "within", f"'{text}' is one day: within: true needs a "
                    "wording of more than one day (18일과 19일 이틀간)", problems)
            return []
        precision = date_precision(start, end, stated=not claim.within)
        rows = [("start_date", start, {"precision": precision}),
                ("end_date", end, {"precision": precision})]
        if span.time_of_day:
            rows.append(("time_of_day", span.time_of_day, {}))
        return rows
    if span.start != span.end:
        _report(curated, "wording_ko", f"'{text}' is more than one day: expected the "
                f"day of {claim.field}", problems)
        return []
    day = span.start.isoformat()
    return [(claim.field, day, {})] if check(day) else []


def _figure(text: str, unit: str | None) -> tuple[str, str, dict]:
    """A figure or a range, in the figure's unit: value '300000000~400000000' for a range."""
    parsed = parse_korean_range(text)
    low, high = parsed.value_low, parsed.value_high
    if unit is not None and parsed.unit != unit:
        raise ValueError(f"its unit is {parsed.unit}, the figure's is {unit}")
    value = value_text(low) if low == high else f"{value_text(low)}~{value_text(high)}"
    return ("value", value, {"low": low, "high": high,
                             "precision": figure_precision(low, high, parsed.qualifier)})


# Reconciliation -----------------------------------------------------------------------

def reconcile_facts(tables: dict[str, list[dict]], book: ClaimBook, problems: Problems,
                    declared_at: dict[tuple[str, str], Curated], keep_conflicts) -> None:
    """Fill every fact row's reconciled fields, source_count, independent_count, disputed
    and status_as_of from the claims; give each claim its relation to the held value and
    give the contradicting ones, as conflicts rows, to `keep_conflicts`, a few at a time
    as they are found (the build stages them)."""
    published, roots = source_dates_and_roots(tables["sources"])
    # An event's parts are looked up by their parent, a batch of facts at a time.
    index_on(tables["events"], ("parent_event_id",))
    places = {row["id"]: row["parent_id"] for row in tables["places"]}
    # The fact rows are made with disputed 0 and no reports counted; each is read here
    # only when a claim is about it, a few facts at a time.
    rows = {table: RowsById(tables[table]) for table in RECONCILED}
    # A claim's verdict is written as soon as it is known: what is read of the claims
    # from here on (CLAIM_COLUMNS, their reports) is not what a verdict changes.
    weigh_facts(book.rows, tables["events"], rows, places, published, roots, keep_conflicts)
    found, titled = weigh_titles(book.rows, tables["people"], published, roots)
    keep_conflicts(found)
    write_back(book.rows, titled)
    count_sources(rows, book.rows, roots)
    tables["notes"].extend(shared_wording_notes(
        values_where(book.rows, ("wording_ko", "source_id")), published, roots))
    check_claimed(tables, problems, declared_at)
    if not problems:
        # A batch of event trees at a time; the claims of a widened event's dates are
        # read again, those alone.
        for widened in contain_children(tables["events"]):
            widen(rows["events"], widened)
            dated = date_claims(claim for fact in claims_by_fact(
                book.rows, ABOUT, {(DATED[0], event, field) for event, field, *_ in widened},
                published, roots) for claim in fact)
            found = containment_conflicts(widened, dated)
            keep_conflicts(found)
            write_back(book.rows, rejections(dated, {row["claim_id"] for row in found}))


def source_dates_and_roots(sources) -> tuple[dict[str, str], dict[str, str]]:
    """Each source's published_at and lineage root, read from the `sources` rows (the
    two columns alone of a staged table)."""
    published, based_on = {}, {}
    for source_id, published_at, parent in values_where(
            sources, ("id", "published_at", "based_on")):
        published[source_id], based_on[source_id] = published_at, parent
    return published, lineage_roots(based_on)


def weigh_facts(claims_rows, events, rows: dict[str, RowsById],
                places: dict[str, str | None], published: dict[str, str],
                roots: dict[str, str], keep_conflicts) -> None:
    """Weigh every reconciled fact's claims, a few facts at a time, never all held: each
    batch's conflicts are given to `keep_conflicts` and its claims' verdicts written back;
    the fact rows (`rows`, by table) are given their reconciled values; `events`, the
    event rows, give each batch's events' parts. Only the claims about reconciled fields
    are read (a third of them, `exists`, are not), as Claim objects, each with the handle
    its verdict is written back by."""
    index_on(claims_rows, ABOUT)  # parts_dates() looks claims up by their fact, each batch
    facts = claims_by_fact(claims_rows, ("about_table", "field"), WEIGHED, published, roots)
    while batch := list(islice(facts, FACTS_AT_ONCE)):
        children = parts_of(events, {claims[0].about_id for claims in batch
                                     if claims[0].about_table == DATED[0]})
        known = parts_dates(claims_rows, batch, children, published, roots)
        fetched = fetch_facts(rows, {(claims[0].about_table, claims[0].about_id)
                                     for claims in batch})
        conflicts, changes = [], []
        for claims in batch:
            check_containment(claims, children, known)
            found = weigh(claims, fetched, places)
            conflicts += found
            changes += verdicts(claims, {row["claim_id"] for row in found})
        save_facts(rows, fetched)
        keep_conflicts(conflicts)
        write_back(claims_rows, changes)


def parts_of(events, event_ids: set[str]) -> dict[str, list[str]]:
    """Each of `event_ids`' parts, in id order (children_of())."""
    return children_of(dict(values_where(events, ("id", "parent_event_id"),
                                         ("parent_event_id",), {(key,) for key in event_ids})))


def fetch_facts(rows: dict[str, RowsById], facts: set[tuple[str, str]]
                ) -> dict[str, dict[str, dict]]:
    """table -> id -> row of the `facts` ((table, id)) among `rows`, to change and save."""
    return {table: by_id.fetch({about_id for fact_table, about_id in facts
                                if fact_table == table})
            for table, by_id in rows.items()}


def save_facts(rows: dict[str, RowsById], fetched: dict[str, dict[str, dict]]) -> None:
    for table, found in fetched.items():
        rows[table].save(found)


def parts_dates(claims_rows, facts: list[list[Claim]], children: dict[str, list[str]],
                published: dict[str, str], roots: dict[str, str]
                ) -> dict[tuple[str, str], dict[str, str]]:
    """The dates each report gives the parts of the events among `facts`: what
    check_containment() compares a report's dates of an event with (event_dates())."""
    parts = {(DATED[0], part, field) for claims in facts
             for about_id in {claim.about_id for claim in claims if claim.about_table == DATED[0]}
             for part in children.get(about_id, ()) for field in DATED[1]}
    return event_dates(claim for fact in claims_by_fact(claims_rows, ABOUT, parts, published,
                                                        roots) for claim in fact)


def weigh_titles(claims_rows, people: list[dict], published: dict[str, str],
                 roots: dict[str, str]) -> tuple[list[dict], list[tuple[object, dict]]]:
    """The title claims about people weighed against the titles the registry holds: the
    conflicts and the changes to the claims."""
    titles = [claim for fact in claims_by_fact(claims_rows, ("about_table", "field"),
                                               {("people", "title_ko")}, published, roots)
              for claim in fact]
    found = title_relations(people, titles)
    return found, verdicts(titles, {row["claim_id"] for row in found})


def weigh(claims: list[Claim], rows: dict[str, dict[str, dict]],
          places: dict[str, str | None]) -> list[dict]:
    """Reconcile one fact's claims into its row (in `rows`, by table and id), give each
    claim its relation to the value held; returns the conflicts (the contradicting
    claims)."""
    conflicts = []
    for outcome in reconcile(claims, places):
        row = rows[outcome.about_table].get(outcome.about_id)
        if row is None:
            continue
        apply_outcome(row, outcome)
        reasons = {claim.id: why for loser, why in outcome.losers for claim in loser.claims}
        for claim in (c for candidate in (outcome.accepted, *outcome.compatible,
                                          *(loser for loser, _ in outcome.losers))
                      for c in candidate.claims):
            relation = outcome.relation(claim)
            if relation == CONTRADICTS and claim.value == outcome.accepted_value(claim.field):
                relation = CONFIRMS  # the dates of a losing span may share its first day
            claim.relation = relation
            if relation != CONTRADICTS:
                continue
            conflicts.append({
                "id": claim.id, "about_table": claim.about_table,
                "about_id": claim.about_id, "field": claim.field,
                "accepted_value": outcome.accepted_value(claim.field),
                "claimed_value": claim.value, "claim_id": claim.id,
                "source_id": claim.source_id, "resolution_en": reasons[claim.id],
            })
    return conflicts


def claims_by_fact(rows, columns: tuple[str, ...], keys: set[tuple], published: dict[str, str],
                   roots: dict[str, str]) -> Iterator[list[Claim]]:
    """The claims whose `columns` are one of `keys`, a fact at a time, as Claim objects
    with their handles for write_back(); a fact's claims in the order they came (an id
    given twice keeps its first place and its last values, as a look-up by id does)."""
    found = handles_where(rows, columns, keys, CLAIM_COLUMNS, grouped=("about_table", "about_id"))
    for _, fact in groupby(found, key=lambda pair: (pair[1][2], pair[1][3])):
        yield _claims(fact, published, roots)


def _claims(fact: Iterable[tuple[object, tuple]], published: dict[str, str],
            roots: dict[str, str]) -> list[Claim]:
    found: dict[str, Claim] = {}
    # Equal text as one object: read back from a staging file, every claim's table name,
    # field and report id would be a string of its own.
    shared = {}.setdefault
    for handle, values in fact:
        (claim_id_, source_id, table, about_id, field, value, tense, hedged, stated,
         precision, low, high, wording) = values
        texts = (source_id, table, about_id, field, value, tense, precision)
        source_id, table, about_id, field, value, tense, precision = map(shared, texts, texts)
        found[claim_id_] = Claim(
            claim_id_, source_id, published[source_id], table, about_id, field, value, tense,
            bool(hedged), bool(stated), root=roots[source_id],
            precision=precision if field in ("start_date", "end_date") else None,
            low=low, high=high, wording=wording, handle=handle)
    return list(found.values())


def verdicts(claims: list[Claim], rejected: set[str]) -> list[tuple[object, dict]]:
    """The changes to the claims weighed: each one's relation, and accepted 0 where a
    conflict names it (a claim is made confirming and accepted)."""
    changes = []
    for claim in claims:
        relation = claim.relation or CONFIRMS
        changed = {"relation": relation} if relation != CONFIRMS else {}
        if claim.id in rejected:
            changed["accepted"] = 0
        if changed:
            changes.append((claim.handle, changed))
    return changes


def title_relations(people: list[dict], claims: list[Claim]) -> list[dict]:
    """A person's title is curated in the registry, not reconciled: a report's title
    claim confirms title_ko, is compatible with it when it names one of the person's
    other titles (회장 for a chairman and CEO), and otherwise contradicts it. Each
    claim is given its relation; returns the conflicts."""
    by_id = {row["id"]: row for row in people}
    conflicts = []
    for claim in claims:
        person = by_id.get(claim.about_id)
        if person is None:
            continue
        others = json.loads(person["other_titles_ko"] or "[]")
        if claim.value == person["title_ko"]:
            claim.relation = "confirms"
        elif claim.value in others:
            claim.relation = "compatible"
        else:
            claim.relation = "contradicts"
            conflicts.append({
                "id": claim.id, "about_table": "people", "about_id": person["id"],
                "field": "title_ko", "accepted_value": person["title_ko"],
                "claimed_value": claim.value, "claim_id": claim.id,
                "source_id": claim.source_id,
                "resolution_en": "the registry holds the person's titles; this one is "
                                 "not among them"})
    return conflicts


def count_sources(rows: dict[str, RowsById], claims, roots: dict[str, str]) -> None:
    """source_count (distinct sources with a claim) and independent_count (distinct
    lineage roots among them) of every reconciled fact row with a claim (`rows`: by
    table; a row is made with none counted)."""
    for table, by_id in rows.items():
        # A fact at a time (the claims come grouped by fact): every fact's set of
        # sources at once was the peak of the build's memory.
        found = handles_where(claims, ("about_table",), {(table,)}, ("about_id", "source_id"),
                              grouped=("about_table", "about_id"))
        counted = ((about_id, {source_id for _, source_id in fact}) for about_id, fact in
                   groupby((values for _, values in found), key=itemgetter(0)))
        while batch := dict(islice(counted, FACTS_AT_ONCE)):
            by_id.assign({about_id: {"source_count": len(reporting),
                                     "independent_count": len({roots[source]
                                                               for source in reporting})}
                          for about_id, reporting in batch.items()})


def check_claimed(tables: dict[str, list[dict]], problems: Problems,
                  declared_at: dict[tuple[str, str], Curated]) -> None:
    """A fact that only citations state needs the claims that give its dates and status;
    the problem is reported where the fact is declared."""
    for table, needed in (("events", ("start_date", "status")), ("mous", ("status",))):
        for about_id, *values in values_where(tables[table], ("id", *needed)):
            for column, value in zip(needed, values):
                if value is None:
                    field = "dates" if column == "start_date" else column
                    curated = declared_at[(table, about_id)]
                    problems.add(curated.file, curated.line_of("id"), about_id, "id",
                                 f"no report gives its {field}: expected a claim with "
                                 f"about: {table}/{about_id} and field: {field}")


def apply_outcome(row: dict, outcome) -> None:
    winner = outcome.accepted
    if outcome.disputed:
        row["disputed"] = 1
    if outcome.group == "dates":
        row["start_date"], row["end_date"], row["date_precision"] = winner.value
        if row.get("article_id") not in {claim.source_id for claim in winner.claims}:
            # The dates rest on other reports: their wording, a stated one before one a
            # report only implies (이어서), then the earliest report's first.
            first = min(winner.claims, key=lambda claim: (not claim.stated, claim.published_at,
                                                          claim.source_id))
            row["when_ko"] = first.wording
        stated = any(claim.stated for claim in winner.claims)
        row["date_basis"] = "stated" if stated else "inferred"
        return
    (value,) = winner.value
    if outcome.group == "value":
        row["value_low"], row["value_high"] = winner.bounds()
        row["value"] = row["value_low"] if row["value_low"] == row["value_high"] else None
        return
    row[outcome.group] = int(value) if outcome.group == "duration_minutes" else value
    if outcome.group == "status":
        row["status_as_of"] = max(c.published_at for c in winner.claims)[:10]


def date_claims(claims: Iterable[Claim]) -> dict[tuple[str, str], list[Claim]]:
    """(event, field) -> the claims of its start_date or end_date, for containment_conflicts()."""
    dated: dict[tuple[str, str], list[Claim]] = {}
    for claim in claims:
        if claim.about_table == DATED[0] and claim.field in DATED[1]:
            dated.setdefault((claim.about_id, claim.field), []).append(claim)
    return dated


def contain_children(events) -> Iterator[list[tuple[str, str, str, str]]]:
    """A parent event contains its children: where the reconciled dates of a part of an
    event lie outside those of the event, the event's dates are widened to contain them.
    `events`: the event rows, read a batch of whole trees at a time (EVENTS_AT_ONCE top
    events, whose parent is no event, and their parts, level by level). Gives each
    batch's widenings (those with any), (event, field, the date it now holds, the part
    that holds it), in the order made (a part's before its parent's): widen() gives them
    to the rows, and the claims that gave the narrower date lose
    (containment_conflicts()). A batch's trees are no other batch's: its widenings may
    be given to the rows before the next batch is read."""
    known = id_lookup(events)
    tops = (event for event, parent in values_where(events, ("id", "parent_event_id"))
            if parent is None or parent not in known)
    while batch := list(islice(tops, EVENTS_AT_ONCE)):
        widened: list[tuple[str, str, str, str]] = []
        rows = {row["id"]: row for row in _contained(events, ("id",), batch)}
        children: dict[str, list[dict]] = {}
        level = list(rows)
        while level:
            parts = [row for row in _contained(events, ("parent_event_id",), level)
                     if row["id"] not in rows]  # a cycle is reported by the article's checks
            for row in parts:
                rows[row["id"]] = row
                children.setdefault(row["parent_event_id"], []).append(row)
            level = [row["id"] for row in parts]
        for event in batch:
            _widen(rows[event], (), children, widened)
        if widened:
            yield widened


def _contained(events, columns: tuple[str, ...], keys: list[str]) -> list[dict]:
    """The CONTAINED values of the events whose `columns` are one of `keys`, in the
    order the rows came."""
    return [dict(zip(CONTAINED, values)) for _, values in
            handles_where(events, columns, {(key,) for key in keys}, CONTAINED)]


def widen(events: RowsById, widened: list[tuple[str, str, str, str]]) -> None:
    """Give the event rows their widened dates (contain_children())."""
    fetched = events.fetch({event for event, *_ in widened})
    for event, field, widest, _ in widened:
        fetched[event][field] = widest
        fetched[event]["date_precision"] = "span"
    events.save(fetched)


def containment_conflicts(widened: list[tuple[str, str, str, str]],
                          dated: dict[tuple[str, str], list[Claim]]) -> list[dict]:
    """The conflicts of the claims that gave a widened event a narrower date (`dated`:
    date_claims() of the widened events)."""
    return [{"id": claim.id, "about_table": DATED[0], "about_id": event, "field": field,
             "accepted_value": widest, "claimed_value": claim.value, "claim_id": claim.id,
             "source_id": claim.source_id,
             "resolution_en": f"an event contains its parts: {part} falls on {widest}"}
            for event, field, widest, part in widened
            for claim in dated.get((event, field), ()) if claim.value != widest]


def rejections(dated: dict[tuple[str, str], list[Claim]], rejected: set[str]
               ) -> list[tuple[object, dict]]:
    """accepted 0 for the date claims a widened event's conflicts name."""
    return [(claim.handle, {"accepted": 0}) for claims in dated.values() for claim in claims
            if claim.id in rejected]


def _widen(row: dict, seen: tuple, children: dict[str, list[dict]],
           widened: list[tuple[str, str, str, str]]) -> None:
    """Widen an event's dates to contain its parts', theirs first. A function of its own,
    not a closure calling itself: that would be a reference cycle holding every event
    until the paused cyclic collector runs again."""
    if row["id"] in seen:
        return  # a cycle is reported by the article's own checks
    for child in children.get(row["id"], ()):
        _widen(child, seen + (row["id"],), children, widened)
    # A part known only to fall on one day of a window does not stretch its parent.
    parts = [c for c in children.get(row["id"], ())
             if c["start_date"] and c["date_precision"] != "within"]
    if not parts or not row["start_date"]:
        return
    for field, pick in (("start_date", min), ("end_date", max)):
        widest = pick([row[field], *(c[field] for c in parts)])
        if widest == row[field]:
            continue
        part = next(c for c in parts if c[field] == widest)
        row[field] = widest
        row["date_precision"] = "span"
        widened.append((row["id"], field, widest, part["id"]))

