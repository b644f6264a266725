"""Read the curated sources folder into validated records.

Layout (adding an article means adding two files, never changing code):

    sources/registry/organizations.yml   shared by all articles
    sources/registry/people.yml
    sources/registry/places.yml
    sources/articles/<article-id>.txt    the captured article, verbatim
    sources/articles/<article-id>.yml    its curated events, statistics, MOUs, notes
    sources/citations/<source-id>.yml    a report of another outlet, held by reference:
                                         its bibliographic data and its claims
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from newsdb.curated import models
from newsdb.curated.article_text import (
    ArticleFormatError,
    ArticleText,
    Sentence,
    parse_article,
    read_source_text,
    split_sentences,
)
from newsdb.curated.problems import Problems
from newsdb.curated.validation import describe, validate_record
from newsdb.curated.yaml_source import (
    Located,
    LocatedList,
    YamlError,
    line_of,
    load_yaml,
    utf8_error_line,
    utf8_error_message,
)

REGISTRIES = {
    "organizations": models.Organization,
    "people": models.Person,
    "places": models.Place,
}
ARTICLE_SECTIONS = {
    "events": models.Event,
    "statistics": models.Statistic,
    "policies": models.Policy,
    "mous": models.Mou,
    "notes": models.Note,
}
CITATION_SECTIONS = {
    "events": models.CitedEvent,
    "mous": models.CitedMou,
    "statistics": models.CitedStatistic,
    "participants": models.CitedParticipant,
    "claims": models.Claim,
    "notes": models.CitedNote,
}


@dataclass
class Curated:
    """One validated record with where it was written."""

    record: object
    file: str
    line: int | None
    # The mapping as written, kept only when read with lines (a Located), to point at
    # its keys; None otherwise: a clean build never needs it, and the mappings were
    # an eighth of its peak memory at 1,000 articles.
    raw: dict | None

    def line_of(self, name: str) -> int | None:
        return line_of(self.raw, name)


@dataclass
class Article:
    meta: models.ArticleMeta
    text: ArticleText
    sentences: dict[str, Sentence]
    file: str
    source_file: Path
    sections: dict[str, list[Curated]] = field(default_factory=dict)
    # Ids written in each section, including records that failed validation.
    declared: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class Citation:
    meta: models.CitationMeta
    file: str
    raw: dict
    sections: dict[str, list[Curated]] = field(default_factory=dict)
    declared: dict[str, set[str]] = field(default_factory=dict)

    def line_of(self, name: str) -> int | None:
        return line_of(self.raw, name)


@dataclass
class Sources:
    registries: dict[str, dict[str, Curated]]
    articles: ArticleStream
    citations: list[Citation] = field(default_factory=list)
    # Ids written in each registry, including records that failed validation, or None
    # when the file could not be read. A reference to such an id is not reported again
    # as unknown: one mistake gives one error, not one per reference.
    declared: dict[str, set[str] | None] = field(default_factory=dict)
    # Likewise the fact ids written in an article file that is not handed out (its text
    # or header could not be read; whoever reads the others notes their `declared`);
    # None for a table when an article file could not be read at all. Complete once the
    # articles have been gone through.
    unread: dict[str, set[str] | None] = field(default_factory=dict)


class ArticleStream:
    """The article files, each read and checked when it is reached, and once: whoever
    goes through them keeps what it makes of an article, not the article. (The build
    keeps its rows; every article's records held until the rows were made left the
    memory they took in scattered use afterwards.) Reading problems are added to
    `problems`, and the ids of unreadable files to `unread`, as the files are reached."""

    def __init__(self, root: Path, folder: Path, names: list[str], problems: Problems,
                 with_lines: bool, unread: dict[str, set[str] | None]):
        # The files' names, not a Path each: held through the whole build, a Path object
        # per article is several times the size of its name.
        self.root, self.folder, self.names, self.problems = root, folder, names, problems
        self.with_lines, self.unread = with_lines, unread
        self.started = False

    def __len__(self) -> int:
        """The article files (an unreadable one is reached but not handed out)."""
        return len(self.names)

    def __iter__(self) -> Iterator[Article]:
        if self.started:
            raise RuntimeError("the articles are read once")
        self.started = True
        for name in self.names:
            article = _read_article(self.root, self.folder / name, self.problems, self.with_lines,
                                    self.unread)
            if article is not None:
                yield article


def read_sources(root: Path, problems: Problems, with_lines: bool = False) -> Sources:
    """Every source, checked; the articles are read (and their problems found) as they
    are gone through. Records know their lines only `with_lines` (slower: for
    reporting problems)."""
    registries, declared = {}, {}
    for name, model in REGISTRIES.items():
        registries[name], declared[name] = _read_registry(root, name, model, problems,
                                                          with_lines)
    articles_dir = root / "articles"
    # A draft (<id>.draft.yml, written by `newsdb draft`) is built once renamed to <id>.yml.
    article_files = sorted(p.name for p in articles_dir.glob("*.yml")
                           if not p.name.endswith(".draft.yml")) if articles_dir.is_dir() else []
    if not article_files:
        problems.add(_display(articles_dir, root), None, None, None,
                     "expected at least one article file <article-id>.yml")
    # The ids of an article that cannot be read still count as declared: a citation's
    # claim about one of its facts is not an error of the citation.
    unread: dict[str, set[str] | None] = {}
    articles = ArticleStream(root, articles_dir, article_files, problems, with_lines, unread)
    citations_dir = root / "citations"
    # A citation draft (<id>.draft.yml, written by `newsdb cite`) likewise, once renamed.
    citation_files = sorted(p for p in citations_dir.glob("*.yml")
                            if not p.name.endswith(".draft.yml")) if citations_dir.is_dir() else []
    citations = [c for c in (_read_citation(root, path, problems, with_lines)
                             for path in citation_files) if c]
    return Sources(registries, articles, citations, declared, unread)


def read_registries(root: Path, problems: Problems) -> dict[str, dict[str, Curated]]:
    """The validated registries alone (for the draft of a new article)."""
    return {name: _read_registry(root, name, model, problems, False)[0]
            for name, model in REGISTRIES.items()}


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _read_list(path: Path, root: Path, problems: Problems, what: str,
               with_lines: bool) -> list | None:
    file = _display(path, root)
    if not path.is_file():
        problems.add(file, None, None, None, f"file is missing: expected the {what}")
        return None
    try:
        data = load_yaml(path, with_lines)
    except YamlError as error:
        problems.add(file, error.line, None, None, str(error))
        return None
    if data is None:
        # An empty file must not pass as "nothing to add": that would silently drop an
        # article or a whole registry from the database.
        problems.add(file, None, None, None, f"file is empty: expected the {what}")
    return data


def _read_registry(root: Path, name: str, model, problems: Problems,
                   with_lines: bool) -> tuple[dict[str, Curated], set[str] | None]:
    path = root / "registry" / f"{name}.yml"
    file = _display(path, root)
    data = _read_list(path, root, problems, f"{name} registry (a YAML list of records)",
                      with_lines)
    if data is None:
        return {}, None
    if not isinstance(data, list):
        problems.add(file, getattr(data, "line", 1), None, None,
                     f"expected a YAML list of {name} records, got {describe(data)}")
        return {}, None
    declared: set[str] = set()
    return _collect(data, model, file, problems, name, declared), declared


def _collect(items: list, model, file: str, problems: Problems, what: str,
             declared: set[str]) -> dict[str, Curated]:
    records: dict[str, Curated] = {}
    for index, raw in enumerate(items):
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            declared.add(raw["id"])
        line = items.line_of_item(index) if isinstance(items, LocatedList) else None
        record = validate_record(model, raw, file, problems, what, line)
        if record is None:
            continue
        if record.id in records:
            first = records[record.id].line
            problems.add(file, line_of(raw, "id"), record.id, "id",
                         f"duplicate id: already used at line {first}")
            continue
        records[record.id] = Curated(record, file, line_of(raw),
                                     raw if isinstance(raw, Located) else None)
    return records


def _read_article(root: Path, path: Path, problems: Problems, with_lines: bool,
                  unread: dict[str, set[str]] | None = None) -> Article | None:
    file = _display(path, root)
    data = _read_list(path, root, problems, "article file", with_lines)
    shell = data and validate_record(models.ArticleFile, data, file, problems,
                                     "an article file")
    if not shell:
        # Which facts the file declares is unknown: references to facts are not checked.
        for section in ARTICLE_SECTIONS:
            if unread is not None:
                unread[section] = None
        return None
    meta = validate_record(models.ArticleMeta, data["article"], file, problems, "article")
    # The sections are checked even when the header or the text is wrong, so that one
    # run reports every problem.
    sections, declared = {}, {}
    for section, model in ARTICLE_SECTIONS.items():
        declared[section] = set()
        items = data.get(section) or []
        sections[section] = list(
            _collect(items, model, file, problems, section, declared[section]).values())
    if meta is None:
        return _not_handed_out(declared, unread)
    if meta.id != path.stem:
        problems.add(file, line_of(data["article"], "id"), meta.id, "id",
                     f"expected the article id to equal the file name '{path.stem}'")
    text_path = path.parent / meta.source_file
    if not text_path.is_file():
        problems.add(file, line_of(data["article"], "source_file"), meta.id, "source_file",
                     f"article text file {_display(text_path, root)} is missing: expected "
                     "the verbatim article beside this file")
        return _not_handed_out(declared, unread)
    text = _read_article_text(text_path, root, meta, problems)
    if text is None:
        return _not_handed_out(declared, unread)
    sentences = {s.key: s for s in split_sentences(text.paragraphs)}
    return Article(meta, text, sentences, file, text_path, sections, declared)


def _not_handed_out(declared: dict[str, set[str]], unread: dict[str, set[str]] | None) -> None:
    """An article that cannot be handed out still declares its ids (Sources.unread)."""
    for section, ids in declared.items():
        if unread is not None and unread.get(section, set()) is not None:
            unread.setdefault(section, set()).update(ids)
    return None


def _read_article_text(path: Path, root: Path, meta, problems: Problems) -> ArticleText | None:
    file = _display(path, root)
    raw = path.read_bytes()
    try:
        text = read_source_text(raw)
    except UnicodeDecodeError as error:
        problems.add(file, utf8_error_line(raw, error), meta.id, None,
                     utf8_error_message(error))
        return None
    if not text.strip():
        problems.add(file, None, meta.id, None, "article text file is empty")
        return None
    try:
        return parse_article(text, meta.utc_offset.replace(":", ""), meta.drop_paragraphs)
    except ArticleFormatError as error:
        problems.add(file, error.line, meta.id, None, str(error))
        return None


def read_article_sentences(root: Path, article: str, problems: Problems) -> list[Sentence] | None:
    """The sentences of one article, for curators choosing sentence keys. `article` is an
    article id under root/articles, or the path of its .yml or .txt file; a .txt without
    a curated .yml beside it is read as KST with no paragraphs dropped."""
    path = Path(article)
    if path.suffix not in (".yml", ".txt"):
        path = root / "articles" / f"{article}.yml"
    yml = path.with_suffix(".yml")
    if yml.is_file():
        found = _read_article(root, yml, problems, with_lines=True)
        return list(found.sentences.values()) if found else None
    txt = path.with_suffix(".txt")
    if not txt.is_file():
        problems.add(_display(path, root), None, None, None,
                     "no such article: expected an article id, or a .yml or .txt file")
        return None
    raw = txt.read_bytes()
    try:
        parsed = parse_article(read_source_text(raw), "+0900", [])
    except UnicodeDecodeError as error:
        problems.add(_display(txt, root), utf8_error_line(raw, error), None, None,
                     utf8_error_message(error))
        return None
    except ArticleFormatError as error:
        problems.add(_display(txt, root), error.line, None, None, str(error))
        return None
    return split_sentences(parsed.paragraphs)


def _read_citation(root: Path, path: Path, problems: Problems,
                   with_lines: bool) -> Citation | None:
    file = _display(path, root)
    data = _read_list(path, root, problems, "citation file", with_lines)
    if data is None:
        return None
    shell = validate_record(models.CitationFile, data, file, problems, "a citation file")
    if shell is None:
        return None
    meta = validate_record(models.CitationMeta, data["citation"], file, problems, "citation")
    sections, declared = {}, {}
    for section, model in CITATION_SECTIONS.items():
        declared[section] = set()
        items = data.get(section) or []
        sections[section] = _collect_items(items, model, file, problems, section,
                                           declared[section])
    if meta is None:
        return None
    _check_claims_of_kind(meta, data, file, problems)
    if meta.id != path.stem:
        problems.add(file, line_of(data["citation"], "id"), meta.id, "id",
                     f"expected the citation id to equal the file name '{path.stem}'")
    return Citation(meta, file, data["citation"], sections, declared)


def _check_claims_of_kind(meta, data: dict, file: str, problems: Problems) -> None:
    """A report states facts (at least one claim, and its URL); a briefing is known only
    through the reports that reproduce it, so its facts are their claims, not its own."""
    where = line_of(data["citation"], "kind") or line_of(data["citation"], "id")
    if meta.kind == "briefing":
        if data.get("claims"):
            problems.add(file, line_of(data, "claims") or where, meta.id, "claims",
                         "a briefing has no claims of its own: expected them in the "
                         "reports based_on it")
        return
    if not data.get("claims"):
        problems.add(file, line_of(data, "claims") or where, meta.id, "claims",
                     f"a {meta.kind} needs at least one claim: expected a list under claims")
    if meta.url is None:
        problems.add(file, where, meta.id, "url",
                     f"a {meta.kind} needs its url (only a briefing may have none)")


def _collect_items(items: list, model, file: str, problems: Problems, what: str,
                   declared: set[str]) -> list[Curated]:
    """Records with an id are collected by id (duplicates reported); claims have none."""
    if "id" in model.model_fields:
        return list(_collect(items, model, file, problems, what, declared).values())
    found = []
    for index, raw in enumerate(items):
        line = items.line_of_item(index) if isinstance(items, LocatedList) else None
        record = validate_record(model, raw, file, problems, what, line)
        if record is not None:
            found.append(Curated(record, file, line_of(raw) or line, raw))
    return found
