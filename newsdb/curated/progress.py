"""Progress of long work on a terminal: the phase, done of total, the rate and the time
left (tqdm), for `newsdb build`, `newsdb export` and the benchmarks. Only when stderr is
a terminal: in logs and CI, where no terminal is attached, nothing is printed, so their
output is the same as without it (tests/test_progress.py)."""
from __future__ import annotations

import sys
from typing import Iterable, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], phase: str, total: int | None = None,
             unit: str = "it") -> Iterable[T]:
    """`items`, unchanged, with a bar on stderr while they are gone through."""
    if not sys.stderr.isatty():
        return items
    # leave=False: the bar is erased when done, so a terminal shows what logs show.
    return tqdm(items, desc=phase, total=total, unit=unit, file=sys.stderr, leave=False,
                dynamic_ncols=True, mininterval=0.5)
