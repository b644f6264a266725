"""The package installed the ordinary way: the wheel built from this checkout, installed
into a fresh virtualenv (not editable), builds news.db from sources/ with the installed
`newsdb`, and plain `datasette news.db`, started from another directory, serves the whole
site: the plugin, its templates, the registry and vocabularies all come from the wheel,
the site's prose from the database."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from live_server import free_port, wait_until_up

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def run(args: list, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    # The tests' own environment variables stay out: an installed package must not need
    # them (no PYTHONPATH into the checkout).
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A virtualenv with the wheel of this checkout installed; returns its bin folder."""
    work = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", work / "dist",
         ROOT], cwd=work)
    wheel, = (work / "dist").glob("news_db-*.whl")
    run([sys.executable, "-m", "venv", work / "venv"], cwd=work)
    run([work / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet", wheel],
        cwd=work)
    return work / "venv" / "bin"


@pytest.fixture(scope="module")
def site(installed, tmp_path_factory):
    """news.db built by the installed newsdb, served by plain `datasette news.db`, both
    run from folders outside the checkout."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    db = elsewhere / "news.db"
    built = run([installed / "newsdb", "build", "--sources", ROOT / "sources",
                 "--output", db], cwd=elsewhere)
    assert "built" in built.stdout
    port = free_port()
    process = subprocess.Popen([installed / "datasette", "news.db", "--port", str(port)],
                               cwd=elsewhere, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/-/versions.json", process, timeout=120)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def get(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path, timeout=60) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


def test_the_wheel_holds_no_checkout_paths(installed):
    site_packages = next((installed.parent / "lib").glob("python*/site-packages"))
    package = site_packages / "newsdb"
    assert (package / "store" / "tables.yml").is_file()
    assert (package / "curated" / "vocabularies.yml").is_file()
    assert (package / "site" / "web" / "templates").is_dir()
    assert not (site_packages / "sources").exists()


def test_home_page_shows_the_site_title_and_its_tables(site):
    page = get(site, "/")
    assert "news.db — Korea–China science and ICT cooperation" in page
    assert "/news/events" in page


def test_a_table_has_its_title_and_facets(site):
    data = json.loads(get(site, "/news/events.json?_facet=kind&_shape=objects"))
    assert data["rows"] and "kind" in data["facet_results"]
    page = get(site, "/news/events")
    assert "Events" in page and 'class="facet' in page


def test_a_canned_query_runs(site):
    page = get(site, "/news/programme_on_day?day=2014-12-18")
    assert "2014-12-18" in page
    rows = json.loads(get(site, "/news/programme_on_day.json?day=2014-12-18&_shape=objects"))
    assert rows["rows"], "the programme of 18 December has events"


def test_a_korean_search_finds_the_word_with_its_particle(site):
    # 샤오미의 (Xiaomi's): the analyser takes the name whole, without the particle.
    query = urllib.parse.quote("샤오미의")
    found = json.loads(get(site, f"/news/sentences.json?_search={query}&_shape=objects"))
    assert found["rows"] and all("샤오미" in row["text_ko"] for row in found["rows"])
    results = json.loads(get(site, f"/news/search.json?q={query}&_shape=objects"))
    assert results["rows"]


def test_a_record_card_shows_the_fact_and_its_reports(site):
    page = get(site, "/news/events/xiaomi-ceo-meeting-2014")
    assert "record-card" in page and "record-fields" in page
    assert "Xiaomi" in page and "2014-12-19" in page
