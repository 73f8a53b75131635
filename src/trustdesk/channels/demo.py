"""Demo registries: the official channels of the demo retailers, added through the four-eyes path."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.channels.changes import ChannelInput, seed_channels
from trustdesk.store.models import Tenant, User
from trustdesk.verify.demo import demo_channels

NORTHWIND = [
    ChannelInput("domain", "northwindhome.co.uk", purpose="website", country="GB"),
    ChannelInput("email", "care@northwindhome.co.uk", purpose="support"),
    ChannelInput("phone", "+44 20 7946 0958", purpose="support", country="GB"),
    ChannelInput("social", "@northwindhome", platform="instagram"),
]


def seed_demo_channels(session: Session, tenant: Tenant) -> None:
    """Two different demo admins request and approve, exactly as production changes must."""
    admins = session.scalars(
        select(User).where(User.tenant_id == tenant.id, User.role == "admin").order_by(User.id)
    ).all()
    if not admins:
        return
    approver = admins[1] if len(admins) > 1 else None
    if tenant.slug == "acme":
        items = [
            ChannelInput(c.kind.value, c.value, c.purpose, c.country, c.platform, c.label)
            for c in demo_channels(tenant.slug, tenant.name)
        ]
    elif tenant.slug == "northwind":
        items = NORTHWIND
    else:
        return
    if approver is None:
        return
    seed_channels(session, tenant, admins[0], approver, items)
