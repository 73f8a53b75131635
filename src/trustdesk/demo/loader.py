"""Creating the demo retailers in the database, idempotently."""

from __future__ import annotations

import io
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts import service as accounts
from trustdesk.accounts.permissions import Role
from trustdesk.botdesk.demo import seed_demo_bot
from trustdesk.botdesk.demo_handoffs import seed_demo_handoffs
from trustdesk.channels.demo import seed_demo_channels
from trustdesk.commerce.importer import import_orders
from trustdesk.conversations.demo import seed_demo_conversations
from trustdesk.conversations.demo_bot_held import seed_demo_bot_held
from trustdesk.demo.orders import demo_customers, demo_orders
from trustdesk.reports.demo import seed_demo_reports
from trustdesk.satisfaction.demo import seed_demo_satisfaction
from trustdesk.sla.demo import seed_demo_sla
from trustdesk.store.models import Customer, Tenant
from trustdesk.tenancy.service import create_tenant, find_tenant

DEMO_TENANTS = [
    {
        "slug": "acme",
        "name": "Acme Outfitters",
        "domain": "acmeoutfitters.com",
        "branding": {
            "primary_color": "#1d4ed8",
            "support_hours": "Mon-Sat 8:00-20:00 ET, Sun 10:00-16:00 ET",
            "languages": ["en", "de", "fr"],  # the team's languages (botdesk.profile); customers' are below
        },
        "languages": ["en", "de", "fr"],
        "default_language": "en",
        "orders": 400,
        "prefix": "AO",
        "staff": [
            ("admin@acmeoutfitters.com", "Alex Admin", Role.ADMIN),
            ("admin2@acmeoutfitters.com", "Blake Admin", Role.ADMIN),
            ("agent@acmeoutfitters.com", "Casey Agent", Role.AGENT),
            ("agent2@acmeoutfitters.com", "Devon Agent", Role.AGENT),
            ("supervisor@acmeoutfitters.com", "Jordan Supervisor", Role.SUPERVISOR),
            ("security@acmeoutfitters.com", "Sam Security", Role.SECURITY),
        ],
    },
    {
        "slug": "northwind",
        "name": "Northwind Home",
        "domain": "northwindhome.co.uk",
        "branding": {
            "primary_color": "#0f766e",
            "support_hours": "Mon-Fri 9:00-17:30 UK",
            "languages": ["en", "nl", "de"],  # the team's languages (botdesk.profile); customers' are below
        },
        "languages": ["en", "nl", "de"],
        "default_language": "en",
        "orders": 120,
        "prefix": "NW",
        "staff": [
            ("admin@northwindhome.co.uk", "Nia Admin", Role.ADMIN),
            # A second admin: the official channels are seeded through four-eyes approval, which
            # needs one admin to request and another to approve (channels/demo.py).
            ("admin2@northwindhome.co.uk", "Noor Admin", Role.ADMIN),
            ("agent@northwindhome.co.uk", "Ned Agent", Role.AGENT),
            ("supervisor@northwindhome.co.uk", "Nell Supervisor", Role.SUPERVISOR),
        ],
    },
]

# How long ago the demo's staff accounts are recorded as created (see load_demo).
DEMO_STAFF_AGE = timedelta(days=90)

# Later areas (channels, bot, reports, ...) register functions here to add their demo data.
DemoExtension = Callable[[Session, Tenant], None]
DEMO_EXTENSIONS: list[DemoExtension] = [
    seed_demo_channels,
    seed_demo_bot,
    seed_demo_reports,
    seed_demo_conversations,
    seed_demo_satisfaction,
    seed_demo_bot_held,
    seed_demo_handoffs,
    seed_demo_sla,  # last: it starts the SLA clocks of every demo conversation, the bot's too
]


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    credentials: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # tenant, role, email, password


def _password() -> str:
    return "demo-" + secrets.token_urlsafe(12)


def _save_credentials(path: Path, creds: list[tuple[str, str, str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text().splitlines() if path.exists() else []
    lines = existing + [
        json.dumps({"tenant": t, "role": r, "email": e, "password": p}) for t, r, e, p in creds
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(lines) + "\n")


def load_credentials(path: Path) -> list[tuple[str, str, str, str]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            out.append((row["tenant"], row["role"], row["email"], row["password"]))
    return out


def load_demo(session: Session, credentials_file: Path) -> DemoResult:
    """Create the demo retailers that do not exist yet; existing ones are left as they are."""
    result = DemoResult()
    for spec in DEMO_TENANTS:
        if find_tenant(session, spec["slug"]) is not None:
            continue
        tenant = create_tenant(
            session,
            slug=spec["slug"],
            name=spec["name"],
            primary_domain=spec["domain"],
            branding=spec["branding"],
            languages=spec["languages"],
            default_language=spec["default_language"],
            actor="demo",
        )
        for email, name, role in spec["staff"]:
            password = _password()
            user = accounts.create_user(
                session, tenant, email=email, display_name=name, role=role, password=password, actor="demo"
            )
            # The demo stands for a retailer that has worked on the desk for a while: its staff are
            # recorded as created DEMO_STAFF_AGE ago, so its admins are past the four-eyes cool-off
            # (TRUSTDESK_ADMIN_COOL_OFF_HOURS, default 72 h) and can approve the demo's channels.
            user.created_at = user.created_at - DEMO_STAFF_AGE
            result.credentials.append((tenant.slug, role.value, email, password))
        people = demo_customers(60, "example.net", seed=sum(map(ord, spec["slug"])))
        rows = demo_orders(people, spec["orders"], prefix=spec["prefix"])
        stream = io.StringIO("\n".join(json.dumps(r) for r in rows))
        import_orders(session, tenant, stream, "jsonl", actor="demo")
        # Two customers get accounts so the customer-side pages have someone to sign in as.
        for person in people[:2]:
            password = _password()
            user = accounts.create_user(
                session,
                tenant,
                email=person["email"],
                display_name=person["name"],
                role=Role.CUSTOMER,
                password=password,
                actor="demo",
            )
            customer = session.scalar(
                select(Customer).where(Customer.tenant_id == tenant.id, Customer.email == user.email)
            )
            if customer is not None:
                customer.user_id = user.id
            result.credentials.append((tenant.slug, "customer", person["email"], password))
        for extend in DEMO_EXTENSIONS:
            extend(session, tenant)
        result.created.append(tenant.slug)
    if result.credentials:
        _save_credentials(credentials_file, result.credentials)
    return result
