#!/usr/bin/env python3
"""Latency of the site at 10,000 articles: Datasette pages against the same SQL in SQLite.

    python benchmarks/serve_benchmark.py [--db DIR/news.db] [--articles 10000]

Without --db, a corpus is generated and built in a temporary folder first (or reuse the
one `build_benchmark.py --keep DIR` left in DIR/10000/news.db). The server is the real
site in one process: `newsdb.site.serving.make_datasette` (the immutable file, its inspect
data, the settings, the plugin from the installed package) under uvicorn on 127.0.0.1,
plus trace_debug, so that each page's SQL can be read once with ?_trace=1. Every page is
requested --requests times; then the SQL the page ran is run as many times directly
against the file, with the plugin's connection set-up (Korean news_fts, limits), so
the difference is Datasette's own overhead. Pages: the events and statistics tables with
their default facets (newsdb/store/tables.yml), a filtered events page, an event's row page,
every derived table's page, every canned query of the site (newsdb.site.metadata), ?_search= on
every searched table (the one index, search_index), and a full CSV export of the events
table.
"""
from __future__ import annotations

import argparse
import html
import http.client
import json
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from newsdb.synthetic import generate  # noqa: E402
from newsdb.store.build import build  # noqa: E402
from newsdb.store.finishers import FINISHERS  # noqa: E402
from newsdb.site import plugin as datasette_plugin  # noqa: E402
from newsdb.korean.analyser import SEARCH_INDEX  # noqa: E402
from newsdb.store.registry import DERIVED_TABLES, SEARCHED_TABLES  # noqa: E402
from newsdb.site.serving import write_inspect  # noqa: E402
from newsdb.site.metadata import DATABASE, read_metadata, site_metadata  # noqa: E402

TRACE = re.compile(r"<pre>(\{.*?)</pre>", re.S)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# One uvicorn process serving newsdb.site.serving.make_datasette's site, as each worker of
# `newsdb serve` does (app_from_environment), with trace_debug switched on before the
# app is made (Datasette wraps it in its tracer only then).
SERVER = """
import sys
from pathlib import Path

import uvicorn

from newsdb.site.serving import make_datasette, preload_analyser

db, port = Path(sys.argv[1]), int(sys.argv[2])
preload_analyser(db)
site = make_datasette(db)
site._settings["trace_debug"] = True
uvicorn.run(site.app(), host="127.0.0.1", port=port, access_log=False, log_level="warning")
"""


def start_server(db: Path, port: int) -> subprocess.Popen:
    write_inspect(db)
    args = [sys.executable, "-c", SERVER, str(db), str(port)]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              cwd=ROOT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"datasette exited: {server.stderr.read().decode()}")
            time.sleep(0.2)
    server.terminate()
    server.wait(timeout=30)
    raise SystemExit("datasette did not start within 180 s")


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except http.client.IncompleteRead as error:
        # The server broke off a streamed response: an error mid-page.
        return 599, error.partial


def page_sql(base: str, path: str) -> list[tuple[str, dict]]:
    """The SQL a page runs on the database, read from its ?_trace=1 output."""
    separator = "&" if "?" in path else "?"
    _, body = fetch(f"{base}{path}{separator}_trace=1")
    found = TRACE.findall(body.decode("utf-8", "replace"))
    if not found:
        return []
    trace = json.loads(html.unescape(found[-1]))
    return [(item["sql"], item.get("params") or {}) for item in trace.get("traces", [])
            if item.get("database") == "news" and item.get("sql")]


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return statistics.median(samples), cuts[18]


def time_page(base: str, path: str, requests: int) -> tuple[int, list[float], int]:
    fetch(base + path)  # warm the page's code paths and SQLite's page cache
    samples, status, size = [], 200, 0
    for _ in range(requests):
        start = time.perf_counter()
        status, body = fetch(base + path)
        samples.append(time.perf_counter() - start)
        size = len(body)
    return status, samples, size


def time_sql(conn: sqlite3.Connection, queries: list[tuple[str, dict]],
             requests: int) -> list[float]:
    samples = []
    for _ in range(requests + 1):
        start = time.perf_counter()
        for sql, params in queries:
            try:
                conn.execute(sql, params).fetchall()
            except sqlite3.Error:
                pass  # Datasette reports the same error; the time spent still counts
        samples.append(time.perf_counter() - start)
    return samples[1:]


def prepare_connection(conn: sqlite3.Connection) -> None:
    """What the server's plugin does to each connection (the Korean news_fts that
    ?_search= and the search query call, the limits), so the direct SQL is the same."""
    datasette_plugin.prepare_connection(conn, DATABASE)
    datasette_plugin.load_analyser(conn)  # the model loads once, as at the server's startup


def sample_values(conn: sqlite3.Connection, search: str) -> dict[str, str]:
    """Values for canned-query parameters: the commonest date, category and organization
    of the corpus; any other parameter gets the search term."""
    def top(sql: str) -> str:
        row = conn.execute(sql).fetchone()
        return str(row[0]) if row and row[0] is not None else ""
    date = top("select start_date from events where start_date is not null "
               "group by 1 order by count(*) desc limit 1")
    return {"day": date, "date": date,
            "category": top("select category from statistics group by 1 "
                            "order by count(*) desc limit 1"),
            "who": top("select name_ko from organizations order by rowid limit 1"),
            "q": search}


def pages(conn: sqlite3.Connection, db_name: str, search: str,
          params: dict[str, str]) -> list[tuple[str, str, list]]:
    """(label, path, known SQL) of every page to time. A canned query's SQL is known;
    other pages' SQL is read from their trace."""
    kind, event_id = conn.execute(
        "select kind, id from events order by rowid limit 1 offset "
        "(select count(*) / 2 from events)").fetchone()
    result = [("events table", f"/{db_name}/events", []),
              ("statistics table", f"/{db_name}/statistics", []),
              ("events filtered", f"/{db_name}/events?kind={urllib.parse.quote(kind)}", []),
              ("event row", f"/{db_name}/events/{urllib.parse.quote(event_id)}", [])]
    for table in DERIVED_TABLES:
        result.append((f"derived {table.name}", f"/{db_name}/{table.name}", []))
    indexed = conn.execute("select 1 from sqlite_master where name = ?",
                           [SEARCH_INDEX]).fetchone() is not None
    if not indexed:
        print(f"the database has no full-text index ({SEARCH_INDEX}): the search query and "
              "?_search= are skipped", file=sys.stderr)
    queries = site_metadata(read_metadata(ROOT / "metadata.yml"))["databases"][DATABASE].get(
        "queries") or {}
    for name, query in queries.items():
        sql = query["sql"] if isinstance(query, dict) else query
        if not indexed and re.search(rf"\b{SEARCH_INDEX}\b", sql):
            continue
        names = dict.fromkeys(re.findall(r"(?<!:):(\w+)", sql))
        values = {key: params.get(key, search) for key in names}
        result.append((f"query {name}", f"/{db_name}/{name}?"
                       + urllib.parse.urlencode(values), [(sql, values)]))
    for table in SEARCHED_TABLES if indexed else []:
        result.append((f"_search {table.name}",
                       f"/{db_name}/{table.name}?_search={urllib.parse.quote(search)}", []))
    return result


def build_corpus(articles: int, folder: Path) -> Path:
    sources = generate(folder / "sources", articles, template_root=ROOT / "sources")
    output = folder / "news.db"
    counts, problems = build(sources, output, FINISHERS, ROOT / "metadata.yml")
    if counts is None:
        raise SystemExit(f"generated corpus failed validation: {problems.sorted()[:5]}")
    return output


def measure(db: Path, requests: int, search: str, clients: int = 4,
            seconds: float = 20) -> tuple[list[dict], dict]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    prepare_connection(conn)
    params = sample_values(conn, search)
    server = start_server(db, port)
    results = []
    try:
        for label, path, known in pages(conn, db.stem, search, params):
            print(f"timing {label}: {path}", file=sys.stderr, flush=True)
            # A trace breaks off on pages of several megabytes; fall back on known SQL.
            queries = page_sql(base, path) or known
            status, served, size = time_page(base, path, requests)
            direct = time_sql(conn, queries, requests)
            results.append({"page": label, "path": path, "status": status,
                            "served": percentiles(served), "sql": percentiles(direct),
                            "queries": len(queries), "bytes": size})
        results.append(export(base, conn, db.stem))
        # The rate of the pages that meet the target: a few slow pages would otherwise
        # hold every client and measure only themselves.
        fast = [r["path"] for r in results[:-1] if r["status"] == 200 and r["served"][1] < 0.2]
        load = throughput(base, fast, clients, seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
        conn.close()
    return results, load


def throughput(base: str, paths: list[str], clients: int, seconds: float) -> dict:
    """Requests per second with `clients` concurrent users cycling through `paths`:
    the rate one Datasette process sustains, and its p95 while doing so."""
    deadline = time.monotonic() + seconds

    def user(offset: int) -> list[float]:
        samples, index = [], offset
        while time.monotonic() < deadline:
            start = time.perf_counter()
            fetch(base + paths[index % len(paths)])
            samples.append(time.perf_counter() - start)
            index += 1
        return samples

    with ThreadPoolExecutor(clients) as pool:
        samples = [t for found in pool.map(user, range(clients)) for t in found]
    return {"clients": clients, "rate": len(samples) / seconds,
            "latency": percentiles(samples)}


def export(base: str, conn: sqlite3.Connection, db_name: str, requests: int = 3) -> dict:
    """The whole events table as CSV through Datasette, against reading every row."""
    path = f"/{db_name}/events.csv?_stream=on&_size=max"
    status, served, size = time_page(base, path, requests)
    direct = time_sql(conn, [("select * from events order by id", {})], requests)
    return {"page": "events CSV export", "path": path, "status": status,
            "served": percentiles(served), "sql": percentiles(direct), "queries": 1,
            "bytes": size}


def table(results: list[dict]) -> str:
    header = ["page", "status", "p50 ms", "p95 ms", "sql p50", "sql p95", "overhead p50",
              "queries", "KiB"]
    lines = [header]
    for r in results:
        (p50, p95), (s50, s95) = r["served"], r["sql"]
        lines.append([r["page"], str(r["status"]), f"{p50 * 1000:.0f}", f"{p95 * 1000:.0f}",
                      f"{s50 * 1000:.1f}", f"{s95 * 1000:.1f}", f"{(p50 - s50) * 1000:.0f}",
                      str(r["queries"]), f"{r['bytes'] / 1024:,.0f}"])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rows = [" | ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(line, widths))) for line in lines]
    rows.insert(1, "-|-".join("-" * w for w in widths))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a built news.db (else one is built)")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20, help="requests per page")
    parser.add_argument("--search", default="협력", help="the word searched for")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=20, help="of the throughput run")
    args = parser.parse_args(argv)
    if args.db and args.db.stem != DATABASE:
        # The plugin serves the site of the database called "news": under another name
        # the pages would be timed without their facets, search and canned queries.
        parser.error(f"--db {args.db}: the file must be called news.db (the site is that "
                     "of the database 'news'); copy or link it as DIR/news.db")
    with tempfile.TemporaryDirectory(prefix="newsdb-serve-") as folder:
        db = args.db or build_corpus(args.articles, Path(folder))
        results, load = measure(db, args.requests, args.search, args.clients, args.seconds)
    print(table(results))
    p50, p95 = load["latency"]
    print(f"\nthroughput: {load['rate']:.1f} pages/s with {load['clients']} concurrent "
          f"clients cycling through the pages above with p95 < 200 ms; p50 "
          f"{p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    slow = [r["page"] for r in results[:-1] if r["served"][1] >= 0.2 or r["status"] != 200]
    print(f"\npages with p95 >= 200 ms or an error: {', '.join(slow) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
