#!/usr/bin/env python3
"""Load benchmark: the site served exactly as `make serve` serves it, driven by concurrent
clients.

    .venv/bin/python benchmarks/load.py [--seconds 30] [--clients 8] [--workers 2]
                                        [--db DIR/news.db] [--bar]

Builds news.db into a temporary folder from sources/ (unless --db is given: for example
the 10,000-article database `benchmarks/build_benchmark.py --sizes 10000 --keep DIR`
leaves in DIR/10000/news.db), starts the real server on 127.0.0.1 with the console script
`newsdb serve --db ... --port ... --workers N` (the command `make serve` runs; it writes
the inspect file beside the database), and for a bounded time drives it with concurrent
clients (asyncio + httpx) across the home page, the database page, table pages with
their default facets, row pages, every canned query of the site
(the site's metadata as stored in the database, with sample parameters), `?_search=` on sentences and
events and the `search` query (the one full-text index), and CSV exports. Prints
requests per second, p50/p95/p99 latency and the error count (any status other than
200, or a failed request), overall and per route, the full CSV downloads as MiB/s, and
the CPU seconds the server's processes and the clients used during the run (the clients
share the machine: what the server had of its cores).
With --bar it also checks the load bar of issue 21 (BAR below), prints PASS or FAIL for
each criterion and exits non-zero when one fails.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import resource
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

import datasette
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsdb.curated.progress import progress  # noqa: E402
from newsdb.korean.analyser import SEARCH_INDEX  # noqa: E402
from newsdb.store.build import build  # noqa: E402
from newsdb.store.finishers import FINISHERS  # noqa: E402
from newsdb.store.registry import TABLES  # noqa: E402
from newsdb.site.metadata import DATABASE, site_metadata, stored_prose  # noqa: E402
from newsdb.site.serving import READY  # noqa: E402
from serve_benchmark import sample_values  # noqa: E402

SEARCH_TERM = "중국"
NEWSDB = Path(sys.executable).with_name("newsdb")
START_TIMEOUT = 180  # s: the inspect file of a large database and the analyser's model
# The load bar (issue 21), for 8 clients for 30 s: no error, this many requests/s, the
# home page's p95, and every other kind's p95 but the full CSV downloads (throughput).
BAR_REQUESTS_PER_S = 60
BAR_HOME_P95_MS = 300
BAR_ROUTE_P95_MS = 500
DOWNLOADS = "csv"
ARRIVAL_S = 0.1  # between one client's first request and the next one's


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def routes(db: Path) -> dict[str, list[str]]:
    """Paths to request, grouped by kind."""
    name = DATABASE
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    public = [t for t in TABLES if t.public]
    # The home page and the database page (its tables, queries and SQL form) apart: they
    # do different work, and the home page is the first page every reader opens.
    found: dict[str, list[str]] = {"home": ["/"], "database": [f"/{name}"]}
    # A table page as its links open it: its default facets come from the metadata
    # (naming them again in ?_facet= would count each twice).
    found["table+facets"] = [f"/{name}/{t.name}" for t in public if t.facets]
    found["row"] = [
        f"/{name}/{t.name}/{quote(str(row[0]), safe='')}"
        for t in public if len(t.pk_columns) == 1
        for row in conn.execute(f"select [{t.pk_columns[0]}] from [{t.name}] "
                                f"order by rowid limit 10")
    ]
    params = sample_values(conn, SEARCH_TERM)
    found["canned"] = []
    site = site_metadata(stored_prose(db))
    for query, spec in site["databases"][name].get("queries", {}).items():
        sql = spec["sql"] if isinstance(spec, dict) else spec
        wanted = dict.fromkeys(re.findall(r"(?<!:):(\w+)", sql))
        found["canned"].append(f"/{name}/{query}?" + urlencode(
            {key: params.get(key, SEARCH_TERM) for key in wanted}))
    index = conn.execute("select name from sqlite_master where name = ?",
                         [SEARCH_INDEX]).fetchone()
    if index:
        found["search"] = [f"/{name}/sentences?_search={quote(SEARCH_TERM)}",
                           f"/{name}/sentences.json?_search={quote(SEARCH_TERM)}",
                           f"/{name}/events?_search={quote(SEARCH_TERM)}",
                           f"/{name}/search?q={quote(SEARCH_TERM)}"]
    found["csv"] = [f"/{name}/{t.name}.csv?_labels=on&_size=max" for t in public]
    conn.close()
    if not found["canned"]:
        print("notice: the site defines no canned queries; that route is skipped")
        del found["canned"]
    if not index:
        print(f"notice: the database has no full-text index ({SEARCH_INDEX}); "
              "_search is skipped")
    return found


def ready_workers(log: Path) -> int:
    ready = re.compile(READY.format(pid=r"\d+"))
    return len(ready.findall(log.read_text(errors="replace")))


def start_server(db: Path, port: int, workers: int, log) -> subprocess.Popen:
    """`newsdb serve`, as `make serve` runs it, in a session of its own so that its
    uvicorn worker processes are stopped with it."""
    if not NEWSDB.is_file():
        raise SystemExit(f"{NEWSDB} not found: install the project (make install)")
    args = [str(NEWSDB), "serve", "--db", str(db), "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the server's own process group
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


async def wait_until_up(base: str, process: subprocess.Popen, log: Path, workers: int) -> None:
    """Until the site answers and every worker has said it is ready: connections
    opened while a worker still loads its model all go to the others, and keep-alive
    clients stay there (at the seed, one worker then took all 8 and the other idled)."""
    deadline = time.monotonic() + START_TIMEOUT
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"newsdb serve exited with status {process.returncode}")
            if ready_workers(log) >= workers:
                try:
                    if (await client.get(f"{base}/-/versions.json")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"newsdb serve did not start within {START_TIMEOUT} seconds")


async def drive(base: str, paths: list[tuple[str, str]], clients: int, seconds: float):
    latencies: dict[str, list[float]] = defaultdict(list)
    received: Counter = Counter()  # bytes of each kind's answers
    errors: Counter = Counter()
    failed_kinds: Counter = Counter()
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client_loop(client: httpx.AsyncClient, offset: int, start: float) -> None:
        # Readers arrive one after another, not at the same instant: uvicorn's workers
        # share one listening socket, and the one woken first accepts every connection
        # waiting then. All 8 opened at once went to one worker, which kept them (the
        # client keeps its connections alive) while the other idled.
        await asyncio.sleep(start)
        index = offset
        while time.perf_counter() < deadline:
            kind, path = paths[index % len(paths)]
            index += 1
            start = time.perf_counter()
            try:
                response = await client.get(base + path)
                ok = response.status_code == 200
                received[kind] += len(response.content)
            except httpx.HTTPError:
                ok = False
            latencies[kind].append(time.perf_counter() - start)
            if not ok:
                errors[path] += 1
                failed_kinds[kind] += 1

    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        started = time.perf_counter()
        ticker = asyncio.create_task(show_progress(seconds))
        await asyncio.gather(*(client_loop(client, n * 7, n * ARRIVAL_S)
                               for n in range(clients)))
        elapsed = time.perf_counter() - started
        ticker.cancel()
    return latencies, received, errors, failed_kinds, elapsed


async def show_progress(seconds: float) -> None:
    """The seconds of the run as a bar, on a terminal only (newsdb/curated/progress.py)."""
    for _ in progress(range(int(seconds)), "load", unit="s"):
        await asyncio.sleep(1)


def session_cpu_seconds(session: int) -> float | None:
    """User and system CPU seconds of every live process of a session (the server and
    its workers), from /proc; None where there is no /proc."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        if int(fields[3]) == session:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return (values[0] * 1000,) * 3
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def machine() -> str:
    model = next((line.split(":", 1)[1].strip()
                  for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    return (f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
            f"Datasette {datasette.__version__}, SQLite {sqlite3.sqlite_version}")


def report(latencies, received, errors, failed_kinds, elapsed: float, clients: int,
           workers: int, db: Path, articles: int, cpu: tuple) -> None:
    every = [value for values in latencies.values() for value in values]
    total, failed = len(every), sum(errors.values())
    print(f"machine: {machine()}")
    print(f"database: {db} ({articles:,} articles, {db.stat().st_size / 2**20:,.0f} MiB)")
    if not total:
        print("no request completed")
        return
    p50, p95, p99 = percentiles(every)
    print(f"{clients} clients, {workers} worker(s), {elapsed:.1f} s: {total} requests, "
          f"{total / elapsed:.1f} requests/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"p99 {p99:.1f} ms, errors {failed}")
    print(f"{'route':<14} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'errors':>7}")
    for kind, values in latencies.items():
        k50, k95, k99 = percentiles(values)
        print(f"{kind:<14} {len(values):>9} {len(values) / elapsed:>7.1f} {k50:>8.1f} "
              f"{k95:>8.1f} {k99:>8.1f} {failed_kinds[kind]:>7}")
    if latencies.get(DOWNLOADS):
        seconds = sum(latencies[DOWNLOADS])
        print(f"full {DOWNLOADS} downloads: {received[DOWNLOADS] / 2**20:,.1f} MiB in "
              f"{len(latencies[DOWNLOADS])} requests, "
              f"{received[DOWNLOADS] / 2**20 / seconds:,.1f} MiB/s per request")
    server, own = cpu
    if server is not None:
        print(f"CPU during the run: server {server:.1f} s ({server / elapsed:.2f} of "
              f"{os.cpu_count()} cores, {1000 * server / total:.1f} ms a request), "
              f"clients {own:.1f} s ({own / elapsed:.2f} cores)")
    for path, count in errors.most_common(10):
        print(f"error x{count}: {path}")


def bar(latencies, errors, elapsed: float) -> list[tuple[str, bool]]:
    """(criterion with the measured figure, met) for each criterion of the load bar."""
    total = sum(len(values) for values in latencies.values())
    failed = sum(errors.values())
    checks = [(f"errors {failed} = 0", failed == 0),
              (f"{total / elapsed:.1f} requests/s >= {BAR_REQUESTS_PER_S}",
               total / elapsed >= BAR_REQUESTS_PER_S)]
    for kind, values in latencies.items():
        if kind == DOWNLOADS:
            continue
        limit = BAR_HOME_P95_MS if kind == "home" else BAR_ROUTE_P95_MS
        p95 = percentiles(values)[1]
        checks.append((f"{kind} p95 {p95:.0f} ms <= {limit}", p95 <= limit))
    return checks


def print_bar(checks: list[tuple[str, bool]]) -> bool:
    for criterion, met in checks:
        print(f"{'PASS' if met else 'FAIL'}  {criterion}")
    passed = all(met for _, met in checks)
    print(f"load bar: {'PASS' if passed else 'FAIL'}")
    return passed


def prepare_db(db: Path | None, folder: Path) -> Path:
    if db is not None:
        if not db.is_file():
            raise SystemExit(f"--db {db}: no such file")
        if db.stem != DATABASE:
            # The site (metadata, canned queries, search) is that of the database "news".
            raise SystemExit(f"--db {db}: the file must be called {DATABASE}.db; "
                             f"copy or link it as DIR/{DATABASE}.db")
        return db
    output = folder / f"{DATABASE}.db"
    counts, problems = build(ROOT / "sources", output, FINISHERS, ROOT / "metadata.yml")
    if counts is None:
        raise SystemExit("\n".join(str(p) for p in problems.sorted()))
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Load benchmark for the served news.db")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2,
                        help="uvicorn worker processes of `newsdb serve` (default 2)")
    parser.add_argument("--db", type=Path,
                        help="a built news.db to serve, e.g. DIR/10000/news.db from "
                             "build_benchmark.py --keep DIR (default: a fresh build)")
    parser.add_argument("--bar", action="store_true",
                        help=f"check the load bar: 0 errors, >= {BAR_REQUESTS_PER_S} "
                             f"requests/s, home p95 <= {BAR_HOME_P95_MS} ms, every route "
                             f"kind's p95 <= {BAR_ROUTE_P95_MS} ms but CSV downloads; "
                             "exit 1 on a failure")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsdb-load-") as tmp:
        db = prepare_db(args.db, Path(tmp))
        grouped = routes(db)
        with sqlite3.connect(f"file:{db}?immutable=1", uri=True) as conn:
            articles = conn.execute("select count(*) from articles").fetchone()[0]
        print("paths: " + ", ".join(f"{k} {len(v)}" for k, v in grouped.items()))
        # Every kind of route gets an equal share of the requests, whatever its count.
        longest = max(len(group) for group in grouped.values())
        paths = [(kind, group[i % len(group)])
                 for i in range(longest) for kind, group in grouped.items()]
        port = free_port()
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            process = start_server(db, port, args.workers, log)
            try:
                base = f"http://127.0.0.1:{port}"
                asyncio.run(wait_until_up(base, process, log_path, args.workers))
                server_before, own_before = session_cpu_seconds(process.pid), own_cpu_seconds()
                latencies, received, errors, failed_kinds, elapsed = asyncio.run(
                    drive(base, paths, args.clients, args.seconds))
                server_after = session_cpu_seconds(process.pid)
                cpu = (server_after - server_before if server_after is not None else None,
                       own_cpu_seconds() - own_before)
            except RuntimeError as error:
                stop_server(process)
                raise SystemExit(f"{error}\n{log_path.read_text(errors='replace')[-3000:]}")
            finally:
                stop_server(process)
        report(latencies, received, errors, failed_kinds, elapsed, args.clients,
               args.workers, db, articles, cpu)
    if args.bar and not print_bar(bar(latencies, errors, elapsed)):
        return 1
    return 1 if sum(errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
