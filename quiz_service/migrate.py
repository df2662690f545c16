"""Applying the Alembic migrations in migrations/ from code (CLI and tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL

from .db import MIGRATIONS_DIR, ROOT, database_url


def alembic_config(url: str | URL | None = None) -> Config:
    """Alembic's configuration for `url` (default: the DATABASE_URL setting)."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = database_url(url)
    return config


def upgrade(url: str | URL | None = None, revision: str = "head") -> None:
    """Bring the database up to `revision`; creates it (SQLite: the file) when it is new."""
    command.upgrade(alembic_config(url), revision)
