#!/usr/bin/env python3
"""Load benchmark: Datasette served as `make serve` serves it, driven by concurrent clients.

    .venv/bin/python benchmarks/load.py [--seconds 30] [--clients 16] [--db news.db]

Builds news.db into a temporary folder (unless --db is given), starts the real server
on 127.0.0.1 through newsdb.serving.serve_args, and for a bounded time drives it with
concurrent clients (asyncio + httpx) across the home page, table pages with facets, row
pages, canned queries (read from metadata.yml at run time), `_search` on sentences (when
full-text search exists) and CSV exports. Prints requests per second, p50/p95/p99
latency and the error count (any status other than 200, or a failed request).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

import datasette
import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsdb.build import build  # noqa: E402
from newsdb.finishers import FINISHERS  # noqa: E402
from newsdb.schema import TABLES  # noqa: E402
from newsdb.serving import serve_args, write_inspect  # noqa: E402

SEARCH_TERM = "중국"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def routes(db: Path, metadata: Path) -> dict[str, list[str]]:
    """Paths to request, grouped by kind."""
    name = db.stem
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    found: dict[str, list[str]] = {"home": ["/", f"/{name}"]}
    found["table+facets"] = [
        f"/{name}/{t.name}?" + "&".join(f"_facet={f}" for f in t.facets)
        for t in TABLES if t.facets
    ]
    found["row"] = [
        f"/{name}/{t.name}/{quote(str(row[0]), safe='')}"
        for t in TABLES if t.pk == "id"
        for row in conn.execute(f"select id from [{t.name}] order by id limit 10")
    ]
    queries = (yaml.safe_load(metadata.read_text(encoding="utf-8")) or {}).get(
        "databases", {}).get(name, {}).get("queries", {})
    found["canned"] = [f"/{name}/{query}" for query in queries]
    fts = conn.execute("select name from sqlite_master where name = 'sentences_fts'").fetchone()
    if fts:
        found["search"] = [f"/{name}/sentences?_search={quote(SEARCH_TERM)}",
                           f"/{name}/sentences.json?_search={quote(SEARCH_TERM)}"]
    found["csv"] = [f"/{name}/{t.name}.csv?_labels=on&_size=max" for t in TABLES]
    conn.close()
    if not found["canned"]:
        print("notice: metadata.yml defines no canned queries; that route is skipped")
        del found["canned"]
    if not fts:
        print("notice: sentences has no full-text index (sentences_fts); _search is skipped")
    return found


async def wait_until_up(base: str, process: subprocess.Popen) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            if process.poll() is not None:
                raise SystemExit(f"datasette exited with status {process.returncode}")
            try:
                if (await client.get(f"{base}/-/versions.json")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("datasette did not start within 30 seconds")


async def drive(base: str, paths: list[tuple[str, str]], clients: int, seconds: float):
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client_loop(client: httpx.AsyncClient, offset: int) -> None:
        index = offset
        while time.perf_counter() < deadline:
            kind, path = paths[index % len(paths)]
            index += 1
            start = time.perf_counter()
            try:
                response = await client.get(base + path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies[kind].append(time.perf_counter() - start)
            if not ok:
                errors[path] += 1

    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client, n * 7) for n in range(clients)))
        elapsed = time.perf_counter() - started
    return latencies, errors, elapsed


def percentiles(values: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def machine() -> str:
    model = next((line.split(":", 1)[1].strip()
                  for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    return (f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
            f"Datasette {datasette.__version__}, SQLite {sqlite3.sqlite_version}")


def report(latencies, errors, elapsed: float, clients: int) -> None:
    every = [value for values in latencies.values() for value in values]
    total, failed = len(every), sum(errors.values())
    p50, p95, p99 = percentiles(every)
    print(f"machine: {machine()}")
    print(f"{clients} clients for {elapsed:.1f} s: {total} requests, "
          f"{total / elapsed:.1f} requests/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"p99 {p99:.1f} ms, errors {failed}")
    print(f"{'route':<14} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind, values in latencies.items():
        k50, k95, k99 = percentiles(values) if len(values) > 1 else (values[0] * 1000,) * 3
        print(f"{kind:<14} {len(values):>9} {k50:>8.1f} {k95:>8.1f} {k99:>8.1f}")
    for path, count in errors.most_common(10):
        print(f"error x{count}: {path}")


def prepare_db(db: Path | None, folder: Path) -> Path:
    if db is not None:
        return db
    output = folder / "news.db"
    counts, problems = build(ROOT / "sources", output, FINISHERS)
    if counts is None:
        raise SystemExit("\n".join(str(p) for p in problems.sorted()))
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Load benchmark for the served news.db")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--db", type=Path, help="database to serve (default: a fresh build)")
    parser.add_argument("--metadata", type=Path, default=ROOT / "metadata.yml")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = prepare_db(args.db, Path(tmp))
        metadata = args.metadata
        grouped = routes(db, metadata)
        print("paths: " + ", ".join(f"{k} {len(v)}" for k, v in grouped.items()))
        # Every kind of route gets an equal share of the requests, whatever its count.
        longest = max(len(group) for group in grouped.values())
        paths = [(kind, group[i % len(group)])
                 for i in range(longest) for kind, group in grouped.items()]
        write_inspect(db)
        port = free_port()
        process = subprocess.Popen(serve_args(db, port=port, metadata=metadata),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            asyncio.run(wait_until_up(base, process))
            latencies, errors, elapsed = asyncio.run(
                drive(base, paths, args.clients, args.seconds))
        finally:
            process.terminate()
            process.wait(timeout=30)
    report(latencies, errors, elapsed, args.clients)
    return 1 if sum(errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
