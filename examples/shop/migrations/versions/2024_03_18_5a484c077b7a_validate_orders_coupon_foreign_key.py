"""validate orders coupon foreign key

Revision ID: 5a484c077b7a
Revises: 90f29ed5e08b
Create Date: 2024-03-18 09:33:02.184470

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "5a484c077b7a"
down_revision: Union[str, None] = "90f29ed5e08b"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # VALIDATE CONSTRAINT only takes a SHARE UPDATE EXCLUSIVE lock, so reads
    # and writes continue while existing rows are checked
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_coupon_id_coupons")


def downgrade() -> None:
    # nothing to undo: the constraint itself is dropped by 90f29ed5e08b
    pass
