"""Where each row came from: the file, line and record a problem with the row names.

Kept beside the rows rather than in them, so the tables keep their public columns only;
a row is known by its identity (the dict object), which the origins hold on to."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Origin:
    file: str
    line: int | None
    record: str | None


class StagedRow(dict):
    """A row read back from where the build staged it (store/staging.py), its origin
    carried with it rather than looked up."""

    __slots__ = ("origin",)


class Origins:
    def __init__(self):
        self._by_row: dict[int, Origin] = {}
        # The rows noted, held so that no other row takes one's identity until clear().
        self._held: list[dict] = []
        # One Origin for the many rows of one record (a fact, its claims, its mentions),
        # of the file being noted: a file's rows are noted together, and a look-up of
        # every record of the build would be held to the end for nothing.
        self._shared: dict[tuple, Origin] = {}
        self._file: str | None = None

    def note(self, row: dict, file, line: int | None, record: str | None) -> None:
        """Give a row its origin, unless it has one already (the most precise is the first)."""
        if id(row) in self._by_row:
            return
        where = (str(file), line, record)
        if where[0] != self._file:
            self._shared.clear()
            self._file = where[0]
        origin = self._shared.get(where)
        if origin is None:
            origin = self._shared[where] = Origin(*where)
        self._by_row[id(row)] = origin
        self._held.append(row)

    def of(self, row: dict) -> Origin | None:
        found = self._by_row.get(id(row))
        return found if found is not None else getattr(row, "origin", None)

    def __contains__(self, row: dict) -> bool:
        return id(row) in self._by_row

    def take(self, rows: list[dict]) -> list[Origin | None]:
        """The origins of `rows`, in their order, no longer looked up here: once a table
        is written, a row the database finds wrong is named by its position; once rows
        are staged, they carry their own (store/staging.py). Taken rows stay held until
        compact() or clear()."""
        return [self._by_row.pop(id(row), None) for row in rows]

    def mark(self) -> int:
        """Where the rows noted from now on start, for compact()."""
        return len(self._held)

    def compact(self, since: int) -> None:
        """Let go of the rows noted since `since` whose origins were taken since."""
        by_row = self._by_row
        self._held[since:] = [row for row in self._held[since:] if id(row) in by_row]

    def clear(self) -> None:
        """Forget every row and origin: the rows are written and checked."""
        self._by_row.clear()
        self._held.clear()
        self._shared.clear()
        self._file = None
