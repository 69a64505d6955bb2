"""add on_hold order status

Revision ID: fc7d74489913
Revises: 8f6d5ede71dc
Create Date: 2024-04-10 10:02:13.874096

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "fc7d74489913"
down_revision: Union[str, None] = "8f6d5ede71dc"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # committed at once, so the new value is usable by the next
        # migration; IF NOT EXISTS makes a re-run harmless
        with op.get_context().autocommit_block():
            op.execute("ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'on_hold'")


def downgrade() -> None:
    # enum values cannot be dropped; move the rows back to a status the
    # previous release understands
    op.execute("UPDATE orders SET status = 'pending' WHERE status = 'on_hold'")
