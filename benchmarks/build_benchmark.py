#!/usr/bin/env python3
"""Build synthetic corpora of growing size and compare with plain SQLite's floor.

    python benchmarks/build_benchmark.py [--sizes 100 1000 10000] [--keep DIR]

Each size runs in its own child process (so peak memory is that build's alone): generate
the corpus, read and check it (newsdb.build.collect), write it (newsdb.database with
every finisher in newsdb.finishers.FINISHERS, each timed by name), then insert the same
rows with plain sqlite3.executemany in one transaction into the same tables and indexes
(newsdb.database.create_tables) and the same full-text tables the finishers produced:
the floor. The table printed compares the two.
"""
from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_corpus import generate  # noqa: E402
from newsdb.build import collect  # noqa: E402
from newsdb.database import create_tables, insert_statement, write_database  # noqa: E402
from newsdb.finishers import FINISHERS  # noqa: E402
from newsdb.schema import TABLES, vocabulary_rows  # noqa: E402

SIZES = (100, 1000, 10000)
FTS_SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content", "_segments",
               "_segdir", "_stat")


def timed(finish, timings: dict):
    def run(db):
        start = time.perf_counter()
        finish(db)
        timings[finish.__name__] = time.perf_counter() - start
    return run


def measure(n: int, work: Path) -> dict:
    """Generate, build and floor-insert n articles; the figures as a dict."""
    start = time.perf_counter()
    sources = generate(work / "sources", n)
    generated = time.perf_counter() - start

    start = time.perf_counter()
    tables, problems = collect(sources)
    validation = time.perf_counter() - start
    if tables is None:
        raise SystemExit(f"generated corpus failed validation: {problems.sorted()[:5]}")

    finishers: dict[str, float] = {}
    output = work / "news.db"
    start = time.perf_counter()
    counts = write_database(output, tables, [timed(f, finishers) for f in FINISHERS])
    writing = time.perf_counter() - start

    floor_tables, floor_fts = insert_floor(tables, output, work / "floor.db")
    return {
        "n": n, "rows": sum(counts.values()), "generate_s": generated,
        "validation_s": validation, "sqlite_s": writing - sum(finishers.values()),
        "finishers": finishers, "floor_tables_s": floor_tables, "floor_fts_s": floor_fts,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "db_mib": output.stat().st_size / 2**20,
    }


def insert_floor(tables: dict[str, list[dict]], built: Path, path: Path) -> tuple[float, float]:
    """Seconds to insert the same rows with plain executemany in one transaction: the
    schema's tables and indexes, then the finishers' extra tables and full-text indexes
    copied from the built database (their content, not the analysis that made it)."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    create_tables(sqlite_utils.Database(conn))
    start = time.perf_counter()
    with conn:
        for table in TABLES:
            rows = vocabulary_rows() if table.name == "vocabulary" else tables[table.name]
            columns = list(table.columns)
            conn.executemany(insert_statement(table.name, columns),
                             (tuple(row.get(c) for c in columns) for row in rows))
    floor_tables = time.perf_counter() - start
    start = time.perf_counter()
    copy_finisher_tables(built, conn)
    floor_fts = time.perf_counter() - start
    conn.close()
    return floor_tables, floor_fts


def copy_finisher_tables(built: Path, conn: sqlite3.Connection) -> None:
    """Recreate what the finishers added beyond the schema's tables, in one transaction."""
    source = sqlite3.connect(built)
    known = {table.name for table in TABLES}
    entries = source.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL "
        "ORDER BY sql LIKE 'CREATE VIRTUAL%', rowid").fetchall()
    virtual = [name for name, sql in entries if sql.upper().startswith("CREATE VIRTUAL")]
    shadows = {name + suffix for name in virtual for suffix in FTS_SHADOWS}
    with conn:
        for name, sql in entries:
            if name in known or name in shadows or name.startswith("sqlite_"):
                continue
            conn.execute(sql)
            if name in virtual and "content=" in sql.replace(" ", "").lower():
                conn.execute(f"INSERT INTO [{name}]([{name}]) VALUES ('rebuild')")
                continue
            columns = [row[1] for row in source.execute(f"PRAGMA table_info([{name}])")]
            listed = ", ".join(f"[{c}]" for c in columns)
            conn.executemany(insert_statement(name, columns),
                             source.execute(f"SELECT {listed} FROM [{name}]"))
    source.close()


def run_child(n: int, keep: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"newsdb-bench-{n}-") as folder:
        work = keep / str(n) if keep else Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--work", str(work)],
            check=True, capture_output=True, text=True)
    return json.loads(result.stdout.splitlines()[-1])


def table(results: list[dict]) -> str:
    names = list(dict.fromkeys(name for r in results for name in r["finishers"]))
    header = ["articles", "rows", "build s", "s/1k art", "rows/s", "peak MiB", "db MiB",
              "validation", *(names or ["korean analysis"]),
              "sqlite", "floor s", "x floor", "x floor excl. finishers"]
    lines = [header]
    for r in results:
        finishers = sum(r["finishers"].values())
        build = r["validation_s"] + r["sqlite_s"] + finishers
        floor = r["floor_tables_s"] + r["floor_fts_s"]
        shares = [share(r["finishers"].get(name), build) for name in names] or ["absent"]
        lines.append([
            f"{r['n']:,}", f"{r['rows']:,}", f"{build:.1f}", f"{build / r['n'] * 1000:.1f}",
            f"{r['rows'] / build:,.0f}", f"{r['peak_mib']:,.0f}", f"{r['db_mib']:,.0f}",
            share(r["validation_s"], build), *shares, share(r["sqlite_s"], build),
            f"{floor:.2f}", f"{build / floor:.1f}",
            f"{(r['validation_s'] + r['sqlite_s']) / r['floor_tables_s']:.1f}",
        ])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rows = [" | ".join(cell.rjust(w) for cell, w in zip(line, widths)) for line in lines]
    rows.insert(1, "-|-".join("-" * w for w in widths))
    return "\n".join(rows)


def share(seconds: float | None, total: float) -> str:
    return "0% (absent)" if seconds is None else f"{seconds / total:.0%}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--keep", type=Path,
                        help="keep each size's corpus and databases under DIR/<n>/")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.work)))
        return 0
    results = []
    for n in args.sizes:
        results.append(run_child(n, args.keep))
        print(f"built {n:,} articles in "
              f"{results[-1]['validation_s'] + results[-1]['sqlite_s']:.1f} s "
              "(+ finishers)", file=sys.stderr, flush=True)
    print(table(results))
    print("\nshares are of build time; 'x floor' compares the whole build with the "
          "floor;\n'x floor excl. finishers' compares validation + SQLite writing with "
          "the floor's schema tables.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
