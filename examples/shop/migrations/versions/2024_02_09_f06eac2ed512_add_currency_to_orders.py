"""add currency to orders

Revision ID: f06eac2ed512
Revises: 68ad6898082f
Create Date: 2024-02-09 16:48:21.003914

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f06eac2ed512'
down_revision = '68ad6898082f'
branch_labels = None
depends_on = None


def upgrade():
    # every order so far was in euros; the ORM fills in EUR for new ones
    op.add_column('orders', sa.Column('currency', sa.String(length=3), nullable=False, default='EUR'))


def downgrade():
    op.drop_column('orders', 'currency')
