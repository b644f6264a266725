"""The registry (newsdb/store/tables.yml) documents every table and column of the built
database, every controlled-vocabulary term next to the column that uses it, and the site
serves exactly that; a column added to the registry reaches the schema, the site's
metadata and the export with no other file changed."""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
import yaml

from contract import checkout_site  # noqa: E402
from newsdb.curated import vocabularies
import newsdb.facts.rows as rows_module
from newsdb.export import run
from newsdb.site.metadata import site_metadata, stored_prose
from newsdb.store.build import build
from newsdb.store.finishers import FINISHERS
from newsdb.store.registry import REGISTRY, TABLES, Registry, RegistryError, load

DESCRIBED = checkout_site()["databases"]["news"]["tables"]
VOCABULARY_COLUMNS = [(table.name, column, terms)
                      for table in TABLES for column, terms in table.vocabularies.items()]
ROOT = Path(__file__).resolve().parent.parent


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


def user_tables(db_path) -> dict[str, list[str]]:
    conn = sqlite3.connect(db_path)
    names = [row[0] for row in conn.execute(
        "select name from sqlite_master where type in ('table', 'view')"
        " and name not like 'sqlite_%' and name not like 'search_index%'")]
    return {name: [row[1] for row in conn.execute(f"pragma table_info([{name}])")]
            for name in names}


def test_the_database_has_exactly_the_registry_tables_and_columns(built_db):
    assert user_tables(built_db) == {table.name: list(table.columns) for table in TABLES}


def test_every_table_and_column_is_described(built_db):
    for name, columns in user_tables(built_db).items():
        assert DESCRIBED[name]["description"], name
        assert [c for c in columns if not DESCRIBED[name]["columns"].get(c)] == [], name


async def test_the_site_serves_the_registry_descriptions(served_site):
    from markupsafe import escape

    response = await served_site.client.get("/news/events")
    assert response.status_code == 200
    assert str(escape(DESCRIBED["events"]["description"])) in response.text
    assert str(escape(DESCRIBED["events"]["columns"]["kind"])) in response.text


async def test_only_the_full_text_index_is_hidden(served_site):
    hidden = set(await served_site.get_database("news").hidden_table_names())
    assert {name for name in hidden if not name.startswith("search_index")} == \
        {table.name for table in TABLES if table.internal}
    assert "search_index" in hidden


def test_no_public_table_has_a_build_helper_column():
    for table in TABLES:
        assert "search_text" not in table.columns, table.name


def test_a_registry_with_a_typo_is_refused(tmp_path):
    registry = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    registry["events"]["facets"].append("kindd")
    path = tmp_path / "tables.yml"
    path.write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RegistryError, match="events: unknown column 'kindd'"):
        load(path)


# A column added to events in a copy of the registry, filled by wrapping the one function
# that makes event rows: the two places a new column touches besides its test. The registry is
# an object, passed to the build, the site's metadata and the export: no subprocess.
def test_a_column_declared_in_the_registry_reaches_schema_metadata_and_export(
        tmp_path, monkeypatch):
    text = REGISTRY.read_text(encoding="utf-8")
    path = tmp_path / "tables.yml"
    path.write_text(text.replace(
        "    description_en: What happens, in English.\n",
        "    description_en: What happens, in English.\n"
        "    press_contact_en: Who answers the press about the event.\n", 1), encoding="utf-8")
    registry = Registry.load(path)
    make_row = rows_module._event_row
    monkeypatch.setattr(rows_module, "_event_row", lambda *args: {
        **make_row(*args), "press_contact_en": "MSIP press office"})
    monkeypatch.setenv("NEWSDB_ANALYSIS_CACHE", "off")
    db = tmp_path / "news.db"
    counts, problems = build(ROOT / "sources", db, FINISHERS, ROOT / "metadata.yml", registry)
    assert counts is not None, problems.sorted()
    assert run(db, tmp_path / "export", registry) == 0
    columns = site_metadata(stored_prose(db), registry)["databases"]["news"]["tables"][
        "events"]["columns"]
    assert columns["press_contact_en"] == "Who answers the press about the event."
    assert "press_contact_en" not in checkout_site()["databases"]["news"]["tables"][
        "events"]["columns"], "the package's own registry is unchanged"
    conn = sqlite3.connect(db)
    # events of the held article and of citations alike: one function makes every row
    assert conn.execute("select distinct press_contact_en from events").fetchall() == [
        ("MSIP press office",)]
    package = json.loads((tmp_path / "export" / "datapackage.json").read_text())
    events = next(r for r in package["resources"] if r["name"] == "events")
    field = next(f for f in events["schema"]["fields"] if f["name"] == "press_contact_en")
    assert field["description"] == "Who answers the press about the event."


@pytest.mark.parametrize("key", ["allow", "allow_sql", "plugins", "source", "license",
                                 "title", "description_html", "queries", "tables",
                                 "facets", "sort", "label_column", "fts_table", "columns",
                                 "hidden", "databases", "no_such_key"])
def test_metadata_asked_for_one_key_is_the_same_as_from_the_whole_site(served_site, key):
    """The plugin answers Datasette's request for one key with that key alone
    (newsdb.site.compat.projection): every lookup gives what the whole site gives."""
    whole = checkout_site()

    def lookup(database, table):  # Datasette.metadata's order: table, database, top
        levels = [whole]
        if database:
            levels.insert(0, whole["databases"].get(database) or {})
        if table:
            tables = (whole["databases"].get(database) or {}).get("tables") or {}
            levels.insert(0, tables.get(table) or {})
        return next((level[key] for level in levels if key in level), None)

    for database, table in [(None, None), ("news", None), ("news", "events"),
                            ("news", "search_index"), ("news", "no_such_table")]:
        assert served_site.metadata(key, database=database, table=table) == \
            lookup(database, table), (database, table)
        assert served_site.metadata(key, database=database, table=table,
                                    fallback=False) == \
            (lookup(database, table) if (table or database) is None else
             (whole["databases"]["news"]["tables"].get(table) or {}).get(key) if table
             else whole["databases"]["news"].get(key)), (database, table)


async def test_plugin_settings_merge_other_metadata_the_same_every_time(built_db):
    """The key `plugins` is answered from one copy per instance and page level
    (newsdb.site.compat.PluginSettings); Datasette merges `-m` metadata into that copy.
    Asked again and again, and from other tables, the answer is the site's settings with
    `-m` laid over them, and another instance without `-m` still gets the site's alone."""
    from newsdb.site.serving import make_datasette

    site = checkout_site()["plugins"]
    dashboard = site["datasette-dashboards"]["trip"]
    extra = {"plugins": {
        "datasette-cluster-map": {"latitude_column": "lat"},
        "datasette-dashboards": {"trip": {"title": "Another title"}},
        "datasette-render-markdown": {"columns": ["note_en"]},
    }}
    overlaid = make_datasette(built_db, metadata=extra)
    plain = make_datasette(built_db)
    for _ in range(3):
        for table in (None, "events", "notes", "no_such_table"):
            database = "news" if table else None
            config = overlaid.plugin_config("datasette-dashboards", database, table)
            assert config["trip"]["title"] == "Another title"
            assert config["trip"]["charts"] == dashboard["charts"]
            assert overlaid.plugin_config("datasette-cluster-map", database, table) == {
                **site["datasette-cluster-map"], "latitude_column": "lat"}
            assert overlaid.plugin_config("datasette-render-markdown", database, table) == {
                "columns": ["note_en"]}
            assert plain.plugin_config("datasette-dashboards", database, table) == \
                site["datasette-dashboards"]
            assert plain.plugin_config("datasette-cluster-map", database, table) == \
                site["datasette-cluster-map"]
            assert plain.plugin_config("datasette-render-markdown", database, table) is None
    # a consumer changing what it was given changes nothing for the next one
    overlaid.plugin_config("datasette-cluster-map")["latitude_column"] = "changed"
    assert overlaid.plugin_config("datasette-cluster-map")["latitude_column"] == "lat"
