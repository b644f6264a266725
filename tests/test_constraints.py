"""The database's constraints checked before writing (newsdb/store/constraints.py), read
from the table registry, and a row the database still refuses named by table, key and
file (newsdb/store/sqlite.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from newsdb.curated.problems import Problems
from newsdb.facts.origins import Origin, Origins
from newsdb.store.build import collect
from newsdb.store.constraints import check_constraints
from newsdb.store.registry import default_registry
from newsdb.store.sqlite import RowError, write_database

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built():
    origins = Origins()
    tables, problems = collect(ROOT / "sources", origins)
    assert tables is not None, [str(p) for p in problems.items]
    return tables, origins


def problems_of(tables, origins) -> list[str]:
    problems = Problems()
    check_constraints(tables, default_registry(), origins, problems, "sources")
    return [str(p) for p in problems.sorted()]


def test_the_real_sources_meet_every_constraint(built):
    assert problems_of(*built) == []


def test_every_row_knows_its_file(built):
    tables, origins = built
    registry = default_registry()
    for table in registry.source_tables:
        for row in tables.get(table.name, []):
            origin = origins.of(row)
            assert origin is not None, (table.name, row)
            assert origin.file.startswith(str(ROOT / "sources")) or origin.file.startswith(
                "sources/"), origin


def test_a_repeated_key_names_both_rows(built):
    tables, origins = built
    claims = tables["claims"]
    claims.append(dict(claims[0]))
    origins.note(claims[-1], "sources/citations/x.yml", 7, "events/x")
    try:
        found = problems_of(tables, origins)
    finally:
        claims.pop()
    first = origins.of(claims[0])
    assert found == [
        f"sources/citations/x.yml:7: record 'events/x' field 'id': claims key "
        f"{claims[0]['id']!r} is already used by the row from "
        f"{first.file}{f':{first.line}' if first.line else ''}: expected each row of "
        f"claims to have its own key"]


@pytest.mark.parametrize("column, value, message", [
    ("tense", None, "claims.tense needs a value: expected it to be given, got nothing"),
    ("tense", "later", "claims.tense: expected one of ahead, after, got 'later'"),
    ("hedged", "no", "claims.hedged holds a whole number: got 'no'"),
    ("source_id", "no-such-report", "claims.source_id: unknown sources id "
                                    "'no-such-report': expected the id of a row of sources"),
])
def test_each_column_rule_comes_from_the_registry(built, column, value, message):
    tables, origins = built
    row = tables["claims"][0]
    saved = row[column]
    row[column] = value
    try:
        found = problems_of(tables, origins)
    finally:
        row[column] = saved
    origin = origins.of(row)
    where = origin.file if origin.line is None else f"{origin.file}:{origin.line}"
    assert found == [f"{where}: record '{origin.record}' field '{column}': {message}"]


def fresh():
    """Rows and origins of their own, for a test that writes: writing lets both go."""
    origins = Origins()
    tables, _ = collect(ROOT / "sources", origins)
    return tables, origins


def test_a_row_the_database_refuses_is_named(tmp_path):
    """Past the checks (here: none run), SQLite's refusal names the table, the key and
    the row's file."""
    rows, origins = fresh()
    repeated = rows["claims"][0]["id"]
    rows["claims"].append(dict(rows["claims"][0]))
    origins.note(rows["claims"][-1], "sources/citations/x.yml", 7, "events/x")
    output = tmp_path / "news.db"
    with pytest.raises(RowError) as raised:
        write_database(output, rows, (), default_registry(), origins)
    error = raised.value
    assert (error.table, error.key) == ("claims", repeated)
    assert error.origin == Origin("sources/citations/x.yml", 7, "events/x")
    assert str(error).startswith(f"table claims, key {repeated!r} "
                                 "(from sources/citations/x.yml:7): ")
    assert "UNIQUE constraint failed: claims.id" in str(error)
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_row_naming_no_row_is_named_by_its_key_and_file(tmp_path):
    """A foreign key that names nothing (the checks would refuse it; none run here) is
    found once every table is written and the rows are gone: the key is read back from
    the database, the file is the row's."""
    rows, origins = fresh()
    claim = rows["claims"][3]
    claim["source_id"] = "no-such-source"
    where = origins.of(claim)
    output = tmp_path / "news.db"
    with pytest.raises(RowError) as raised:
        write_database(output, rows, (), default_registry(), origins)
    error = raised.value
    assert (error.table, error.key, error.origin) == ("claims", claim["id"], where)
    assert "foreign key source_id names no row of sources" in str(error)
    assert list(tmp_path.iterdir()) == []


def test_the_rows_are_let_go_once_written(tmp_path):
    """The finishers run without the rows: written tables are popped, their origins too."""
    rows, origins = fresh()
    some = rows["events"][0]
    counts = write_database(tmp_path / "news.db", rows, (), default_registry(), origins)
    assert rows == {}
    assert origins.of(some) is None
    assert counts["events"] > 0
