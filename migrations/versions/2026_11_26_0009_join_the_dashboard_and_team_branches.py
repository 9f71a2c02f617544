"""join the dashboard and team branches

Revision ID: 0009
Revises: 0007, 0008
Create Date: 2026-11-26 19:02:29.581285
"""

import sqlalchemy as sa
from alembic import op

import webinar.models._types

revision = '0009'
down_revision = ('0007', '0008')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
