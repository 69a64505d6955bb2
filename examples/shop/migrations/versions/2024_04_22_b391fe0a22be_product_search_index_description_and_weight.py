"""product search index, description and weight

Revision ID: b391fe0a22be
Revises: b593718b84a0
Create Date: 2024-04-22 13:58:31.660217

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "b391fe0a22be"
down_revision: Union[str, None] = "b593718b84a0"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("products", sa.Column("description", sa.Text(), nullable=True))
    op.add_column("products", sa.Column("weight_grams", sa.Integer(), nullable=True))
    # the storefront search filters and sorts by name
    op.execute("CREATE INDEX ix_products_name ON products (name)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_products_name")
    op.drop_column("products", "weight_grams")
    op.drop_column("products", "description")
