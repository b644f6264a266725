"""Steps run on the new database after the curated tables are loaded, before it is moved
into place: the derived tables, then full-text search. Each takes a sqlite_utils.Database."""
from __future__ import annotations

from newsdb.store.derived import fill_derived_tables
from newsdb.store.search_index import SEARCH_FINISHERS

# Full-text search goes last: it indexes the finished tables.
FINISHERS: list = [fill_derived_tables, *SEARCH_FINISHERS]
