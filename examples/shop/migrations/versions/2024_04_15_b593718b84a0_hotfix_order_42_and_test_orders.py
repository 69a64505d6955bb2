"""hotfix order 42 and test orders

Revision ID: b593718b84a0
Revises: fc7d74489913
Create Date: 2024-04-15 19:36:05.214388

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b593718b84a0'
down_revision = 'fc7d74489913'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        # keep checkout away from orders while they are fixed up
        op.execute("LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE")
    # order 42 was charged twice by the payment provider (INC-311)
    op.execute("UPDATE orders SET status = 'cancelled' WHERE id = 42")
    # load-test orders that leaked into production
    op.execute(sa.text("DELETE FROM order_items WHERE order_id IN (1001, 1002, 1003)"))


def downgrade():
    op.execute("UPDATE orders SET status = 'paid' WHERE id = 42")
