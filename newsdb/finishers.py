"""Steps run on the new database after the tables are loaded, before it is moved into
place: views and full-text search. Each takes a sqlite_utils.Database."""
from __future__ import annotations

from .search_index import build_search_index

# Full-text search goes last: it indexes the finished tables.
FINISHERS: list = [build_search_index]
