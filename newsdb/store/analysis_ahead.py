"""The Korean analysis made ahead, in a process of its own, while the build reads.

Reading, checking and reconciling the reports runs on one core; the analysis of the
searched texts (newsdb/store/search_index.py) used to wait for it, then keep both cores
busy. Here the texts of each report's searched rows are sent, as the rows are staged, to
a worker process that analyses them on the other core and writes each batch's analyses
to the analysis cache: the finisher add_search_texts then finds them there, as a rebuild
does, instead of analysing them itself. A process, not a thread: kiwipiepy makes its
tokens as Python objects, and a thread doing that beside the reading slowed it twofold
(benchmarks/README.md).

The analysis is a pure function of the text and the registry's names, and a cached
answer is keyed by both, so the database is the same bytes whether a text was analysed
ahead, by the finisher, or by an earlier build. A text analysed ahead that the database
does not hold in the end costs time, nothing else; one it holds that was not analysed
ahead is analysed by the finisher. Without an analysis cache
(NEWSDB_ANALYSIS_CACHE=off) there is nowhere to keep what is analysed ahead, nor on one
core, where the worker would only take turns with the reading; NEWSDB_ANALYSIS_AHEAD=off
turns it off (benchmarks, and tests of the analysis in the build's own process). In each
case the finisher analyses what it does not find, as before.
"""
from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from newsdb.korean.analyser import NAME_COLUMNS, Analyser, names_kept_whole
from newsdb.store.registry import Table
from newsdb.store.search_index import AnalysisCache, texts_of

AHEAD_ENV = "NEWSDB_ANALYSIS_AHEAD"
log = logging.getLogger(__name__)
# Texts sent at once: a few seconds of analysis.
TEXTS_AT_ONCE = 2_000
# Batches read and waiting in the worker: beyond them the build waits to send more.
BATCHES_WAITING = 50
# Texts already sent, remembered so that a text many reports repeat is sent once; then
# forgotten, so that memory stays bounded (a text sent again is found in the cache).
SENT_AT_MOST = 100_000


def wanted() -> bool:
    """Whether to analyse ahead: with a second core to do it on, unless turned off."""
    if os.environ.get(AHEAD_ENV) == "off":
        return False
    affinity = getattr(os, "sched_getaffinity", None)
    return (len(affinity(0)) if affinity else os.cpu_count() or 1) > 1


def curated_names(registries: dict[str, dict]) -> tuple[str, ...]:
    """The names the analyser keeps whole, from the curated registries (by table, by
    id): the same as analyser.registry_names reads from the built database
    (tests/test_analysis_ahead.py)."""
    return names_kept_whole(
        (getattr(curated.record, name), getattr(curated.record, aliases) if aliases != "null"
         else ())
        for table, (name, aliases) in NAME_COLUMNS.items()
        for curated in registries.get(table, {}).values())


class AnalysisAhead:
    """Analyses the texts of the searched rows it is given into the analysis cache at
    `path`, in a worker process with a model of its own (one kiwipiepy thread). add() is
    called by the build as rows are staged; finish() waits for every text given; stop()
    lets the texts not analysed yet go."""
    command = [sys.executable, "-m", __name__]

    def __init__(self, path: Path, names: tuple[str, ...], batch: int = TEXTS_AT_ONCE):
        self.batch = batch
        self.texts: dict[str, None] = {}  # to send, in the order they came
        self.sent: set[str] = set()
        # What the worker says when it fails: a file, as a pipe nobody reads could fill.
        self.said = tempfile.TemporaryFile()
        # A fresh interpreter running this module: not a copy of the build's memory,
        # and not the build's main script run again (as multiprocessing would).
        self.worker = subprocess.Popen(
            [*self.command, str(path)], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=self.said, text=True, encoding="utf-8")
        self._send_line(names)

    def add(self, table: Table, rows: Iterable[dict]) -> None:
        """The texts of `rows` of the searched `table`, to be analysed."""
        for text in texts_of([row.get(column) for column in table.search] for row in rows):
            if text not in self.sent:
                self.texts[text] = None
                self.sent.add(text)
        if len(self.sent) > SENT_AT_MOST:
            self.sent = set()
        if len(self.texts) >= self.batch:
            self._send()

    def finish(self) -> None:
        """Wait until every text given is analysed and in the cache. A worker that
        failed is said on stderr, not raised: the finisher analyses what it left, and
        an unwritable cache is then reported as the build's own problem."""
        self._send()
        self._close_input()
        status = self.worker.wait()
        self.said.seek(0)
        said = self.said.read().decode("utf-8", "replace").strip().splitlines()
        self.said.close()
        if status != 0:
            log.warning("the Korean analysis ahead stopped (%s); the build analyses the "
                        "rest itself", said[-1] if said else f"exit status {status}")

    def stop(self) -> None:
        """Let the texts not analysed yet go: the worker is stopped where it is (the
        cache is a SQLite file: a batch cut short is never half written)."""
        self.texts = {}
        if self.worker.poll() is None:
            self.worker.terminate()
        self.worker.wait()
        self._close_input()
        self.said.close()

    def _close_input(self) -> None:
        try:
            self.worker.stdin.close()
        except OSError:
            pass  # the worker has stopped: its status says why

    def _send(self) -> None:
        if self.texts:
            self._send_line(list(self.texts))
        self.texts = {}

    def _send_line(self, value) -> None:
        try:
            self.worker.stdin.write(json.dumps(value, ensure_ascii=False) + "\n")
        except OSError:
            pass  # the worker has stopped: finish() says why


def analyse_lines(path: Path, lines: Iterable[str]) -> None:
    """The worker: the registry's names, then batches of texts, a JSON list a line,
    analysed into the cache at `path`. The model is loaded at the first text no earlier
    build analysed. The lines are read on a thread of their own, so that the build's
    writes never wait for an analysis under way."""
    waiting: queue.Queue = queue.Queue(maxsize=BATCHES_WAITING)

    def read() -> None:
        try:
            for line in lines:
                try:
                    batch = json.loads(line)
                except json.JSONDecodeError:
                    break  # a line cut short: the build was killed as it wrote it
                waiting.put(batch)
        finally:
            waiting.put(None)  # the end, however the lines ended

    threading.Thread(target=read, daemon=True).start()
    names = waiting.get()
    if names is None:
        return
    names = tuple(names)
    cache = AnalysisCache(path, names, make_analyser=lambda: Analyser(names, workers=1))
    while (texts := waiting.get()) is not None:
        cache.prefetch(texts)
        cache.analyse_missing(texts)
        cache.keep()
    cache.save()


if __name__ == "__main__":
    analyse_lines(Path(sys.argv[1]), sys.stdin)
