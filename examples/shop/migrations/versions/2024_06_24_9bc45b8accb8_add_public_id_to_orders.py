"""add public_id to orders

Revision ID: 9bc45b8accb8
Revises: f7f8739821f1
Create Date: 2024-06-24 10:50:03.566412

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "9bc45b8accb8"
down_revision: Union[str, None] = "f7f8739821f1"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # order numbers in URLs must not be guessable (the parentheses keep
    # SQLite's CREATE TABLE happy; env.py gives SQLite a gen_random_uuid())
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(
            sa.Column(
                "public_id",
                sa.String(length=36),
                server_default=sa.text("(gen_random_uuid())"),
                nullable=False,
            )
        )
    if op.get_bind().dialect.name == "postgresql":
        # CREATE INDEX CONCURRENTLY refuses to run inside a transaction
        op.execute("COMMIT")
    op.create_index(
        "uq_orders_public_id",
        "orders",
        ["public_id"],
        unique=True,
        postgresql_concurrently=True,
    )


def downgrade() -> None:
    op.drop_index("uq_orders_public_id", table_name="orders")
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("public_id")
