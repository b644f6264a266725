"""Every constraint the database enforces, checked on the rows before anything is written,
so that `newsdb check` predicts the build: primary keys, NOT NULL, foreign keys, the
vocabularies and the column types, all read from the table registry. A problem names the
file, line and record the row came from (facts/origins.py)."""
from __future__ import annotations

from newsdb.curated.problems import Problems
from newsdb.facts.origins import Origin, Origins
from newsdb.store.registry import Column, Registry, Table
from newsdb.store.staging import STORABLE, IdLookup, RowStore

# Rows the build makes itself, not from the sources: the registry's vocabulary and the
# site's prose (checked when metadata.yml is read).
GENERATED = {"vocabulary", "site_metadata"}
TYPE_NAMES = {"text": "text", "integer": "a whole number", "real": "a number"}
# What the database takes for each column type: SQLite stores a whole number in a real
# column as it is.
ACCEPTED = {"text": str, "integer": int, "real": (int, float)}
# The same as SQLite's typeof() of a staged value (stored as given), NULL included.
SQL_TYPES = {"text": ("text", "null"), "integer": ("integer", "null"),
             "real": ("integer", "real", "null")}


def check_constraints(tables: dict[str, list[dict]], registry: Registry, origins: Origins,
                      problems: Problems, fallback: str) -> None:
    """Add a problem for every row the database would refuse; `fallback` is the file
    named for a row of unknown origin."""
    # The keys of the tables a column references, held while every table is checked;
    # another table's only while its own are.
    referencing: dict[str, list[tuple[str, str]]] = {}
    for table in registry.source_tables:
        for column in table.columns_list:
            if column.references:
                referencing.setdefault(column.references, []).append((table.name, column.name))
    keys = {table.name: _referenced_keys(table, tables, referencing[table.name])
            for table in registry.source_tables
            if table.name not in GENERATED and table.name in referencing}
    for table in registry.source_tables:
        if table.name in GENERATED:
            continue
        checker = _TableChecker(table, origins, problems, fallback)
        rows = tables.get(table.name, [])
        checker.check_values(rows, keys)
        checker.check_keys(rows, _distinct_keys(table, rows))


def _referenced_keys(table: Table, tables: dict, referencing: list[tuple[str, str]]):
    """The key values of `table` another row may name. A staged table named only by
    rows held in memory (none of the build's own: every table naming a staged one is
    staged too) gives those of the values they name that it holds, looked up in the
    staging file: not a set of a million ids. One
    named by staged rows too (a fact's sentence, an event's parent) is searched
    (IdLookup): a staged table's references to it are checked in the staging file."""
    rows = tables.get(table.name, [])
    if not isinstance(rows, RowStore) or len(table.pk_columns) != 1:
        return _key_values(table, rows)
    if any(isinstance(tables.get(name), RowStore) for name, _ in referencing):
        if table.pk_columns == ("id",) and not rows.held:
            return rows.id_lookup()
        return _key_values(table, rows)
    named = {(value,) for name, column in referencing for row in tables.get(name, [])
             if isinstance(value := row.get(column), STORABLE) and value is not None}
    return {key for key, in rows.project(table.pk_columns, table.pk_columns, named)}


def _distinct_keys(table: Table, rows) -> int:
    """How many different key values a table's rows hold (a missing key counted once);
    a staged table's are counted in the staging file."""
    if isinstance(rows, RowStore):
        return rows.distinct_count(table.pk_columns)
    return len(_key_values(table, rows))


def _key_values(table: Table, rows: list[dict]) -> set:
    """The primary key values of a table (one column: the values themselves)."""
    if isinstance(rows, RowStore):
        return rows.key_values(table.pk_columns)
    if len(table.pk_columns) == 1:
        return {row.get(table.pk_columns[0]) for row in rows}
    return {tuple(row.get(c) for c in table.pk_columns) for row in rows}


class _TableChecker:
    """The checks of one table's rows: each value's type, vocabulary and reference, then
    the primary keys."""

    def __init__(self, table: Table, origins: Origins, problems: Problems, fallback: str):
        self.table, self.origins, self.problems, self.fallback = table, origins, problems, fallback

    def check_values(self, rows: list[dict], keys: dict[str, set]) -> None:
        # What each column accepts is looked up once, not once a row; the rows are gone
        # through once (column by column was slower: a million rows do not stay cached).
        accepts = [(column, column.name, ACCEPTED[column.type], column.terms,
                    keys.get(column.references) if column.references else None)
                   for column in self.table.columns_list]
        if isinstance(rows, RowStore):
            self._check_stored(rows, accepts)
            rows = rows.held  # the rows SQLite could not store, as they are
        for row in rows:
            get = row.get
            for column, name, kind, terms, known in accepts:
                value = get(name)
                if value is None:
                    if column.not_null:
                        self.report(row, name, self.fault(column, value))
                elif (not isinstance(value, kind) or terms and value not in terms
                      or known is not None and value not in known):
                    self.report(row, name, self.fault(column, value))

    def _check_stored(self, store: RowStore, accepts: list[tuple]) -> None:
        """The same checks on a staged table's stored values (problems are sorted when
        reported): SQLite finds the rows that break a rule, in one query, and only those
        are made into rows and gone through. A reference to a staged table is looked for
        there, for every row in one query."""
        searched = [(column, name, kind, terms, known.store)
                    for column, name, kind, terms, known in accepts
                    if isinstance(known, IdLookup)]
        accepts = [(column, name, kind, terms, None if isinstance(known, IdLookup) else known)
                   for column, name, kind, terms, known in accepts]
        for column, name, kind, terms, referenced in searched:
            at = store.columns.index(name)
            for values in store.unmatched(name, referenced):
                value = values[at]
                # A value of the wrong kind is reported as such below, once.
                if isinstance(value, kind) and not (terms and value not in terms):
                    self.report(store.row_of(values), name, self.fault(column, value))
        at = [store.columns.index(name) for _, name, *_ in accepts]
        checks = list(zip(at, accepts))
        # SQLite finds the rows that break a rule; only those are gone through here.
        for values in store.stored_where(*_breaking(store, accepts)):
            for index, (column, name, kind, terms, known) in checks:
                value = values[index]
                if value is None:
                    if column.not_null:
                        self.report(store.row_of(values), name, self.fault(column, value))
                elif (not isinstance(value, kind) or terms and value not in terms
                      or known is not None and value not in known):
                    self.report(store.row_of(values), name, self.fault(column, value))

    def fault(self, column: Column, value) -> str:
        at = f"{self.table.name}.{column.name}"
        if value is None:
            return f"{at} needs a value: expected it to be given, got nothing"
        if not isinstance(value, ACCEPTED[column.type]):
            return f"{at} holds {TYPE_NAMES[column.type]}: got {value!r}"
        if column.terms and value not in column.terms:
            return f"{at}: expected one of {', '.join(column.terms)}, got {value!r}"
        return (f"{at}: unknown {column.references} id {value!r}: expected the id of a row "
                f"of {column.references}")

    def check_keys(self, rows: list[dict], distinct: int) -> None:
        """`distinct`: how many different key values the table holds; as many as rows,
        no key is repeated (nor missing twice), and the rows need not be gone through
        again."""
        if distinct == len(rows):
            return
        table = self.table
        seen: dict[tuple, dict] = {}  # primary key -> the first row with it
        for row in rows:
            key = tuple(row.get(c) for c in table.pk_columns)
            if None in key:
                continue  # SQLite allows NULL keys; a NOT NULL column says otherwise
            first = seen.setdefault(key, row)
            if first is not row:
                self.report(row, table.pk_columns[0], f"{table.name} key {_show(key)} is "
                            f"already used by the row from {self.where(first)}: expected "
                            f"each row of {table.name} to have its own key")

    def where(self, row: dict) -> str:
        origin = self.origins.of(row)
        if origin is None:
            return self.fallback
        return origin.file if origin.line is None else f"{origin.file}:{origin.line}"

    def report(self, row: dict, column: str, message: str) -> None:
        origin = self.origins.of(row) or Origin(self.fallback, None, None)
        self.problems.add(origin.file, origin.line, origin.record, column, message)


def _breaking(store: RowStore, accepts: list[tuple]) -> tuple[str, list]:
    """An SQL condition true of a staged row that breaks one of the rules `accepts`
    gives (what check_values tests of each value), and its parameters: the keys a
    column must name are put in a temporary table of the staging file."""
    alternatives, params = [], []
    for column, name, kind, terms, known in accepts:
        quoted = f"[{name}]"
        if column.not_null:
            alternatives.append(f"{quoted} IS NULL")
        types = SQL_TYPES[column.type]
        alternatives.append(f"typeof({quoted}) NOT IN ({', '.join('?' * len(types))})")
        params += types
        if terms:
            alternatives.append(f"{quoted} NOT IN ({', '.join('?' * len(terms))})")
            params += terms
        if known is not None:
            alternatives.append(f"{quoted} IS NOT NULL AND {quoted} NOT IN "
                                f"(SELECT key FROM {store.keys_table(name, known)})")
    return " OR ".join(f"({alternative})" for alternative in alternatives) or "0", params


def _show(key: tuple) -> str:
    return repr(key[0]) if len(key) == 1 else "(" + ", ".join(map(repr, key)) + ")"
