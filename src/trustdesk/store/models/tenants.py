"""A tenant is one retailer with its own branding, staff, customers and channels."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.store.models.base import Base, UTCDateTime, utcnow


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    primary_domain: Mapped[str] = mapped_column(String(253), nullable=False)
    # Branding and support settings the pages and bot read: colours, logo text, hours, languages.
    branding: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    return_window_days: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    # The languages customers are served in, in the retailer's order, and the fallback among them
    # (tenancy.languages checks both; codes as in trustdesk.i18n.LANGUAGES).
    languages: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=lambda: ["en"])
    default_language: Mapped[str] = mapped_column(String(8), nullable=False, default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
