"""Which retailer a recipient address belongs to: the official support addresses, nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


def normalise_address(value: str) -> str:
    """An address as compared: no angle brackets or spaces, lower case, no trailing dot in the domain."""
    text = value.strip().strip("<>").strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text.lower()
    return f"{local.lower()}@{domain.rstrip('.').lower()}"


def without_tag(address: str) -> str:
    """care+order-123@shop.example -> care@shop.example (sub-addressing reaches the same mailbox)."""
    local, at, domain = address.rpartition("@")
    if not at or "+" not in local:
        return address
    return f"{local.split('+', 1)[0]}@{domain}"


@dataclass(frozen=True)
class AddressBook:
    """Official support e-mail addresses -> tenant id (one address belongs to one retailer)."""

    by_address: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, str]]) -> AddressBook:
        """Build from (tenant_id, address) pairs; an address claimed by two retailers is ambiguous and left out."""
        seen: dict[str, int] = {}
        ambiguous: set[str] = set()
        for tenant_id, value in rows:
            address = normalise_address(value)
            if "@" not in address:
                continue
            if address in seen and seen[address] != tenant_id:
                ambiguous.add(address)
            seen[address] = tenant_id
        return cls({a: t for a, t in seen.items() if a not in ambiguous})

    def tenant_for(self, recipient: str) -> int | None:
        """The tenant whose support address this is (sub-address tags ignored), else None."""
        address = normalise_address(recipient)
        found = self.by_address.get(address)
        if found is None:
            found = self.by_address.get(without_tag(address))
        return found

    def __len__(self) -> int:
        return len(self.by_address)
