"""store payment method as enum

Revision ID: 4bdeb91ac912
Revises: 7f4ae759ffe2
Create Date: 2024-05-20 12:22:07.745190

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4bdeb91ac912'
down_revision = '7f4ae759ffe2'
branch_labels = None
depends_on = None

payment_method = sa.Enum('card', 'paypal', 'bank_transfer', name='payment_method')


def upgrade():
    # a no-op on SQLite, CREATE TYPE on PostgreSQL
    payment_method.create(op.get_bind(), checkfirst=False)
    with op.batch_alter_table('payments') as batch_op:
        batch_op.alter_column(
            'method',
            existing_type=sa.String(length=20),
            type_=payment_method,
            existing_nullable=False,
            postgresql_using='method::payment_method',
        )


def downgrade():
    with op.batch_alter_table('payments') as batch_op:
        batch_op.alter_column(
            'method',
            existing_type=payment_method,
            type_=sa.String(length=20),
            existing_nullable=False,
            postgresql_using='method::text',
        )
    payment_method.drop(op.get_bind(), checkfirst=False)
