"""The Datasette site of news.db as data: metadata.yml (the prose people edit: titles,
licence, canned queries, dashboard), which the build stores in the database's
`site_metadata` table, completed with what the table registry says about each table
(descriptions, vocabularies, labels, facets, sort, search, hidden tables) and the
`search` query's SQL. The plugin (newsdb/site/plugin.py) serves it through Datasette's
get_metadata hook; the export reads the same descriptions.
"""
from __future__ import annotations

import copy
import json
import re
import sqlite3
from functools import lru_cache
from pathlib import Path

import yaml

from newsdb.store.registry import Registry, Table, default_registry
from newsdb.korean.analyser import SEARCH_INDEX

# The facet type of a table's default facets (newsdb/site/facets.py).
COUNTED = "counted"

# Datasette names a database after its file: news.db is "news".
DATABASE = "news"

# news_fts is the plugin's Korean-aware query (newsdb/site/plugin.py prepare_connection).
# Blank input matches nothing ('""'): MATCH '' would be an FTS5 syntax error. The snippet
# is taken from the row's own text (column 3), never from the analysis. The page shows
# no raw bm25 rank (the plugin hides it); the JSON keeps it.
#
# Bounded candidates: bm25 is computed for every row a MATCH yields, and a common word
# matches hundreds of thousands of rows in a large corpus (중국: 380,000 at 10,000
# articles). So each searched table offers at most SEARCH_CANDIDATES rows, its first
# matches in its own block of rowids (FTS5 reads a rowid range alone, in rowid order),
# and only those are ranked; the snippets are made for the 100 shown. A table with
# fewer matches (every table of a corpus of hundreds of articles) is ranked whole.
SEARCH_CANDIDATES = 1000
SEARCH_LINK = f"'/{DATABASE}/' || table_name || '/' || row_id"
# A row named exactly what was typed (its English or Korean name) comes first.
_NAMED_AS_TYPED = ("trim(:q) != '' and (lower(label) = lower(trim(:q))\n"
                   "    or lower(label) like lower(trim(:q)) || ' (%' or label like '% (' || trim(:q) || ')')")


def search_sql(registry: Registry, candidates: int = SEARCH_CANDIDATES) -> str:
    """The `search` query: every searched table's bounded candidates, ranked together."""
    blocks = "\n  union all\n".join(
        f"  select * from (select rowid, rank, label from {SEARCH_INDEX}\n"
        f"    where {SEARCH_INDEX} match (select expression from query)\n"
        f"      and {registry.rowids_of(table)} limit {candidates})"
        for table in registry.searched_tables)
    return f"""with query as (
  select coalesce(nullif(news_fts(trim(:q)), ''), '""') as expression
),
candidates as (
{blocks}
),
best as (
  select rowid, rank, {_NAMED_AS_TYPED} as named_as_typed from candidates
  order by named_as_typed desc, rank
  limit 100
)
-- The 100 kept are looked up one by one by rowid for their snippets (a CROSS JOIN keeps
-- that order of the loops: a MATCH over the whole index filtered by the rowids would read
-- every match), with the rank worked out above (a rank asked for here would count the
-- word's rows again for each of them).
select table_name, row_id,
  case when length(label) > 80 then substr(label, 1, 79) || '…' else label end as label,
  snippet({SEARCH_INDEX}, 3, '<mark>', '</mark>', '…', 16) as snippet,
  {SEARCH_LINK} as link,
  best.rank as rank
from best cross join {SEARCH_INDEX}
where {SEARCH_INDEX}.rowid = best.rowid
  and {SEARCH_INDEX} match (select expression from query)
order by best.named_as_typed desc, best.rank
limit 100"""


# The values that are links: the prose's <a href="/...">, `source_url` and the like, and
# the map's tiles (datasette-cluster-map's `tile_layer`).
ROOT_LINK = re.compile(r'(href=")/(?!/)')
LINK_KEYS = ("_url", "tile_layer")


def under_base_url(metadata, base_url: str):
    """A copy of the site's metadata with every link from the root (`/news/...`) under
    `base_url` (`/prefix/news/...`); as it is when base_url is `/`. The search query's
    `link` column is made with the prefix too."""
    if base_url == "/":
        return metadata
    if isinstance(metadata, dict):
        result = {}
        for key, value in metadata.items():
            if isinstance(value, str) and key.endswith(LINK_KEYS) and \
                    value.startswith("/") and not value.startswith("//"):
                result[key] = base_url + value[1:]
            elif isinstance(value, str) and key.endswith("_html"):
                result[key] = ROOT_LINK.sub(lambda m: m.group(1) + base_url, value)
            elif key == "sql" and SEARCH_LINK in value:
                result[key] = value.replace(f"'/{DATABASE}/'", f"'{base_url}{DATABASE}/'")
            else:
                result[key] = under_base_url(value, base_url)
        return result
    if isinstance(metadata, list):
        return [under_base_url(value, base_url) for value in metadata]
    return metadata


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
        # Counted when the database is built (newsdb/site/facets.py).
        metadata["facets"] = [{COUNTED: column} for column in table.facets]
    return metadata


def read_metadata(path: Path) -> dict:
    """A metadata.yml file's prose (the tests and tools read the checkout's)."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def stored_prose(db_path: Path) -> dict:
    """The prose the build stored in a database file; {} for a database without it."""
    conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?immutable=1", uri=True)
    try:
        row = conn.execute("select json from site_metadata limit 1").fetchone()
    except sqlite3.Error:
        return {}
    finally:
        conn.close()
    return json.loads(row[0]) if row else {}


@lru_cache(maxsize=8)
def _completed(prose_json: str, registry: Registry) -> dict:
    return _complete(json.loads(prose_json), registry)


def site_metadata(prose: dict, registry: Registry | None = None) -> dict:
    """metadata.yml's prose with the tables of `registry` (the package's by default) and
    the search query's SQL added. A fresh copy each call; the same prose is completed
    once."""
    registry = registry or default_registry()
    return copy.deepcopy(_completed(json.dumps(prose, ensure_ascii=False), registry))


def _complete(metadata: dict, registry: Registry) -> dict:
    database = metadata.setdefault("databases", {}).setdefault(DATABASE, {})
    database["tables"] = {table.name: table_metadata(table) for table in registry.tables}
    search = database.setdefault("queries", {}).setdefault("search", {})
    search["sql"] = search_sql(registry)
    # A query's SQL is one click away ("show"), never a wall above its form and results.
    for query in database["queries"].values():
        query.setdefault("hide_sql", True)
    return metadata
