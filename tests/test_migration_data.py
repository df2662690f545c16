"""The newest migration carries a realistic database from the revision before it without loss (R5).

The revision before head is looked up, never written down: each new migration moves the test
along. The data is written with plain SQL on the tables as that revision made them (reflected,
not the models, which describe head), then the database is upgraded to head and read again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, insert, select
from sqlalchemy.orm import Session

from quiz_service.db import make_engine
from quiz_service.migrate import alembic_config, upgrade
from quiz_service.models import Aanmelding, Certificaat, Gebruiker, Poging


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


VRAGEN = [
    {
        "id": "signalen",
        "tekst": "Welk signaal past bij overbelasting?",
        "opties": [
            {"id": "a", "tekst": "Slecht slapen", "juist": True, "uitleg": "Klopt."},
            {"id": "b", "tekst": "Veel energie", "juist": False, "uitleg": "Juist niet."},
        ],
    }
]

# Fictional, visibly so, and shaped like real use: every role, open and submitted attempts,
# an anonymous attempt, a revoked certificate, sent and waiting mail, a cancelled meeting and
# sign-ups in every state. Per table: the rows, with ids, so references can be checked.
SEED: dict[str, list[dict]] = {
    "organisatie": [
        {
            "id": 1,
            "naam": "Verzonnen Thuiszorg Lelystad",
            "invite_code": "VERZ-LLS-2026",
            "created_at": at(1),
        },
        {
            "id": 2,
            "naam": "Verzonnen Welzijn Dronten",
            "invite_code": "VERZ-DRO-2026",
            "created_at": at(1, 11),
        },
    ],
    "team": [
        {"id": 1, "organisatie_id": 1, "naam": "Verzonnen Team Wijk Noord", "created_at": at(2)},
        {"id": 2, "organisatie_id": 1, "naam": "Verzonnen Team Wijk Zuid", "created_at": at(2, 11)},
    ],
    "gebruiker": [
        {
            "id": 1,
            "email": "beheer@verzonnen.example",
            "password_hash": "$argon2id$v=19$niet-echt-1",
            "role": "beheerder",
            "display_name": "Verzonnen Beheerder",
            "organisatie_id": None,
            "team_id": None,
            "session_epoch": 3,
            "created_at": at(1, 9),
            "deleted_at": None,
        },
        {
            "id": 2,
            "email": "leider@verzonnen.example",
            "password_hash": "$argon2id$v=19$niet-echt-2",
            "role": "teamleider",
            "display_name": "Verzonnen Teamleider",
            "organisatie_id": 1,
            "team_id": 1,
            "session_epoch": 0,
            "created_at": at(2, 9),
            "deleted_at": None,
        },
        {
            "id": 3,
            "email": "medewerker@verzonnen.example",
            "password_hash": "$argon2id$v=19$niet-echt-3",
            "role": "medewerker",
            "display_name": "Verzonnen Medewerker Öztürk",
            "organisatie_id": 1,
            "team_id": 1,
            "session_epoch": 1,
            "created_at": at(3, 9),
            "deleted_at": None,
        },
        {
            "id": 4,
            "email": "mantelzorger@verzonnen.example",
            "password_hash": "$argon2id$v=19$niet-echt-4",
            "role": "mantelzorger",
            "display_name": "Verzonnen Mantelzorger van der Berg",
            "organisatie_id": None,
            "team_id": None,
            "session_epoch": 0,
            "created_at": at(4, 9),
            "deleted_at": None,
        },
        {
            "id": 5,
            "email": "organisator@verzonnen.example",
            "password_hash": "$argon2id$v=19$niet-echt-5",
            "role": "organisator",
            "display_name": "Verzonnen Organisator",
            "organisatie_id": 2,
            "team_id": None,
            "session_epoch": 0,
            "created_at": at(4, 10),
            "deleted_at": at(20),
        },
    ],
    "poging": [
        {
            "id": 1,
            "gebruiker_id": 3,
            "quiz_key": "cursus:ken-je-mantelzorger",
            "quiz_version": "a1b2c3d4e5f60718",
            "state": "ingeleverd",
            "vragen": VRAGEN,
            "antwoorden": {"signalen": ["a"]},
            "score": 1,
            "aantal": 1,
            "geslaagd": True,
            "started_at": at(5, 14),
            "submitted_at": at(5, 14, 20),
        },
        {
            "id": 2,
            "gebruiker_id": 3,
            "quiz_key": "ziektebeeld:dementie",
            "quiz_version": "0f1e2d3c4b5a6978",
            "state": "bezig",
            "vragen": VRAGEN,
            "antwoorden": None,
            "score": None,
            "aantal": 1,
            "geslaagd": None,
            "started_at": at(6, 8),
            "submitted_at": None,
        },
        {
            "id": 3,
            "gebruiker_id": None,
            "quiz_key": "ziektebeeld:dementie",
            "quiz_version": "0f1e2d3c4b5a6978",
            "state": "ingeleverd",
            "vragen": VRAGEN,
            "antwoorden": {"signalen": ["b"]},
            "score": 0,
            "aantal": 1,
            "geslaagd": False,
            "started_at": at(6, 9),
            "submitted_at": at(6, 9, 5),
        },
    ],
    "les_gelezen": [
        {
            "id": 1,
            "gebruiker_id": 3,
            "cursus": "ken-je-mantelzorger",
            "les": "cursussen/ken-je-mantelzorger/les-1.md",
            "gelezen_at": at(5, 13),
        },
        {
            "id": 2,
            "gebruiker_id": 3,
            "cursus": "ken-je-mantelzorger",
            "les": "cursussen/ken-je-mantelzorger/les-2.md",
            "gelezen_at": at(5, 13, 30),
        },
    ],
    "toewijzing": [
        {
            "id": 1,
            "team_id": 1,
            "cursus": "ken-je-mantelzorger",
            "deadline": date(2026, 12, 31),
            "toegewezen_door_id": 2,
            "created_at": at(3, 12),
        },
        {
            "id": 2,
            "team_id": 2,
            "cursus": "ken-je-mantelzorger",
            "deadline": None,
            "toegewezen_door_id": None,
            "created_at": at(3, 12, 5),
        },
    ],
    "certificaat": [
        {
            "id": 1,
            "code": "K7MP4RX9TQ2W",
            "poging_id": 1,
            "gebruiker_id": 3,
            "naam": "Verzonnen Medewerker Öztürk",
            "cursus": "ken-je-mantelzorger",
            "cursus_titel": "Ken je mantelzorger",
            "quiz_version": "a1b2c3d4e5f60718",
            "score_procent": 100,
            "behaald_op": at(5, 14, 20),
            "geldig_tot": date(2028, 11, 5),
            "ingetrokken_at": at(7),
            "ingetrokken_reden": "Verzonnen reden: per ongeluk uitgegeven.",
        },
    ],
    "wachtwoord_reset": [
        {
            "id": 1,
            "gebruiker_id": 4,
            "token_hash": "9" * 64,
            "created_at": at(8),
            "expires_at": at(8, 11),
            "used_at": None,
        },
    ],
    "mail": [
        {
            "id": 1,
            "aan": "medewerker@verzonnen.example",
            "onderwerp": "Uw certificaat",
            "tekst": "Gefeliciteerd! U bent geslaagd.\nMet vriendelijke groet.",
            "created_at": at(5, 14, 21),
            "sent_at": at(5, 14, 22),
            "pogingen": 1,
            "laatste_fout": None,
        },
        {
            "id": 2,
            "aan": "mantelzorger@verzonnen.example",
            "onderwerp": "Nieuw wachtwoord",
            "tekst": "Klik op de link.",
            "created_at": at(8),
            "sent_at": None,
            "pogingen": 2,
            "laatste_fout": "ConnectionRefusedError: [Errno 111] Connection refused",
        },
    ],
    "bijeenkomst": [
        {
            "id": 1,
            "uid": "0b7e1c5e-verzonnen-1@verzonnen.example",
            "organisatie_id": 2,
            "reeks": "verzonnenreeks01",
            "titel": "Verzonnen lotgenotengroep dementie",
            "thema": "dementie",
            "gemeente": "GM0303",
            "vorm": "fysiek",
            "locatie_id": None,
            "locatie_naam": "Verzonnen buurthuis",
            "adres": "Verzonnenstraat 1, 8251 AA Dronten",
            "online_link": None,
            "begint_at": at(25, 18),
            "eindigt_at": at(25, 20),
            "capaciteit": 2,
            "bezet": 1,
            "beschrijving": "Een verzonnen avond om ervaringen te delen.",
            "toegankelijkheid": ["rolstoel"],
            "toegankelijkheid_toelichting": "Ingang aan de achterkant.",
            "volgnummer": 2,
            "created_at": at(9),
            "gewijzigd_at": at(10),
            "geannuleerd_at": None,
            "annulering_reden": None,
            "aanmeldingen_verwijderd_at": None,
        },
        {
            "id": 2,
            "uid": "0b7e1c5e-verzonnen-2@verzonnen.example",
            "organisatie_id": 2,
            "reeks": None,
            "titel": "Verzonnen online koffie-uur",
            "thema": "mantelzorg",
            "gemeente": "GM0995",
            "vorm": "online",
            "locatie_id": None,
            "locatie_naam": None,
            "adres": None,
            "online_link": "https://video.verzonnen.example/koffie",
            "begint_at": at(26, 9),
            "eindigt_at": at(26, 10),
            "capaciteit": 10,
            "bezet": 0,
            "beschrijving": "Verzonnen.",
            "toegankelijkheid": [],
            "toegankelijkheid_toelichting": None,
            "volgnummer": 1,
            "created_at": at(9, 11),
            "gewijzigd_at": at(11),
            "geannuleerd_at": at(11),
            "annulering_reden": "De verzonnen begeleider is ziek.",
            "aanmeldingen_verwijderd_at": None,
        },
    ],
    "aanmelding": [
        {
            "id": 1,
            "bijeenkomst_id": 1,
            "gebruiker_id": 4,
            "naam": "Verzonnen Mantelzorger van der Berg",
            "email": "mantelzorger@verzonnen.example",
            "status": "bevestigd",
            "sleutel": "a" * 32,
            "aangemeld_at": at(12),
            "in_rij_at": at(12),
            "afgemeld_at": None,
        },
        {
            "id": 2,
            "bijeenkomst_id": 1,
            "gebruiker_id": None,
            "naam": "Verzonnen Buurvrouw",
            "email": "buurvrouw@verzonnen.example",
            "status": "wachtlijst",
            "sleutel": "b" * 32,
            "aangemeld_at": at(13),
            "in_rij_at": at(13, 10, 5),
            "afgemeld_at": None,
        },
        {
            "id": 3,
            "bijeenkomst_id": 1,
            "gebruiker_id": None,
            "naam": "Verzonnen Zoon",
            "email": "zoon@verzonnen.example",
            "status": "onbevestigd",
            "sleutel": "c" * 32,
            "aangemeld_at": at(14),
            "in_rij_at": None,
            "afgemeld_at": None,
        },
        {
            "id": 4,
            "bijeenkomst_id": 2,
            "gebruiker_id": None,
            "naam": "Verzonnen Dochter",
            "email": "dochter@verzonnen.example",
            "status": "afgemeld",
            "sleutel": "d" * 32,
            "aangemeld_at": at(10),
            "in_rij_at": at(10),
            "afgemeld_at": at(11),
        },
    ],
    "audit_regel": [
        {
            "id": 1,
            "at": at(7),
            "actor_id": 1,
            "actor_rol": "beheerder",
            "actie": "certificaat_ingetrokken",
            "object_soort": "certificaat",
            "object_id": 1,
            "details": {"reden": "Verzonnen reden"},
        },
    ],
}


def _previous_revision() -> str:
    scripts = ScriptDirectory.from_config(alembic_config())
    (head,) = scripts.get_heads()
    previous = scripts.get_revision(head).down_revision
    if previous is None or not isinstance(previous, str):
        pytest.skip("er is geen eerdere revisie (of het is een samenvoeging)")
    return previous


def _snapshot(url) -> dict[str, list[dict]]:
    """Every row of every table, ordered by primary key, as the database returns it."""
    engine = make_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                name: [
                    dict(row._mapping)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for name, table in metadata.tables.items()
                if name != "alembic_version"
            }
    finally:
        engine.dispose()


def test_the_newest_migration_keeps_every_row_and_value_of_the_previous_revision(database_url):
    previous = _previous_revision()
    upgrade(database_url, previous)

    engine = make_engine(database_url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        tables = {
            name: table for name, table in metadata.tables.items() if name != "alembic_version"
        }
        assert not set(tables) - set(SEED), (
            f"Revision {previous} has tables without test rows: add rows to SEED for "
            f"{sorted(set(tables) - set(SEED))}"
        )
        # Parents before children, as the foreign keys need.
        with engine.begin() as connection:
            for table in metadata.sorted_tables:
                if table.name not in tables:
                    continue
                known = set(table.columns.keys())
                rows = [{k: v for k, v in row.items() if k in known} for row in SEED[table.name]]
                connection.execute(insert(table), rows)
    finally:
        engine.dispose()

    before = _snapshot(database_url)
    assert {name: len(rows) for name, rows in before.items()} == {
        name: len(SEED[name]) for name in before
    }

    upgrade(database_url)
    after = _snapshot(database_url)

    for name, rows in before.items():
        assert name in after, f"tabel {name} is verdwenen"
        assert len(after[name]) == len(rows), f"{name}: {len(rows)} rijen → {len(after[name])}"
        for old, new in zip(rows, after[name], strict=True):
            kept = {column: new[column] for column in old if column in new}
            assert kept == old, f"{name} rij {old.get('id')} is veranderd"

    # The service's own models read the carried rows at head.
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            staff = session.get(Gebruiker, 3)
            assert (staff.email, staff.display_name) == (
                "medewerker@verzonnen.example",
                "Verzonnen Medewerker Öztürk",
            )
            assert session.get(Poging, 1).antwoorden == {"signalen": ["a"]}
            certificate = session.get(Certificaat, 1)
            assert certificate.behaald_op == at(5, 14, 20)
            assert certificate.ingetrokken_at == at(7)
            if "aanmelding" in before:
                assert session.get(Aanmelding, 2).status == "wachtlijst"
    finally:
        engine.dispose()
