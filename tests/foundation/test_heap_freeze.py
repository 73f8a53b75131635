"""The web app moves its start-up heap out of the collector's reach once per process (a server starts
one app; a test process starts thousands, and collecting a grown heap at each start cost seconds)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import gc
from trustdesk.web.app import _freeze_heap_once
assert gc.get_freeze_count() == 0
assert _freeze_heap_once() is True
frozen = gc.get_freeze_count()
assert frozen > 1000, frozen
assert _freeze_heap_once() is False
assert gc.get_freeze_count() == frozen
print("ok")
"""


def test_the_heap_is_frozen_at_the_first_start_only() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
