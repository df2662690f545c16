"""Backup under load → restore → integrity → the service boots on the copy → a journey passes.

The backup is taken while a writer commits course results (tests/backup_load.py). The person in
the journey was stored before the backup: after the restore they sign in with their password in
a real browser, find their own data, and practise a ziektebeeld quiz, which writes to the copy.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from types import SimpleNamespace

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from quiz_service import backup
from quiz_service.db import make_engine
from quiz_service.models import Poging
from tests.academie import PASSWORD, new_account
from tests.backup_load import row_counts, transactions, writing
from tests.e2e.journeys import MUIS, answer, journey, serving_real_portal, stored_questions

pytestmark = pytest.mark.e2e


def restored_copy(db, tmp_path):
    """Back up while writes run, restore, and check the copy; returns the restored database."""
    if db.dialect == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump of pg_restore staat niet in PATH")
    copy = tmp_path / "reservekopie.bak"
    with writing(db) as writer:
        writer.wait_for(20)
        made = backup.backup(db.url, copy)
        writer.wait_for(writer.acked + 20)
    if db.dialect == "sqlite":
        url = make_url(f"sqlite:///{tmp_path / 'hersteld' / 'academie.sqlite3'}")
    else:
        url = db.url  # pg_restore --clean replaces the module's schema
    result = backup.restore(url, copy)
    if db.dialect == "sqlite":
        with closing(sqlite3.connect(url.database)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert result.rows == made.rows
    assert result.rows == row_counts(url)
    numbers = transactions(url, writer.tag)
    assert numbers == set(range(1, len(numbers) + 1)) and len(numbers) < writer.acked
    return url


def test_after_a_restore_a_person_from_the_backup_signs_in_and_practises(
    browser, db, built_site, tmp_path_factory, tmp_path
):
    person = new_account(db, "mantelzorger", display_name="Verzonnen Mantelzorger Hersteld")
    url = restored_copy(db, tmp_path)
    engine = make_engine(url)
    restored = SimpleNamespace(url=url, session=sessionmaker(engine, expire_on_commit=False))
    outbox = tmp_path_factory.mktemp("outbox")
    try:
        with (
            serving_real_portal(restored, built_site, tmp_path_factory, outbox, "hersteld") as base,
            journey(browser, base, MUIS) as visitor,
        ):
            page = visitor.page
            # A bookmark to their own data: the site asks to sign in first, then goes on there.
            visitor.start("/mijn-gegevens/")
            visitor.fill(page.get_by_label("E-mailadres", exact=True), person.email)
            visitor.fill(page.get_by_label("Wachtwoord", exact=True), PASSWORD)
            visitor.press(page.locator("main").get_by_role("button", name="Inloggen"))
            assert page.get_by_role("heading", level=1).inner_text() == "Mijn gegevens"
            assert "Verzonnen Mantelzorger Hersteld" in page.locator("main").inner_text()
            visitor.check()

            visitor.open_from_mail("/academie/ziektebeelden/dementie/toets")
            visitor.press(page.get_by_role("button", name="Start de toets"))
            questions = stored_questions(restored, page)
            answer(visitor, questions)
            visitor.press(page.get_by_role("button", name="Lever de toets in"))
            assert page.locator("main").inner_text().count("Goed beantwoord.") == len(questions)
            visitor.check()
            visitor.finish()
        with restored.session() as session:
            attempts = session.query(Poging).filter_by(gebruiker_id=person.id).all()
        assert [a.state for a in attempts] == ["ingeleverd"]
    finally:
        engine.dispose()
