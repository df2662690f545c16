"""The database keeps its rules itself: foreign keys, unique e-mail, known roles, erasure."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from quiz_service.db import SQLITE_BUSY_TIMEOUT_MS, make_engine
from quiz_service.models import Gebruiker, Organisatie, Team
from tests.academie import close_app


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _user(email: str, **fields) -> Gebruiker:
    fields.setdefault("role", "mantelzorger")
    fields.setdefault("display_name", "Verzonnen Persoon")
    fields.setdefault("password_hash", "$argon2id$niet-echt")
    return Gebruiker(email=email, **fields)


def test_every_sqlite_connection_has_wal_foreign_keys_busy_timeout_and_secure_delete(db):
    if db.dialect != "sqlite":
        pytest.skip("alleen SQLite")
    engine = make_engine(db.url, poolclass=NullPool)
    try:
        with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                pragma = lambda name, c=connection: c.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
                assert pragma("journal_mode") == "wal"
                assert pragma("foreign_keys") == 1
                assert pragma("secure_delete") == 1
                assert pragma("busy_timeout") == SQLITE_BUSY_TIMEOUT_MS
    finally:
        engine.dispose()


def test_a_team_of_an_organisatie_that_does_not_exist_is_refused(db):
    with db.session() as session:
        session.add(Team(naam="Verzonnen Team", organisatie_id=987654321))
        with pytest.raises(IntegrityError):
            session.commit()


def test_an_email_address_is_unique_whatever_its_case(db):
    email = f"{_unique('iemand')}@verzonnen.example"
    with db.session() as session:
        session.add(_user(email))
        session.commit()
        session.add(_user(email.upper()))
        with pytest.raises(IntegrityError):
            session.commit()


def test_an_email_address_is_stored_in_lower_case_even_from_raw_sql(db):
    with db.session() as session:
        assert _user(" Iemand@Verzonnen.Example ").email == "iemand@verzonnen.example"
        with pytest.raises(IntegrityError):
            session.execute(
                text(
                    "INSERT INTO gebruiker (email, password_hash, role, display_name, "
                    "session_epoch, created_at) VALUES ('Hoofd@verzonnen.example', 'x', "
                    "'mantelzorger', 'Verzonnen', 0, CURRENT_TIMESTAMP)"
                )
            )


def test_an_unknown_role_is_refused(db):
    with db.session() as session:
        session.add(_user(f"{_unique('rol')}@verzonnen.example", role="koning"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_deleting_an_organisatie_deletes_its_teams_but_keeps_its_people(db):
    naam = _unique("Verzonnen Organisatie")
    with db.session() as session:
        organisatie = Organisatie(naam=naam, invite_code=_unique("CODE"))
        team = Team(naam="Verzonnen Team", organisatie=organisatie)
        user = _user(
            f"{_unique('lid')}@verzonnen.example",
            role="medewerker",
            organisatie=organisatie,
            team=team,
        )
        session.add_all([organisatie, team, user])
        session.commit()
        organisatie_id, user_id = organisatie.id, user.id
        # Through SQL, so the database's ondelete rules do the work, not the ORM.
        session.execute(text("DELETE FROM organisatie WHERE id = :id"), {"id": organisatie_id})
        session.commit()
        teams = session.scalar(
            select(func.count()).select_from(Team).where(Team.organisatie_id == organisatie_id)
        )
        assert teams == 0
        kept = session.get(Gebruiker, user_id, populate_existing=True)
        assert kept is not None
        assert (kept.organisatie_id, kept.team_id) == (None, None)


def test_a_deleted_email_address_does_not_stay_in_the_sqlite_file(db):
    if db.dialect != "sqlite":
        pytest.skip("alleen SQLite")
    email = f"{_unique('weg')}@verzonnen.example"
    with db.session() as session:
        user = _user(email)
        session.add(user)
        session.commit()
        session.delete(user)
        session.commit()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(db.engine.url.database)
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            assert email.encode() not in file.read_bytes(), file


def test_a_request_gets_one_session_that_is_closed_when_the_request_ends(db, tmp_path):
    from quiz_service import create_app
    from quiz_service import db as database

    app = create_app({"TESTING": True, "SITE_DIR": str(tmp_path), "DATABASE_URL": db.url})
    try:
        with app.app_context():
            session = database.session()
            assert database.session() is session
            assert session.scalar(select(func.count()).select_from(Organisatie)) >= 0
            assert session.in_transaction()
        assert not session.in_transaction()
    finally:
        close_app(app)


def test_a_moment_reads_back_in_utc_with_its_zone_on_every_database(db):
    from datetime import UTC, datetime, timedelta, timezone

    amsterdam_summer = timezone(timedelta(hours=2))
    moment = datetime(2026, 7, 1, 14, 30, tzinfo=amsterdam_summer)
    with db.session() as session:
        user = _user(f"{_unique('tijd')}@verzonnen.example", created_at=moment)
        session.add(user)
        session.commit()
        user_id = user.id
    with db.session() as session:
        stored = session.get(Gebruiker, user_id).created_at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == datetime(2026, 7, 1, 12, 30, tzinfo=UTC)


def test_a_moment_without_a_zone_is_refused(db):
    from datetime import datetime

    from sqlalchemy.exc import StatementError

    with db.session() as session:
        session.add(_user(f"{_unique('naief')}@verzonnen.example", created_at=datetime(2026, 7, 1)))
        with pytest.raises(StatementError, match="zonder tijdzone"):
            session.commit()


def test_json_columns_read_back_what_was_written_and_what_older_versions_wrote(db):
    """The JSON columns go through orjson (quiz_service.db.JSON_CODEC): values come back the
    same, Dutch characters and nesting included, and rows written before, by SQLAlchemy's
    default json module (with \\u-escapes), still read back as they were."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from quiz_service.models import AuditRegel

    details = {"tekst": "Één café, ‘zó’ — ĳs", "lijst": [1, 2.5, None, True, {"a": []}]}

    def written_by(engine) -> int:
        with Session(engine) as session:
            line = AuditRegel(
                actor_rol="beheerder", actie="json-proef", object_soort="proef", details=details
            )
            session.add(line)
            session.commit()
            return line.id

    older = create_engine(db.url)  # no JSON_CODEC: the json module, as before
    try:
        old_id = written_by(older)
    finally:
        older.dispose()
    new_id = written_by(db.engine)
    with db.session() as session:
        assert session.get(AuditRegel, new_id).details == details
        assert session.get(AuditRegel, old_id).details == details
