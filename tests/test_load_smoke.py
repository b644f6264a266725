"""A short load smoke test: the real server with two worker processes, as `make serve`
runs it, answers every kind of page to several concurrent clients without one error.
Speed is measured by benchmarks/load.py, not here."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx
from live_server import live_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import load  # noqa: E402

CLIENTS = 6
ROUNDS = 2  # every page is requested twice, by different clients


async def fetch_all(base: str, paths: list[str]) -> dict[str, list[int]]:
    statuses: dict[str, list[int]] = {path: [] for path in paths}
    queue: asyncio.Queue = asyncio.Queue()
    for path in paths * ROUNDS:
        queue.put_nowait(path)

    async def client_loop(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            path = queue.get_nowait()
            try:
                statuses[path].append((await client.get(base + path)).status_code)
            except httpx.HTTPError as error:
                statuses[path].append(type(error).__name__)

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(CLIENTS)))
    return statuses


def test_every_page_kind_answers_concurrent_clients_without_errors(built_db):
    routes = load.routes(built_db)
    assert {"home", "table+facets", "row", "canned", "search", "csv"} <= set(routes)
    paths = list(dict.fromkeys(path for kind in routes.values() for path in kind))
    with live_server(built_db, workers=2) as base:
        statuses = asyncio.run(fetch_all(base, paths))
    assert {path: s for path, s in statuses.items() if s != [200] * ROUNDS} == {}
