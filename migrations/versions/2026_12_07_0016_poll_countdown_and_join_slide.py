"""a countdown for the open poll, and the room's join slide

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 10:00:00
"""

import sqlalchemy as sa

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("live_session") as batch:
        batch.add_column(sa.Column("poll_ends_at", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("show_join", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("live_session") as batch:
        batch.drop_column("show_join")
        batch.drop_column("poll_ends_at")
