"""Servers the tests start in a subprocess on 127.0.0.1: stopping them the same way everywhere."""

from __future__ import annotations

import os
import signal
import subprocess


def stop(process: subprocess.Popen, timeout: float, *, group: bool = False) -> None:
    """Ask the server to stop; after ``timeout`` seconds kill it (with ``group``, its whole
    process group, for servers started with ``start_new_session``)."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        if group:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.wait()
