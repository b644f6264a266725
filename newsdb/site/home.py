"""The home page `/` on Datasette 0.65, served by the plugin (register_routes) instead of
Datasette's index view, with the same template (`index.html`) and the same context. It
uses 0.65's permission API; on 1.0 Datasette's own index view renders the template
(newsdb/site/compat.py HOME_ROUTE).

Datasette's index view describes every table of every database before it renders a
page that shows five table names and a few sums: for each table, the visible ones and
the hidden full-text and internal ones alike, a permission check (which deep-copies the
whole metadata: 0.3 ms), its columns, primary keys and full-text table (three trips to
the database thread each), then the template uses none of those. With 23 tables that was
46 permission checks and some 70 thread round trips a page: 30–40 ms alone, the slowest
page under load (benchmarks/README.md).

This page asks only what the template shows: the row counts (from the inspect file:
free for the immutable file), the hidden tables' names (one query), and a permission
check for each visible table and view; the hidden tables cost nothing each. The numbers,
names and order are Datasette's own (the five largest visible tables, then views).
`/.json` is still Datasette's index view, for clients that want the full description.
A restyled home page overrides `index.html` (the plugin's templates folder) and keeps
this view.
"""
from __future__ import annotations

import hashlib

from datasette import Response
from datasette.version import __version__

# As Datasette's index view: the names shown per database, and counts are only taken
# (with a time limit) on a mutable database below this size.
TRUNCATE_AT = 5
COUNT_DB_SIZE_LIMIT = 100 * 1024 * 1024


async def database_summary(datasette, request, name: str, db) -> dict | None:
    """What index.html shows of one database, or None when the actor may not see it."""
    visible, private = await datasette.check_visibility(
        request.actor, "view-database", name)
    if not visible:
        return None
    counts: dict = {}
    if not db.is_mutable or db.size < COUNT_DB_SIZE_LIMIT:
        counts = await db.table_counts(10)  # the inspect file's counts when immutable
        if any(value is None for value in counts.values()):
            counts = {}
    names = list(counts) or await db.table_names()
    hidden = set(await db.hidden_table_names())
    tables, hidden_count, hidden_rows = [], 0, 0
    for table in names:
        if table in hidden:
            # Datasette checks each hidden table too; the page only counts them.
            hidden_count += 1
            hidden_rows += counts.get(table) or 0
            continue
        table_visible, table_private = await datasette.check_visibility(
            request.actor, "view-table", (name, table))
        if table_visible:
            tables.append({"name": table, "count": counts.get(table),
                           "private": table_private})
    views = []
    for view in await db.view_names():
        view_visible, view_private = await datasette.check_visibility(
            request.actor, "view-table", (name, view))
        if view_visible:
            views.append({"name": view, "private": view_private})
    # Datasette orders by relationships only when it has no counts; then by count, name.
    shown = sorted(tables, key=lambda t: (t["count"] or 0, t["name"]),
                   reverse=True)[:TRUNCATE_AT]
    shown += views[:TRUNCATE_AT - len(shown)]
    return {
        "name": name,
        "hash": db.hash,
        "color": (db.hash or hashlib.md5(name.encode("utf8")).hexdigest())[:6],
        "path": datasette.urls.database(name),
        "tables_and_views_truncated": shown,
        "tables_and_views_more": len(tables) + len(views) > TRUNCATE_AT,
        "tables_count": len(tables),
        "table_rows_sum": sum(t["count"] or 0 for t in tables),
        "show_table_row_counts": bool(counts),
        "hidden_table_rows_sum": hidden_rows,
        "hidden_tables_count": hidden_count,
        "views_count": len(views),
        "private": private,
    }


async def home(datasette, request):
    await datasette.ensure_permissions(request.actor, ["view-instance"])
    databases = []
    for name, db in datasette.databases.items():
        summary = await database_summary(datasette, request, name, db)
        if summary is not None:
            databases.append(summary)
    json_url = datasette.absolute_url(request, datasette.urls.path("/.json"))
    template = datasette.jinja_env.select_template(["index.html"])
    context = {
        "databases": databases,
        "metadata": datasette.metadata(),
        "datasette_version": __version__,
        "private": not await datasette.permission_allowed(
            None, "view-instance", default=True),
        "select_templates": [f"*{template.name}"],
        "alternate_url_json": json_url,
    }
    html = await datasette.render_template(template, context, request=request,
                                           view_name="index")
    return Response.html(html, headers={
        "Link": f'{json_url}; rel="alternate"; type="application/json+datasette"'})
