"""files that go with a mail: the plan's PDF and its calendar

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_attachment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("mail_id", sa.Integer(),
                  sa.ForeignKey("outbox_mail.id", ondelete="CASCADE"), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("mimetype", sa.String(100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_outbox_attachment_mail_id", "outbox_attachment", ["mail_id"])


def downgrade() -> None:
    op.drop_table("outbox_attachment")
