"""Which retailer a recipient address belongs to: the official support addresses, nothing else."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    def from_rows(
        cls, rows: Iterable[tuple[int, str]], primary_domains: Mapping[int, str] | None = None
    ) -> AddressBook:
        """Build from (tenant_id, address) pairs. Official channels are typed in by each retailer's
        admins, so an address on a retailer's primary domain (or a subdomain of it) belongs to that
        retailer only: another retailer listing it neither captures nor blocks its mail. Any other
        address claimed by two retailers is ambiguous and left out."""
        owners = domain_owners(primary_domains or {})
        seen: dict[str, int] = {}
        ambiguous: set[str] = set()
        for tenant_id, value in rows:
            address = normalise_address(value)
            if "@" not in address:
                continue
            if on_foreign_domain(address, tenant_id, owners):
                continue  # another retailer's domain
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


def domain_owners(primary_domains: Mapping[int, str]) -> dict[str, set[int]]:
    """primary domain -> the retailers that have it (tenant id -> domain turned around)."""
    owners: dict[str, set[int]] = {}
    for tenant_id, domain in primary_domains.items():
        owners.setdefault(domain.strip().rstrip(".").lower(), set()).add(tenant_id)
    return owners


def _domain_owner(domain: str, owners: Mapping[str, set[int]]) -> int | None:
    """The one retailer whose primary domain is `domain` or its closest parent, else None
    (also when several retailers share that primary domain: none of them owns it alone)."""
    labels = domain.split(".")
    for start in range(len(labels) - 1):
        claimants = owners.get(".".join(labels[start:]))
        if claimants:
            return next(iter(claimants)) if len(claimants) == 1 else None
    return None


def on_foreign_domain(address: str, tenant_id: int, owners: Mapping[str, set[int]]) -> bool:
    """Whether `address` is on another retailer's primary domain (never this retailer's to use)."""
    owner = _domain_owner(normalise_address(address).rpartition("@")[2], owners)
    return owner is not None and owner != tenant_id
