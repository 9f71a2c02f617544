"""Cohort dashboard: consent to share individual results, and the audit log of who looked.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 18:35:12.635530
"""

import sqlalchemy as sa
from alembic import op

import webinar.models._types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=80), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('subject_name', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('what', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_at', webinar.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('view', 'export')", name=op.f('ck_audit_entry_action')),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_audit_entry_actor_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_audit_entry_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['app_user.id'], name=op.f('fk_audit_entry_subject_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_subject_id'), ['subject_id'], unique=False)

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shares_results_since', webinar.models._types.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('shares_results_since')

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_subject_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_cohort_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))

    op.drop_table('audit_entry')
