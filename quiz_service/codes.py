"""Codes people read aloud and type from paper: certificate codes and invite codes.

Random, from an alphabet without look-alikes (0/O, 1/I/L), shown in groups of four; what
people type back is accepted in any case, with or without spaces and dashes.
"""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUP = 4


def random_code(length: int) -> str:
    """`length` characters from ALPHABET; 12 of them are about 59 bits, too many to guess."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def letters(typed: str) -> str:
    """'k7qm-xw2d 9hrt' → 'K7QMXW2D9HRT'."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def grouped(code: str) -> str:
    """'K7QMXW2D9HRT' → 'K7QM-XW2D-9HRT'."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
