"""rename shipped order status to dispatched

Revision ID: fd8901db7e39
Revises: 646a2051609b
Create Date: 2024-07-15 15:33:18.057629

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fd8901db7e39'
down_revision = '646a2051609b'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched'")
    else:
        op.execute("UPDATE orders SET status = 'dispatched' WHERE status = 'shipped'")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE order_status RENAME VALUE 'dispatched' TO 'shipped'")
    else:
        op.execute("UPDATE orders SET status = 'shipped' WHERE status = 'dispatched'")
