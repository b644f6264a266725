"""The table registry: every table of news.db as declared once in newsdb/store/tables.yml.

Everything else that needs to know what a table is derives it from here: the SQLite
schema and indexes (newsdb/store/sqlite.py), the full-text index (newsdb/store/search_index.py),
Datasette's metadata (newsdb/site/metadata.py), the exports (newsdb/export.py) and the tests.
The public contract is ../shared/SCHEMA.md; columns beyond it are additions.

A `Registry` is an object: `default_registry()` is the package's own tables.yml, read
once when first asked for; a test or tool that needs another (a column added) loads it
with `Registry.load(path)` and passes it to the build, the site's metadata and the
export. The module names TABLES, TABLES_BY_NAME, ... are the default registry's.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from newsdb.curated import vocabularies

# The package's registry (package data).
REGISTRY = Path(__file__).with_name("tables.yml")
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
    # The primary key column of the referenced table (filled in when the registry loads).
    references_pk: str | None = None

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
        return tuple((c.name, c.references, c.references_pk)
                     for c in self.columns_list if c.references)

    @property
    def not_null(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns_list if c.not_null)

    @property
    def vocabularies(self) -> dict[str, dict[str, str]]:
        return {c.name: c.terms for c in self.columns_list if c.vocabulary}

    @property
    def indexed_columns(self) -> list[str]:
        """Every foreign key, default facet and default sort column gets an index of its
        own (a table page reads its first rows in its sort order, not sorting them all)."""
        keys = [column for column, _, _ in self.foreign_keys]
        key = (self.pk,) if isinstance(self.pk, str) else tuple(self.pk)
        sorts = [column for column in (self.sort, self.sort_desc)
                 if column and (column,) != key]  # a one-column key has its index
        return list(dict.fromkeys(keys + list(self.facets) + sorts))

    @property
    def public(self) -> bool:
        return not self.internal


class RegistryError(ValueError):
    pass


def load(path: Path = REGISTRY) -> list[Table]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    specs = {}
    for name, spec in raw.items():
        try:
            specs[name] = TableSpec.model_validate(spec)
        except ValidationError as error:
            raise RegistryError(f"{path}: table {name}: {error}") from None
    keys = {name: spec.pk[0] for name, spec in specs.items()}
    tables = [_table(name, spec, keys) for name, spec in specs.items()]
    check(tables, path)
    return tables


@dataclass(frozen=True)
class Registry:
    """Every table of one registry file, with what is derived from their order."""
    tables: tuple[Table, ...]
    path: Path

    @classmethod
    def load(cls, path: Path = REGISTRY) -> "Registry":
        return cls(tuple(load(path)), path)

    @cached_property
    def by_name(self) -> dict[str, Table]:
        return {table.name: table for table in self.tables}

    @property
    def source_tables(self) -> list[Table]:
        """Tables filled from the curated sources, in the order they are written."""
        return [table for table in self.tables if not table.derived]

    @property
    def derived_tables(self) -> list[Table]:
        return [table for table in self.tables if table.derived]

    @property
    def searched_tables(self) -> list[Table]:
        return [table for table in self.tables if table.search]

    def first_rowid(self, table: Table) -> int:
        """Each table's rows get rowids in a block of their own (the table's place in the
        registry times 2^32), so that one full-text index can hold every table's rows
        under their own rowids, and a table's `?_search=` reads that table's block of
        the index only (newsdb/site/table_search.py)."""
        return ([t.name for t in self.tables].index(table.name) + 1) * ROWID_BLOCK

    def rowids_of(self, table: Table) -> str:
        """SQL: the table's block of rowids, for a query of the one full-text index."""
        first = self.first_rowid(table)
        return f"rowid between {first} and {first + ROWID_BLOCK - 1}"

    def vocabulary_rows(self) -> list[dict]:
        """The controlled vocabularies as rows, so SQL users can join to term meanings."""
        rows = []
        for table in self.tables:
            for column, terms in table.vocabularies.items():
                for term, meaning in terms.items():
                    rows.append({"id": f"{table.name}-{column}-{term}".lower().replace("_", "-"),
                                 "table_name": table.name, "column_name": column,
                                 "term": term, "meaning": meaning})
        return sorted(rows, key=lambda row: row["id"])


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The package's tables.yml, read the first time it is asked for."""
    return Registry.load(REGISTRY)


def _table(name: str, spec: TableSpec, keys: dict[str, str]) -> Table:
    columns = tuple(
        Column(column, "text", value) if isinstance(value, str)
        else Column(column, value.type, value.description, value.not_null, value.references,
                    value.vocabulary, value.format, value.unit, keys.get(value.references))
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


ROWID_BLOCK = 1 << 32
# The default registry's tables under the names the rest of the code reads, made when
# first read (PEP 562), not when this module is imported.
_DEFAULT_NAMES = {
    "TABLES": lambda r: list(r.tables),
    "TABLES_BY_NAME": lambda r: r.by_name,
    "SOURCE_TABLES": lambda r: r.source_tables,
    "DERIVED_TABLES": lambda r: r.derived_tables,
    "SEARCHED_TABLES": lambda r: r.searched_tables,
}


def __getattr__(name: str):
    if name in _DEFAULT_NAMES:
        return _DEFAULT_NAMES[name](default_registry())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def first_rowid(table: Table) -> int:
    """The first rowid of a table of the default registry (Registry.first_rowid)."""
    return default_registry().first_rowid(table)
