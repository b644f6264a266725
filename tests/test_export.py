"""The exports: a valid Frictionless Data Package whose CSV, spreadsheet CSV and Parquet
files give back exactly the rows of news.db."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import decimal
import json
import shutil
import sqlite3
from pathlib import Path

import frictionless
import pandas as pd
import pyarrow.parquet as pq
import pytest
import sqlite_utils
import yaml

import build_db
from newsdb import export
from newsdb.store.registry import TABLES, TABLES_BY_NAME, Column, Registry, default_registry
from contract import checkout_site
from newsdb.site.metadata import stored_prose

ROOT = Path(__file__).resolve().parent.parent
BOM = "\ufeff".encode("utf-8")
PUBLIC = [table for table in TABLES if table.public]


@pytest.fixture(scope="session")
def exported(built_db, tmp_path_factory) -> Path:
    """The export of the built database, in a folder named `export` as README shows."""
    out_dir = tmp_path_factory.mktemp("exports") / "export"
    resources, problems = export.export_package(built_db, out_dir)
    assert resources is not None, problems.sorted()
    return out_dir


@pytest.fixture(scope="session")
def package(exported) -> dict:
    return json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))


def db_rows(db_path: Path, name: str) -> list[tuple]:
    """Rows as SQLite returns them, in the export's order (primary key for tables)."""
    conn = sqlite3.connect(db_path)
    try:
        kind, = conn.execute("SELECT type FROM sqlite_master WHERE name = ?", [name]).fetchone()
        resource = export.read_resource(conn, name, kind, default_registry())
        return resource.rows
    finally:
        conn.close()


def exported_names(db_path: Path) -> list[str]:
    """The tables and views the package should hold: the registry's public tables in its
    order, then the database's other tables and views, never a full-text search table."""
    conn = sqlite3.connect(db_path)
    try:
        listed = conn.execute("SELECT name, type, sql FROM sqlite_master "
                              "WHERE type IN ('table', 'view') ORDER BY type, name").fetchall()
    finally:
        conn.close()
    virtual = [name for name, _, sql in listed if sql.upper().startswith("CREATE VIRTUAL")]
    others = [name for name, _, sql in listed
              if name not in TABLES_BY_NAME and name not in virtual
              and not name.startswith("sqlite_")
              and not any(name.startswith(f"{table}_") for table in virtual)]
    return [table.name for table in PUBLIC] + others


def one_line(text: str) -> str:
    return " ".join(text.split())


def declared(table, *columns: Column):
    """A table of the registry with further columns declared."""
    return dataclasses.replace(table, columns_list=table.columns_list + columns)


def resource_of(package: dict, name: str) -> dict:
    return next(r for r in package["resources"] if r["name"] == name)


def as_sqlite(value):
    """A value read through the Table Schema, back in the form SQLite stores it."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def typed(rows) -> list[list[tuple]]:
    return [[(type(value).__name__, value) for value in row] for row in rows]


def error_types(report) -> set[str]:
    return {error_type for error_type, in report.flatten(["type"])}


# The package

def test_package_is_valid(exported):
    report = frictionless.validate(exported / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == len(list(exported.glob("*.csv")))


def test_package_names_every_table_with_its_csv(built_db, exported, package):
    names = exported_names(built_db)
    assert [r["name"] for r in package["resources"]] == names
    # The built database holds the registry's tables and nothing more to export.
    assert names == [table.name for table in PUBLIC]
    for name in names:
        assert (exported / f"{name}.csv").is_file()
        assert (exported / "spreadsheet" / f"{name}.csv").is_file()
        assert (exported / "parquet" / f"{name}.parquet").is_file()


def test_package_metadata(built_db, package):
    assert package["title"] and package["description"]
    assert "publisher" in package["description"]
    assert [licence["name"] for licence in package["licenses"]] == ["CC-BY-4.0"]
    assert package["contributors"]
    with sqlite_utils.Database(built_db) as db:
        reports = list(db["sources"].rows)
    # every report: the held articles and the citations, each with its URL where known
    assert [(s["title"], s["published"], s.get("path")) for s in package["sources"]] == [
        (r["headline_ko"] or r["label"], r["published_at"], r["url"]) for r in reports]
    held = next(s for s in package["sources"] if "held verbatim" in s["description"])
    assert held["published"] == "2014-12-17T12:59:00+09:00"
    assert sum("cited by reference" in s["description"] for s in package["sources"]) == \
        sum(r["kind"] != "article" for r in reports)


def test_keys_match_the_schema(package):
    for table in PUBLIC:
        schema = resource_of(package, table.name)["schema"]
        pk = [table.pk] if isinstance(table.pk, str) else list(table.pk)
        assert schema["primaryKey"] == pk
        declared = {(fk["fields"][0], fk["reference"].get("resource", table.name),
                     fk["reference"]["fields"][0]) for fk in schema.get("foreignKeys", [])}
        assert declared == set(table.foreign_keys)


def test_vocabularies_become_enum_constraints(package):
    checked = 0
    for table in PUBLIC:
        fields = {f["name"]: f for f in resource_of(package, table.name)["schema"]["fields"]}
        for column, terms in table.vocabularies.items():
            assert fields[column]["constraints"]["enum"] == list(terms)
            checked += 1
        for column in table.not_null:
            assert fields[column]["constraints"]["required"] is True
    assert checked


def test_field_types_and_formats(package):
    fields = {(r["name"], f["name"]): f for r in package["resources"]
              for f in r["schema"]["fields"]}
    assert fields["articles", "published_at"]["type"] == "datetime"
    # some reports are known only to the day: ISO 8601 text, not timestamps
    assert fields["sources", "published_at"]["type"] == "string"
    assert fields["events", "start_date"]["type"] == "date"
    assert fields["statistics", "value"]["type"] == "number"
    assert fields["statistics", "rank"]["type"] == "integer"
    assert fields["articles", "url"]["format"] == "uri"
    for resource in package["resources"]:
        assert resource["schema"]["missingValues"] == [""]


def test_broken_rows_and_foreign_keys_are_reported(exported, tmp_path):
    # The validation the tests rely on can fail: break a foreign key into another
    # table, a self-reference and a vocabulary term in a copy.
    broken = tmp_path / "broken"
    shutil.copytree(exported, broken)
    replace_cell(broken / "people.csv", "organization_id", "no-such-organization")
    replace_cell(broken / "places.csv", "parent_id", "no-such-place")
    replace_cell(broken / "events.csv", "kind", "not_a_kind")
    report = frictionless.validate(broken / "datapackage.json")
    notes = [note for note, in report.flatten(["note"])]
    assert "foreign-key" in error_types(report)
    assert "constraint-error" in error_types(report)
    assert any("no-such-organization" in note for note in notes)
    assert any("no-such-place" in note for note in notes)


def replace_cell(path: Path, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    index = rows[0].index(column)
    target = next(row for row in rows[1:] if row[index])
    target[index] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


# Round trips

def test_round_trip_through_the_package_is_exact(built_db, exported):
    package = frictionless.Package(exported / "datapackage.json")
    for name in exported_names(built_db):
        resource = package.get_resource(name)
        read = [[as_sqlite(row[field.name]) for field in resource.schema.fields]
                for row in resource.read_rows()]
        assert typed(read) == typed(db_rows(built_db, name)), name


def test_round_trip_keeps_korean_text_and_nulls(built_db, exported):
    package = frictionless.Package(exported / "datapackage.json")
    article, = package.get_resource("articles").read_rows()
    with sqlite_utils.Database(built_db) as db:
        stored = next(db["articles"].rows)
    assert article["body_ko"] == stored["body_ko"]
    assert "미래창조과학부" in article["body_ko"]
    assert article["publisher"] is None and stored["publisher"] is None


def test_round_trip_through_parquet_is_exact(built_db, exported):
    for name in exported_names(built_db):
        table = pq.read_table(exported / "parquet" / f"{name}.parquet")
        read = [tuple(row.values()) for row in table.to_pylist()]
        assert typed(read) == typed(db_rows(built_db, name)), name


def test_parquet_fields_carry_types_and_nullability(exported, package):
    table = pq.read_table(exported / "parquet" / "statistics.parquet")
    assert str(table.schema.field("rank").type) == "int64"
    assert str(table.schema.field("value").type) == "double"
    assert not table.schema.field("indicator_ko").nullable
    assert table.schema.field("organization_id").nullable


# Spreadsheet copies

def test_spreadsheet_copies_start_with_a_bom_and_read_as_the_csv(built_db, exported):
    for name in exported_names(built_db):
        data = (exported / "spreadsheet" / f"{name}.csv").read_bytes()
        assert data.startswith(BOM), name
        assert not (exported / f"{name}.csv").read_bytes().startswith(BOM), name
        spreadsheet = read_csv(exported / "spreadsheet" / f"{name}.csv", "utf-8-sig")
        plain = read_csv(exported / f"{name}.csv", "utf-8")
        assert spreadsheet == [[export.spreadsheet_cell(cell) for cell in row]
                               for row in plain], name


def test_spreadsheet_copy_of_the_article_is_legible_korean(built_db, exported):
    header, row = read_csv(exported / "spreadsheet" / "articles.csv", "utf-8-sig")
    with sqlite_utils.Database(built_db) as db:
        stored = next(db["articles"].rows)
    assert row[header.index("title_ko")] == stored["title_ko"]


def read_csv(path: Path, encoding: str) -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("value, shown", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
    ("+82", "'+82"),
    ("-1", "'-1"),
    ("@sum", "'@sum"),
    ("북경", "북경"),
    (-1.5, -1.5),
    (None, None),
])
def test_spreadsheet_cells_never_run_as_formulas(value, shown):
    assert export.spreadsheet_cell(value) == shown


# Descriptions: the registry for tables and columns, the site metadata for the package

def test_descriptions_come_from_the_registry(exported, package):
    for table in PUBLIC:
        resource = resource_of(package, table.name)
        assert resource["description"] == one_line(table.description)
        fields = resource["schema"]["fields"]
        # Every column declared in the registry appears, in its order, and no other.
        assert [f["name"] for f in fields] == [c.name for c in table.columns_list]
        for field, column in zip(fields, table.columns_list):
            assert field["description"] == one_line(column.documentation), field["name"]
        parquet = pq.read_table(exported / "parquet" / f"{table.name}.parquet").schema
        assert parquet.names == [c.name for c in table.columns_list]
        for column in table.columns_list:
            assert parquet.field(column.name).metadata == {
                b"description": one_line(column.documentation).encode("utf-8")}


def test_vocabulary_meanings_are_in_the_column_descriptions(package):
    kind = next(f for f in resource_of(package, "events")["schema"]["fields"]
                if f["name"] == "kind")
    for term, meaning in TABLES_BY_NAME["events"].column["kind"].terms.items():
        assert f"{term} — {meaning}" in kind["description"]


def test_no_build_helper_is_exported(exported, package):
    names = [r["name"] for r in package["resources"]]
    assert not [name for name in names if name.startswith("search_index")]
    assert not list(exported.rglob("search_index*"))
    fields = [(r["name"], f["name"]) for r in package["resources"]
              for f in r["schema"]["fields"]]
    assert not [field for field in fields if field[1] == "search_text"]
    for path in exported.glob("*.csv"):
        assert "search_text" not in read_csv(path, "utf-8")[0], path.name


def test_the_registry_decides_tables_and_columns(built_db, tmp_path, monkeypatch):
    # In a copy of the database: a column declared in the registry appears in the export
    # with its description; a column the database has beyond the declaration (a build
    # helper) does not; an internal table is not exported, though present.
    db_path = tmp_path / "news.db"
    shutil.copy(built_db, db_path)
    with sqlite_utils.Database(db_path) as db:
        db.execute("ALTER TABLE events ADD COLUMN press_contact_en TEXT")
        db.execute("UPDATE events SET press_contact_en = 'MSIP press office'")
        db.execute("ALTER TABLE sentences ADD COLUMN search_text TEXT")
        db.execute("UPDATE sentences SET search_text = 'helper ' || text_ko")
        db.conn.commit()
    events = declared(TABLES_BY_NAME["events"],
                      Column("press_contact_en", "text", "Fixture\n  press contact."))
    registry = Registry(tuple(
        events if t.name == "events" else
        dataclasses.replace(t, internal=True) if t.name == "vocabulary" else t
        for t in TABLES), default_registry().path)
    out_dir = tmp_path / "export"
    resources, problems = export.export_package(db_path, out_dir, registry)
    assert resources is not None, problems.sorted()
    package = json.loads((out_dir / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert names == [t.name for t in registry.tables if t.public]
    assert not (out_dir / "vocabulary.csv").exists()
    field = resource_of(package, "events")["schema"]["fields"][-1]
    assert field == {"name": "press_contact_en", "type": "string",
                     "description": "Fixture press contact."}
    header, *rows = read_csv(out_dir / "events.csv", "utf-8")
    assert header[-1] == "press_contact_en"
    assert {row[-1] for row in rows} == {"MSIP press office"}
    parquet = pq.read_table(out_dir / "parquet" / "events.parquet").schema
    assert parquet.field("press_contact_en").metadata == {
        b"description": b"Fixture press contact."}
    sentences = resource_of(package, "sentences")["schema"]["fields"]
    assert "search_text" not in [f["name"] for f in sentences]
    assert "search_text" not in read_csv(out_dir / "sentences.csv", "utf-8")[0]
    parquet = pq.read_table(out_dir / "parquet" / "sentences.parquet").schema
    assert "search_text" not in parquet.names
    assert frictionless.validate(out_dir / "datapackage.json").valid


def test_a_declared_column_or_table_missing_from_the_database_is_a_problem(
        built_db, tmp_path, monkeypatch):
    events = declared(TABLES_BY_NAME["events"], Column("press_contact_en", "text", "Fixture."))
    extra = dataclasses.replace(TABLES_BY_NAME["notes"], name="later_notes")
    registry = Registry(tuple([events if t.name == "events" else t for t in TABLES] + [extra]),
                        default_registry().path)
    out_dir = tmp_path / "export"
    resources, problems = export.export_package(built_db, out_dir, registry)
    assert resources is None
    assert [(p.record, p.field) for p in problems.sorted()] == [
        ("events", "press_contact_en"), ("later_notes", None)]
    assert all("rebuild" in p.message for p in problems.sorted())
    assert not out_dir.exists()


def test_package_title_and_description_come_from_the_site_metadata(
        built_db, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "site_metadata", lambda prose, registry: {
        "title": "Fixture title",
        "description_html": "<p>Fixture\n  <b>description</b>.</p><ul><li><a href='/'>Nav</a>"
                            "</li></ul>",
        # Tables' descriptions and hidden flags in the metadata do not decide the export.
        "databases": {"news": {"tables": {
            "events": {"description": "Not this.", "columns": {"kind": "Not this."}},
            "vocabulary": {"hidden": True},
        }}},
    })
    out_dir = tmp_path / "export"
    resources, problems = export.export_package(built_db, out_dir)
    assert resources is not None, problems.sorted()
    package = json.loads((out_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert package["title"] == "Fixture title"
    assert package["description"].startswith("Fixture description. ")
    assert "Nav" not in package["description"]
    assert "vocabulary" in [r["name"] for r in package["resources"]]
    events = resource_of(package, "events")
    assert events["description"] == one_line(TABLES_BY_NAME["events"].description)
    kind = next(f for f in events["schema"]["fields"] if f["name"] == "kind")
    assert kind["description"] == one_line(TABLES_BY_NAME["events"].column["kind"].documentation)


def test_repository_site_metadata_is_used(package):
    metadata = checkout_site()
    assert package["title"] == metadata.get("title", export.DEFAULT_TITLE)
    assert package["description"].startswith(export.description(metadata))


@pytest.mark.parametrize("about, text", [
    ({"description": "One\n  line."}, "One line."),
    ({"description_html": "<p>First <b>paragraph</b>.</p><p>Nav</p>"}, "First paragraph."),
    ({"description_html": "<ul><li>Only</li></ul>"}, "Only"),
    ({}, None),
])
def test_metadata_descriptions_are_plain_text(about, text):
    assert export.description(about) == text


def test_missing_metadata_gives_a_valid_package(built_db, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "site_metadata", lambda prose, registry: {})
    out_dir = tmp_path / "export"
    resources, problems = export.export_package(built_db, out_dir)
    assert resources is not None, problems.sorted()
    package = json.loads((out_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert package["title"] == export.DEFAULT_TITLE
    assert frictionless.validate(out_dir / "datapackage.json").valid


# Views and additions made by finishers

def test_views_are_exported_and_search_tables_are_not(built_db, tmp_path):
    db_path = tmp_path / "news.db"
    shutil.copy(built_db, db_path)
    with sqlite_utils.Database(db_path) as db:
        db.create_view("events_per_kind",
                       "SELECT kind, count(*) AS events, avg(length(quote)) AS quote_length"
                       " FROM events GROUP BY kind ORDER BY kind")
        db.create_view("rank_or_indicator",
                       "SELECT id, coalesce(rank, indicator_ko) AS label FROM statistics")
        db["sentences"].enable_fts(["text_ko"], replace=True)
    out_dir = tmp_path / "export"
    resources, problems = export.export_package(db_path, out_dir)
    assert resources is not None, problems.sorted()
    package = json.loads((out_dir / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert {"events_per_kind", "rank_or_indicator"} <= set(names)
    assert names == exported_names(db_path)
    assert names.index("events_per_kind") > max(names.index(t.name) for t in PUBLIC)
    assert not [name for name in names if "_fts" in name or "search_index" in name]
    view = resource_of(package, "events_per_kind")
    assert [(f["name"], f["type"]) for f in view["schema"]["fields"]] == [
        ("kind", "string"), ("events", "integer"), ("quote_length", "number")]
    assert "primaryKey" not in view["schema"]
    report = frictionless.validate(out_dir / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])
    read = frictionless.Package(out_dir / "datapackage.json").get_resource("events_per_kind")
    assert typed([[as_sqlite(v) for v in row.to_list()] for row in read.read_rows()]) == \
        typed(db_rows(db_path, "events_per_kind"))
    # A view column mixing numbers and text is text, in the CSV and in Parquet alike.
    mixed = resource_of(package, "rank_or_indicator")["schema"]["fields"][1]
    assert mixed["type"] == "string"
    parquet = pq.read_table(out_dir / "parquet" / "rank_or_indicator.parquet").to_pylist()
    assert [[row["id"], row["label"]] for row in parquet] == \
        read_csv(out_dir / "rank_or_indicator.csv", "utf-8")[1:]


# Refusals and replacement

def test_empty_strings_are_refused(built_db, tmp_path):
    # An empty string and NULL would both be an empty CSV field.
    db_path = tmp_path / "news.db"
    shutil.copy(built_db, db_path)
    with sqlite_utils.Database(db_path) as db:
        db.execute("UPDATE organizations SET name_zh = '' WHERE id = 'xiaomi'")
        db.conn.commit()
    out_dir = tmp_path / "export"
    resources, problems = export.export_package(db_path, out_dir)
    assert resources is None
    problem, = problems.sorted()
    assert (problem.record, problem.field) == ("organizations:xiaomi", "name_zh")
    assert not out_dir.exists()


def test_a_folder_that_is_not_an_export_is_left_alone(built_db, tmp_path):
    keep = tmp_path / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    resources, problems = export.export_package(built_db, tmp_path)
    assert resources is None and problems
    assert keep.read_text(encoding="utf-8") == "mine"


def test_the_current_folder_is_not_replaced(built_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    resources, problems = export.export_package(built_db, Path("."))
    assert resources is None
    assert "current folder" in problems.sorted()[0].message
    assert Path.cwd() == tmp_path and not list(tmp_path.iterdir())


def test_a_new_export_replaces_the_old_one_entirely(built_db, tmp_path):
    out_dir = tmp_path / "export"
    export.export_package(built_db, out_dir)
    stale = out_dir / "dropped_view.csv"
    stale.write_text("x\n", encoding="utf-8")
    resources, problems = export.export_package(built_db, out_dir)
    assert resources is not None, problems.sorted()
    assert not stale.exists()
    assert not list(tmp_path.glob(".*exporting"))


def test_a_missing_database_is_a_problem(tmp_path, capsys):
    assert export.main(["--db", str(tmp_path / "absent.db"), str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "database not found" in err and "export failed" in err


def test_unreadable_inputs_are_problems(built_db, tmp_path, monkeypatch):
    not_a_db = tmp_path / "news.db"
    not_a_db.write_text("not SQLite", encoding="utf-8")
    resources, problems = export.export_package(not_a_db, tmp_path / "a")
    assert resources is None
    assert "cannot read the database" in problems.sorted()[0].message
    bad_prose = tmp_path / "bad-prose.db"
    with sqlite3.connect(bad_prose) as conn:
        conn.execute("create table site_metadata (id text, json text)")
        conn.execute("insert into site_metadata values ('metadata.yml', '{unclosed')")
    monkeypatch.setattr(export, "stored_prose", lambda db: stored_prose(bad_prose))
    resources, problems = export.export_package(built_db, tmp_path / "b")
    assert resources is None
    assert "cannot read the metadata" in problems.sorted()[0].message
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_build_db_builds_then_exports(tmp_path, capsys):
    db_path, out_dir = tmp_path / "news.db", tmp_path / "export"
    assert build_db.main(["--output", str(db_path), "--export", str(out_dir)]) == 0
    assert f"exported {out_dir}" in capsys.readouterr().out
    assert frictionless.validate(out_dir / "datapackage.json").valid


# README examples

def readme_python_examples() -> str:
    """The Python code blocks of README's Exports section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Exports\n", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]
    assert blocks, "README's Exports section has no Python example"
    return "\n".join(blocks)


def test_readme_python_examples_run_on_the_export(built_db, exported, monkeypatch):
    monkeypatch.chdir(exported.parent)
    names: dict = {}
    exec(readme_python_examples(), names)
    with sqlite_utils.Database(built_db) as db:
        events = list(db.query("SELECT * FROM events ORDER BY id"))
        statistics = list(db.query("SELECT * FROM statistics ORDER BY id"))
        per_kind = dict(db.execute("SELECT kind, count(*) FROM events GROUP BY kind"))
        places = db["places"].count
        organizations = [row["id"] for row in db.query("SELECT id FROM organizations ORDER BY id")]
    assert names["events"]["title_ko"].tolist() == [row["title_ko"] for row in events]
    assert names["events"]["time_of_day"].isna().tolist() == [
        row["time_of_day"] is None for row in events]
    assert str(names["statistics"]["rank"].dtype) == "Int64"
    assert [None if pd.isna(rank) else rank for rank in names["statistics"]["rank"]] == [
        row["rank"] for row in statistics]
    assert dict(names["events_per_kind"]) == per_kind
    assert len(names["places"]) == places
    assert [row["id"] for row in names["organizations"]] == organizations
    assert names["report"].valid


# The partitioned Parquet export

def test_duckdb_reads_the_partitioned_export_with_sqlites_row_counts(built_db, exported):
    import duckdb

    conn = sqlite3.connect(built_db)
    partitioned = exported / export.PARTITIONED
    names = sorted(path.name for path in partitioned.iterdir())
    assert names == sorted(name for name, _ in export.exported_names(conn, default_registry()))
    for name in names:
        expected = conn.execute(f"select count(*) from [{name}]").fetchone()[0]
        found = duckdb.sql(f"select count(*) from read_parquet('{partitioned / name}/**/*.parquet', "
                           "hive_partitioning = true)").fetchall()[0][0]
        assert found == expected, name


def test_partitions_are_the_months_of_publication(built_db, exported):
    import duckdb

    conn = sqlite3.connect(built_db)
    events = duckdb.sql(
        f"select id, {export.PARTITION} from read_parquet("
        f"'{exported / export.PARTITIONED / 'events'}/**/*.parquet', hive_partitioning = true)"
    ).fetchall()
    # an event of no article (recorded from a citation alone) is in the NULL partition
    published = dict(conn.execute(
        "select e.id, substr(a.published_at, 1, 7) from events e "
        "left join articles a on a.id = e.article_id"))
    assert events and dict(events) == published
    assert any(month is not None for _, month in events)
    # A table of no month (a registry) is one file with its columns alone.
    places = list((exported / export.PARTITIONED / "places").iterdir())
    assert [path.name for path in places] == ["part-0.parquet"]


def resource(name: str, columns: list[str], rows: list[tuple]) -> export.Resource:
    return export.Resource(name, "table", [{"name": c, "type": "string"} for c in columns],
                           ["id"], [], rows)


def test_a_row_takes_its_own_month_else_its_articles_else_its_sources():
    articles = resource("articles", ["id", "published_at"], [
        ("a1", "2014-12-17T12:59:00+09:00"), ("a2", "2015-01-05")])
    sources = resource("sources", ["id", "article_id", "published_at"], [
        ("a1", "a1", "2014-12-17T12:59:00+09:00"), ("c1", None, "2016-03-01")])
    notes = resource("notes", ["id", "article_id", "source_id"], [
        ("n1", "a2", None), ("n2", None, "c1"), ("n3", None, None), ("n4", "a1", "a1")])
    months = export.ReportMonths([articles, sources, notes])
    assert months.partitions(notes) == {"2015-01": [notes.rows[0]], "2016-03": [notes.rows[1]],
                                        None: [notes.rows[2]], "2014-12": [notes.rows[3]]}
    assert months.partitions(resource("places", ["id", "name"], [("p", "x")])) is None
