"""Full-text search, built: one FTS5 index, `search_index`, over every table that
newsdb/store/tables.yml gives `search` columns.

Each row of a searched table is one row of the index, under the row's own rowid (every
table's rowids lie in a block of their own, see newsdb/store/sqlite.py): `text` holds the
row's searched columns as written, `search_text` the Korean analysis of them
(newsdb/korean/analyser.py). Datasette's `?_search=` on a table reads the index through the
plugin's filters_from_request (newsdb/site/table_search.py); the
`search` canned query reads it directly. The analysis lives only in the index, which is
hidden: it is no column of a public table and in no export.

One index instead of one per table: a Datasette page lists every table of the database,
and nine FTS5 tables brought 45 shadow tables with them.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from newsdb.curated.progress import progress
from newsdb.korean import analyser as analysis
from newsdb.korean.analyser import (SEARCH_INDEX, Analyser, analyser_for, registry_names,
                                     search_text)
from newsdb.store.registry import SEARCHED_TABLES

if TYPE_CHECKING:  # sqlite_utils takes half a second to import; a failing build needs none
    import sqlite_utils

# unicode61 folds case and (remove_diacritics 2) accents; porter stems English words
# (patents -> patent) and leaves Korean tokens as they are.
TOKENIZE = "porter unicode61 remove_diacritics 2"
# The analysis of each row, kept between the two finishers on the build's connection
# only: a TEMP table is never written into news.db.
ANALYSED = "temp.search_texts"
CREATE_INDEX = f"""CREATE VIRTUAL TABLE {SEARCH_INDEX} USING fts5(
    table_name UNINDEXED, row_id UNINDEXED, label UNINDEXED, text, search_text,
    tokenize = '{TOKENIZE}'
)"""
TEXT_SEPARATOR = "\n"


CACHE_ENV = "NEWSDB_ANALYSIS_CACHE"
# The threads of the analysis: a number, or unset for one per core. The output is the
# same for any number (tests/test_search.py).
WORKERS_ENV = "NEWSDB_ANALYSIS_WORKERS"
# The searched rows analysed together: enough texts for every core's batch, few enough
# that their analyses are a small part of the build's memory.
ROWS_AT_ONCE = 20_000


def analysis_workers() -> int:
    return int(os.environ.get(WORKERS_ENV) or -1)


def cache_path() -> Path | None:
    """Where analyses are kept between builds: $NEWSDB_ANALYSIS_CACHE, 'off' for nowhere;
    by default the user's cache folder ($XDG_CACHE_HOME or ~/.cache), never the package's."""
    value = os.environ.get(CACHE_ENV)
    if value == "off":
        return None
    if value:
        return Path(value)
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(home) / "newsdb" / "search-analysis.sqlite"


class AnalysisCache:
    """The index terms of every text already analysed, so that a rebuild analyses only new
    or changed text. The analysis is a pure function of the text, this module's code,
    kiwipiepy and its model, and the registry's names: all of them are in the key, so a
    cached answer is the answer the analyser would give, and the output is the same bytes.
    Without any miss the analyser's model is never loaded (it takes seconds)."""

    def __init__(self, path: Path | None, names: tuple[str, ...], workers: int = -1,
                 make_analyser=None):
        self.names = names
        self.workers = workers
        # make_analyser(): an analyser of this cache's own, made at the first miss,
        # instead of the one shared by every cache of these names.
        self.make_analyser = make_analyser
        self.own: Analyser | None = None
        salt = hashlib.sha256(Path(analysis.__file__).read_bytes())
        for part in (version("kiwipiepy"), version("kiwipiepy_model"), *names):
            salt.update(b"\0" + part.encode())
        self.salt = salt.digest()
        self.found: dict[str, list[str]] = {}  # texts read from the cache
        self.missed: dict[str, list[str]] = {}  # texts analysed in this build
        self.conn = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(path, timeout=60)
            self.conn.execute("create table if not exists terms "
                              "(key blob primary key, terms text not null) without rowid")

    def prefetch(self, texts) -> None:
        """Look every text up at once: one query per 500 keys, not one per text (a
        rebuild spent most of its analysis time in single look-ups)."""
        if self.conn is None:
            return
        keys = {self._key(text): text for text in set(texts)
                if text not in self.found and text not in self.missed}
        wanted = list(keys)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            for key, terms in self.conn.execute(
                    f"select key, terms from terms where key in ({marks})", chunk):
                self.found[keys[key]] = json.loads(terms)

    def analyse_missing(self, texts) -> None:
        """Analyse every text neither found nor analysed yet, in batches on every core,
        in a stable order (the first time each text comes)."""
        missing = [text for text in dict.fromkeys(texts)
                   if text not in self.found and text not in self.missed]
        if not missing:
            return
        self.missed.update(zip(missing, self.analyser().index_terms_many(missing)))

    def index_terms(self, text: str) -> list[str]:
        known = self.found.get(text)
        if known is None:
            known = self.missed.get(text)
        if known is not None:
            return known
        row = self.conn and self.conn.execute(
            "select terms from terms where key = ?", (self._key(text),)).fetchone()
        if row:
            terms = self.found[text] = json.loads(row[0])
            return terms
        terms = self.missed[text] = self.analyser().index_terms(text)
        return terms

    def analyser(self) -> Analyser:
        if self.make_analyser is not None:
            self.own = self.own or self.make_analyser()
            return self.own
        # The default as the site asks for it (one cache entry, one model loaded).
        if self.workers == -1:
            return analyser_for(self.names)
        return analyser_for(self.names, self.workers)

    def _key(self, text: str) -> bytes:
        return hashlib.sha256(self.salt + text.encode()).digest()

    def keep(self) -> None:
        """Write the analyses made so far to the cache file and forget what was read and
        analysed, so that memory holds one batch's (a text that comes again is found in
        the file). Without a file every analysis stays: it is where a repeat is found."""
        if self.conn is None:
            return
        self._write()
        self.found, self.missed = {}, {}

    def save(self) -> None:
        """Write the analyses made to the cache file, and close it."""
        if self.conn is None:
            return
        self._write()
        self.conn.close()

    def _write(self) -> None:
        with self.conn:
            self.conn.executemany(
                "insert or ignore into terms values (?, ?)",
                [(self._key(text), json.dumps(terms, ensure_ascii=False))
                 for text, terms in self.missed.items()])


def add_search_texts(db: sqlite_utils.Database) -> None:
    """Finisher: the Korean analysis of every searched row, into a TEMP table for
    build_search_index, a batch of rows at a time (each batch's analyses are written to
    the cache and let go: the whole corpus's were the build's peak of memory)."""
    cache = AnalysisCache(cache_path(), registry_names(db.conn), analysis_workers())
    db.execute("CREATE TEMP TABLE IF NOT EXISTS search_texts "
               "(rowid INTEGER PRIMARY KEY, search_text TEXT)")
    for table in SEARCHED_TABLES:
        count = db.execute(f"select count(*) from [{table.name}]").fetchone()[0]
        batches = progress(searched_batches(db, table.name, table.search),
                           f"Korean analysis of {table.name}", unit="batch",
                           total=-(-count // ROWS_AT_ONCE))
        for batch in batches:
            texts = texts_of(values for _, *values in batch)
            cache.prefetch(texts)
            cache.analyse_missing(texts)
            db.conn.executemany(
                f"INSERT INTO {ANALYSED} (rowid, search_text) VALUES (?, ?)",
                [(rowid, search_text(dict(zip(table.search, values)), cache.index_terms))
                 for rowid, *values in batch])
            cache.keep()
    cache.save()


def texts_of(searched_values) -> list[str]:
    """The texts a searched row's values give the analysis: each value there is, as text
    (what search_text asks the analysis of)."""
    return [str(value) for values in searched_values for value in values if value]


def build_search_index(db: sqlite_utils.Database) -> None:
    """Finisher, after add_search_texts: every searched row into `search_index`, its
    text and its analysis, under its own rowid."""
    db.execute(CREATE_INDEX)
    for table in SEARCHED_TABLES:
        text = f" || '{TEXT_SEPARATOR}' || ".join(
            f"coalesce([{column}], '')" for column in table.search)
        label = f"[{table.label}]" if table.label else "t.id"
        db.execute(f"""
            INSERT INTO {SEARCH_INDEX} (rowid, table_name, row_id, label, text, search_text)
            SELECT t.rowid, '{table.name}', t.id, {label}, {text}, a.search_text
            FROM [{table.name}] t LEFT JOIN {ANALYSED} a ON a.rowid = t.rowid
            ORDER BY t.rowid""")
    db.execute(f"DROP TABLE IF EXISTS {ANALYSED}")
    # One segment: queries read one b-tree instead of merging several.
    db.execute(f"INSERT INTO {SEARCH_INDEX} ({SEARCH_INDEX}) VALUES ('optimize')")


# Two steps, so that the benchmarks can tell the analysis from the indexing.
SEARCH_FINISHERS = [add_search_texts, build_search_index]


def searched_batches(db: sqlite_utils.Database, table: str, columns: tuple[str, ...]):
    """(rowid, *text columns) of every row, in rowid order, ROWS_AT_ONCE at a time."""
    selected = ", ".join(f'"{column}"' for column in columns)
    rows = db.execute(f'select rowid, {selected} from "{table}" order by rowid')
    while batch := rows.fetchmany(ROWS_AT_ONCE):
        yield batch
