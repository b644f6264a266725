"""Korean-aware searching for Datasette: loaded with `--plugins-dir plugins`.

Datasette turns `?_search=` (and the `search` canned query's `escape_fts(:q)`) into an
FTS5 MATCH through the SQL function `escape_fts`. This plugin registers its own
`escape_fts`, which also looks for each word's analysis, so words typed with particles
and endings (샤오미의, 협력을, 만나는) find their rows. Without the plugin Datasette's own
escape_fts still finds uninflected words, which the build's analysis column holds.
"""
from __future__ import annotations

import sys
from pathlib import Path

from datasette import hookimpl
from markupsafe import Markup, escape

# Datasette loads this file by path; the project's package sits beside the plugins folder.
ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.append(ROOT)

from newsdb.search_index import analyser_for, fts_query, registry_names  # noqa: E402

MARK_START, MARK_END = "<mark>", "</mark>"


def load_analyser(conn) -> None:
    names = registry_names(conn)
    if names:
        analyser_for(names)


@hookimpl
def startup(datasette):
    """Load the analyser's model before serving: loading takes seconds, more than the
    SQL time limit, so the first search must not be the one to pay for it."""
    async def load():
        for database in datasette.databases.values():
            await database.execute_fn(load_analyser)

    return load


@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: registered after Datasette's own escape_fts, so this one replaces it.
    names = registry_names(conn)

    def korean_escape_fts(query):
        # Shared by every connection; loaded at startup (see startup above).
        return fts_query(query or "", analyser_for(names))

    conn.create_function("escape_fts", 1, korean_escape_fts)


@hookimpl
def render_cell(value, column, table):
    """The search query's snippet shows its <mark> highlights, its link is clickable."""
    if table is not None or not isinstance(value, str):
        return None
    if column == "snippet":
        return Markup(str(escape(value)).replace(str(escape(MARK_START)), MARK_START)
                      .replace(str(escape(MARK_END)), MARK_END))
    if column == "link" and value.startswith("/"):
        return Markup(f'<a href="{escape(value)}">{escape(value)}</a>')
    return None
