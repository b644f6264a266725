import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import build_db  # noqa: E402


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """news.db built once from the real sources for the whole test session."""
    path = tmp_path_factory.mktemp("built") / "news.db"
    assert build_db.main(["--output", str(path)]) == 0
    return path
