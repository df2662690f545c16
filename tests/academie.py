"""Helpers for tests of the academie service: apps on the test database, accounts, forms.

Fixtures `academie_app` and `account` are provided by tests/conftest.py on top of these.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from quiz_service.models import Gebruiker
from quiz_service.passwords import hash_password

ROOT = Path(__file__).resolve().parent.parent
FICTIONAL_CONTENT = ROOT / "tests" / "fixtures" / "cursus" / "geldig"
PASSWORD = "Verzonnen-wachtwoord-42"
# Hashing with argon2 takes a while; every test account shares this one hash.
PASSWORD_HASH = hash_password(PASSWORD)


def new_account(db, role="mantelzorger", **fields) -> Gebruiker:
    """A committed account with a fresh, fictional e-mail address and PASSWORD."""
    with db.session() as session:
        user = Gebruiker(
            email=f"{uuid.uuid4().hex[:10]}@verzonnen.example",
            password_hash=PASSWORD_HASH,
            role=role,
            display_name=fields.pop("display_name", "Verzonnen Persoon"),
            **fields,
        )
        session.add(user)
        session.commit()
        return user


def csrf_token(client, path="/inloggen") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def log_in(client, user_or_email, password=PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    response = client.post("/inloggen", data=data)
    assert response.status_code == 302, "inloggen mislukt"
    return response
