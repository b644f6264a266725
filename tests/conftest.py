"""Shared fixtures: the database is built once per test session from sources/."""
from __future__ import annotations

from pathlib import Path

import pytest

import build_db


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """news.db built from the repository's sources into a session temporary folder."""
    path = tmp_path_factory.mktemp("built") / "news.db"
    assert build_db.main(["--output", str(path)]) == 0
    return path
