"""The synthetic corpus used by the scale benchmarks passes the real build."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

from newsdb.synthetic import generate, variant_count  # noqa: E402
from newsdb.store.build import build  # noqa: E402
from newsdb.store.derived import fill_derived_tables  # noqa: E402
from newsdb.store.registry import DERIVED_TABLES  # noqa: E402

SINGLE_ARTICLE_TABLES = ("articles", "sentences", "events", "event_participants",
                         "statistics", "policies", "mous", "mou_parties", "notes",
                         # story_outcomes needs reports after the event: citations;
                         # the facet counts have a row per distinct value, not per fact
                         *(table.name for table in DERIVED_TABLES
                           if table.name not in ("story_outcomes", "facet_counts",
                                                 "facet_counts_filtered")))


def table_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {table: conn.execute(f"select count(*) from [{table}]").fetchone()[0]
                for table in (*SINGLE_ARTICLE_TABLES, "organizations", "people", "places")}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The real sources without the citations (the generator varies the held article
    only) but with the briefings, which state nothing and which the held article may be
    based on, and a generated corpus of three articles, each built with the derived
    tables (the Korean analysis is not needed here)."""
    folder = tmp_path_factory.mktemp("corpus")

    def reports(folder_name: str, names: list[str]) -> list[str]:
        if Path(folder_name).name != "citations":
            return []
        return [name for name in names if "kind: briefing" not in
                (Path(folder_name) / name).read_text(encoding="utf-8")]

    real = shutil.copytree(ROOT / "sources", folder / "real-sources", ignore=reports)
    real_counts, problems = build(real, folder / "real.db", [fill_derived_tables])
    assert real_counts is not None, problems.sorted()
    sources = generate(folder / "sources", 3, seed=1, template_root=ROOT / "sources")
    counts, problems = build(sources, folder / "synthetic.db", [fill_derived_tables])
    assert counts is not None, [str(p) for p in problems.sorted()]
    return folder, real_counts, counts


def test_generated_corpus_builds_with_rows_in_proportion(built):
    _, real, synthetic = built
    for table in SINGLE_ARTICLE_TABLES:
        assert real[table], table
        assert synthetic[table] == 3 * real[table], table


def test_registries_grow_with_the_square_root_of_the_corpus(built):
    _, real, synthetic = built
    for table in ("organizations", "people", "places"):
        assert synthetic[table] == variant_count(3) * real[table], table
    assert variant_count(10_000) == 100


def test_articles_share_registry_entries_and_differ_in_month(built):
    folder, _, _ = built
    conn = sqlite3.connect(folder / "synthetic.db")
    # Every article names the same number of organizations; shared entries mean fewer
    # distinct ones than mentions.
    mentions, distinct = conn.execute(
        "select count(*), count(distinct organization_id) from event_participants "
        "where organization_id is not null").fetchone()
    months = conn.execute("select count(distinct substr(published_at, 1, 7)) from articles"
                          ).fetchone()[0]
    conn.close()
    assert distinct < mentions
    assert months > 1


def test_same_seed_same_corpus(tmp_path):
    first = generate(tmp_path / "a", 2, seed=7, template_root=ROOT / "sources")
    second = generate(tmp_path / "b", 2, seed=7, template_root=ROOT / "sources")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
