"""add customer phone and marketing opt-in

Revision ID: 68ad6898082f
Revises: 83a87dd68ebb
Create Date: 2024-02-02 10:15:44.120577

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "68ad6898082f"
down_revision: Union[str, None] = "83a87dd68ebb"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("phone", sa.String(length=32), nullable=True))
    # existing customers have not opted in; the server default fills them in
    op.add_column(
        "customers",
        sa.Column(
            "marketing_opt_in",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_column("marketing_opt_in")
        batch_op.drop_column("phone")
