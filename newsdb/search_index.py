"""Korean-aware full-text search: a `search_text` column and an FTS5 table per table.

SQLite's unicode61 tokenizer indexes `샤오미의` and `협력방안을` whole, so a search for
`샤오미` or `협력` misses them. At build time every indexed row gets `search_text`: the
kiwipiepy analysis of its text (nouns; compounds whole and split, 기술사업화 -> 기술사업화,
기술, 사업, 사업화; verb and adjective stems; foreign words; numbers with their units).
`<table>_fts` indexes the row's own text columns plus `search_text`, with the row's
table as content table, so Datasette finds it and `?_search=` works without plugins.
Queries are analysed the same way by `fts_query` (plugins/korean_search.py makes
Datasette use it), so `샤오미의` finds the rows about 샤오미.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import threading
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import sqlite_utils

# unicode61 folds case and (remove_diacritics 2) accents; porter stems English words
# (patents -> patent) and leaves Korean tokens as they are.
TOKENIZE = "porter unicode61 remove_diacritics 2"

# The text columns indexed per table (the row's own words, Korean, English, Chinese).
SEARCH_COLUMNS: dict[str, tuple[str, ...]] = {
    "events": ("title_ko", "title_en", "description_en", "quote"),
    "statistics": ("indicator_ko", "indicator_en", "value_text_ko", "period_ko", "rank_ko",
                   "quote"),
    "organizations": ("name_ko", "name_en", "name_zh", "aliases_ko", "description_en"),
    "people": ("name_ko", "name_en", "name_zh", "title_ko", "title_en"),
    "places": ("name_ko", "name_en", "name_zh", "aliases_ko"),
    "policies": ("name_ko", "name_as_written", "name_zh", "name_en", "period_ko",
                 "description_en", "quote"),
    "mous": ("title_ko", "title_en", "quote"),
    "notes": ("note_en", "quote"),
    "sentences": ("text_ko",),
}
ANALYSIS_COLUMN = "search_text"
# Where the names the analyser must keep whole are: name column, aliases (a JSON list).
NAME_COLUMNS = {"organizations": ("name_ko", "aliases_ko"), "people": ("name_ko", "null"),
                "places": ("name_ko", "aliases_ko")}

# Tags that make up a noun phrase; a run of them written without a break is a compound.
NOUNS = {"NNG", "NNP", "NNB", "NR", "SN", "SL", "SH", "XR", "W_SERIAL"}
AFFIXES = {"XPN", "XSN"}
# A part of a compound may start at one of these; not at a suffix (화), a bound noun
# (명) or a numeral word (만), which alone would match unrelated numbers and words.
PART_STARTS = {"NNG", "NNP", "SL", "SH", "XR", "SN"}
STEMS = {"VV", "VA"}
NUMBER = {"SN", "NR"}
HANGUL = re.compile("[\uac00-\ud7a3]")


def fts_table(table: str) -> str:
    return f"{table}_fts"


def search_sql(table: str) -> str:
    """The ids `?_search=` shows on a table page: Datasette's own SQL, for an already
    escaped MATCH expression."""
    fts = fts_table(table)
    return (f'select id from "{table}" where rowid in '
            f'(select rowid from "{fts}" where "{fts}" match ?)')


class Analyser:
    """kiwipiepy with the registry's names as proper nouns, so they stay whole."""

    def __init__(self, names: tuple[str, ...] = ()):
        from kiwipiepy import Kiwi, MorphemeSet

        self.kiwi = Kiwi()
        # One Kiwi serves every Datasette worker thread.
        self.lock = threading.Lock()
        self.names = names
        for name in names:
            self.kiwi.add_user_word(name, "NNP")
        # Parts of names are found by analysing them with the names themselves blocked.
        self.names_blocked = MorphemeSet(self.kiwi, [(name, "NNP") for name in names])
        self.parts: dict[str, list[str]] = {}
        # Kiwi builds its model on the first analysis, which takes seconds: do it now, so
        # that a served search never pays for it within the SQL time limit.
        self.kiwi.tokenize(" ".join(names) or "한국어")

    def runs(self, text: str) -> list[list]:
        """Tokens grouped into noun phrases written without a break, and verb stems."""
        with self.lock:
            tokens = self.kiwi.tokenize(text)
        runs: list[list] = []
        previous = None  # the token before, when it ended a run
        for token in tokens:
            tag = tag_of(token)
            joins = previous is not None and previous.start + previous.len == token.start \
                and tag_of(previous) in NOUNS | AFFIXES and (tag in NOUNS or tag in AFFIXES)
            if joins:
                runs[-1].append(token)
            elif tag in NOUNS or tag in STEMS:
                runs.append([token])
            previous = token if runs and runs[-1][-1] is token else None
        return runs

    def word_parts(self, word: str) -> list[str]:
        """The words inside a long noun kept whole, a name (창업카페 -> 창업, 카페) or a
        compound read as one word in some context (과학기술 -> 과학, 기술); none inside a
        transliteration (레이쥔, 중관촌)."""
        if word not in self.parts:
            with self.lock:
                tokens = self.kiwi.tokenize(word, blocklist=self.names_blocked)
            words = len(tokens) > 1 and all(
                tag_of(t) in {"NNG", "NNP"} and len(t.form) > 1 for t in tokens)
            self.parts[word] = [p for p in compound_parts(tokens) if p != word] if words else []
        return self.parts[word]

    def index_terms(self, text: str) -> list[str]:
        """Every term a search may use to find `text`: each compound whole and each of
        its parts that can stand alone, single nouns, numbers and stems."""
        terms: list[str] = []
        for run in self.runs(text):
            terms += compound_parts(run)
            terms += [token.form for token in run if is_word(token)]
            for token in run:
                if tag_of(token) in {"NNG", "NNP"} and len(token.form) > 2:
                    terms += self.word_parts(token.form)
                terms += self.names_inside(token.form)
        return list(dict.fromkeys(terms))

    def names_inside(self, word: str) -> list[str]:
        """Registered names inside a longer noun the analyser keeps whole: 대중국 (towards
        China) -> 중국."""
        return [name for name in self.names if name in word and name != word]

    def query_terms(self, word: str) -> list[str]:
        """The words a search for `word` looks for: its noun phrases and stems, without
        particles and endings (샤오미의 -> 샤오미, 협력방안을 -> 협력방안)."""
        return ["".join(token.form for token in run) for run in self.runs(word)]

    def search_text(self, row: dict) -> str | None:
        return search_text(row, self.index_terms)


def search_text(row: dict, index_terms) -> str | None:
    """The analysis of a row's text columns. English and Chinese columns are indexed as
    written; from them only the Korean words they quote are analysed."""
    terms = []
    for column, value in row.items():
        if not value:
            continue
        found = index_terms(str(value))
        terms += found if is_korean_column(column) else [t for t in found if HANGUL.search(t)]
    return " ".join(dict.fromkeys(terms)) or None


def is_korean_column(column: str) -> bool:
    return column.endswith("_ko") or column == "quote"


def tag_of(token) -> str:
    return token.tag.split("-")[0]  # VV-R, VA-I: irregular conjugations


def is_word(token) -> bool:
    """Single nouns indexed on their own; numeral words (만, 천) and one-syllable bound
    nouns (명, 위) only inside their number (324만7천명, 1위)."""
    tag = tag_of(token)
    return tag in NOUNS and tag != "NR" and (tag != "NNB" or len(token.form) > 1)


def compound_parts(run: list) -> list[str]:
    """The compound whole and every part of it that starts at a word (기술사업화 ->
    기술사업화, 기술사업, 기술, 사업화, 사업). Numbers are kept whole: 324만7천명 gives
    neither 7천명 nor 324만."""
    forms = [token.form for token in run]
    tags = [tag_of(token) for token in run]
    parts = ["".join(forms)]
    for start, tag in enumerate(tags):
        if tag not in PART_STARTS or (tag == "SN" and start > 0 and tags[start - 1] in NUMBER):
            continue
        for end in range(len(run), start, -1):
            if tags[end - 1] not in NUMBER or end == len(run):
                parts.append("".join(forms[start:end]))
    return parts


@lru_cache(maxsize=4)
def analyser_for(names: tuple[str, ...]) -> Analyser:
    # Loading the model takes seconds; reuse it for the same registry.
    return Analyser(names)


def registry_names(conn: sqlite3.Connection) -> tuple[str, ...]:
    """Korean names and aliases of organizations, people and places, in a stable order.
    Names with spaces are left to the analyser: a user word is a single word."""
    names: set[str] = set()
    existing = {row[0] for row in conn.execute("select name from sqlite_master")}
    for table, (name_column, aliases_column) in NAME_COLUMNS.items():
        if table not in existing:
            continue
        for name, aliases in conn.execute(f"select {name_column}, {aliases_column} from {table}"):
            names.add(name)
            names.update(json.loads(aliases) if aliases else [])
    return tuple(sorted(name for name in names if name and not re.search(r"\s", name)))


CACHE_ENV = "NEWSDB_ANALYSIS_CACHE"
DEFAULT_CACHE = Path(__file__).resolve().parent.parent / ".cache" / "search-analysis.sqlite"


def cache_path() -> Path | None:
    """Where analyses are kept between builds: $NEWSDB_ANALYSIS_CACHE, 'off' for nowhere."""
    value = os.environ.get(CACHE_ENV)
    if value == "off":
        return None
    return Path(value) if value else DEFAULT_CACHE


class AnalysisCache:
    """The index terms of every text already analysed, so that a rebuild analyses only new
    or changed text. The analysis is a pure function of the text, this module's code,
    kiwipiepy and its model, and the registry's names: all of them are in the key, so a
    cached answer is the answer the analyser would give, and the output is the same bytes.
    Without any miss the analyser's model is never loaded (it takes seconds)."""

    def __init__(self, path: Path | None, names: tuple[str, ...]):
        self.names = names
        salt = hashlib.sha256(Path(__file__).read_bytes())
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
        terms = self.missed[text] = analyser_for(self.names).index_terms(text)
        return terms

    def _key(self, text: str) -> bytes:
        return hashlib.sha256(self.salt + text.encode()).digest()

    def save(self) -> None:
        if self.conn is None:
            return
        with self.conn:
            self.conn.executemany(
                "insert or ignore into terms values (?, ?)",
                [(self._key(text), json.dumps(terms, ensure_ascii=False))
                 for text, terms in self.missed.items()])
        self.conn.close()


def add_search_texts(db: sqlite_utils.Database) -> None:
    """Finisher: the Korean analysis of every searched row, into its `search_text`."""
    cache = AnalysisCache(cache_path(), registry_names(db.conn))
    selected = {table: searched_values(db, table, columns)
                for table, columns in SEARCH_COLUMNS.items()}
    cache.prefetch(str(value) for rows in selected.values()
                   for _, *values in rows for value in values if value)
    for table, columns in SEARCH_COLUMNS.items():
        db[table].add_column(ANALYSIS_COLUMN, str)
        db.conn.executemany(
            f'update "{table}" set {ANALYSIS_COLUMN} = ? where rowid = ?',
            [(search_text(dict(zip(columns, values)), cache.index_terms), rowid)
             for rowid, *values in selected[table]],
        )
    cache.save()


def build_search_index(db: sqlite_utils.Database) -> None:
    """Finisher, after add_search_texts: `<table>_fts` over each searched table's text
    columns and `search_text`."""
    for table, columns in SEARCH_COLUMNS.items():
        # No triggers: news.db is rebuilt from its sources, never edited in place.
        db[table].enable_fts([*columns, ANALYSIS_COLUMN], tokenize=TOKENIZE)


# Two steps, so that the benchmarks can tell the analysis from the indexing.
SEARCH_FINISHERS = [add_search_texts, build_search_index]


def searched_values(db: sqlite_utils.Database, table: str, columns: tuple[str, ...]) -> list:
    """(rowid, *text columns) of every row, in rowid order."""
    selected = ", ".join(f'"{column}"' for column in columns)
    return db.execute(f'select rowid, {selected} from "{table}" order by rowid').fetchall()


_QUERY_BITS = re.compile(r'\s+|(".*?")')


def quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts_query(query: str, analyser: Analyser) -> str:
    """An FTS5 MATCH expression for what a user typed, in the spirit of Datasette's
    escape_fts: words are ANDed, "quoted phrases" kept as they are, and each other word
    matches as written OR as its analysis (협력을 -> "협력을" OR "협력")."""
    if query.count('"') % 2:
        query += '"'
    parts = []
    for bit in _QUERY_BITS.split(query):
        if not bit or bit == '""':
            continue
        if bit.startswith('"'):
            parts.append(bit)
            continue
        terms = analyser.query_terms(bit)
        if not terms or terms == [bit]:
            parts.append(quote(bit))
        else:
            analysed = " AND ".join(quote(term) for term in terms)
            parts.append(f"({quote(bit)} OR ({analysed}))")
    # FTS5 allows no implicit AND next to a parenthesised group, so it is spelled out.
    # A blank search matches nothing ('""') instead of being an FTS5 syntax error.
    return " AND ".join(parts) or '""'
