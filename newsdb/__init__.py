"""news.db: Korean news reports as a sourced, queryable SQLite database.

The folders are the stages, each importing only the ones before it
(tests/test_architecture.py checks it):

    korean/   numbers, dates and the analyser: the Korean language, nothing of the project
    curated/  reading and validating the sources folder: YAML, models, vocabularies
    facts/    fact and claim rows from the curated records, and their reconciliation
    store/    the table registry, its constraints checked before writing, writing SQLite
              atomically, derived tables, search index
    site/     the Datasette plugin, its metadata, templates and serving
    draft/    proposing a curated file from a new report (a tool beside the stages)

with the tools on top: the command line (cli.py), the exports (export.py), the JSON
Schemas of the curated files (json_schemas.py) and the synthetic corpus of the benchmarks
(synthetic.py).
"""
