"""require address country

Revision ID: 60415ea008d9
Revises: 1679fb4684f0
Create Date: 2024-06-03 16:40:09.133574

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '60415ea008d9'
down_revision = '1679fb4684f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customer_addresses') as batch_op:
        batch_op.alter_column(
            'country',
            existing_type=sa.String(length=2),
            nullable=False,
        )


def downgrade():
    with op.batch_alter_table('customer_addresses') as batch_op:
        batch_op.alter_column(
            'country',
            existing_type=sa.String(length=2),
            nullable=True,
        )
