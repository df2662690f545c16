"""Stable UUIDv5 ids derived from slugs, so exports keep their ids across builds (HSDS needs UUIDs)."""

from __future__ import annotations

import uuid

# uuid5(NAMESPACE_URL, "https://mantelzorgacademie-flevoland.nl/sociale-kaart"), written out so
# that a change of site address never changes the published ids.
NAMESPACE = uuid.UUID("8f0b3c5e-3a52-5c4f-9a43-6f7d0d2a9c11")


def make_id(kind: str, *parts: str) -> str:
    """E.g. make_id("org", "steunpunt-dronten") or make_id("svc", org, service)."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{'/'.join(parts)}"))
