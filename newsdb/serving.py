"""How news.db is served: one source of truth for the Makefile, the tests and benchmarks.

    python -m newsdb.serving [--port 8001]    # inspect, then exec datasette

The file is served immutable (-i): read-only, with row counts taken from an inspect
file so table pages do not count rows on every request. plugins/ limits what one query
can do (value size, refused SQL functions); tests build the same server with
Datasette(..., settings=SETTINGS, plugins_dir=PLUGINS).
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project's own plugins: Korean-aware search (plugins/korean_search.py) and the
# limits for the public site (plugins/hardening.py: value size, refused SQL functions).
PLUGINS = ROOT / "plugins"

SETTINGS = {
    # A runaway query is stopped rather than holding a worker.
    "sql_time_limit_ms": 1000,
    # The largest table has a few dozen rows per article: one page shows a day's events.
    "default_page_size": 50,
    "max_returned_rows": 5000,
    "facet_time_limit_ms": 500,
    # Suggesting facets runs a query per column on every table page: 50 of the 54
    # queries of the events page, over 150 ms at 1,000 articles (benchmarks/). The
    # default facets are in metadata.yml, and any column can still be faceted from its
    # menu.
    "suggest_facets": False,
    # Open data: the whole file may be downloaded.
    "allow_download": True,
}


def datasette_bin() -> str:
    return str(Path(sys.executable).with_name("datasette"))


def inspect_file(db: Path) -> Path:
    return db.with_name("inspect-data.json")


def write_inspect(db: Path) -> Path:
    target = inspect_file(db)
    subprocess.run([datasette_bin(), "inspect", str(db), "--inspect-file", str(target)],
                   check=True)
    data = json.loads(target.read_text(encoding="utf-8"))
    data[db.stem]["tables"].update(view_counts(db))
    target.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return target


def view_counts(db: Path) -> dict[str, dict[str, int]]:
    """Row counts of the views, in the shape of `datasette inspect`'s table counts.

    Datasette 0.65 takes an unfiltered page's row count from the inspect file under
    that page's name, table or view; `datasette inspect` counts only tables, so every
    view page counted its view at every request (korea_china_comparison: 180 ms at
    10,000 articles). The file is served immutable, so the counts stay true."""
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    try:
        views = [name for name, in conn.execute(
            "select name from sqlite_master where type = 'view' order by name")]
        return {name: {"count": conn.execute(f"select count(*) from [{name}]").fetchone()[0]}
                for name in views}
    finally:
        conn.close()


def serve_args(db: Path, host: str = "127.0.0.1", port: int = 8001,
               metadata: Path = ROOT / "metadata.yml") -> list[str]:
    args = [datasette_bin(), "serve", "-i", str(db), "--inspect-file", str(inspect_file(db)),
            "-m", str(metadata), "--plugins-dir", str(PLUGINS), "-h", host, "-p", str(port)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, str(value).lower() if isinstance(value, bool) else str(value)]
    return args


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve news.db with Datasette")
    parser.add_argument("--db", type=Path, default=ROOT / "news.db")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    write_inspect(args.db)
    command = serve_args(args.db, args.host, args.port)
    print(" ".join(command), flush=True)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
