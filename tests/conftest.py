"""Shared fixtures. `built_news_db`: one news.db built from sources/ for the session."""
from __future__ import annotations

from pathlib import Path

import pytest

import build_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_news_db(tmp_path_factory) -> Path:
    """news.db built once from sources/ with every finisher; tests must not change it."""
    path = tmp_path_factory.mktemp("built") / "news.db"
    assert build_db.main(["--output", str(path)]) == 0
    return path
