"""Schemathesis against /api/openapi.json, in process: every operation, generated parameters.

No generated request may give a server error, and every response must be one the document
describes (status code, content type, JSON schema). Each request is sent twice: without a
session and with the session of a fictional teamleider who has a team and a finished attempt,
so the operations behind a login are fuzzed past their 401 too.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from quiz_service.api.openapi import PATHS
from quiz_service.api.views import MESSAGES
from quiz_service.models import Toewijzing
from site_builder import search
from tests.academie import log_in, new_organisation, new_team, take_quiz
from tests.bijeenkomsten import app_config
from tests.test_quizzes import COURSE
from tests.test_zoeken import fictional_docs

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_app(academie_app, tmp_path):
    index_dir = tmp_path / "zoekindex"
    search.build(index_dir / "portaal", fictional_docs(tmp_path), {})
    return academie_app(**app_config(tmp_path), ZOEKINDEX_DIR=str(index_dir))


@pytest.fixture
def session_cookie(api_app, db, account):
    """The session cookie of a fictional teamleider with a team, a member and a passed quiz."""
    organisation = new_organisation(db)
    team = new_team(db, organisation.id)
    account("medewerker", organisatie_id=organisation.id, team_id=team.id)
    with db.session() as session:
        session.add(Toewijzing(team_id=team.id, cursus=COURSE))
        session.commit()
    client = api_app.test_client()
    log_in(client, account("teamleider", organisatie_id=organisation.id, team_id=team.id))
    take_quiz(client, db, f"/academie/cursussen/{COURSE}/toets", right=True)
    cookie = {"session": client.get_cookie("session").value}
    # The fuzzing below must really get past the login: a fresh client with only this cookie.
    fresh = api_app.test_client()
    fresh.set_cookie("session", cookie["session"])
    assert fresh.get("/api/v1/pogingen").get_json()[0]["status"] == "ingeleverd"
    return cookie


# Every operation of the document, as a test of its own (method and path in the test id).
OPERATIONS = [(method.upper(), path) for path, item in PATHS.items() for method in item]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_answers_as_documented_and_never_with_a_server_error(
    api_app, session_cookie, method, path
):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", api_app)
    (operation,) = [
        result.ok()
        for result in schema.get_all_operations()
        if (result.ok().method.upper(), result.ok().path) == (method, path)
    ]
    # Valid and invalid parameters alike (a word for an integer id, a missing one, ...).
    cases = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
        GenerationMode.NEGATIVE
    )

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def check(case):
        case.call_and_validate(checks=CHECKS)
        case.call_and_validate(checks=CHECKS, cookies=session_cookie)

    check()


# --- What schemathesis found (regressions) ---


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/pogingen/%C3%A7",  # no integer: no route matches, so the portal's HTML 404 came
        "/api/v1/teams/true/voortgang",
        "/api/v1/bestaat-niet",
    ],
)
def test_a_path_that_matches_no_api_route_is_a_json_404(api_app, url):
    response = api_app.test_client().get(url)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json() == {"fout": MESSAGES[404], "status": 404}


@pytest.mark.parametrize(
    "url", ["/api/v1/pogingen/{big}", "/api/v1/teams/{big}/voortgang"], ids=["poging", "team"]
)
def test_an_id_too_large_for_the_database_is_not_found(api_app, session_cookie, url):
    # It was an OverflowError from the SQLite driver: a 500.
    client = api_app.test_client()
    client.set_cookie("session", session_cookie["session"])
    response = client.get(url.format(big=10**30))
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_a_wrong_method_on_an_api_route_is_a_json_405(api_app):
    response = api_app.test_client().post("/api/v1/cursussen")
    assert response.status_code == 405
    assert response.get_json()["status"] == 405
