"""A real server, started the way `make serve` starts it (`newsdb serve`), on a free
loopback port: for the browser tests and the load smoke test."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

NEWSDB = str(Path(sys.executable).with_name("newsdb"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"newsdb serve exited with {process.returncode}: "
                               f"{process.stderr.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"newsdb serve did not answer at {url} within {timeout}s")


@contextmanager
def live_server(db: Path, workers: int = 1):
    """Yields the base URL; stops the server (and its workers) afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [NEWSDB, "serve", "--db", str(db), "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/-/versions.json", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
