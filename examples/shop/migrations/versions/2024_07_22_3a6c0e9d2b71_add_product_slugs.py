"""add product slugs

Revision ID: 3a6c0e9d2b71
Revises: fd8901db7e39
Create Date: 2024-07-22 11:02:40.836115

"""
import re
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


# revision identifiers, used by Alembic.
revision: str = "3a6c0e9d2b71"
down_revision: Union[str, None] = "fd8901db7e39"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def upgrade() -> None:
    op.add_column("products", sa.Column("slug", sa.String(length=140), nullable=True))

    # reuse the application's model to fill in the slugs (rows cannot be
    # read when only emitting SQL with --sql)
    from app.models import Product

    if not op.get_context().as_sql:
        session = Session(bind=op.get_bind())
        for product in session.query(Product):
            product.slug = f"{slugify(product.name)}-{product.id}"
        session.flush()

    with op.batch_alter_table("products") as batch_op:
        batch_op.alter_column("slug", existing_type=sa.String(length=140), nullable=False)
        batch_op.create_unique_constraint("uq_products_slug", ["slug"])


def downgrade() -> None:
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_constraint("uq_products_slug", type_="unique")
        batch_op.drop_column("slug")
