"""Mail impersonation: why an inbound mail's From display name borrows the retailer's identity.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("impersonation", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mail_records", schema=None) as batch_op:
        batch_op.drop_column("impersonation")
