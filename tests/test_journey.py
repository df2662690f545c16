"""The whole journey of issue 4, through the pages as people use them.

A beheerder sets up a care organisation with a team. A medewerker makes an account, joins with
the invite code, reads the lessons, fails the course quiz, passes it and gets a certificate.
The teamleider, who assigned the course, sees the pass in the team overview and in the CSV.
Anyone can verify the certificate. People of another organisation get 403 or 404 on all of it.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import select

from quiz_service import localtime
from quiz_service.models import Certificaat, Gebruiker, Organisatie, Team
from tests.academie import PASSWORD, csrf_token, log_in, new_organisation, take_quiz

COURSE = "verzonnen-cursus"
COURSE_PAGE = f"/academie/cursussen/{COURSE}"


def cell(client, team_page, name) -> str:
    """The status in the matrix for this team member (the first course)."""
    page = client.get(team_page).get_data(as_text=True)
    found = re.search(
        rf'<th scope="row">{name}</th>\s*<td><span class="status[^"]*">([^<]+)<', page
    )
    assert found, f"{name} staat niet in het overzicht"
    return found.group(1)


def post(client, path, data, token_page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_page)})


def test_join_learn_fail_pass_certify_report_verify_and_nobody_else_sees_it(
    academie_app, db, account
):
    new = academie_app().test_client

    # A beheerder adds the organisation and its team.
    beheerder = new()
    log_in(beheerder, account("beheerder"))
    made = post(beheerder, "/beheer/organisaties", {"naam": "Verzonnen Thuiszorg Reis"}, "/beheer/")
    assert made.status_code == 303
    with db.session() as session:
        organisation = session.scalar(
            select(Organisatie).where(Organisatie.naam == "Verzonnen Thuiszorg Reis")
        )
    org_page = f"/beheer/organisaties/{organisation.id}"
    added = post(beheerder, f"{org_page}/teams", {"team_naam": "Verzonnen Team Reis"}, org_page)
    assert added.status_code == 303
    with db.session() as session:
        team = session.scalar(select(Team).where(Team.organisatie_id == organisation.id))
    team_page = f"/academie/teams/{team.id}"

    # A medewerker makes an account and joins with the invite code, typed loosely.
    learner = new()
    registered = post(
        learner,
        "/registreren",
        {
            "display_name": "Verzonnen Reiziger",
            "email": "reiziger@verzonnen.example",
            "password": PASSWORD,
        },
        "/registreren",
    )
    assert registered.status_code == 302
    typed = organisation.invite_code.lower().replace("-", " ")
    joined = post(learner, "/aansluiten", {"invite_code": typed}, "/aansluiten")
    assert joined.status_code == 302
    with db.session() as session:
        me = session.scalar(
            select(Gebruiker).where(Gebruiker.email == "reiziger@verzonnen.example")
        )
    assert (me.role, me.organisatie_id) == ("medewerker", organisation.id)

    # The teamleider puts them in the team and assigns the course with a deadline.
    teamleider = new()
    log_in(teamleider, account("teamleider", organisatie_id=organisation.id, team_id=team.id))
    assert (
        post(teamleider, f"{team_page}/leden", {"gebruiker": str(me.id)}, team_page).status_code
        == 303
    )
    deadline = localtime.today() + timedelta(days=14)
    assigned = post(
        teamleider,
        f"{team_page}/toewijzingen",
        {"cursus": COURSE, "deadline": deadline.isoformat()},
        team_page,
    )
    assert assigned.status_code == 303
    assert cell(teamleider, team_page, "Verzonnen Reiziger") == "niet gestart"

    # The medewerker reads both lessons, fails once, then passes.
    for number in (1, 2):
        assert learner.get(f"{COURSE_PAGE}/lessen/{number}").status_code == 302
    assert learner.get(COURSE_PAGE).get_data(as_text=True).count("(gelezen)") == 2
    failed = take_quiz(learner, db, f"{COURSE_PAGE}/toets", right=False, token_page=COURSE_PAGE)
    assert "U bent nog niet geslaagd" in learner.get(f"/academie/pogingen/{failed}").get_data(
        as_text=True
    )
    assert cell(teamleider, team_page, "Verzonnen Reiziger") == "bezig"
    passed = take_quiz(learner, db, f"{COURSE_PAGE}/toets", right=True, token_page=COURSE_PAGE)
    review = learner.get(f"/academie/pogingen/{passed}").get_data(as_text=True)
    assert "U bent geslaagd" in review
    code = re.search(r'href="/academie/certificaten/(\w+)"', review).group(1)
    certificate = learner.get(f"/academie/certificaten/{code}").get_data(as_text=True)
    assert "Verzonnen Reiziger" in certificate
    with db.session() as session:
        stored = session.scalar(select(Certificaat).where(Certificaat.code == code))
    assert stored.gebruiker_id == me.id and stored.score_procent == 100
    progress = learner.get("/api/v1/voortgang").get_json()["cursussen"]
    assert [(c["cursus"], c["status"]) for c in progress] == [(COURSE, "geslaagd")]
    assert stored.quiz_version in learner.get("/academie/voortgang").get_data(as_text=True)

    # The teamleider sees the pass, in the overview and in the CSV.
    assert cell(teamleider, team_page, "Verzonnen Reiziger") == "geslaagd"
    export = teamleider.get(f"{team_page}/export.csv")
    assert export.status_code == 200
    rows = list(
        csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    (row,) = [r for r in rows if r["e-mail"] == "reiziger@verzonnen.example"]
    assert row["status"] == "geslaagd" and row["cursusversie"] == stored.quiz_version

    # Anyone can verify the certificate, without an account.
    verified = new().get(f"/verifieer/{code}")
    assert verified.status_code == 200
    assert "Dit certificaat is echt en geldig" in verified.get_data(as_text=True)

    # Another organisation sees none of it.
    other = new_organisation(db)
    outsider_lead = new()
    log_in(outsider_lead, account("teamleider", organisatie_id=other.id))
    outsider = new()
    log_in(outsider, account("medewerker", organisatie_id=other.id))
    for path in (
        team_page,
        f"{team_page}/export.csv",
        f"/academie/certificaten/{code}",
        f"/academie/pogingen/{passed}",
        f"/api/v1/pogingen/{passed}",
        f"/api/v1/teams/{team.id}/voortgang",
    ):
        assert outsider_lead.get(path).status_code == 404, path
    assert (
        post(
            outsider_lead, f"{team_page}/toewijzingen", {"cursus": COURSE}, "/academie/teams"
        ).status_code
        == 404
    )
    for path in (team_page, f"{team_page}/export.csv", f"/api/v1/teams/{team.id}/voortgang"):
        assert outsider.get(path).status_code == 403, path
    for path in (f"/academie/certificaten/{code}", f"/academie/pogingen/{passed}"):
        assert outsider.get(path).status_code == 404, path
    assert "Verzonnen Reiziger" not in outsider_lead.get("/academie/teams").get_data(as_text=True)
