"""CPU time of a timed read, for benchmarks run on a shared machine: the benchmark's own process plus,
on PostgreSQL, the server backend serving its connection (same machine, read from /proc). Wall-clock
time on a loaded machine mostly measures the wait for a core; CPU time measures the work.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session


def pin(session: Session, core: int) -> int | None:
    """Pin this process and, on PostgreSQL, the session's backend to one core; the backend's pid."""
    os.sched_setaffinity(0, {core})
    if session.get_bind().dialect.name != "postgresql":
        return None
    backend = int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())
    try:
        os.sched_setaffinity(backend, {core})
    except OSError:  # a server on another machine or another user's process
        return None
    return backend


def cpu_seconds(backend: int | None) -> float:
    """This process's CPU seconds plus the backend's (nanoseconds on a CPU, /proc/PID/schedstat)."""
    spent = time.process_time()
    if backend is not None:
        try:
            spent += int(Path(f"/proc/{backend}/schedstat").read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            pass
    return spent
