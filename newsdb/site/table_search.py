"""`?_search=` on a table page, through Datasette's filters_from_request hook.

Every searched table's rows are in one full-text index, `search_index`, under their own
rowids, each table's in a block of its own (newsdb.store.registry.first_rowid). Datasette's own
search filter (table metadata `fts_table`) writes `rowid in (select rowid from
search_index where search_index match ...)`: the match then yields every table's rows,
and SQLite sorts them all before keeping the table's. At 10,000 articles `중국` is in
380,000 rows of the index, 80,000 of them events: the events page ran that subquery
six times (rows, count, four facets), 450 ms of SQL. Here the subquery also asks for the
table's block of rowids, which FTS5 reads alone (its lists are in rowid order): 55 ms.

The table metadata has no `fts_table`, so Datasette's filter adds nothing; this one gives
the same clause otherwise (`news_fts(:search)`, the plugin's Korean-aware query, or
the raw query with `_searchmode=raw`), the same description ("search matches ...") and
the search box. `_search_text=` and `_search_search_text=` search one column of the
index, as Datasette's `_search_COLUMN=` would.
"""
from __future__ import annotations

from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest

from newsdb.korean.analyser import SEARCH_INDEX
from newsdb.store.registry import SEARCHED_TABLES, default_registry

# Each searched table's block of rowids in the index, as SQL.
SEARCHED = {table.name: default_registry().rowids_of(table) for table in SEARCHED_TABLES}
# The index's columns a search may name: `_search_text=`, `_search_search_text=`.
COLUMNS = ("text", "search_text")


def search_filter(request, table: str) -> FilterArguments | None:
    if table not in SEARCHED:
        return None
    rowids = SEARCHED[table]
    raw = request.args.get("_searchmode") == "raw"
    wheres, params, descriptions = [], {}, []
    context = {"supports_search": True}
    for key in request.args:
        if not key.startswith("_search") or key == "_searchmode":
            continue
        column = SEARCH_INDEX if key == "_search" else key.removeprefix("_search_")
        if column != SEARCH_INDEX and column not in COLUMNS:
            raise BadRequest("Cannot search by that column")
        name = "search" if key == "_search" else f"search_{len(params)}"
        match = f":{name}" if raw else f"news_fts(:{name})"
        wheres.append(f"rowid in (select rowid from {SEARCH_INDEX} where [{column}] match "
                      f"{match} and {rowids})")
        params[name] = context["search"] = request.args[key]
        descriptions.append(f'search matches "{request.args[key]}"' if key == "_search"
                            else f'search column "{column}" matches "{request.args[key]}"')
    return FilterArguments(wheres, params, descriptions, context)
