"""How long a login lasts (ASVS 5.0 V7.3.1, V7.3.2; SECURITY.md item 13): 30 minutes without a
request ends it, and so do 12 hours after the login however busy the person is.

Time is injected: the app reads the moment from its CLOCK, which each test moves on. No test
sleeps.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quiz_service.auth import lifetime
from tests.academie import log_in, new_account, signed_in


class Clock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock(datetime.now(UTC))


@pytest.fixture
def app(academie_app, clock):
    return academie_app(CLOCK=clock)


def logged_in(app, db, role="mantelzorger"):
    client = app.test_client()
    log_in(client, new_account(db, role))
    return client


def opens(client, path="/mijn-gegevens/") -> bool:
    return client.get(path).status_code == 200


IDLE_MESSAGE = "U bent uitgelogd omdat u 30 minuten niets heeft gedaan."
TOO_LONG_MESSAGE = "U bent uitgelogd omdat u al 12 uur was ingelogd."


def test_thirty_minutes_without_a_request_end_the_session_with_a_dutch_message(app, db, clock):
    client = logged_in(app, db)
    clock.advance(minutes=29, seconds=59)
    assert opens(client)
    clock.advance(minutes=30)
    response = client.get("/mijn-gegevens/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen?volgende=/mijn-gegevens/"
    assert IDLE_MESSAGE in client.get("/inloggen").get_data(as_text=True)
    with client.session_transaction() as cookie:
        assert "uid" not in cookie
    clock.advance(minutes=1)
    assert not opens(client), "het blijft uitgelogd"


def test_each_request_starts_the_idle_time_again(app, db, clock):
    client = logged_in(app, db)
    for _ in range(5):
        clock.advance(minutes=25)
        assert opens(client)


def test_twelve_hours_after_the_login_the_session_ends_however_busy(app, db, clock):
    client = logged_in(app, db, "teamleider")  # a login with the second step
    for _ in range(12 * 60 // 20 - 1):
        clock.advance(minutes=20)
        assert opens(client)
    clock.advance(minutes=19)  # 11 h 59 min after the login
    assert opens(client)
    clock.advance(minutes=1)
    assert not opens(client)
    assert TOO_LONG_MESSAGE in client.get("/inloggen").get_data(as_text=True)


def test_the_message_also_shows_on_a_page_anyone_may_open(app, db, clock):
    client = logged_in(app, db)
    clock.advance(minutes=31)
    page = client.get("/academie/").get_data(as_text=True)
    assert IDLE_MESSAGE in page
    assert "Ingelogd als" not in page


def test_the_api_answers_an_ended_session_with_a_json_401(app, db, clock):
    client = logged_in(app, db)
    assert client.get("/api/v1/voortgang").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/api/v1/voortgang")
    assert response.status_code == 401
    assert response.is_json and response.get_json()["status"] == 401


def test_the_settings_set_the_limits(academie_app, db, clock):
    app = academie_app(CLOCK=clock, SESSION_IDLE_MINUTES=5, SESSION_MAX_HOURS=1)
    client = logged_in(app, db)
    clock.advance(minutes=6)
    assert not opens(client)
    assert "5 minuten" in client.get("/inloggen").get_data(as_text=True)
    busy = logged_in(app, db)
    for _ in range(14):
        clock.advance(minutes=4)
        assert opens(busy)
    clock.advance(minutes=4)
    assert not opens(busy)  # 60 minutes: the hour is over


def test_a_cookie_without_a_login_time_is_no_session(app, db):
    user = new_account(db)
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["uid"], cookie["epoch"] = user.id, 0
    assert not opens(client)


def test_a_session_from_the_helper_obeys_the_same_limits(app, db, clock):
    client = signed_in(app, db, new_account(db), at=clock.moment - timedelta(hours=12))
    assert not opens(client)


@pytest.mark.parametrize(
    ("since_login", "since_seen", "reason"),
    [
        (timedelta(minutes=10), timedelta(minutes=10), None),
        (timedelta(hours=2), timedelta(minutes=29, seconds=59), None),
        (timedelta(hours=2), timedelta(minutes=30), lifetime.IDLE),
        (timedelta(hours=12), timedelta(minutes=1), lifetime.TOO_LONG),
        (timedelta(hours=11, minutes=59, seconds=59), timedelta(0), None),
    ],
)
def test_the_rule_at_its_edges(since_login, since_seen, reason):
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    session = {
        lifetime.LOGIN_AT: int((now - since_login).timestamp()),
        lifetime.SEEN_AT: int((now - since_seen).timestamp()),
    }
    assert lifetime.expired(session, now, lifetime.Limits(30, 12)) == reason
