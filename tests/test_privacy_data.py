"""Personal data, walked table by table: the export holds all of it, deleting removes it, and
accounts unused for two years are deleted (AVG art. 15, 17 and 5(1)(e); SECURITY.md, P5–P10).

The walk reads the models, so a new table with a foreign key to `gebruiker` or an e-mail
column fails here until quiz_service.gegevens.services.PERSONAL_DATA says where it goes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import String, Text, func, or_, select, update

from quiz_service import audit, quizzes
from quiz_service.auth import reset
from quiz_service.catalog import course_key, load_catalog
from quiz_service.db import Base
from quiz_service.gegevens import services
from quiz_service.models import (
    Aanmelding,
    AuditRegel,
    Gebruiker,
    LesGelezen,
    Mail,
    Poging,
    Toewijzing,
)
from tests.academie import FICTIONAL_CONTENT, log_in, new_account, new_organisation, new_team
from tests.bijeenkomsten import LINKS, new_meeting

EMAIL_COLUMNS = {"email", "aan"}


def personal_columns(table) -> list:
    """The columns of `table` that point at a person: a foreign key to gebruiker, or an address."""
    return [
        column
        for column in table.columns
        if any(fk.column.table.name == "gebruiker" for fk in column.foreign_keys)
        or column.name in EMAIL_COLUMNS
        or (table.name == "gebruiker" and column.primary_key)
    ]


def personal_tables() -> set[str]:
    return {name for name, table in Base.metadata.tables.items() if personal_columns(table)}


def test_every_table_with_personal_data_is_in_the_registry():
    assert personal_tables() == set(services.PERSONAL_DATA)


@pytest.fixture
def person(db):
    """A teamleider who did something of every kind the service stores."""
    org = new_organisation(db)
    team = new_team(db, org.id)
    user = new_account(
        db,
        "teamleider",
        organisatie_id=org.id,
        team_id=team.id,
        display_name=f"Verzonnen Privé {uuid.uuid4().hex[:8]}",
    )
    entry = load_catalog(FICTIONAL_CONTENT).entry(course_key("verzonnen-cursus"))
    meeting = new_meeting(db, org.id)
    with db.session() as session:
        attempt = quizzes.start_attempt(session, entry, user.id)
        answers = {q["id"]: [o["id"] for o in q["opties"] if o["juist"]] for q in attempt.vragen}
        assert quizzes.submit(session, attempt.id, answers, entry)
    with db.session() as session:
        session.add(LesGelezen(gebruiker_id=user.id, cursus="verzonnen-cursus", les=1))
        reset.add_token(session, user.id, timedelta(minutes=30))
        session.add(
            Aanmelding(
                bijeenkomst_id=meeting.id,
                gebruiker_id=user.id,
                naam=user.display_name,
                email=user.email,
                status="onbevestigd",
                sleutel=uuid.uuid4().hex,
            )
        )
        session.add(Mail(aan=user.email, onderwerp="Verzonnen", tekst="Verzonnen tekst"))
        session.add(
            Toewijzing(team_id=team.id, cursus="verzonnen-cursus", toegewezen_door_id=user.id)
        )
        audit.record(session, user, "team_toegevoegd", ("team", team.id))
        session.commit()
    return user


def rows_about(session, user) -> dict[str, int]:
    """Per personal table, how many rows point at this person (by id or by address)."""
    counts = {}
    for name in personal_tables():
        table = Base.metadata.tables[name]
        conditions = [
            column == (user.email if column.name in EMAIL_COLUMNS else user.id)
            for column in personal_columns(table)
        ]
        counts[name] = session.scalar(
            select(func.count()).select_from(table).where(or_(*conditions))
        )
    return counts


def test_the_export_holds_every_row_stored_about_the_person(db, person):
    with db.session() as session:
        stored = rows_about(session, person)
        document = services.export(session, person.id)
    assert all(stored.values()), stored  # the fixture really made a row of every kind
    for table, key in services.PERSONAL_DATA.items():
        shown = document[key]
        assert (1 if isinstance(shown, dict) else len(shown)) == stored[table], table


def test_deleting_leaves_no_row_that_points_at_the_person(db, person):
    with db.session() as session:
        assert services.delete_account(session, person.id, LINKS, datetime.now(UTC))
    with db.session() as session:
        assert set(rows_about(session, person).values()) == {0}


def test_deleting_leaves_the_name_and_address_in_no_text_column(db, person):
    with db.session() as session:
        services.delete_account(session, person.id, LINKS, datetime.now(UTC))
    found = []
    with db.session() as session:
        for name, table in Base.metadata.tables.items():
            for column in table.columns:
                if isinstance(column.type, String | Text):
                    for needle in (person.email, person.display_name):
                        hits = session.scalar(
                            select(func.count()).select_from(table).where(column == needle)
                        )
                        if hits:
                            found.append(f"{name}.{column.name}")
    assert found == []


def test_what_stays_after_deleting_names_nobody(db, person):
    with db.session() as session:
        attempts = session.scalar(select(func.count()).where(Poging.gebruiker_id == person.id))
        services.delete_account(session, person.id, LINKS, datetime.now(UTC))
    with db.session() as session:
        lines = session.scalars(select(AuditRegel).where(AuditRegel.actor_id.is_(None))).all()
        assert any(line.actor_rol == "teamleider" for line in lines)
        orphans = session.scalar(
            select(func.count()).where(Toewijzing.toegewezen_door_id.is_(None))
        )
        assert orphans >= 1 and attempts >= 1


# --- Accounts nobody uses any more ---


def aged(db, role: str, days_since_login: int | None, days_since_created: int = 800) -> int:
    now = datetime.now(UTC)
    user = new_account(db, role)
    with db.session() as session:
        session.execute(
            update(Gebruiker)
            .where(Gebruiker.id == user.id)
            .values(
                created_at=now - timedelta(days=days_since_created),
                laatst_ingelogd_at=(
                    None if days_since_login is None else now - timedelta(days=days_since_login)
                ),
            )
        )
        session.commit()
    return user.id


def exists(db, user_id: int) -> bool:
    with db.session() as session:
        return session.get(Gebruiker, user_id) is not None


def test_a_mantelzorger_not_seen_for_the_retention_period_is_deleted(db):
    stale = aged(db, "mantelzorger", services.STALE_AFTER_DAYS + 1)
    with db.session() as session:
        assert services.delete_stale_accounts(session, LINKS, datetime.now(UTC)) >= 1
    assert not exists(db, stale)


def test_a_mantelzorger_seen_a_day_within_the_period_is_kept(db):
    recent = aged(db, "mantelzorger", services.STALE_AFTER_DAYS - 1)
    with db.session() as session:
        services.delete_stale_accounts(session, LINKS, datetime.now(UTC))
    assert exists(db, recent)


def test_an_account_that_never_logged_in_counts_from_its_creation(db):
    old = aged(db, "mantelzorger", None, services.STALE_AFTER_DAYS + 1)
    new = aged(db, "mantelzorger", None, 10)
    with db.session() as session:
        services.delete_stale_accounts(session, LINKS, datetime.now(UTC))
    assert (exists(db, old), exists(db, new)) == (False, True)


@pytest.mark.parametrize("role", ["medewerker", "teamleider", "organisator", "beheerder"])
def test_staff_and_beheerder_accounts_are_left_to_their_organisation(db, role):
    user_id = aged(db, role, services.STALE_AFTER_DAYS + 100)
    with db.session() as session:
        services.delete_stale_accounts(session, LINKS, datetime.now(UTC))
    assert exists(db, user_id)


def test_cleaning_up_twice_deletes_nothing_the_second_time(db):
    aged(db, "mantelzorger", services.STALE_AFTER_DAYS + 5)
    with db.session() as session:
        services.delete_stale_accounts(session, LINKS, datetime.now(UTC))
        assert services.delete_stale_accounts(session, LINKS, datetime.now(UTC)) == 0


def test_logging_in_records_the_moment(academie_app, db):
    user = new_account(db, "mantelzorger")
    before = datetime.now(UTC)
    log_in(academie_app().test_client(), user)
    with db.session() as session:
        seen = session.get(Gebruiker, user.id).laatst_ingelogd_at
    assert seen is not None and before <= seen <= datetime.now(UTC)
