"""drop customers.fax and newsletter_signups

Revision ID: 1e5ed2de4122
Revises: 60415ea008d9
Create Date: 2024-06-10 11:28:36.480715

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "1e5ed2de4122"
down_revision: Union[str, None] = "60415ea008d9"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # nobody has sent a fax since 2019; the newsletter moved to the mailing
    # provider, which imported the sign-ups
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_column("fax")
    op.drop_table("newsletter_signups")


def downgrade() -> None:
    op.create_table(
        "newsletter_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    with op.batch_alter_table("customers") as batch_op:
        batch_op.add_column(sa.Column("fax", sa.String(length=32), nullable=True))
