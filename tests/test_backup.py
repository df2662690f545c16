"""`quiz-service backup | herstel`: a backup taken while the service writes restores whole (R4).

A writer keeps committing four-row transactions (account, attempt, certificate, mail) while the
backup runs. The restored copy must pass integrity_check, hold a whole number of those
transactions (never one in part), at least every one acknowledged before the backup began, and
the service must run on it: a person from the backup logs in and sees their own data.
On PostgreSQL the same with pg_dump and pg_restore (when TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from quiz_service import backup, create_app
from quiz_service.cli import main
from quiz_service.db import make_engine
from tests.academie import close_app, log_in
from tests.backup_load import row_counts, transactions, writing
from tests.conftest import BufferedClient
from tests.kill_writer import TABLES, numbers_per_table, write_transaction


def _needs_pg_tools(db) -> None:
    if db.dialect == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump of pg_restore staat niet in PATH")


def test_a_backup_taken_while_writes_run_restores_whole_and_the_service_runs_on_it(
    db, account, tmp_path
):
    _needs_pg_tools(db)
    person = account("medewerker", display_name="Verzonnen Collega Reservekopie")
    copy = tmp_path / "reservekopie.bak"
    with writing(db) as writer:
        writer.wait_for(20)
        acked_at_start = writer.acked
        made = backup.backup(db.url, copy)
        acked_at_end = writer.acked
        # Writes after the backup: the restored copy must not have them.
        writer.wait_for(acked_at_end + 20)
    assert made.size > 0

    if db.dialect == "sqlite":
        restored_url = make_url(f"sqlite:///{tmp_path / 'hersteld' / 'academie.sqlite3'}")
    else:
        restored_url = db.url  # pg_restore --clean replaces the module's schema
    result = backup.restore(restored_url, copy)

    if db.dialect == "sqlite":
        with closing(sqlite3.connect(restored_url.database)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert result.rows == made.rows
    assert result.rows == row_counts(restored_url)
    numbers = transactions(restored_url, writer.tag)
    # A whole number of transactions, in commit order, nothing from after the backup. The +1
    # is a commit that finished just before the snapshot but was not yet counted.
    assert numbers == set(range(1, len(numbers) + 1))
    assert acked_at_start <= len(numbers) <= acked_at_end + 1
    assert len(numbers) < writer.acked

    app = create_app({"TESTING": True, "DATABASE_URL": restored_url, "SITE_DIR": str(tmp_path)})
    app.test_client_class = BufferedClient
    try:
        client = app.test_client()
        log_in(client, person)
        assert client.get("/mijn-gegevens/").status_code == 200
        mine = client.get("/mijn-gegevens/download").get_data(as_text=True)
        assert person.email in mine and "Verzonnen Collega Reservekopie" in mine
    finally:
        close_app(app)


# --- The commands, and files that are no backup ---


@pytest.fixture
def cli_db(db, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db.url.render_as_string(hide_password=False))
    return db


def _untouched(db, counts, person) -> None:
    """The current database still has every row, and no half-written file lies beside it."""
    assert row_counts(db.url) == counts
    with db.session() as session:
        assert numbers_per_table(session, person)["gebruiker"] == {1}
    if db.dialect == "sqlite":
        folder = Path(db.url.database).parent
        assert not list(folder.glob(".*.tmp")), "een tijdelijk bestand is blijven staan"


@pytest.fixture
def current(cli_db):
    """A database with one known transaction, and its row counts."""
    tag = f"nu{uuid.uuid4().hex[:8]}"
    with cli_db.session() as session:
        write_transaction(session, tag, 1)
    return tag, row_counts(cli_db.url)


def test_restoring_a_file_that_is_no_database_is_refused_and_changes_nothing(
    cli_db, current, tmp_path, capsys
):
    not_a_backup = tmp_path / "boodschappen.txt"
    not_a_backup.write_text("Dit is een boodschappenlijst, geen database.\n", "utf-8")
    assert main(["herstel", str(not_a_backup)]) == 1
    error = capsys.readouterr().err
    assert "is geen goede" in error and "De huidige database is niet veranderd." in error
    tag, counts = current
    _untouched(cli_db, counts, tag)


def test_restoring_a_truncated_backup_is_refused_and_changes_nothing(
    cli_db, current, tmp_path, capsys
):
    _needs_pg_tools(cli_db)
    copy = tmp_path / "reservekopie.bak"
    assert main(["backup", str(copy)]) == 0
    output = capsys.readouterr().out
    assert f"Reservekopie gemaakt: {copy}" in output and "bytes" in output
    data = copy.read_bytes()
    copy.write_bytes(data[: len(data) // 2])

    assert main(["herstel", str(copy)]) == 1
    error = capsys.readouterr().err
    assert "De huidige database is niet veranderd." in error
    tag, counts = current
    _untouched(cli_db, counts, tag)


def test_restoring_a_file_that_does_not_exist_says_so(cli_db, current, tmp_path, capsys):
    assert main(["herstel", str(tmp_path / "weg.bak")]) == 1
    assert "bestaat niet" in capsys.readouterr().err
    tag, counts = current
    _untouched(cli_db, counts, tag)


def test_the_backup_command_prints_the_rows_per_table_and_restore_undoes_later_changes(
    cli_db, current, tmp_path, monkeypatch, capsys
):
    _needs_pg_tools(cli_db)
    copy = tmp_path / "reservekopie.bak"
    assert main(["backup", str(copy)]) == 0
    tag, counts = current
    if cli_db.dialect == "sqlite":
        output = capsys.readouterr().out
        for name in TABLES:
            assert f"  {name}: {counts[name]} " in output
        # Into a database of its own: the module's engine keeps its connections open, and a
        # restore under a running service is what the command tells people not to do.
        target = make_url(f"sqlite:///{tmp_path / 'ander' / 'academie.sqlite3'}")
        monkeypatch.setenv("DATABASE_URL", target.render_as_string(hide_password=False))
        assert main(["herstel", str(copy)]) == 0
    else:
        target = cli_db.url
    # A change after the backup, which restoring undoes.
    engine = make_engine(target)
    try:
        with Session(engine) as session:
            write_transaction(session, tag, 2)
    finally:
        engine.dispose()
    assert transactions(target, tag) == {1, 2}
    assert main(["herstel", str(copy)]) == 0
    assert "Database hersteld uit" in capsys.readouterr().out
    assert row_counts(target) == counts
    assert transactions(target, tag) == {1}
