"""consent given to one cohort's trainer, not to every trainer

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 15:30:00

Consent moves from the user to their membership of a cohort. Whoever shared their results before
shares them with the cohorts they are in now, as the one switch meant until today.
"""

import sqlalchemy as sa

import webinar.models._types
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cohort_member", sa.Column("shares_results_since", webinar.models._types.UTCDateTime(timezone=True),
                                             nullable=True))
    op.execute("UPDATE cohort_member SET shares_results_since = (SELECT app_user.shares_results_since"
               " FROM app_user WHERE app_user.id = cohort_member.user_id)")
    # Both databases drop a plain column in place (SQLite since 3.35).
    op.execute("ALTER TABLE app_user DROP COLUMN shares_results_since")


def downgrade() -> None:
    op.add_column("app_user", sa.Column("shares_results_since", webinar.models._types.UTCDateTime(timezone=True),
                                        nullable=True))
    op.execute("UPDATE app_user SET shares_results_since = (SELECT max(m.shares_results_since)"
               " FROM cohort_member m WHERE m.user_id = app_user.id)")
    op.drop_column("cohort_member", "shares_results_since")
