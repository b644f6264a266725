# news.db: `make serve` sets everything up and serves the site; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
SOURCES := $(shell find sources newsdb -type f -not -name '*.pyc') build_db.py

.PHONY: install build serve test clean export

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(INSTALLED)

install: $(INSTALLED)

news.db: $(INSTALLED) $(SOURCES)
	$(PY) build_db.py --output news.db

build: news.db

serve: news.db
	$(PY) -m newsdb.serving --db news.db --port 8001

# export/: datapackage.json, CSV, spreadsheet CSV and Parquet of news.db (README: Exports).
export: news.db
	$(PY) -m newsdb.export --db news.db export

test: $(INSTALLED)
	$(PY) -m pytest

clean:
	rm -rf $(VENV) news.db .news.db.building inspect-data.json .pytest_cache test-output export
