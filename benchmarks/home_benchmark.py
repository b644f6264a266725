"""The home page `/`: the plugin's own page (newsdb/site/home.py) against Datasette's index
view, on whichever Datasette is installed (run it with a Datasette 1.0 virtualenv's python
for 1.0, where only the index view exists). In-process (datasette.client), the served
settings and inspect file; prints the median and p95 of --requests requests after a
warm-up.

    .venv/bin/python benchmarks/home_benchmark.py news.db
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

from datasette.app import Datasette
from datasette.version import __version__

import newsdb.site.plugin as plugin
from newsdb.site.serving import SETTINGS, write_inspect


async def timed(site: Datasette, requests: int) -> str:
    for _ in range(5):
        assert (await site.client.get("/")).status_code == 200
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        await site.client.get("/")
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return (f"median {statistics.median(samples):.1f} ms, "
            f"p95 {samples[int(len(samples) * 0.95)]:.1f} ms")


async def main(db: Path, requests: int) -> None:
    inspect = json.loads(write_inspect(db).read_text())

    def site() -> Datasette:
        return Datasette(immutables=[str(db)], inspect_data=inspect, settings=SETTINGS)

    if plugin.HOME_ROUTE:
        print(f"Datasette {__version__}, the plugin's page: {await timed(site(), requests)}")
        plugin.HOME_ROUTE = False  # routes are read when the app is made
    print(f"Datasette {__version__}, Datasette's index view: {await timed(site(), requests)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    asyncio.run(main(args.db, args.requests))
