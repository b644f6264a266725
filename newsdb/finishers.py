"""Steps run on the new database after the tables are loaded, before it is moved into
place: views and full-text search. Each takes a sqlite_utils.Database."""
from __future__ import annotations

from .search_index import SEARCH_FINISHERS
from .views import create_views

# Full-text search goes last: it adds search_text to the tables and indexes them finished.
FINISHERS: list = [create_views, *SEARCH_FINISHERS]
