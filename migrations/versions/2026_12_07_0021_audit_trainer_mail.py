"""the audit log also records a trainer's mail to stalled participants

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 17:00:00
"""

from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def _actions(actions: str) -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_constraint(op.f("ck_audit_entry_action"), type_="check")
        batch.create_check_constraint("action", f"action IN ({actions})")


def upgrade() -> None:
    _actions("'view', 'export', 'mail'")


def downgrade() -> None:
    op.execute("DELETE FROM audit_entry WHERE action = 'mail'")
    _actions("'view', 'export'")
