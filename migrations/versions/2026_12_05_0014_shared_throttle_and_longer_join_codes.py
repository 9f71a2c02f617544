"""failed attempts counted in the database; room for longer join codes

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 14:30:00

Without Redis, failed logins and wrong join codes are counted in ``throttle_hit`` so all workers
count together. New join codes are 8 characters; the columns take up to 12 (existing 6-character
codes stay valid).
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "throttle_hit",
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("window_start", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_throttle_hit")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite does not enforce a VARCHAR's length; rebuilding cohort is not worth it
    _resize_join_codes(sa.String(6), sa.String(12))


# The state-change trigger (0013) names join_code, and PostgreSQL alters no column a trigger uses.
_TRIGGER = """
    CREATE TRIGGER live_session_state_changed
    AFTER INSERT OR DELETE OR UPDATE OF version, join_code ON live_session
    FOR EACH ROW EXECUTE FUNCTION live_state_notify()
"""


def _resize_join_codes(old, new) -> None:
    op.execute("DROP TRIGGER IF EXISTS live_session_state_changed ON live_session")
    for table in ("cohort", "live_session"):
        op.alter_column(table, "join_code", existing_type=old, type_=new,
                        existing_nullable=False)
    op.execute(_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _resize_join_codes(sa.String(12), sa.String(6))
    op.drop_table("throttle_hit")
