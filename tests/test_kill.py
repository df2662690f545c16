"""A writer killed with SIGKILL in the middle of its work loses no acknowledged write (R3).

The writer commits four-row transactions through the service's own engine (WAL, the project's
pragmas) and acknowledges each one after COMMIT. It is killed at a random moment, again and
again, on the same database file. After every kill the file must pass integrity_check, hold
every acknowledged transaction, and hold no transaction in part.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from quiz_service.db import make_engine
from quiz_service.migrate import upgrade
from tests.academie import ROOT
from tests.kill_writer import TABLES, numbers_per_table

KILLS = 20
# Seeded: the same moments on every run, so a failure can be repeated.
MOMENTS = random.Random(8).sample(range(200, 800), KILLS)  # milliseconds after the fork

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="de schrijver gebruikt fork()")


def _acked(path) -> set[int]:
    if not path.exists():
        return set()
    # A line without its newline was cut off by the kill: it was never fully acknowledged.
    lines = path.read_text("utf-8").splitlines(keepends=True)
    return {int(line) for line in lines if line.endswith("\n")}


def test_killing_the_writer_twenty_times_loses_no_acknowledged_transaction(tmp_path):
    url = f"sqlite:///{tmp_path / 'academie.sqlite3'}"
    upgrade(url)
    figures = {"kills": 0, "acked": 0, "committed": 0}
    with subprocess.Popen(
        [sys.executable, "-m", "tests.kill_writer", url],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as launcher:
        try:
            for run, moment in enumerate(MOMENTS):
                ack_file = tmp_path / f"acks-{run}.txt"
                launcher.stdin.write(f"kill{run} {ack_file}\n")
                launcher.stdin.flush()
                pid = int(launcher.stdout.readline())
                time.sleep(moment / 1000)
                os.kill(pid, signal.SIGKILL)
                assert launcher.stdout.readline() == "dood\n"
                figures["kills"] += 1

                acked = _acked(ack_file)
                engine = make_engine(url, poolclass=NullPool)
                try:
                    with engine.connect() as connection:
                        check = connection.execute(text("PRAGMA integrity_check")).scalars().all()
                    with Session(engine) as session:
                        stored = numbers_per_table(session, f"kill{run}")
                finally:
                    engine.dispose()
                assert check == ["ok"], f"run {run}: {check}"
                # Complete: the four tables hold the same transactions, none in part.
                assert all(stored[name] == stored["gebruiker"] for name in TABLES), stored
                committed = stored["gebruiker"]
                assert acked <= committed, f"run {run}: lost {sorted(acked - committed)}"
                # At most the one transaction that committed just before the kill hit the ack.
                assert committed - acked <= {max(acked, default=0) + 1}
                figures["acked"] += len(acked)
                figures["committed"] += len(committed)
        finally:
            launcher.stdin.close()
    assert figures["kills"] == KILLS
    # A kill before the first commit would test nothing; on a slow machine a few may, not all.
    assert figures["acked"] > KILLS, figures
    print(f"\nkill test: {figures}")
