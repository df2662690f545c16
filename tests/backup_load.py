"""A writer that commits realistic transactions while a backup runs, and checks of the copy.

Shared by tests/test_backup.py and tests/e2e/test_restore_journey.py.
"""

from __future__ import annotations

import threading
import time
import uuid
from contextlib import contextmanager

from sqlalchemy import func, inspect, select, table
from sqlalchemy.orm import Session

from quiz_service.db import make_engine
from tests.kill_writer import TABLES, numbers_per_table, write_transaction


class Writer:
    """Commits transactions in a thread of its own until stopped; `acked` counts the commits."""

    def __init__(self, db):
        self.db = db
        self.tag = f"bk{uuid.uuid4().hex[:8]}"
        self.acked = 0
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        try:
            with self.db.session() as session:
                while not self._stop.is_set():
                    write_transaction(session, self.tag, self.acked + 1)
                    self.acked += 1
        except BaseException as error:  # re-raised in the test's own thread
            self.error = error

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while self.acked < count and self.error is None:
            assert time.monotonic() < deadline, f"de schrijver kwam niet verder dan {self.acked}"
            time.sleep(0.005)


@contextmanager
def writing(db):
    writer = Writer(db)
    writer._thread.start()
    try:
        yield writer
    finally:
        writer._stop.set()
        writer._thread.join()
    if writer.error is not None:
        raise writer.error


def row_counts(url) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: connection.scalar(select(func.count()).select_from(table(name)))
                for name in inspect(connection).get_table_names()
            }
    finally:
        engine.dispose()


def transactions(url, tag) -> set[int]:
    """The writer's transactions in the database at `url`, after checking each is complete."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            stored = numbers_per_table(session, tag)
    finally:
        engine.dispose()
    assert all(stored[name] == stored["gebruiker"] for name in TABLES), "een halve transactie"
    return stored["gebruiker"]
