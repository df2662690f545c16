"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendations)."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash (`$argon2id$...`) with a fresh salt; the password itself is not kept."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True if `password` matches; a malformed hash counts as no match, never as an error."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True if the hash was made with weaker parameters than today's; rehash it at login."""
    return _hasher.check_needs_rehash(password_hash)


# --- Passwords too easy to guess (ASVS 5.0 V6.2.4, V6.2.11) ---

# Words about this service that an attacker tries first, alone or run together
# ("mantelzorgacademie", "flevolandmantelzorg"), with any digits or signs around them.
CONTEXT_WORDS = ("mantelzorg", "mantelzorger", "academie", "flevoland", "wachtwoord", "welkom")

GUESSABLE = (
    "Dit wachtwoord is te makkelijk te raden: veel mensen gebruiken het, of het is de naam van "
    "deze website. Kies iets anders, bijvoorbeeld drie of vier gewone woorden achter elkaar."
)


@functools.cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords of leaked lists; read once, on first use.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _only_context_words(letters: str, words: tuple[str, ...]) -> bool:
    """True if `letters` is nothing but the context words, one after the other."""
    if not letters:
        return True
    return any(
        letters.startswith(word) and _only_context_words(letters[len(word) :], words)
        for word in words
    )


def is_guessable(password: str, context: tuple[str, ...] = ()) -> bool:
    """True for a common password, or one made only of this site's words or `context` words
    (such as the local part of the person's e-mail address), digits and signs.

    Lower-cased and without spaces, digits and signs, so "Mantelzorg Academie 2026!" and
    "Password1234" count as what they are.
    """
    plain = "".join(password.lower().split())
    letters = "".join(ch for ch in plain if ch.isalpha())
    if plain in _common_passwords() or (len(letters) >= 4 and letters in _common_passwords()):
        return True
    words = tuple(w for w in (*CONTEXT_WORDS, *(c.lower() for c in context)) if len(w) >= 3)
    return _only_context_words(letters, words)
