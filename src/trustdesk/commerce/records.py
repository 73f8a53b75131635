"""Validating one imported order row into a typed record (pure: no database)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class OrderStatus(StrEnum):
    PLACED = "placed"
    PAID = "paid"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"
    REFUNDED = "refunded"


class RowError(ValueError):
    """One import row is unusable; the message names the field and the problem."""


class ItemRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    quantity: int = Field(ge=1, le=10_000)
    unit_price_cents: int = Field(ge=0, le=100_000_000)
    returnable: bool = True


class OrderRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_number: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
    customer_email: str = Field(min_length=3, max_length=320)
    customer_name: str = Field(default="", max_length=200)
    customer_phone: str | None = Field(default=None, max_length=32)
    status: OrderStatus
    placed_at: datetime
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    total_cents: int = Field(ge=0, le=10_000_000_000)
    carrier: str | None = Field(default=None, max_length=40)
    tracking_number: str | None = Field(default=None, max_length=64)
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    refund_status: str | None = Field(default=None, max_length=20)
    shipping_address: dict[str, str] = Field(default_factory=dict)
    items: list[ItemRecord] = Field(min_length=1, max_length=500)

    @field_validator("customer_email")
    @classmethod
    def _email(cls, value: str) -> str:
        value = value.strip()
        local, sep, domain = value.rpartition("@")
        if not sep or not local or "." not in domain or any(c.isspace() for c in value):
            raise ValueError("not an e-mail address")
        return f"{local}@{domain.lower()}"

    @field_validator("placed_at", "shipped_at", "delivered_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # exports without a zone are taken as UTC
        return value

    @model_validator(mode="after")
    def _consistent(self) -> OrderRecord:
        if self.status in {OrderStatus.SHIPPED, OrderStatus.DELIVERED} and not self.shipped_at:
            raise ValueError(f"status {self.status.value} needs shipped_at")
        if self.status == OrderStatus.DELIVERED and not self.delivered_at:
            raise ValueError("status delivered needs delivered_at")
        if self.shipped_at and self.shipped_at < self.placed_at:
            raise ValueError("shipped_at is before placed_at")
        return self


def _cents(value: Any, field: str) -> int:
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise RowError(f"{field}: {value!r} is not an amount") from None
    if amount != amount.quantize(Decimal("0.01")):
        raise RowError(f"{field}: more than two decimal places")
    return int(amount * 100)


def _blank_to_none(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in row.items()}


def parse_row(row: dict[str, Any]) -> OrderRecord:
    """Turn one CSV or JSON-lines row into an OrderRecord, or raise RowError naming the problem.

    Accepts amounts as `total` (decimal string) or `total_cents`, items as a list or a JSON string,
    and item prices as `unit_price` or `unit_price_cents`.
    """
    data = _blank_to_none(dict(row))
    if "total" in data:
        total = data.pop("total")
        if total is not None and data.get("total_cents") is None:
            data["total_cents"] = _cents(total, "total")
    items = data.get("items")
    if isinstance(items, str):
        try:
            items = json.loads(items)
        except json.JSONDecodeError:
            raise RowError("items: not valid JSON") from None
    if isinstance(items, list):
        converted = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise RowError(f"items[{index}]: expected an object")
            item = dict(item)
            if "unit_price" in item:
                item["unit_price_cents"] = _cents(item.pop("unit_price"), f"items[{index}].unit_price")
            converted.append(item)
        data["items"] = converted
    address = data.get("shipping_address")
    if isinstance(address, str):
        try:
            data["shipping_address"] = json.loads(address)
        except json.JSONDecodeError:
            raise RowError("shipping_address: not valid JSON") from None
    elif address is None:
        data.pop("shipping_address", None)
    try:
        return OrderRecord.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "row"
        more = f" (+{len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise RowError(f"{where}: {first['msg']}{more}") from None
