"""Every constraint the database enforces, checked on the rows before anything is written,
so that `newsdb check` predicts the build: primary keys, NOT NULL, foreign keys, the
vocabularies and the column types, all read from the table registry. A problem names the
file, line and record the row came from (facts/origins.py)."""
from __future__ import annotations

from newsdb.curated.problems import Problems
from newsdb.facts.origins import Origin, Origins
from newsdb.store.registry import Registry, Table

# Rows the build makes itself, not from the sources: the registry's vocabulary and the
# site's prose (checked when metadata.yml is read).
GENERATED = {"vocabulary", "site_metadata"}
TYPE_NAMES = {"text": "text", "integer": "a whole number", "real": "a number"}


def check_constraints(tables: dict[str, list[dict]], registry: Registry, origins: Origins,
                      problems: Problems, fallback: str) -> None:
    """Add a problem for every row the database would refuse; `fallback` is the file
    named for a row of unknown origin."""
    keys = {table.name: _key_values(table, tables.get(table.name, []))
            for table in registry.source_tables if table.name not in GENERATED}
    for table in registry.source_tables:
        if table.name in GENERATED:
            continue
        checker = _TableChecker(table, origins, problems, fallback)
        for row in tables.get(table.name, []):
            checker.check_row(row, keys)


def _key_values(table: Table, rows: list[dict]) -> set:
    """The primary key values of a table (one column: the values themselves)."""
    if len(table.pk_columns) == 1:
        return {row.get(table.pk_columns[0]) for row in rows}
    return {tuple(row.get(c) for c in table.pk_columns) for row in rows}


class _TableChecker:
    def __init__(self, table: Table, origins: Origins, problems: Problems, fallback: str):
        self.table, self.origins, self.problems, self.fallback = table, origins, problems, fallback
        self.seen: dict[tuple, dict] = {}  # primary key -> the first row with it

    def check_row(self, row: dict, keys: dict[str, set]) -> None:
        table = self.table
        for column in table.columns_list:
            value = row.get(column.name)
            if value is None:
                if column.not_null:
                    self.report(row, column.name, f"{table.name}.{column.name} needs a "
                                "value: expected it to be given, got nothing")
                continue
            if not _has_type(value, column.type):
                self.report(row, column.name, f"{table.name}.{column.name} holds "
                            f"{TYPE_NAMES[column.type]}: got {value!r}")
            elif column.terms and value not in column.terms:
                self.report(row, column.name, f"{table.name}.{column.name}: expected one "
                            f"of {', '.join(column.terms)}, got {value!r}")
            elif (column.references in keys and value not in keys[column.references]):
                self.report(row, column.name, f"{table.name}.{column.name}: unknown "
                            f"{column.references} id {value!r}: expected the id of a row "
                            f"of {column.references}")
        key = tuple(row.get(c) for c in table.pk_columns)
        if None in key:
            return  # SQLite allows NULL keys; a NOT NULL column says otherwise above
        first = self.seen.setdefault(key, row)
        if first is not row:
            self.report(row, table.pk_columns[0], f"{table.name} key {_show(key)} is already "
                        f"used by the row from {self.where(first)}: expected each row of "
                        f"{table.name} to have its own key")

    def where(self, row: dict) -> str:
        origin = self.origins.of(row)
        if origin is None:
            return self.fallback
        return origin.file if origin.line is None else f"{origin.file}:{origin.line}"

    def report(self, row: dict, column: str, message: str) -> None:
        origin = self.origins.of(row) or Origin(self.fallback, None, None)
        self.problems.add(origin.file, origin.line, origin.record, column, message)


def _has_type(value, kind: str) -> bool:
    if kind == "text":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int)
    return isinstance(value, (int, float))


def _show(key: tuple) -> str:
    return repr(key[0]) if len(key) == 1 else "(" + ", ".join(map(repr, key)) + ")"
