"""replace orders status index

Revision ID: f7f8739821f1
Revises: 1e5ed2de4122
Create Date: 2024-06-17 14:05:22.991368

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7f8739821f1'
down_revision = '1e5ed2de4122'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_orders_status', table_name='orders')
    # the back office lists orders by status, newest first
    with op.get_context().autocommit_block():
        op.create_index(
            'ix_orders_status_created_at',
            'orders',
            ['status', 'created_at'],
            unique=False,
            postgresql_concurrently=True,
        )


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index(
            'ix_orders_status_created_at',
            table_name='orders',
            postgresql_concurrently=True,
        )
    op.create_index('ix_orders_status', 'orders', ['status'], unique=False)
