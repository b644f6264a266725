"""Progress bars on a terminal only: with stderr not a terminal (logs, CI) the commands
print exactly what they printed before, and the bar is tqdm's on a terminal."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from newsdb.curated.progress import progress

ROOT = Path(__file__).resolve().parent.parent
NEWSDB = str(Path(sys.executable).parent / "newsdb")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_without_a_terminal_the_items_are_given_back_untouched(monkeypatch):
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    items = [1, 2, 3]
    assert progress(items, "reading articles", unit="article") is items
    assert stderr.getvalue() == ""


def test_on_a_terminal_a_bar_shows_phase_done_of_total_and_rate(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert list(progress(range(3), "reading articles", unit="article")) == [0, 1, 2]
    shown = terminal.getvalue()
    # the phase, done of total and the rate; erased when done
    assert "reading articles" in shown and "0/3" in shown and "article/s" in shown
    assert shown.endswith("\r")


@pytest.mark.slow
def test_build_and_export_print_only_their_summary_in_a_log(tmp_path):
    """stderr is a pipe here, as in CI: nothing but the summary lines, no bar."""
    output = tmp_path / "news.db"
    build = subprocess.run(
        [NEWSDB, "build", "--output", str(output)],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert build.returncode == 0, build.stderr
    assert build.stderr == ""
    assert build.stdout.splitlines() == [build.stdout.strip()]
    assert build.stdout.startswith(f"built {output}: articles ")
    export = subprocess.run(
        [NEWSDB, "export", str(tmp_path / "export"),
         "--db", str(output)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert export.returncode == 0, export.stderr
    assert export.stderr == ""
    assert export.stdout.startswith(f"exported {tmp_path / 'export'}: ")
    assert "\r" not in export.stdout
