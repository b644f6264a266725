"""The Korean analysis made ahead, in a worker process, while the build reads
(newsdb/store/analysis_ahead.py)."""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import sys
import threading
from pathlib import Path

import pytest

import build_db
from newsdb.curated.problems import Problems
from newsdb.curated.reader import read_sources
from newsdb.korean.analyser import Analyser, registry_names
from newsdb.store import analysis_ahead, search_index
from newsdb.store.analysis_ahead import AHEAD_ENV, AnalysisAhead, curated_names
from newsdb.store.registry import TABLES_BY_NAME
from newsdb.store.search_index import CACHE_ENV, AnalysisCache

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SOURCES = Path(__file__).parent / "fixtures" / "sources"
NAMES = ("샤오미", "레이쥔")
SENTENCES = TABLES_BY_NAME["sentences"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_names_from_the_sources_are_those_of_the_built_database(built_db):
    """The worker starts before any row is made, with the names read from the curated
    registries: the names the finisher reads from the database, or every analysis made
    ahead would be keyed by other names and missed."""
    sources = read_sources(ROOT / "sources", Problems(), False)
    with sqlite3.connect(built_db) as conn:
        assert curated_names(sources.registries) == registry_names(conn)
    assert "샤오미" in curated_names(sources.registries)


@pytest.mark.slow
def test_the_texts_given_are_in_the_cache_analysed_as_the_analyser_does(tmp_path):
    path = tmp_path / "cache.sqlite"
    ahead = AnalysisAhead(path, NAMES, batch=2)
    rows = [{"text_ko": "샤오미의 레이쥔 회장을 만났다"}, {"text_ko": "과학기술 협력을 강화했다"},
            {"text_ko": None}, {"text_ko": "샤오미의 레이쥔 회장을 만났다"},
            {"text_ko": "창업카페를 둘러봤다"}]
    ahead.add(SENTENCES, rows[:2])
    ahead.add(SENTENCES, rows[2:])
    ahead.finish()
    texts = [row["text_ko"] for row in rows if row["text_ko"]]
    cache = AnalysisCache(path, NAMES)
    cache.prefetch(texts)
    assert cache.found == {text: Analyser(NAMES).index_terms(text) for text in texts}


def test_a_failing_worker_is_said_and_not_raised(tmp_path, caplog):
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    ahead = AnalysisAhead(blocked / "cache.sqlite", NAMES)
    ahead.add(SENTENCES, [{"text_ko": "샤오미"}])
    ahead.finish()
    assert ahead.worker.returncode != 0
    assert any("the Korean analysis ahead stopped (" in message and "Error" in message
               for message in caplog.messages)


@pytest.mark.slow
def test_a_build_whose_worker_fails_analyses_the_rest_itself(built_db, tmp_path,
                                                             monkeypatch, caplog):
    monkeypatch.setattr(AnalysisAhead, "command", [sys.executable, "-c", "raise SystemExit(3)"])
    monkeypatch.setattr(analysis_ahead, "wanted", lambda: True)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache.sqlite"))
    output = tmp_path / "news.db"
    assert build_db.main(["--output", str(output)]) == 0
    assert any("exit status 3" in message for message in caplog.messages)
    assert sha256(output) == sha256(built_db)


def test_stop_ends_the_worker_without_waiting_for_its_texts(tmp_path):
    ahead = AnalysisAhead(tmp_path / "cache.sqlite", NAMES)
    ahead.add(SENTENCES, [{"text_ko": f"샤오미 {n}번째 문장"} for n in range(5_000)])
    ahead.stop()
    assert ahead.worker.returncode is not None


@pytest.mark.slow
def test_a_build_analysed_ahead_is_the_same_file_and_leaves_the_finisher_nothing(
        built_db, tmp_path, monkeypatch):
    """An empty cache: every text of the database, the registries' included, is analysed
    ahead; the finisher analyses none, and the file is the same bytes as one built with
    the analysis in the build's own process."""
    analysed: list[str] = []
    missing = AnalysisCache.analyse_missing

    def counted(cache, texts):
        before = set(cache.missed)
        missing(cache, texts)
        analysed.extend(set(cache.missed) - before)

    monkeypatch.setattr(search_index.AnalysisCache, "analyse_missing", counted)
    monkeypatch.setattr(analysis_ahead, "wanted", lambda: True)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache.sqlite"))
    ahead = tmp_path / "ahead.db"
    assert build_db.main(["--output", str(ahead)]) == 0
    assert analysed == []
    monkeypatch.setattr(analysis_ahead, "wanted", lambda: False)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "another-cache.sqlite"))
    here = tmp_path / "here.db"
    assert build_db.main(["--output", str(here)]) == 0
    assert analysed
    assert sha256(ahead) == sha256(here) == sha256(built_db)


def test_a_build_that_fails_its_checks_stops_the_worker(tmp_path, monkeypatch):
    stopped: list[AnalysisAhead] = []
    stop = AnalysisAhead.stop

    def recorded(ahead):
        stopped.append(ahead)
        stop(ahead)

    monkeypatch.setattr(AnalysisAhead, "stop", recorded)
    monkeypatch.setattr(analysis_ahead, "wanted", lambda: True)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache.sqlite"))
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE_SOURCES, sources)
    citation = sources / "citations" / "etnews-2014-12-17-minister-china-trip.yml"
    citation.write_text(citation.read_text(encoding="utf-8").replace(
        "about: events/", "about: events/no-such-", 1), encoding="utf-8")
    output = tmp_path / "news.db"
    assert build_db.main(["--sources", str(sources), "--output", str(output)]) == 1
    assert not output.exists()
    assert len(stopped) == 1 and stopped[0].worker.returncode is not None


def test_turned_off_and_on_one_core_there_is_no_worker(monkeypatch):
    monkeypatch.setenv(AHEAD_ENV, "off")
    assert not analysis_ahead.wanted()
    monkeypatch.delenv(AHEAD_ENV)
    monkeypatch.setattr(analysis_ahead.os, "sched_getaffinity", lambda pid: {0})
    assert not analysis_ahead.wanted()
    monkeypatch.setattr(analysis_ahead.os, "sched_getaffinity", lambda pid: {0, 1})
    assert analysis_ahead.wanted()


def test_a_build_without_the_analysis_finisher_analyses_nothing_ahead(tmp_path, monkeypatch):
    from newsdb.store.build import build
    from newsdb.store.derived import fill_derived_tables

    started = []
    monkeypatch.setattr(analysis_ahead, "wanted", lambda: started.append(True) or True)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache.sqlite"))
    counts, problems = build(FIXTURE_SOURCES, tmp_path / "news.db", [fill_derived_tables])
    assert counts and not problems
    assert started == []


@pytest.mark.slow
def test_the_worker_ends_on_a_line_cut_short(tmp_path):
    """A build killed as it wrote a batch leaves half a line: the worker analyses the
    lines that came whole and ends, rather than waiting for ever."""
    path = tmp_path / "cache.sqlite"
    lines = [json.dumps(NAMES) + "\n", '["샤오미의 CEO"]\n', '["과학기술 협']
    worker = threading.Thread(target=analysis_ahead.analyse_lines, args=(path, iter(lines)))
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()
    cache = AnalysisCache(path, NAMES)
    cache.prefetch(["샤오미의 CEO", "과학기술 협"])
    assert list(cache.found) == ["샤오미의 CEO"]


def test_the_worker_ends_when_the_build_sent_nothing(tmp_path):
    worker = threading.Thread(target=analysis_ahead.analyse_lines,
                              args=(tmp_path / "cache.sqlite", iter([])))
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()
