"""The Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from quiz_service.db import Base, make_engine
from quiz_service.migrate import alembic_config, upgrade

TABLES = {
    "organisatie",
    "team",
    "gebruiker",
    "poging",
    "les_gelezen",
    "toewijzing",
    "certificaat",
    "wachtwoord_reset",
    "mail",
}


def _tables(url) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_head_builds_the_schema_in_an_empty_database(database_url):
    assert not _tables(database_url) & TABLES
    upgrade(database_url)
    assert TABLES | {"alembic_version"} <= _tables(database_url)


def test_the_models_match_the_migrations(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert diff == [], "Maak een migratie: alembic revision --autogenerate -m '...'"


def test_the_migrations_have_one_head():
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_every_migration_can_be_undone_and_done_again(database_url):
    upgrade(database_url)
    command.downgrade(alembic_config(database_url), "base")
    assert not _tables(database_url) & TABLES
    upgrade(database_url)
    assert _tables(database_url) >= TABLES
