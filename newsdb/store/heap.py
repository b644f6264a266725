"""Give memory the build has freed back to the operating system.

Python hands blocks larger than 512 bytes (a row's dict with many columns, the lists of
a table's rows) to the C library's malloc, which keeps what is freed for its own reuse.
Once the rows are written and let go, that memory stays counted against the process,
and the Korean analysis (whose model is mapped in large blocks malloc does not take
from what it keeps) comes on top of it; glibc's malloc_trim returns the free pages.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache


@lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (macOS, musl)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None)
    except OSError:
        return None


def return_freed_memory() -> bool:
    """Return the C library's free pages to the system; False where it cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
