#!/usr/bin/env python3
"""Fuzz the sources folder: mutate copies of sources/ the way curators err (tests/fuzzing.py)
and check that `newsdb check` and `newsdb build` agree about each, that a failure names a
file, exits 1 without a traceback, leaves the previous output byte-identical and names it.

    .venv/bin/python benchmarks/fuzz_sources.py --count 10000 --seconds 3600 [--jobs 2]

Seeds run from --first; a disagreement prints its seed and mutations, and reproduces with
`--first SEED --count 1`. Prints the counts, the time and every disagreement found; exits 1
when there was one. The build skips the full-text index (see fuzzing.finishers_without_search).
"""
from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import fuzzing  # noqa: E402


def run_seeds(args: tuple[list[int], float]) -> list[dict]:
    """Run seeds until they or the time run out: one dict per case run."""
    from newsdb.store.build import build

    seeds, deadline = args
    results = []
    with tempfile.TemporaryDirectory() as folder, fuzzing.finishers_without_search():
        work = Path(folder)
        previous = work / "previous.db"
        build(ROOT / "sources", previous, [])
        old = previous.read_bytes()
        for seed in seeds:
            if time.monotonic() > deadline:
                break
            outcome = fuzzing.check_case(ROOT / "sources", work, seed, old,
                                         ROOT / "metadata.yml")
            results.append({"seed": seed, "check_ok": outcome.check_ok,
                            "build_ok": outcome.build_ok, "faults": outcome.faults,
                            "mutations": outcome.mutations,
                            "output": outcome.build_output[-2000:]})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="mutated folders to try")
    parser.add_argument("--seconds", type=float, default=600, help="time budget")
    parser.add_argument("--first", type=int, default=0, help="first seed")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    args = parser.parse_args()
    start = time.monotonic()
    deadline = start + args.seconds
    seeds = list(range(args.first, args.first + args.count))
    shares = [(seeds[job::args.jobs], deadline) for job in range(args.jobs)]
    if args.jobs == 1:
        results = run_seeds(shares[0])
    else:
        with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
            results = [r for part in pool.map(run_seeds, shares) for r in part]
    elapsed = time.monotonic() - start
    failed = [r for r in results if r["faults"]]
    mutations: dict[str, int] = {}
    for result in results:
        for done in result["mutations"]:
            kind = done.split(":", 1)[0]
            mutations[kind] = mutations.get(kind, 0) + 1
    for result in failed:
        print(f"seed {result['seed']}: {'; '.join(result['faults'])}")
        for done in result["mutations"]:
            print(f"    {done}")
        print("    " + result["output"].replace("\n", "\n    "))
    passed = sum(r["check_ok"] and r["build_ok"] for r in results)
    print(f"mutated folders: {len(results)} of {args.count} (seeds {args.first}.."
          f"{args.first + args.count - 1}), {args.jobs} job(s)")
    print(f"  both passed: {passed}; both failed: "
          f"{sum(not r['check_ok'] and not r['build_ok'] for r in results)}")
    print(f"  disagreements between check and build: "
          f"{sum(r['check_ok'] != r['build_ok'] for r in results)}")
    print(f"  tracebacks: {sum(any('traceback' in f for f in r['faults']) for r in results)}")
    print(f"  bare database errors: "
          f"{sum(any('bare database' in f for f in r['faults']) for r in results)}")
    print(f"  cases with any broken promise: {len(failed)}")
    print(f"  mutations applied: " + ", ".join(f"{k} {v}" for k, v in sorted(mutations.items())))
    print(f"time: {elapsed:.1f} s, {len(results) / elapsed:.2f} folders/s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
