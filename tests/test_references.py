"""A reference to a row of another table (newsdb/facts/references.py): checked at once
against a table already known, and, for a fact table whose reports are still being read
(Unsettled), once every report is, with the same problem either way; and the ids the
reports declare, held or staged."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from newsdb.curated.problems import Problems
from newsdb.curated.reader import Curated
from newsdb.facts.references import DeclaredIds, Unsettled, _reference
from newsdb.facts.rows import NoteReference, _known_now, _not_among
from newsdb.store.staging import Stage


def curated(record_id: str = "mou-1") -> Curated:
    return Curated(SimpleNamespace(id=record_id), "articles/a.yml", 12, None)


def test_a_known_table_reports_an_unknown_id_at_once():
    problems = Problems()
    assert _reference(curated(), "event", "nope", "events", {"events": {"e1"}}, problems,
                      line=14) == "nope"
    assert [str(p) for p in problems.sorted()] == [
        "articles/a.yml:14: record 'mou-1' field 'event': unknown event 'nope': "
        "expected an id from events"]


def test_an_id_declared_by_a_later_report_is_not_a_problem():
    problems, events = Problems(), Unsettled()
    events.seen.add("e1")
    _reference(curated(), "event", "e1", "events", {"events": events}, problems)
    _reference(curated(), "event", "e2", "events", {"events": events}, problems)
    assert len(events.waiting) == 1  # only the id not seen yet waits
    events.settle("events", {"e1", "e2"}, problems)
    assert not problems
    assert events.waiting == []


def test_an_id_no_report_declares_is_reported_where_it_is_written():
    problems, events = Problems(), Unsettled()
    _reference(curated(), "event", "nope", "events", {"events": events}, problems, line=14)
    assert not problems  # not yet: a later report may declare it
    events.settle("events", {"e1"}, problems)
    waited = [str(p) for p in problems.sorted()]
    at_once = Problems()
    _reference(curated(), "event", "nope", "events", {"events": {"e1"}}, at_once, line=14)
    assert waited == [str(p) for p in at_once.sorted()]


def test_a_table_with_an_unreadable_file_is_not_checked():
    """None: an article file could not be read, so its ids are unknown; its own error is
    the one reported."""
    problems, events = Problems(), Unsettled()
    _reference(curated(), "event", "nope", "events", {"events": events}, problems)
    events.settle("events", None, problems)
    assert not problems


@pytest.fixture(params=["memory", "staged"])
def declared(request, tmp_path):
    """The ids reports declare: held (DeclaredIds) or in the build's staging file
    (StagedIds), the same answers."""
    if request.param == "memory":
        yield DeclaredIds()
        return
    stage = Stage(tmp_path / ".staging")
    yield stage.declared_ids("events")
    stage.close()


def test_an_id_declared_again_names_the_file_that_declared_it_first(declared):
    assert declared.declare([("e1", "articles/a.yml"), ("e2", "articles/a.yml")]) == {}
    assert declared.declare([("e3", "articles/b.yml"), ("e1", "articles/b.yml")]) == {
        "e1": "articles/a.yml"}
    # The duplicate is not noted: a third report is told of the first again.
    assert declared.declare([("e1", "citations/c.yml")]) == {"e1": "articles/a.yml"}
    assert all(key in declared for key in ("e1", "e2", "e3"))
    assert "e4" not in declared and ["e1"] not in declared


def test_an_id_only_written_is_known_but_names_no_file(declared):
    """An id of a record that failed its checks is known (a reference to it is not a
    second error), but a valid record declaring it later is not a duplicate."""
    declared.see(["e1", "e2"])
    assert "e1" in declared
    assert declared.declare([("e1", "articles/b.yml")]) == {}
    declared.see(["e1"])  # seeing it again keeps the file
    assert declared.declare([("e1", "articles/c.yml")]) == {"e1": "articles/b.yml"}


def test_a_notes_reference_waits_only_when_its_row_is_not_known_yet():
    """A note naming a registry's row, or a fact a report read so far declares, is known
    once every report is: it is not held to the end. Any other waits (and is checked
    then, with the same problem as before)."""
    seen = DeclaredIds()
    seen.see(["e1"])
    ids = {"events": Unsettled(seen), "places": {"p1"}, "organizations": None}

    def note(table, about_id):
        return NoteReference(table, about_id, "articles/a.yml", 3, "n-1")

    assert _known_now(note("events", "e1"), ids) and _known_now(note("places", "p1"), ids)
    assert not any(_known_now(note(table, about_id), ids) for table, about_id in (
        ("events", "e2"), ("places", "p9"), ("organizations", "o1"), ("sentences", "a-s1"),
        ("events", ["e1"])))


def test_a_note_about_a_row_its_own_report_just_added_does_not_wait():
    """A note naming a sentence, claim or the source of its own report is known once that
    report's rows are made (rows are never taken away); one naming a row added before
    the report, or by none, still waits."""
    def note(table, about_id):
        return NoteReference(table, about_id, "articles/a.yml", 3, "n-1")

    tables = {"sentences": [{"id": "b-s1"}, {"id": "a-s1"}, {"id": "a-s2"}],
              "claims": [{"id": "a--events-e1-status"}], "sources": [{"id": "a"}]}
    before = {"sentences": 1, "claims": 0, "sources": 0}
    waiting = [note("sentences", "b-s1"), note("sentences", "a-s9"), note("events", "e1"),
               note("sentences", ["a-s1"])]
    assert _not_among([note("sentences", "a-s2"), note("claims", "a--events-e1-status"),
                       note("sources", "a"), *waiting], tables, before) == waiting
