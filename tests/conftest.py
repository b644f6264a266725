import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import build_db  # noqa: E402


# Fixtures that build many databases: a test that asks for one is slow (`make test-fast`
# leaves it out), wherever it is.
SLOW_FIXTURES = {"outcomes"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """news.db built once from the real sources for the whole test session."""
    path = tmp_path_factory.mktemp("built") / "news.db"
    assert build_db.main(["--output", str(path)]) == 0
    return path


@pytest.fixture(scope="session")
def served_site(built_db):
    """The site exactly as `make serve` serves it: the one factory, with the inspect file.
    The project's plugin is loaded from the installed package's entry point, as in
    production; no test registers or removes plugins."""
    from newsdb.site.serving import make_datasette, write_inspect

    return make_datasette(built_db, write_inspect(built_db))


@pytest.fixture(scope="session")
def plain_site(built_db):
    """`datasette news.db` with no flags."""
    from datasette.app import Datasette

    return Datasette([str(built_db)])
