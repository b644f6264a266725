"""A table's default facets, counted when the database was built.

Datasette's column facet counts a facet's values with a GROUP BY over every row the page
selects, at every request: on a page of a whole table of 10,000 articles (1.12 million
claims) that is 70–170 ms a facet, six of them on the claims page. The build stores those
counts (table `facet_counts`, newsdb/store/derived.py); this facet type reads them when
the page shows the whole table, and counts exactly as the column facet does when the page
is filtered or searched, or asks for more values than were kept.

The metadata declares a table's default facets as `{"counted": column}`
(newsdb/site/metadata.py); a facet a reader adds (`?_facet=`) is Datasette's own. The
results are those of the column facet, named as one (type `column`), so pages, JSON and
the facet template are unchanged.
"""
from __future__ import annotations

import re

from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from newsdb.site.compat import expand_foreign_keys
from newsdb.site.metadata import COUNTED
from newsdb.store.derived import FACET_VALUES_KEPT
from newsdb.store.registry import PYTHON_TYPES, default_registry

STORED = "facet_counts"
STORED_SQL = f"""select value, count from {STORED}
where table_name = :table and facet = :facet order by position limit :limit"""


class CountedFacet(ColumnFacet):
    type = COUNTED

    async def facet_results(self):
        stored = await self.stored_results() if await self.whole_table() else None
        results, timed_out = stored if stored is not None else await super().facet_results()
        for result in results:
            result["type"] = ColumnFacet.type
        return results, timed_out

    async def whole_table(self) -> bool:
        """The page selects every row of a table (no filter, no search) of a database
        whose build counted its facets."""
        if not self.table or self.params:
            return False
        whole = rf"select .* from {re.escape(escape_sqlite(self.table))}"
        return bool(re.fullmatch(whole, self.sql.strip(), re.S)) and \
            await self.ds.databases[self.database].table_exists(STORED)

    async def stored_results(self):
        """The column facet's results, read from the stored counts; None when one of the
        facets was not counted by the build (a database built with other facets)."""
        facet_size = self.get_facet_size()
        results = []
        for source_and_config in self.get_configs():
            column = source_and_config["config"].get("column") or \
                source_and_config["config"]["simple"]
            rows = await self.stored_counts(column, facet_size + 1)
            if rows is None:
                return None
            results.append({
                "name": column,
                "type": self.type,
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(
                    path_with_removed_args(self.request, {"_facet": column})),
                "results": await self.values(column, rows[:facet_size]),
                "truncated": len(rows) > facet_size,
            })
        return results, []

    async def stored_counts(self, column: str, limit: int) -> list[tuple] | None:
        """The facet's first `limit` values and counts, or None when they were not
        stored or not all of them were kept."""
        if limit > FACET_VALUES_KEPT:
            return None
        rows = (await self.ds.execute(self.database, STORED_SQL, {
            "table": self.table, "facet": column, "limit": limit})).rows
        if not rows:
            return None
        # Stored as text: the value as the column holds it.
        table = default_registry().by_name.get(self.table)
        kind = PYTHON_TYPES[table.column[column].type] if table and column in table.column \
            else str
        return [(kind(value), count) for value, count in rows]

    async def values(self, column: str, rows: list[tuple]) -> list[dict]:
        """Each value as the column facet shows it on an unfiltered page: its label, its
        count and a link that filters by it (nothing is selected on a whole table)."""
        labels = await expand_foreign_keys(self.ds, self.request, self.database, self.table,
                                           column, [value for value, _ in rows])
        column_qs = f"{column}__exact" if column.startswith("_") else column
        return [{
            "value": value,
            "label": labels.get((column, value), value),
            "count": count,
            "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(
                path_with_added_args(self.request, {column_qs: value}))),
            "selected": False,
        } for value, count in rows]
