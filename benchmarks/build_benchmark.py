#!/usr/bin/env python3
"""Build synthetic corpora of growing size and compare with plain SQLite's floor.

    python benchmarks/build_benchmark.py [--sizes 100 1000 10000] [--keep DIR]

Each size runs in its own child process (so peak memory is that build's alone): generate
the corpus, read and check it (newsdb.store.build.collect), write it (newsdb.store.sqlite with
every finisher in newsdb.store.finishers.FINISHERS, each timed by name: the derived tables,
the Korean analysis, the one full-text index), then insert the same rows with plain
sqlite3.executemany in one transaction into the same tables and indexes
(newsdb.store.sqlite.create_tables: the registry's tables, derived ones included), then the
rows of the full-text index `search_index` (analysis included, as given) and the
finishers' other indexes: the floor, three times, each in a fresh process. The table
printed compares the two, in elapsed and in CPU time (the build's analysis worker's
included). Each size starts with an empty analysis
cache (the build's first run), then rebuilds the same sources once more with the cache
filled: 'rebuild cpu s' is what a curator's next build costs.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from newsdb.synthetic import generate  # noqa: E402
from newsdb.curated.site_prose import read_site_prose  # noqa: E402
from newsdb.store.build import collect, site_metadata_rows  # noqa: E402
from newsdb.store.sqlite import create_tables, insert_statement, write_database  # noqa: E402
from newsdb.store.staging import Stage, staging_path  # noqa: E402
from newsdb.korean.analyser import SEARCH_INDEX  # noqa: E402
from newsdb.store.finishers import FINISHERS  # noqa: E402
from newsdb.store.registry import TABLES_BY_NAME, default_registry  # noqa: E402
from newsdb.store.search_index import CACHE_ENV  # noqa: E402

SIZES = (100, 1000, 10000)
# The floor is measured this many times, each in a fresh process; the median is kept.
FLOOR_RUNS = 3
# The finisher that runs the Korean analysis: the target compares the build without it
# (the floor inserts its output, the index's search_text column, as given).
ANALYSIS = "add_search_texts"
FTS_SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content", "_segments",
               "_segdir", "_stat")


class Clock:
    """Wall and CPU seconds since the last lap. The machine is shared, so CPU time (this
    process's, SQLite included) is the steadier figure; wall time is shown beside it."""

    def __init__(self):
        self.last = (time.perf_counter(), time.process_time())

    def lap(self) -> tuple[float, float]:
        now = (time.perf_counter(), time.process_time())
        wall, cpu = now[0] - self.last[0], now[1] - self.last[1]
        self.last = now
        return wall, cpu


def timed(finish, timings: dict):
    def run(db):
        clock = Clock()
        finish(db)
        timings[finish.__name__] = clock.lap()
    return run


def measure(n: int, work: Path, rebuild: bool = True, keep: bool = True) -> dict:
    """Generate, build and floor-insert n articles; the figures as a dict. Without
    `rebuild` the cached rebuild is skipped; without `keep` the corpus is deleted once
    built, so that the built file and the floor's fit on the disk together."""
    os.environ[CACHE_ENV] = str(work / "analysis-cache.sqlite")  # cold: a first build
    clock = Clock()
    sources = generate(work / "sources", n, template_root=ROOT / "sources")
    generated = clock.lap()
    output = work / "news.db"
    # As newsdb.store.build.build does: the tables of store/staging.py's STAGED in a
    # staging file beside the output, not in memory.
    stage = Stage(staging_path(output))
    ahead_before = children_cpu()
    tables, problems = collect(sources, stage=stage, ahead=True)
    validation = clock.lap()
    if tables is None:
        raise SystemExit(f"generated corpus failed validation: {problems.sorted()[:5]}")
    # The site's prose, as `newsdb build` stores it: a kept database serves the real site
    # (its canned queries), for benchmarks/load.py.
    site_rows = site_metadata_rows(read_site_prose(ROOT / "metadata.yml", problems))
    tables["site_metadata"] = site_rows
    finishers: dict[str, tuple[float, float]] = {}
    counts = write_database(output, tables, [timed(f, finishers) for f in FINISHERS],
                            release=stage.release)
    writing = clock.lap()
    sqlite = tuple(w - sum(f[i] for f in finishers.values()) for i, w in enumerate(writing))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The analysis made ahead, in the build's worker process (store/analysis_ahead.py):
    # its CPU time and peak memory, the build's too.
    ahead_cpu = children_cpu() - ahead_before
    ahead_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    del tables
    rebuilt = rebuild_cached(sources, site_rows, work / "rebuilt.db") if rebuild else None
    if not keep:
        shutil.rmtree(sources)
    floors = [floor_in_a_process(output, work / "floor.db") for _ in range(FLOOR_RUNS)]
    return {
        "n": n, "rows": sum(counts.values()), "generate": generated,
        "validation": validation, "sqlite": sqlite, "finishers": finishers,
        "ahead_cpu": ahead_cpu, "floors": floors, "rebuild": rebuilt,
        "peak_mib": peak, "ahead_peak_mib": ahead_peak,
        "db_mib": output.stat().st_size / 2**20,
    }


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def floor_in_a_process(built: Path, path: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the floor (insert_floor, both steps), in a process of its
    own: run after the build in the build's process, it took 75 CPU s once against 55 in
    a fresh one."""
    result = subprocess.run([sys.executable, __file__, "--floor-of", str(built),
                             "--work", str(path)], check=True, stdout=subprocess.PIPE,
                            text=True)
    return tuple(json.loads(result.stdout.splitlines()[-1]))


def rebuild_cached(sources: Path, site_rows: list, output: Path) -> tuple[float, float]:
    """Wall and CPU seconds to build the same sources again, the analysis cache filled."""
    clock, before = Clock(), children_cpu()
    stage = Stage(staging_path(output))
    tables, _ = collect(sources, stage=stage, ahead=True)
    tables["site_metadata"] = site_rows
    write_database(output, tables, FINISHERS, release=stage.release)
    wall, cpu = clock.lap()
    return wall, cpu + children_cpu() - before


def insert_floor(built: Path, path: Path):
    """CPU and wall seconds to insert the built database's rows with plain executemany:
    first every table of the registry, derived ones included (created by
    newsdb.store.sqlite.create_tables, with any column a finisher added), in one
    transaction; then in a second one the tables the finishers created (the full-text
    index, its rows given with their rowids and their analysis, not the analysis that
    made it) and the indexes they added. Rows are read from the built file a chunk at a
    time (memory stays bounded at 100,000 articles), outside the timing."""
    path.unlink(missing_ok=True)
    source = sqlite3.connect(built)
    conn = sqlite3.connect(path)
    create_tables(sqlite_utils.Database(conn), default_registry())
    schema = [(name, added_columns(source, conn, name)) for name in TABLES_BY_NAME]
    extra, virtual = finisher_tables(source)
    indexes = finisher_indexes(source, conn)
    timer = Stopwatch()
    for name, columns in schema:
        insert_chunks(source, conn, name, columns, timer)
    with timer:
        conn.commit()
    floor_tables = timer.take()
    for name, sql in extra:
        with timer:
            conn.execute(sql)
        insert_chunks(source, conn, name, ["rowid", *columns_of(source, name)], timer)
    with timer:
        for sql in indexes:
            conn.execute(sql)
        conn.commit()
    floor_fts = timer.take()
    source.close()
    conn.close()
    return floor_tables, floor_fts


class Stopwatch:
    """Wall and CPU seconds spent inside `with stopwatch:` blocks since the last take()."""

    def __init__(self):
        self.total = [0.0, 0.0]

    def __enter__(self):
        self.start = (time.perf_counter(), time.process_time())

    def __exit__(self, *exc):
        self.total[0] += time.perf_counter() - self.start[0]
        self.total[1] += time.process_time() - self.start[1]

    def take(self) -> tuple[float, float]:
        taken, self.total = tuple(self.total), [0.0, 0.0]
        return taken


CHUNK_ROWS = 500_000


def insert_chunks(source: sqlite3.Connection, conn: sqlite3.Connection, table: str,
                  columns: list[str], timer: Stopwatch) -> None:
    """Insert the built table's rows into the floor a chunk at a time; only the
    inserts are timed."""
    statement = insert_statement(table, columns)
    rows = select_rows(source, table, columns)
    while chunk := rows.fetchmany(CHUNK_ROWS):
        with timer:
            conn.executemany(statement, chunk)


def columns_of(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")]


def added_columns(source: sqlite3.Connection, floor: sqlite3.Connection, table: str):
    """The built table's columns; those a finisher added are added to the floor too."""
    columns = columns_of(source, table)
    for column in columns[len(TABLES_BY_NAME[table].columns):]:
        floor.execute(f"ALTER TABLE [{table}] ADD COLUMN [{column}]")
    return columns


def select_rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> sqlite3.Cursor:
    listed = ", ".join(f"[{c}]" for c in columns)
    return conn.execute(f"SELECT {listed} FROM [{table}] ORDER BY rowid")


def finisher_indexes(source: sqlite3.Connection, floor: sqlite3.Connection) -> list[str]:
    """The CREATE INDEX statements of the indexes a finisher added (the canned queries'
    expression indexes): those of the built file the floor's schema lacks."""
    have = {name for name, in floor.execute("SELECT name FROM sqlite_master "
                                            "WHERE type = 'index'")}
    return [sql for name, sql in source.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "ORDER BY rowid") if name not in have]


def finisher_tables(source: sqlite3.Connection):
    """The tables finishers created, in creation order (the full-text index, without its
    shadow tables, which the floor's inserts fill), and which of them are virtual."""
    entries = source.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL "
        "AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall()
    virtual = {name for name, sql in entries if sql.upper().startswith("CREATE VIRTUAL")}
    shadows = {name + suffix for name in virtual for suffix in FTS_SHADOWS}
    extra = [(name, sql) for name, sql in entries
             if name not in TABLES_BY_NAME and name not in shadows]
    return extra, virtual


def run_child(n: int, keep: Path | None, rebuild: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"newsdb-bench-{n}-") as folder:
        work = keep / str(n) if keep else Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        options = [] if rebuild else ["--no-rebuild"]
        options += ["--keep-corpus"] if keep else []
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--work", str(work), *options],
            check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(result.stdout.splitlines()[-1])


def table(results: list[dict]) -> str:
    """One line per size. Shares and CPU ratios are of CPU time, the worker's included;
    'wall s' is elapsed, and 'wall x floor' its ratio to the floor's."""
    names = list(dict.fromkeys(name for r in results for name in r["finishers"]))
    header = ["articles", "rows", "wall s", "cpu s", "cpu s/1k art", "rows/cpu s",
              "peak MiB", "worker peak MiB", "db MiB", "validation", "analysis ahead",
              *(names or ["korean analysis"]), "sqlite", "floor wall s", "floor cpu s",
              "wall x floor", "cpu x floor", "cpu x floor excl. analysis",
              "rebuild cpu s", "rebuild x floor"]
    lines = [header]
    for r in results:
        finishers = {name: times[1] for name, times in r["finishers"].items()}
        wall = r["validation"][0] + r["sqlite"][0] + sum(t[0] for t in r["finishers"].values())
        cpu = (r["validation"][1] + r["sqlite"][1] + sum(finishers.values())
               + r["ahead_cpu"])
        floor_wall = statistics.median(f[0] for f in r["floors"])
        floor = statistics.median(f[1] for f in r["floors"])
        analysis = finishers.get(ANALYSIS, 0.0) + r["ahead_cpu"]
        shares = [share(finishers.get(name), cpu) for name in names] or ["0% (absent)"]
        lines.append([
            f"{r['n']:,}", f"{r['rows']:,}", f"{wall:.1f}", f"{cpu:.1f}",
            f"{cpu / r['n'] * 1000:.1f}", f"{r['rows'] / cpu:,.0f}", f"{r['peak_mib']:,.0f}",
            f"{r['ahead_peak_mib']:,.0f}", f"{r['db_mib']:,.0f}",
            share(r["validation"][1], cpu), share(r["ahead_cpu"], cpu), *shares,
            share(r["sqlite"][1], cpu), f"{floor_wall:.2f}", f"{floor:.2f}",
            f"{wall / floor_wall:.2f}", f"{cpu / floor:.2f}", f"{(cpu - analysis) / floor:.2f}",
            *rebuild_cells(r["rebuild"], floor),
        ])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rows = [" | ".join(cell.rjust(w) for cell, w in zip(line, widths)) for line in lines]
    rows.insert(1, "-|-".join("-" * w for w in widths))
    return "\n".join(rows)


def rebuild_cells(rebuild: list | None, floor: float) -> list[str]:
    if rebuild is None:
        return ["not run", "not run"]
    return [f"{rebuild[1]:.1f}", f"{rebuild[1] / floor:.1f}"]


def share(seconds: float | None, total: float) -> str:
    return "0% (absent)" if seconds is None else f"{seconds / total:.0%}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--keep", type=Path,
                        help="keep each size's corpus and databases under DIR/<n>/")
    parser.add_argument("--no-rebuild", action="store_true",
                        help="skip the second build with the analysis cache filled")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--keep-corpus", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor-of", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor_of:
        tables, fts = insert_floor(args.floor_of, args.work)
        args.work.unlink()
        print(json.dumps([tables[0] + fts[0], tables[1] + fts[1]]))
        return 0
    if args.child:
        print(json.dumps(measure(args.child, args.work, rebuild=not args.no_rebuild,
                                 keep=args.keep_corpus)))
        return 0
    results = []
    for n in args.sizes:
        results.append(run_child(n, args.keep, rebuild=not args.no_rebuild))
        print(f"measured {n:,} articles", file=sys.stderr, flush=True)
    print(table(results))
    print("\nShares are of CPU time, the analysis worker's included (the machine is "
          "shared).\n'x floor' is the whole build over the floor (the registry's tables, "
          f"derived ones included,\nthen the full-text index {SEARCH_INDEX} and the "
          "finishers' indexes), the median of\n"
          f"{FLOOR_RUNS} runs in fresh processes; 'wall x floor' compares elapsed times (the "
          "build runs\non two cores, the floor on one), 'cpu x floor' CPU times. 'excl. "
          "analysis' leaves out\nthe Korean analysis (the worker's and "
          f"{ANALYSIS}'s), whose output the floor inserts as given.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
