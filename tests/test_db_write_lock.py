"""SQLite writers of different processes (gunicorn's workers, the CLI) queue on one lock.

db.write_lock holds a lock file beside the database, so a writer in one process waits until
a writer in another has committed, instead of polling SQLite's own lock; a process that dies
while it holds the lock does not leave it locked.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy.orm import Session

from quiz_service.db import make_engine, write_lock
from tests.academie import ROOT

pytestmark = pytest.mark.skipif(os.name != "posix", reason="de schrijversrij gebruikt flock")

HOLD_S = 0.6

# Takes the lock, says so, and holds it for HOLD_S seconds (or until it is killed).
HOLDER = """
import sys, time
from sqlalchemy.orm import Session
from quiz_service.db import make_engine, write_lock
engine = make_engine(sys.argv[1])
with Session(engine) as session, write_lock(session):
    print("vast", flush=True)
    time.sleep(float(sys.argv[2]))
print("los", flush=True)
"""


def _holder(url: str, seconds: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", HOLDER, url, str(seconds)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def _wait_for_lock(url: str) -> float:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            begin = time.monotonic()
            with write_lock(session):
                return time.monotonic() - begin
    finally:
        engine.dispose()


def test_a_writer_waits_for_a_writer_in_another_process(tmp_path):
    url = f"sqlite:///{tmp_path / 'academie.sqlite3'}"
    with _holder(url, HOLD_S) as holder:
        assert holder.stdout.readline().strip() == "vast"
        waited = _wait_for_lock(url)
        assert holder.stdout.readline().strip() == "los"
    assert waited >= HOLD_S * 0.7, f"niet gewacht op de andere schrijver ({waited:.2f} s)"


def test_a_killed_writer_leaves_the_lock_free(tmp_path):
    url = f"sqlite:///{tmp_path / 'academie.sqlite3'}"
    with _holder(url, 60) as holder:
        assert holder.stdout.readline().strip() == "vast"
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        assert _wait_for_lock(url) < 5
