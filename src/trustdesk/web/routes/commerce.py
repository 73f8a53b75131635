"""Customers and orders of the signed-in staff member's retailer (never another retailer's)."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from trustdesk.accounts.permissions import Permission
from trustdesk.store.models import Customer, Order
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.deps import Auth, db, require, tenant_object_or_404
from trustdesk.web.fields import Offset, RowId, page_size

router = APIRouter(prefix="/api/v1", tags=["commerce"])


class ItemOut(BaseModel):
    sku: str
    name: str
    quantity: int
    unit_price_cents: int
    returnable: bool


class OrderSummary(BaseModel):
    number: str
    status: str
    placed_at: datetime
    currency: str
    total_cents: int
    customer_id: int


class OrderOut(OrderSummary):
    carrier: str | None
    tracking_number: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    refund_status: str | None
    items: list[ItemOut]
    customer_email: str
    customer_name: str


class CustomerOut(BaseModel):
    id: int
    email: str
    name: str
    phone: str | None


class CustomerDetail(CustomerOut):
    orders: list[OrderSummary]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int


def orders_query(tenant_id: int, status: str | None, q: str | None) -> Select[tuple[Order]]:
    """The tenant's orders, of `status`, whose number is `q` or whose customer's e-mail starts with it."""
    query = select(Order).where(Order.tenant_id == tenant_id)
    if status:
        query = query.where(Order.status == status)
    if q:
        needle = q.strip().lower().replace("%", "").replace("_", "")
        query = query.join(Customer, Customer.id == Order.customer_id).where(
            or_(Order.number == q.strip(), func.lower(Customer.email).like(f"{needle}%"))
        )
    return query


def order_or_404(session: Session, tenant_id: int, number: str) -> Order:
    """The tenant's order with this number, with its items and customer."""
    options = (selectinload(Order.items), selectinload(Order.customer))
    return tenant_object_or_404(session, Order, tenant_id, "order", Order.number == number, options=options)


def customer_or_404(session: Session, tenant_id: int, customer_id: int) -> Customer:
    """The tenant's customer with this id, with their orders."""
    options = (selectinload(Customer.orders),)
    return tenant_object_or_404(
        session, Customer, tenant_id, "customer", Customer.id == customer_id, options=options
    )


def _summary(order: Order) -> OrderSummary:
    return OrderSummary(
        number=order.number,
        status=order.status,
        placed_at=order.placed_at,
        currency=order.currency,
        total_cents=order.total_cents,
        customer_id=order.customer_id,
    )


@router.get(
    "/orders",
    response_model=Page[OrderSummary],
    summary="List or search orders",
    responses=with_links(
        200,
        order=link("get_order", "The first order listed", order_number="$response.body#/items/0/number"),
        customer=link("get_customer", "Its customer", customer_id="$response.body#/items/0/customer_id"),
    ),
)
def list_orders(
    status: str | None = Query(default=None, max_length=20),
    q: str | None = Query(default=None, max_length=100, description="order number or customer e-mail prefix"),
    limit: page_size(500) = 50,
    offset: Offset = 0,
    auth: Auth = Depends(require(Permission.VIEW_ORDERS)),
    session: Session = Depends(db),
) -> Page[OrderSummary]:
    query = orders_query(auth.tenant.id, status, q)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Order.placed_at.desc()).limit(limit).offset(offset)).all()
    return Page[OrderSummary](items=[_summary(o) for o in rows], total=total)


@router.get(
    "/orders/{order_number}",
    response_model=OrderOut,
    summary="One order with its items",
    responses=errors(404),
)
def get_order(
    order_number: str, auth: Auth = Depends(require(Permission.VIEW_ORDERS)), session: Session = Depends(db)
) -> OrderOut:
    order = order_or_404(session, auth.tenant.id, order_number)
    return OrderOut(
        **_summary(order).model_dump(),
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        shipped_at=order.shipped_at,
        delivered_at=order.delivered_at,
        refund_status=order.refund_status,
        items=[
            ItemOut(
                sku=i.sku,
                name=i.name,
                quantity=i.quantity,
                unit_price_cents=i.unit_price_cents,
                returnable=i.returnable,
            )
            for i in order.items
        ],
        customer_email=order.customer.email,
        customer_name=order.customer.name,
    )


@router.get(
    "/customers",
    response_model=Page[CustomerOut],
    summary="List or search customers",
    responses=with_links(
        200,
        customer=link("get_customer", "The first customer listed", customer_id="$response.body#/items/0/id"),
    ),
)
def list_customers(
    q: str | None = Query(default=None, max_length=100),
    limit: page_size(500) = 50,
    offset: Offset = 0,
    auth: Auth = Depends(require(Permission.VIEW_CUSTOMERS)),
    session: Session = Depends(db),
) -> Page[CustomerOut]:
    query = select(Customer).where(Customer.tenant_id == auth.tenant.id)
    if q:
        needle = q.strip().lower().replace("%", "").replace("_", "")
        query = query.where(
            or_(func.lower(Customer.email).like(f"{needle}%"), func.lower(Customer.name).like(f"%{needle}%"))
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Customer.email).limit(limit).offset(offset)).all()
    return Page[CustomerOut](
        items=[CustomerOut(id=c.id, email=c.email, name=c.name, phone=c.phone) for c in rows], total=total
    )


@router.get(
    "/customers/{customer_id}",
    response_model=CustomerDetail,
    summary="One customer with their orders",
    responses=errors(404)
    | with_links(
        200, order=link("get_order", "Their first order", order_number="$response.body#/orders/0/number")
    ),
)
def get_customer(
    customer_id: RowId,
    auth: Auth = Depends(require(Permission.VIEW_CUSTOMERS)),
    session: Session = Depends(db),
) -> CustomerDetail:
    customer = customer_or_404(session, auth.tenant.id, customer_id)
    return CustomerDetail(
        id=customer.id,
        email=customer.email,
        name=customer.name,
        phone=customer.phone,
        orders=[_summary(o) for o in customer.orders],
    )
