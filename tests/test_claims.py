"""The claim book (newsdb/facts/claims.py): one claim per report, field and fact."""
import pytest

from newsdb.curated.problems import Problems
import newsdb.facts.claims as claims_module
from newsdb.facts.claims import (RECONCILED, ClaimBook, contain_children,
                                 containment_conflicts, date_claims, rejections, weigh_facts,
                                 widen)
from newsdb.facts.origins import Origins
from newsdb.facts.reconcile import Claim
from newsdb.facts.table_rows import RowsById
from newsdb.store.registry import default_registry
from newsdb.store.staging import Stage

REGISTRY = default_registry()


def add(book, value, source="report-a"):
    return book.add(source, "events", "visit", "start_date", value, tense="after",
                    hedged=False)


def test_a_report_saying_the_same_twice_gives_one_claim():
    book = ClaimBook(Problems())
    first = add(book, "2014-12-17")
    assert first["id"] == "report-a--events-visit-start-date"
    assert add(book, "2014-12-17") is None
    assert book.rows == [first]


def test_a_report_saying_two_values_is_a_problem_and_keeps_the_first():
    problems = Problems()
    book = ClaimBook(problems)
    first = add(book, "2014-12-17")
    assert add(book, "2014-12-18") is None
    assert book.rows == [first] and first["value"] == "2014-12-17"
    assert len(problems) == 1


def test_two_reports_give_two_claims():
    book = ClaimBook(Problems())
    add(book, "2014-12-17")
    add(book, "2014-12-18", source="report-b")
    assert [row["source_id"] for row in book.rows] == ["report-a", "report-b"]


def test_no_claim_is_added_once_the_book_is_closed():
    book = ClaimBook(Problems())
    first = add(book, "2014-12-17")
    book.close()
    with pytest.raises(RuntimeError, match="closed"):
        add(book, "2014-12-18", source="report-b")
    assert book.rows == [first]


def staged_claims(tmp_path):
    from newsdb.store.registry import default_registry
    from newsdb.store.staging import Stage

    stage = Stage(tmp_path / ".staging")
    return stage, stage.table(default_registry().by_name["claims"], Origins())


@pytest.mark.parametrize("staged", [False, True])
def test_a_report_whose_claims_come_again_is_checked_against_its_first(tmp_path, staged):
    """Claims of one report id after another report's (two files with one id): the first
    claim of each field is still the one the others are checked against."""
    stage, rows = staged_claims(tmp_path) if staged else (None, None)
    problems = Problems()
    book = ClaimBook(problems, rows=rows)
    add(book, "2014-12-17")
    add(book, "2014-12-18", source="report-b")
    if staged:
        book.rows.flush()  # a report's claims are let go once it is read
    assert add(book, "2014-12-17") is None
    assert not problems
    assert add(book, "2014-12-19") is None
    [problem] = problems.sorted()
    assert "already claims start_date '2014-12-17'" in str(problem)
    assert [row["value"] for row in book.rows] == ["2014-12-17", "2014-12-18"]
    if stage:
        stage.close()


def test_an_event_widened_to_contain_its_part_rejects_its_narrower_dates():
    events = [{"id": "trip", "parent_event_id": None, "start_date": "2014-12-17",
               "end_date": "2014-12-19", "date_precision": "span"},
              {"id": "leg", "parent_event_id": "trip", "start_date": "2014-12-20",
               "end_date": "2014-12-20", "date_precision": "day"}]
    said = [Claim(f"a-{field}", "a", "2014-12-16", "events", "trip", field, value, "ahead",
                  False, handle=f"row {n}")
            for n, (field, value) in enumerate((("start_date", "2014-12-17"),
                                                ("end_date", "2014-12-19"),
                                                ("status", "planned")))]
    [widened] = contain_children(events)
    assert widened == [("trip", "end_date", "2014-12-20", "leg")]
    widen(RowsById(events), widened)
    assert [(row["start_date"], row["end_date"], row["date_precision"]) for row in events] \
        == [("2014-12-17", "2014-12-20", "span"), ("2014-12-20", "2014-12-20", "day")]
    dated = date_claims(said)
    assert list(dated) == [("trip", "start_date"), ("trip", "end_date")]
    conflicts = containment_conflicts(widened, dated)
    assert [(row["claim_id"], row["accepted_value"], row["resolution_en"])
            for row in conflicts] == [
        ("a-end_date", "2014-12-20", "an event contains its parts: leg falls on 2014-12-20")]
    assert rejections(dated, {"a-end_date"}) == [("row 1", {"accepted": 0})]


def date_row(source: str, about: str, field: str, value: str) -> dict:
    return {"id": f"{source}-{about}-{field}", "source_id": source, "about_table": "events",
            "about_id": about, "field": field, "value": value, "tense": "after", "hedged": 0,
            "stated": 1, "precision": "day", "value_low": None, "value_high": None,
            "wording_ko": None}


@pytest.mark.parametrize("at_once", [1, 1000])
def test_a_report_is_held_to_its_parts_dates_weighed_in_another_batch(monkeypatch, at_once):
    """Facts are weighed a batch at a time; a part's dates (the leg's, weighed first) are
    read for its event's batch, so report a, which puts the leg outside the trip it
    dates, loses the trip's end date to b whichever batch each fact falls in."""
    monkeypatch.setattr(claims_module, "FACTS_AT_ONCE", at_once)
    said = [date_row("a", "trip", "start_date", "2014-12-17"),
            date_row("a", "trip", "end_date", "2014-12-19"),
            date_row("a", "leg", "start_date", "2014-12-20"),
            date_row("a", "leg", "end_date", "2014-12-20"),
            date_row("b", "trip", "start_date", "2014-12-17"),
            date_row("b", "trip", "end_date", "2014-12-20")]
    events = [{"id": "trip", "parent_event_id": None},
              {"id": "leg", "parent_event_id": "trip"}]
    rows = {table: RowsById([]) for table in RECONCILED} | {"events": RowsById(events)}
    conflicts = []
    weigh_facts(said, events, rows, {}, {"a": "2014-12-21", "b": "2014-12-21"},
                {"a": "a", "b": "b"}, conflicts.extend)
    assert (events[0]["start_date"], events[0]["end_date"]) == ("2014-12-17", "2014-12-20")
    assert [(row["claim_id"], row["resolution_en"]) for row in conflicts] == [
        ("a-trip-end_date",
         "this report contradicts itself: the same report puts leg on 2014-12-20")]
    # The verdict is written to the claim; the others are left as made (confirming).
    assert [(row.get("relation"), row.get("accepted")) for row in said] == [
        (None, None), ("contradicts", 0), (None, None), (None, None), (None, None),
        (None, None)]


def event_row(event_id: str, parent, start: str, end: str, precision: str = "day") -> dict:
    row = dict.fromkeys(REGISTRY.by_name["events"].columns)
    return row | {"id": event_id, "parent_event_id": parent, "start_date": start,
                  "end_date": end, "date_precision": precision}


@pytest.mark.parametrize("at_once", [1, 1000])
@pytest.mark.parametrize("kept", ["list", "staged"])
def test_events_are_widened_a_batch_of_trees_at_a_time(monkeypatch, tmp_path, at_once, kept):
    """Each top event is read with its parts, level by level, a batch of top events at a
    time: a part two levels down widens its parent, then the top event; a part known only
    to fall within a window stretches nothing."""
    monkeypatch.setattr(claims_module, "EVENTS_AT_ONCE", at_once)
    made = [event_row("b", None, "2014-12-01", "2014-12-02", "span"),
            event_row("a", None, "2014-12-17", "2014-12-19", "span"),
            event_row("a1", "a", "2014-12-18", "2014-12-18"),
            event_row("b1", "b", "2014-12-05", "2014-12-05", "within"),
            event_row("a1x", "a1", "2014-12-21", "2014-12-21")]
    stage = Stage(tmp_path / ".staging") if kept == "staged" else None
    events = made if stage is None else stage.table(REGISTRY.by_name["events"], Origins())
    if stage is not None:
        events.extend(made)
    widened = []
    for batch in contain_children(events):  # each batch given to the rows as it comes
        widen(RowsById(events), batch)
        widened += batch
    assert widened == [("a1", "end_date", "2014-12-21", "a1x"),
                       ("a", "end_date", "2014-12-21", "a1")]
    assert {row["id"]: (row["start_date"], row["end_date"], row["date_precision"])
            for row in events} == {
        "a": ("2014-12-17", "2014-12-21", "span"), "a1": ("2014-12-18", "2014-12-21", "span"),
        "a1x": ("2014-12-21", "2014-12-21", "day"), "b": ("2014-12-01", "2014-12-02", "span"),
        "b1": ("2014-12-05", "2014-12-05", "within")}
    if stage is not None:
        stage.close()
