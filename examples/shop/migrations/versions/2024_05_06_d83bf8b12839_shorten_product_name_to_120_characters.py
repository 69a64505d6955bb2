"""shorten product name to 120 characters

Revision ID: d83bf8b12839
Revises: b391fe0a22be
Create Date: 2024-05-06 08:47:26.903351

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd83bf8b12839'
down_revision = 'b391fe0a22be'
branch_labels = None
depends_on = None


def upgrade():
    # long names broke the invoice layout; the catalogue team shortened the
    # few offending products by hand before this release
    with op.batch_alter_table('products') as batch_op:
        batch_op.alter_column(
            'name',
            existing_type=sa.String(length=255),
            type_=sa.String(length=120),
            existing_nullable=False,
        )


def downgrade():
    with op.batch_alter_table('products') as batch_op:
        batch_op.alter_column(
            'name',
            existing_type=sa.String(length=120),
            type_=sa.String(length=255),
            existing_nullable=False,
        )
