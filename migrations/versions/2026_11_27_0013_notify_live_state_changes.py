"""notify live state changes (PostgreSQL)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 00:45:00

A live session's state changes only when the trainer acts, and every change bumps its version.
On PostgreSQL a trigger sends a notification on channel ``live_state`` with the join code when
that happens (delivered at commit), so each web worker can keep the state in memory between
changes and still never serve it late (``webinar/live/notify.py``). SQLite needs nothing: its
reads are in-process already.
"""

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION live_state_notify() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                PERFORM pg_notify('live_state', OLD.join_code);
            ELSE
                PERFORM pg_notify('live_state', NEW.join_code);
            END IF;
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql
    """)
    op.execute("""
        CREATE TRIGGER live_session_state_changed
        AFTER INSERT OR DELETE OR UPDATE OF version, join_code ON live_session
        FOR EACH ROW EXECUTE FUNCTION live_state_notify()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS live_session_state_changed ON live_session")
    op.execute("DROP FUNCTION IF EXISTS live_state_notify()")
