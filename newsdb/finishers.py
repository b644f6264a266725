"""Steps run on the new database after the tables are loaded, before it is moved into
place: views and full-text search. Each takes a sqlite_utils.Database."""
from __future__ import annotations

from .views import create_views

FINISHERS: list = [create_views]
