"""rename addresses to customer_addresses

Revision ID: 1679fb4684f0
Revises: 4bdeb91ac912
Create Date: 2024-05-27 09:14:51.602948

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "1679fb4684f0"
down_revision: Union[str, None] = "4bdeb91ac912"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.rename_table("addresses", "customer_addresses")


def downgrade() -> None:
    op.rename_table("customer_addresses", "addresses")
