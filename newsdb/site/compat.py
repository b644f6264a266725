"""What the site does differently from Datasette's defaults for speed, and where the two
Datasette lines it runs on differ. Targets Datasette 0.65.5 (the pinned release) and
1.0a41 (the alpha line, tests/test_datasette_1.py). Each part says which line needs it;
everything else in the plugin is Datasette's documented plugin hooks.

- quiet_default_error_handler (both lines): Datasette awaits every handle_exception
  result, though it sends only the first, and its own handler
  (datasette/handle_exception.py, trylast) prints each error with rich, every frame's
  local variables included, when rich is installed: seconds and some 1,600 lines per
  error, a 404 included, while the other requests wait. This hook wrapper drops that
  one result once another handler (the plugin's, newsdb/site/plugin.py) has answered;
  every other plugin's answer is kept, in order.
- expand_foreign_keys (both lines): Datasette's labels of foreign key values, whose
  signature 1.0 changed (the actor first), for the plugin's facet (newsdb/site/facets.py).
- facet_value_selection (both lines): which query-string arguments select a facet's
  value, as each line's column facet decides it (1.0 also reads `column__exact`).
- HOME_ROUTE (0.65): the plugin's home page replaces the index view on 0.65 only.
- metadata_for_key (0.65): Datasette 0.65 asks the get_metadata hook some 200 times a
  table page, each time for one key; the answer is that key alone.
- PluginSettings (0.65): every plugin's render_cell reading its settings asks for the key
  `plugins` once a cell (datasette-render-markdown, which datasette-dashboards installs,
  does on every cell of every page): a copy of all the plugins' settings per cell was
  a third of a canned query's page at 10,000 articles. Each Datasette keeps one copy
  per page level instead.
- shared_table_settings (0.65.5): the permission check of a table
  (Datasette._table_permission_allows) deep-copies every table's metadata, column
  descriptions included, each time: 58 times a database page, a few times every table
  and row page (benchmarks/README.md). The columns and facets of each table are given as
  objects a deep copy shares instead of copying.
- configure_1_0 (1.0): 1.0 has no get_metadata hook. The startup hook stores the same
  metadata through the documented set_*_metadata methods and the canned queries through
  add_query; table settings (facets, sort, label_column, hidden) and the map and
  dashboard plugins' settings are configuration in 1.0, read from `datasette.config`,
  which has no setter: they are merged under what `-c datasette.yaml` gives.
"""
from __future__ import annotations

import copy
import json
import weakref

from datasette import hookimpl
from datasette.version import __version__

# The pinned line (0.65) or the 1.0 alpha line.
IS_0_65 = __version__.startswith("0.")
# The plugin's own home page (newsdb/site/home.py) on 0.65, whose index view describes
# every table, hidden ones included, before it renders five names (benchmarks/README.md).
# It checks permissions with 0.65's API (permission_allowed, check_visibility with
# tuples), which 1.0 replaced (allowed() with Resource objects): on 1.0 Datasette's own
# index view renders the same template (index.html) with the plugin's variables.
HOME_ROUTE = IS_0_65

# The module of Datasette's own error handler (both lines).
DATASETTE_HANDLER = "datasette.handle_exception"


def from_datasette(result) -> bool:
    return getattr(result, "__module__", None) == DATASETTE_HANDLER


@hookimpl(specname="handle_exception", wrapper=True)
def quiet_default_error_handler(datasette, request, exception):
    results = yield
    answered = [result for result in results if not from_datasette(result)]
    return answered or results


async def expand_foreign_keys(datasette, request, database: str, table: str, column: str,
                              values: list) -> dict:
    """{(column, value): label} for the values of a foreign key column."""
    if IS_0_65:
        return await datasette.expand_foreign_keys(database, table, column, values)
    return await datasette.expand_foreign_keys(request.actor, database, table, column, values)


def facet_argument(column: str) -> str:
    """The query-string argument a facet's link filters `column` by: `column__exact` for
    a column whose name starts with `_`, which Datasette reads as its own argument."""
    return f"{column}__exact" if column.startswith("_") else column


def facet_value_selection(column: str, value, query_pairs: list[tuple[str, str]]) -> dict:
    """The arguments of the query string that select `value` of the facet of `column`
    ({} when it is not selected): what the column facet's link removes."""
    keys = [facet_argument(column)]
    if not IS_0_65:
        keys.append(f"{column}__exact")
    return {key: str(value) for key in dict.fromkeys(keys) if (key, str(value)) in query_pairs}


# --- Datasette 0.65: metadata by key ---------------------------------------------------

# No key (or "databases"): the whole site.
WHOLE = {None, "databases"}


def metadata_for_key(site: dict, key, database, table) -> dict:
    """What get_metadata answers on 0.65: Datasette.metadata(key, database, table) reads
    only `key` of the table, of the database and at the top. Returning just those spares
    copying and merging the whole site each time, and the permission check of every
    table (key "tables"), which deep-copies what the hook returns, copies the tables
    alone. A fresh copy: Datasette merges other metadata (`-m`) into it."""
    if key not in WHOLE:
        site = projection(site, key, database, table)
    return fresh(site, depth=5)


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


class PluginSettings:
    """What get_metadata answers for the key `plugins`, one copy per Datasette instance
    and (database, table). Datasette.metadata merges its other metadata sources (`-m`)
    into the dicts a source returns; that merge is the same at every request (the sources
    do not change once the server runs), so a copy it has merged into once gives the same
    answer ever after, and the site the plugin itself reads is never merged into. Per
    instance: another instance's `-m` must not show in this one's answers."""

    # (database, table) pairs kept per instance: a request for any table name asks.
    LIMIT = 256

    def __init__(self):
        self._by_instance: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        # The last instance asked and its copies: a weak key dictionary's look-up makes
        # a weak reference each time, a tenth of the answer's cost.
        self._last: tuple = (lambda: None, {})

    def answer(self, datasette, site: dict, database, table) -> dict:
        instance, copies = self._last
        if instance() is not datasette:
            copies = self._by_instance.setdefault(datasette, {})
            self._last = (weakref.ref(datasette), copies)
        key = (id(site), database, table)
        found = copies.get(key)
        if found is None:
            if len(copies) >= self.LIMIT:
                copies.clear()
            found = copies[key] = copy.deepcopy(projection(site, "plugins", database, table))
        return found


class Shared(dict):
    """A dict that copy.deepcopy shares: the site's metadata is read-only to Datasette
    (it merges other metadata into its own copies, down to the level fresh() copies)."""

    def __deepcopy__(self, memo):
        return self


class SharedList(list):
    def __deepcopy__(self, memo):
        return self


def shared_table_settings(site: dict) -> dict:
    """The site with each table's columns and facets deep copies share (in place)."""
    for database in (site.get("databases") or {}).values():
        for settings in (database.get("tables") or {}).values():
            if isinstance(settings.get("columns"), dict):
                settings["columns"] = Shared(settings["columns"])
            if isinstance(settings.get("facets"), list):
                settings["facets"] = SharedList(settings["facets"])
    return site


def fresh(metadata: dict, depth: int) -> dict:
    """New dicts down to each table's, query's and plugin's settings (the columns below
    are shared): a full deepcopy, some 200 times a page, would cost tens of milliseconds.
    The copy is made for one call and is the caller's own, so a deep copy of it (the
    permission check of each table makes one) shares it rather than copying it again."""
    if depth == 0:
        return metadata
    return Shared({key: fresh(value, depth - 1) if isinstance(value, dict) else value
                   for key, value in metadata.items()})


# --- Datasette 1.0: metadata, queries and configuration at startup -----------------------

# Table settings that 1.0 reads from configuration rather than metadata.
TABLE_CONFIG = ("facets", "sort", "sort_desc", "label_column", "hidden", "size")
INSTANCE_KEYS = ("title", "description", "description_html", "license", "license_url",
                 "source", "source_url", "about", "about_url")


def as_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


async def configure_1_0(datasette, site: dict, database: str) -> None:
    """The site's metadata, queries and settings, given to a Datasette 1.0."""
    for key in INSTANCE_KEYS:
        if key in site:
            await datasette.set_instance_metadata(key, as_text(site[key]))
    db = site["databases"][database]
    for key in ("description", "description_html", "license", "license_url", "source",
                "source_url", "about", "about_url"):
        if key in db:
            await datasette.set_database_metadata(database, key, as_text(db[key]))
    config_tables = {}
    for table, settings in db.get("tables", {}).items():
        for key, value in settings.items():
            if key == "columns":
                for column, description in value.items():
                    await datasette.set_column_metadata(
                        database, table, column, "description", description)
            elif key in TABLE_CONFIG:
                config_tables.setdefault(table, {})[key] = value
            else:
                await datasette.set_resource_metadata(database, table, key, as_text(value))
    for name, query in db.get("queries", {}).items():
        await datasette.add_query(
            database, name, query["sql"], title=query.get("title"),
            description=query.get("description"),
            description_html=query.get("description_html"),
            hide_sql=bool(query.get("hide_sql")), fragment=query.get("fragment"),
            parameters=query.get("params"))
    datasette.config = merged(
        {"plugins": site.get("plugins") or {},
         "databases": {database: {"tables": config_tables}}},
        datasette.config or {})


def merged(base: dict, over: dict) -> dict:
    """`over` (what the user configured) laid over `base` (the site's)."""
    result = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result
