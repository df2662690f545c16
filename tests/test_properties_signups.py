"""Sign-ups for a meeting as a state machine (hypothesis), on the test database.

Random sequences of: a new person signs up (with an account, or by mail and then confirms),
the same person tries again, someone cancels, the organisator changes the number of places,
the organisator cancels the meeting. A plain model says what each step must give; after every
step the database must agree with it and: confirmed ≤ places, `bezet` == the confirmed rows,
nobody signed up twice, the waitlist promoted first come first served, nobody waits while a
place is free, and a cancelled meeting confirms nobody new.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from quiz_service.bijeenkomsten import services, signups
from quiz_service.bijeenkomsten.keuzes import Choices
from quiz_service.errors import InvalidInput
from quiz_service.models import Aanmelding, Bijeenkomst, Gebruiker
from tests.academie import PASSWORD_HASH, new_account, new_organisation
from tests.bijeenkomsten import LINKS, new_meeting

CONFIRMED, WAITING, UNCONFIRMED, CANCELLED = (
    signups.CONFIRMED,
    signups.WAITING,
    signups.UNCONFIRMED,
    signups.CANCELLED,
)
CHOICES = Choices(
    themas={"mantelzorg": "Mantelzorg"},
    gemeenten={"GM0995": "Lelystad"},
    locaties={},
    toegankelijkheid={},
)


@pytest.fixture(scope="module")
def organisation(db):
    return new_organisation(db)


def test_sign_ups_keep_their_invariants_in_any_order(db, organisation):
    organiser = new_account(db, "organisator", organisatie_id=organisation.id)
    run_state_machine_as_test(
        _machine(db, organisation, organiser),
        settings=settings(
            max_examples=12,
            stateful_step_count=14,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def _machine(db, organisation, organiser):
    class SignUps(RuleBasedStateMachine):
        people = Bundle("people")
        pending = Bundle("pending")  # sign-ups by mail whose link was not clicked yet

        @initialize(
            target=people,
            capacity=st.integers(min_value=1, max_value=3),
            crowd=st.integers(min_value=0, max_value=5),
        )
        def meeting(self, capacity, crowd):
            """A meeting with `capacity` places and `crowd` people signed up already, so the
            short runs hypothesis likes best start with a waitlist too."""
            self.meeting_id = new_meeting(db, organisation.id, capaciteit=capacity).id
            self.capacity = capacity
            self.cancelled = False
            self.confirmed_at_cancel: set[int] = set()
            self.status: dict[int, str] = {}  # the model: sign-up id → status
            self.queue: list[int] = []  # the waitlist, first in line first
            self.clock = datetime.now(UTC)
            self.active_of: dict[int, int] = {}  # user id → active sign-up id
            return multiple(*(self.new_person_signs_up() for _ in range(crowd)))

        def now(self) -> datetime:
            # Every step a second later, so first come is unambiguous.
            self.clock += timedelta(seconds=1)
            return self.clock

        def confirmed(self) -> int:
            return sum(1 for s in self.status.values() if s == CONFIRMED)

        def expected_claim(self) -> str:
            return CONFIRMED if self.confirmed() < self.capacity else WAITING

        def place(self, signup_id: int, status: str) -> None:
            self.status[signup_id] = status
            if status == WAITING:
                self.queue.append(signup_id)

        def promote(self) -> None:
            while self.queue and not self.cancelled and self.confirmed() < self.capacity:
                self.status[self.queue.pop(0)] = CONFIRMED

        # --- Rules ---

        @rule(target=people)
        def a_new_person_signs_up(self):
            return self.new_person_signs_up()

        def new_person_signs_up(self) -> Gebruiker:
            user = _person(db)
            with db.session() as session:
                try:
                    outcome = signups.sign_up_with_account(
                        session, user, self.meeting_id, LINKS, self.now()
                    )
                except signups.Closed:
                    assert self.cancelled
                    return user
            assert not self.cancelled
            assert outcome.status == self.expected_claim()
            if outcome.status == WAITING:
                assert outcome.position == len(self.queue) + 1
            self.place(outcome.signup_id, outcome.status)
            self.active_of[user.id] = outcome.signup_id
            return user

        @rule(user=people)
        def same_person_signs_up_again(self, user):
            with db.session() as session:
                try:
                    outcome = signups.sign_up_with_account(
                        session, user, self.meeting_id, LINKS, self.now()
                    )
                except signups.Closed:
                    assert self.cancelled
                    return
                except signups.AlreadySignedUp:
                    assert user.id in self.active_of
                    return
            # Only after cancelling may one sign up again: that is a new sign-up.
            assert user.id not in self.active_of and not self.cancelled
            assert outcome.status == self.expected_claim()
            self.place(outcome.signup_id, outcome.status)
            self.active_of[user.id] = outcome.signup_id

        @rule(target=pending)
        def someone_signs_up_by_mail(self):
            address = f"post-{uuid.uuid4().hex[:12]}@verzonnen.example"
            with db.session() as session:
                try:
                    signups.sign_up_by_mail(
                        session, self.meeting_id, "Verzonnen Mens", address, LINKS, self.now()
                    )
                except signups.Closed:
                    assert self.cancelled
                    return None
                signup_id = session.scalar(select(Aanmelding.id).where(Aanmelding.email == address))
            assert not self.cancelled
            self.status[signup_id] = UNCONFIRMED
            return signup_id

        @rule(signup_id=consumes(pending))
        def the_link_in_the_mail_is_clicked(self, signup_id):
            if signup_id is None:
                return
            with db.session() as session:
                try:
                    outcome = signups.confirm(session, signup_id, LINKS, self.now())
                except signups.Closed:
                    assert self.cancelled
                    return
            assert outcome.status == self.expected_claim()
            self.place(signup_id, outcome.status)

        @rule(user=people)
        def person_cancels(self, user):
            signup_id = self.active_of.pop(user.id, None)
            if signup_id is None:
                return
            with db.session() as session:
                assert signups.cancel(session, signup_id, LINKS, self.now()) is True
            was = self.status[signup_id]
            self.status[signup_id] = CANCELLED
            if was == WAITING:
                self.queue.remove(signup_id)
            self.promote()

        @rule(user=people)
        def a_second_click_on_cancel_changes_nothing(self, user):
            with db.session() as session:
                mine = session.scalars(
                    select(Aanmelding.id).where(
                        Aanmelding.gebruiker_id == user.id, Aanmelding.status == CANCELLED
                    )
                ).all()
            for signup_id in mine:
                with db.session() as session:
                    assert signups.cancel(session, signup_id, LINKS, self.now()) is False

        @precondition(lambda self: not self.cancelled)
        @rule(capacity=st.integers(min_value=1, max_value=5))
        def organisator_changes_the_places(self, capacity):
            with db.session() as session:
                user = session.get(Gebruiker, organiser.id)
                meeting = session.get(Bijeenkomst, self.meeting_id)
                data = services.as_input(meeting)
                data.capaciteit = capacity
                try:
                    services.edit(
                        session, user, self.meeting_id, data, CHOICES, datetime.now(UTC), LINKS
                    )
                except InvalidInput as refused:
                    assert refused.field == "capaciteit"
                    assert capacity < self.confirmed()
                    return
            assert capacity >= self.confirmed()
            self.capacity = capacity
            self.promote()

        @precondition(lambda self: not self.cancelled)
        @rule()
        def organisator_cancels_the_meeting(self):
            with db.session() as session:
                user = session.get(Gebruiker, organiser.id)
                services.cancel(session, user, self.meeting_id, "Verzonnen reden", LINKS)
            self.cancelled = True
            self.confirmed_at_cancel = {i for i, s in self.status.items() if s == CONFIRMED}

        # --- Invariants, after every step ---

        @invariant()
        def the_database_agrees_with_the_model(self):
            rows = self.rows()
            assert {r.id: r.status for r in rows} == self.status

        @invariant()
        def never_more_confirmed_than_places_and_the_counter_is_true(self):
            rows = self.rows()
            confirmed = sum(1 for r in rows if r.status == CONFIRMED)
            with db.session() as session:
                meeting = session.get(Bijeenkomst, self.meeting_id)
                assert confirmed <= meeting.capaciteit == self.capacity
                assert meeting.bezet == confirmed

        @invariant()
        def nobody_is_signed_up_twice(self):
            active = [r for r in self.rows() if r.status in signups.ACTIVE_SIGNUP_STATES]
            accounts = Counter(r.gebruiker_id for r in active if r.gebruiker_id is not None)
            addresses = Counter(r.email for r in active)
            assert max(accounts.values(), default=0) <= 1
            assert max(addresses.values(), default=0) <= 1

        @invariant()
        def nobody_waits_while_a_place_is_free(self):
            if self.cancelled:
                return
            rows = self.rows()
            if any(r.status == WAITING for r in rows):
                assert sum(1 for r in rows if r.status == CONFIRMED) == self.capacity

        @invariant()
        def a_cancelled_meeting_confirms_nobody_new(self):
            if self.cancelled:
                confirmed = {r.id for r in self.rows() if r.status == CONFIRMED}
                assert confirmed <= self.confirmed_at_cancel

        def rows(self) -> list[Aanmelding]:
            with db.session() as session:
                return list(
                    session.scalars(
                        select(Aanmelding).where(Aanmelding.bijeenkomst_id == self.meeting_id)
                    )
                )

    return SignUps


def _person(db) -> Gebruiker:
    with db.session() as session:
        user = Gebruiker(
            email=f"rij-{uuid.uuid4().hex[:12]}@verzonnen.example",
            password_hash=PASSWORD_HASH,
            role="mantelzorger",
            display_name="Verzonnen Deelnemer",
        )
        session.add(user)
        session.commit()
        return user
