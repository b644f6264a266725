"""Write validated rows into a new SQLite file and move it into place atomically."""
from __future__ import annotations

import os
import sqlite3
from operator import itemgetter
from pathlib import Path

import sqlite_utils

from newsdb.facts.origins import Origin, Origins
from newsdb.curated.progress import progress
from newsdb.store.heap import return_freed_memory
from newsdb.store.registry import Registry, Table, default_registry
from newsdb.store.staging import RowStore, detach_staging


class RowError(Exception):
    """The database refused a row: its table, key and origin, with SQLite's reason."""

    def __init__(self, table: str, key, origin: Origin | None, reason: str):
        self.table, self.key, self.origin, self.reason = table, key, origin, reason
        where = f" (from {origin.file}{f':{origin.line}' if origin.line else ''})" if origin else ""
        super().__init__(f"table {table}, key {key!r}{where}: {reason}")


def temporary_path(output: Path) -> Path:
    # A fixed name beside the output: the rename stays on one file system, and a build
    # killed mid-way leaves a file the next build recognises and removes.
    return output.with_name(f".{output.name}.building")


def remove_leftovers(output: Path) -> None:
    temp = temporary_path(output)
    for path in (temp, temp.with_name(temp.name + "-journal")):
        path.unlink(missing_ok=True)


def write_database(output: Path, tables: dict[str, list[dict]], finishers=(),
                   registry: Registry | None = None,
                   origins: Origins | None = None, release=None) -> dict[str, int]:
    """Create every table of the registry in a temporary file, run the finishers (views,
    search), then rename the file over `output`. Returns the row count of each table.
    A row the database refuses raises RowError, naming its origin from `origins`.
    Each table's rows are popped from `tables` once written, and the origins cleared
    once every table is: the finishers, the Korean analysis among them, run without
    them. `release()`, when given, is called then too (the build closes its staging
    file, store/staging.py)."""
    registry = registry or default_registry()
    origins = origins or Origins()
    remove_leftovers(output)
    temp = temporary_path(output)
    try:
        db = sqlite_utils.Database(sqlite3.connect(temp))
        # One transaction for the whole load (sqlite-utils' insert_all committed every
        # chunk of 100 rows, which made the build fsync-bound). Finishers run after it,
        # as some (enable_fts) commit on their own.
        written: dict[str, list[Origin | None]] = {}  # table -> each row's origin, by rowid
        with db.atomic():
            create_tables(db, registry)
            for table in progress(registry.source_tables, "writing tables", unit="table"):
                written[table.name] = write_table(db.conn, table, tables, registry, origins)
        detach_staging(db.conn)
        # Validation should make a foreign key naming nothing impossible; if it ever
        # happens, the build reports it as one line and the previous database stays in
        # place. The written tables are checked now, while their rows' origins are known;
        # then the origins go, so that the finishers find the memory the rows took free.
        check_foreign_keys(db.conn, registry, registry.source_tables, written)
        del written
        origins.clear()
        if release is not None:
            release()
        return_freed_memory()
        with db.conn:
            for finish in progress(finishers, "derived tables and search index",
                                   unit="step"):
                finish(db)
        check_foreign_keys(db.conn, registry, registry.derived_tables, {})
        counts = {table.name: db[table.name].count for table in registry.tables}
        # No ANALYZE: with its statistics SQLite answers a facet on a filtered page
        # (events?kind=inspection, facet start_date) through the facet column's index
        # and takes 400 ms instead of 54 ms at 10,000 articles (benchmarks/README.md).
        # No VACUUM: it rewrote the whole file for 5% of its size, a fifth of the build
        # without the Korean analysis; every step is deterministic, so the file is
        # byte-identical between builds without it.
        db.close()
        os.replace(temp, output)
    except BaseException:
        remove_leftovers(output)
        raise
    return counts


def write_table(conn: sqlite3.Connection, table: Table, tables: dict[str, list[dict]],
                registry: Registry, origins: Origins) -> list[Origin | None]:
    """Insert one table's rows, popped from `tables`; what is kept of them is their
    origins, in rowid order."""
    rows = (registry.vocabulary_rows() if table.name == "vocabulary"
            # the site's prose is optional (a build without metadata.yml)
            else tables.pop(table.name, []) if table.name == "site_metadata"
            else tables.pop(table.name))
    insert_checked(conn, table, rows, registry.first_rowid(table), origins)
    if isinstance(rows, RowStore):
        return rows.origins_by_position()
    return origins.take(rows)


def insert_checked(conn: sqlite3.Connection, table: Table, rows: list[dict], start: int,
                   origins: Origins) -> None:
    """insert_rows, with a refused row named: SQLite undoes only the failing statement
    of executemany, so the rows already in the table are those before it."""
    try:
        insert_rows(conn, table, rows, start)
    except (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.ProgrammingError) as error:
        (done,) = conn.execute(f"SELECT count(*) FROM [{table.name}]").fetchone()
        row = rows[min(done, len(rows) - 1)]
        raise RowError(table.name, row_key(table, row), origins.of(row), str(error)) from None


def check_foreign_keys(conn: sqlite3.Connection, registry: Registry, tables: list[Table],
                       written: dict[str, list[Origin | None]]) -> None:
    """Raise RowError for the first row of `tables` whose foreign key names no row."""
    for table in tables:
        found = conn.execute(f"PRAGMA foreign_key_check([{table.name}])").fetchone()
        if found is not None:
            raise foreign_key_error(conn, registry, written, tuple(found))


def foreign_key_error(conn: sqlite3.Connection, registry: Registry,
                      written: dict[str, list[Origin | None]], problem: tuple) -> RowError:
    """The first row PRAGMA foreign_key_check found, named by its key (read back from the
    database) and its origin (`written`: each table's origins in rowid order)."""
    name, rowid, parent, fk_index = problem
    table = registry.by_name[name]
    origins = written.get(name, [])
    index = rowid - registry.first_rowid(table)
    origin = origins[index] if 0 <= index < len(origins) else None
    columns = [fk[3] for fk in conn.execute(f"PRAGMA foreign_key_list([{name}])")
               if fk[0] == fk_index]
    reason = f"foreign key {', '.join(columns) or '?'} names no row of {parent}"
    selected = ", ".join(f"[{column}]" for column in table.pk_columns)
    found = conn.execute(f"SELECT {selected} FROM [{name}] WHERE rowid = ?",
                         (rowid,)).fetchone()
    if found is None:
        return RowError(name, rowid, origin, reason)
    return RowError(name, found[0] if len(found) == 1 else found, origin, reason)


def row_key(table: Table, row: dict):
    key = tuple(row.get(column) for column in table.pk_columns)
    return key[0] if len(key) == 1 else key


def insert_statement(name: str, columns: list[str]) -> str:
    listed = ", ".join(f"[{column}]" for column in columns)
    return f"INSERT INTO [{name}] ({listed}) VALUES ({', '.join('?' * len(columns))})"


def insert_rows(conn: sqlite3.Connection, table: Table, rows: list[dict], start: int) -> None:
    """Plain executemany: the rows are already checked and of SQLite's own types, and
    sqlite-utils' per-value conversions cost twice the insert itself. Every row carries
    every column of the schema (facts/rows.py builds them so); a row that does not is a bug
    and stops the build with a KeyError."""
    columns = list(table.columns)
    statement = insert_statement(table.name, ["rowid", *columns])
    if isinstance(rows, RowStore):  # checked when staged; its values in the registry's order
        if not rows.held:
            try:
                rows.copy_into(conn, table.name, ["rowid", *columns], start)
                return
            except sqlite3.IntegrityError:
                pass  # the copy is undone: row by row, the refused row is named
        conn.executemany(statement, ((start + n, *values) for n, values in
                                     enumerate(rows.values_in_order())))
        return
    unknown = set(rows[0]) - set(columns) if rows else set()
    if unknown:
        raise ValueError(f"rows of {table.name} have columns the schema lacks: {unknown}")
    # itemgetter of one name returns the value itself, not a tuple of one
    values = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    conn.executemany(statement, ((start + n, *values(row)) for n, row in enumerate(rows)))


def create_tables(db: sqlite_utils.Database, registry: Registry) -> None:
    for table in registry.tables:
        db[table.name].create(
            table.columns,
            pk=table.pk,
            foreign_keys=list(table.foreign_keys),
            not_null=set(table.not_null),
        )
        # A composite index serves a column it starts with: a second index on that column
        # alone would only give the planner a worse choice (one without the other columns).
        leading = {columns[0] for columns in table.indexes}
        for column in table.indexed_columns:
            if column not in leading:
                db[table.name].create_index([column], find_unique_name=True)
        for columns in table.indexes:
            db[table.name].create_index(list(columns), find_unique_name=True)
