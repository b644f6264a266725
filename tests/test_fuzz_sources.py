"""A bounded, seeded run of the sources fuzzer (tests/fuzzing.py): for every mutated copy
of the real sources, `newsdb check` and `newsdb build` agree, and a failure names a file,
exits 1 without a traceback, leaves the previous output byte-identical and names it.
benchmarks/fuzz_sources.py runs many more."""
from __future__ import annotations

from pathlib import Path

import pytest

import fuzzing
from newsdb.store.build import build

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SEEDS = range(40)


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> bytes:
    output = tmp_path_factory.mktemp("previous") / "news.db"
    counts, problems = build(ROOT / "sources", output)
    assert counts is not None, [str(p) for p in problems.items]
    return output.read_bytes()


def test_check_and_build_agree_on_mutated_sources(tmp_path, previous):
    broken = []
    kinds = set()
    with fuzzing.finishers_without_search():
        for seed in SEEDS:
            outcome = fuzzing.check_case(ROOT / "sources", tmp_path, seed, previous,
                                         ROOT / "metadata.yml")
            kinds.update(done.split(":", 1)[0] for done in outcome.mutations)
            if outcome.faults:
                broken.append((seed, outcome.mutations, outcome.faults, outcome.build_output))
    assert broken == []
    assert len(kinds) >= 10  # the seeds exercise most kinds of mutation


def test_a_seed_gives_the_same_mutations(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        fuzzing.shutil.copytree(ROOT / "sources", folder)
    assert fuzzing.mutate(first, 7) == fuzzing.mutate(second, 7)
    assert fuzzing.Sources.read(first).texts == fuzzing.Sources.read(second).texts


@pytest.mark.parametrize("kind", sorted(fuzzing.MUTATIONS))
def test_every_mutation_changes_the_sources(kind, tmp_path):
    """Each kind finds something to edit in the real sources for some seed."""
    original = fuzzing.Sources.read(ROOT / "sources")
    for seed in range(20):
        sources = fuzzing.Sources.read(ROOT / "sources")
        if fuzzing.MUTATIONS[kind](fuzzing.random.Random(seed), sources) and (
                sources.texts != original.texts or sources.raw or sources.deleted):
            return
    pytest.fail(f"{kind} changed nothing in 20 seeds")
