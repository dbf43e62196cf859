"""``goldenthread serve`` started for a test: gunicorn on a free port of 127.0.0.1 against a freshly
migrated SQLite database in a folder of its own, with its own temporary folder (TMPDIR)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import stop


@dataclass
class Server:
    host: str
    port: int
    process: subprocess.Popen
    tmp: Path  # the server's TMPDIR: where Django would spill an uploaded body

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def environment(folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOLDENTHREAD_", "DJANGO_"))}
    env.update(GOLDENTHREAD_VAR=str(folder / "var"), DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}", **extra)
    return env


def goldenthread(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "goldenthread.cli.main", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(folder: Path, *args: str) -> Iterator[Server]:
    """Migrate a database in ``folder``, start ``goldenthread serve`` on it, wait until it answers."""
    tmp = folder / "tmp"
    tmp.mkdir(parents=True)
    env = environment(folder, TMPDIR=str(tmp))
    migrated = goldenthread("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    command = [sys.executable, "-m", "goldenthread.cli.main", "serve", "--port", str(port), *args]
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server("127.0.0.1", port, process, tmp)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (folder / "server.log").read_text()
            try:
                socket.create_connection((server.host, port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start within 60 s"
                time.sleep(0.2)
        yield server
    finally:
        stop(process, 30, group=True)
        log.close()


def log_of(folder: Path) -> str:
    return (folder / "server.log").read_text()
