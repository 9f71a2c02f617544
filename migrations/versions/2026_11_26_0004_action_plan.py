"""Action plan: decisions per account, plan settings, snapshots and the PDF cache.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 18:07:55.461092
"""

import sqlalchemy as sa
from alembic import op

import webinar.models._types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('action_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workbook_id', sa.Integer(), nullable=False),
    sa.Column('incentive', sa.String(length=20), nullable=True),
    sa.Column('updated_at', webinar.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("incentive IS NULL OR incentive IN ('any_win', 'revenue', 'margin', 'fit')", name=op.f('ck_action_plan_incentive')),
    sa.ForeignKeyConstraint(['workbook_id'], ['workbook.id'], name=op.f('fk_action_plan_workbook_id_workbook'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_plan')),
    sa.UniqueConstraint('workbook_id', name=op.f('uq_action_plan_workbook_id'))
    )
    op.create_table('plan_pdf',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workbook_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', webinar.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workbook_id'], ['workbook.id'], name=op.f('fk_plan_pdf_workbook_id_workbook'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_pdf')),
    sa.UniqueConstraint('workbook_id', 'revision', 'locale', name=op.f('uq_plan_pdf_workbook_id'))
    )
    with op.batch_alter_table('plan_pdf', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_pdf_workbook_id'), ['workbook_id'], unique=False)

    op.create_table('plan_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workbook_id', sa.Integer(), nullable=False),
    sa.Column('taken_at', webinar.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('incentive', sa.String(length=20), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.CheckConstraint("incentive IS NULL OR incentive IN ('any_win', 'revenue', 'margin', 'fit')", name=op.f('ck_plan_snapshot_incentive')),
    sa.ForeignKeyConstraint(['workbook_id'], ['workbook.id'], name=op.f('fk_plan_snapshot_workbook_id_workbook'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_snapshot'))
    )
    with op.batch_alter_table('plan_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_snapshot_workbook_id'), ['workbook_id'], unique=False)

    op.create_table('plan_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('workbook_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=20), nullable=True),
    sa.Column('next_step', sa.String(length=500), nullable=True),
    sa.Column('updated_at', webinar.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("choice IS NULL OR choice IN ('focus', 'limit', 'reprice', 'handover', 'stop')", name=op.f('ck_plan_decision_choice')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_plan_decision_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workbook_id'], ['workbook.id'], name=op.f('fk_plan_decision_workbook_id_workbook'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_decision')),
    sa.UniqueConstraint('account_id', name=op.f('uq_plan_decision_account_id'))
    )
    with op.batch_alter_table('plan_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_decision_workbook_id'), ['workbook_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plan_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_decision_workbook_id'))

    op.drop_table('plan_decision')
    with op.batch_alter_table('plan_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_snapshot_workbook_id'))

    op.drop_table('plan_snapshot')
    with op.batch_alter_table('plan_pdf', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_pdf_workbook_id'))

    op.drop_table('plan_pdf')
    op.drop_table('action_plan')
