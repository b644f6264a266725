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
    for a field inside a nested item)."""
    if value is not None and _is_unknown(ids, table, value):
        problems.add(curated.file, line or curated.line_of(field), record_name(curated), field,
                     f"unknown {table[:-1] if table != 'people' else 'person'} '{value}': "
                     f"expected an id from {table}")
    return value


def record_name(curated: Curated) -> str | None:
    """How an error names a record: its id, or what a claim or an added participant is
    about."""
    record = curated.record
    return (getattr(record, "id", None) or getattr(record, "about", None)
            or getattr(record, "event", None))
