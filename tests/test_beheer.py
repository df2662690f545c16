"""Beheer: organisations, invite codes, teams and importing staff from a CSV file."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from sqlalchemy import func, select

from quiz_service.beheer.views import IMPORT_MAX_BYTES
from quiz_service.codes import ALPHABET as INVITE_ALPHABET
from quiz_service.models import Gebruiker, Mail, Organisatie, Team, WachtwoordReset
from quiz_service.passwords import verify_password
from tests.academie import csrf_token, log_in, mails_to

SITE_URL = "https://academie.verzonnen.example/"
LINK = re.compile(r"https://academie\.verzonnen\.example(/wachtwoord-herstellen/[A-Za-z0-9_-]+)")


@pytest.fixture
def outbox_dir(tmp_path):
    return tmp_path / "outbox"


@pytest.fixture
def app(academie_app, outbox_dir):
    return academie_app(OUTBOX_DIR=str(outbox_dir), SITE_URL=SITE_URL)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def beheerder(client, account):
    """The client, logged in as a beheerder."""
    log_in(client, account("beheerder"))
    return client


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def address(name: str = "persoon") -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@verzonnen.example"


@pytest.fixture
def organisatie(db):
    """A factory: a committed organisation with a fictional name and code."""

    def make(naam=None):
        with db.session() as session:
            org = Organisatie(naam=naam or unique("Verzonnen Zorg"), invite_code=uuid.uuid4().hex)
            session.add(org)
            session.commit()
            return org

    return make


def post(client, path, data, token_page="/beheer/", **extra):
    response = client.post(
        path, data={**data, "csrf_token": csrf_token(client, token_page)}, **extra
    )
    # A large upload is a temporary file in the test client, which it does not close itself.
    response.request.input_stream.close()
    return response


def upload(client, org_id, content: bytes | str, token_page=None):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return post(
        client,
        f"/beheer/organisaties/{org_id}/import",
        {"bestand": (io.BytesIO(content), "medewerkers.csv")},
        token_page=token_page or f"/beheer/organisaties/{org_id}",
        content_type="multipart/form-data",
    )


def user_by_email(db, email_address) -> Gebruiker | None:
    with db.session() as session:
        return session.scalar(select(Gebruiker).where(Gebruiker.email == email_address))


def snapshot(db) -> dict:
    """Everything an import could change."""
    with db.session() as session:
        counts = {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Gebruiker, Team, Mail, WachtwoordReset)
        }
        counts["accounts"] = session.execute(
            select(
                Gebruiker.email, Gebruiker.role, Gebruiker.team_id, Gebruiker.organisatie_id
            ).order_by(Gebruiker.id)
        ).all()
    return counts


# --- Only for beheerders ---


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get("/beheer/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen?volgende=/beheer/"


@pytest.mark.parametrize("role", ["mantelzorger", "medewerker", "teamleider", "organisator"])
def test_other_roles_get_403_and_change_nothing(client, account, organisatie, db, role):
    org = organisatie()
    log_in(client, account(role))
    assert client.get("/beheer/").status_code == 403
    assert client.get(f"/beheer/organisaties/{org.id}").status_code == 403
    token = csrf_token(client, "/inloggen")
    naam = unique("Verzonnen Stiekem")
    assert (
        client.post("/beheer/organisaties", data={"naam": naam, "csrf_token": token}).status_code
        == 403
    )
    response = client.post(
        f"/beheer/organisaties/{org.id}/teams", data={"team_naam": naam, "csrf_token": token}
    )
    assert response.status_code == 403
    assert "Geen toegang" in response.get_data(as_text=True)
    with db.session() as session:
        assert session.scalar(select(Organisatie.id).where(Organisatie.naam == naam)) is None
        assert session.scalar(select(Team.id).where(Team.naam == naam)) is None


# --- Organisations ---


def test_the_overview_lists_organisations_with_their_counts(beheerder, organisatie, account, db):
    org = organisatie()
    with db.session() as session:
        session.add(Team(organisatie_id=org.id, naam="Verzonnen Team"))
        session.commit()
    account("medewerker", organisatie_id=org.id)
    account("teamleider", organisatie_id=org.id)
    page = beheerder.get("/beheer/").get_data(as_text=True)
    row = re.search(rf"{re.escape(org.naam)}</a></th>\s*<td>(\d+)</td>\s*<td>(\d+)</td>", page)
    assert row and row.groups() == ("1", "2")


def test_adding_an_organisation_gives_it_a_readable_invite_code(beheerder, account, app, db):
    naam = unique("Verzonnen Thuiszorg")
    response = post(beheerder, "/beheer/organisaties", {"naam": f"  {naam} "})
    assert response.status_code == 303
    with db.session() as session:
        org = session.scalar(select(Organisatie).where(Organisatie.naam == naam))
    assert response.headers["Location"] == f"/beheer/organisaties/{org.id}"
    letters = org.invite_code.replace("-", "")
    assert len(letters) >= 8
    assert set(letters) <= set(INVITE_ALPHABET)
    assert not set(letters) & set("01OIL"), "geen tekens die op elkaar lijken"
    assert org.invite_code in beheerder.get(response.headers["Location"]).get_data(as_text=True)

    # A member of staff types it in lower case and without the dashes.
    staff = app.test_client()
    log_in(staff, account("mantelzorger"))
    typed = letters.lower()
    joined = post(staff, "/aansluiten", {"invite_code": typed}, token_page="/aansluiten")
    assert joined.status_code == 302


def test_an_organisation_name_that_exists_is_a_conflict_and_kept(beheerder, organisatie):
    org = organisatie()
    response = post(beheerder, "/beheer/organisaties", {"naam": org.naam.upper()})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Er is al een organisatie met deze naam" in page
    assert f'value="{org.naam.upper()}"' in page


def test_an_organisation_without_a_name_is_a_bad_request(beheerder):
    response = post(beheerder, "/beheer/organisaties", {"naam": "   "})
    assert response.status_code == 400
    assert "Vul de naam van de organisatie in." in response.get_data(as_text=True)


def test_a_new_invite_code_replaces_the_old_one(beheerder, organisatie, db):
    org = organisatie()
    path = f"/beheer/organisaties/{org.id}"
    response = post(beheerder, f"{path}/code", {}, token_page=path)
    assert response.status_code == 303
    with db.session() as session:
        new_code = session.get(Organisatie, org.id).invite_code
    assert new_code != org.invite_code
    page = beheerder.get(path).get_data(as_text=True)
    assert f"De nieuwe code is {new_code}" in page
    assert org.invite_code not in page


def test_an_unknown_organisation_is_not_found(beheerder):
    assert beheerder.get("/beheer/organisaties/999999").status_code == 404
    response = post(beheerder, "/beheer/organisaties/999999/teams", {"team_naam": "Verzonnen"})
    assert response.status_code == 404
    assert upload(beheerder, 999999, "e-mail;naam;rol;team\n", "/beheer/").status_code == 404


# --- Teams and staff ---


def test_adding_a_team_shows_it_on_the_organisation_page(beheerder, organisatie):
    org = organisatie()
    path = f"/beheer/organisaties/{org.id}"
    response = post(beheerder, f"{path}/teams", {"team_naam": "Verzonnen Wijkteam"}, path)
    assert response.status_code == 303
    assert "Verzonnen Wijkteam (0 medewerkers)" in beheerder.get(path).get_data(as_text=True)


def test_a_team_name_that_exists_is_a_conflict_and_kept(beheerder, organisatie):
    org = organisatie()
    path = f"/beheer/organisaties/{org.id}"
    post(beheerder, f"{path}/teams", {"team_naam": "Verzonnen Wijkteam"}, path)
    response = post(beheerder, f"{path}/teams", {"team_naam": "verzonnen wijkteam"}, path)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "al een team met deze naam" in page
    assert 'value="verzonnen wijkteam"' in page


def test_the_same_team_name_in_another_organisation_is_fine(beheerder, organisatie):
    first, second = organisatie(), organisatie()
    for org in (first, second):
        path = f"/beheer/organisaties/{org.id}"
        response = post(beheerder, f"{path}/teams", {"team_naam": "Verzonnen Nachtdienst"}, path)
        assert response.status_code == 303


def test_a_team_without_a_name_is_a_bad_request(beheerder, organisatie):
    org = organisatie()
    path = f"/beheer/organisaties/{org.id}"
    response = post(beheerder, f"{path}/teams", {"team_naam": ""}, path)
    assert response.status_code == 400
    assert "Vul de naam van het team in." in response.get_data(as_text=True)


def test_the_organisation_page_lists_its_staff(beheerder, organisatie, account, db):
    org = organisatie()
    with db.session() as session:
        team = Team(organisatie_id=org.id, naam="Verzonnen Dagbesteding")
        session.add(team)
        session.commit()
    person = account(
        "teamleider", organisatie_id=org.id, team_id=team.id, display_name="Verzonnen Leider"
    )
    stranger = account("medewerker", display_name="Verzonnen Buitenstaander")
    page = beheerder.get(f"/beheer/organisaties/{org.id}").get_data(as_text=True)
    assert re.search(
        rf"Verzonnen Leider</th>\s*<td>{re.escape(person.email)}</td>\s*<td>teamleider</td>"
        r"\s*<td>Verzonnen Dagbesteding</td>",
        page,
    )
    assert stranger.email not in page
    assert 'enctype="multipart/form-data"' in page


# --- Importing staff ---


def test_an_import_adds_new_staff_updates_existing_and_creates_teams(
    beheerder, organisatie, account, app, outbox_dir, db
):
    org = organisatie()
    existing = account("medewerker", organisatie_id=org.id)
    new_one, new_two = address("nieuw"), address("nieuw")
    csv_text = (
        "\ufeffE-mail;Naam;Rol;Team\r\n"
        f"{new_one.upper()};Verzonnen Nieuw Een;Medewerker;Verzonnen Thuiszorg\r\n"
        f"{new_two};Verzonnen Nieuw Twee;teamleider;\r\n"
        f"{existing.email};Verzonnen Bestaand;teamleider;Verzonnen Thuiszorg\r\n"
        ";;;\r\n"
    )
    response = upload(beheerder, org.id, csv_text)
    assert response.status_code == 303, response.get_data(as_text=True)
    summary = beheerder.get(response.headers["Location"])
    assert summary.status_code == 200
    page = summary.get_data(as_text=True)
    assert "2 nieuwe medewerkers" in page
    assert "1 bijgewerkt" in page
    assert "1 team aangemaakt: Verzonnen Thuiszorg" in page

    first = user_by_email(db, new_one)
    assert (first.role, first.organisatie_id, first.display_name) == (
        "medewerker",
        org.id,
        "Verzonnen Nieuw Een",
    )
    with db.session() as session:
        team_id = session.scalar(
            select(Team.id).where(Team.organisatie_id == org.id, Team.naam == "Verzonnen Thuiszorg")
        )
    assert first.team_id == team_id
    assert user_by_email(db, new_two).team_id is None
    updated = user_by_email(db, existing.email)
    assert (updated.role, updated.team_id) == ("teamleider", team_id)
    assert updated.display_name == existing.display_name, "de eigen naam blijft"

    # New accounts have no password anyone knows, and get a mail to choose one.
    assert not first.password_hash.startswith("$argon2")
    for guess in ("", "wachtwoord", first.password_hash):
        assert not verify_password(first.password_hash, guess)
    outsider = app.test_client()
    data = {"email": new_one, "password": first.password_hash, "csrf_token": csrf_token(outsider)}
    assert outsider.post("/inloggen", data=data).status_code == 401
    (invitation,) = mails_to(outbox_dir, new_one)
    assert invitation["Subject"] == "Stel uw wachtwoord in"
    assert org.naam in invitation.get_content()
    assert "De link werkt 7 dagen" in invitation.get_content()
    assert mails_to(outbox_dir, existing.email) == []

    # The invited person chooses a password through the link and can log in.
    person = app.test_client()
    path = LINK.search(invitation.get_content()).group(1)
    assert "Stel uw wachtwoord in" in person.get(path).get_data(as_text=True)
    chosen = "verzonnen zomer fiets koffie"
    data = {"password": chosen, "password_again": chosen, "csrf_token": csrf_token(person, path)}
    assert person.post(path, data=data).status_code == 303
    log_in(person, new_one, chosen)


def test_the_invitation_link_works_for_seven_days(beheerder, organisatie, db):
    org = organisatie()
    upload(beheerder, org.id, f"e-mail,naam,rol,team\n{address()},Verzonnen Persoon,medewerker,\n")
    with db.session() as session:
        link = session.scalars(
            select(WachtwoordReset)
            .join(Gebruiker, Gebruiker.id == WachtwoordReset.gebruiker_id)
            .where(Gebruiker.organisatie_id == org.id)
        ).one()
    assert round((link.expires_at - link.created_at).total_seconds() / 86400) == 7


def test_an_import_with_commas_is_read_too(beheerder, organisatie, db):
    org = organisatie()
    person = address()
    response = upload(
        beheerder, org.id, f'e-mail,naam,rol,team\n{person},"Verzonnen, Persoon",organisator,\n'
    )
    assert response.status_code == 303
    imported = user_by_email(db, person)
    assert (imported.display_name, imported.role) == ("Verzonnen, Persoon", "organisator")


def test_an_existing_member_with_the_same_role_and_team_is_unchanged(
    beheerder, organisatie, account
):
    org = organisatie()
    person = account("medewerker", organisatie_id=org.id)
    response = upload(beheerder, org.id, f"e-mail;naam;rol;team\n{person.email};X;medewerker;\n")
    page = beheerder.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 bijgewerkt" in page
    assert "1 ongewijzigd" in page


# --- A failed import: every problem at once, nothing changed ---


def failed_import(beheerder, db, org_id, content) -> list[str]:
    """Upload a bad file; check the answer and that nothing changed; the problem lines."""
    before = snapshot(db)
    response = upload(beheerder, org_id, content)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert snapshot(db) == before, "een mislukte import verandert niets"
    page = response.get_data(as_text=True)
    assert "Er is niets geïmporteerd" in page
    return re.findall(r"<li>(regel \d+: [^<]*)</li>", page)


def test_a_failed_import_reports_every_problem_and_imports_none_of_the_good_rows(
    beheerder, organisatie, db
):
    org = organisatie()
    good = address("goed")
    problems = failed_import(
        beheerder,
        db,
        org.id,
        "e-mail;naam;rol;team\n"
        f"{good};Verzonnen Goed;medewerker;Verzonnen Nieuw Team\n"
        "geen-adres;Verzonnen Fout;medewerker;\n"
        f"{address()};;koning;\n",
    )
    assert problems == [
        "regel 3: ‘geen-adres’ is geen goed e-mailadres — een e-mailadres ziet eruit als "
        "naam@voorbeeld.nl; verbeter het",
        "regel 4: de naam is leeg — vul de naam van de medewerker in",
        "regel 4: de rol ‘koning’ kennen wij niet — kies medewerker, teamleider of organisator",
    ]
    assert user_by_email(db, good) is None


def test_a_file_without_a_header_row_is_refused(beheerder, organisatie, db):
    problems = failed_import(
        beheerder, db, organisatie().id, f"{address()};Verzonnen Persoon;medewerker;\n"
    )
    assert len(problems) == 1
    assert problems[0].startswith("regel 1: de eerste regel is geen kopregel")
    assert "e-mail, naam, rol, team" in problems[0]


def test_an_unknown_column_is_refused(beheerder, organisatie, db):
    problems = failed_import(
        beheerder,
        db,
        organisatie().id,
        f"e-mail;naam;rol;team;telefoon\n{address()};Verzonnen;medewerker;;0600000000\n",
    )
    assert problems == [
        "regel 1: de kolom ‘telefoon’ kennen wij niet — gebruik alleen de kolommen "
        "e-mail, naam, rol, team, of haal deze kolom weg"
    ]


def test_a_missing_column_is_refused(beheerder, organisatie, db):
    problems = failed_import(
        beheerder, db, organisatie().id, f"e-mail;naam;team\n{address()};Verzonnen;\n"
    )
    assert problems == [
        "regel 1: de kolom ‘rol’ ontbreekt — zet de kolommen e-mail, naam, rol, team op de "
        "eerste regel"
    ]


def test_a_bad_email_address_is_refused(beheerder, organisatie, db):
    problems = failed_import(
        beheerder, db, organisatie().id, "e-mail;naam;rol;team\nnaam@;Verzonnen;medewerker;\n"
    )
    assert problems == [
        "regel 2: ‘naam@’ is geen goed e-mailadres — een e-mailadres ziet eruit als "
        "naam@voorbeeld.nl; verbeter het"
    ]


def test_an_unknown_role_is_refused(beheerder, organisatie, db):
    # A beheerder cannot be made by an import: that role is not in the list.
    problems = failed_import(
        beheerder, db, organisatie().id, f"e-mail;naam;rol;team\n{address()};Verzonnen;beheerder;\n"
    )
    assert problems == [
        "regel 2: de rol ‘beheerder’ kennen wij niet — kies medewerker, teamleider of organisator"
    ]


def test_the_same_email_twice_in_the_file_is_refused(beheerder, organisatie, db):
    twice = address()
    problems = failed_import(
        beheerder,
        db,
        organisatie().id,
        f"e-mail;naam;rol;team\n{twice};Een;medewerker;\n{twice.upper()};Twee;medewerker;\n",
    )
    assert problems == [
        f"regel 3: het e-mailadres {twice} staat ook op regel 2 — haal een van de twee regels weg"
    ]


def test_an_account_of_another_organisation_is_refused(beheerder, organisatie, account, db):
    mine, theirs = organisatie(), organisatie()
    person = account("medewerker", organisatie_id=theirs.id)
    problems = failed_import(
        beheerder, db, mine.id, f"e-mail;naam;rol;team\n{person.email};Verzonnen;teamleider;\n"
    )
    assert len(problems) == 1
    assert problems[0].startswith(
        f"regel 2: {person.email} heeft al een account bij een andere organisatie — "
    )
    assert user_by_email(db, person.email).organisatie_id == theirs.id


def test_a_private_account_is_not_taken_into_an_organisation(beheerder, organisatie, account, db):
    # A mantelzorger's own account: joining an employer is that person's own choice.
    person = account("mantelzorger")
    problems = failed_import(
        beheerder,
        db,
        organisatie().id,
        f"e-mail;naam;rol;team\n{person.email};Verzonnen;medewerker;\n",
    )
    assert len(problems) == 1
    assert "heeft al een eigen account" in problems[0]
    assert "code van uw organisatie" in problems[0]


def test_an_empty_file_is_refused(beheerder, organisatie, db):
    problems = failed_import(beheerder, db, organisatie().id, b"")
    assert problems == [
        "regel 1: het bestand is leeg — zet op de eerste regel e-mail;naam;rol;team en daaronder "
        "één regel per medewerker"
    ]


def test_a_header_without_staff_is_refused(beheerder, organisatie, db):
    problems = failed_import(beheerder, db, organisatie().id, "e-mail;naam;rol;team\n")
    assert problems == [
        "regel 1: onder de kopregel staan geen medewerkers — zet onder de kopregel één regel "
        "per medewerker"
    ]


def test_a_file_that_is_not_utf8_is_refused(beheerder, organisatie, db):
    # What an older Excel writes: Windows-1252, where é is one byte that is not UTF-8.
    content = f"e-mail;naam;rol;team\n{address()};René;medewerker;\n".encode("cp1252")
    problems = failed_import(beheerder, db, organisatie().id, content)
    assert len(problems) == 1
    assert problems[0].startswith("regel 2: het bestand is niet opgeslagen als UTF-8")
    assert "CSV UTF-8" in problems[0]


def test_a_row_with_too_few_columns_is_refused(beheerder, organisatie, db):
    problems = failed_import(
        beheerder, db, organisatie().id, f"e-mail;naam;rol;team\n{address()};Verzonnen\n"
    )
    assert problems[0].startswith("regel 2: deze regel heeft 2 kolommen, de kopregel 4 — ")


def test_an_import_without_a_file_is_a_bad_request(beheerder, organisatie):
    org = organisatie()
    path = f"/beheer/organisaties/{org.id}"
    response = post(beheerder, f"{path}/import", {}, token_page=path)
    assert response.status_code == 400
    assert "Kies een CSV-bestand." in response.get_data(as_text=True)


def test_a_file_that_is_too_large_is_refused(beheerder, organisatie, db):
    org = organisatie()
    before = snapshot(db)
    line = f"{address()};Verzonnen Persoon;medewerker;Verzonnen Team\n"
    content = "e-mail;naam;rol;team\n" + line * (IMPORT_MAX_BYTES // len(line) + 1)
    response = upload(beheerder, org.id, content)
    assert response.status_code == 413
    assert "Het bestand is groter dan 1 MB" in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_an_import_without_csrf_token_is_refused(beheerder, organisatie, db):
    org = organisatie()
    before = snapshot(db)
    response = beheerder.post(
        f"/beheer/organisaties/{org.id}/import",
        data={
            "bestand": (
                io.BytesIO(f"e-mail;naam;rol;team\n{address()};X;medewerker;\n".encode()),
                "a.csv",
            )
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Formulier verlopen" in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_the_result_page_without_an_import_goes_back_to_the_organisation(beheerder, organisatie):
    org = organisatie()
    response = beheerder.get(f"/beheer/organisaties/{org.id}/import/resultaat")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/beheer/organisaties/{org.id}"


def test_a_too_large_upload_by_someone_else_shows_nothing_of_the_organisation(
    client, account, organisatie
):
    # The size is checked before the role (the form is read first), so that page must not leak.
    org = organisatie()
    log_in(client, account("medewerker"))
    token = csrf_token(client, "/inloggen")
    response = client.post(
        f"/beheer/organisaties/{org.id}/import",
        data={"bestand": (io.BytesIO(b"x" * (IMPORT_MAX_BYTES + 1)), "a.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    response.request.input_stream.close()
    assert response.status_code in (403, 413)
    assert org.naam not in response.get_data(as_text=True)
