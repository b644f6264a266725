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


class Origins:
    def __init__(self):
        self._by_row: dict[int, tuple[dict, Origin]] = {}
        # One Origin for the many rows of one record (a fact, its claims, its mentions).
        self._shared: dict[tuple, Origin] = {}

    def note(self, row: dict, file, line: int | None, record: str | None) -> None:
        """Give a row its origin, unless it has one already (the most precise is the first)."""
        if id(row) in self._by_row:
            return
        where = (str(file), line, record)
        origin = self._shared.get(where)
        if origin is None:
            origin = self._shared[where] = Origin(*where)
        self._by_row[id(row)] = (row, origin)

    def of(self, row: dict) -> Origin | None:
        found = self._by_row.get(id(row))
        return found[1] if found else None

    def __contains__(self, row: dict) -> bool:
        return id(row) in self._by_row

    def take(self, rows: list[dict]) -> list[Origin | None]:
        """The origins of `rows`, in their order, no longer held here (nor the rows with
        them): once a table is written, its rows can go, and a row the database later
        finds wrong is named by its position."""
        taken = [self._by_row.pop(id(row), None) for row in rows]
        return [found[1] if found else None for found in taken]

    def clear(self) -> None:
        """Forget every row and origin: the rows are written and checked."""
        self._by_row.clear()
        self._shared.clear()
