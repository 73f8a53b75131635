"""`RetailerData` over the store: one retailer's orders, returns, accounts, contacts and help articles.

Every query is scoped to the tenant. `find_order` answers None both for an unknown number and
for a wrong e-mail, and each look-up spends the client's guessing budget: once it is spent,
look-ups answer None without touching the orders, so a stranger learns nothing either way.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from trustdesk.accounts.permissions import Role
from trustdesk.audit.log import record
from trustdesk.bot.context import (
    ContactCheck,
    KnowledgeHit,
    Money,
    Order,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    Refund,
    RefundStatus,
    ReturnAuthorisation,
    ReturnPolicy,
    Shipment,
    Verdict,
)
from trustdesk.bot.knowledge import KnowledgeBase
from trustdesk.jobs import enqueue
from trustdesk.ratelimit import Limit, RateLimiter
from trustdesk.store.models import Conversation, Customer, ReturnAuthorisationRow, Tenant, User, utcnow
from trustdesk.store.models import Order as OrderRow
from trustdesk.verify import Registry, verify_text

ORDER_LOOKUPS_PER_CLIENT = Limit(10, 600)
ORDER_LOOKUPS_PER_CONVERSATION = Limit(6, 3600)
RESET_JOB = "bot.password_reset_mail"
RETURN_SEND_BY_DAYS = 14
WAIT_PER_WAITING_CONVERSATION = timedelta(minutes=3)
_OPEN_STATUSES = {"placed", "paid", "processing"}
_STATUS = {
    "placed": OrderStatus.PLACED,
    "paid": OrderStatus.PROCESSING,
    "processing": OrderStatus.PROCESSING,
    "shipped": OrderStatus.SHIPPED,
    "delivered": OrderStatus.DELIVERED,
    "cancelled": OrderStatus.CANCELLED,
    "returned": OrderStatus.RETURNED,
    "refunded": OrderStatus.RETURNED,
}
_REFUND = {
    "pending": RefundStatus.PENDING,
    "requested": RefundStatus.PENDING,
    "issued": RefundStatus.ISSUED,
    "refunded": RefundStatus.ISSUED,
    "completed": RefundStatus.ISSUED,
    "failed": RefundStatus.FAILED,
}
_TRACKING_URLS = {
    "ups": "https://www.ups.com/track?tracknum={}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={}",
    "dhl": "https://www.dhl.com/en/express/tracking.html?AWB={}",
}
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def order_key(number: str) -> str:
    """'#ao-1002' and 'AO1002' name the same order."""
    return re.sub(r"[^0-9A-Za-z]", "", number).upper()


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def to_bot_order(row: OrderRow) -> Order:
    """The store's order as the bot may describe it to its proven owner."""
    money = lambda cents: Money(Decimal(cents) / 100, row.currency)  # noqa: E731
    shipments: tuple[Shipment, ...] = ()
    if row.carrier or row.tracking_number:
        template = _TRACKING_URLS.get((row.carrier or "").strip().lower())
        shipments = (
            Shipment(
                carrier=row.carrier or "the carrier",
                tracking_number=row.tracking_number or "",
                tracking_url=template.format(row.tracking_number)
                if template and row.tracking_number
                else None,
                shipped_on=_day(row.shipped_at),
                delivered_on=_day(row.delivered_at),
            ),
        )
    refunds: tuple[Refund, ...] = ()
    refund_status = _REFUND.get((row.refund_status or "").strip().lower())
    if row.status == "refunded" and refund_status is None:
        refund_status = RefundStatus.ISSUED
    if refund_status is not None:
        when = _day(row.delivered_at or row.shipped_at or row.placed_at) or date.today()
        refunds = (
            Refund(
                money(row.total_cents),
                refund_status,
                created_on=when,
                issued_on=when if refund_status is RefundStatus.ISSUED else None,
            ),
        )
    payment = PaymentStatus.PAID
    if refund_status is RefundStatus.ISSUED:
        payment = PaymentStatus.REFUNDED
    address = row.shipping_address if isinstance(row.shipping_address, dict) else {}
    return Order(
        number=row.number,
        placed_on=row.placed_at.date(),
        status=_STATUS.get(row.status, OrderStatus.PROCESSING),
        items=tuple(
            OrderItem(i.sku, i.name, i.quantity, i.returnable, money(i.unit_price_cents)) for i in row.items
        ),
        payment_status=payment,
        shipments=shipments,
        refunds=refunds,
        delivery_city=str(address.get("city") or "") or None,
    )


@dataclass
class StoreRetailer:
    """One turn's view of one retailer's data; each call uses a short transaction of its own."""

    sessions: sessionmaker[Session]
    readers: sessionmaker[Session]
    tenant_id: int
    tenant_slug: str
    return_window_days: int
    help_url: str
    limiter: RateLimiter
    registry: Callable[[Session], Registry]
    knowledge: Callable[[Session], KnowledgeBase]
    conversation_id: int | None = None
    client: str | None = None
    wake: Callable[[], None] | None = None

    # -- orders: proof of ownership ------------------------------------------------------------

    def _spend_guess(self) -> bool:
        """One order look-up from this client and conversation; False once either budget is spent."""
        keys = [
            ("bot-order-conv", f"{self.tenant_id}:{self.conversation_id}", ORDER_LOOKUPS_PER_CONVERSATION)
        ]
        if self.client:
            keys.append(("bot-order-client", f"{self.tenant_id}:{self.client}", ORDER_LOOKUPS_PER_CLIENT))
        try:
            return all(self.limiter.hit(bucket, key, limit).allowed for bucket, key, limit in keys)
        except Exception:  # noqa: BLE001 - no counter (Redis down): refuse rather than allow guessing
            return False

    def _order(self, session: Session, number: str) -> OrderRow | None:
        base = (
            select(OrderRow).where(OrderRow.tenant_id == self.tenant_id).options(selectinload(OrderRow.items))
        )
        number = number.strip().lstrip("#")
        found = session.scalar(base.where(OrderRow.number == number))
        if found is None:
            key = order_key(number)
            if not key:
                return None
            # Customers type numbers without dashes or in lower case: compare the letters and digits.
            found = session.scalar(
                base.where(func.upper(func.replace(OrderRow.number, "-", "")) == key).limit(1)
            )
        return found

    def find_order(self, number: str, email: str) -> Order | None:
        """The order if `email` is the one on it; None for an unknown number or a wrong e-mail alike."""
        if not self._spend_guess():
            return None
        with self.readers() as session:
            row = self._order(session, number)
            if row is None:
                return None
            owner = session.get(Customer, row.customer_id)
            if owner is None or owner.email.strip().lower() != email.strip().lower():
                return None
            return to_bot_order(row)

    def find_customer_order(self, customer_id: str, number: str) -> Order | None:
        """The signed-in customer's own order with this number."""
        with self.readers() as session:
            row = self._order(session, number)
            if row is None or str(row.customer_id) != customer_id:
                return None
            return to_bot_order(row)

    def list_customer_orders(self, customer_id: str, limit: int) -> Sequence[Order]:
        """The signed-in customer's newest orders."""
        if not customer_id.isdigit():
            return []
        with self.readers() as session:
            rows = session.scalars(
                select(OrderRow)
                .where(OrderRow.tenant_id == self.tenant_id, OrderRow.customer_id == int(customer_id))
                .options(selectinload(OrderRow.items))
                .order_by(OrderRow.placed_at.desc())
                .limit(limit)
            ).all()
            return [to_bot_order(r) for r in rows]

    # -- actions on proven orders --------------------------------------------------------------

    def return_policy(self) -> ReturnPolicy:
        """The tenant's return window; the help centre holds the full policy."""
        return ReturnPolicy(window_days=self.return_window_days, policy_url=self.help_url)

    def create_return_authorisation(
        self, order_number: str, skus: Sequence[str], reason: str | None
    ) -> ReturnAuthorisation:
        """Record the return (one per order and items: a repeated request gets the same reference)."""
        now = utcnow()
        with self.sessions() as session:
            row = self._order(session, order_number)
            if row is None:
                raise LookupError("the order is gone")
            wanted = sorted(set(skus))
            existing = session.scalars(
                select(ReturnAuthorisationRow).where(
                    ReturnAuthorisationRow.tenant_id == self.tenant_id,
                    ReturnAuthorisationRow.order_id == row.id,
                    ReturnAuthorisationRow.status == "authorised",
                )
            ).all()
            same = next((ra for ra in existing if sorted(ra.skus) == wanted), None)
            if same is None:
                same = ReturnAuthorisationRow(
                    tenant_id=self.tenant_id,
                    reference="RA-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8)),
                    order_id=row.id,
                    skus=wanted,
                    reason=(reason or "")[:300] or None,
                    status="authorised",
                    conversation_id=self.conversation_id,
                    send_by=now + timedelta(days=RETURN_SEND_BY_DAYS),
                    created_at=now,
                )
                session.add(same)
                session.flush()
                record(
                    session,
                    "bot.return_authorised",
                    actor="bot",
                    tenant_id=self.tenant_id,
                    target=f"order:{row.number}",
                    details={"reference": same.reference, "skus": wanted},
                )
            reference, send_by = same.reference, same.send_by
            session.commit()
        return ReturnAuthorisation(
            reference=reference,
            order_number=order_number,
            skus=tuple(wanted),
            next_steps=(
                f"Write {reference} on a note inside the parcel",
                "Pack the items with their labels",
                "Send the parcel to the returns address on our help pages",
            ),
            send_by=_day(send_by),
        )

    def request_cancellation(self, order_number: str) -> bool:
        """Cancel a proven order that has not shipped; False once it has. Audited."""
        with self.sessions() as session:
            row = self._order(session, order_number)
            if row is None or row.status not in _OPEN_STATUSES:
                return False
            previous = row.status
            row.status = "cancelled"
            record(
                session,
                "bot.order_cancelled",
                actor="bot",
                tenant_id=self.tenant_id,
                target=f"order:{row.number}",
                details={"previous_status": previous, "conversation_id": self.conversation_id},
            )
            session.commit()
            return True

    def send_password_reset(self, email: str) -> None:
        """Queue the official reset e-mail to the account's own address; nothing if no account uses it."""
        with self.sessions() as session:
            user = session.scalar(
                select(User).where(
                    User.tenant_id == self.tenant_id,
                    func.lower(User.email) == email.strip().lower(),
                    User.role == Role.CUSTOMER.value,
                )
            )
            if user is None:
                return
            conversation = session.get(Conversation, self.conversation_id) if self.conversation_id else None
            lang = conversation.language if conversation is not None else None
            # The mail is written in the conversation's language (the retailer's default without one).
            enqueue(session, RESET_JOB, {"user_id": user.id, "lang": lang}, tenant_id=self.tenant_id)
            record(
                session,
                "bot.password_reset_requested",
                actor="bot",
                tenant_id=self.tenant_id,
                target=f"user:{user.id}",
                details={"conversation_id": self.conversation_id},
            )
            session.commit()
        if self.wake is not None:
            self.wake()

    # -- contacts, help articles, people -------------------------------------------------------

    def verify_contacts(self, text: str) -> Sequence[ContactCheck]:
        """Every contact in `text`, checked against this retailer's official channels and reports."""
        with self.readers() as session:
            registry = self.registry(session)
        checks = []
        for result in verify_text(text, registry, self.tenant_slug).results[:5]:
            contact = result.contact
            if contact.value is None and not result.reasons:
                continue
            imitates = result.imitates.value if result.imitates is not None else None
            checks.append(
                ContactCheck(
                    contact=contact.raw.strip()[:200],
                    kind=contact.kind.value,
                    verdict=Verdict(result.verdict.value),
                    reasons=tuple(r.detail for r in result.reasons[:2] if r.detail),
                    imitates=imitates,
                )
            )
        return checks

    def search_knowledge_base(self, query: str, limit: int) -> Sequence[KnowledgeHit]:
        """The tenant's published help articles, ranked by BM25."""
        with self.readers() as session:
            knowledge = self.knowledge(session)
        return knowledge.search(query, limit)

    def human_wait_estimate(self) -> timedelta | None:
        """A rough wait: a few minutes per conversation already waiting, shared among the agents;
        None when the retailer has no active agent at all."""
        with self.readers() as session:
            agents = session.scalar(
                select(func.count(User.id)).where(
                    User.tenant_id == self.tenant_id,
                    User.is_active.is_(True),
                    User.role.in_([Role.AGENT.value, Role.SUPERVISOR.value, Role.ADMIN.value]),
                )
            )
            waiting = session.scalar(
                select(func.count(Conversation.id)).where(
                    Conversation.tenant_id == self.tenant_id,
                    Conversation.assignee_user_id.is_(None),
                    Conversation.status == "new",
                    Conversation.bot_active.is_(False),
                )
            )
        if not agents:
            return None
        return WAIT_PER_WAITING_CONVERSATION * ((waiting or 0) + 1) / agents


def tenant_retailer(tenant: Tenant, **kwargs: Any) -> StoreRetailer:
    """A StoreRetailer for `tenant` (kwargs: the StoreRetailer fields besides the tenant's own)."""
    return StoreRetailer(
        tenant_id=tenant.id,
        tenant_slug=tenant.slug,
        return_window_days=tenant.return_window_days,
        **kwargs,
    )
