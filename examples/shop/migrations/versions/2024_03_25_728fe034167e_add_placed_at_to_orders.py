"""add placed_at to orders

Revision ID: 728fe034167e
Revises: 5a484c077b7a
Create Date: 2024-03-25 17:11:58.392205

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '728fe034167e'
down_revision = '5a484c077b7a'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('orders', sa.Column('placed_at', sa.DateTime(timezone=True), nullable=True))
    # until now an order was placed when it was created
    op.execute("UPDATE orders SET placed_at = created_at WHERE placed_at IS NULL")
    with op.batch_alter_table('orders') as batch_op:
        batch_op.alter_column(
            'placed_at',
            existing_type=sa.DateTime(timezone=True),
            nullable=False,
        )


def downgrade():
    with op.batch_alter_table('orders') as batch_op:
        batch_op.drop_column('placed_at')
