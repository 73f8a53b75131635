"""Importing orders from CSV or JSON lines: each row on its own, a bad row never aborts the rest."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.commerce.records import OrderRecord, RowError, parse_row
from trustdesk.store.models import Customer, Order, OrderItem, Tenant

MAX_IMPORT_BYTES = 512 * 1024 * 1024


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return self.created + self.updated


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    raise RowError(f"cannot tell the format of {path.name}: use .csv or .jsonl")


def iter_rows(text_stream: io.TextIOBase, fmt: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """Yield (line number, row or the error that row has)."""
    if fmt == "csv":
        reader = csv.DictReader(text_stream)
        if not reader.fieldnames:
            return
        for row in reader:
            line = reader.line_num
            if None in row:
                yield line, RowError("more columns than the header has")
                continue
            yield line, dict(row)
        return
    for number, line in enumerate(text_stream, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RowError(f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(value, dict):
            yield number, RowError("expected a JSON object")
            continue
        yield number, value


def _upsert(session: Session, tenant: Tenant, rec: OrderRecord) -> bool:
    """Write one order; True when it was created, False when an existing order was updated."""
    customer = session.scalar(
        select(Customer).where(Customer.tenant_id == tenant.id, Customer.email == rec.customer_email)
    )
    if customer is None:
        customer = Customer(
            tenant_id=tenant.id, email=rec.customer_email, name=rec.customer_name, phone=rec.customer_phone
        )
        session.add(customer)
        session.flush()
    elif rec.customer_name and not customer.name:
        customer.name = rec.customer_name
    order = session.scalar(
        select(Order).where(Order.tenant_id == tenant.id, Order.number == rec.order_number)
    )
    created = order is None
    if order is None:
        order = Order(tenant_id=tenant.id, number=rec.order_number)
        session.add(order)
    order.customer_id = customer.id
    order.status = rec.status.value
    order.placed_at = rec.placed_at
    order.currency = rec.currency
    order.total_cents = rec.total_cents
    order.carrier = rec.carrier
    order.tracking_number = rec.tracking_number
    order.shipped_at = rec.shipped_at
    order.delivered_at = rec.delivered_at
    order.refund_status = rec.refund_status
    order.shipping_address = dict(rec.shipping_address)
    order.items = [
        OrderItem(
            tenant_id=tenant.id,
            sku=i.sku,
            name=i.name,
            quantity=i.quantity,
            unit_price_cents=i.unit_price_cents,
            returnable=i.returnable,
        )
        for i in rec.items
    ]
    session.flush()
    return created


def import_orders(
    session: Session,
    tenant: Tenant,
    text_stream: io.TextIOBase,
    fmt: str,
    *,
    actor: str,
    on_row: Callable[[], None] | None = None,
) -> ImportReport:
    """Import every row in its own savepoint; errors are collected per line, good rows are kept."""
    report = ImportReport()
    for line, row in iter_rows(text_stream, fmt):
        if on_row:
            on_row()
        if isinstance(row, RowError):
            report.errors.append((line, str(row)))
            continue
        try:
            rec = parse_row(row)
        except RowError as exc:
            report.errors.append((line, str(exc)))
            continue
        savepoint = session.begin_nested()
        try:
            created = _upsert(session, tenant, rec)
        except SQLAlchemyError as exc:
            savepoint.rollback()
            report.errors.append((line, f"could not store: {type(exc).__name__}"))
            continue
        savepoint.commit()
        if created:
            report.created += 1
        else:
            report.updated += 1
    record(
        session,
        "orders.imported",
        actor=actor,
        tenant_id=tenant.id,
        details={"created": report.created, "updated": report.updated, "errors": len(report.errors)},
    )
    return report
