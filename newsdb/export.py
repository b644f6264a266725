"""Export news.db for tools other than Datasette.

    newsdb export DIR [--db news.db]        (or python -m newsdb.export)

writes, for every public table of the registry (newsdb/store/tables.yml), in its order, then
every further table and view of the database:

    DIR/datapackage.json          Frictionless Data Package v2 with a Table Schema per CSV
    DIR/<name>.csv                UTF-8, RFC 4180, NULL as an empty field
    DIR/spreadsheet/<name>.csv    the same with a UTF-8 byte-order mark, for Excel
    DIR/parquet/<name>.parquet    typed columns, the SQLite values unchanged
    DIR/partitioned/<name>/published_month=YYYY-MM/part-0.parquet
                                  the same rows, Hive-style by the month of publication
                                  of their report, for engines that read folders

The registry is the one place where a table is declared: it says which tables are
exported (never its internal ones), which of their columns (exactly the declared ones, so
no build helper leaks out), their descriptions and the enum constraints of their
vocabularies. Keys, NOT NULL and column types come from the SQLite schema itself, so a
view added to the database later is exported too, after the registry's tables, without
code changes; full-text search tables never are. The package's title and description
come from the site's metadata (metadata.yml). The export is written beside DIR and moved
into place when complete.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsdb.store.build import report_problems
from newsdb.curated.problems import Problems
from newsdb.curated.progress import progress
from newsdb.store.registry import Registry, Table, default_registry
from newsdb.site.metadata import site_metadata, stored_prose

PACKAGE_SCHEMA = "https://datapackage.org/profiles/2.0/datapackage.json"
DEFAULT_TITLE = "news.db"
LICENSES = [{
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International, for the curation: the "
             "structure, translations, normalised values, coordinates and notes",
}]
COPIES_NOTICE = (
    "Every CSV also has a copy with a UTF-8 byte-order mark for spreadsheets in "
    "spreadsheet/ and a Parquet copy in parquet/.")
QUOTED_TEXT_NOTICE = (
    "The article text (articles.body_ko, sentences.text_ko and every quote column) is "
    "quoted verbatim from the article's publisher, who keeps its rights; it is included "
    "as evidence for the curated facts.")
CONTRIBUTORS = [{"title": "news.db project", "roles": ["creator"]}]
MISSING_VALUES = [""]
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PARQUET_TYPES = {"integer": pa.int64(), "number": pa.float64()}
# The shadow tables SQLite's full-text search modules keep beside a virtual table.
FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config",
                       "_segments", "_segdir", "_stat")


@dataclass
class Resource:
    """One table or view: its Table Schema and its rows, values as SQLite returns them.
    The fields of a registry table carry their descriptions."""
    name: str
    kind: str
    fields: list[dict]
    primary_key: list[str]
    foreign_keys: list[dict]
    rows: list[tuple]
    description: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [field["name"] for field in self.fields]


def export_package(db_path: Path, out_dir: Path, registry: Registry | None = None,
                   ) -> tuple[list[Resource] | None, Problems]:
    """Write every export of `db_path` into `out_dir`, its tables described by `registry`
    (the package's by default). Returns the exported resources, or None and the problems
    when nothing was written."""
    registry = registry or default_registry()
    problems = Problems()
    if not db_path.is_file():
        problems.add(db_path, None, None, None,
                     "database not found; build it first with python build_db.py")
        return None, problems
    check_target(out_dir, problems)
    metadata = package_metadata(db_path, problems, registry)
    resources = read_database(db_path, problems, registry)
    for resource in resources:
        check_no_empty_strings(db_path, resource, problems)
    if problems:
        return None, problems
    reports = [dict(zip(r.column_names, row)) for r in resources if r.name == "sources"
               for row in r.rows]
    target = out_dir.resolve()
    temp = target.with_name(f".{target.name}.exporting")
    shutil.rmtree(temp, ignore_errors=True)
    try:
        write_exports(temp, resources, reports, metadata)
        if target.exists():
            shutil.rmtree(target)
        os.replace(temp, target)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return resources, problems


def check_target(out_dir: Path, problems: Problems) -> None:
    # The folder is replaced as a whole so that no stale file survives; never replace a
    # folder that is not an earlier export.
    if out_dir.is_file() or (out_dir.is_dir() and any(out_dir.iterdir())
                             and not (out_dir / "datapackage.json").is_file()):
        problems.add(out_dir, None, None, None,
                     "exists and is not an earlier export; choose a new or empty folder")
    elif Path.cwd().is_relative_to(out_dir.resolve()):
        problems.add(out_dir, None, None, None,
                     "is or contains the current folder; choose a subfolder such as export")


def check_no_empty_strings(db_path: Path, resource: Resource, problems: Problems) -> None:
    # NULL is an empty CSV field; an empty string would read back as NULL. The public
    # contract forbids empty strings, so finding one is a problem of the data.
    for row in resource.rows:
        for column, value in zip(resource.column_names, row):
            if value == "":
                record = ",".join(str(row[resource.column_names.index(key)])
                                  for key in resource.primary_key) or None
                problems.add(db_path, None, f"{resource.name}:{record}", column,
                             "empty string; NULL is the only way to say 'not stated'")


def read_database(db_path: Path, problems: Problems, registry: Registry) -> list[Resource]:
    """The public tables of the registry, then every further table and view, read from a
    read-only connection."""
    try:
        conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            check_registry_tables(db_path, conn, problems, registry)
            if problems:
                return []
            return [read_resource(conn, name, kind, registry)
                    for name, kind in exported_names(conn, registry)]
        finally:
            conn.close()
    except sqlite3.Error as error:
        problems.add(db_path, None, None, None, f"cannot read the database: {error}")
        return []


def check_registry_tables(db_path: Path, conn: sqlite3.Connection,
                          problems: Problems, registry: Registry) -> None:
    """Every public table of the registry, with every column it declares, is exported: a
    database built before a declaration was added cannot be exported."""
    present = dict(database_names(conn))
    for table in public_tables(registry):
        if table.name not in present:
            problems.add(db_path, None, table.name, None,
                         f"table declared in {registry.path.name} is missing from the database; "
                         "rebuild it")
            continue
        columns = {column[1] for column in table_info(conn, table.name)}
        for column in table.columns_list:
            if column.name not in columns:
                problems.add(db_path, None, table.name, column.name,
                             f"column declared in {registry.path.name} is missing from the "
                             "database; rebuild it")


def package_metadata(db_path: Path, problems: Problems, registry: Registry) -> dict:
    """The site's metadata (the metadata.yml the build stored, completed from the
    registry), for the package's title and description."""
    try:
        metadata = site_metadata(stored_prose(db_path), registry)
    except (OSError, sqlite3.Error, ValueError) as error:
        problems.add(db_path, None, "site_metadata", None,
                     f"cannot read the metadata: {error}")
        return {}
    return metadata


def description(about: dict) -> str | None:
    """The plain-text description of a Datasette metadata block: `description`, else the
    first paragraph of `description_html` (later ones are site navigation)."""
    if about.get("description"):
        return one_line(str(about["description"]))
    if about.get("description_html"):
        parser = Paragraphs()
        parser.feed(str(about["description_html"]))
        return next(filter(None, map(one_line, parser.paragraphs)), None)
    return None


def one_line(text: str) -> str:
    return " ".join(text.split())


class Paragraphs(HTMLParser):
    """The text of an HTML fragment, split at paragraph and list boundaries."""
    BLOCKS = {"p", "div", "ul", "ol", "li", "br", "h1", "h2", "h3", "h4", "blockquote"}

    def __init__(self):
        super().__init__()
        self.paragraphs = [""]

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.paragraphs.append("")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.paragraphs.append("")

    def handle_data(self, data):
        self.paragraphs[-1] += data


# Reading the database

def public_tables(registry: Registry) -> list[Table]:
    """The registry's public tables, in its order."""
    return [table for table in registry.tables if table.public]


def database_names(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, 'table' | 'view') of every user table and view of the database, without
    full-text search virtual tables and their shadow tables."""
    listed = conn.execute("PRAGMA main.table_list").fetchall()
    virtual = [name for _, name, kind, *_ in listed if kind == "virtual"]
    shadows = {name + suffix for name in virtual for suffix in FTS_SHADOW_SUFFIXES}
    return [(name, kind) for _, name, kind, *_ in listed
            if kind in ("table", "view") and not name.startswith("sqlite_")
            and name not in shadows]


def exported_names(conn: sqlite3.Connection, registry: Registry) -> list[tuple[str, str]]:
    """(name, 'table' | 'view') of what is exported: the registry's public tables in its
    order, then the database's further tables and views (tables first, by name). The
    registry's internal tables never are."""
    present = dict(database_names(conn))
    declared = {table.name for table in registry.tables}
    public = [(table.name, present[table.name]) for table in public_tables(registry)
              if table.name in present]
    others = [(name, kind) for name, kind in present.items() if name not in declared]
    return public + sorted(others, key=lambda item: (item[1] != "table", item[0]))


def table_info(conn: sqlite3.Connection, name: str) -> list[tuple]:
    return conn.execute(f"PRAGMA table_info({quote(name)})").fetchall()


def read_resource(conn: sqlite3.Connection, name: str, kind: str,
                  registry: Registry) -> Resource:
    """A table or view with its rows. A registry table has exactly its declared columns,
    in the declared order, with their descriptions; a column the database has beyond
    them (a build helper) is left out."""
    table = registry.by_name.get(name)
    info = {column[1]: column for column in table_info(conn, name)}
    columns = ([info[column.name] for column in table.columns_list] if table
               else list(info.values()))
    primary_key = [column[1] for column in sorted(info.values(), key=lambda c: c[5])
                   if column[5]]
    order = ", ".join(quote(column) for column in primary_key) or "rowid"
    selected = ", ".join(quote(column[1]) for column in columns)
    sql = f"SELECT {selected} FROM {quote(name)}" + (
        f" ORDER BY {order}" if kind == "table" else "")
    rows = conn.execute(sql).fetchall()
    fields = [describe_field(table, column, [row[i] for row in rows])
              for i, column in enumerate(columns)]
    return Resource(name, kind, fields, primary_key, foreign_keys(conn, name), rows,
                    one_line(table.description) if table else None)


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def foreign_keys(conn: sqlite3.Connection, name: str) -> list[dict]:
    keys: dict[int, dict] = {}
    for key_id, _, other, column, other_column, *_ in conn.execute(
            f"PRAGMA foreign_key_list({quote(name)})"):
        key = keys.setdefault(key_id, {"fields": [], "reference": {"resource": other,
                                                                    "fields": []}})
        key["fields"].append(column)
        key["reference"]["fields"].append(other_column)
    for key in keys.values():
        # Data Package v2: a reference without a resource points into the same table.
        if key["reference"]["resource"] == name:
            del key["reference"]["resource"]
    return [keys[key_id] for key_id in sorted(keys)]


def describe_field(table: Table | None, column: tuple, values: list) -> dict:
    _, name, declared, not_null, _, _ = column
    field = {"name": name, "type": field_type(name, declared, values)}
    if name == "url":
        field["format"] = "uri"
    constraints = {}
    if not_null:
        constraints["required"] = True
    declaration = table.column[name] if table else None
    if declaration and declaration.terms:
        constraints["enum"] = list(declaration.terms)
    if constraints:
        field["constraints"] = constraints
    if declaration and declaration.documentation:
        field["description"] = one_line(declaration.documentation)
    return field


def field_type(name: str, declared: str, values: list) -> str:
    base = affinity_type(declared) or value_type(values)
    # The public contract's naming: *_date holds YYYY-MM-DD, *_at a timestamp with offset.
    if base == "string" and name.endswith("_date"):
        return "date"
    # A report known only to the day has a date in a column of timestamps: such a column
    # is text (ISO 8601 either way).
    if base == "string" and name.endswith("_at") and all(
            value is None or "T" in value for value in values):
        return "datetime"
    return base


def affinity_type(declared: str) -> str | None:
    """The Table Schema type of a declared SQLite column type, by SQLite's affinity rules;
    None when the column has no declared type (view expressions, NUMERIC, BLOB)."""
    declared = (declared or "").upper()
    if "INT" in declared:
        return "integer"
    if any(word in declared for word in ("CHAR", "CLOB", "TEXT")):
        return "string"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return "number"
    return None


def value_type(values: list) -> str:
    kinds = {type(value) for value in values if value is not None}
    if kinds and kinds <= {int}:
        return "integer"
    if kinds and kinds <= {int, float}:
        return "number"
    return "string"


# Writing the exports

def write_exports(out_dir: Path, resources: list[Resource], reports: list[dict],
                  metadata: dict) -> None:
    (out_dir / "spreadsheet").mkdir(parents=True)
    (out_dir / "parquet").mkdir()
    months = ReportMonths(resources)
    descriptors = []
    for resource in progress(resources, "exporting tables", unit="table"):
        path = out_dir / f"{resource.name}.csv"
        write_csv(path, resource.column_names, resource.rows)
        write_csv(out_dir / "spreadsheet" / path.name, resource.column_names,
                  [[spreadsheet_cell(value) for value in row] for row in resource.rows],
                  encoding="utf-8-sig")
        write_parquet(out_dir / "parquet" / f"{resource.name}.parquet", resource)
        write_partitioned(out_dir / PARTITIONED / resource.name, resource, months)
        descriptors.append(resource_descriptor(resource, path))
    package = package_descriptor(descriptors, reports, metadata)
    with (out_dir / "datapackage.json").open("w", encoding="utf-8") as handle:
        json.dump(package, handle, ensure_ascii=False, indent=2)
        handle.write("\n")


def write_csv(path: Path, header: list[str], rows, encoding: str = "utf-8") -> None:
    # The csv module writes None as an empty field, floats with repr (exact round trip)
    # and RFC 4180 quoting with CRLF record ends.
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def spreadsheet_cell(value):
    """A text that a spreadsheet would run as a formula is shown as text: a leading
    apostrophe, which spreadsheets hide."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_parquet(path: Path, resource: Resource, rows: list[tuple] | None = None) -> None:
    """`rows` (by default all of the resource's) as one typed Parquet file."""
    rows = resource.rows if rows is None else rows
    schema = pa.schema([
        pa.field(field["name"], PARQUET_TYPES.get(field["type"], pa.string()),
                 nullable=not field.get("constraints", {}).get("required", False),
                 metadata={"description": field["description"]}
                 if field.get("description") else None)
        for field in resource.fields])
    columns = list(zip(*rows)) or [[] for _ in resource.fields]
    table = pa.table([pa.array(parquet_values(values, schema.field(i).type),
                               type=schema.field(i).type)
                      for i, values in enumerate(columns)], schema=schema)
    pq.write_table(table, path)


# The partitioned Parquet export: every table's rows in Hive-style folders by the month
# its report was published (published_month=2014-12), so that DuckDB, Spark, Trino or
# BigQuery read the whole corpus, and only the months they ask for, without news.db.
PARTITIONED = "partitioned"
PARTITION = "published_month"
# Hive's name for the partition of rows whose key is NULL; engines read it as NULL.
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


class ReportMonths:
    """The month of publication of a row's report: its own `published_at` (articles,
    sources), else its article's (`article_id`), else its source's (`source_id`). Rows
    with none of these columns (the registries, vocabulary, the parts of events and
    MOUs) belong to no month: their table is one file."""

    def __init__(self, resources: list[Resource]):
        by_name = {resource.name: resource for resource in resources}
        self.of = {"article_id": self.months(by_name.get("articles")),
                   "source_id": self.months(by_name.get("sources"))}

    @staticmethod
    def months(resource: Resource | None) -> dict:
        if resource is None or "published_at" not in resource.column_names:
            return {}
        key, published = (resource.column_names.index(c) for c in ("id", "published_at"))
        return {row[key]: month(row[published]) for row in resource.rows}

    def partitions(self, resource: Resource) -> dict[str | None, list[tuple]] | None:
        """The rows of each month in their order, or None for a table of no month."""
        names = resource.column_names
        keys = [(names.index(c), None) for c in ("published_at",) if c in names]
        keys += [(names.index(c), self.of[c]) for c in ("article_id", "source_id") if c in names]
        if not keys:
            return None
        partitions: dict[str | None, list[tuple]] = {}
        for row in resource.rows:
            found = (month(row[i]) if lookup is None else lookup.get(row[i])
                     for i, lookup in keys if row[i] is not None)
            partitions.setdefault(next(found, None), []).append(row)
        return partitions


def month(published_at) -> str | None:
    return str(published_at)[:7] if published_at else None


def write_partitioned(folder: Path, resource: Resource, months: ReportMonths) -> None:
    folder.mkdir(parents=True)
    partitions = months.partitions(resource)
    if not partitions:  # no month, or no rows: one file, as engines expect one
        write_parquet(folder / "part-0.parquet", resource)
        return
    for key in sorted(partitions, key=lambda k: (k is None, k or "")):
        part = folder / f"{PARTITION}={key or NULL_PARTITION}"
        part.mkdir()
        write_parquet(part / "part-0.parquet", resource, partitions[key])


def parquet_values(values, arrow_type) -> list:
    # A text column of a view may mix numbers in; they are written as the CSV shows them.
    if arrow_type == pa.string():
        return [value if value is None or isinstance(value, str) else str(value)
                for value in values]
    return list(values)


def resource_descriptor(resource: Resource, path: Path) -> dict:
    schema = {"fields": resource.fields, "missingValues": MISSING_VALUES}
    if resource.primary_key:
        schema["primaryKey"] = resource.primary_key
    if resource.foreign_keys:
        schema["foreignKeys"] = resource.foreign_keys
    data = path.read_bytes()
    descriptor = {
        "name": resource.name,
        "type": "table",
        "path": path.name,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
    }
    if resource.description:
        descriptor["description"] = resource.description
    descriptor["schema"] = schema
    return descriptor


def package_descriptor(resources: list[dict], reports: list[dict], metadata: dict) -> dict:
    notices = [description(metadata), QUOTED_TEXT_NOTICE, COPIES_NOTICE]
    return {
        "$schema": PACKAGE_SCHEMA,
        "name": "news-db",
        "title": str(metadata.get("title") or DEFAULT_TITLE),
        "description": " ".join(filter(None, notices)),
        "licenses": LICENSES,
        "sources": [report_source(report) for report in reports],
        "contributors": CONTRIBUTORS,
        "resources": resources,
    }


def report_source(report: dict) -> dict:
    """A Data Package source for each report: the held articles and the citations."""
    source = {"title": report["headline_ko"] or report["label"]}
    if report.get("url"):
        source["path"] = report["url"]
    source["published"] = report["published_at"]
    held = {"article": "held verbatim",
            "briefing": "cited by reference (known only through the reports of it)"}.get(
        report["kind"], "cited by reference")
    details = [report.get("summary_en"), report.get("outlet_en"),
               f"published {report['published_at']}", held]
    source["description"] = "; ".join(filter(None, details))
    return source


def summary(out_dir: Path, resources: list[Resource]) -> str:
    tables = sum(1 for resource in resources if resource.kind == "table")
    return (f"exported {out_dir}: {tables} tables and {len(resources) - tables} views as "
            f"CSV, spreadsheet CSV and Parquet, described by datapackage.json")


def run(db_path: Path, out_dir: Path, registry: Registry | None = None) -> int:
    resources, problems = export_package(db_path, out_dir, registry)
    if resources is None:
        outcome = f"export failed: {{count}} problem(s) found; {out_dir} was not changed"
        report_problems(problems, sys.stderr, outcome=outcome)
        return 1
    print(summary(out_dir, resources))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Export news.db as a Frictionless Data "
                                                 "Package, spreadsheet CSV and Parquet")
    parser.add_argument("dir", type=Path, help="folder to write (replaced if it holds "
                                               "an earlier export)")
    parser.add_argument("--db", type=Path, default=Path("news.db"))
    args = parser.parse_args(argv)
    return run(args.db, args.dir)


if __name__ == "__main__":
    sys.exit(main())
