"""Steps run on the new database after the tables are loaded, before it is moved into
place: views and full-text search. Each takes a sqlite_utils.Database."""
from __future__ import annotations

FINISHERS: list = []
