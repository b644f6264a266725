"""Korean-aware searching, the part needed when a query is typed: the analyser and the
FTS5 expression for what a user typed. The build (newsdb/store/search_index.py) uses the same
analyser to index the rows; the Datasette plugin uses it to read queries.

SQLite's unicode61 tokenizer indexes `샤오미의` and `협력방안을` whole, so a search for
`샤오미` or `협력` misses them. Every indexed row's text is analysed with kiwipiepy (nouns;
compounds whole and split, 기술사업화 -> 기술사업화, 기술, 사업, 사업화; verb and adjective
stems; foreign words; numbers with their units) and the analysis is indexed beside the
text; queries are analysed the same way by `fts_query`, so `샤오미의` finds 샤오미.
"""
from __future__ import annotations

import json
import re
import sqlite3
import threading
from functools import lru_cache
from typing import Iterable

# The one full-text index of news.db (built by newsdb/store/search_index.py).
SEARCH_INDEX = "search_index"

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


class Analyser:
    """kiwipiepy with the registry's names as proper nouns, so they stay whole."""

    def __init__(self, names: tuple[str, ...] = (), workers: int = -1):
        from kiwipiepy import Kiwi, MorphemeSet

        # workers: the threads of kiwipiepy's batch analysis (-1: one per core).
        self.kiwi = Kiwi(num_workers=workers)
        # One Kiwi serves every Datasette worker thread. Reentrant: a batch analysis
        # reads the parts of words (word_parts) while it holds the lock.
        self.lock = threading.RLock()
        self.names = names
        for name in names:
            self.kiwi.add_user_word(name, "NNP")
        # Parts of names are found by analysing them with the names themselves blocked.
        self.names_blocked = MorphemeSet(self.kiwi, [(name, "NNP") for name in names])
        self.parts: dict[str, list[str]] = {}
        self.inside: dict[str, list[str]] = {}  # word -> the names inside it
        # Kiwi builds its model on the first analysis, which takes seconds: do it now, so
        # that a served search never pays for it within the SQL time limit.
        self.kiwi.tokenize(" ".join(names) or "한국어")

    def runs(self, text: str) -> list[list]:
        """Tokens grouped into noun phrases written without a break, and verb stems."""
        with self.lock:
            tokens = self.kiwi.tokenize(text)
        return runs_of(tokens)

    def index_terms_many(self, texts: Iterable[str]) -> list[list[str]]:
        """index_terms of each text, the texts analysed by kiwipiepy's batch API on its
        worker threads (one per core) while this thread reads the tokens of those done.
        Kiwi's analysis of a text does not depend on the batch: the same terms."""
        with self.lock:
            return [self.terms_of(runs_of(tokens)) for tokens in self.kiwi.tokenize(texts)]

    def index_terms(self, text: str) -> list[str]:
        """Every term a search may use to find `text`: each compound whole and each of
        its parts that can stand alone, single nouns, numbers and stems."""
        return self.terms_of(self.runs(text))

    def terms_of(self, runs: list[list]) -> list[str]:
        terms: list[str] = []
        for run in runs:
            terms += compound_parts(run)
            terms += [token.form for token in run if is_word(token)]
            for token in run:
                if tag_of(token) in {"NNG", "NNP"} and len(token.form) > 2:
                    terms += self.word_parts(token.form)
                terms += self.names_inside(token.form)
        return list(dict.fromkeys(terms))

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

    def names_inside(self, word: str) -> list[str]:
        """Registered names inside a longer noun the analyser keeps whole: 대중국 (towards
        China) -> 중국. Kept for each word: every name is tried against it, and the same
        words come back in text after text."""
        found = self.inside.get(word)
        if found is None:
            found = self.inside[word] = [name for name in self.names
                                         if name in word and name != word]
        return found

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


def runs_of(tokens) -> list[list]:
    """Tokens grouped into noun phrases written without a break, and verb stems."""
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
def analyser_for(names: tuple[str, ...], workers: int = -1) -> Analyser:
    # Loading the model takes seconds; reuse it for the same registry.
    return Analyser(names, workers)


def registry_names(conn: sqlite3.Connection) -> tuple[str, ...]:
    """Korean names and aliases of organizations, people and places, in a stable order,
    as a built database holds them."""
    existing = {row[0] for row in conn.execute("select name from sqlite_master")}
    return names_kept_whole(
        (name, json.loads(aliases) if aliases else ())
        for table, (name_column, aliases_column) in NAME_COLUMNS.items() if table in existing
        for name, aliases in conn.execute(f"select {name_column}, {aliases_column} from {table}"))


def names_kept_whole(names_and_aliases: Iterable[tuple[str | None, Iterable[str]]],
                     ) -> tuple[str, ...]:
    """The names the analyser keeps whole, from (name, aliases) pairs, in a stable order.
    Names with spaces are left to the analyser: a user word is a single word."""
    names: set[str] = set()
    for name, aliases in names_and_aliases:
        names.add(name)
        names.update(aliases)
    return tuple(sorted(name for name in names if name and not re.search(r"\s", name)))


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
