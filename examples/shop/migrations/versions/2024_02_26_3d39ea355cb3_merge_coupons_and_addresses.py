"""merge coupons and addresses

Revision ID: 3d39ea355cb3
Revises: 5f5fb16821b6, 657b6467b2ec
Create Date: 2024-02-26 08:58:12.730064

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '3d39ea355cb3'
down_revision: Union[str, Sequence[str], None] = ('5f5fb16821b6', '657b6467b2ec')
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
