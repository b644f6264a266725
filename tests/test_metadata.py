"""metadata.yml documents every table, view and column of the built database, and every
controlled-vocabulary term next to the column that uses it."""
from __future__ import annotations

import re
import sqlite3

import pytest
import yaml
from datasette.app import Datasette

from newsdb import vocabularies
from newsdb.schema import TABLES
from newsdb.serving import ROOT

METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
DESCRIBED = METADATA["databases"]["news"]["tables"]
VOCABULARY_COLUMNS = [(table.name, column, terms)
                      for table in TABLES for column, terms in table.vocabularies.items()]


def test_every_vocabulary_is_used_by_a_column():
    used = {id(terms) for _, _, terms in VOCABULARY_COLUMNS}
    defined = {name: value for name, value in vars(vocabularies).items()
               if name.isupper() and isinstance(value, dict)}
    assert {name for name, value in defined.items() if id(value) not in used} == set()


@pytest.mark.parametrize("table, column, terms", VOCABULARY_COLUMNS,
                         ids=[f"{t}.{c}" for t, c, _ in VOCABULARY_COLUMNS])
def test_column_description_lists_every_vocabulary_term(table, column, terms):
    description = DESCRIBED[table]["columns"][column]
    # Listed as "term — meaning", the term not part of a longer word.
    missing = [term for term in terms
               if not re.search(rf"(?<![\w-]){re.escape(term)} — ", description)]
    assert missing == [], f"{table}.{column} does not describe {missing}"


def visible_tables_and_views(db_path) -> dict[str, list[str]]:
    conn = sqlite3.connect(db_path)
    names = [row[0] for row in conn.execute(
        "select name from sqlite_master where type in ('table', 'view')"
        " and name not like 'sqlite_%'")]
    return {name: [row[1] for row in conn.execute(f"pragma table_info([{name}])")]
            for name in names}


async def hidden_tables(db_path) -> set[str]:
    site = Datasette([str(db_path)], metadata=METADATA)
    return set(await site.get_database("news").hidden_table_names())


async def test_every_table_view_and_column_is_described(built_db):
    hidden = await hidden_tables(built_db)
    undescribed = []
    for name, columns in visible_tables_and_views(built_db).items():
        if name in hidden:
            continue
        described = DESCRIBED.get(name, {})
        if not described.get("description"):
            undescribed.append(name)
        undescribed += [f"{name}.{column}" for column in columns
                        if not described.get("columns", {}).get(column)]
    assert undescribed == []


async def test_described_tables_and_columns_exist(built_db):
    actual = visible_tables_and_views(built_db)
    stale = [f"{name}.{column}" for name, table in DESCRIBED.items() if name in actual
             for column in table.get("columns", {}) if column not in actual[name]]
    stale += [name for name, table in DESCRIBED.items()
              if name not in actual and not table.get("hidden")]
    assert stale == []


async def test_full_text_tables_are_hidden(built_db):
    hidden = await hidden_tables(built_db)
    fts = {name for name in visible_tables_and_views(built_db) if "_fts" in name}
    assert fts - hidden == set()


def test_default_facets_and_sort_name_real_columns():
    columns = {table.name: set(table.columns) for table in TABLES}
    for name, table in DESCRIBED.items():
        known = columns.get(name) or set(table.get("columns", {}))
        for facet in table.get("facets", []):
            assert facet in known, f"{name} facet {facet}"
        for key in ("sort", "sort_desc", "label_column"):
            if key in table:
                assert table[key] in known, f"{name} {key} {table[key]}"
