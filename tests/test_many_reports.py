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


def test_the_xiaomi_meeting_is_one_row_on_the_19th_with_its_reports(built_db):
    assert rows(built_db, "select start_date, end_date, date_precision, date_basis, "
                          "source_count from events where title like '%Xiaomi%'") == [
        ("2014-12-19", "2014-12-19", "day", "stated", 4)]
    reports = rows(built_db, "select distinct s.id from claims c join sources s "
                             "on s.id = c.source_id where c.about_table = 'events' and "
                             "c.about_id = 'xiaomi-ceo-meeting-2014' order by 1")
    assert [r for r, in reports] == [ARTICLE, "asiae-2014-12-17-minister-china-trip",
                                     "etnews-2014-12-17-minister-china-trip",
                                     "sedaily-2014-12-17-k-tech-china"]
    assert rows(built_db, "select count(*) from itinerary where event_id = "
                          "'xiaomi-ceo-meeting-2014'") == [(1,)]


def test_the_meeting_was_held_and_the_mous_signed_on_the_18th_morning(built_db):
    assert rows(built_db, "select status, start_date, time_of_day, status_as_of from events "
                          "where id = 'korea-china-st-ministerial-meeting-2014'") == [
        ("held", "2014-12-18", "morning", "2014-12-18")]
    assert rows(built_db, "select id, status, signed_date, status_as_of from mous "
                          "where article_id is not null order by id") == [
        ("mou-industry-academia-research-joint-research", "signed", "2014-12-18", "2014-12-18"),
        ("mou-technology-transfer-commercialisation", "signed", "2014-12-18", "2014-12-18")]


def test_the_trip_ran_17_to_20_and_the_held_articles_reading_is_a_conflict(built_db):
    assert rows(built_db, "select start_date, end_date, date_precision from events "
                          "where id = 'msip-china-programme-2014'") == [
        ("2014-12-17", "2014-12-20", "span")]
    assert rows(built_db, "select claimed_value, accepted_value, resolution_en, c.wording_ko "
                          "from conflicts x join claims c on c.id = x.claim_id where "
                          "x.about_id = 'msip-china-programme-2014' and x.source_id = ?",
                ARTICLE) == [
        ("2014-12-19", "2014-12-20", "this report contradicts itself: the same report puts "
         "shanghai-leg-2014 on 2014-12-20", "오는 17일부터 사흘간")]


def test_the_tsinghua_revenue_is_one_figure_from_two_reports(built_db):
    assert rows(built_db, "select value, unit, source_count from statistics "
                          "where id = 'tsinghua-holdings-annual-revenue'") == [
        (6.5e12, "KRW", 2)]
    assert rows(built_db, "select source_id, wording_ko, accepted from claims where "
                          "about_id = 'tsinghua-holdings-annual-revenue' order by source_id") == [
        (ARTICLE, "6조5천억원", 1), ("etoday-2014-12-18-ministers-meeting", "6조5000억원", 1)]


def test_a_range_is_stored_with_its_bounds(built_db):
    assert rows(built_db, "select value, value_low, value_high from statistics "
                          "where id = 'kr-cn-joint-research-funding-until-2014'") == [
        (None, 3e8, 4e8)]


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
    assert {r["in_database"] for r in claims if r["value"] == "2014-12-18"} == {"not held"}
    disagreements = await query("disagreements")
    assert {(r["fact_id"], r["field"], r["database_value"], r["report_value"])
            for r in disagreements} >= {
        ("msip-china-programme-2014", "end_date", "2014-12-20", "2014-12-19"),
        ("xiaomi-ceo-meeting-2014", "start_date", "2014-12-19", "2014-12-18")}
    changed = await query("announced_then_reported")
    assert {(r["fact_id"], r["field"], r["announced"], r["reported_after"], r["known_since"])
            for r in changed} >= {
        ("korea-china-st-ministerial-meeting-2014", "status", "planned", "held", "2014-12-18"),
        ("mou-technology-transfer-commercialisation", "status", "planned", "signed",
         "2014-12-18")}
    per_event = {r["event_id"]: r for r in await query("sources_per_event")}
    assert per_event["xiaomi-ceo-meeting-2014"]["source_count"] == 4


@pytest.fixture(scope="module")
def with_one_more_report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("more")
    sources = shutil.copytree(ROOT / "sources", folder / "sources")
    shutil.copy(FIXTURE, sources / "citations" / "fixture-daily-2014-12-19-trip-update.yml")
    counts, problems = build(sources, folder / "news.db", [fill_derived_tables])
    assert counts is not None, [str(p) for p in problems.sorted()]
    return folder / "news.db"


def test_one_more_report_moves_the_values_as_the_rules_say(with_one_more_report, built_db):
    db = with_one_more_report
    # a report after the meeting: held, with its time of day, known since the 19th
    assert rows(db, "select status, status_as_of, time_of_day, source_count from events "
                    "where id = 'xiaomi-ceo-meeting-2014'") == [("held", "2014-12-19",
                                                                 "morning", 5)]
    # the K-Tech China span is now two reports against two: the report after the event
    # wins over the announcements
    assert rows(db, "select start_date, end_date from events where id = 'k-tech-china-2014'"
                ) == [("2014-12-18", "2014-12-20")]
    assert rows(db, "select resolution_en from conflicts where about_id = 'k-tech-china-2014'"
                " and source_id = ?", ARTICLE) == [
        ("a report after the event beats an announcement made before it",)]
    # a third report of the same revenue
    assert rows(db, "select value, source_count from statistics where "
                    "id = 'tsinghua-holdings-annual-revenue'") == [(6.5e12, 3)]
    # nothing else moved
    before = rows(built_db, "select id, start_date, end_date, status from events "
                            "where id not in ('xiaomi-ceo-meeting-2014', 'k-tech-china-2014', "
                            "'beijing-leg-2014') order by id")
    after = rows(db, "select id, start_date, end_date, status from events "
                     "where id not in ('xiaomi-ceo-meeting-2014', 'k-tech-china-2014', "
                     "'beijing-leg-2014') order by id")
    assert after == before
