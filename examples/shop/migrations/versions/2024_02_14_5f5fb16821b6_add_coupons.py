"""add coupons

Revision ID: 5f5fb16821b6
Revises: f06eac2ed512
Create Date: 2024-02-14 09:07:38.664251

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "5f5fb16821b6"
down_revision: Union[str, None] = "f06eac2ed512"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "coupons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("percent_off", sa.Integer(), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    # squashed from a second autogenerate run on the feature branch
    op.add_column("coupons", sa.Column("max_redemptions", sa.Integer(), nullable=False))

    op.add_column("orders", sa.Column("coupon_id", sa.Integer(), nullable=True))
    op.create_index("ix_orders_coupon_id", "orders", ["coupon_id"], unique=False)

    coupons = sa.table(
        "coupons",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("percent_off", sa.Integer),
        sa.column("max_redemptions", sa.Integer),
    )
    op.bulk_insert(
        coupons,
        [
            {"id": 1, "code": "WELCOME10", "percent_off": 10, "max_redemptions": 100000},
            {"id": 2, "code": "SPRING24", "percent_off": 15, "max_redemptions": 5000},
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_orders_coupon_id", table_name="orders")
    op.drop_column("orders", "coupon_id")
    op.drop_table("coupons")
