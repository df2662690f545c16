"""Simultaneous sign-ups never overbook, and a cancellation promotes exactly one person.

Each sign-up runs in its own thread with its own session, so its own database connection;
a barrier releases them at the same moment. Run on SQLite and, in CI, on PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections import Counter
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from quiz_service.bijeenkomsten import signups
from quiz_service.db import make_engine
from quiz_service.models import Aanmelding, Bijeenkomst, Gebruiker, Mail
from tests.academie import PASSWORD_HASH, new_organisation, run_together
from tests.bijeenkomsten import LINKS, new_meeting

RUNS = 5


def _people(db, count: int) -> list[Gebruiker]:
    with db.session() as session:
        people = [
            Gebruiker(
                email=f"gelijk-{uuid.uuid4().hex[:12]}@verzonnen.example",
                password_hash=PASSWORD_HASH,
                role="mantelzorger",
                display_name="Verzonnen Deelnemer",
            )
            for _ in range(count)
        ]
        session.add_all(people)
        session.commit()
        return people


def _statuses(db, meeting_id: int) -> Counter:
    with db.session() as session:
        return Counter(
            session.scalars(
                select(Aanmelding.status).where(Aanmelding.bijeenkomst_id == meeting_id)
            )
        )


def _bezet(db, meeting_id: int) -> int:
    with db.session() as session:
        return session.scalar(select(Bijeenkomst.bezet).where(Bijeenkomst.id == meeting_id))


@contextmanager
def connections(db, count: int):
    """A session factory with a connection for each of `count` threads: the shared engine's
    pool has a handful, and threads waiting for one would not really run at the same time."""
    engine = make_engine(db.url, pool_size=count, max_overflow=0)
    try:
        yield sessionmaker(engine, expire_on_commit=False)
    finally:
        engine.dispose()


def _sign_up_all_at_once(db, meeting_id: int, people: list[Gebruiker]):
    queue = list(people)
    with connections(db, len(people)) as new_session:

        def one():
            person = queue.pop()
            with new_session() as session:
                return signups.sign_up_with_account(
                    session, person, meeting_id, LINKS, datetime.now(UTC)
                ).status

        return run_together(len(people), one)


@pytest.fixture(scope="module")
def org(db):
    return new_organisation(db)


@pytest.mark.parametrize(("people", "places"), [(40, 10), (200, 20)])
def test_simultaneous_sign_ups_fill_exactly_the_places_and_queue_the_rest(db, org, people, places):
    _fill_at_once(db, org, people, places)


def test_without_the_in_process_queue_the_database_alone_still_never_overbooks(
    db, org, monkeypatch
):
    """On SQLite, writers of one process queue on db.write_lock; writers of several processes
    do not. Without that queue the conditional update alone must still give exactly 10."""
    monkeypatch.setattr(signups, "write_lock", lambda _session: nullcontext())
    _fill_at_once(db, org, 40, 10)


def _fill_at_once(db, org, people: int, places: int) -> None:
    for run in range(RUNS):
        meeting = new_meeting(db, org.id, capaciteit=places)
        results, errors = _sign_up_all_at_once(db, meeting.id, _people(db, people))
        assert errors == [], f"run {run + 1}: {errors[:3]}"
        assert Counter(results) == {"bevestigd": places, "wachtlijst": people - places}
        assert _statuses(db, meeting.id) == {"bevestigd": places, "wachtlijst": people - places}
        assert _bezet(db, meeting.id) == places


def test_simultaneous_confirmations_by_mail_fill_exactly_the_places(db, org):
    meeting = new_meeting(db, org.id, capaciteit=10)
    with db.session() as session:
        pending = [
            Aanmelding(
                bijeenkomst_id=meeting.id,
                naam="Verzonnen Deelnemer",
                email=f"link-{i}@verzonnen.example",
                status="onbevestigd",
                sleutel=uuid.uuid4().hex,
            )
            for i in range(40)
        ]
        session.add_all(pending)
        session.commit()
    queue = [signup.id for signup in pending]

    with connections(db, 40) as new_session:

        def one():
            with new_session() as session:
                return signups.confirm(session, queue.pop(), LINKS, datetime.now(UTC)).status

        results, errors = run_together(40, one)
    assert errors == []
    assert Counter(results) == {"bevestigd": 10, "wachtlijst": 30}
    assert _bezet(db, meeting.id) == 10


def test_the_same_person_signing_up_ten_times_at_once_gets_one_place(db, org):
    meeting = new_meeting(db, org.id, capaciteit=10)
    (person,) = _people(db, 1)

    with connections(db, 10) as new_session:

        def one():
            with new_session() as session:
                return signups.sign_up_with_account(
                    session, person, meeting.id, LINKS, datetime.now(UTC)
                ).status

        results, errors = run_together(10, one)
    assert results == ["bevestigd"]
    assert len(errors) == 9 and all(isinstance(e, signups.AlreadySignedUp) for e in errors)
    assert _statuses(db, meeting.id) == {"bevestigd": 1}
    assert _bezet(db, meeting.id) == 1


def test_one_cancellation_promotes_exactly_the_first_on_the_waitlist(db, org):
    meeting = new_meeting(db, org.id, capaciteit=2)
    people = _people(db, 5)
    now = datetime.now(UTC)
    with db.session() as session:
        for person in people:  # one after the other, so the waitlist order is known
            signups.sign_up_with_account(session, person, meeting.id, LINKS, now)
    with db.session() as session:
        first_cancelled = session.scalar(
            select(Aanmelding.id).where(Aanmelding.email == people[0].email)
        )
        signups.cancel(session, first_cancelled, LINKS, now)
    with db.session() as session:
        by_email = dict(
            session.execute(
                select(Aanmelding.email, Aanmelding.status).where(
                    Aanmelding.bijeenkomst_id == meeting.id
                )
            ).all()
        )
        promoted_mails = session.scalar(
            select(func.count())
            .select_from(Mail)
            .where(Mail.aan == people[2].email, Mail.onderwerp.startswith("Er is een plek"))
        )
    assert [by_email[p.email] for p in people] == [
        "afgemeld",
        "bevestigd",
        "bevestigd",
        "wachtlijst",
        "wachtlijst",
    ]
    assert promoted_mails == 1
    assert _bezet(db, meeting.id) == 2


def test_simultaneous_cancellations_promote_one_each_and_never_leave_a_place_empty(db, org):
    meeting = new_meeting(db, org.id, capaciteit=10)
    people = _people(db, 25)
    with db.session() as session:
        for person in people:
            signups.sign_up_with_account(session, person, meeting.id, LINKS, datetime.now(UTC))
        confirmed = session.scalars(
            select(Aanmelding.id).where(
                Aanmelding.bijeenkomst_id == meeting.id, Aanmelding.status == "bevestigd"
            )
        ).all()
    queue = list(confirmed[:8])

    with connections(db, 8) as new_session:

        def one():
            with new_session() as session:
                return signups.cancel(session, queue.pop(), LINKS, datetime.now(UTC))

        results, errors = run_together(8, one)
    assert errors == [] and results == [True] * 8
    assert _statuses(db, meeting.id) == {"afgemeld": 8, "bevestigd": 10, "wachtlijst": 7}
    assert _bezet(db, meeting.id) == 10


def test_simultaneous_sign_ups_and_cancellations_keep_the_waitlist_honest(db, org):
    """Cancellations racing with new sign-ups: at the end, a free place and somebody waiting
    never exist at the same time, and the count of places equals the confirmed sign-ups."""
    meeting = new_meeting(db, org.id, capaciteit=5)
    first = _people(db, 5)
    with db.session() as session:
        for person in first:
            signups.sign_up_with_account(session, person, meeting.id, LINKS, datetime.now(UTC))
        leaving = session.scalars(
            select(Aanmelding.id).where(Aanmelding.bijeenkomst_id == meeting.id)
        ).all()
    newcomers = _people(db, 15)
    work = [("cancel", signup_id) for signup_id in leaving] + [("join", p) for p in newcomers]

    with connections(db, len(work)) as new_session:

        def one():
            kind, what = work.pop()
            with new_session() as session:
                if kind == "cancel":
                    return signups.cancel(session, what, LINKS, datetime.now(UTC))
                return signups.sign_up_with_account(
                    session, what, meeting.id, LINKS, datetime.now(UTC)
                ).status

        _results, errors = run_together(len(work), one)
    assert errors == []
    statuses = _statuses(db, meeting.id)
    assert statuses["afgemeld"] == 5
    assert statuses["bevestigd"] == _bezet(db, meeting.id) == 5
    assert statuses["wachtlijst"] == 10
