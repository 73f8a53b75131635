"""Fixtures for the verify tests: the demo registry and dnstwist's published word lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustdesk.verify import Registry
from trustdesk.verify.demo import demo_channels


@pytest.fixture(scope="session")
def demo_registry() -> Registry:
    """Acme Outfitters plus a second tenant, so cross-tenant behaviour is exercised."""
    from trustdesk.verify import make_channel

    others = [
        make_channel("northwind", "Northwind Traders", "domain", "northwindtraders.com"),
        make_channel(
            "northwind", "Northwind Traders", "email", "care@northwindtraders.com", purpose="support"
        ),
        make_channel("northwind", "Northwind Traders", "phone", "+1 415 555 0110", purpose="support"),
    ]
    return Registry([*demo_channels(), *others])


def _dict_words(folder: Path, name: str) -> list[str]:
    lines = (folder / "dnstwist_dictionaries" / name).read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("//")]


@pytest.fixture(scope="session")
def dnstwist_words(shared_data: Path) -> list[str]:
    """dnstwist's english, french and polish phishing word lists (Apache-2.0)."""
    return [
        w for name in ("english.dict", "french.dict", "polish.dict") for w in _dict_words(shared_data, name)
    ]


@pytest.fixture(scope="session")
def dnstwist_tlds(shared_data: Path) -> list[str]:
    """dnstwist's common and abused TLD lists."""
    return sorted(
        {t for name in ("common_tlds.dict", "abused_tlds.dict") for t in _dict_words(shared_data, name)}
    )
