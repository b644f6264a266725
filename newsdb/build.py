"""Build news.db: read and check every source, then write the database atomically."""
from __future__ import annotations

import sys
from pathlib import Path

from .database import write_database
from .dataset import build_rows
from .problems import Problems
from .sources import read_sources


def collect(sources_dir: Path) -> tuple[dict[str, list[dict]] | None, Problems]:
    """Read and check everything; rows are returned only when there is no problem."""
    problems = Problems()
    if not sources_dir.is_dir():
        problems.add(str(sources_dir), None, None, None, "sources folder is missing")
        return None, problems
    sources = read_sources(sources_dir, problems)
    tables = build_rows(sources, problems)
    return (None if problems else tables), problems


def build(sources_dir: Path, output: Path, finishers=()) -> tuple[dict[str, int] | None, Problems]:
    tables, problems = collect(sources_dir)
    if tables is None:
        return None, problems
    return write_database(output, tables, finishers), problems


def report_problems(problems: Problems, stream=sys.stderr,
                    outcome="build failed: {count} problem(s) found; news.db was not changed",
                    ) -> None:
    items = problems.sorted()
    for problem in items:
        print(f"error: {problem}", file=stream)
    print(outcome.format(count=len(items)), file=stream)


def summary(output: Path, counts: dict[str, int]) -> str:
    tables = ", ".join(f"{name} {count}" for name, count in counts.items())
    return f"built {output}: {tables}"
