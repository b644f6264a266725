"""The table registry: every table of news.db as declared once in newsdb/store/tables.yml.

Everything else that needs to know what a table is derives it from here: the SQLite
schema and indexes (newsdb/store/sqlite.py), the full-text index (newsdb/store/search_index.py),
Datasette's metadata (newsdb/site/metadata.py), the exports (newsdb/export.py) and the tests.
The public contract is ../shared/SCHEMA.md; columns beyond it are additions.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from newsdb.curated import vocabularies

# $NEWSDB_TABLES names another registry file: the tests use it to add a column.
REGISTRY = Path(os.environ.get("NEWSDB_TABLES") or Path(__file__).with_name("tables.yml"))
PYTHON_TYPES = {"text": str, "integer": int, "real": float}
SQLITE_TYPES = {"text": "TEXT", "integer": "INTEGER", "real": "FLOAT"}


class ColumnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str
    type: Literal["text", "integer", "real"] = "text"
    not_null: bool = False
    references: str | None = None
    vocabulary: str | None = None
    # How the site shows the value (the data is unchanged): clip — a long text, cut to a
    # few lines on table pages with the whole text on demand; figure — a number in base
    # units shown in Korean and English conventions, with its unit read from the column
    # named by `unit`; ratio — a multiple (4.7배 · 4.7×).
    format: Literal["clip", "figure", "ratio"] | None = None
    unit: str | None = None


class TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str
    pk: list[str] = ["id"]
    label: str | None = None
    sort: str | None = None
    sort_desc: str | None = None
    facets: list[str] = []
    indexes: list[list[str]] = []
    search: list[str] = []
    internal: bool = False
    derived: bool = False
    # The site: a human heading, the columns a table page shows by default (all of them
    # one click away), and the short label a link to a row shows (the label on hover).
    title: str | None = None
    show: list[str] = []
    short_label: str | None = None
    # Where the home page lists it: the facts, the tables worked out from them, or the
    # tables that support them (sentences, links, vocabulary).
    home: Literal["facts", "worked_out", "supporting"] = "supporting"
    columns: dict[str, ColumnSpec | str]


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    not_null: bool = False
    references: str | None = None
    vocabulary: str | None = None
    format: str | None = None
    unit: str | None = None

    @property
    def terms(self) -> dict[str, str]:
        """The vocabulary's terms and meanings; empty for a free column."""
        return getattr(vocabularies, self.vocabulary.upper()) if self.vocabulary else {}

    @property
    def documentation(self) -> str:
        """The description with the vocabulary's terms and meanings, as users read it."""
        if not self.terms:
            return self.description
        listed = "; ".join(f"{term} — {meaning}" for term, meaning in self.terms.items())
        return f"{self.description}: {listed}."


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns_list: tuple[Column, ...]
    pk_columns: tuple[str, ...] = ("id",)
    label: str | None = None
    sort: str | None = None
    sort_desc: str | None = None
    facets: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    search: tuple[str, ...] = ()
    internal: bool = False
    derived: bool = False
    title: str | None = None
    show: tuple[str, ...] = ()
    short_label: str | None = None
    home: str = "supporting"

    @cached_property
    def columns(self) -> dict[str, type]:
        """Column name -> Python type, in order (the form sqlite-utils' create() takes)."""
        return {column.name: PYTHON_TYPES[column.type] for column in self.columns_list}

    @cached_property
    def column(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns_list}

    @property
    def pk(self) -> str | tuple[str, ...]:
        return self.pk_columns[0] if len(self.pk_columns) == 1 else self.pk_columns

    @property
    def foreign_keys(self) -> tuple[tuple[str, str, str], ...]:
        return tuple((c.name, c.references, TABLES_BY_NAME[c.references].pk_columns[0])
                     for c in self.columns_list if c.references)

    @property
    def not_null(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns_list if c.not_null)

    @property
    def vocabularies(self) -> dict[str, dict[str, str]]:
        return {c.name: c.terms for c in self.columns_list if c.vocabulary}

    @property
    def indexed_columns(self) -> list[str]:
        """Every foreign key and default facet gets an index of its own."""
        keys = [column for column, _, _ in self.foreign_keys]
        return list(dict.fromkeys(keys + list(self.facets)))

    @property
    def public(self) -> bool:
        return not self.internal


class RegistryError(ValueError):
    pass


def load(path: Path = REGISTRY) -> list[Table]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    tables = []
    for name, spec in raw.items():
        try:
            parsed = TableSpec.model_validate(spec)
        except ValidationError as error:
            raise RegistryError(f"{path}: table {name}: {error}") from None
        tables.append(_table(name, parsed))
    check(tables, path)
    return tables


def _table(name: str, spec: TableSpec) -> Table:
    columns = tuple(
        Column(column, "text", value) if isinstance(value, str)
        else Column(column, value.type, value.description, value.not_null, value.references,
                    value.vocabulary, value.format, value.unit)
        for column, value in spec.columns.items())
    return Table(name, spec.description, columns, tuple(spec.pk), spec.label, spec.sort,
                 spec.sort_desc, tuple(spec.facets), tuple(map(tuple, spec.indexes)),
                 tuple(spec.search), spec.internal, spec.derived, spec.title, tuple(spec.show),
                 spec.short_label, spec.home)


def check(tables: list[Table], path: Path) -> None:
    """Every name the registry uses must exist: a typo fails on import, not at serve time."""
    names = {table.name for table in tables}
    problems = []
    for table in tables:
        named = [*table.pk_columns, *table.facets, *table.search,
                 *(c for index in table.indexes for c in index),
                 *table.show, *(c.unit for c in table.columns_list if c.unit),
                 *filter(None, (table.label, table.sort, table.sort_desc, table.short_label))]
        problems += [f"{table.name}: unknown column {c!r}" for c in named if c not in table.column]
        for column in table.columns_list:
            if column.references and column.references not in names:
                problems.append(f"{table.name}.{column.name}: unknown table "
                                f"{column.references!r}")
            if (column.format == "figure") != bool(column.unit):
                problems.append(f"{table.name}.{column.name}: a figure names its unit column, "
                                f"and only a figure does")
            if column.vocabulary and not isinstance(
                    getattr(vocabularies, column.vocabulary.upper(), None), dict):
                problems.append(f"{table.name}.{column.name}: unknown vocabulary "
                                f"{column.vocabulary!r}")
    if problems:
        raise RegistryError(f"{path}: " + "; ".join(problems))


TABLES = load()
TABLES_BY_NAME = {table.name: table for table in TABLES}
# Tables filled from the curated sources, in the order they are written.
SOURCE_TABLES = [table for table in TABLES if not table.derived]
DERIVED_TABLES = [table for table in TABLES if table.derived]
SEARCHED_TABLES = [table for table in TABLES if table.search]
ROWID_BLOCK = 1 << 32


def first_rowid(table: Table) -> int:
    """Each table's rows get rowids in a block of their own (the table's place in the
    registry times 2^32), so that one full-text index can hold every table's rows under
    their own rowids, and a table's `?_search=` reads that table's block of the index
    only (newsdb/site/table_search.py)."""
    return (TABLES.index(table) + 1) * ROWID_BLOCK


def vocabulary_rows() -> list[dict]:
    """The controlled vocabularies as rows, so SQL users can join to term meanings."""
    rows = []
    for table in TABLES:
        for column, terms in table.vocabularies.items():
            for term, meaning in terms.items():
                rows.append({"id": f"{table.name}-{column}-{term}".lower().replace("_", "-"),
                             "table_name": table.name, "column_name": column,
                             "term": term, "meaning": meaning})
    return sorted(rows, key=lambda row: row["id"])
