"""Shared test configuration.

CI sets TRUSTDESK_REQUIRE_SERVICES=1: tests that need PostgreSQL, Redis or the
shared data sets then fail instead of skipping when those are missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TRUSTDESK_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def services_required() -> bool:
    """True in CI, where a missing service or data set is a failure, not a skip."""
    return os.environ.get("TRUSTDESK_REQUIRE_SERVICES") == "1" or os.environ.get("CI") == "true"


def skip_or_fail(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} (mandatory in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ../shared/data folder of public data sets; skips (fails in CI) when absent."""
    if not SHARED_DATA.is_dir():
        skip_or_fail(f"shared data sets not found at {SHARED_DATA}")
    return SHARED_DATA
