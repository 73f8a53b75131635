"""Deterministic generation of demo customers and orders in varied states (pure: no database)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

FIRST = [
    "Maya",
    "Liam",
    "Sofia",
    "Noah",
    "Ava",
    "Ethan",
    "Zoe",
    "Lucas",
    "Chloe",
    "Mateo",
    "Aisha",
    "Jonas",
    "Priya",
    "Oliver",
    "Emma",
    "Kenji",
    "Leila",
    "Tomás",
    "Hannah",
    "Samir",
    "Grace",
    "Felix",
    "Nora",
    "Diego",
]
LAST = [
    "Patel",
    "Nguyen",
    "Smith",
    "García",
    "Müller",
    "Okafor",
    "Kowalski",
    "Rossi",
    "Johansson",
    "Brown",
    "Haddad",
    "Tanaka",
    "O'Brien",
    "Silva",
    "Novak",
    "Dubois",
    "Khan",
    "Larsen",
    "Moreau",
    "Walker",
]
PRODUCTS = [
    ("TRL-JKT-01", "Ridgeline rain jacket", 14900, True),
    ("TRL-BT-02", "Summit hiking boots", 18900, True),
    ("CMP-TNT-03", "Two-person tent", 32900, True),
    ("CMP-SB-04", "Down sleeping bag", 24900, True),
    ("ACC-SCK-05", "Merino hiking socks (3 pack)", 2900, False),
    ("ACC-BTL-06", "Insulated bottle 750 ml", 3400, True),
    ("PK-DAY-07", "25 L daypack", 8900, True),
    ("PK-EXP-08", "60 L expedition pack", 27900, True),
    ("GFT-CRD-09", "Gift card", 5000, False),
    ("CLT-FLC-10", "Fleece pullover", 7900, True),
    ("CLT-BSE-11", "Base layer top", 5900, False),
    ("NAV-HL-12", "Rechargeable headlamp", 4900, True),
]
CARRIERS = [("UPS", "1Z{}"), ("USPS", "9400{}"), ("DHL", "JD{}")]
STREETS = ["Maple Ave", "Harbor Rd", "Pine St", "Elm Ct", "Lakeview Dr", "Station Rd"]
CITIES = [
    ("Portland", "OR", "US"),
    ("Denver", "CO", "US"),
    ("Austin", "TX", "US"),
    ("Leeds", "", "GB"),
    ("Bristol", "", "GB"),
]


def demo_customers(count: int, domain: str, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    seen: set[str] = set()
    people = []
    while len(people) < count:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        base = (
            f"{first}.{last}".lower().replace("'", "").replace("á", "a").replace("ü", "u").replace("í", "i")
        )
        email = f"{base}{rng.randint(1, 99)}@{domain}"
        if email in seen:
            continue
        seen.add(email)
        people.append(
            {"name": f"{first} {last}", "email": email, "phone": f"+1555{rng.randint(1000000, 9999999)}"}
        )
    return people


def demo_orders(
    customers: list[dict[str, str]], count: int, *, prefix: str, now: datetime | None = None, seed: int = 11
) -> list[dict[str, Any]]:
    """Orders spread over the last 120 days with statuses that fit their age."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC).replace(microsecond=0)
    rows = []
    for n in range(count):
        customer = rng.choice(customers)
        placed = now - timedelta(days=rng.uniform(0, 120), hours=rng.uniform(0, 23))
        age = (now - placed).days
        items = []
        for sku, name, price, returnable in rng.sample(PRODUCTS, rng.randint(1, 3)):
            items.append(
                {
                    "sku": sku,
                    "name": name,
                    "quantity": rng.randint(1, 2),
                    "unit_price_cents": price,
                    "returnable": returnable,
                }
            )
        total = sum(i["quantity"] * i["unit_price_cents"] for i in items)
        if age < 1:
            status = rng.choice(["placed", "paid"])
        elif age < 3:
            status = rng.choice(["paid", "processing", "shipped"])
        elif age < 8:
            status = rng.choice(["shipped", "shipped", "delivered", "cancelled"])
        else:
            status = rng.choices(["delivered", "returned", "refunded", "cancelled"], weights=[80, 8, 7, 5])[0]
        carrier = tracking = shipped_at = delivered_at = None
        refund_status = None
        if status in {"shipped", "delivered", "returned", "refunded"}:
            carrier, pattern = rng.choice(CARRIERS)
            tracking = pattern.format(rng.randint(10**11, 10**12 - 1))
            shipped_at = placed + timedelta(days=rng.uniform(0.5, 2))
        if status in {"delivered", "returned", "refunded"}:
            delivered_at = shipped_at + timedelta(days=rng.uniform(1, 5))  # type: ignore[operator]
            if delivered_at > now:
                delivered_at = now - timedelta(hours=1)
        if status == "returned":
            refund_status = "pending"
        elif status == "refunded":
            refund_status = "completed"
        street = f"{rng.randint(1, 999)} {rng.choice(STREETS)}"
        city, region, country = rng.choice(CITIES)
        rows.append(
            {
                "order_number": f"{prefix}-{100000 + n}",
                "customer_email": customer["email"],
                "customer_name": customer["name"],
                "customer_phone": customer["phone"],
                "status": status,
                "placed_at": placed.isoformat(),
                "currency": "GBP" if country == "GB" else "USD",
                "total_cents": total,
                "carrier": carrier,
                "tracking_number": tracking,
                "shipped_at": shipped_at.isoformat() if shipped_at else None,
                "delivered_at": delivered_at.isoformat() if delivered_at else None,
                "refund_status": refund_status,
                "shipping_address": {"line1": street, "city": city, "region": region, "country": country},
                "items": items,
            }
        )
    return rows
