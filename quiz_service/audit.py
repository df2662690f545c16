"""The audit log: a line for every administrative action, in the action's own transaction.

`record` only adds the line to the session; the caller's commit writes it together with the
change, and the caller's rollback drops both. So the log never names a change that did not
happen, and no committed change lacks its line.

Never put health-revealing facts in `details` (the themes of someone's meetings, their quiz
answers): the log is kept longer than the data it describes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import Base
from .models import AuditRegel, Gebruiker

# The actions that are logged, and how the log page names each one. `record` refuses any
# other action, so a typo in a call site fails at once instead of writing a line nobody
# searches for.
LABELS = {
    "organisatie_toegevoegd": "Organisatie toegevoegd",
    "uitnodigingscode_vernieuwd": "Nieuwe code voor aansluiten",
    "team_toegevoegd": "Team toegevoegd",
    "medewerkers_geimporteerd": "Medewerkers geïmporteerd",
    "rol_gewijzigd": "Rol veranderd",
    "certificaat_ingetrokken": "Certificaat ingetrokken",
    "bijeenkomst_geannuleerd": "Bijeenkomst geannuleerd",
    "tweede_stap_gewist": "Tweede stap gewist",
}

ACTIONS = tuple(LABELS)

# Written as the actor's role when nobody was signed in (the command line).
COMMAND_LINE = "opdrachtregel"


def record(
    session: Session,
    actor: Gebruiker | None,
    action: str,
    obj: Base | tuple[str, int | None],
    details: dict[str, Any] | None = None,
) -> AuditRegel:
    """Add a line for `action` by `actor` on `obj` (a model or `(table name, id)`).

    Flushes a new `obj` to learn its id. Does not commit.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action: {action}")
    if isinstance(obj, tuple):
        kind, object_id = obj
    else:
        if obj.id is None:
            session.flush()
        kind, object_id = type(obj).__tablename__, obj.id
    line = AuditRegel(
        actor_id=actor.id if actor is not None else None,
        actor_rol=actor.role if actor is not None else COMMAND_LINE,
        actie=action,
        object_soort=kind,
        object_id=object_id,
        details=details or {},
    )
    session.add(line)
    return line


def recent(session: Session, limit: int = 200) -> list[tuple[AuditRegel, str | None]]:
    """The newest lines first, each with the actor's name (None once their account is gone)."""
    return list(
        session.execute(
            select(AuditRegel, Gebruiker.display_name)
            .outerjoin(Gebruiker, Gebruiker.id == AuditRegel.actor_id)
            .order_by(AuditRegel.id.desc())
            .limit(limit)
        ).all()
    )
