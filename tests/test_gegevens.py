"""Mijn gegevens: a person downloads everything stored about them and deletes their account."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from quiz_service.models import Certificaat, Gebruiker, LesGelezen, Mail, Poging
from tests.academie import PASSWORD, csrf_token, log_in
from tests.test_quizzes import COURSE_PAGE, answers_for, start_course, stored, submit

PAGE = "/mijn-gegevens/"


@pytest.fixture
def app(academie_app):
    return academie_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def learner(client, db, account):
    """A signed-in medewerker who read a lesson, passed the course and has an open attempt."""
    user = account("medewerker", display_name="Verzonnen Gegevensmens")
    log_in(client, user)
    client.get(f"{COURSE_PAGE}/lessen/1")
    passed = start_course(client)
    submit(client, passed, answers_for(stored(db, passed), right=True))
    start_course(client)  # left open
    with db.session() as session:
        session.add(Mail(aan=user.email, onderwerp="Verzonnen onderwerp", tekst="Verzonnen tekst"))
        session.commit()
    return user


def delete(client, password=PASSWORD, zeker="y"):
    data = {"password": password, "csrf_token": csrf_token(client, PAGE)}
    if zeker:
        data["zeker"] = zeker
    return client.post(f"{PAGE}verwijderen", data=data)


def count(db, model, *where) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_page_says_what_is_stored_and_needs_an_account(client, account):
    assert client.get(PAGE).status_code == 302
    log_in(client, account())
    page = client.get(PAGE).get_data(as_text=True)
    assert "Wat we van u bewaren" in page and "Download mijn gegevens" in page


def test_the_download_holds_everything_stored_about_me(client, learner):
    response = client.get(f"{PAGE}download")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.get_data(as_text=True))
    assert document["account"]["e-mailadres"] == learner.email
    assert document["account"]["naam"] == "Verzonnen Gegevensmens"
    assert [row["les"] for row in document["gelezen_lessen"]] == [
        "cursussen/verzonnen-cursus/les-1.md"
    ]
    assert [a["status"] for a in document["pogingen"]] == ["ingeleverd", "bezig"]
    assert len(document["certificaten"]) == 1
    assert document["certificaten"][0]["score_procent"] == 100
    assert [m["onderwerp"] for m in document["e-mails"]] == ["Verzonnen onderwerp"]


def test_the_download_never_holds_the_key_of_an_open_attempt(client, learner):
    document = json.loads(client.get(f"{PAGE}download").get_data(as_text=True))
    done, open_attempt = document["pogingen"]
    assert all("juist" in o for q in done["vragen"] for o in q["opties"])
    text = json.dumps(open_attempt)
    assert '"juist"' not in text and '"uitleg"' not in text


def test_the_download_holds_nothing_of_someone_else(client, learner, academie_app, account):
    other = academie_app().test_client()
    log_in(other, account("medewerker"))
    document = json.loads(other.get(f"{PAGE}download").get_data(as_text=True))
    assert document["pogingen"] == [] and document["certificaten"] == []
    assert learner.email not in json.dumps(document)


def test_deleting_removes_the_person_and_keeps_anonymous_attempts(client, db, learner):
    attempts = count(db, Poging, Poging.gebruiker_id == learner.id)
    response = delete(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/mijn-gegevens/verwijderd"
    assert count(db, Gebruiker, Gebruiker.id == learner.id) == 0
    assert count(db, LesGelezen, LesGelezen.gebruiker_id == learner.id) == 0
    assert count(db, Certificaat, Certificaat.gebruiker_id == learner.id) == 0
    assert count(db, Mail, Mail.aan == learner.email) == 0
    assert count(db, Poging, Poging.gebruiker_id.is_(None)) >= attempts == 2
    assert "Uw account is verwijderd" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_after_deleting_the_session_has_ended(client, learner):
    delete(client)
    assert client.get(PAGE).status_code == 302


def test_a_wrong_password_deletes_nothing(client, db, learner):
    response = delete(client, password="niet-het-goede-wachtwoord")
    assert response.status_code == 400
    assert "Dit wachtwoord klopt niet" in response.get_data(as_text=True)
    assert count(db, Gebruiker, Gebruiker.id == learner.id) == 1


def test_without_the_tick_nothing_is_deleted(client, db, learner):
    response = delete(client, zeker=None)
    assert response.status_code == 400
    assert "Zet een vinkje" in response.get_data(as_text=True)
    assert count(db, Gebruiker, Gebruiker.id == learner.id) == 1


def test_deleting_without_csrf_token_is_refused(client, db, learner):
    response = client.post(f"{PAGE}verwijderen", data={"password": PASSWORD, "zeker": "y"})
    assert response.status_code == 400
    assert count(db, Gebruiker, Gebruiker.id == learner.id) == 1
