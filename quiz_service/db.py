"""The database: engine, sessions and the declarative base the models share.

Plain SQLAlchemy 2 with one session per request, not Flask-SQLAlchemy: the engine, the models
and the sessions must work the same outside a Flask app context (the CLI, Alembic's env.py,
tests that hit the database from several processes at once), and Flask-SQLAlchemy's releases
lag behind SQLAlchemy's, which `filterwarnings = error` turns into failures.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from flask import Flask, g
from sqlalchemy import DateTime, Engine, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from werkzeug.routing import IntegerConverter

from site_builder import settings

try:
    import fcntl
except ImportError:  # Windows has no flock: there only the threads of one process queue
    fcntl = None

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = ROOT / "migrations"

# Named constraints: Alembic's batch mode on SQLite can only drop or alter what has a name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 5000


class UTCDateTime(TypeDecorator):
    """A moment in time, stored in UTC and always read back with its zone.

    SQLite keeps no time zone: without this, the same column reads back aware on PostgreSQL
    and naive on SQLite, and comparing it with `datetime.now(UTC)` fails on one of them.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Een tijdstip zonder tijdzone kan niet worden opgeslagen.")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_url(url: str | URL | None = None) -> URL:
    """The configured database URL; a relative SQLite path counts from the project folder."""
    parsed = make_url(url or settings.get("DATABASE_URL"))
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.is_absolute():
            parsed = parsed.set(database=str(ROOT / path))
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Per connection, because SQLite forgets all but journal_mode when a connection closes.
    # secure_delete overwrites deleted rows, so erased personal data does not stay in the file.
    # synchronous=NORMAL: in WAL mode a commit then writes the WAL without waiting for the disk
    # (fsync), which the disk only gets at a checkpoint. A commit still survives a crash or a
    # kill of the service (tests/test_kill.py); only a crash of the whole machine can undo the
    # last commits before it, and never half a transaction. With FULL every commit waits for
    # the disk: ~5 ms here, so at most ~200 commits per second for the whole service.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA secure_delete=ON")
    finally:
        cursor.close()


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


# The JSON columns (an attempt's questions with their explanations, its answers) are read and
# written on every quiz request; orjson does that several times faster than the json module,
# about 5% of a whole quiz submission (benchmarks/service_load.py). Same JSON, same values.
JSON_CODEC = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """An engine for `url` (default: the setting), with the SQLite pragmas on every connection."""
    kwargs = {**JSON_CODEC, **kwargs}
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **kwargs)


class _SQLiteWriters:
    """The queue of writers of one SQLite file: the threads of this process on a lock, and
    the processes (gunicorn's workers, the CLI) on an flock of a file beside the database.

    Both block and wake the next writer the moment the lock is free. SQLite's own busy
    handler instead sleeps 1, 2, 5, 10, … ms between tries, so under load a writer sleeps
    while the file is free again and the slowest requests wait tens of milliseconds for
    nothing. A process that dies drops its flock with it, so nothing stays locked.
    """

    def __init__(self, database: str | None):
        self._threads = threading.RLock()
        self._path = database + "-lock" if database and database != ":memory:" else None
        self._depth = 0  # nesting of `held` in the thread that holds `_threads`
        self._fd: int | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._threads:
            self._depth += 1
            try:
                if self._depth == 1:
                    self._lock_file()
                try:
                    yield
                finally:
                    if self._depth == 1:
                        self._unlock_file()
            finally:
                self._depth -= 1

    def _lock_file(self) -> None:
        if self._path is None or fcntl is None:
            return
        # Opened for each write and closed after it (which drops the flock): a few
        # microseconds, and no descriptor stays open per database file or leaks into a fork.
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def _unlock_file(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


# One queue per SQLite database file in this process (see `write_lock`).
_sqlite_writers: dict[str, _SQLiteWriters] = {}
_sqlite_writers_guard = threading.Lock()


@contextmanager
def write_lock(session: Session) -> Iterator[None]:
    """Around a write transaction that many requests may start at the same moment.

    SQLite has one writer at a time, and a writer that finds the file locked polls until
    busy_timeout runs out: 200 simultaneous sign-ups then fail with "database is locked" for
    the last ones, and the polling itself makes the slowest requests slow. With this lock the
    writers queue instead, within a process and between processes (see _SQLiteWriters), and
    each gets its turn at once. Writers that do not take it are still covered by
    busy_timeout. PostgreSQL needs nothing: its row locks queue the writers.
    """
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    key = str(bind.url)
    with _sqlite_writers_guard:
        writers = _sqlite_writers.get(key)
        if writers is None:
            writers = _sqlite_writers[key] = _SQLiteWriters(bind.url.database)
    with writers.held():
        yield


def init_app(app: Flask) -> None:
    """Bind an engine to the app and close the request's session when the request ends.

    The engine is lazy: nothing connects until a view asks for a session.
    """
    engine = make_engine(app.config.get("DATABASE_URL"))
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def session() -> Session:
    """The session of the current request (one per request, closed at its end)."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


class DatabaseId(IntegerConverter):
    """`<int:…>` in every route: at most what an id column holds (INTEGER, 32 bits on
    PostgreSQL), so a huge number in a URL is a 404 instead of an error from the database
    driver (found by fuzzing: OverflowError on SQLite, 'integer out of range' on PostgreSQL)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)
