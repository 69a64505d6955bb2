"""add refunded order status

Revision ID: 8f6d5ede71dc
Revises: 489931e3280d
Create Date: 2024-04-08 14:27:40.551129

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f6d5ede71dc'
down_revision = '489931e3280d'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite stores the enum as plain text, nothing to do there
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded'")


def downgrade():
    # PostgreSQL cannot drop a value from an enum type
    pass
