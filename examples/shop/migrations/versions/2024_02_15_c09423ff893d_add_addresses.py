"""add addresses

Revision ID: c09423ff893d
Revises: f06eac2ed512
Create Date: 2024-02-15 13:52:10.287716

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c09423ff893d'
down_revision = 'f06eac2ed512'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'addresses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('line1', sa.String(length=200), nullable=False),
        sa.Column('city', sa.String(length=100), nullable=False),
        sa.Column('postcode', sa.String(length=16), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_addresses_customer_id', 'addresses', ['customer_id'], unique=False)


def downgrade():
    op.drop_index('ix_addresses_customer_id', table_name='addresses')
    op.drop_table('addresses')
