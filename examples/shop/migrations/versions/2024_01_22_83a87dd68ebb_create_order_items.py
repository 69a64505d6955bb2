"""create order items

Revision ID: 83a87dd68ebb
Revises: c784ae16ae5c
Create Date: 2024-01-22 11:26:03.559842

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '83a87dd68ebb'
down_revision = 'c784ae16ae5c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'order_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        # looked up on its own when a product is discontinued
        sa.Column('product_id', sa.Integer(), nullable=False, index=True),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('unit_price_cents', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
        sa.PrimaryKeyConstraint('id'),
        # also serves as the index for order_id (leading column)
        sa.UniqueConstraint('order_id', 'product_id', name='uq_order_items_order_product'),
    )


def downgrade():
    op.drop_table('order_items')
