"""A database that cannot take a write gives a clear Dutch page (503) and keeps nothing (R10).

The failures are injected: the commit of a sign-up raises what SQLite raises when another
process holds the write lock too long, or when the disk is full. What the request had already
written in its transaction (the sign-up, its place, its mail) must be rolled back.
A mail server that is down is covered in test_bijeenkomsten.py: the sign-up stays, the mail
waits in the outbox.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from quiz_service.models import Aanmelding, Mail
from tests.academie import csrf_token, log_in, new_account, new_organisation
from tests.bijeenkomsten import app_config, new_meeting

MESSAGE = "Het lukt nu niet om uw gegevens op te slaan. Er is niets veranderd."


def _failing(monkeypatch, method: str, reason: str) -> None:
    """Make `Session.<method>` fail as SQLite does; a commit first sends its rows, so there
    is something to roll back."""
    original = getattr(Session, method)

    def fail(self, *args, **kwargs):
        if method == "commit":
            self.flush()
        else:
            original(self, *args, **kwargs)
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError(reason))

    monkeypatch.setattr(Session, method, fail)


def _count(db, model, **where) -> int:
    with db.session() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return session.scalar(query)


@pytest.mark.parametrize("reason", ["database is locked", "database or disk is full"])
def test_a_sign_up_whose_commit_fails_shows_a_dutch_503_and_keeps_nothing(
    academie_app, db, tmp_path, monkeypatch, reason
):
    app = academie_app(**app_config(tmp_path))
    meeting = new_meeting(db, new_organisation(db).id)
    client = app.test_client()
    page = f"/bijeenkomsten/{meeting.id}"
    email = f"storing-{len(reason)}@verzonnen.example"
    form = {"naam": "Verzonnen Mantelzorger", "email": email, "toestemming": "y"}
    form["csrf_token"] = csrf_token(client, page)

    with monkeypatch.context() as patch:
        _failing(patch, "commit", reason)
        response = client.post(f"{page}/aanmelden", data=form)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    text = response.get_data(as_text=True)
    assert MESSAGE in text and "Even niet beschikbaar" in text
    assert "Traceback" not in text and reason not in text
    assert _count(db, Aanmelding, bijeenkomst_id=meeting.id) == 0
    assert _count(db, Mail, aan=email) == 0
    # The same sign-up works once the database is back.
    form["csrf_token"] = csrf_token(client, page)
    assert client.post(f"{page}/aanmelden", data=form).status_code in (200, 303)
    assert _count(db, Aanmelding, bijeenkomst_id=meeting.id) == 1


def test_the_json_api_answers_a_database_failure_with_json(academie_app, db, monkeypatch):
    client = academie_app().test_client()
    log_in(client, new_account(db, "medewerker"))
    with monkeypatch.context() as patch:
        _failing(patch, "execute", "database is locked")
        response = client.get("/api/v1/pogingen")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == 503 and MESSAGE in body["fout"]
