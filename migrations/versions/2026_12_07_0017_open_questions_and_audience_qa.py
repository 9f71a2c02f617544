"""open questions (longer answers, hidden by the trainer) and the audience's questions

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 13:00:00

On PostgreSQL the state trigger of 0013 also fires on ``qa_version``, so a new question reaches
every worker's kept state at once.
"""

import sqlalchemy as sa
from alembic import op

from webinar.models._types import UTCDateTime

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _trigger(columns: str) -> None:
    op.execute("DROP TRIGGER IF EXISTS live_session_state_changed ON live_session")
    op.execute(f"""
        CREATE TRIGGER live_session_state_changed
        AFTER INSERT OR DELETE OR UPDATE OF {columns} ON live_session
        FOR EACH ROW EXECUTE FUNCTION live_state_notify()
    """)


def upgrade() -> None:
    with op.batch_alter_table("live_session") as batch:
        batch.add_column(sa.Column("show_questions", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("qa_version", sa.Integer(), nullable=False,
                                   server_default="0"))
    with op.batch_alter_table("live_vote") as batch:
        batch.alter_column("answer", existing_type=sa.String(20), type_=sa.String(140),
                           existing_nullable=False)
        batch.add_column(sa.Column("hidden", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "live_question",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("live_session_id", sa.Integer(),
                  sa.ForeignKey("live_session.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("text", sa.String(280), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_live_question_live_session_id", "live_question", ["live_session_id"])
    op.create_index("ix_live_question_user_id", "live_question", ["user_id"])
    op.create_table(
        "live_question_vote",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("question_id", sa.Integer(),
                  sa.ForeignKey("live_question.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id", ondelete="CASCADE"),
                  nullable=False),
        sa.UniqueConstraint("question_id", "user_id"),
    )
    op.create_index("ix_live_question_vote_question_id", "live_question_vote", ["question_id"])
    op.create_index("ix_live_question_vote_user_id", "live_question_vote", ["user_id"])
    if op.get_bind().dialect.name == "postgresql":
        _trigger("version, join_code, qa_version")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _trigger("version, join_code")
    op.drop_table("live_question_vote")
    op.drop_table("live_question")
    with op.batch_alter_table("live_vote") as batch:
        batch.drop_column("hidden")
        batch.alter_column("answer", existing_type=sa.String(140), type_=sa.String(20),
                           existing_nullable=False)
    with op.batch_alter_table("live_session") as batch:
        batch.drop_column("qa_version")
        batch.drop_column("show_questions")
