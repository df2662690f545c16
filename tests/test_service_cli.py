"""`quiz-service init-db | demo-data | create-admin` on a fresh database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from quiz_service.cli import main
from quiz_service.models import Gebruiker, Organisatie, Team
from quiz_service.passwords import verify_password


@pytest.fixture
def cli_db(db, monkeypatch):
    """The module's database as the CLI's DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", db.url.render_as_string(hide_password=False))
    monkeypatch.delenv("MZA_ADMIN_PASSWORD", raising=False)
    return db


def _counts(db) -> tuple[int, int, int]:
    with db.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Organisatie, Team, Gebruiker)
        )


def test_init_db_can_run_again_on_an_up_to_date_database(cli_db, capsys):
    assert main(["init-db"]) == 0
    assert "bijgewerkt" in capsys.readouterr().out


def test_demo_data_loaded_twice_is_loaded_once(cli_db, capsys):
    assert main(["demo-data"]) == 0
    once = _counts(cli_db)
    assert main(["demo-data"]) == 0
    assert _counts(cli_db) == once
    assert "niets veranderd" in capsys.readouterr().out


def test_every_demo_name_and_address_is_visibly_fictional(cli_db):
    main(["demo-data"])
    with cli_db.session() as session:
        organisaties = session.scalars(select(Organisatie.naam)).all()
        teams = session.scalars(select(Team.naam)).all()
        users = session.execute(select(Gebruiker.display_name, Gebruiker.email, Gebruiker.role))
        users = users.all()
    assert organisaties and teams and users
    for naam in [*organisaties, *teams, *(user.display_name for user in users)]:
        assert naam.startswith("Verzonnen "), naam
    for user in users:
        assert user.email.endswith("@verzonnen.example"), user.email
        assert user.role != "beheerder", "demogegevens maken geen beheerder"


def test_create_admin_stores_an_argon2id_hash_and_never_the_password(cli_db, monkeypatch, capsys):
    password = "Verzonnen-wachtwoord-42"
    monkeypatch.setenv("MZA_ADMIN_PASSWORD", password)
    assert main(["create-admin", "--email", "Beheer@Verzonnen.example"]) == 0
    with cli_db.session() as session:
        admin = session.scalars(
            select(Gebruiker).where(Gebruiker.email == "beheer@verzonnen.example")
        ).one()
    assert admin.role == "beheerder"
    assert admin.password_hash.startswith("$argon2id$")
    assert verify_password(admin.password_hash, password)
    stored = [getattr(admin, column.key) for column in Gebruiker.__table__.columns]
    assert not any(password in str(value) for value in stored)
    assert password not in capsys.readouterr().out


def test_create_admin_refuses_an_address_that_already_has_an_account(cli_db, monkeypatch, capsys):
    monkeypatch.setenv("MZA_ADMIN_PASSWORD", "Verzonnen-wachtwoord-42")
    assert main(["create-admin", "--email", "tweede@verzonnen.example"]) == 0
    assert main(["create-admin", "--email", "TWEEDE@verzonnen.example"]) == 1
    assert "Er is al een account" in capsys.readouterr().err


def test_create_admin_refuses_a_short_password(cli_db, monkeypatch, capsys):
    monkeypatch.setenv("MZA_ADMIN_PASSWORD", "kort")
    assert main(["create-admin", "--email", "kort@verzonnen.example"]) == 1
    assert "te kort" in capsys.readouterr().err


def test_create_admin_without_a_terminal_or_password_says_what_to_do(cli_db):
    with pytest.raises(SystemExit, match="MZA_ADMIN_PASSWORD"):
        main(["create-admin", "--email", "stil@verzonnen.example"])
