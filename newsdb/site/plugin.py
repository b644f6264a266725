"""news.db's Datasette plugin, registered through `[project.entry-points.datasette]`, so
any Datasette in an environment where the project is installed serves the full site for
a database named `news`: `datasette news.db` and `make serve` alike.

- get_metadata (Datasette 0.65): metadata.yml completed from the table registry
  (newsdb/site/metadata.py), its links under `base_url`.
- prepare_connection: the plugin's SQL function `news_fts(q)`, the Korean-aware query of
  the search index, and the limits of a public site.
- startup: the Korean analyser's model is loaded before the first search; on Datasette
  1.0 the same metadata, queries and settings are given (newsdb/site/compat.py).
- render_cell: the `search` query's highlighted snippets and links.
- handle_exception: an error costs no more than its page; logged once, on one line
  (with compat.quiet_default_error_handler).
- register_routes: the home page `/`, without describing every hidden table
  (newsdb/site/home.py).
- register_facet_classes: a table's default facets read the counts its build stored
  when a page shows the whole table (newsdb/site/facets.py).
- filters_from_request: `?_search=` on a table reads its own rows of the one full-text
  index (newsdb/site/table_search.py).
"""
from __future__ import annotations

import logging
import sqlite3
import traceback
from functools import lru_cache
from pathlib import Path

from datasette import Response, hookimpl
from datasette.utils import add_cors_headers
from markupsafe import Markup, escape

from newsdb.korean.analyser import analyser_for, fts_query, registry_names
from newsdb.site.compat import (HOME_ROUTE, IS_0_65, PluginSettings, configure_1_0,
                                metadata_for_key,
                                quiet_default_error_handler,  # noqa: F401 (a hook)
                                shared_table_settings)
from newsdb.site.facets import CountedFacet
from newsdb.site.home import home
from newsdb.site.metadata import DATABASE, site_metadata, stored_prose, under_base_url
from newsdb.site.table_search import search_filter

MARK_START, MARK_END = "<mark>", "</mark>"

# The longest value in news.db is an article body of some tens of kilobytes. Without a
# limit `select randomblob(1000000000)` builds a gigabyte in a single step of SQLite's
# virtual machine, which the time limit cannot interrupt, and Datasette then encodes it
# into JSON: one request could exhaust the server's memory.
MAX_VALUE_BYTES = 1_000_000

# fts3_tokenizer(name) returns a C pointer and fts3_tokenizer(name, pointer) installs
# one: a memory disclosure and a code-execution primitive in SQLite builds with
# SQLITE_ENABLE_FTS3_TOKENIZER (Debian's). ATTACH would open other files; Datasette's
# SQL check refuses it already, this holds even if that check changes.
REFUSED_FUNCTIONS = {"fts3_tokenizer", "load_extension"}
REFUSED_ACTIONS = {sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH}

PLUGIN_SETTINGS = PluginSettings()


@hookimpl
def get_metadata(datasette, key, database, table):
    """Datasette 0.65 (1.0 has no such hook: see startup). Only where a database called
    news is served: another database opened in the same environment keeps its own site."""
    db = datasette.databases.get(DATABASE)
    if db is None or not db.path:
        return {}
    site = site_of(db.path, base_url(datasette))
    if key == "plugins":
        return PLUGIN_SETTINGS.answer(datasette, site, database, table)
    return metadata_for_key(site, key, database, table)


def base_url(datasette) -> str:
    return datasette.setting("base_url") or "/"


@lru_cache(maxsize=4)
def site_of(db_path: str, base: str = "/") -> dict:
    """The site of a database file: the prose its build stored, completed from the
    registry, its links under `base` (Datasette's base_url). Read once per file (served
    immutable)."""
    return shared_table_settings(
        under_base_url(site_metadata(stored_prose(Path(db_path))), base))


def authorize(action, arg1, arg2, database, trigger):
    if action in REFUSED_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and arg2 and arg2.lower() in REFUSED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn, database):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.set_authorizer(authorize)
    if database != DATABASE:
        return
    # news_fts(q): what a reader typed as an FTS5 query, analysed the way the index was
    # built (샤오미의, 협력을 find 샤오미, 협력), the registry's names kept whole. The
    # plugin's own function, for the search query and `?_search=`: Datasette's
    # escape_fts stays as it is.
    names = registry_names(conn)

    def news_fts(query):
        return fts_query(query or "", analyser_for(names))

    conn.create_function("news_fts", 1, news_fts, deterministic=True)


def load_analyser(conn) -> None:
    names = registry_names(conn)
    if names:
        analyser_for(names)


@hookimpl
def startup(datasette):
    """Load the analyser's model before serving: loading takes seconds, more than the
    SQL time limit, so the first search must not be the one to pay for it. On Datasette
    1.0, also give it the site's metadata, queries and settings (newsdb/site/compat.py)."""
    async def start():
        database = datasette.databases.get(DATABASE)
        if database is None:
            return
        if not IS_0_65 and database.path:
            await configure_1_0(datasette, site_of(database.path, base_url(datasette)),
                                DATABASE)
        await database.execute_fn(load_analyser)

    return start


@hookimpl
def render_cell(value, column, table, database):
    """The search query's snippet shows its <mark> highlights, its link is clickable."""
    if database != DATABASE or table is not None or not isinstance(value, str):
        return None
    if column == "snippet":
        return Markup(str(escape(value)).replace(str(escape(MARK_START)), MARK_START)
                      .replace(str(escape(MARK_END)), MARK_END))
    if column == "link" and value.startswith("/"):
        return Markup(f'<a href="{escape(value)}">{escape(value)}</a>')
    return None


@hookimpl
def register_facet_classes():
    return [CountedFacet]


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    # trylast: Datasette's own search filter (which finds no `fts_table` for these
    # tables) says `supports_search: False`; this one's context is merged after it.
    if database != DATABASE:
        return None
    return search_filter(request, table)


@hookimpl
def register_routes(datasette):
    # A plugin's routes are matched before Datasette's own: this one replaces the index
    # view's HTML page; `/.json` stays Datasette's. Only where news is served (the
    # routes are made when the app is, after the databases are opened).
    # Datasette 1.0 keeps its own index view (compat.py: HOME_ROUTE).
    if DATABASE not in datasette.databases or not HOME_ROUTE:
        return []
    return [(r"^/$", home)]


log = logging.getLogger("newsdb")


@hookimpl
def handle_exception(datasette, request, exception):
    """An error answered at once, the page or JSON Datasette would give (with its CORS
    headers when --cors is on); a server error logged as one line. Datasette's own
    handler would also print it with every frame's local variables: compat.py keeps
    that from running once this one has answered."""
    async def inner():
        status = getattr(exception, "status", 500)
        status = status if isinstance(status, int) else 500
        title = getattr(exception, "title", None)
        info = dict(getattr(exception, "error_dict", None) or {})
        message = getattr(exception, "message", None)
        if message is None:
            message = exception.args[0] if exception.args and status != 500 \
                else str(exception)
        if getattr(exception, "message_is_html", False):
            message = Markup(message)
        if status >= 500:
            where = traceback.extract_tb(exception.__traceback__)[-1:]
            location = f" at {where[0].filename}:{where[0].lineno}" if where else ""
            log.error("%s %s: %s: %s%s", status, request.path, type(exception).__name__,
                      exception, location)
        headers = {}
        if datasette.cors:
            add_cors_headers(headers)
        info.update({"ok": False, "error": message, "status": status, "title": title})
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status, headers=headers)
        html = await datasette.render_template([f"{status}.html", "error.html"], info,
                                               request=request)
        return Response.html(html, status=status, headers=headers)

    return inner
