# news.db: `make serve` sets everything up and serves the site (PORT=8001 unless given);
# `make test` runs every test; `make test-fast` all but the slow and browser ones.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NEWSDB := $(VENV)/bin/newsdb
PORT ?= 8001
INSTALLED := $(VENV)/.installed
SOURCES := $(shell find sources newsdb -type f -not -name '*.pyc') build_db.py metadata.yml

.PHONY: install build serve test test-fast clean export bench-load bench-scale

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(INSTALLED)

install: $(INSTALLED)

news.db: $(INSTALLED) $(SOURCES)
	$(NEWSDB) build --output news.db

build: news.db

serve: news.db
	$(NEWSDB) serve --db news.db --port $(PORT)

# export/: datapackage.json, CSV, spreadsheet CSV and Parquet of news.db (README: Exports).
export: news.db
	$(NEWSDB) export export --db news.db

test: $(INSTALLED)
	$(PY) -m pytest

# The edit loop: everything but the tests marked slow or browser (pyproject.toml).
test-fast: $(INSTALLED)
	$(PY) -m pytest -m "not slow and not browser"

# Load benchmark against the real server (not a test): prints requests/s, latency, errors.
bench-load: $(INSTALLED)
	$(PY) benchmarks/load.py

# Build figures at 100, 1,000 and 10,000 synthetic articles (benchmarks/README.md).
bench-scale: $(INSTALLED)
	$(PY) benchmarks/build_benchmark.py

clean:
	rm -rf $(VENV) news.db .news.db.building .news.db.staging inspect-data.json .pytest_cache test-output export
