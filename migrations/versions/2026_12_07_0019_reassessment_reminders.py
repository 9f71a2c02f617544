"""re-assessment reminders: what a mail is about, its stop link, and who stopped reminders

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 15:00:00
"""

import sqlalchemy as sa
from alembic import op

from webinar.models._types import UTCDateTime

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_mail") as batch:
        batch.add_column(sa.Column("ref", sa.String(60), nullable=True))
        batch.add_column(sa.Column("unsubscribe_url", sa.String(500), nullable=True))
        batch.create_index("ix_outbox_mail_ref", ["ref"])
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("reminders_off_at", UTCDateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("reminders_off_at")
    with op.batch_alter_table("outbox_mail") as batch:
        batch.drop_index("ix_outbox_mail_ref")
        batch.drop_column("unsubscribe_url")
        batch.drop_column("ref")
