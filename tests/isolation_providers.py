"""How the tenant-isolation test finds, for each path parameter, an object that belongs to the OTHER tenant.

Every new API route with a path parameter must have its parameter listed here; the isolation test
fails for unknown parameters so no route escapes the check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.store.models import ChannelChange, Customer, Order, ReportedIndicatorRow, Tenant, User

# name -> function(session, other_tenant) -> a value identifying one of the other tenant's objects
PROVIDERS: dict[str, Callable[[Session, Tenant], Any]] = {
    "order_number": lambda s, t: s.scalar(select(Order.number).where(Order.tenant_id == t.id)),
    "customer_id": lambda s, t: s.scalar(select(Customer.id).where(Customer.tenant_id == t.id)),
    "user_id": lambda s, t: s.scalar(select(User.id).where(User.tenant_id == t.id)),
    "change_id": lambda s, t: s.scalar(select(ChannelChange.id).where(ChannelChange.tenant_id == t.id)),
    "indicator_id": lambda s, t: s.scalar(
        select(ReportedIndicatorRow.id).where(ReportedIndicatorRow.tenant_id == t.id)
    ),
}

# Public routes keyed by tenant slug are meant to be readable by anyone (help page, manifest, verify).
PUBLIC_PREFIXES = ("/api/v1/public/",)
