"""The JSON API: its OpenAPI document is valid and true, and it keeps the pages' access rules."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_openapi

from quiz_service.catalog import load_catalog
from quiz_service.models import Toewijzing
from tests.academie import FICTIONAL_CONTENT, log_in, new_organisation, new_team, take_quiz
from tests.test_quizzes import COURSE, answers_for, start, start_course, stored, submit

ZIEKTE = "verzonnen-ziekte"


@pytest.fixture
def app(academie_app):
    return academie_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def spec(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _template(rule: str) -> str:
    """Flask's '/a/<int:b>' as OpenAPI's '/a/{b}'."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def matches(spec, path_template, response, method="get"):
    """Assert that the response is one the document describes, and return its JSON."""
    responses = spec["paths"][path_template][method]["responses"]
    status = str(response.status_code)
    assert status in responses, f"{path_template}: status {status} staat niet in het document"
    schema = responses[status]["content"]["application/json"]["schema"]
    # The response schemas refer to '#/components/...': give them the document's components.
    validator = Draft202012Validator(
        {**schema, "components": spec["components"]}, format_checker=FormatChecker()
    )
    body = response.get_json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], errors
    return body


def test_the_document_is_valid_openapi(spec):
    validate_openapi(spec)


def test_the_document_lists_exactly_the_routes_of_the_api(app, spec):
    rules = {
        _template(rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document"
    }
    assert rules == set(spec["paths"])


def test_courses_are_listed_without_questions(client, spec):
    courses = matches(spec, "/api/v1/cursussen", client.get("/api/v1/cursussen"))
    assert [c["slug"] for c in courses] == [COURSE]
    assert courses[0]["lessen"][0]["url"] == f"/cursussen/{COURSE}/les-1/"
    one = matches(spec, "/api/v1/cursussen/{slug}", client.get(f"/api/v1/cursussen/{COURSE}"))
    assert one == courses[0]
    assert "juist" not in client.get("/api/v1/cursussen").get_data(as_text=True)


def test_an_unknown_course_is_a_json_404_in_dutch(client, spec):
    response = client.get("/api/v1/cursussen/bestaat-niet")
    assert response.status_code == 404
    assert "bestaat niet" in matches(spec, "/api/v1/cursussen/{slug}", response)["fout"]


def test_ziektebeeld_quizzes_are_listed(client, spec):
    quizzes = matches(spec, "/api/v1/toetsen", client.get("/api/v1/toetsen"))
    assert [q["slug"] for q in quizzes] == [ZIEKTE]
    assert quizzes[0]["pagina"] == f"/ziektebeelden/{ZIEKTE}/"


def test_my_attempts_need_a_session_and_never_redirect(client, spec):
    response = client.get("/api/v1/pogingen")
    assert response.status_code == 401
    assert "niet ingelogd" in matches(spec, "/api/v1/pogingen", response)["fout"]


def test_an_open_attempt_has_no_answer_key_and_a_submitted_one_has(client, db, account, spec):
    log_in(client, account("medewerker"))
    attempt_id = start_course(client)
    path = "/api/v1/pogingen/{poging_id}"
    response = client.get(f"/api/v1/pogingen/{attempt_id}")
    open_attempt = matches(spec, path, response)
    assert open_attempt["status"] == "bezig"
    assert "juist" not in response.get_data(as_text=True)
    assert "uitleg" not in response.get_data(as_text=True)

    submit(client, attempt_id, answers_for(stored(db, attempt_id), right=True))
    done = matches(spec, path, client.get(f"/api/v1/pogingen/{attempt_id}"))
    assert done["status"] == "ingeleverd" and done["score_procent"] == 100
    assert all("juist" in o and "uitleg" in o for q in done["vragen"] for o in q["opties"])

    mine = matches(spec, "/api/v1/pogingen", client.get("/api/v1/pogingen"))
    assert [a["id"] for a in mine] == [attempt_id]


def test_an_anonymous_attempt_is_only_visible_in_its_own_session(app, client, spec):
    attempt_id = start(client)
    path = "/api/v1/pogingen/{poging_id}"
    assert matches(spec, path, client.get(f"/api/v1/pogingen/{attempt_id}"))["id"] == attempt_id
    stranger = app.test_client().get(f"/api/v1/pogingen/{attempt_id}")
    assert stranger.status_code == 404
    matches(spec, path, stranger)


def test_another_persons_attempt_is_not_found(academie_app, client, account, spec):
    log_in(client, account("medewerker"))
    attempt_id = start_course(client)
    other = academie_app().test_client()
    log_in(other, account("medewerker"))
    response = other.get(f"/api/v1/pogingen/{attempt_id}")
    assert response.status_code == 404
    matches(spec, "/api/v1/pogingen/{poging_id}", response)
    assert other.get("/api/v1/pogingen").get_json() == []


# --- Progress ---


COURSE_START = f"/academie/cursussen/{COURSE}/toets"


def test_my_progress_shows_the_pass_with_its_course_version(client, db, account, spec):
    assert client.get("/api/v1/voortgang").status_code == 401
    log_in(client, account("medewerker"))
    take_quiz(client, db, COURSE_START, right=True)
    progress = matches(spec, "/api/v1/voortgang", client.get("/api/v1/voortgang"))
    (course,) = progress["cursussen"]
    assert course["status"] == "geslaagd" and course["pogingen"] == 1
    assert course["geslaagd"]["cursusversie"] == stored_version()
    assert course["geslaagd"]["score_procent"] == 100


def stored_version() -> str:
    return load_catalog(FICTIONAL_CONTENT).courses[COURSE].toets.version


def test_team_progress_only_for_the_teamleider_of_that_organisation(
    academie_app, db, account, spec
):
    organisation, other = new_organisation(db), new_organisation(db)
    team = new_team(db, organisation.id)
    member = account("medewerker", organisatie_id=organisation.id, team_id=team.id)
    with db.session() as session:
        session.add(Toewijzing(team_id=team.id, cursus=COURSE))
        session.commit()
    path = "/api/v1/teams/{team_id}/voortgang"
    url = f"/api/v1/teams/{team.id}/voortgang"

    def as_(user):
        client = academie_app().test_client()
        if user is not None:
            log_in(client, user)
        return client.get(url)

    report = matches(spec, path, as_(account("teamleider", organisatie_id=organisation.id)))
    assert [m["id"] for m in report["leden"]] == [member.id]
    assert report["aantallen"][COURSE]["niet gestart"] == 1
    assert report["leden"][0]["cursussen"][0]["status"] == "niet gestart"
    assert matches(spec, path, as_(account("teamleider", organisatie_id=other.id)))["status"] == 404
    assert matches(spec, path, as_(member))["status"] == 403
    assert matches(spec, path, as_(None))["status"] == 401
    assert as_(account("beheerder")).status_code == 200
