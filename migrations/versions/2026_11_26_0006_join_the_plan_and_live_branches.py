"""join the plan and live branches

Revision ID: 0006
Revises: 0004, 0005
Create Date: 2026-11-26 18:33:46.057209
"""

import sqlalchemy as sa
from alembic import op

import webinar.models._types

revision = '0006'
down_revision = ('0004', '0005')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
