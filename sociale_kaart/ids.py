"""Stable UUIDv5 ids derived from slugs, so exports keep their ids across builds (HSDS needs UUIDs)."""

from __future__ import annotations

import hashlib
import uuid
from functools import lru_cache

# uuid5(NAMESPACE_URL, "https://mantelzorgacademie-flevoland.nl/sociale-kaart"), written out so
# that a change of site address never changes the published ids.
NAMESPACE = uuid.UUID("8f0b3c5e-3a52-5c4f-9a43-6f7d0d2a9c11")
_NAMESPACE_BYTES = NAMESPACE.bytes


# Cached: the exports ask for the same taxonomy and organisation ids many times per build.
@lru_cache(maxsize=1 << 16)
def make_id(kind: str, *parts: str) -> str:
    """E.g. make_id("org", "steunpunt-dronten") or make_id("svc", org, service).

    The same value as str(uuid.uuid5(NAMESPACE, "kind:part/part")), without building a UUID
    object: the exports of 10,000 organisations make some 200,000 ids.
    """
    name = f"{kind}:{'/'.join(parts)}".encode()
    raw = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name, usedforsecurity=False).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    hexed = raw.hex()
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"
