"""Accounts: organisaties, teams, gebruikers

Revision ID: 0001
Revises:
Create Date: 2026-11-22 08:27:37.005633
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisatie",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("naam", sa.String(length=200), nullable=False),
        sa.Column("invite_code", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(invite_code) >= 8", name=op.f("ck_organisatie_invite_code_lang_genoeg")
        ),
        sa.CheckConstraint("length(naam) > 0", name=op.f("ck_organisatie_naam_niet_leeg")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisatie")),
        sa.UniqueConstraint("invite_code", name=op.f("uq_organisatie_invite_code")),
        sa.UniqueConstraint("naam", name=op.f("uq_organisatie_naam")),
    )
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("naam", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(naam) > 0", name=op.f("ck_team_naam_niet_leeg")),
        sa.ForeignKeyConstraint(
            ["organisatie_id"],
            ["organisatie.id"],
            name=op.f("fk_team_organisatie_id_organisatie"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("organisatie_id", "naam", name=op.f("uq_team_organisatie_id_naam")),
    )
    op.create_table(
        "gebruiker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("organisatie_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('mantelzorger', 'medewerker', 'teamleider', 'organisator', 'beheerder')",
            name=op.f("ck_gebruiker_role_bekend"),
        ),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_gebruiker_email_kleine_letters")),
        sa.CheckConstraint(
            "length(display_name) > 0", name=op.f("ck_gebruiker_display_name_niet_leeg")
        ),
        sa.CheckConstraint("length(email) >= 3", name=op.f("ck_gebruiker_email_niet_leeg")),
        sa.CheckConstraint(
            "session_epoch >= 0", name=op.f("ck_gebruiker_session_epoch_niet_negatief")
        ),
        sa.ForeignKeyConstraint(
            ["organisatie_id"],
            ["organisatie.id"],
            name=op.f("fk_gebruiker_organisatie_id_organisatie"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_gebruiker_team_id_team"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gebruiker")),
        sa.UniqueConstraint("email", name=op.f("uq_gebruiker_email")),
    )
    with op.batch_alter_table("gebruiker", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gebruiker_organisatie_id"), ["organisatie_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_gebruiker_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("gebruiker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gebruiker_team_id"))
        batch_op.drop_index(batch_op.f("ix_gebruiker_organisatie_id"))

    op.drop_table("gebruiker")
    op.drop_table("team")
    op.drop_table("organisatie")
