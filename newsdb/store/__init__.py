"""The store: the table registry (registry.py, tables.yml), the atomic build (build.py)
writing SQLite (sqlite.py), then the derived tables (derived.py) and the full-text index
(search_index.py)."""
