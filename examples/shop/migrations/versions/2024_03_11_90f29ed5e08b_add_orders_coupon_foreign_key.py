"""add orders coupon foreign key

Revision ID: 90f29ed5e08b
Revises: 683927aee1d9
Create Date: 2024-03-11 10:04:27.651982

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '90f29ed5e08b'
down_revision = '683927aee1d9'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        # fail fast instead of queueing behind long transactions on orders
        op.execute("SET LOCAL lock_timeout = '5s'")
    # ix_orders_coupon_id (5f5fb16821b6) already covers coupon_id; NOT VALID
    # skips the full-table check, which 5a484c077b7a runs separately
    with op.batch_alter_table('orders') as batch_op:
        batch_op.create_foreign_key(
            'fk_orders_coupon_id_coupons',
            'coupons',
            ['coupon_id'],
            ['id'],
            postgresql_not_valid=True,
        )


def downgrade():
    with op.batch_alter_table('orders') as batch_op:
        batch_op.drop_constraint('fk_orders_coupon_id_coupons', type_='foreignkey')
