#!/usr/bin/env python3
"""The Korean analysis of a build on 1, 2, ... cores: wall and CPU seconds of the
`add_search_texts` finisher alone (kiwipiepy's batch API with N worker threads), the
analysis cache off, on a synthetic corpus, and a digest of its output for each N (the
same for every N, or the build would not be reproducible).

    .venv/bin/python benchmarks/analysis_workers.py [--articles 1000] [--workers 1 2] [--runs 2]

The corpus is generated and built once without the full-text index; each run then
analyses every searched text of it (into the TEMP table the index is made from). The
model's loading is timed apart, once per run, and left out of the finisher's figures.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsdb.korean.analyser import analyser_for, registry_names  # noqa: E402
from newsdb.store.build import build  # noqa: E402
from newsdb.store.derived import fill_derived_tables  # noqa: E402
from newsdb.store.search_index import (ANALYSED, CACHE_ENV, WORKERS_ENV,  # noqa: E402
                                       add_search_texts)
from newsdb.synthetic import generate  # noqa: E402


def one_run(db_path: Path, workers: int) -> tuple[float, float, float, str]:
    """(model load s, wall s, CPU s, digest) of one analysis with `workers` threads."""
    os.environ[WORKERS_ENV] = str(workers)
    db = sqlite_utils.Database(db_path)
    started = time.perf_counter()
    analyser_for(registry_names(db.conn), workers)  # cached: the finisher reuses it
    load = time.perf_counter() - started
    wall, cpu = time.perf_counter(), time.process_time()
    add_search_texts(db)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    digest = hashlib.sha256()
    for rowid, text in db.execute(f"select rowid, search_text from {ANALYSED} order by rowid"):
        digest.update(f"{rowid}\t{text}\n".encode())
    db.execute(f"DROP TABLE {ANALYSED}")
    db.close()
    return load, wall, cpu, digest.hexdigest()[:16]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    os.environ[CACHE_ENV] = "off"
    with tempfile.TemporaryDirectory(prefix="newsdb-workers-") as folder:
        sources = generate(Path(folder) / "sources", args.articles, template_root=ROOT / "sources")
        db_path = Path(folder) / "news.db"
        counts, problems = build(sources, db_path, [fill_derived_tables])
        if counts is None:
            raise SystemExit(f"the corpus did not build: {problems.sorted()[:3]}")
        print(f"{args.articles:,} articles, {os.cpu_count()} cores; load average "
              f"{os.getloadavg()[0]:.1f} at the start")
        print("| threads | model load s | wall s (each run) | CPU s (each run) | median wall s | output digest |")
        print("| ---: | ---: | --- | --- | ---: | --- |")
        medians = {}
        for workers in args.workers:
            runs = [one_run(db_path, workers) for _ in range(args.runs)]
            medians[workers] = statistics.median(r[1] for r in runs)
            digests = sorted({r[3] for r in runs})
            print(f"| {workers} | {statistics.median(r[0] for r in runs):.1f} | "
                  f"{', '.join(f'{r[1]:.1f}' for r in runs)} | {', '.join(f'{r[2]:.1f}' for r in runs)} | "
                  f"{medians[workers]:.1f} | {', '.join(digests)} |")
        base = medians[args.workers[0]]
        for workers in args.workers[1:]:
            print(f"speed-up with {workers} threads over {args.workers[0]}: {base / medians[workers]:.2f}x")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
