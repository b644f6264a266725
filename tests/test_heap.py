"""Freed memory given back to the system (newsdb/store/heap.py) where the C library can."""
from __future__ import annotations

import ctypes.util
import platform

import pytest

from newsdb.store import heap


@pytest.fixture(autouse=True)
def fresh_lookup():
    heap._malloc_trim.cache_clear()
    yield
    heap._malloc_trim.cache_clear()


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's")
def test_glibc_gives_freed_memory_back():
    assert heap.return_freed_memory() is True


def test_without_a_c_library_nothing_is_done(monkeypatch):
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert heap.return_freed_memory() is False


def test_a_c_library_without_malloc_trim_is_left_alone(monkeypatch):
    monkeypatch.setattr(heap.ctypes, "CDLL", lambda name: object())
    assert heap.return_freed_memory() is False
