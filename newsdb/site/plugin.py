"""news.db's Datasette plugin, registered through `[project.entry-points.datasette]`, so
any Datasette in an environment where the project is installed serves the full site for
a database named `news`: `datasette news.db` and `make serve` alike.

- get_metadata: metadata.yml completed from the table registry (newsdb/site/metadata.py).
- prepare_connection: Korean-aware `escape_fts` and the limits of a public site.
- startup: the Korean analyser's model is loaded before the first search.
- render_cell: the `search` query's highlighted snippets and links.
- handle_exception: an error costs no more than its page; logged once, on one line.
- register_routes: the home page `/`, without describing every hidden table
  (newsdb/site/home.py).
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
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup, escape

from newsdb.korean.analyser import analyser_for, fts_query, registry_names
from newsdb.site.home import home
from newsdb.site.metadata import DATABASE, site_metadata, stored_prose
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


@hookimpl
def get_metadata(datasette, key, database, table):
    # Only where a database called news is served: another database opened in the same
    # environment keeps its own site.
    db = datasette.databases.get(DATABASE)
    if db is None or not db.path:
        return {}
    site = site_of(db.path)
    if key not in WHOLE:
        site = projection(site, key, database, table)
    return fresh(site, depth=5)


@lru_cache(maxsize=4)
def site_of(db_path: str) -> dict:
    """The site of a database file: the prose its build stored, completed from the
    registry. Read once per file (served immutable)."""
    return site_metadata(stored_prose(Path(db_path)))


# Datasette asks for metadata some 200 times a table page, each time for one key (its
# `allow`, `plugins`, `source`...): Datasette.metadata(key, database, table) reads only
# that key of the table, of the database and at the top. Returning just those (the hook
# is given the key, database and table for this) spares copying and merging the whole
# site each time, and the permission check of every table (key "tables"), which
# deep-copies what the hook returns, copies the tables alone. No key (or "databases"):
# everything.
WHOLE = {None, "databases"}


def projection(site: dict, key: str, database: str | None, table: str | None) -> dict:
    """The site's metadata reduced to `key` at the top, in `database` and its `table`."""
    found = {key: site[key]} if key in site else {}
    db = (site.get("databases") or {}).get(database) if database else None
    if db is None:
        return found
    part = {key: db[key]} if key in db else {}
    settings = (db.get("tables") or {}).get(table) if table else None
    if settings is not None and key in settings:
        part["tables"] = {table: {key: settings[key]}}
    if part:
        found["databases"] = {database: part}
    return found


def fresh(metadata: dict, depth: int) -> dict:
    """New dicts down to each table's, query's and plugin's settings (the columns below
    are shared): Datasette merges other metadata (`-m`) into what this hook returns, and
    must not change the cached site. Called some 200 times for one page: a full deepcopy
    would cost tens of milliseconds a page."""
    if depth == 0:
        return metadata
    return {key: fresh(value, depth - 1) if isinstance(value, dict) else value
            for key, value in metadata.items()}


def authorize(action, arg1, arg2, database, trigger):
    if action in REFUSED_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and arg2 and arg2.lower() in REFUSED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.set_authorizer(authorize)
    # trylast: registered after Datasette's own escape_fts, so this one replaces it.
    # Queries typed with particles and endings (샤오미의, 협력을) are analysed the way the
    # index was built, with the registry's names kept whole.
    names = registry_names(conn)

    def korean_escape_fts(query):
        return fts_query(query or "", analyser_for(names))

    conn.create_function("escape_fts", 1, korean_escape_fts)


def load_analyser(conn) -> None:
    names = registry_names(conn)
    if names:
        analyser_for(names)


@hookimpl
def startup(datasette):
    """Load the analyser's model before serving: loading takes seconds, more than the
    SQL time limit, so the first search must not be the one to pay for it."""
    async def load():
        database = datasette.databases.get(DATABASE)
        if database is not None:
            await database.execute_fn(load_analyser)

    return load


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
    if DATABASE not in datasette.databases:
        return []
    return [(r"^/$", home)]


log = logging.getLogger("newsdb")


@hookimpl(wrapper=True)
def handle_exception(datasette, request, exception):
    """Datasette's own handler prints every error, a 404 included, with rich (installed
    with the test tools) and the local variables of every frame: about 2 s and 1,600
    lines per error, while the other requests wait. Each handler returns a coroutine that
    Datasette awaits afterwards, so this wrapper (a pluggy hook wrapper around the
    others) answers with its own alone: a client error at once, a server error logged as
    one line; the page or JSON body is the one Datasette would give."""
    yield
    return [respond(datasette, request, exception)]


def respond(datasette, request, exception):
    async def inner():
        title = None
        if isinstance(exception, Base400):
            status, info, message = exception.status, {}, exception.args[0]
        elif isinstance(exception, DatasetteError):
            status, info, message = exception.status, exception.error_dict, exception.message
            if exception.message_is_html:
                message = Markup(message)
            title = exception.title
        else:
            status, info, message = 500, {}, str(exception)
            where = traceback.extract_tb(exception.__traceback__)[-1:]
            location = f" at {where[0].filename}:{where[0].lineno}" if where else ""
            log.error("500 %s: %s: %s%s", request.path, type(exception).__name__,
                      exception, location)
        info.update({"ok": False, "error": message, "status": status, "title": title})
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        return Response.html(await template.render_async(dict(
            info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(),
            menu_links=lambda: [])), status=status)

    return inner
