"""Pin a benchmark to one core: the 2-core machine is shared, so figures are per CPU-second of one core."""

from __future__ import annotations

import os

PINNED_CPU = 0


def pin_to_one_core() -> str:
    """Pin this process (and the processes it starts) to CPU 0, or the first allowed CPU; say which."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    allowed = os.sched_getaffinity(0)
    cpu = PINNED_CPU if PINNED_CPU in allowed else min(allowed)
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"
