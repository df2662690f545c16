"""Alembic environment: the models' metadata and the DATABASE_URL setting.

`quiz-service init-db` and the tests pass the URL in `config.attributes["url"]`; the `alembic`
command line reads the setting.
"""

from __future__ import annotations

from alembic import context

from quiz_service import models  # noqa: F401  (registers the tables on Base.metadata)
from quiz_service.db import Base, database_url, make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(config.attributes.get("url")),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.attributes.get("url"))
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # Batch mode rebuilds a table by copy-and-drop; with foreign keys on, dropping a
                # parent table would cascade into its children. Checked again afterwards.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                if broken:
                    raise RuntimeError(f"Migratie laat verwijzingen zonder doel achter: {broken}")
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
