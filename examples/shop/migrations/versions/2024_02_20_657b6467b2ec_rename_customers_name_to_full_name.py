"""rename customers.name to full_name

Revision ID: 657b6467b2ec
Revises: c09423ff893d
Create Date: 2024-02-20 10:31:49.945120

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '657b6467b2ec'
down_revision = 'c09423ff893d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customers') as batch_op:
        batch_op.alter_column(
            'name',
            new_column_name='full_name',
            existing_type=sa.String(length=120),
            existing_nullable=False,
        )


def downgrade():
    with op.batch_alter_table('customers') as batch_op:
        batch_op.alter_column(
            'full_name',
            new_column_name='name',
            existing_type=sa.String(length=120),
            existing_nullable=False,
        )
