"""The same sources always give the same file: no timestamps, no random order."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def build_in_child(output: Path, hash_seed: str, timezone: str) -> str:
    # Separate processes with different hash seeds: set and dict-of-set iteration order
    # changes between them, so any order that leaks into the file shows up here.
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "TZ": timezone}
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_db.py"), "--output", str(output)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return hashlib.sha256(output.read_bytes()).hexdigest()


def test_two_builds_are_byte_identical(tmp_path):
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = build_in_child(tmp_path / "first" / "news.db", "1", "UTC")
    second = build_in_child(tmp_path / "second" / "news.db", "2", "Asia/Seoul")
    assert first == second
