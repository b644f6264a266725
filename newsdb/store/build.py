"""Build news.db: read and check every source, then write the database atomically."""
from __future__ import annotations

import gc
import json
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path

from newsdb.facts.rows import build_rows
from newsdb.curated.problems import Problems
from newsdb.curated.reader import read_sources
from newsdb.curated.site_prose import read_site_prose
from newsdb.facts.origins import Origins
from newsdb.store import analysis_ahead
from newsdb.store.analysis_ahead import AnalysisAhead, curated_names
from newsdb.store.constraints import check_constraints
from newsdb.store.registry import Registry, default_registry
from newsdb.store.search_index import add_search_texts, cache_path
from newsdb.store.staging import STAGED, Stage, staging_path


def collect(sources_dir: Path, origins: Origins | None = None,
            registry: Registry | None = None, stage: Stage | None = None,
            ahead: bool = False) -> tuple[dict[str, list[dict]] | None, Problems]:
    """Read and check everything, down to every constraint the database enforces; rows
    are returned only when there is no problem, and `origins` (when given) learns where
    each came from. Sources are read without line numbers first (a clean build never
    needs them); when that finds problems, they are read again with lines and the
    problems of that second reading, the same ones, are the ones reported. With a
    `stage`, the tables of store/staging.py's STAGED are kept in its file, not in memory
    (each reading makes them anew); with `ahead` too, the Korean analysis of their
    searched texts is made as they are staged, for the write (store/analysis_ahead.py;
    a check that writes nothing does not ask for it)."""
    problems = Problems()
    if not sources_dir.is_dir():
        problems.add(str(sources_dir), None, None, None, "sources folder is missing")
        return None, problems
    registry = registry or default_registry()
    first = origins if origins is not None else Origins()
    tables = _read_and_check(sources_dir, problems, False, first, registry, stage, ahead)
    if not problems:
        return tables, problems
    problems = Problems()
    _read_and_check(sources_dir, problems, True, Origins(), registry, stage)
    if not problems:
        problems.add(str(sources_dir), None, None, None,
                     "the sources changed while the build read them: run it again")
    return None, problems


def _read_and_check(sources_dir: Path, problems: Problems, with_lines: bool,
                    origins: Origins, registry: Registry, stage: Stage | None = None,
                    ahead: bool = False):
    def make_table(name: str):
        if stage is None or name not in STAGED:
            return []
        return stage.table(registry.by_name[name], origins)

    with garbage_collector_paused():
        try:
            sources = read_sources(sources_dir, problems, with_lines)
            if ahead and stage is not None and not problems:
                analyse_ahead(stage, sources)
            # The articles are read as the rows are made.
            tables = build_rows(sources, problems, origins, make_table,
                                stage.declared_ids if stage is not None else None)
        except OSError as error:
            # A disk or permission error, not a curator's mistake: one line, no traceback.
            problems.add(error.filename or str(sources_dir), None, None, None,
                         f"cannot read the sources: {error.strerror or error}")
            if stage is not None:
                stage.stop_analysis()
            return None
        if not problems:
            check_constraints(tables, registry, origins, problems, str(sources_dir))
        if stage is None:
            return tables
        if problems:
            stage.stop_analysis()  # nothing will be written
        elif stage.ahead is not None:
            # The tables held in memory (the registries) were never staged.
            for table in registry.searched_tables:
                if isinstance(tables.get(table.name), list):
                    stage.ahead.add(table, tables[table.name])
        return tables


def analyse_ahead(stage: Stage, sources) -> None:
    """Have the texts of the searched rows analysed as they are staged, into the
    analysis cache, on another core (store/analysis_ahead.py); not without a cache."""
    path = cache_path()
    if path is not None and analysis_ahead.wanted():
        stage.ahead = AnalysisAhead(path, curated_names(sources.registries))



@contextmanager
def garbage_collector_paused():
    """Reading creates millions of long-lived objects and no garbage cycles worth
    collecting; the cyclic collector rescanning that growing heap was half of the time
    of reading 1,000 articles (14.0 CPU s with it, 6.5 s without) and grew with N."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def site_metadata_rows(prose: dict) -> list[dict]:
    """The site's prose (metadata.yml as read) as the one row of `site_metadata`."""
    return [{"id": "site", "json": json.dumps(prose, ensure_ascii=False)}]


def build(sources_dir: Path, output: Path, finishers=(), site_prose: Path | None = None,
          registry: Registry | None = None) -> tuple[dict[str, int] | None, Problems]:
    """Check the sources and write `output` with the tables of `registry` (the package's
    by default); `site_prose` is the site's metadata.yml, stored in the database for the
    plugin (none: the site has the registry's metadata alone)."""
    stage = open_stage(output)
    try:
        return _build(sources_dir, output, finishers, site_prose, registry, stage)
    finally:
        if stage is not None:
            stage.close()


def open_stage(output: Path) -> Stage | None:
    """The staging file beside the output; none where it cannot be made (no such
    folder, no right to write there): the rows are then held in memory, and the write
    reports why the database cannot be written, after the sources are checked."""
    if not output.parent.is_dir():
        return None
    try:
        return Stage(staging_path(output))
    except (OSError, sqlite3.Error):
        return None


def _build(sources_dir: Path, output: Path, finishers, site_prose: Path | None,
           registry: Registry | None, stage: Stage | None,
           ) -> tuple[dict[str, int] | None, Problems]:
    origins = Origins()
    # The analysis is made ahead only for a build whose finishers would make it.
    tables, problems = collect(sources_dir, origins, registry, stage,
                               ahead=add_search_texts in finishers)
    if tables is None:
        return None, problems
    prose = {}
    if site_prose is not None:
        prose = read_site_prose(site_prose, problems)
        if prose is None:
            return None, problems
    tables["site_metadata"] = site_metadata_rows(prose) if site_prose is not None else []
    if not output.parent.is_dir():
        problems.add(str(output), None, None, None,
                     f"cannot write the database: folder {output.parent} does not exist")
        return None, problems
    # Imported here: sqlite_utils (which imports pandas when installed) takes half a
    # second to load, and a build that fails validation, the common case while a
    # curator edits, never writes.
    from newsdb.store.sqlite import RowError, write_database

    try:
        return write_database(output, tables, finishers, registry, origins,
                              stage.release if stage is not None else None), problems
    except RowError as error:
        # The checks above should make this impossible; if it happens, the row's table,
        # key and file, not SQLite's text alone.
        problems.add(error.origin.file if error.origin else str(sources_dir),
                     error.origin.line if error.origin else None,
                     error.origin.record if error.origin else None, None,
                     f"cannot write the database {output}: {error}")
        return None, problems
    except (OSError, sqlite3.Error) as error:
        # A full disk or an unwritable folder is the user's to fix: one clear line, and
        # the previous database is still in place.
        problems.add(str(output), None, None, None, f"cannot write the database: {error}")
        return None, problems


def report_problems(problems: Problems, stream=None,
                    outcome="build failed: {count} problem(s) found; news.db was not changed",
                    ) -> None:
    """Every problem as a line, then the outcome (with {count} filled in); a build names
    its output with build_outcome()."""
    stream = stream or sys.stderr  # looked up now: a caller may have redirected it
    items = problems.sorted()
    for problem in items:
        print(f"error: {problem}", file=stream)
    print(outcome.format(count=len(items)), file=stream)


def build_outcome(output: Path) -> str:
    """The last line of a failed build, naming the file it left as it was."""
    named = str(output).replace("{", "{{").replace("}", "}}")
    return "build failed: {count} problem(s) found; " + f"{named} was not changed"


def summary(output: Path, counts: dict[str, int]) -> str:
    tables = ", ".join(f"{name} {count}" for name, count in counts.items())
    return f"built {output}: {tables}"
