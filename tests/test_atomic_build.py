"""Killing a build never damages the previous database, and no temporary file outlives
the next build.

The build runs in a child process. To kill it at known points (validated, half the
tables loaded, inside a finisher, written but not yet renamed) the child is started
through a small wrapper that patches those steps to announce themselves and wait; the
production code has no hooks. A few kills after plain delays cover the points between.
"""
from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newsdb.store.build import build

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

PAUSING_BUILD = textwrap.dedent('''
    import os, sys, time
    sys.path.insert(0, sys.argv[1])
    import sqlite_utils.db
    import build_db, newsdb.store.build, newsdb.store.sqlite
    from newsdb.store.finishers import FINISHERS

    point = sys.argv[2]

    def pause(label):
        if label == point:
            print("paused", flush=True)
            time.sleep(120)

    collect = newsdb.store.build.collect
    def pausing_collect(*args, **kwargs):
        result = collect(*args, **kwargs)
        pause("validated")
        return result
    newsdb.store.build.collect = pausing_collect

    insert_rows = newsdb.store.sqlite.insert_rows
    def pausing_insert_rows(conn, table, rows, start):
        insert_rows(conn, table, rows, start)
        if table.name == "statistics":
            pause("loading")
    newsdb.store.sqlite.insert_rows = pausing_insert_rows

    FINISHERS.append(lambda db: pause("finishing"))

    replace = os.replace
    def pausing_replace(*args):
        pause("renaming")
        return replace(*args)
    newsdb.store.sqlite.os.replace = pausing_replace

    sys.exit(build_db.main(sys.argv[3:]))
''')

POINTS = ["validated", "loading", "finishing", "renaming"]


@pytest.fixture(scope="module")
def new_sources(tmp_path_factory) -> Path:
    """Sources that give a database different from the previous one, so that a build
    which got as far as replacing the file would be noticed."""
    sources = tmp_path_factory.mktemp("new") / "sources"
    shutil.copytree(ROOT / "sources", sources)
    with (sources / "registry" / "people.yml").open("a", encoding="utf-8") as people:
        people.write("- id: added-person\n  name_ko: 추가\n")
    return sources


@pytest.fixture(scope="module")
def previous_bytes(tmp_path_factory) -> bytes:
    output = tmp_path_factory.mktemp("previous") / "news.db"
    counts, problems = build(ROOT / "sources", output)
    assert counts is not None, [str(p) for p in problems.items]
    return output.read_bytes()


@pytest.fixture
def previous(tmp_path, previous_bytes) -> tuple[Path, bytes]:
    output = tmp_path / "news.db"
    output.write_bytes(previous_bytes)
    return output, previous_bytes


def build_args(sources: Path, output: Path) -> list[str]:
    return ["--sources", str(sources), "--output", str(output)]


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def assert_intact(output: Path, expected: bytes) -> None:
    assert output.read_bytes() == expected
    with sqlite3.connect(f"file:{output}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("select count(*) from articles").fetchone() == (1,)


def assert_next_build_cleans_up(sources: Path, output: Path) -> None:
    counts, problems = build(sources, output)
    assert counts is not None, [str(p) for p in problems.items]
    assert sorted(p.name for p in output.parent.iterdir()) == ["news.db"]
    with sqlite3.connect(output) as conn:
        assert conn.execute("select name_ko from people where id = 'added-person'"
                            ).fetchone() == ("추가",)


@pytest.mark.parametrize("point", POINTS)
def test_kill_at_a_known_point_keeps_the_previous_database(point, previous, new_sources):
    output, before = previous
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSING_BUILD, str(ROOT), point,
         *build_args(new_sources, output)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout.readline() == "paused\n", process.stderr.read()
    finally:
        kill(process)
    assert_intact(output, before)
    assert_next_build_cleans_up(new_sources, output)


@pytest.fixture(scope="module")
def timed_new_build(tmp_path_factory, new_sources) -> tuple[float, bytes]:
    """How long a whole build of the new sources takes here, to spread the kills over
    it, and the file it gives (builds are reproducible, so any complete build of these
    sources has these bytes)."""
    output = tmp_path_factory.mktemp("timed") / "news.db"
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build_db.py"), *build_args(new_sources, output)],
                   check=True, capture_output=True, timeout=120)
    return time.perf_counter() - start, output.read_bytes()


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.75])
def test_kill_after_a_delay_keeps_the_previous_database(fraction, previous, new_sources,
                                                        timed_new_build):
    output, before = previous
    seconds, after = timed_new_build
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build_db.py"), *build_args(new_sources, output)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(fraction * seconds)
    if process.poll() is not None:
        pytest.skip(f"this build finished within {fraction} of the measured build time")
    kill(process)
    # A build can be killed after its rename but before its interpreter exits; then the
    # file is the new database, whole. Anything else, such as a half-written file, fails.
    if output.read_bytes() != after:
        assert_intact(output, before)
    assert_next_build_cleans_up(new_sources, output)


def test_a_killed_build_leaves_only_its_temporary_file(previous, new_sources):
    output, before = previous
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSING_BUILD, str(ROOT), "renaming",
         *build_args(new_sources, output)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout.readline() == "paused\n", process.stderr.read()
    finally:
        kill(process)
    assert sorted(p.name for p in output.parent.iterdir()) == [".news.db.building", "news.db"]
    assert_intact(output, before)


def test_a_normal_build_leaves_no_temporary_file(tmp_path):
    output = tmp_path / "news.db"
    counts, _ = build(ROOT / "sources", output)
    assert counts is not None
    assert [p.name for p in tmp_path.iterdir()] == ["news.db"]
