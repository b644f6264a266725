"""A short load smoke test: the load benchmark (benchmarks/load.py) run for a few seconds
against the real server with two worker processes, as `make serve` runs it, answers every
kind of page to concurrent clients without one error. Speed is measured by the benchmark
itself, not here; the test runs it as a program, as a user does."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"home", "database", "table+facets", "row", "canned", "search", "csv"}


def test_every_page_kind_answers_concurrent_clients_without_errors(built_db):
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load.py"), "--db", str(built_db),
         "--seconds", "6", "--clients", "6", "--workers", "2"],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = re.search(r"(\d+) requests, .* errors (\d+)$", result.stdout, re.M)
    assert summary, result.stdout
    assert int(summary.group(1)) > 0 and int(summary.group(2)) == 0, result.stdout
    table = {line.split()[0]: line.split() for line in result.stdout.splitlines()
             if line.split() and line.split()[0] in KINDS}
    assert set(table) == KINDS, result.stdout
    # route, requests, req/s, p50, p95, p99, errors: every kind was asked and none failed
    assert all(int(row[1]) > 0 and int(row[-1]) == 0 for row in table.values()), result.stdout
