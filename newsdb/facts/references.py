"""Small helpers shared by the row builders: display labels and checked references."""
from __future__ import annotations

import json

from newsdb.curated.problems import Problems
from newsdb.curated.reader import Curated


def _label(english: str | None, korean: str) -> str:
    return f"{english} ({korean})" if english else korean


def _json_list(values: list[str]) -> str | None:
    return json.dumps(values, ensure_ascii=False) if values else None


def _is_unknown(ids, table: str, value) -> bool:
    """True when `value` names no row of `table`. Ids of an unreadable file (None) are
    not checked: that file's own error is reported instead."""
    known = ids[table]
    return known is not None and value not in known


def _reference(curated: Curated, field: str, value, table: str, ids, problems: Problems,
               line: int | None = None):
    """Return value if it names a known row of `table`, else record a problem (at `line`,
    for a field inside a nested item). A table still being read (Unsettled) has the
    reference checked once it is read."""
    if value is None:
        return value
    known = ids[table]
    if isinstance(known, Unsettled):
        if value not in known.seen:
            known.waiting.append((curated.file, line or curated.line_of(field),
                                  record_name(curated), field, value))
    elif _is_unknown(ids, table, value):
        problems.add(curated.file, line or curated.line_of(field), record_name(curated), field,
                     unknown_reference(table, value))
    return value


def unknown_reference(table: str, value) -> str:
    return (f"unknown {table[:-1] if table != 'people' else 'person'} '{value}': "
            f"expected an id from {table}")


class DeclaredIds:
    """The ids of a fact table the reports read so far write, each with the file of the
    first valid record that declares it (None for an id only written: a record that
    failed its checks, an article that could not be read). Held in memory; the build
    keeps them in its staging file instead (store/staging.py's StagedIds, the same
    answers)."""

    def __init__(self):
        self.first: dict[str, str | None] = {}

    def declare(self, pairs: list[tuple[str, str]]) -> dict[str, str]:
        """Note each (id, file) of a report's valid records; returns, of those ids a
        record read before declared, id -> that record's file (those are not noted)."""
        earlier = {key: self.first[key] for key, _ in pairs if self.first.get(key)}
        self.first.update((key, file) for key, file in pairs if key not in earlier)
        return earlier

    def see(self, keys) -> None:
        """Note ids written, valid or not, keeping the file of any declared before."""
        for key in keys:
            self.first.setdefault(key, None)

    def __contains__(self, key) -> bool:
        try:
            return key in self.first
        except TypeError:
            return False  # a list is no id (the checks say so)


class Unsettled:
    """The ids of a table while the reports that declare them are still being read: a
    reference to an id not seen yet waits, with where it is written, until every report
    is read (`settle`). `seen`: the ids written so far (a set or a DeclaredIds)."""

    def __init__(self, seen=None):
        self.seen = seen if seen is not None else set()
        self.waiting: list[tuple] = []  # (file, line, record, field, value)

    def settle(self, table: str, known: set | None, problems: Problems) -> None:
        """Report each waiting reference that `known` (the table's ids once every report
        is read; None: unknown, not checked) does not hold; what was seen and waited is
        let go (`known` holds it now)."""
        if known is not None:
            for file, line, record, field, value in self.waiting:
                if value not in known:
                    problems.add(file, line, record, field, unknown_reference(table, value))
        self.waiting = []
        self.seen = set()


def record_name(curated: Curated) -> str | None:
    """How an error names a record: its id, or what a claim or an added participant is
    about."""
    record = curated.record
    return (getattr(record, "id", None) or getattr(record, "about", None)
            or getattr(record, "event", None))
