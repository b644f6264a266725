"""How well `?_search=` finds what people look for, and what the analysis costs to build.

    .venv/bin/python benchmarks/search_quality.py [--runs 3] [--misses]

Runs every query of benchmarks/search_queries.yml through Datasette's `_search` SQL on
the query's table, which reads the one full-text index of news.db (table metadata
fts_table=search_index, fts_pk=rowid: `rowid in (select rowid from search_index where
search_index match escape_fts(:q))`), against:

  korean + plugin   our index (the searched columns as written + kiwipiepy analysis),
                    queries analysed by the plugin (newsdb/site/plugin.py) as served
  korean, plain     our index, Datasette's own escape_fts (no plugin loaded)
  unicode61         FTS5 default tokenizer over the same text (the index's `text` column)
  trigram           FTS5 trigram tokenizer over the same text

and prints recall and precision of each, then the build time with and without the
search finishers (without the analysis cache: the cost of a first build).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils
import yaml
from datasette.utils import escape_fts

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsdb.korean.analyser import SEARCH_INDEX, analyser_for, fts_query, registry_names  # noqa: E402
from newsdb.store.build import build  # noqa: E402
from newsdb.store.finishers import FINISHERS  # noqa: E402
from newsdb.store.search_index import CACHE_ENV, SEARCH_FINISHERS  # noqa: E402

QUERIES = ROOT / "benchmarks" / "search_queries.yml"
SOURCES = ROOT / "sources"
OTHER_FINISHERS = [finish for finish in FINISHERS if finish not in SEARCH_FINISHERS]
# The baselines' index, beside search_index in a copy of the database.
BASELINE_INDEX = "baseline_index"


def search_sql(table: str, index: str = SEARCH_INDEX) -> str:
    """The ids `?_search=` shows on a table page: Datasette's own SQL for the table
    metadata fts_table=<index>, fts_pk=rowid, for an already escaped expression. Every
    table's rowids lie in a block of their own, so the index's other tables' rows never
    match a table's rowids."""
    return (f'select id from "{table}" where rowid in '
            f'(select rowid from "{index}" where "{index}" match ?)')


def load_queries(path: Path = QUERIES) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def search_ids(conn: sqlite3.Connection, table: str, expression: str,
               index: str = SEARCH_INDEX) -> set[str]:
    return {row[0] for row in conn.execute(search_sql(table, index), [expression])}


def timed_build(output: Path, finishers) -> float:
    # A cold analyser and no analysis cache each time: the build pays for loading the
    # model and analysing every text, as a first build does.
    os.environ[CACHE_ENV] = "off"
    analyser_for.cache_clear()
    start = time.perf_counter()
    counts, problems = build(SOURCES, output, finishers)
    if counts is None:
        raise SystemExit(f"build failed: {problems.sorted()}")
    return time.perf_counter() - start


def baseline(built_db: Path, output: Path, tokenize: str) -> Path:
    """A copy of the database with a second index, BASELINE_INDEX: the same rows under
    the same rowids, the searched columns as written (search_index's `text`), without
    the analysis, with another tokenizer."""
    shutil.copyfile(built_db, output)
    db = sqlite_utils.Database(output)
    with db.conn:
        db.execute(f"CREATE VIRTUAL TABLE {BASELINE_INDEX} USING fts5(text, "
                   f"tokenize = '{tokenize}')")
        db.execute(f"INSERT INTO {BASELINE_INDEX} (rowid, text) "
                   f"SELECT rowid, text FROM {SEARCH_INDEX} ORDER BY rowid")
    db.close()
    return output


def score(results: list[tuple[set[str], set[str]]]) -> dict[str, float]:
    """Micro-averaged recall and precision over (found, expected) pairs, and how many
    queries found every expected row."""
    found_total = sum(len(found) for found, _ in results)
    expected_total = sum(len(expected) for _, expected in results)
    hits = sum(len(found & expected) for found, expected in results)
    return {
        "recall": hits / expected_total,
        "precision": hits / found_total if found_total else 0.0,
        "complete": sum(expected <= found for found, expected in results),
        "empty": sum(not found for found, _ in results),
    }


def evaluate(conn: sqlite3.Connection, queries: list[dict], escape,
             index: str = SEARCH_INDEX) -> list[tuple[set, set]]:
    return [(search_ids(conn, q["table"], escape(q["query"]), index), set(q["expected"]))
            for q in queries]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="builds timed per variant")
    parser.add_argument("--misses", action="store_true",
                        help="list the queries each configuration gets wrong")
    args = parser.parse_args(argv)
    queries = load_queries()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        with_search = [timed_build(work / "news.db", FINISHERS) for _ in range(args.runs)]
        without = [timed_build(work / "plain.db", OTHER_FINISHERS) for _ in range(args.runs)]
        korean = sqlite3.connect(work / "news.db")
        analyser = analyser_for(registry_names(korean))
        configurations = {
            "korean + plugin": (korean, lambda q: fts_query(q, analyser), SEARCH_INDEX),
            "korean, plain": (korean, escape_fts, SEARCH_INDEX),
            "unicode61": (sqlite3.connect(baseline(work / "news.db", work / "u61.db",
                                                   "unicode61 remove_diacritics 2")),
                          escape_fts, BASELINE_INDEX),
            "trigram": (sqlite3.connect(baseline(work / "news.db", work / "tri.db", "trigram")),
                        escape_fts, BASELINE_INDEX),
        }
        print(f"{len(queries)} queries, {sum(len(q['expected']) for q in queries)} expected rows")
        print(f"{'configuration':<18}{'recall':>8}{'precision':>11}{'complete':>10}{'empty':>7}")
        for name, (conn, escape, index) in configurations.items():
            results = evaluate(conn, queries, escape, index)
            s = score(results)
            print(f"{name:<18}{s['recall']:>8.3f}{s['precision']:>11.3f}"
                  f"{s['complete']:>6}/{len(queries)}{s['empty']:>7}")
            if args.misses:
                for q, (found, expected) in zip(queries, results):
                    if found != expected:
                        print(f"    {q['query']!r} on {q['table']}: missing "
                              f"{sorted(expected - found)}, extra {sorted(found - expected)}")
    median_with, median_without = statistics.median(with_search), statistics.median(without)
    print(f"build time (median of {args.runs}): {median_without:.2f} s without the search "
          f"finishers, {median_with:.2f} s with them: +{median_with - median_without:.2f} s")


if __name__ == "__main__":
    main()
