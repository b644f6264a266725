"""The Datasette site of news.db as data: metadata.yml (the prose people edit: titles,
licence, canned queries, dashboard) completed with what the table registry says about
each table (descriptions, vocabularies, labels, facets, sort, search, hidden tables) and
the `search` query's SQL. The plugin (newsdb/datasette_plugin.py) serves it through
Datasette's get_metadata hook; the export reads the same descriptions.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .schema import TABLES, Table
from .analysis import SEARCH_INDEX

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
# Datasette names a database after its file: news.db is "news".
DATABASE = "news"

# Blank input matches nothing ('""'): MATCH '' would be an FTS5 syntax error. The snippet
# is taken from the row's own text (column 3), never from the analysis. The page shows
# no raw bm25 rank (the plugin hides it); the JSON keeps it.
SEARCH_SQL = f"""with query as (
  select coalesce(nullif(escape_fts(trim(:q)), ''), '""') as expression
)
select table_name, row_id,
  case when length(label) > 80 then substr(label, 1, 79) || '…' else label end as label,
  snippet({SEARCH_INDEX}, 3, '<mark>', '</mark>', '…', 16) as snippet,
  '/{DATABASE}/' || table_name || '/' || row_id as link,
  rank
from {SEARCH_INDEX}
where {SEARCH_INDEX} match (select expression from query)
-- A row named exactly what was typed (its English or Korean name) comes first.
order by trim(:q) != '' and (lower(label) = lower(trim(:q))
    or lower(label) like lower(trim(:q)) || ' (%' or label like '% (' || trim(:q) || ')') desc,
  rank
limit 100"""


def table_metadata(table: Table) -> dict:
    """Datasette's metadata for one table, from its declaration."""
    metadata: dict = {
        "description": " ".join(table.description.split()),
        "columns": {column.name: column.documentation for column in table.columns_list},
    }
    if table.internal:
        metadata["hidden"] = True
    optional = {"label_column": table.label, "sort": table.sort, "sort_desc": table.sort_desc,
                "title": table.title}
    metadata.update({key: value for key, value in optional.items() if value})
    if table.facets:
        metadata["facets"] = list(table.facets)
    return metadata


def read_metadata(path: Path = METADATA) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


@lru_cache(maxsize=1)
def site_metadata() -> dict:
    """metadata.yml with the registry's tables and the search query's SQL added."""
    metadata = read_metadata()
    database = metadata.setdefault("databases", {}).setdefault(DATABASE, {})
    database["tables"] = {table.name: table_metadata(table) for table in TABLES}
    search = database.setdefault("queries", {}).setdefault("search", {})
    search["sql"] = SEARCH_SQL
    # A query's SQL is one click away ("show"), never a wall above its form and results.
    for query in database["queries"].values():
        query.setdefault("hide_sql", True)
    return metadata
