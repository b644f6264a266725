"""How news.db is served: one factory for `newsdb serve`, the tests and the benchmarks.

The file is served immutable: read-only, with row counts taken from an inspect file
written by `datasette inspect`, so table pages do not count rows at every request. The
site itself (metadata, canned queries, search, limits) is the project's plugin, which
Datasette loads from the installed package's entry point, here and under a plain
`datasette news.db` alike.

`newsdb serve --workers N` runs N uvicorn worker processes, each with its own Datasette
made by `app_from_environment` (the file is immutable, so they share nothing but it).
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from datasette.app import Datasette

SETTINGS = {
    # A runaway query is stopped rather than holding a worker.
    "sql_time_limit_ms": 1000,
    # The largest table has a few dozen rows per article: one page shows a day's events.
    "default_page_size": 50,
    "max_returned_rows": 5000,
    "facet_time_limit_ms": 500,
    # Suggesting facets runs a query per column on every table page: 50 of the 54
    # queries of the events page, over 150 ms at 1,000 articles (benchmarks/). The
    # default facets are declared in newsdb/store/tables.yml, and any column can still be
    # faceted from its menu.
    "suggest_facets": False,
    # Open data: the whole file may be downloaded.
    "allow_download": True,
}
# The database the worker processes serve (set by `serve` for its workers).
DB_ENV = "NEWSDB_SERVE_DB"
log = logging.getLogger("newsdb.site.serving")


def datasette_bin() -> str:
    return str(Path(sys.executable).with_name("datasette"))


def inspect_file(db: Path) -> Path:
    return db.with_name("inspect-data.json")


def write_inspect(db: Path) -> Path:
    """`datasette inspect`: the hash and the row count of every table, once per build."""
    target = inspect_file(db)
    subprocess.run([datasette_bin(), "inspect", str(db), "--inspect-file", str(target)],
                   check=True)
    return target


def make_datasette(db: Path, inspect: Path | None = None, metadata: dict | None = None,
                   ) -> Datasette:
    """The site exactly as served: the immutable file, its inspect data, SETTINGS; the
    plugin comes from the installed package. `metadata` adds to the plugin's (the tests
    add a writing canned query to prove the file refuses it)."""
    inspect = inspect or inspect_file(db)
    inspect_data = json.loads(inspect.read_text(encoding="utf-8")) if inspect.is_file() else None
    return Datasette(immutables=[str(db)], inspect_data=inspect_data, settings=SETTINGS,
                     metadata=metadata)


# The line each worker prints once it can answer (the load benchmark waits for all).
READY = "worker {pid} ready"


def app_from_environment():
    """uvicorn factory for each worker process: the ASGI app for $NEWSDB_SERVE_DB."""
    db = Path(os.environ[DB_ENV])
    preload_analyser(db)
    app = make_datasette(db).app()
    # A worker accepts connections only once its model is loaded: the first one ready
    # takes every connection opened meanwhile, and a client that keeps its connection
    # stays with it.
    print(READY.format(pid=os.getpid()), flush=True)
    return app


def preload_analyser(db: Path) -> None:
    """Load the Korean analyser's model in the worker before it answers anything: it
    takes seconds, longer than the SQL time limit. (Datasette's startup hook also
    would, but only at the first request.)"""
    from newsdb.korean.analyser import analyser_for, registry_names

    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    try:
        names = registry_names(conn)
    finally:
        conn.close()
    if names:
        analyser_for(names)


def serve(db: Path, host: str = "127.0.0.1", port: int = 8001, workers: int = 1) -> None:
    import uvicorn

    write_inspect(db)
    os.environ[DB_ENV] = str(db.resolve())
    print(f"Serving {db} at http://{host}:{port}/ with {workers} worker(s)", flush=True)
    # No access log: a line per request costs the workers time under load; errors are
    # logged by Datasette once each, without rendering a traceback page.
    uvicorn.run("newsdb.site.serving:app_from_environment", factory=True, host=host, port=port,
                workers=workers, access_log=False, log_level="warning")
