"""A table's default facets, counted when the database was built, or in one pass.

Datasette's column facet counts a facet's values with a GROUP BY over every row the page
selects, at every request, each facet reading the page's rows again: at 10,000 articles
the claims page counts 1.12 million rows six times, and the claims about events (the page
a click on the facet opens) half a million rows six times, most facets timing out
(figures in benchmarks/README.md). The build stores those counts (tables `facet_counts` and `facet_counts_filtered`,
newsdb/store/derived.py); this facet type reads them when the page shows a whole table or
the rows with one value of one default facet. Any other page (filtered otherwise,
searched, or asking for more values than were kept) is counted as the column facet counts
it, but all its facets in one query that reads the page's rows once.

The metadata declares a table's default facets as `{"counted": column}`
(newsdb/site/metadata.py); a facet a reader adds (`?_facet=`) is Datasette's own. The
results are those of the column facet, named as one (type `column`), so pages, JSON and
the facet template are unchanged.
"""
from __future__ import annotations

import re
import sqlite3
from collections import defaultdict

from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from newsdb.site.compat import expand_foreign_keys, facet_argument, facet_value_selection
from newsdb.site.metadata import COUNTED
from newsdb.store.derived import FACET_VALUES_KEPT, FILTERED_VALUES_KEPT
from newsdb.store.registry import PYTHON_TYPES, default_registry

WHOLE, FILTERED = "facet_counts", "facet_counts_filtered"
WHOLE_SQL = f"""select value, count from {WHOLE}
where table_name = :table and facet = :facet order by position limit :limit"""
FILTERED_SQL = f"""select value, count from {FILTERED}
where table_name = :table and filter = :filter and filter_value = :filter_value
  and facet = :facet order by position limit :limit"""
ONE_VALUE_SQL = f"""select value, count from {WHOLE}
where table_name = :table and facet = :facet and value = :value"""
# Datasette's clause for ?column=value (its "exact" filter), the page's only one.
ONE_FILTER = r'"([^"]+)" = :p0'


class CountedFacet(ColumnFacet):
    type = COUNTED

    async def facet_results(self):
        found = await self.stored_results()
        if found is None:
            found = await self.one_pass_results()
        results, timed_out = found if found is not None else await super().facet_results()
        for result in results:
            result["type"] = ColumnFacet.type
        return results, timed_out

    def selection(self) -> tuple[str, str] | None:
        """("", "") when the page selects every row of its table (no filter, no search);
        (column, value) when it selects the rows with one value of one of the table's
        default facets (?column=value alone); None otherwise."""
        table = default_registry().by_name.get(self.table or "")
        if table is None:
            return None
        whole = rf"select .* from {re.escape(escape_sqlite(self.table))}"
        if not self.params and re.fullmatch(whole, self.sql.strip(), re.S):
            return "", ""
        found = re.fullmatch(rf"{whole} where {ONE_FILTER}", self.sql.strip(), re.S)
        if not found or set(self.params) != {"p0"}:
            return None
        column, value = found.group(1), self.params["p0"]
        return (column, value) if column in table.facets else None

    async def stored_results(self):
        """The column facet's results, read from the stored counts; None when the page
        is not one they answer, or one of its facets was not counted by the build (a
        database built with other facets)."""
        selection = self.selection()
        if selection is None or not await self.stored_tables():
            return None
        by, by_value = selection
        facet_size = self.get_facet_size()
        results = []
        for source_and_config in self.get_configs():
            column = self.column_of(source_and_config)
            if column == by:
                rows = await self.counts(column, ONE_VALUE_SQL, value=by_value)
            elif by:
                rows = await self.counts(column, FILTERED_SQL, facet_size + 1,
                                         FILTERED_VALUES_KEPT, filter=by, filter_value=by_value)
                if rows is None and facet_size + 1 <= FILTERED_VALUES_KEPT and \
                        await self.counts(column, WHOLE_SQL):
                    rows = []  # counted by the build: no row with the value has one
            else:
                rows = await self.counts(column, WHOLE_SQL, facet_size + 1, FACET_VALUES_KEPT)
            if rows is None:
                return None
            results.append(await self.result(source_and_config, column, rows, facet_size))
        return results, []

    async def one_pass_results(self):
        """The column facet's results for a page it must count (a search, filters),
        every facet counted in one query: the page's rows are read once, not once a
        facet (benchmarks/README.md: a search of `events`). None when there is no second
        facet to share the reading with. Past the facets' time limits together, every
        facet is reported as timed out (Datasette would spend as long on them one by
        one)."""
        configs = self.get_configs()
        if len(configs) < 2:
            return None
        facet_size = self.get_facet_size()
        columns = [self.column_of(config) for config in configs]
        read = ", ".join(escape_sqlite(column) for column in dict.fromkeys(columns))
        counted = " union all ".join(
            f"select {index} as facet, * from (select {escape_sqlite(column)} as value, "
            f"count(*) as count from page where {escape_sqlite(column)} is not null "
            f"group by {escape_sqlite(column)} order by count desc, value "
            f"limit {facet_size + 1})"
            for index, column in enumerate(columns))
        sql = f"with page as materialized (select {read} from ({self.sql})) {counted}"
        try:
            rows = (await self.ds.execute(
                self.database, sql, self.params, truncate=False,
                custom_time_limit=self.ds.setting("facet_time_limit_ms") * len(columns))).rows
        except QueryInterrupted:
            return [], list(dict.fromkeys(columns))
        except sqlite3.OperationalError:
            return None  # an SQLite without MATERIALIZED (before 3.35): one by one
        counts = defaultdict(list)
        for facet, value, count in rows:
            counts[facet].append((value, count))
        return [await self.result(config, column, counts[index], facet_size)
                for index, (config, column) in enumerate(zip(configs, columns))], []

    async def result(self, source_and_config: dict, column: str, rows: list[tuple],
                     facet_size: int) -> dict:
        """One facet's result as the column facet gives it."""
        return {
            "name": column,
            "type": self.type,
            "hideable": source_and_config["source"] != "metadata",
            "toggle_url": self.ds.urls.path(
                path_with_removed_args(self.request, {"_facet": column})),
            "results": await self.values(column, rows[:facet_size]),
            "truncated": len(rows) > facet_size,
        }

    @staticmethod
    def column_of(source_and_config: dict) -> str:
        config = source_and_config["config"]
        return config.get("column") or config["simple"]

    async def stored_tables(self) -> bool:
        database = self.ds.databases[self.database]
        return all([await database.table_exists(name) for name in (WHOLE, FILTERED)])

    async def counts(self, column: str, sql: str, limit: int = 1, kept: int = 1,
                     **params) -> list[tuple] | None:
        """The facet's first `limit` values and counts as the column holds them, or None
        when none were stored or not all of those asked for were kept."""
        if limit > kept:
            return None
        rows = (await self.ds.execute(self.database, sql, {
            "table": self.table, "facet": column, "limit": limit, **params})).rows
        if not rows:
            return None
        # Stored as text: the value as the column holds it.
        kind = PYTHON_TYPES[default_registry().by_name[self.table].column[column].type]
        return [(kind(value), count) for value, count in rows]

    async def values(self, column: str, rows: list[tuple]) -> list[dict]:
        """Each value as the column facet shows it: its label, its count and a link that
        filters by it, or, for a value the page is filtered by, a link that removes the
        filter."""
        labels = await expand_foreign_keys(self.ds, self.request, self.database, self.table,
                                           column, [value for value, _ in rows])
        query_pairs = self.get_querystring_pairs()
        values = []
        for value, count in rows:
            selection = facet_value_selection(column, value, query_pairs)
            path = path_with_removed_args(self.request, selection) if selection \
                else path_with_added_args(self.request, {facet_argument(column): value})
            values.append({
                "value": value,
                "label": labels.get((column, value), value),
                "count": count,
                "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
                "selected": bool(selection),
            })
        return values
