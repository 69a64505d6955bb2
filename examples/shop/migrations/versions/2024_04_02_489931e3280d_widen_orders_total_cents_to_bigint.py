"""widen orders.total_cents to bigint

Revision ID: 489931e3280d
Revises: 728fe034167e
Create Date: 2024-04-02 11:45:19.027763

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "489931e3280d"
down_revision: Union[str, None] = "728fe034167e"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # wholesale orders overflow 2^31 cents
    with op.batch_alter_table("orders") as batch_op:
        batch_op.alter_column(
            "total_cents",
            existing_type=sa.Integer(),
            type_=sa.BigInteger(),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.alter_column(
            "total_cents",
            existing_type=sa.BigInteger(),
            type_=sa.Integer(),
            existing_nullable=False,
        )
