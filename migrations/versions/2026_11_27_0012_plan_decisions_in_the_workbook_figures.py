"""plan decisions in the workbook figures

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 00:06:06.819432
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

COLUMNS = ('decision_focus', 'decision_limit', 'decision_reprice', 'decision_handover',
           'decision_stop', 'decision_proposal')


def upgrade() -> None:
    # The summaries are a cache: emptied here, each is summed again (with its decisions) when the
    # dashboard next needs it.
    op.execute(sa.text('DELETE FROM workbook_figures'))
    with op.batch_alter_table('workbook_figures', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('workbook_figures', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
