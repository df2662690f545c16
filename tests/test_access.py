"""Access control, walked route by route and role by role.

Every URL rule of the service is listed here with the status each kind of visitor must get.
The world: organisations A and B with a team each; a medewerker of A who passed the course
(an attempt and a certificate); a teamleider in A and one in B; an organisator, a beheerder, a
mantelzorger and an anonymous visitor. A new route fails `test_every_route_is_in_the_table`
until its row is added, so no page goes without an access check.

POSTs carry a valid CSRF token but no other fields: a role that may use the form gets its
"bad input" answer (400), so nothing changes; the rows that do change something (withdrawing an
assignment, removing a member) get a fresh object for every visitor.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from quiz_service import quizzes
from quiz_service.bijeenkomsten import signups
from quiz_service.catalog import course_key, load_catalog
from quiz_service.models import Aanmelding, Certificaat, Gebruiker, Toewijzing
from tests.academie import (
    FICTIONAL_CONTENT,
    close_app,
    csrf_token,
    new_account,
    new_organisation,
    new_team,
)
from tests.bijeenkomsten import new_meeting

COURSE = "verzonnen-cursus"
ANON, MZ, MED_A, MED_B, TL_A, TL_B, ORG_A, ADMIN = (
    "anoniem",
    "mantelzorger",
    "medewerker A",
    "medewerker B",
    "teamleider A",
    "teamleider B",
    "organisator A",
    "beheerder",
)
VISITORS = (ANON, MZ, MED_A, MED_B, TL_A, TL_B, ORG_A, ADMIN)
SIGNED_IN = VISITORS[1:]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(VISITORS, status)


def signed_in(status: int, anonymous: int = 302) -> dict[str, int]:
    return {**everyone(status), ANON: anonymous}


def only(allowed: dict[str, int], others: int = 403, anonymous: int = 302) -> dict[str, int]:
    return {**signed_in(others, anonymous), **allowed}


def team_a(status: int, anonymous: int = 302) -> dict[str, int]:
    """For team A's pages: its own teamleider and the beheerder; B's teamleider gets 404."""
    return only({TL_A: status, ADMIN: status, TL_B: 404}, anonymous=anonymous)


@pytest.fixture(scope="module")
def world(db, app):
    a, b = new_organisation(db), new_organisation(db)
    team_a_, team_b = new_team(db, a.id), new_team(db, b.id)
    people = {
        MZ: new_account(db, "mantelzorger"),
        MED_A: new_account(db, "medewerker", organisatie_id=a.id, team_id=team_a_.id),
        MED_B: new_account(db, "medewerker", organisatie_id=b.id, team_id=team_b.id),
        TL_A: new_account(db, "teamleider", organisatie_id=a.id, team_id=team_a_.id),
        TL_B: new_account(db, "teamleider", organisatie_id=b.id, team_id=team_b.id),
        ORG_A: new_account(db, "organisator", organisatie_id=a.id),
        ADMIN: new_account(db, "beheerder"),
    }
    entry = load_catalog(FICTIONAL_CONTENT).entry(course_key(COURSE))
    with db.session() as session:
        attempt = quizzes.start_attempt(session, entry, people[MED_A].id)
        answers = {q["id"]: [o["id"] for o in q["opties"] if o["juist"]] for q in attempt.vragen}
        assert quizzes.submit(session, attempt.id, answers, entry)
        code = session.scalar(select(Certificaat.code).where(Certificaat.poging_id == attempt.id))
    return SimpleNamespace(
        db=db,
        org_a=a,
        team_a=team_a_,
        people=people,
        attempt_id=attempt.id,
        code=code,
        meeting_id=new_meeting(db, a.id).id,
        secret=app.secret_key,
    )


def fresh_signup_link(w) -> str:
    """The own link of a new, unconfirmed sign-up: confirming or cancelling changes it."""
    with w.db.session() as session:
        signup = Aanmelding(
            bijeenkomst_id=w.meeting_id,
            naam="Verzonnen Deelnemer",
            email=f"{uuid.uuid4().hex[:10]}@verzonnen.example",
            status="onbevestigd",
            sleutel=uuid.uuid4().hex,
        )
        session.add(signup)
        session.commit()
        return f"/bijeenkomsten/aanmelding/{signups.token_for(signup, w.secret)}"


def fresh_member(w) -> int:
    return new_account(w.db, "medewerker", organisatie_id=w.org_a.id, team_id=w.team_a.id).id


def fresh_teamleider(w) -> int:
    """A teamleider with the second step set up: clearing it changes something."""
    return new_account(w.db, "teamleider", organisatie_id=w.org_a.id).id


def assigned(w) -> str:
    """Make sure team A has the course assigned, so withdrawing it does something."""
    with w.db.session() as session:
        if session.scalar(select(Toewijzing.id).where(Toewijzing.team_id == w.team_a.id)) is None:
            session.add(Toewijzing(team_id=w.team_a.id, cursus=COURSE))
            session.commit()
    return COURSE


@dataclass(frozen=True)
class Row:
    method: str
    rule: str
    url: object  # str, or a function of the world that gives the URL
    expected: dict[str, int]

    def path(self, w) -> str:
        return self.url(w) if callable(self.url) else self.url

    @property
    def id(self) -> str:
        return f"{self.method} {self.rule}"


TEAM = "/academie/teams/<int:team_id>"
MEETING = "/bijeenkomsten/<int:meeting_id>"
SIGNUP = "/bijeenkomsten/aanmelding/<token>"


def _meeting(w) -> str:
    return f"/bijeenkomsten/{w.meeting_id}"


ORG = "/beheer/organisaties/<int:organisatie_id>"


def _team(w) -> str:
    return f"/academie/teams/{w.team_a.id}"


def _org(w) -> str:
    return f"/beheer/organisaties/{w.org_a.id}"


ROWS = [
    # The portal and the service's plumbing.
    Row("GET", "/", "/", everyone(200)),
    Row("GET", "/<path:path>", "/bestaat-niet/", everyone(404)),
    Row("GET", "/static/<path:filename>", "/static/academie.css", everyone(200)),
    Row("GET", "/status", "/status", everyone(200)),
    # Accounts.
    Row("GET", "/inloggen", "/inloggen", everyone(200)),
    Row("POST", "/inloggen", "/inloggen", everyone(400)),
    Row("GET", "/registreren", "/registreren", everyone(200)),
    Row("POST", "/registreren", "/registreren", everyone(400)),
    Row("GET", "/aansluiten", "/aansluiten", signed_in(200)),
    Row("POST", "/aansluiten", "/aansluiten", signed_in(400)),
    Row("POST", "/uitloggen", "/uitloggen", everyone(302)),
    # The second step only opens right after a right password (tests/test_mfa.py); without
    # that, everyone goes back to the login page.
    Row("GET", "/inloggen/code", "/inloggen/code", everyone(302)),
    Row("POST", "/inloggen/code", "/inloggen/code", everyone(302)),
    Row("GET", "/inloggen/instellen", "/inloggen/instellen", everyone(302)),
    Row("POST", "/inloggen/instellen", "/inloggen/instellen", everyone(302)),
    Row("GET", "/wachtwoord-wijzigen", "/wachtwoord-wijzigen", signed_in(200)),
    Row("POST", "/wachtwoord-wijzigen", "/wachtwoord-wijzigen", signed_in(400)),
    Row("GET", "/wachtwoord-vergeten", "/wachtwoord-vergeten", everyone(200)),
    Row("POST", "/wachtwoord-vergeten", "/wachtwoord-vergeten", everyone(400)),
    Row("GET", "/wachtwoord-vergeten/verstuurd", "/wachtwoord-vergeten/verstuurd", everyone(200)),
    Row("GET", "/wachtwoord-herstellen/<token>", "/wachtwoord-herstellen/verzonnen", everyone(404)),
    Row(
        "POST", "/wachtwoord-herstellen/<token>", "/wachtwoord-herstellen/verzonnen", everyone(404)
    ),
    # Courses and quizzes: open to everyone, an attempt only to whoever started it.
    Row("GET", "/academie/", "/academie/", everyone(200)),
    Row("GET", "/academie/cursussen/<slug>", f"/academie/cursussen/{COURSE}", everyone(200)),
    Row(
        "GET",
        "/academie/cursussen/<slug>/lessen/<int:number>",
        f"/academie/cursussen/{COURSE}/lessen/1",
        everyone(302),
    ),
    Row(
        "POST",
        "/academie/cursussen/<slug>/toets",
        f"/academie/cursussen/{COURSE}/toets",
        everyone(303),
    ),
    Row(
        "GET",
        "/academie/ziektebeelden/<slug>/toets",
        "/academie/ziektebeelden/verzonnen-ziekte/toets",
        everyone(200),
    ),
    Row(
        "POST",
        "/academie/ziektebeelden/<slug>/toets",
        "/academie/ziektebeelden/verzonnen-ziekte/toets",
        everyone(303),
    ),
    Row(
        "GET",
        "/academie/pogingen/<int:attempt_id>",
        lambda w: f"/academie/pogingen/{w.attempt_id}",
        {**everyone(404), MED_A: 200},
    ),
    Row(
        "POST",
        "/academie/pogingen/<int:attempt_id>",
        lambda w: f"/academie/pogingen/{w.attempt_id}",
        {**everyone(404), MED_A: 303},
    ),
    # Certificates: the owner and the beheerder; verifying is public.
    Row(
        "GET",
        "/academie/certificaten/<code>",
        lambda w: f"/academie/certificaten/{w.code}",
        {**signed_in(404), MED_A: 200, ADMIN: 200},
    ),
    Row(
        "POST",
        "/academie/certificaten/<code>/intrekken",
        lambda w: f"/academie/certificaten/{w.code}/intrekken",
        only({ADMIN: 400}),
    ),
    Row("GET", "/verifieer", "/verifieer", everyone(200)),
    Row("GET", "/verifieer/<code>", lambda w: f"/verifieer/{w.code}", everyone(200)),
    # Progress and team reports.
    Row("GET", "/academie/voortgang", "/academie/voortgang", signed_in(200)),
    Row("GET", "/academie/teams", "/academie/teams", only({TL_A: 200, TL_B: 200, ADMIN: 200})),
    Row("GET", TEAM, _team, team_a(200)),
    Row("GET", f"{TEAM}/export.csv", lambda w: f"{_team(w)}/export.csv", team_a(200)),
    Row("POST", f"{TEAM}/leden", lambda w: f"{_team(w)}/leden", team_a(400)),
    Row(
        "POST",
        f"{TEAM}/leden/<int:user_id>/verwijderen",
        lambda w: f"{_team(w)}/leden/{fresh_member(w)}/verwijderen",
        team_a(303),
    ),
    Row("POST", f"{TEAM}/toewijzingen", lambda w: f"{_team(w)}/toewijzingen", team_a(400)),
    Row(
        "POST",
        f"{TEAM}/toewijzingen/<slug>/intrekken",
        lambda w: f"{_team(w)}/toewijzingen/{assigned(w)}/intrekken",
        team_a(303),
    ),
    # Beheer: only the beheerder.
    Row("GET", "/beheer/", "/beheer/", only({ADMIN: 200})),
    Row("GET", "/beheer/logboek", "/beheer/logboek", only({ADMIN: 200})),
    Row("POST", "/beheer/organisaties", "/beheer/organisaties", only({ADMIN: 400})),
    Row("GET", ORG, _org, only({ADMIN: 200})),
    Row("POST", f"{ORG}/code", lambda w: f"{_org(w)}/code", only({ADMIN: 303})),
    Row("POST", f"{ORG}/teams", lambda w: f"{_org(w)}/teams", only({ADMIN: 400})),
    Row("GET", f"{ORG}/import", lambda w: f"{_org(w)}/import", only({ADMIN: 200})),
    Row(
        "POST",
        "/beheer/gebruikers/<int:user_id>/tweede-stap-wissen",
        lambda w: f"/beheer/gebruikers/{fresh_teamleider(w)}/tweede-stap-wissen",
        only({ADMIN: 303}),
    ),
    Row("POST", f"{ORG}/import", lambda w: f"{_org(w)}/import", only({ADMIN: 400})),
    # Without an import just done, the result page sends the beheerder back to the organisation.
    Row(
        "GET",
        f"{ORG}/import/resultaat",
        lambda w: f"{_org(w)}/import/resultaat",
        only({ADMIN: 303}),
    ),
    # Lotgenoten bijeenkomsten: public pages, sign-up links, and the organisator's pages.
    Row("GET", "/bijeenkomsten/agenda", "/bijeenkomsten/agenda", everyone(200)),
    Row("GET", "/bijeenkomsten/agenda.ics", "/bijeenkomsten/agenda.ics", everyone(200)),
    Row(
        "GET",
        "/bijeenkomsten/gemeente/<code>.ics",
        "/bijeenkomsten/gemeente/GM0995.ics",
        everyone(200),
    ),
    Row(
        "GET",
        "/bijeenkomsten/thema/<slug>.ics",
        "/bijeenkomsten/thema/mantelzorg.ics",
        everyone(200),
    ),
    Row("GET", MEETING, _meeting, everyone(200)),
    Row("GET", f"{MEETING}.ics", lambda w: f"{_meeting(w)}.ics", everyone(200)),
    # Without the consent ticked: the form again.
    Row("POST", f"{MEETING}/aanmelden", lambda w: f"{_meeting(w)}/aanmelden", everyone(400)),
    Row(
        "GET",
        f"{MEETING}/kijk-in-uw-mail",
        lambda w: f"{_meeting(w)}/kijk-in-uw-mail",
        everyone(200),
    ),
    # Nobody in the world has signed up with their account.
    Row("POST", f"{MEETING}/afmelden", lambda w: f"{_meeting(w)}/afmelden", signed_in(404)),
    # Whoever has the link from the mail may use it, with or without an account.
    Row("GET", SIGNUP, fresh_signup_link, everyone(200)),
    Row(
        "POST",
        f"{SIGNUP}/bevestigen",
        lambda w: f"{fresh_signup_link(w)}/bevestigen",
        everyone(303),
    ),
    Row("POST", f"{SIGNUP}/afmelden", lambda w: f"{fresh_signup_link(w)}/afmelden", everyone(303)),
    Row("GET", "/bijeenkomsten/beheer", "/bijeenkomsten/beheer", only({ORG_A: 200})),
    Row("GET", "/bijeenkomsten/nieuw", "/bijeenkomsten/nieuw", only({ORG_A: 200})),
    Row("POST", "/bijeenkomsten/nieuw", "/bijeenkomsten/nieuw", only({ORG_A: 400})),
    Row("GET", f"{MEETING}/bewerken", lambda w: f"{_meeting(w)}/bewerken", only({ORG_A: 200})),
    Row("POST", f"{MEETING}/bewerken", lambda w: f"{_meeting(w)}/bewerken", only({ORG_A: 400})),
    Row("GET", f"{MEETING}/annuleren", lambda w: f"{_meeting(w)}/annuleren", only({ORG_A: 200})),
    Row("POST", f"{MEETING}/annuleren", lambda w: f"{_meeting(w)}/annuleren", only({ORG_A: 400})),
    # The teamleiders and the beheerder never see who signed up.
    Row(
        "GET",
        f"{MEETING}/aanmeldingen",
        lambda w: f"{_meeting(w)}/aanmeldingen",
        only({ORG_A: 200}),
    ),
    # Search, with odd input: a normal page for everyone.
    Row("GET", "/zoeken", "/zoeken?q=%22mantelzorg%22+AND+*", everyone(200)),
    Row("GET", "/api/zoeken", "/api/zoeken?q=mantelzorg", everyone(200)),
    # Mijn gegevens.
    Row("GET", "/mijn-gegevens/", "/mijn-gegevens/", signed_in(200)),
    Row("GET", "/mijn-gegevens/download", "/mijn-gegevens/download", signed_in(200)),
    Row("POST", "/mijn-gegevens/verwijderen", "/mijn-gegevens/verwijderen", signed_in(400)),
    Row("GET", "/mijn-gegevens/verwijderd", "/mijn-gegevens/verwijderd", everyone(200)),
    # The JSON API: 401 instead of a redirect to the login page.
    Row("GET", "/api/openapi.json", "/api/openapi.json", everyone(200)),
    Row("GET", "/api/v1/cursussen", "/api/v1/cursussen", everyone(200)),
    Row("GET", "/api/v1/cursussen/<slug>", f"/api/v1/cursussen/{COURSE}", everyone(200)),
    Row("GET", "/api/v1/toetsen", "/api/v1/toetsen", everyone(200)),
    Row("GET", "/api/v1/pogingen", "/api/v1/pogingen", signed_in(200, anonymous=401)),
    Row(
        "GET",
        "/api/v1/pogingen/<int:poging_id>",
        lambda w: f"/api/v1/pogingen/{w.attempt_id}",
        {**everyone(404), MED_A: 200},
    ),
    Row("GET", "/api/v1/voortgang", "/api/v1/voortgang", signed_in(200, anonymous=401)),
    Row(
        "GET",
        "/api/v1/teams/<int:team_id>/voortgang",
        lambda w: f"/api/v1/teams/{w.team_a.id}/voortgang",
        team_a(200, anonymous=401),
    ),
]


@pytest.fixture(scope="module")
def app(db, tmp_path_factory):
    from quiz_service import create_app
    from tests.conftest import BufferedClient

    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text('<!doctype html><html lang="nl"><p>Portal', "utf-8")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db.url,
            "SITE_DIR": str(site),
            "CONTENT_DIR": str(FICTIONAL_CONTENT),
            # Dozens of empty login and reset forms in a row are not what this test is about.
            # (Not RATELIMIT_ENABLED=False: the limiter is shared, that would stick to it.)
            **dict.fromkeys(
                (
                    "LOGIN_LIMIT_PER_EMAIL",
                    "LOGIN_LIMIT_PER_IP",
                    "RESET_LIMIT_PER_EMAIL",
                    "RESET_LIMIT_PER_IP",
                    "SIGNUP_LIMIT_PER_IP",
                ),
                "1000 per hour",
            ),
        }
    )
    app.test_client_class = BufferedClient
    yield app
    close_app(app)


def client_for(app, w, visitor: str):
    """A client signed in as `visitor` (through the session, as a login would leave it)."""
    client = app.test_client()
    if visitor != ANON:
        with w.db.session() as session:
            user = session.get(Gebruiker, w.people[visitor].id)
            uid, epoch = user.id, user.session_epoch
        with client.session_transaction() as cookie:
            cookie["uid"], cookie["epoch"] = uid, epoch
            cookie["login_at"] = cookie["seen_at"] = int(time.time())
    return client


def test_every_route_is_in_the_table(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    table = {(row.method, row.rule) for row in ROWS}
    assert routes - table == set(), "routes zonder regel in deze tabel"
    assert table - routes == set(), "regels voor routes die niet (meer) bestaan"


def test_every_row_names_every_visitor():
    for row in ROWS:
        assert set(row.expected) == set(VISITORS), row.id


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_each_visitor_gets_the_expected_status(app, world, row):
    got = {}
    for visitor in VISITORS:
        client = client_for(app, world, visitor)
        path = row.path(world)
        if row.method == "GET":
            got[visitor] = client.get(path).status_code
        else:
            token = csrf_token(client, "/inloggen")
            got[visitor] = client.post(path, data={"csrf_token": token}).status_code
    assert got == row.expected
