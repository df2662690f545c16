"""The audit log of administrative actions: one line per action, written with the action.

Each kind of action is done through its page, as a beheerder or organisator would; the line
must name the actor, the action, the object and a UTC time. A refused or failed action (a
conflict, bad input, a second click, someone without the right) leaves no line.
"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from quiz_service import audit, quizzes
from quiz_service.catalog import course_key, load_catalog
from quiz_service.models import AuditRegel, Certificaat, Gebruiker, Organisatie
from tests.academie import (
    FICTIONAL_CONTENT,
    csrf_token,
    new_account,
    new_organisation,
    new_team,
    signed_in,
)
from tests.bijeenkomsten import app_config, new_meeting


@pytest.fixture
def app(academie_app, tmp_path):
    return academie_app(**app_config(tmp_path))


def post(client, path, data, token_page, **extra):
    response = client.post(
        path, data={**data, "csrf_token": csrf_token(client, token_page)}, **extra
    )
    response.request.input_stream.close()
    return response


def lines(db, since_id: int, action: str | None = None) -> list[AuditRegel]:
    with db.session() as session:
        query = select(AuditRegel).where(AuditRegel.id > since_id).order_by(AuditRegel.id)
        if action:
            query = query.where(AuditRegel.actie == action)
        return list(session.scalars(query))


def last_id(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.coalesce(func.max(AuditRegel.id), 0)))


def assert_line(line: AuditRegel, actor: Gebruiker, action: str, kind: str, object_id: int):
    assert (line.actor_id, line.actor_rol, line.actie) == (actor.id, actor.role, action)
    assert (line.object_soort, line.object_id) == (kind, object_id)
    assert line.at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - line.at) < timedelta(minutes=1)


@pytest.fixture
def beheerder(db):
    return new_account(db, "beheerder")


# --- Organisations, invite codes, teams ---


def test_adding_an_organisation_is_logged(app, db, beheerder):
    before = last_id(db)
    naam = f"Verzonnen Zorg {uuid.uuid4().hex[:8]}"
    client = signed_in(app, db, beheerder)
    assert post(client, "/beheer/organisaties", {"naam": naam}, "/beheer/").status_code == 303
    [line] = lines(db, before)
    with db.session() as session:
        org_id = session.scalar(select(Organisatie.id).where(Organisatie.naam == naam))
    assert_line(line, beheerder, "organisatie_toegevoegd", "organisatie", org_id)
    assert line.details == {"naam": naam}


def test_an_organisation_refused_as_a_conflict_is_not_logged(app, db, beheerder):
    existing = new_organisation(db)
    before = last_id(db)
    client = signed_in(app, db, beheerder)
    response = post(client, "/beheer/organisaties", {"naam": existing.naam}, "/beheer/")
    assert response.status_code == 409
    assert lines(db, before) == []


def test_a_new_invite_code_is_logged_without_the_code(app, db, beheerder):
    org = new_organisation(db)
    before = last_id(db)
    client = signed_in(app, db, beheerder)
    page = f"/beheer/organisaties/{org.id}"
    assert post(client, f"{page}/code", {}, page).status_code == 303
    [line] = lines(db, before)
    assert_line(line, beheerder, "uitnodigingscode_vernieuwd", "organisatie", org.id)
    with db.session() as session:
        code = session.get(Organisatie, org.id).invite_code
    assert code not in str(line.details)


def test_a_new_code_for_an_unknown_organisation_is_not_logged(app, db, beheerder):
    before = last_id(db)
    client = signed_in(app, db, beheerder)
    assert post(client, "/beheer/organisaties/999999/code", {}, "/beheer/").status_code == 404
    assert lines(db, before) == []


def test_adding_a_team_is_logged(app, db, beheerder):
    org = new_organisation(db)
    before = last_id(db)
    client = signed_in(app, db, beheerder)
    page = f"/beheer/organisaties/{org.id}"
    assert post(client, f"{page}/teams", {"team_naam": "Verzonnen team"}, page).status_code == 303
    [line] = lines(db, before)
    assert line.details == {"naam": "Verzonnen team", "organisatie_id": org.id}
    assert_line(line, beheerder, "team_toegevoegd", "team", line.object_id)


def test_a_team_refused_as_a_conflict_is_not_logged(app, db, beheerder):
    org = new_organisation(db)
    team = new_team(db, org.id)
    before = last_id(db)
    client = signed_in(app, db, beheerder)
    page = f"/beheer/organisaties/{org.id}"
    assert post(client, f"{page}/teams", {"team_naam": team.naam}, page).status_code == 409
    assert lines(db, before) == []


# --- Importing staff, and the role changes it makes ---


def upload(client, org_id, text: str):
    page = f"/beheer/organisaties/{org_id}"
    data = {"bestand": (io.BytesIO(text.encode()), "medewerkers.csv")}
    return post(client, f"{page}/import", data, page, content_type="multipart/form-data")


def test_an_import_is_logged_with_its_counts_and_each_role_change(app, db, beheerder):
    org = new_organisation(db)
    member = new_account(db, "medewerker", organisatie_id=org.id)
    new_address = f"nieuw-{uuid.uuid4().hex[:8]}@verzonnen.example"
    before = last_id(db)
    csv = (
        "naam;email;rol;team\n"
        f"Verzonnen Leider;{member.email};teamleider;Team Oost\n"
        f"Verzonnen Nieuw;{new_address};medewerker;\n"
    )
    assert upload(signed_in(app, db, beheerder), org.id, csv).status_code == 303
    role, summary = lines(db, before)
    assert_line(role, beheerder, "rol_gewijzigd", "gebruiker", member.id)
    assert role.details == {"van": "medewerker", "naar": "teamleider", "organisatie_id": org.id}
    assert_line(summary, beheerder, "medewerkers_geimporteerd", "organisatie", org.id)
    assert summary.details == {
        "nieuw": 1,
        "bijgewerkt": 1,
        "ongewijzigd": 0,
        "teams_aangemaakt": 1,
    }
    # Who is in the file is in the organisation's own data, not in the log.
    assert new_address not in str(summary.details) and member.email not in str(role.details)


def test_a_refused_import_is_not_logged(app, db, beheerder):
    org = new_organisation(db)
    before = last_id(db)
    csv = "naam;email;rol;team\nVerzonnen Persoon;geen-adres;medewerker;\n"
    assert upload(signed_in(app, db, beheerder), org.id, csv).status_code == 400
    assert lines(db, before) == []


# --- Certificates ---


def certificate_code(db) -> str:
    person = new_account(db, "medewerker")
    entry = load_catalog(FICTIONAL_CONTENT).entry(course_key("verzonnen-cursus"))
    with db.session() as session:
        attempt = quizzes.start_attempt(session, entry, person.id)
        answers = {q["id"]: [o["id"] for o in q["opties"] if o["juist"]] for q in attempt.vragen}
        assert quizzes.submit(session, attempt.id, answers, entry)
        return session.scalar(select(Certificaat.code).where(Certificaat.poging_id == attempt.id))


def test_revoking_a_certificate_is_logged_once_without_the_reason(app, db, beheerder):
    code = certificate_code(db)
    before = last_id(db)
    client = signed_in(app, db, beheerder)
    page = f"/academie/certificaten/{code}"
    reason = {"reden": "Verzonnen reden"}
    assert post(client, f"{page}/intrekken", reason, page).status_code == 303
    # A second click revokes nothing and logs nothing.
    assert post(client, f"{page}/intrekken", reason, page).status_code == 303
    [line] = lines(db, before)
    with db.session() as session:
        cert_id = session.scalar(select(Certificaat.id).where(Certificaat.code == code))
    assert_line(line, beheerder, "certificaat_ingetrokken", "certificaat", cert_id)
    assert line.details == {}


def test_a_revocation_without_a_reason_is_not_logged(app, db, beheerder):
    code = certificate_code(db)
    before = last_id(db)
    client = signed_in(app, db, beheerder)
    page = f"/academie/certificaten/{code}"
    assert post(client, f"{page}/intrekken", {"reden": ""}, page).status_code == 400
    assert lines(db, before) == []


# --- Meetings cancelled by an organisator ---


def test_cancelling_a_meeting_is_logged_once_without_who_signed_up(app, db):
    org = new_organisation(db)
    organiser = new_account(db, "organisator", organisatie_id=org.id)
    meeting = new_meeting(db, org.id)
    before = last_id(db)
    client = signed_in(app, db, organiser)
    cancel = f"/bijeenkomsten/{meeting.id}/annuleren"
    data = {"reden": "Verzonnen reden", "zeker": "y"}
    assert post(client, cancel, data, cancel).status_code == 303
    post(client, cancel, data, f"/bijeenkomsten/{meeting.id}")  # a second click
    [line] = lines(db, before)
    assert_line(line, organiser, "bijeenkomst_geannuleerd", "bijeenkomst", meeting.id)
    assert line.details == {}


def test_a_cancellation_by_an_organisator_of_another_organisation_is_not_logged(app, db):
    meeting = new_meeting(db, new_organisation(db).id)
    other = new_account(db, "organisator", organisatie_id=new_organisation(db).id)
    before = last_id(db)
    client = signed_in(app, db, other)
    cancel = f"/bijeenkomsten/{meeting.id}/annuleren"
    assert post(client, cancel, {"zeker": "y"}, "/bijeenkomsten/nieuw").status_code == 404
    assert lines(db, before) == []


# --- The log itself ---


def test_a_line_is_dropped_with_the_rolled_back_action(db, beheerder):
    before = last_id(db)
    with db.session() as session:
        org = Organisatie(naam=f"Verzonnen {uuid.uuid4().hex[:8]}", invite_code=uuid.uuid4().hex)
        session.add(org)
        audit.record(session, beheerder, "organisatie_toegevoegd", org)
        session.rollback()
    assert lines(db, before) == []


def test_an_unknown_action_is_refused():
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(None, None, "iets_verzonnen", ("organisatie", 1))


def test_the_line_stays_when_the_actors_account_is_deleted(db):
    actor = new_account(db, "beheerder")
    with db.session() as session:
        line = audit.record(session, actor, "uitnodigingscode_vernieuwd", ("organisatie", 1))
        session.commit()
        line_id = line.id
    with db.session() as session:
        session.execute(delete(Gebruiker).where(Gebruiker.id == actor.id))
        session.commit()
        kept = session.get(AuditRegel, line_id)
        assert (kept.actor_id, kept.actor_rol) == (None, "beheerder")


def test_the_log_page_shows_a_beheerder_who_did_what_newest_first(app, db, beheerder):
    org = new_organisation(db)
    client = signed_in(app, db, beheerder)
    page = f"/beheer/organisaties/{org.id}"
    assert post(client, f"{page}/code", {}, page).status_code == 303
    html = client.get("/beheer/logboek").get_data(as_text=True)
    row = html.split("<tbody>")[1].split("</tr>")[0]
    assert "Nieuwe code voor aansluiten" in row and f"organisatie {org.id}" in row
    assert beheerder.display_name in row


def test_the_log_page_is_only_for_beheerders(app, db):
    organiser = new_account(db, "organisator", organisatie_id=new_organisation(db).id)
    assert signed_in(app, db, organiser).get("/beheer/logboek").status_code == 403
