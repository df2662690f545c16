"""Progress: the status rules, "Mijn voortgang", assignments with deadlines, team reports, CSV."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from babel.dates import format_date
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from quiz_service import localtime
from quiz_service.catalog import course_key, load_catalog
from quiz_service.certificates import new_code
from quiz_service.models import Certificaat, Gebruiker, Poging, Toewijzing
from quiz_service.voortgang import services
from quiz_service.voortgang.services import (
    EXPIRED,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    PASSED,
    course_status,
    expires_soon,
)
from tests.academie import (
    FICTIONAL_CONTENT,
    csrf_token,
    log_in,
    new_organisation,
    new_team,
    run_together,
    take_quiz,
)

COURSE = "verzonnen-cursus"
COURSE_TITLE = "Verzonnen cursus"
COURSE_PAGE = f"/academie/cursussen/{COURSE}"
COURSE_QUIZ = f"{COURSE_PAGE}/toets"
ZIEKTE_QUIZ = "/academie/ziektebeelden/verzonnen-ziekte/toets"
MINE = "/academie/voortgang"
TODAY = date(2026, 6, 15)


def dutch(day: date) -> str:
    return format_date(day, "d MMMM y", locale="nl")


# --- The status rules (no database) ---


@dataclass
class Cert:
    geldig_tot: date | None
    ingetrokken_at: datetime | None = None
    behaald_op: datetime = datetime(2025, 1, 1, tzinfo=UTC)


def status(certificates=(), lessons=0, attempts=0, deadline=None, today=TODAY) -> str:
    return course_status(
        certificates,
        lessons_read=lessons,
        attempts_started=attempts,
        deadline=deadline,
        today=today,
    )


def test_nothing_done_is_niet_gestart():
    assert status() == NOT_STARTED == "niet gestart"


def test_a_lesson_read_is_bezig():
    assert status(lessons=1) == IN_PROGRESS == "bezig"


def test_an_attempt_started_is_bezig():
    assert status(attempts=1) == IN_PROGRESS


def test_a_certificate_valid_until_today_is_geslaagd():
    assert status([Cert(geldig_tot=TODAY)]) == PASSED == "geslaagd"


def test_a_certificate_without_end_date_is_geslaagd():
    assert status([Cert(geldig_tot=None)]) == PASSED


def test_a_certificate_that_ended_yesterday_is_verlopen():
    assert status([Cert(geldig_tot=TODAY - timedelta(days=1))], lessons=2) == EXPIRED == "verlopen"


def test_a_revoked_certificate_does_not_count():
    revoked = Cert(geldig_tot=None, ingetrokken_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert status([revoked], lessons=1) == IN_PROGRESS
    assert status([revoked]) == NOT_STARTED


def test_a_revoked_expired_certificate_is_not_verlopen():
    revoked = Cert(geldig_tot=date(2026, 1, 1), ingetrokken_at=datetime(2025, 6, 1, tzinfo=UTC))
    assert status([revoked]) == NOT_STARTED


def test_a_deadline_yesterday_is_te_laat():
    assert status(deadline=TODAY - timedelta(days=1)) == OVERDUE == "te laat"
    assert status(lessons=2, attempts=1, deadline=TODAY - timedelta(days=1)) == OVERDUE


def test_a_deadline_today_is_still_in_time():
    assert status(deadline=TODAY) == NOT_STARTED
    assert status(lessons=1, deadline=TODAY) == IN_PROGRESS


def test_a_pass_counts_even_after_the_deadline():
    assert status([Cert(geldig_tot=None)], deadline=TODAY - timedelta(days=30)) == PASSED


def test_an_expired_pass_is_verlopen_rather_than_te_laat():
    old = Cert(geldig_tot=TODAY - timedelta(days=1))
    assert status([old], deadline=TODAY - timedelta(days=1)) == EXPIRED


def test_a_new_pass_after_an_expired_one_is_geslaagd():
    old = Cert(geldig_tot=TODAY - timedelta(days=400))
    new = Cert(geldig_tot=TODAY + timedelta(days=300), behaald_op=datetime(2026, 6, 1, tzinfo=UTC))
    assert status([old, new]) == PASSED
    assert services.valid_certificate([old, new], TODAY) is new


def test_expires_soon_within_sixty_days():
    days = services.EXPIRY_WARNING_DAYS
    assert days == 60
    assert expires_soon(Cert(geldig_tot=TODAY), TODAY)
    assert expires_soon(Cert(geldig_tot=TODAY + timedelta(days=days)), TODAY)
    assert not expires_soon(Cert(geldig_tot=TODAY + timedelta(days=days + 1)), TODAY)


def test_no_expiry_hint_for_a_pass_without_end_an_expired_or_a_revoked_one():
    assert not expires_soon(Cert(geldig_tot=None), TODAY)
    assert not expires_soon(Cert(geldig_tot=TODAY - timedelta(days=1)), TODAY)
    revoked = Cert(geldig_tot=TODAY + timedelta(days=5), ingetrokken_at=datetime.now(UTC))
    assert not expires_soon(revoked, TODAY)
    assert not expires_soon(None, TODAY)


def test_counts_name_every_status_also_when_zero():
    counts = services.status_counts([PASSED, PASSED, OVERDUE])
    assert list(counts) == ["niet gestart", "bezig", "geslaagd", "te laat", "verlopen"]
    assert counts == {NOT_STARTED: 0, IN_PROGRESS: 0, PASSED: 2, OVERDUE: 1, EXPIRED: 0}


def test_a_pass_late_in_the_evening_counts_on_the_dutch_date():
    assert localtime.local_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)
    assert localtime.local_date(datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == date(2026, 7, 1)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_csv_cell_that_could_be_a_formula_gets_an_apostrophe(start):
    assert services.neutralise(f"{start}SUM(A1)") == f"'{start}SUM(A1)"


def test_an_ordinary_csv_cell_is_left_alone():
    assert services.neutralise("Jan de Vries") == "Jan de Vries"
    assert services.neutralise("") == ""


# --- Helpers for the pages ---


class _Tables(HTMLParser):
    """Every <table> of a page as {caption: [[cell text, ...], ...]}."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._caption = ""
        self._text: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th"):
            self._text = []
        elif tag == "br" and self._text is not None:
            self._text.append(" ")

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._text is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._caption.strip()] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._text is not None:
            self._text.append(data)


def tables(page: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def section(page: str, heading: str) -> str:
    """The part of the page from this <h3> course heading to the next section."""
    return page.split(heading, 1)[1].split("</section>", 1)[0]


@pytest.fixture
def app(academie_app):
    return academie_app()


@pytest.fixture
def client(app):
    return app.test_client()


def signed_in(app, user):
    client = app.test_client()
    log_in(client, user)
    return client


def give_certificate(db, user, passed: datetime, valid_until: date | None, revoked=False):
    """A passed attempt and its certificate on a chosen date, as if made back then."""
    with db.session() as session:
        attempt = Poging(
            gebruiker_id=user.id,
            quiz_key=course_key(COURSE),
            quiz_version="oudeversie000001",
            state="ingeleverd",
            vragen=[],
            antwoorden={},
            score=2,
            aantal=2,
            geslaagd=True,
            started_at=passed,
            submitted_at=passed,
        )
        session.add(attempt)
        session.flush()
        session.add(
            Certificaat(
                code=new_code(),
                poging_id=attempt.id,
                gebruiker_id=user.id,
                naam=user.display_name,
                cursus=COURSE,
                cursus_titel=COURSE_TITLE,
                quiz_version="oudeversie000001",
                score_procent=100,
                behaald_op=passed,
                geldig_tot=valid_until,
                ingetrokken_at=datetime.now(UTC) if revoked else None,
            )
        )
        session.commit()


def set_deadline(db, team_id, deadline):
    """A deadline the form would refuse (in the past): straight into the database."""
    with db.session() as session:
        session.add(Toewijzing(team_id=team_id, cursus=COURSE, deadline=deadline))
        session.commit()


def assignment(db, team_id) -> Toewijzing | None:
    with db.session() as session:
        return session.scalar(select(Toewijzing).where(Toewijzing.team_id == team_id))


def today() -> date:
    return localtime.today()


def two_years_on() -> date:
    """The last valid day of a pass today: the test course is valid for 24 months.

    Counted from the local date, as the service does: between midnight in Amsterdam and midnight UTC
    the two dates differ."""
    return today() + relativedelta(months=24)


# --- Mijn voortgang ---


def test_mijn_voortgang_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(MINE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen?volgende=/academie/voortgang")


def test_mijn_voortgang_without_any_activity_points_to_the_courses(app, account):
    page = signed_in(app, account("medewerker")).get(MINE).get_data(as_text=True)
    assert "U heeft nog geen cursus gedaan" in page
    assert 'href="/academie/"' in page


def test_the_course_page_links_to_mijn_voortgang_for_a_signed_in_user(app, client, account):
    assert 'href="/academie/voortgang"' not in client.get(COURSE_PAGE).get_data(as_text=True)
    page = signed_in(app, account("medewerker")).get(COURSE_PAGE).get_data(as_text=True)
    assert '<a href="/academie/voortgang">Mijn voortgang</a>' in page


def test_mijn_voortgang_after_reading_a_lesson(app, account):
    client = signed_in(app, account("medewerker"))
    client.get(f"{COURSE_PAGE}/lessen/1")
    page = client.get(MINE).get_data(as_text=True)
    course = section(page, COURSE_TITLE)
    assert "<dt>Lessen gelezen</dt>\n          <dd>1 van 2</dd>" in course
    assert ">bezig</span>" in course
    assert "<dt>Ingeleverde pogingen</dt>\n          <dd>0</dd>" in course
    assert "nog geen" in course and "certificaat" not in course


def test_mijn_voortgang_after_failing_then_passing(app, db, account):
    user = account("medewerker")
    client = signed_in(app, user)
    take_quiz(client, db, COURSE_QUIZ, right=False)
    failed = section(client.get(MINE).get_data(as_text=True), COURSE_TITLE)
    assert ">bezig</span>" in failed
    assert "<dd>1</dd>" in failed and "<dd>0%</dd>" in failed
    assert "Geslaagd op" not in failed

    take_quiz(client, db, COURSE_QUIZ, right=True)
    passed = section(client.get(MINE).get_data(as_text=True), COURSE_TITLE)
    version = load_catalog(FICTIONAL_CONTENT).courses[COURSE].toets.version
    with db.session() as session:
        code = session.scalar(select(Certificaat.code).where(Certificaat.gebruiker_id == user.id))
    assert ">geslaagd</span>" in passed
    assert "<dt>Ingeleverde pogingen</dt>\n          <dd>2</dd>" in passed
    assert "<dt>Beste score</dt>\n          <dd>100%</dd>" in passed
    assert f"<dt>Geslaagd op</dt>\n            <dd>{dutch(today())}</dd>" in passed
    assert f"<dd>{version}</dd>" in passed
    assert dutch(two_years_on()) in passed
    assert f'href="/academie/certificaten/{code}"' in passed
    assert "Verloopt binnenkort" not in passed


def test_a_pass_that_ends_within_sixty_days_says_verloopt_binnenkort(app, db, account):
    user = account("medewerker")
    give_certificate(db, user, datetime(2024, 8, 1, tzinfo=UTC), today() + timedelta(days=10))
    page = section(signed_in(app, user).get(MINE).get_data(as_text=True), COURSE_TITLE)
    assert ">geslaagd</span>" in page and "Verloopt binnenkort" in page
    assert dutch(date(2024, 8, 1)) in page and "oudeversie000001" in page


def test_an_expired_pass_shows_as_verlopen(app, db, account):
    user = account("medewerker")
    give_certificate(db, user, datetime(2023, 1, 10, tzinfo=UTC), date(2025, 1, 10))
    page = section(signed_in(app, user).get(MINE).get_data(as_text=True), COURSE_TITLE)
    assert ">verlopen</span>" in page and "Uw certificaat is verlopen" in page
    assert "Bekijk uw certificaat" not in page


def test_a_revoked_certificate_does_not_show_as_a_pass(app, db, account):
    user = account("medewerker")
    give_certificate(db, user, datetime(2026, 1, 10, tzinfo=UTC), None, revoked=True)
    page = section(signed_in(app, user).get(MINE).get_data(as_text=True), COURSE_TITLE)
    assert ">bezig</span>" in page and "Geslaagd op" not in page


def test_a_ziektebeeld_quiz_shows_tries_and_best_score_without_pass_or_fail(app, db, account):
    client = signed_in(app, account("mantelzorger"))
    take_quiz(client, db, ZIEKTE_QUIZ, right=False, token_page=ZIEKTE_QUIZ)
    take_quiz(client, db, ZIEKTE_QUIZ, right=True, token_page=ZIEKTE_QUIZ)
    page = client.get(MINE).get_data(as_text=True)
    rows = tables(page)["Toetsen die u met uw account maakte"]
    assert rows == [
        ["Toets", "Keer gemaakt", "Beste score"],
        ["Verzonnen ziektetoets", "2", "100%"],
    ]
    quizzes = page.split("Toetsen over ziektebeelden", 1)[1]
    assert "geslaagd" not in quizzes and "niet gestart" not in quizzes


def test_a_course_assigned_to_my_team_shows_with_its_deadline_before_i_start(app, db, account):
    organisation = new_organisation(db)
    team = new_team(db, organisation.id)
    user = account("medewerker", organisatie_id=organisation.id, team_id=team.id)
    deadline = today() + timedelta(days=30)
    with db.session() as session:
        session.add(Toewijzing(team_id=team.id, cursus=COURSE, deadline=deadline))
        session.commit()
    page = section(signed_in(app, user).get(MINE).get_data(as_text=True), COURSE_TITLE)
    assert ">niet gestart</span>" in page
    assert f"<dt>Deadline</dt>\n            <dd>{dutch(deadline)}</dd>" in page
    assert "<dd>0 van 2</dd>" in page


def test_a_deadline_that_passed_shows_te_laat_in_mijn_voortgang(app, db, account):
    organisation = new_organisation(db)
    team = new_team(db, organisation.id)
    user = account("medewerker", organisatie_id=organisation.id, team_id=team.id)
    set_deadline(db, team.id, today() - timedelta(days=1))
    client = signed_in(app, user)
    client.get(f"{COURSE_PAGE}/lessen/1")
    page = section(client.get(MINE).get_data(as_text=True), COURSE_TITLE)
    assert ">te laat</span>" in page and "De deadline is voorbij" in page


# --- Teams: the organisation set-up shared by the tests below ---


@dataclass
class Org:
    organisation: object
    team: object
    teamleider: Gebruiker


@pytest.fixture
def org_a(db, account):
    organisation = new_organisation(db)
    team = new_team(db, organisation.id, "Team Noord")
    leader = account("teamleider", organisatie_id=organisation.id, display_name="Leider A")
    return Org(organisation, team, leader)


@pytest.fixture
def org_b(db, account):
    organisation = new_organisation(db)
    team = new_team(db, organisation.id, "Team Zuid")
    leader = account("teamleider", organisatie_id=organisation.id, display_name="Leider B")
    return Org(organisation, team, leader)


def team_page(org) -> str:
    return f"/academie/teams/{org.team.id}"


def post(client, path, token_page, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, token_page), **data})


def assign(client, org, deadline="", cursus=COURSE):
    return post(
        client,
        f"{team_page(org)}/toewijzingen",
        team_page(org),
        cursus=cursus,
        deadline=deadline,
    )


def test_the_teams_list_shows_a_teamleider_only_their_organisations_teams(app, org_a, org_b):
    page = signed_in(app, org_a.teamleider).get("/academie/teams").get_data(as_text=True)
    assert f'href="/academie/teams/{org_a.team.id}">Team Noord</a>' in page
    assert f"/academie/teams/{org_b.team.id}" not in page


def test_a_beheerder_sees_every_team(app, org_a, org_b, account):
    client = signed_in(app, account("beheerder"))
    page = client.get("/academie/teams").get_data(as_text=True)
    assert f"/academie/teams/{org_a.team.id}" in page and f"/academie/teams/{org_b.team.id}" in page
    assert client.get(team_page(org_b)).status_code == 200


def test_assigning_a_course_with_a_deadline(app, db, org_a):
    client = signed_in(app, org_a.teamleider)
    deadline = today() + timedelta(days=14)
    response = assign(client, org_a, deadline.isoformat())
    assert response.status_code == 303
    assert response.headers["Location"] == team_page(org_a)
    stored = assignment(db, org_a.team.id)
    assert stored.deadline == deadline and stored.toegewezen_door_id == org_a.teamleider.id
    page = client.get(team_page(org_a)).get_data(as_text=True)
    assert "is toegewezen aan dit team" in page
    counts = tables(page)["Aantal teamleden per status"]
    assert counts[1][:2] == [COURSE_TITLE, dutch(deadline)]


def test_a_deadline_typed_the_dutch_way_is_understood(app, db, org_a):
    client = signed_in(app, org_a.teamleider)
    deadline = today() + timedelta(days=3)
    assert assign(client, org_a, deadline.strftime("%d-%m-%Y")).status_code == 303
    assert assignment(db, org_a.team.id).deadline == deadline


def test_assigning_an_assigned_course_again_changes_its_deadline(app, db, org_a):
    client = signed_in(app, org_a.teamleider)
    assign(client, org_a, (today() + timedelta(days=14)).isoformat())
    later = today() + timedelta(days=60)
    response = assign(client, org_a, later.isoformat())
    assert response.status_code == 303
    with db.session() as session:
        rows = session.scalars(select(Toewijzing).where(Toewijzing.team_id == org_a.team.id))
        assert [row.deadline for row in rows] == [later]
    page = client.get(team_page(org_a)).get_data(as_text=True)
    assert f"is nu {dutch(later)}" in page
    assign(client, org_a, "")
    assert assignment(db, org_a.team.id).deadline is None


def test_a_deadline_today_is_accepted(app, db, org_a):
    client = signed_in(app, org_a.teamleider)
    assert assign(client, org_a, today().isoformat()).status_code == 303
    assert assignment(db, org_a.team.id).deadline == today()


def test_a_deadline_in_the_past_is_refused_and_kept(app, db, org_a):
    client = signed_in(app, org_a.teamleider)
    yesterday = (today() - timedelta(days=1)).isoformat()
    response = assign(client, org_a, yesterday)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Deze datum is al voorbij" in page
    assert f'value="{yesterday}"' in page and 'aria-invalid="true"' in page
    assert re.search(rf'<option selected value="{COURSE}">|value="{COURSE}" selected', page)
    assert assignment(db, org_a.team.id) is None


def test_a_deadline_that_is_no_date_is_refused_and_kept(app, db, org_a):
    client = signed_in(app, org_a.teamleider)
    response = assign(client, org_a, "31-02-2027")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Dit is geen datum" in page and 'value="31-02-2027"' in page
    assert assignment(db, org_a.team.id) is None


def test_assigning_without_choosing_a_course_is_refused(app, db, org_a):
    response = assign(signed_in(app, org_a.teamleider), org_a, cursus="")
    assert response.status_code == 400
    assert "Kies een cursus." in response.get_data(as_text=True)
    assert assignment(db, org_a.team.id) is None


def test_assigning_an_unknown_course_is_refused(app, db, org_a):
    response = assign(signed_in(app, org_a.teamleider), org_a, cursus="bestaat-niet")
    assert response.status_code == 400
    assert "Deze cursus kennen wij niet" in response.get_data(as_text=True)
    assert assignment(db, org_a.team.id) is None


def test_a_form_without_csrf_token_is_refused(app, db, org_a):
    client = signed_in(app, org_a.teamleider)
    response = client.post(f"{team_page(org_a)}/toewijzingen", data={"cursus": COURSE})
    assert response.status_code == 400
    assert assignment(db, org_a.team.id) is None


def test_withdrawing_an_assignment(app, db, org_a):
    client = signed_in(app, org_a.teamleider)
    assign(client, org_a)
    path = f"{team_page(org_a)}/toewijzingen/{COURSE}/intrekken"
    response = post(client, path, team_page(org_a))
    assert response.status_code == 303
    assert assignment(db, org_a.team.id) is None
    page = client.get(team_page(org_a)).get_data(as_text=True)
    assert "is niet meer toegewezen" in page and "Dit team heeft nog geen cursussen" in page
    # A second click finds nothing left to withdraw and says so.
    again = post(client, path, team_page(org_a))
    assert again.status_code == 303
    assert "was al niet meer toegewezen" in client.get(team_page(org_a)).get_data(as_text=True)


def team_with_everyone(db, account, org):
    """Four members: one passed, one with an expired pass, one who read a lesson, one idle."""
    people = {
        name: account(
            "medewerker", organisatie_id=org.organisation.id, team_id=org.team.id, display_name=name
        )
        for name in ("Anna Geslaagd", "Bram Verlopen", "Cor Bezig", "Dirk Niets")
    }
    give_certificate(
        db, people["Bram Verlopen"], datetime(2023, 3, 1, tzinfo=UTC), date(2025, 3, 1)
    )
    return people


def test_the_matrix_and_the_counts(app, db, account, org_a):
    people = team_with_everyone(db, account, org_a)
    take_quiz(signed_in(app, people["Anna Geslaagd"]), db, COURSE_QUIZ, right=True)
    signed_in(app, people["Cor Bezig"]).get(f"{COURSE_PAGE}/lessen/1")
    client = signed_in(app, org_a.teamleider)
    assign(client, org_a)
    found = tables(client.get(team_page(org_a)).get_data(as_text=True))
    assert found["Aantal teamleden per status"] == [
        ["Cursus", "Deadline", "niet gestart", "bezig", "geslaagd", "te laat", "verlopen"],
        [COURSE_TITLE, "geen", "1", "1", "1", "0", "1"],
    ]
    assert found["Status per teamlid en cursus"] == [
        ["Teamlid", COURSE_TITLE],
        ["Anna Geslaagd", f"geslaagd op {dutch(today())}"],
        ["Bram Verlopen", f"verlopen sinds {dutch(date(2025, 3, 1))}"],
        ["Cor Bezig", "bezig"],
        ["Dirk Niets", "niet gestart"],
    ]


def test_after_the_deadline_who_has_not_passed_is_te_laat(app, db, account, org_a):
    people = team_with_everyone(db, account, org_a)
    take_quiz(signed_in(app, people["Anna Geslaagd"]), db, COURSE_QUIZ, right=True)
    signed_in(app, people["Cor Bezig"]).get(f"{COURSE_PAGE}/lessen/1")
    set_deadline(db, org_a.team.id, today() - timedelta(days=1))
    page = signed_in(app, org_a.teamleider).get(team_page(org_a)).get_data(as_text=True)
    counts = tables(page)["Aantal teamleden per status"][1]
    assert counts[2:] == ["0", "0", "1", "2", "1"]


def test_the_team_page_works_without_javascript_and_prints(app, org_a):
    page = signed_in(app, org_a.teamleider).get(team_page(org_a)).get_data(as_text=True)
    assert "<script" not in page and "style=" not in page
    assert f'<form method="post" action="{team_page(org_a)}/toewijzingen"' in page
    assert 'class="niet-printen"' in page


# --- The CSV ---


def test_the_csv_has_a_row_per_member_and_course_for_dutch_excel(app, db, account, org_a):
    people = team_with_everyone(db, account, org_a)
    account(
        "medewerker",
        organisatie_id=org_a.organisation.id,
        team_id=org_a.team.id,
        display_name="=SUM(A1)",
    )
    take_quiz(signed_in(app, people["Anna Geslaagd"]), db, COURSE_QUIZ, right=True)
    client = signed_in(app, org_a.teamleider)
    deadline = today() + timedelta(days=20)
    assign(client, org_a, deadline.isoformat())
    response = client.get(f"{team_page(org_a)}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Content-Disposition"].endswith('.csv"')
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "naam",
        "e-mail",
        "team",
        "cursus",
        "status",
        "behaald op",
        "score",
        "cursusversie",
        "geldig tot",
        "deadline",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert len(rows) == 1 + 5 and len(by_name) == 5
    assert "=SUM(A1)" not in by_name and by_name["'=SUM(A1)"][4] == "niet gestart"
    anna = by_name["Anna Geslaagd"]
    version = load_catalog(FICTIONAL_CONTENT).courses[COURSE].toets.version
    assert anna[1] == people["Anna Geslaagd"].email
    assert anna[2:5] == ["Team Noord", COURSE_TITLE, "geslaagd"]
    assert anna[5:8] == [today().isoformat(), "100%", version]
    assert anna[8] == two_years_on().isoformat()
    assert anna[9] == deadline.isoformat()
    assert by_name["Bram Verlopen"][4:9] == [
        "verlopen",
        "2023-03-01",
        "100%",
        "oudeversie000001",
        "2025-03-01",
    ]
    assert by_name["Cor Bezig"][4:] == ["niet gestart", "", "", "", "", deadline.isoformat()]


# --- Members ---


def test_a_teamleider_adds_a_colleague_without_team_and_removes_a_member(app, db, account, org_a):
    colleague = account(
        "medewerker", organisatie_id=org_a.organisation.id, display_name="Els Nieuw"
    )
    client = signed_in(app, org_a.teamleider)
    page = client.get(team_page(org_a)).get_data(as_text=True)
    assert f'<option value="{colleague.id}">Els Nieuw ({colleague.email})</option>' in page
    response = post(client, f"{team_page(org_a)}/leden", team_page(org_a), gebruiker=colleague.id)
    assert response.status_code == 303
    with db.session() as session:
        assert session.get(Gebruiker, colleague.id).team_id == org_a.team.id
    assert "Haal Els Nieuw uit het team" in client.get(team_page(org_a)).get_data(as_text=True)

    path = f"{team_page(org_a)}/leden/{colleague.id}/verwijderen"
    assert post(client, path, team_page(org_a)).status_code == 303
    with db.session() as session:
        person = session.get(Gebruiker, colleague.id)
        assert person.team_id is None and person.organisatie_id == org_a.organisation.id
    assert post(client, path, team_page(org_a)).status_code == 303  # a second click: no error


def test_someone_in_another_team_cannot_be_added(app, db, account, org_a):
    other = new_team(db, org_a.organisation.id)
    busy = account(
        "medewerker",
        organisatie_id=org_a.organisation.id,
        team_id=other.id,
        display_name="Fien Bezet",
    )
    client = signed_in(app, org_a.teamleider)
    response = post(client, f"{team_page(org_a)}/leden", team_page(org_a), gebruiker=busy.id)
    assert response.status_code == 409
    assert "Fien Bezet zit al in een ander team" in response.get_data(as_text=True)
    with db.session() as session:
        assert session.get(Gebruiker, busy.id).team_id == other.id


def test_only_medewerkers_can_be_added(app, db, account, org_a):
    leader = account("teamleider", organisatie_id=org_a.organisation.id)
    client = signed_in(app, org_a.teamleider)
    response = post(client, f"{team_page(org_a)}/leden", team_page(org_a), gebruiker=leader.id)
    assert response.status_code == 400
    assert "alleen medewerkers" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["", "geen-getal"])
def test_adding_without_a_person_is_refused(app, org_a, value):
    client = signed_in(app, org_a.teamleider)
    response = post(client, f"{team_page(org_a)}/leden", team_page(org_a), gebruiker=value)
    assert response.status_code == 400
    assert "Kies een medewerker" in response.get_data(as_text=True)


def test_a_person_of_another_organisation_cannot_be_added(app, db, account, org_a, org_b):
    stranger = account("medewerker", organisatie_id=org_b.organisation.id)
    client = signed_in(app, org_a.teamleider)
    assert f'value="{stranger.id}"' not in client.get(team_page(org_a)).get_data(as_text=True)
    response = post(client, f"{team_page(org_a)}/leden", team_page(org_a), gebruiker=stranger.id)
    assert response.status_code == 404
    path = f"{team_page(org_a)}/leden/{stranger.id}/verwijderen"
    assert post(client, path, team_page(org_a)).status_code == 404
    with db.session() as session:
        assert session.get(Gebruiker, stranger.id).team_id is None


# --- Access ---


def test_a_teamleider_of_another_organisation_finds_nothing(app, db, account, org_a, org_b):
    member = account("medewerker", organisatie_id=org_a.organisation.id, team_id=org_a.team.id)
    colleague_b = account("medewerker", organisatie_id=org_b.organisation.id)
    client = signed_in(app, org_b.teamleider)
    token_page = team_page(org_b)
    assert client.get(team_page(org_a)).status_code == 404
    assert client.get(f"{team_page(org_a)}/export.csv").status_code == 404
    response = post(client, f"{team_page(org_a)}/toewijzingen", token_page, cursus=COURSE)
    assert response.status_code == 404
    response = post(client, f"{team_page(org_a)}/leden", token_page, gebruiker=colleague_b.id)
    assert response.status_code == 404
    path = f"{team_page(org_a)}/leden/{member.id}/verwijderen"
    assert post(client, path, token_page).status_code == 404
    path = f"{team_page(org_a)}/toewijzingen/{COURSE}/intrekken"
    assert post(client, path, token_page).status_code == 404
    assert assignment(db, org_a.team.id) is None
    with db.session() as session:
        assert session.get(Gebruiker, colleague_b.id).team_id is None
        assert session.get(Gebruiker, member.id).team_id == org_a.team.id


def test_a_team_that_does_not_exist_is_not_found(app, org_a):
    assert signed_in(app, org_a.teamleider).get("/academie/teams/999999").status_code == 404


@pytest.mark.parametrize("role", ["medewerker", "mantelzorger", "organisator"])
def test_other_roles_may_not_see_team_reports(app, db, account, org_a, role):
    user = account(role, organisatie_id=org_a.organisation.id)
    client = signed_in(app, user)
    assert client.get("/academie/teams").status_code == 403
    assert client.get(team_page(org_a)).status_code == 403
    assert client.get(f"{team_page(org_a)}/export.csv").status_code == 403
    response = post(client, f"{team_page(org_a)}/toewijzingen", MINE, cursus=COURSE)
    assert response.status_code == 403
    assert assignment(db, org_a.team.id) is None


@pytest.mark.parametrize("suffix", ["", "/{id}", "/{id}/export.csv"])
def test_team_pages_send_an_anonymous_visitor_to_the_login_page(client, org_a, suffix):
    response = client.get("/academie/teams" + suffix.format(id=org_a.team.id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen?volgende=/academie/teams")


def test_assigning_at_the_same_moment_from_five_tabs_gives_one_assignment(db, org_a):
    catalog = load_catalog(FICTIONAL_CONTENT)
    deadline = today() + timedelta(days=10)

    def assign_once():
        with db.session() as session:
            viewer = session.get(Gebruiker, org_a.teamleider.id)
            return services.assign_course(
                session, viewer, org_a.team.id, COURSE, deadline, catalog, today()
            )

    results, errors = run_together(5, assign_once)
    assert errors == []
    assert sorted(results) == [False] * 4 + [True]
    with db.session() as session:
        rows = session.scalars(select(Toewijzing).where(Toewijzing.team_id == org_a.team.id))
        assert [row.deadline for row in rows] == [deadline]
