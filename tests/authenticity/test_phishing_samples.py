"""Real criminal mail (phishing_pot) is never `genuine`, also when re-branded to the demo retailer."""

from __future__ import annotations

import re
from pathlib import Path

from trustdesk.authenticity import MessageVerdict


def samples(shared_data: Path, count: int) -> list[Path]:
    files = sorted((shared_data / "phishing_pot").glob("*.eml"))
    assert files, "phishing_pot has no samples"
    return files[:count]


def rebrand(raw: bytes) -> bytes:
    """Put the demo retailer's name in the From display name and a look-alike domain in every From address."""
    match = re.search(rb"(?im)^From:[ \t]*(.*(?:\r?\n[ \t].*)*)", raw)
    if match is None:
        return raw
    header = match.group(1)
    out = raw
    name = re.split(rb"[<@]", header, maxsplit=1)[0].strip(b" \t\r\n\"',_")
    if len(name) >= 2:
        out = out.replace(name, b"Acme Outfitters")
    for domain in set(re.findall(rb"@([A-Za-z0-9.-]+\.[A-Za-z]{2,})", header)):
        out = re.sub(re.escape(domain), b"acmeoutfitters-support.com", out, flags=re.IGNORECASE)
    return out


def test_phishing_is_never_genuine(desk, shared_data: Path) -> None:
    for path in samples(shared_data, 40):
        result = desk.check(path.read_bytes(), tenant=False)
        assert result.verdict is not MessageVerdict.GENUINE, path.name


def test_rebranded_phishing_is_never_genuine_and_says_why(desk, shared_data: Path) -> None:
    for path in samples(shared_data, 40):
        result = desk.check(rebrand(path.read_bytes()))
        assert result.verdict is not MessageVerdict.GENUINE, path.name
        if result.verdict is MessageVerdict.NOT_FROM_US:
            assert "Evidence:" in result.explanation
        assert result.verdict is MessageVerdict.NOT_FROM_US, (path.name, result.reasons)
