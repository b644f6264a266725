"""Many reports, one event: the database's answers about the trip, by SQL and by one
click, and how they move when a curator adds one more report (a fixture, written for
the tests)."""
from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from newsdb.store.build import build
from newsdb.store.derived import fill_derived_tables

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "extra-report-2014-12-19.yml"
ARTICLE = "2014-12-17-msip-minister-china-visit"


def rows(db: Path, sql: str, *params) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


FACT_TABLES = ("events", "mous", "statistics")


def test_the_xiaomi_meeting_is_one_row_on_the_19th_with_its_reports(built_db):
    assert rows(built_db, "select start_date, end_date, date_precision, date_basis "
                          "from events where title like '%Xiaomi%'") == [
        ("2014-12-19", "2014-12-19", "day", "stated")]
    reports = rows(built_db, "select distinct s.id from claims c join sources s "
                             "on s.id = c.source_id where c.about_table = 'events' and "
                             "c.about_id = 'xiaomi-ceo-meeting-2014'")
    # the reports that name the meeting, whatever others are added
    assert {r for r, in reports} >= {ARTICLE, "asiae-2014-12-17-minister-china-trip",
                                     "etnews-2014-12-17-minister-china-trip"}
    assert rows(built_db, "select count(*) from itinerary where event_id = "
                          "'xiaomi-ceo-meeting-2014'") == [(1,)]


@pytest.mark.parametrize("table", FACT_TABLES)
def test_source_count_is_the_distinct_sources_with_a_claim(built_db, table):
    assert rows(built_db, f"select f.id, f.source_count, (select count(distinct c.source_id) "
                          f"from claims c where c.about_table = '{table}' and "
                          f"c.about_id = f.id) n from {table} f "
                          "where f.source_count != n") == []


def test_a_date_other_reports_give_shows_a_stated_wording_when_there_is_one(built_db):
    # An event whose dates rest on citations shows a report's own wording of its day; a
    # claim that only implies the day (이어서 then: inferred) gives way to a stated one.
    shown = rows(built_db, """
        select e.id, e.when_ko from events e
        where e.article_id is not null and e.when_ko is not null
          and exists (select 1 from claims c where c.about_table = 'events'
                      and c.about_id = e.id and c.field = 'start_date' and c.stated = 1
                      and c.source_id != e.article_id and c.relation = 'confirms')
          and not exists (select 1 from claims c where c.about_table = 'events'
                          and c.about_id = e.id and c.field = 'start_date'
                          and c.source_id = e.article_id and c.relation = 'confirms')
          and not exists (select 1 from claims c where c.about_table = 'events'
                          and c.about_id = e.id and c.field = 'start_date' and c.stated = 1
                          and c.relation = 'confirms' and c.wording_ko = e.when_ko)""")
    assert shown == []


def test_the_meeting_was_held_and_the_mous_signed_on_the_18th_morning(built_db):
    assert rows(built_db, "select status, start_date, time_of_day, status_as_of >= "
                          "'2014-12-18' from events "
                          "where id = 'korea-china-st-ministerial-meeting-2014'") == [
        ("held", "2014-12-18", "morning", 1)]
    signed = rows(built_db, "select id, status, signed_date from mous "
                            "where article_id is not null")
    assert signed and all(status == "signed" and day == "2014-12-18"
                          for _, status, day in signed)


def test_the_trip_ran_17_to_20(built_db):
    assert rows(built_db, "select start_date, end_date, date_precision from events "
                          "where id = 'msip-china-programme-2014'") == [
        ("2014-12-17", "2014-12-20", "span")]


def test_the_tsinghua_revenue_is_one_figure_that_its_reports_agree_on(built_db):
    assert rows(built_db, "select value, unit, source_count >= 2 from statistics "
                          "where id = 'tsinghua-holdings-annual-revenue'") == [
        (6.5e12, "KRW", 1)]
    claims = rows(built_db, "select source_id, value, accepted from claims where "
                            "about_id = 'tsinghua-holdings-annual-revenue' and field = 'value'")
    assert (ARTICLE, "6500000000000", 1) in claims
    assert all(accepted == 1 for _, value, accepted in claims if value == "6500000000000")


def test_a_range_is_stored_with_its_bounds(built_db):
    claimed = rows(built_db, "select value, value_low, value_high from claims "
                             "where precision = 'range'")
    assert claimed
    assert all(low < high and value == f"{low:.15g}~{high:.15g}"
               for value, low, high in claimed)
    held = rows(built_db, "select value, value_low, value_high from statistics "
                          "where value_low != value_high")
    assert all(value is None and low < high for value, low, high in held)


def test_every_losing_claim_is_a_conflict_with_its_reason(built_db):
    assert rows(built_db, "select count(*) from claims where accepted = 0") == \
        rows(built_db, "select count(*) from conflicts")
    assert rows(built_db, "select count(*) from conflicts where resolution_en is null "
                          "or claimed_value = accepted_value") == [(0,)]


def test_citations_store_no_sentence_of_their_outlet(built_db):
    """A citation's claims have no quote or sentence; their own words are short."""
    assert rows(built_db, "select count(*) from claims c join sources s on s.id = c.source_id "
                          "where s.kind = 'citation' and (c.quote is not null "
                          "or c.sentence_id is not null or c.summary_en is null)") == [(0,)]
    # A run of text with 40 or more Hangul syllables would be a sentence, not a wording.
    run = re.compile(r"[\uac00-\ud7a3][\uac00-\ud7a3\w\s,.·‘’'\"()%~-]{59,}")
    hangul = re.compile(r"[\uac00-\ud7a3]")
    for path in (ROOT / "sources" / "citations").glob("*.yml"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not any(len(hangul.findall(m.group())) >= 40 for m in run.finditer(line)), \
                f"{path.name}:{number}"


async def test_one_click_answers(served_site):
    async def query(name, **params):
        response = await served_site.client.get(f"/news/{name}.json",
                                                params={**params, "_shape": "objects"})
        assert response.status_code == 200, response.text
        return response.json()["rows"]

    claims = await query("fact_claims", fact="Lei Jun")
    days = {(r["report"], r["value"]) for r in claims if r["field"] == "start_date"}
    assert ("Electronic Times (etnews), 2014-12-17", "2014-12-19") in days
    # the held article's window of 18-19 December allows the 19th: followed, compatible
    window = [r for r in claims if r["fact_id"] == "xiaomi-ceo-meeting-2014"
              and r["value"] == "2014-12-18" and r["field"] == "start_date"]
    assert window and {(r["relation"], r["in_database"]) for r in window} == {
        ("compatible", "the database follows this")}
    disagreements = await query("disagreements")
    # contradictions only: no claim the database follows, no announcement carried out
    assert {r["relation"] for r in disagreements} <= {"contradicts"}
    assert not [r for r in disagreements if r["fact_id"] == "xiaomi-ceo-meeting-2014"]
    changed = await query("announced_then_reported")
    assert {(r["fact_id"], r["field"], r["announced"], r["reported_after"], r["outcome"])
            for r in changed} >= {
        ("korea-china-st-ministerial-meeting-2014", "status", "planned", "held",
         "carried out")}
    moved = await query("how_the_story_moved")
    assert {(r["fact_id"], r["field"], r["how"]) for r in moved} >= {
        ("xiaomi-ceo-meeting-2014", "start_date", "window → day"),
        ("korea-china-st-ministerial-meeting-2014", "status", "announced → carried out")}
    per_event = {r["event_id"]: r for r in await query("sources_per_event")}
    reporting = {r["report"] for r in claims if r["fact_id"] == "xiaomi-ceo-meeting-2014"}
    assert per_event["xiaomi-ceo-meeting-2014"]["source_count"] == len(reporting)


@pytest.fixture(scope="module")
def with_one_more_report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("more")
    sources = shutil.copytree(ROOT / "sources", folder / "sources")
    shutil.copy(FIXTURE, sources / "citations" / "fixture-daily-2014-12-19-trip-update.yml")
    counts, problems = build(sources, folder / "news.db", [fill_derived_tables])
    assert counts is not None, [str(p) for p in problems.sorted()]
    return folder / "news.db"


def dump(db: Path, table: str, exclude: set[str]) -> dict[str, tuple]:
    """id -> row of every fact not in `exclude`."""
    conn = sqlite3.connect(db)
    try:
        cursor = conn.execute(f"select * from {table} order by id")
        names = [d[0] for d in cursor.description]
        return {row[0]: row for row in cursor if row[0] not in exclude
                and (table != "claims" or dict(zip(names, row))["about_id"] not in exclude)}
    finally:
        conn.close()


def test_one_more_report_moves_the_values_as_the_rules_say(with_one_more_report, built_db):
    db = with_one_more_report
    before = dict(rows(built_db, "select id, source_count from events"))
    # a report after the meeting: held, with its time of day, as of the 19th at least
    assert rows(db, "select status, status_as_of >= '2014-12-19', time_of_day, source_count "
                    "from events where id = 'xiaomi-ceo-meeting-2014'") == [
        ("held", 1, "morning", before["xiaomi-ceo-meeting-2014"] + 1)]
    assert rows(db, "select relation from claims where source_id like 'fixture-%' and "
                    "about_id = 'xiaomi-ceo-meeting-2014' and field = 'status'") == [
        ("confirms",)]
    # the report after the event wins the K-Tech China dates over the announcements
    assert rows(db, "select start_date, end_date from events where id = 'k-tech-china-2014'"
                ) == [("2014-12-18", "2014-12-20")]
    # a further report of the same revenue
    assert rows(db, "select value, source_count from statistics where "
                    "id = 'tsinghua-holdings-annual-revenue'") == rows(
        built_db, "select value, source_count + 1 from statistics where "
                  "id = 'tsinghua-holdings-annual-revenue'")


def test_one_more_report_moves_nothing_it_does_not_speak_of(with_one_more_report, built_db):
    """Every fact the made-up report has no claim about, and every claim and conflict
    about such a fact, is the same row before and after. The events that contain a
    claimed event (its leg) may widen to contain it, and are excluded with it."""
    claimed = {r for r, in rows(with_one_more_report, "select distinct about_id from claims "
                                                     "where source_id like 'fixture-%'")}
    containers = {r for r, in rows(with_one_more_report,
                                   "select parent_event_id from events where id in (%s)"
                                   % ",".join("?" * len(claimed)), *claimed) if r}
    moved = claimed | containers
    for table in (*FACT_TABLES, "claims", "conflicts"):
        exclude = moved if table != "conflicts" else set()
        after = dump(with_one_more_report, table, exclude)
        if table == "claims":
            after = {k: r for k, r in after.items() if not k.startswith("fixture-")}
        if table == "conflicts":
            after = {k: r for k, r in after.items() if r[2] not in moved}
            assert after == {k: r for k, r in dump(built_db, table, set()).items()
                             if r[2] not in moved}, table
            continue
        assert after == dump(built_db, table, exclude), table


def test_title_claims_relate_to_the_registry_titles(built_db):
    for value, relation, title, others in rows(
            built_db, "select c.value, c.relation, p.title_ko, p.other_titles_ko from claims c "
                      "join people p on p.id = c.about_id where c.about_table = 'people'"):
        expected = ("confirms" if value == title else
                    "compatible" if value in (others or "") else "contradicts")
        assert relation == expected, value
    assert rows(built_db, "select distinct relation from claims where about_id = 'lei-jun' "
                          "and value = '회장'") == [("compatible",)]
