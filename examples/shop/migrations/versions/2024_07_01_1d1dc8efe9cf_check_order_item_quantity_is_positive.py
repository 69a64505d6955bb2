"""check order item quantity is positive

Revision ID: 1d1dc8efe9cf
Revises: 9bc45b8accb8
Create Date: 2024-07-01 13:17:45.208841

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1d1dc8efe9cf'
down_revision = '9bc45b8accb8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order_items') as batch_op:
        batch_op.create_check_constraint(
            'ck_order_items_quantity_positive',
            'quantity > 0',
        )


def downgrade():
    with op.batch_alter_table('order_items') as batch_op:
        batch_op.drop_constraint('ck_order_items_quantity_positive', type_='check')
