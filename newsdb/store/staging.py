"""A table's rows kept in a staging SQLite file instead of the build's memory.

The tables a report fills (the article itself, its sentences, the names found in them,
its notes, its facts: events and their participants, figures, policies, memoranda and
their parties; and its claims) are made report by report and only checked and written after every report is read, rather than held as
dicts until then (benchmarks/README.md measures what that saves). A `RowStore` takes
each report's rows once their origins are noted, writes them with their file, line and
record to a table of the staging file, and gives them back in the order the build sorts
rows in (by id, else by every column), each row a `StagedRow` that carries its origin.
Reconciliation reads only what it weighs (some columns of some claims, in the order they
came; the rows of the facts it weighs) and writes its verdicts and the reconciled
values back by the row's place (newsdb/facts/table_rows.py asks these). The staging file is the build's scratch: beside the output, removed with it,
never read by anything else.

A row whose values SQLite cannot store (a list, a date: a curation mistake the checks
report) stays in memory with its origin, and comes after the stored ones.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from itertools import islice
from operator import itemgetter
from pathlib import Path

from newsdb.facts.origins import Origin, Origins, StagedRow
from newsdb.facts.table_rows import picked
from newsdb.store.registry import Table

# The tables staged: every table a report fills. Read again by the checks and the write;
# a participant's id or a figure's unit by a citation's claim about it; each source's date
# and based_on by reconciliation; of the claims,
# those reconciliation weighs, read, changed and written back, and a few columns of the
# others; of the facts, those it weighs, a few at a time, changed and written back. And
# the conflicts reconciliation finds, a few at a time.
STAGED = ("articles", "sources", "sentences", "mentions", "notes", "mou_parties",
          "event_participants", "claims", "events", "statistics", "policies", "mous",
          "conflicts")
# The values SQLite stores as they are (bool is an int).
STORABLE = (str, int, float, type(None))
# Hidden columns of a staged row: its place in the order rows came, and its origin.
HIDDEN = ("_seq", "_file", "_line", "_record")
NO_ORIGIN = (None, None, None)
# The staging file's name in the output's connection while its rows are copied there.
STAGING_SCHEMA = "staging"
# Ids asked about in one query (SQLite's limit on a query's parameters is higher).
IDS_AT_ONCE = 500


def staging_path(output: Path) -> Path:
    """Beside the output, as its temporary file is (store/sqlite.py): the same disk,
    removed when the build ends, and by the next build if one was killed."""
    return output.with_name(f".{output.name}.staging")


class Stage:
    """The staging file of one reading of the sources: a table per staged table."""

    def __init__(self, path: Path):
        self.path = path
        self.remove()
        self.conn = sqlite3.connect(path, isolation_level=None)
        # Scratch: nothing to recover after a crash, the build starts over.
        self.conn.execute("PRAGMA journal_mode = OFF")
        self.conn.execute("PRAGMA synchronous = OFF")
        # One transaction, never committed: the connection reads what it wrote, and
        # closing it throws the file's contents away.
        self.conn.execute("BEGIN")
        # The Korean analysis made of the searched rows as they are staged, if any
        # (store/analysis_ahead.py): told of each batch of them, ended with the file.
        self.ahead = None

    def table(self, table: Table, origins: Origins) -> "RowStore":
        watch = self.ahead.add if self.ahead is not None and table.search else None
        return RowStore(self.conn, table, origins, watch)

    def declared_ids(self, table: str) -> "StagedIds":
        return StagedIds(self.conn, table)

    def release(self) -> None:
        """The staged rows are written: wait for the analysis ahead, then throw them
        away."""
        ahead, self.ahead = self.ahead, None
        try:
            if ahead is not None:
                ahead.finish()
        finally:
            self.close()

    def stop_analysis(self) -> None:
        """Let the texts not analysed yet go (nothing will be written)."""
        if self.ahead is not None:
            self.ahead.stop()
            self.ahead = None

    def close(self) -> None:
        """Throw the staged rows away (again: no harm), and the texts not analysed yet."""
        self.stop_analysis()
        self.conn.close()
        self.remove()

    def remove(self) -> None:
        for path in (self.path, self.path.with_name(self.path.name + "-journal")):
            path.unlink(missing_ok=True)


class RowStore:
    """One table's rows: appended in memory, moved to the staging file by flush() once
    their origins are noted, read back in the build's order."""

    def __init__(self, conn: sqlite3.Connection, table: Table, origins: Origins,
                 watch=None):
        self.conn, self.name, self.origins = conn, f"stage_{table.name}", origins
        self.table = table
        self.watch = watch  # watch(table, rows): told of the rows as they are stored
        self.columns = list(table.columns)
        # A row's values in the registry's order (itemgetter of one name gives the value).
        self.values = (itemgetter(*self.columns) if len(self.columns) > 1
                       else lambda row: (row[self.columns[0]],))
        self.pending: list[dict] = []  # appended, not yet flushed
        self.held: list[dict] = []  # rows SQLite cannot store, kept as they are
        self.stored = 0
        self.order: list[str] | None = None
        self.selected = ", ".join(f"[{column}]" for column in self.columns)
        # _seq is the rowid: a row read to be changed is written back by it.
        listed = ", ".join(f"[{column}]" + (" INTEGER PRIMARY KEY" if column == "_seq" else "")
                           for column in (*self.columns, *HIDDEN))
        conn.execute(f"DROP TABLE IF EXISTS [{self.name}]")
        conn.execute(f"CREATE TABLE [{self.name}] ({listed})")
        self.insert = (f"INSERT INTO [{self.name}] VALUES "
                       f"({', '.join('?' * (len(self.columns) + len(HIDDEN)))})")

    def append(self, row: dict) -> None:
        self.pending.append(row)

    def extend(self, rows) -> None:
        self.pending.extend(rows)

    def sort(self, key=None) -> None:
        """Rows are always given back in the build's order (by id, else by every column
        in the order a row gives them); nothing to do."""

    def __len__(self) -> int:
        return self.stored + len(self.held) + len(self.pending)

    def __getitem__(self, index):
        """A slice from the rows appended since the last flush (the rows one report
        added, for its origins) or one row by position (a refused row, to name it)."""
        before = self.stored + len(self.held)
        if isinstance(index, slice):
            if (index.start or 0) < before or index.stop is not None or index.step is not None:
                raise IndexError("only the rows appended since the last flush")
            return self.pending[index.start - before:]
        if index < 0:
            index += len(self)
        return next(islice(iter(self), index, None))

    def flush(self) -> None:
        """Move the appended rows to the staging file, forgetting their origins here."""
        rows, self.pending = self.pending, []
        if not rows:
            return
        if self.order is None:
            first = list(rows[0])
            unknown = set(first) - set(self.columns)
            if unknown:
                raise ValueError(f"rows of {self.name[6:]} have columns the schema lacks: "
                                 f"{unknown}")
            self.order = ["id"] if "id" in first else first
        try:
            self._store(rows, self.values)
        except (KeyError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
            # A value SQLite cannot bind or a column missing (problems the checks
            # report): undo this batch, keep such rows in memory as they are.
            self.conn.execute(f"DELETE FROM [{self.name}] WHERE _seq >= ?", (self.stored,))
            storable = [row for row in rows
                        if all(isinstance(row.get(column), STORABLE) for column in self.columns)]
            ids = {id(row) for row in storable}
            self.held.extend(row for row in rows if id(row) not in ids)
            self._store(storable, lambda row: picked(row, self.columns))
        if self.watch is not None:
            self.watch(self.table, rows)

    def _store(self, rows: list[dict], values) -> None:
        """Insert `rows` after those stored, each with its origin (forgotten here: the
        origins only let go of a row once this succeeds)."""
        start = self.stored
        origins = [self.origins.of(row) for row in rows]
        self.conn.executemany(self.insert, (
            (*values(row), start + n, *((origin.file, origin.line, origin.record)
                                        if origin else NO_ORIGIN))
            for n, (row, origin) in enumerate(zip(rows, origins))))
        self.origins.take(rows)
        self.stored += len(rows)

    def __iter__(self) -> Iterator[dict]:
        self.flush()
        if self.order is not None:
            yield from self._read()
        yield from self.held

    def _read(self) -> Iterator[StagedRow]:
        cursor = self.conn.execute(f"SELECT {self.selected}, _file, _line, _record "
                                   f"FROM [{self.name}] ORDER BY {self._ordering()}")
        columns, count = self.columns, len(self.columns)
        # Rows with one origin share one Origin (an article's sentences, a note's rows).
        last: Origin | None = None
        for values in cursor:
            row = StagedRow(zip(columns, values))
            where = values[count:]
            if where[0] is not None:
                if last is None or (last.file, last.line, last.record) != where:
                    last = Origin(*where)
                row.origin = last
            yield row

    def stored_where(self, condition: str, params: list) -> Iterator[tuple]:
        """Each stored row for which the SQL `condition` holds: its values in the
        registry's column order, then its file, line and record, in the order stored (no
        sort, no row made): what the checks read. row_of() makes the row of one, to name
        it."""
        self.flush()
        yield from self.conn.execute(
            f"SELECT {self.selected}, _file, _line, _record FROM [{self.name}] "
            f"WHERE {condition}", params)

    def keys_table(self, column: str, keys) -> str:
        """A temporary table (column `key`) of the `keys` `column` may hold, in the
        staging file, for a condition of stored_where(); a key SQLite cannot store
        equals no stored value, and NULL none either."""
        name = f"temp.[keys_{self.name}_{column}]"
        self.conn.execute(f"DROP TABLE IF EXISTS {name}")
        self.conn.execute(f"CREATE TABLE {name} (key PRIMARY KEY) WITHOUT ROWID")
        self.conn.executemany(f"INSERT OR IGNORE INTO {name} VALUES (?)",
                              ((key,) for key in keys
                               if key is not None and isinstance(key, STORABLE)))
        return name

    def row_of(self, values: tuple) -> StagedRow:
        """The row of a row's values and origin as stored_where() gives them."""
        count = len(self.columns)
        row = StagedRow(zip(self.columns, values[:count]))
        row.origin = Origin(*values[count:]) if values[count] is not None else None
        return row

    def key_values(self, columns: list[str]) -> set:
        """The values of `columns` over every row (one column: the values themselves),
        read without making the rows."""
        self.flush()
        selected = ", ".join(f"[{column}]" for column in columns)
        found = self.conn.execute(f"SELECT {selected} FROM [{self.name}]")
        keys = {values[0] for values in found} if len(columns) == 1 else set(found)
        held = [picked(row, columns) for row in self.held]
        return keys.union(key[0] for key in held) if len(columns) == 1 else keys.union(held)

    def distinct_count(self, columns: list[str]) -> int:
        """How many different values of `columns` the rows hold (NULL counted once, as
        in a set), counted by SQLite without holding them; with rows held in memory (a
        failing build), from the set of every value."""
        if self.held:
            return len(self.key_values(columns))
        self.flush()
        selected = ", ".join(f"[{column}]" for column in columns)
        return self.conn.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT {selected} FROM [{self.name}])").fetchone()[0]

    def copy_into(self, conn: sqlite3.Connection, table: str, columns: list[str],
                  start: int) -> None:
        """Insert every stored row, in the build's order, into `table` of `conn`'s
        database (`columns`: rowid, numbered from `start`, then the registry's columns),
        by one INSERT ... SELECT from this staging file attached to `conn`: no row made in
        Python. The staging file is committed first, for `conn` to read it."""
        self.flush()
        if self.order is None:
            return  # nothing stored
        self.conn.execute("COMMIT")
        self.conn.execute("BEGIN")
        if not _attached(conn):
            (path,) = [row[2] for row in self.conn.execute("PRAGMA database_list")
                       if row[1] == "main"]
            conn.execute(f"ATTACH DATABASE ? AS {STAGING_SCHEMA}", (path,))
        ordering = self._ordering()
        listed = ", ".join(f"[{column}]" for column in columns)
        conn.execute(
            f"INSERT INTO [{table}] ({listed}) SELECT {start - 1} + row_number() OVER "
            f"(ORDER BY {ordering}), {self.selected} FROM {STAGING_SCHEMA}.[{self.name}] "
            f"ORDER BY {ordering}")

    def values_in_order(self) -> Iterator[tuple]:
        """Every row's values in the registry's column order, in the build's order: what
        the write inserts, without making the rows."""
        self.flush()
        if self.order is not None:
            yield from self.conn.execute(
                f"SELECT {self.selected} FROM [{self.name}] ORDER BY {self._ordering()}")
        for row in self.held:
            yield picked(row, self.columns)

    def where(self, columns: tuple[str, ...], keys: set[tuple]) -> list[StagedRow]:
        """The rows whose values of `columns` are one of `keys`, in the order they came
        (not the build's order), each carrying its origin; a row held in memory is
        itself, after the stored ones."""
        selected = ", ".join(f"[{column}]" for column in (*self.columns, *HIDDEN[1:]))
        found = [self.row_of(values)
                 for values in self._matching(selected, columns, keys, "ORDER BY _seq")]
        found.extend(row for row in self.held
                     if picked(row, columns) in keys)
        return found

    def handles(self, selected: tuple[str, ...], columns: tuple[str, ...],
                keys: set[tuple], grouped: tuple[str, ...] = ()
                ) -> Iterator[tuple[int | dict, tuple]]:
        """(handle, the values of `selected`) of the rows whose `columns` are one of
        `keys`, in the order they came (ordered by `grouped` first): a handle for
        update(), the row's place here. A row held in memory is its own handle and
        comes after the stored ones, whatever `grouped` (a build holding one fails its
        checks)."""
        listed = ", ".join(f"[{column}]" for column in ("_seq", *selected))
        ordering = "ORDER BY " + ", ".join(f"[{column}]" for column in (*grouped, "_seq"))
        for values in self._matching(listed, columns, keys, ordering):
            yield values[0], values[1:]
        for row in self.held:
            if picked(row, columns) in keys:
                yield row, picked(row, selected)

    def project(self, selected: tuple[str, ...], columns: tuple[str, ...] = (),
                keys: set[tuple] | None = None) -> Iterator[tuple]:
        """The values of `selected` of every row (whose `columns` are one of `keys`, when
        given), in no particular order, without making the rows."""
        listed = ", ".join(f"[{column}]" for column in selected)
        if keys is None:
            self.flush()
            yield from self.conn.execute(f"SELECT {listed} FROM [{self.name}]")
        else:
            yield from self._matching(listed, columns, keys, "")
        for row in self.held:
            if keys is None or picked(row, columns) in keys:
                yield picked(row, selected)

    def unmatched(self, column: str, other: "RowStore") -> Iterator[tuple]:
        """The stored values (as stored_where() gives them) of the rows whose `column`
        holds a value no stored row of `other` has as its id: one query, searched in
        `other`'s index of ids (id_lookup() makes it)."""
        self.flush()
        other.flush()
        selected = ", ".join(f"x.[{name}]" for name in (*self.columns, *HIDDEN[1:]))
        return self.conn.execute(
            f"SELECT {selected} FROM [{self.name}] AS x WHERE x.[{column}] IS NOT NULL AND "
            f"NOT EXISTS (SELECT 1 FROM [{other.name}] AS y WHERE y.[id] = x.[{column}])")

    def id_lookup(self) -> "IdLookup":
        """The rows' ids, to ask whether one is among them: each question a search of
        the staging file (indexed), not a set of every id held."""
        self.index_on(("id",))
        return IdLookup(self)

    def index_on(self, columns: tuple[str, ...]) -> None:
        """An index for look-ups by `columns` asked again and again: each is then a
        search, not a scan of the table."""
        self.flush()
        name = f"{self.name}_by_{'_'.join(columns)}"
        listed = ", ".join(f"[{column}]" for column in columns)
        self.conn.execute(f"CREATE INDEX IF NOT EXISTS [{name}] ON [{self.name}] ({listed})")

    def _matching(self, selected: str, columns: tuple[str, ...], keys: set[tuple],
                  ordering: str):
        self.flush()
        if not keys:
            return iter(())
        # The keys in a table of their own: one query however many there are. Read its
        # rows before the next query with as many columns, which empties that table.
        wanted = f"wanted_{len(columns)}"
        listed = ", ".join(f"k{n}" for n in range(len(columns)))
        self.conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {wanted} ({listed})")
        self.conn.execute(f"DELETE FROM temp.{wanted}")
        self.conn.executemany(f"INSERT INTO temp.{wanted} VALUES "
                              f"({', '.join('?' * len(columns))})", keys)
        matched = ", ".join(f"[{column}]" for column in columns)
        return self.conn.execute(
            f"SELECT {selected} FROM [{self.name}] WHERE ({matched}) IN "
            f"(SELECT {listed} FROM temp.{wanted}) {ordering}")

    def update(self, changes: list[tuple[int | dict, dict]]) -> None:
        """Write changed values back, each (a handle from handles(), {column: value})."""
        stored = []
        for handle, changed in changes:
            if isinstance(handle, dict):
                handle.update(changed)  # a row held in memory
            else:
                stored.append((handle, changed))
        self._write("_seq", stored)

    def update_by_id(self, changes: dict[object, dict]) -> None:
        """Write values by the rows' id, id -> {column: value} (index_on(("id",)) makes
        it a search); a row held in memory is changed itself."""
        for row in self.held:
            if isinstance(row.get("id"), STORABLE) and row["id"] in changes:
                row.update(changes[row["id"]])
        self._write("id", changes.items())

    def _write(self, key: str, changes) -> None:
        """UPDATE the stored rows, each (its value of `key`, {column: value}): one
        statement for the rows that change the same columns."""
        by_columns: dict[tuple, list] = {}
        for value, changed in changes:
            by_columns.setdefault(tuple(changed), []).append((*changed.values(), value))
        for columns, values in by_columns.items():
            assigned = ", ".join(f"[{column}] = ?" for column in columns)
            self.conn.executemany(
                f"UPDATE [{self.name}] SET {assigned} WHERE [{key}] = ?", values)

    def _ordering(self) -> str:
        return ", ".join(f"[{column}]" for column in (*self.order, "_seq"))

    def origins_by_position(self) -> "StagedOrigins":
        """Each row's origin by its position in the order the rows are given (its rowid
        once written), read from the staging file when asked: kept for naming a row the
        database refuses after the write, without a list of a million origins."""
        self.flush()
        return StagedOrigins(self)


def _attached(conn: sqlite3.Connection) -> bool:
    """Whether `conn` has a staging file attached (RowStore.copy_into)."""
    return STAGING_SCHEMA in {row[1] for row in conn.execute("PRAGMA database_list")}


def detach_staging(conn: sqlite3.Connection) -> None:
    """Let go of the staging file the staged tables were copied from (RowStore.copy_into),
    before it is removed."""
    if _attached(conn):
        conn.execute(f"DETACH DATABASE {STAGING_SCHEMA}")


class IdLookup:
    """`value in lookup`: whether a staged table has a row with that id; `lookup[value]`:
    that row (of several with one id, the last, as a dict by id gives)."""

    def __init__(self, store: RowStore):
        self.store = store
        self.query = f"SELECT 1 FROM [{store.name}] WHERE [id] = ? LIMIT 1"
        self.row_query = (f"SELECT {store.selected}, _file, _line, _record FROM "
                          f"[{store.name}] WHERE [id] = ? ORDER BY _seq DESC LIMIT 1")
        self.held = {row.get("id"): row for row in store.held
                     if isinstance(row.get("id"), STORABLE)}

    def __contains__(self, value) -> bool:
        if not isinstance(value, STORABLE):
            return False  # a list or a date is no id (the checks say so)
        return value in self.held or self.store.conn.execute(
            self.query, (value,)).fetchone() is not None

    def __getitem__(self, value) -> dict:
        if not isinstance(value, STORABLE):
            raise KeyError(value)
        if value in self.held:
            return self.held[value]
        found = self.store.conn.execute(self.row_query, (value,)).fetchone()
        if found is None:
            raise KeyError(value)
        return self.store.row_of(found)


class StagedIds:
    """A fact table's declared ids (facts/references.py's DeclaredIds, the same answers)
    in the staging file, not a set of every id held while the reports are read."""

    def __init__(self, conn: sqlite3.Connection, table: str):
        self.conn, self.name = conn, f"declared_{table}"
        conn.execute(f"DROP TABLE IF EXISTS [{self.name}]")
        conn.execute(f"CREATE TABLE [{self.name}] (id PRIMARY KEY, file) WITHOUT ROWID")
        self.insert = (f"INSERT INTO [{self.name}] VALUES (?, ?) ON CONFLICT (id) "
                       f"DO UPDATE SET file = excluded.file WHERE file IS NULL")

    def declare(self, pairs: list[tuple[str, str]]) -> dict[str, str]:
        pairs = [(key, file) for key, file in pairs if isinstance(key, STORABLE)]
        earlier = {}
        for start in range(0, len(pairs), IDS_AT_ONCE):
            keys = [key for key, _ in pairs[start:start + IDS_AT_ONCE]]
            earlier.update(self.conn.execute(
                f"SELECT id, file FROM [{self.name}] WHERE file IS NOT NULL AND id IN "
                f"({', '.join('?' * len(keys))})", keys))
        self.conn.executemany(self.insert, [pair for pair in pairs if pair[0] not in earlier])
        return earlier

    def see(self, keys) -> None:
        self.conn.executemany(f"INSERT OR IGNORE INTO [{self.name}] VALUES (?, NULL)",
                              ((key,) for key in keys if isinstance(key, STORABLE)))

    def __contains__(self, key) -> bool:
        return isinstance(key, STORABLE) and self.conn.execute(
            f"SELECT 1 FROM [{self.name}] WHERE id = ?", (key,)).fetchone() is not None


class StagedOrigins:
    """A staged table's origins by position, for RowError (store/sqlite.py)."""

    def __init__(self, store: RowStore):
        self.store = store

    def __len__(self) -> int:
        return len(self.store)

    def __getitem__(self, index: int) -> Origin | None:
        # A staged row carries its origin; a held one is still looked up (Origins.of).
        return self.store.origins.of(self.store[index])
