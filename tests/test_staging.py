"""The tables a build keeps in its staging file rather than in memory
(newsdb/store/staging.py): the same rows in the same order with the same origins as
held in lists, let go once staged, a value SQLite cannot store still reported with its
file and line, and the same database written."""
from __future__ import annotations

from pathlib import Path

import pytest

import newsdb.store.build as build_module
from newsdb.curated.problems import Problems
from newsdb.facts.origins import Origin, Origins, StagedRow
from newsdb.store.build import build, collect
from newsdb.store.constraints import check_constraints
from newsdb.store.finishers import FINISHERS
from newsdb.store.registry import default_registry
from newsdb.store.sqlite import RowError, write_database
from newsdb.store.staging import STAGED, RowStore, Stage, staging_path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = default_registry()


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The real sources collected twice: in lists, and with a stage."""
    in_memory = Origins()
    listed, problems = collect(ROOT / "sources", in_memory)
    assert listed is not None, [str(p) for p in problems.items]
    held_in_memory = in_memory.mark()
    staged_origins = Origins()
    stage = Stage(tmp_path_factory.mktemp("stage") / ".news.db.staging")
    staged, problems = collect(ROOT / "sources", staged_origins, stage=stage)
    assert staged is not None, [str(p) for p in problems.items]
    yield listed, in_memory, held_in_memory, staged, staged_origins
    stage.close()


@pytest.mark.parametrize("name", STAGED)
def test_a_staged_table_gives_back_the_rows_in_their_order_with_their_origins(both, name):
    listed, in_memory, _, staged, _ = both
    assert isinstance(staged[name], RowStore) and isinstance(listed[name], list)
    rows = list(staged[name])
    assert rows == listed[name]
    assert len(staged[name]) == len(listed[name]) > 0
    assert [row.origin for row in rows] == [in_memory.of(row) for row in listed[name]]
    assert all(isinstance(row, StagedRow) for row in rows)


def test_the_other_tables_stay_lists(both):
    _, _, _, staged, _ = both
    assert {name for name, rows in staged.items() if isinstance(rows, RowStore)} == set(STAGED)


def test_a_reports_staged_rows_are_let_go(both):
    """What the origins hold is smaller by at least every mention and sentence (made by
    the articles alone, each let go once staged)."""
    _, _, held_in_memory, staged, staged_origins = both
    made = len(staged["mentions"]) + len(staged["sentences"])
    assert staged_origins.mark() <= held_in_memory - made


def stored_notes(tmp_path, rows: list[tuple[dict, Origin]]):
    stage = Stage(tmp_path / ".staging")
    origins = Origins()
    store = stage.table(REGISTRY.by_name["notes"], origins)
    for row, where in rows:
        store.append(row)
        origins.note(row, where.file, where.line, where.record)
    store.flush()
    return stage, store, origins


def note(note_id: str, text) -> dict:
    return {"id": note_id, "article_id": "a", "source_id": "a", "kind": "inference",
            "about_table": "events", "about_id": "e", "note_en": text,
            "sentence_id": None, "quote": None}


def test_a_value_sqlite_cannot_store_stays_in_memory_and_is_reported(tmp_path):
    """A list where text belongs: the row is held as it is, comes after the stored
    rows, and the check names its file and line."""
    bad = note("n-1", ["not", "text"])
    stage, store, origins = stored_notes(tmp_path, [
        (note("n-2", "fine"), Origin("sources/a.yml", 4, "n-2")),
        (bad, Origin("sources/a.yml", 9, "n-1"))])
    try:
        assert [row["id"] for row in store] == ["n-2", "n-1"]
        assert origins.of(bad) == Origin("sources/a.yml", 9, "n-1")
        problems = Problems()
        tables = {table.name: [] for table in REGISTRY.source_tables}
        tables["notes"] = store
        check_constraints(tables, REGISTRY, origins, problems, "sources")
        found = [str(problem) for problem in problems.sorted()]
        assert any(line.startswith("sources/a.yml:9: record 'n-1' field 'note_en': "
                                   "notes.note_en holds text") for line in found), found
    finally:
        stage.close()


def test_a_stored_value_the_database_refuses_is_named_by_its_file_and_line(tmp_path):
    """The checks read a staged table's stored values without making its rows: a row is
    made, with its origin, only for the problem."""
    wrong = note("n-2", "fine")
    wrong["kind"] = "rumour"
    stage, store, origins = stored_notes(tmp_path, [
        (note("n-1", "fine"), Origin("sources/a.yml", 4, "n-1")),
        (wrong, Origin("sources/a.yml", 9, "n-2"))])
    try:
        problems = Problems()
        tables = {table.name: [] for table in REGISTRY.source_tables}
        tables["notes"] = store
        check_constraints(tables, REGISTRY, origins, problems, "sources")
        [problem] = [str(problem) for problem in problems.sorted()
                     if "notes.kind" in str(problem)]
        assert problem.startswith("sources/a.yml:9: record 'n-2' field 'kind': notes.kind: "
                                  "expected one of"), problem
    finally:
        stage.close()


def test_a_repeated_key_of_a_staged_table_names_both_rows(tmp_path):
    """A staged table's keys are counted in the staging file; a repeated one is then
    found row by row, and named with the first row's file and line."""
    stage, store, origins = stored_notes(tmp_path, [
        (note("n-1", "first"), Origin("sources/a.yml", 4, "n-1")),
        (note("n-2", "other"), Origin("sources/a.yml", 6, "n-2")),
        (note("n-1", "again"), Origin("sources/b.yml", 9, "n-1"))])
    try:
        assert store.distinct_count(["id"]) == 2
        problems = Problems()
        tables = {table.name: [] for table in REGISTRY.source_tables}
        tables["notes"] = store
        check_constraints(tables, REGISTRY, origins, problems, "sources")
        assert [str(problem) for problem in problems.sorted()
                if "key" in str(problem)] == [
            "sources/b.yml:9: record 'n-1' field 'id': notes key 'n-1' is already used by "
            "the row from sources/a.yml:4: expected each row of notes to have its own key"]
    finally:
        stage.close()


def test_a_conflict_naming_no_claim_is_reported_staged_or_held(both):
    """The conflicts are staged: one naming no claim is found in the staging file. A
    table held in memory naming the staged claims has the claims it names looked up
    there (no set of every claim id), with the same problem."""
    _, _, _, staged, origins = both
    conflicts = staged["conflicts"]
    assert isinstance(conflicts, RowStore) and len(conflicts), "the sources have conflicts"
    problems = Problems()
    check_constraints(staged, REGISTRY, origins, problems, "sources")
    assert not problems
    first = next(iter(conflicts))
    [(handle, (claim,))] = list(conflicts.handles(("claim_id",), ("id",), {(first["id"],)}))
    conflicts.update([(handle, {"claim_id": "no-such-claim"})])
    try:
        check_constraints(staged, REGISTRY, origins, problems, "sources")
    finally:
        conflicts.update([(handle, {"claim_id": claim})])
    stray = dict(first, claim_id="no-such-claim")
    origins.note(stray, first.origin.file, first.origin.line, first.origin.record)
    held = Problems()
    check_constraints(dict(staged, conflicts=[stray]), REGISTRY, origins, held, "sources")
    found = [str(problem) for problem in problems.sorted()]
    assert found == [str(problem) for problem in held.sorted()]
    assert len(found) == 1 and found[0].endswith(
        f"record '{first.origin.record}' field 'claim_id': conflicts.claim_id: unknown "
        "claims id 'no-such-claim': expected the id of a row of claims"), found


def test_a_staged_reference_to_a_staged_table_is_looked_for_in_the_staging_file(both):
    """A staged row naming a staged table's row (an event's parent, a figure's sentence)
    is checked in the staging file, every row in one query: one naming nothing is
    reported with its file and line, once; a value of the wrong kind once, as such."""
    _, _, _, staged, origins = both
    events, statistics = staged["events"], staged["statistics"]
    [(event, (event_id, parent))] = list(events.handles(("id", "parent_event_id"), ("id",),
                                                        {(next(iter(events))["id"],)}))
    [(figure, (figure_id, sentence))] = list(statistics.handles(
        ("id", "sentence_id"), ("id",), {(next(iter(statistics))["id"],)}))
    events.update([(event, {"parent_event_id": "no-such-event"})])
    statistics.update([(figure, {"sentence_id": 7})])
    problems = Problems()
    try:
        check_constraints(staged, REGISTRY, origins, problems, "sources")
    finally:
        events.update([(event, {"parent_event_id": parent})])
        statistics.update([(figure, {"sentence_id": sentence})])
    found = [str(problem) for problem in problems.sorted()]
    assert len(problems) == len(found) == 2, found  # each added once
    assert found[0].endswith(f"record '{event_id}' field 'parent_event_id': "
                             "events.parent_event_id: unknown events id 'no-such-event': "
                             "expected the id of a row of events") \
        and found[0].startswith("sources/articles/"), found
    assert found[1].endswith(f"record '{figure_id}' field 'sentence_id': "
                             "statistics.sentence_id holds text: got 7"), found
    check_constraints(staged, REGISTRY, origins, problems := Problems(), "sources")
    assert not problems


BROKEN = [  # (table, column, value): one of each rule a value can break
    ("events", "title", None),  # NOT NULL
    ("events", "kind", "party"),  # a vocabulary
    ("events", "place_id", "no-such-place"),  # a registry's id
    ("events", "source_count", "three"),  # a whole number
    ("statistics", "value", "many"),  # a number
    ("statistics", "unit", 7),  # text, and a vocabulary
]


def test_a_staged_table_breaking_each_rule_is_reported_as_a_listed_one(both):
    """SQLite finds the staged rows that break a rule (stored_where); those rows are
    then checked as a list's are: the same problems, each once, in both."""
    listed, listed_origins, _, staged, staged_origins = both
    found = {}
    for kept, tables, origins in (("listed", listed, listed_origins),
                                  ("staged", staged, staged_origins)):
        undo = []
        for table, column, value in BROKEN:
            rows = tables[table]
            if kept == "listed":
                row = rows[1]
                undo.append(lambda row=row, column=column, old=row[column]:
                            row.update({column: old}))
                row[column] = value
            else:
                [(handle, (old,))] = list(rows.handles((column,), ("id",),
                                                       {(list(rows)[1]["id"],)}))
                undo.append(lambda rows=rows, handle=handle, column=column, old=old:
                            rows.update([(handle, {column: old})]))
                rows.update([(handle, {column: value})])
        problems = Problems()
        try:
            check_constraints(tables, REGISTRY, origins, problems, "sources")
        finally:
            for restore in undo:
                restore()
        found[kept] = [str(problem) for problem in problems.sorted()]
        assert len(problems) == len(found[kept]) == len(BROKEN), found[kept]
    assert found["staged"] == found["listed"]


def test_rows_with_one_key_keep_the_order_they_came_in(tmp_path):
    """Two rows with one id (a problem the checks report) are given back in the order
    they were appended, as a stable sort of a list gives them."""
    first, second = note("n-1", "first"), note("n-1", "second")
    stage, store, _ = stored_notes(tmp_path, [
        (note("n-3", "third"), Origin("sources/a.yml", 1, "n-3")),
        (first, Origin("sources/a.yml", 2, "n-1")),
        (second, Origin("sources/b.yml", 3, "n-1"))])
    try:
        assert [row["note_en"] for row in store] == ["first", "second", "third"]
        assert [row.origin.file for row in store] == ["sources/a.yml", "sources/b.yml",
                                                      "sources/a.yml"]
    finally:
        stage.close()


def write_one_mention(tmp_path, article_id) -> RowError:
    stage = Stage(tmp_path / ".staging")
    origins = Origins()
    mentions = stage.table(REGISTRY.by_name["mentions"], origins)
    row = {"id": "m-1", "article_id": article_id, "entity_table": "people",
           "organization_id": None, "person_id": None, "place_id": None,
           "sentence_id": "no-such-sentence", "quote": "최양희"}
    mentions.append(row)
    origins.note(row, "sources/articles/x.yml", 12, "x")
    tables = {table.name: [] for table in REGISTRY.source_tables}
    tables["mentions"] = mentions
    output = tmp_path / "out" / "news.db"
    output.parent.mkdir()
    try:
        with pytest.raises(RowError) as raised:
            write_database(output, tables, (), REGISTRY, origins)
    finally:
        stage.close()
    assert list(output.parent.iterdir()) == []
    return raised.value


def test_a_staged_row_naming_no_row_is_named_by_its_key_and_file(tmp_path):
    """A foreign key that names nothing, found after the write: the key is read back,
    the origin is the staged row's."""
    error = write_one_mention(tmp_path, "no-such-article")
    assert (error.table, error.key) == ("mentions", "m-1")
    assert error.origin == Origin("sources/articles/x.yml", 12, "x")
    assert "foreign key" in str(error) and "names no row of" in str(error)


def test_a_staged_row_the_database_refuses_is_named(tmp_path):
    error = write_one_mention(tmp_path, None)
    assert (error.table, error.key) == ("mentions", "m-1")
    assert error.origin == Origin("sources/articles/x.yml", 12, "x")
    assert "NOT NULL constraint failed: mentions.article_id" in str(error)


def test_a_build_writes_the_same_database_staged_or_not(tmp_path, monkeypatch):
    staged = tmp_path / "staged" / "news.db"
    listed = tmp_path / "listed" / "news.db"
    for output in (staged, listed):
        output.parent.mkdir()
    counts, problems = build(ROOT / "sources", staged, FINISHERS, ROOT / "metadata.yml")
    assert counts is not None, [str(p) for p in problems.items]
    monkeypatch.setattr(build_module, "open_stage", lambda output: None)
    counts, problems = build(ROOT / "sources", listed, FINISHERS, ROOT / "metadata.yml")
    assert counts is not None, [str(p) for p in problems.items]
    assert staged.read_bytes() == listed.read_bytes()
    # the staging file is the build's scratch: gone once it ends
    assert sorted(path.name for path in staged.parent.iterdir()) == ["news.db"]


def test_a_staged_table_is_copied_by_sql_not_row_by_row(tmp_path, monkeypatch):
    """The write copies each staged table from the staging file in one INSERT ... SELECT
    (RowStore.copy_into): no staged row goes through Python; the file is let go after."""
    def by_python(self):
        raise AssertionError(f"{self.name} written row by row")

    monkeypatch.setattr(RowStore, "values_in_order", by_python)
    counts, problems = build(ROOT / "sources", tmp_path / "news.db", FINISHERS,
                             ROOT / "metadata.yml")
    assert counts is not None, [str(p) for p in problems.items]
    assert counts["claims"] > 0 and counts["sentences"] > 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["news.db"]


def test_a_failed_build_leaves_no_staging_file_and_a_killed_one_is_replaced(tmp_path):
    output = tmp_path / "news.db"
    staging_path(output).write_text("left by a build that was killed")
    counts, _ = build(tmp_path / "no-such-sources", output)
    assert counts is None
    assert list(tmp_path.iterdir()) == []


def test_the_staging_file_is_gone_before_the_finishers_run(tmp_path):
    """Once every table is written and checked the staged rows are thrown away: the
    finishers (the Korean analysis among them) and the rename find only the temporary
    file, and a build killed then leaves nothing else."""
    seen = []

    def look(db):
        seen.append(sorted(path.name for path in tmp_path.iterdir()))

    counts, problems = build(ROOT / "sources", tmp_path / "news.db", (look,))
    assert counts is not None, [str(p) for p in problems.items]
    assert seen == [[".news.db.building"]]
