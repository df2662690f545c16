"""Backup and restore of the service's database: `quiz-service backup | herstel BESTAND`.

Never copy a live SQLite file with `cp`: committed rows may still be in the -wal file beside
it, and a copy of the main file alone lost all of them when measured (reference, finding 10).
SQLite's online backup API reads one consistent snapshot through SQLite itself, while the
service keeps writing. PostgreSQL has `pg_dump`, which reads one snapshot too.

Restoring replaces the whole database with the backup. Stop the service first: it would keep
writing to the database it had open.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import URL

from .db import SQLITE_BUSY_TIMEOUT_MS, database_url, make_engine


class BackupError(Exception):
    """A backup or restore that could not be done; the message is Dutch and says what to do."""


@dataclass(frozen=True)
class Result:
    """What a backup or restore did: the file, its size, and the rows per table (if known)."""

    path: Path
    size: int
    rows: dict[str, int] | None


def backup(url: str | URL | None, target: Path) -> Result:
    """Write a consistent copy of the database at `url` (default: the setting) to `target`."""
    parsed = database_url(url)
    target = Path(target)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_backup(_sqlite_path(parsed), target)
    if parsed.get_backend_name() == "postgresql":
        return _pg_backup(parsed, target)
    raise BackupError(f"Een reservekopie van een {parsed.get_backend_name()}-database kan niet.")


def restore(url: str | URL | None, source: Path) -> Result:
    """Replace the database at `url` with the backup in `source`, or refuse and change nothing."""
    parsed = database_url(url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Het bestand {source} bestaat niet. Niets veranderd.")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_restore(source, _sqlite_path(parsed))
    if parsed.get_backend_name() == "postgresql":
        return _pg_restore(parsed, source)
    raise BackupError(f"Herstellen in een {parsed.get_backend_name()}-database kan niet.")


# --- SQLite ---


def _sqlite_path(url: URL) -> Path:
    if url.database in (None, "", ":memory:"):
        raise BackupError("Een database in het geheugen heeft geen bestand om te bewaren.")
    return Path(url.database)


def _temp_beside(path: Path) -> Path:
    # Beside the target, so the final rename stays on one file system and is atomic.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    return Path(name)


def _copy_checked(source_uri: str, temp: Path) -> dict[str, int]:
    """Copy a database through SQLite into `temp`, check it and count its rows."""
    with (
        closing(sqlite3.connect(source_uri, uri=True)) as source,
        closing(sqlite3.connect(temp)) as copy,
    ):
        source.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # pages=-1: the whole database in one step, so in one read transaction: one
        # consistent snapshot, while writers go on (WAL lets them).
        source.backup(copy, pages=-1)
        # A backup file stands alone: no -wal file belongs with it.
        copy.execute("PRAGMA journal_mode=DELETE")
        found = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if found != ["ok"]:
            raise BackupError("de controle (integrity_check) vond fouten: " + "; ".join(found[:3]))
        names = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {}
        for name in names:
            # The names come from sqlite_master of the copy itself, not from input.
            query = f'SELECT count(*) FROM "{name}"'  # nosec B608
            counts[name] = copy.execute(query).fetchone()[0]
        return counts


def _sqlite_backup(database: Path, target: Path) -> Result:
    if not database.is_file():
        raise BackupError(
            f"Er is nog geen database in {database}. Maak hem eerst met `quiz-service init-db`."
        )
    if target.resolve() == database.resolve():
        raise BackupError("Kies voor de reservekopie een ander bestand dan de database zelf.")
    temp = _temp_beside(target)
    try:
        try:
            rows = _copy_checked(database.resolve().as_uri() + "?mode=ro", temp)
        except sqlite3.DatabaseError as error:
            raise BackupError(
                f"De reservekopie is niet gelukt: {error}. Er is geen bestand gemaakt."
            ) from None
        except BackupError as error:
            raise BackupError(
                f"De database is beschadigd: {error}. Er is geen bestand gemaakt."
            ) from None
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return Result(target, target.stat().st_size, rows)


def _sqlite_restore(source: Path, database: Path) -> Result:
    temp = _temp_beside(database)
    try:
        try:
            rows = _copy_checked(source.resolve().as_uri() + "?mode=ro", temp)
        except (sqlite3.DatabaseError, BackupError):
            raise BackupError(
                f"{source} is geen goede SQLite-database, of het is beschadigd. Kies een bestand dat "
                "`quiz-service backup` heeft gemaakt. De huidige database is niet veranderd."
            ) from None
        if "alembic_version" not in rows:
            raise BackupError(
                f"{source} is een SQLite-database, maar niet van de academie. "
                "De huidige database is niet veranderd."
            )
        _keep_owner_and_mode(database, temp)
        _retire_wal(database)
        os.replace(temp, database)
    finally:
        temp.unlink(missing_ok=True)
    return Result(source, source.stat().st_size, rows)


def _keep_owner_and_mode(database: Path, temp: Path) -> None:
    """Give the restored file the old one's permissions (and owner, when run as root), so a
    service that runs as another user can still open it."""
    if not database.exists():
        return
    old = database.stat()
    os.chmod(temp, old.st_mode & 0o777)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.chown(temp, old.st_uid, old.st_gid)


def _retire_wal(database: Path) -> None:
    """Empty and remove the old database's -wal and -shm files before the rename.

    SQLite would otherwise replay the old database's write-ahead log onto the restored file
    and damage it. The checkpoint first moves what the log holds into the old file, so a
    restore that stops halfway still leaves the old database whole.
    """
    if not database.exists():
        return
    with closing(sqlite3.connect(database)) as connection:
        connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise BackupError(
                "De database is nu in gebruik. Stop de dienst en probeer het opnieuw. "
                "De huidige database is niet veranderd."
            )
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


# --- PostgreSQL ---


def _pg_command(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"Het programma {name} is niet gevonden. Installeer de PostgreSQL-programma's "
            "(Debian: `apt-get install postgresql-client`) en probeer het opnieuw."
        )
    return found


def _pg_connection(url: URL) -> tuple[list[str], dict[str, str], str | None]:
    """Arguments and environment for pg_dump/pg_restore, and the schema the URL selects.

    The password goes in PGPASSWORD, never on the command line, where `ps` would show it.
    """
    args = ["--no-password", "--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    # A URL with `?options=-csearch_path=<schema>` keeps the academie in one schema: back up
    # and restore only that one, not the other schemas in the same database.
    schema = None
    options = url.query.get("options", "")
    for option in options if isinstance(options, tuple) else (options,):
        if option.startswith("-csearch_path="):
            schema = option.removeprefix("-csearch_path=").split(",")[0].strip()
    return args, env, schema


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1:] or [f"afsluitcode {done.returncode}"]
        raise BackupError(f"{what} is niet gelukt: {detail[0]}")


def _pg_backup(url: URL, target: Path) -> Result:
    pg_dump = _pg_command("pg_dump")
    args, env, schema = _pg_connection(url)
    temp = _temp_beside(target)
    try:
        command = [pg_dump, "--format=custom", "--file", str(temp), *args]
        if schema:
            command += ["--schema", schema]
        _run(command, env, "De reservekopie (pg_dump)")
        os.replace(temp, target)
    except BackupError as error:
        raise BackupError(f"{error} Er is geen bestand gemaakt.") from None
    finally:
        temp.unlink(missing_ok=True)
    return Result(target, target.stat().st_size, None)


def _pg_restore(url: URL, source: Path) -> Result:
    pg_restore = _pg_command("pg_restore")
    args, env, _schema = _pg_connection(url)
    try:
        # Reading the table of contents first refuses a file that is no pg_dump backup
        # before anything in the database is touched.
        _run([pg_restore, "--list", str(source)], env, "Het bestand lezen")
    except BackupError:
        raise BackupError(
            f"{source} is geen goede reservekopie van PostgreSQL. Kies een bestand dat "
            "`quiz-service backup` heeft gemaakt. De huidige database is niet veranderd."
        ) from None
    # One transaction: a restore that fails halfway (a truncated file) changes nothing.
    command = [
        pg_restore,
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        *args,
        str(source),
    ]
    try:
        _run(command, env, "Herstellen (pg_restore)")
    except BackupError as error:
        raise BackupError(f"{error} De huidige database is niet veranderd.") from None
    return Result(source, source.stat().st_size, _pg_row_counts(url))


def _pg_row_counts(url: URL) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
            return {
                name: connection.scalar(select(func.count()).select_from(table(name)))
                for name in names
            }
    finally:
        engine.dispose()
