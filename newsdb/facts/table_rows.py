"""Reading a table the build holds either as a list or staged outside its memory
(store/staging.py's RowStore, passed in by the build): the facts code asks here, and a
staged table answers from its file without making every row.

Rows are given in the order they came (a list's order before the build sorts it), as
reconciliation has always seen them."""
from __future__ import annotations

from collections.abc import Iterable, Iterator


def picked(row: dict, columns) -> tuple:
    """A row's values of `columns`, None where it lacks one (a row of a failing build)."""
    return tuple(row.get(column) for column in columns)


def row_ids(rows, among: set | None = None) -> set:
    """The ids of a table's rows (those of `among` alone, when given); a staged table
    reads the ids alone, without making its rows."""
    if isinstance(rows, list):
        return {row["id"] for row in rows if among is None or row["id"] in among}
    if among is None:
        return rows.key_values(["id"])
    return {key for (key,) in rows.project(("id",), ("id",), {(key,) for key in among})}


def id_lookup(rows):
    """A table's rows by id, to ask whether an id is there (`in`) or for its row
    (`[id]`; of rows with one id, the last): a list's as a dict; a staged table's
    searched in its staging file when asked, not held."""
    if isinstance(rows, list):
        return {row["id"]: row for row in rows}
    return rows.id_lookup()


def rows_where(rows, columns: tuple[str, ...], keys: set[tuple]) -> list[dict]:
    """The rows whose values of `columns` are one of `keys`, in the order they came, to
    read (a staged table's carry their origin)."""
    if isinstance(rows, list):
        return [row for row in rows if picked(row, columns) in keys]
    return rows.where(columns, keys)


def handles_where(rows, columns: tuple[str, ...], keys: set[tuple], selected: tuple[str, ...],
                  grouped: tuple[str, ...] = ()) -> Iterator[tuple[object, tuple]]:
    """(handle, the values of `selected`) of the rows whose `columns` are one of `keys`,
    in the order they came: what a change needs, without making a staged table's rows.
    Give the handle to write_back() with the change. With `grouped`, the rows with equal
    values of those columns come together (in no particular order of the groups), each
    group's in the order they came, so that a caller can hold one group at a time."""
    if isinstance(rows, list):
        found = [(row, picked(row, selected)) for row in rows
                 if picked(row, columns) in keys]
        if grouped:
            # As text: a row of a build that fails its checks may hold anything.
            found.sort(key=lambda pair: tuple(map(str, picked(pair[0], grouped))))
        return iter(found)
    return rows.handles(selected, columns, keys, grouped)


def index_on(rows, columns: tuple[str, ...]) -> None:
    """Look-ups by `columns` will be asked many times: a staged table indexes them (a
    list is looked through as it is)."""
    if not isinstance(rows, list):
        rows.index_on(columns)


def values_where(rows, selected: tuple[str, ...], columns: tuple[str, ...] = (),
                 keys: set[tuple] | None = None) -> Iterator[tuple]:
    """The values of `selected` of every row (whose `columns` are one of `keys`, when
    given), in no particular order."""
    if isinstance(rows, list):
        return (picked(row, selected) for row in rows
                if keys is None or picked(row, columns) in keys)
    return rows.project(selected, columns, keys)


def write_back(rows, changes: Iterable[tuple[object, dict]]) -> None:
    """Change rows, each (its handle from handles_where(), {column: value})."""
    if isinstance(rows, list):
        for row, changed in changes:
            row.update(changed)
    else:
        rows.update(list(changes))


class RowsById:
    """A table's rows looked up by id a few at a time, changed, and saved: a list's rows
    from a dict of every one, changed in place; a staged table's read from its file
    (indexed by id) and the values changed written back by save(). Of rows with one id
    (a build that fails its checks), the last."""

    def __init__(self, rows):
        self.rows = rows
        self.by_id = {row["id"]: row for row in rows} if isinstance(rows, list) else None
        self.handles: dict[object, tuple[object, tuple]] = {}  # id -> (handle, values read)
        if self.by_id is None:
            rows.index_on(("id",))

    def fetch(self, ids: set) -> dict[object, dict]:
        """id -> row of the rows with one of `ids`; change them, then save() them."""
        if self.by_id is not None:
            return {key: self.by_id[key] for key in ids if key in self.by_id}
        columns = tuple(self.rows.columns)
        found = {}
        for handle, values in self.rows.handles(columns, ("id",), {(key,) for key in ids}):
            row = handle if isinstance(handle, dict) else dict(zip(columns, values))
            found[row["id"]] = row
            self.handles[row["id"]] = (handle, values)
        return found

    def assign(self, changes: dict[object, dict]) -> None:
        """Set values of rows without reading them: id -> {column: value}."""
        if self.by_id is not None:
            for key, changed in changes.items():
                if key in self.by_id:
                    self.by_id[key].update(changed)
        else:
            self.rows.update_by_id(changes)

    def save(self, rows: dict[object, dict]) -> None:
        """Write back the values changed in rows fetch() gave (by id)."""
        if self.by_id is not None:
            return
        changes = []
        for key, row in rows.items():
            handle, before = self.handles.pop(key)
            # By type too: 1 and 1.0 are equal but stored apart.
            changed = {column: row[column] for column, old in zip(self.rows.columns, before)
                       if (type(row[column]), row[column]) != (type(old), old)}
            if changed:
                changes.append((handle, changed))
        self.rows.update(changes)
