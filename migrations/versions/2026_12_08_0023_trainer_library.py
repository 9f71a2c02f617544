"""trainers' own steps, uploaded images, a cohort's agenda and branding, the running agenda step

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-08 03:30:00
"""

import sqlalchemy as sa
from alembic import op

from webinar.models._types import UTCDateTime

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("mime", sa.String(40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["app_user.id"],
                                name=op.f("fk_media_file_owner_id_app_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_file")),
        sa.UniqueConstraint("token", name=op.f("uq_media_file_token")),
    )
    op.create_index(op.f("ix_media_file_owner_id"), "media_file", ["owner_id"])
    op.create_table(
        "own_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("shape", sa.String(12), nullable=False),
        sa.Column("languages", sa.String(8), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("number_min", sa.Integer(), nullable=True),
        sa.Column("number_max", sa.Integer(), nullable=True),
        sa.Column("answer", sa.String(1), nullable=True),
        sa.Column("image_id", sa.Integer(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("archived_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["app_user.id"],
                                name=op.f("fk_own_step_owner_id_app_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["image_id"], ["media_file.id"],
                                name=op.f("fk_own_step_image_id_media_file"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_own_step")),
    )
    op.create_index(op.f("ix_own_step_owner_id"), "own_step", ["owner_id"])
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(60), nullable=False),
        sa.Column("step_id", sa.String(60), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"],
                                name=op.f("fk_agenda_item_cohort_id_cohort"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    )
    op.create_index(op.f("ix_agenda_item_cohort_id"), "agenda_item", ["cohort_id"])
    with op.batch_alter_table("cohort") as batch:
        batch.add_column(sa.Column("brand_accent", sa.String(7), nullable=True))
        batch.add_column(sa.Column("brand_logo_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("has_agenda", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.create_foreign_key(op.f("fk_cohort_brand_logo_id_media_file"), "media_file",
                                 ["brand_logo_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("live_session") as batch:
        batch.add_column(sa.Column("step_key", sa.String(130), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("live_session") as batch:
        batch.drop_column("step_key")
    with op.batch_alter_table("cohort") as batch:
        batch.drop_constraint(op.f("fk_cohort_brand_logo_id_media_file"), type_="foreignkey")
        batch.drop_column("has_agenda")
        batch.drop_column("brand_logo_id")
        batch.drop_column("brand_accent")
    op.drop_index(op.f("ix_agenda_item_cohort_id"), table_name="agenda_item")
    op.drop_table("agenda_item")
    op.drop_index(op.f("ix_own_step_owner_id"), table_name="own_step")
    op.drop_table("own_step")
    op.drop_index(op.f("ix_media_file_owner_id"), table_name="media_file")
    op.drop_table("media_file")
