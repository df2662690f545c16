"""The service's side of search: the opened indexes, and keeping the meetings' index current.

The portal's index is built by `site-builder build` into ZOEKINDEX_DIR/portaal; the meetings
change while the service runs, so the service rebuilds their small index (in
ZOEKINDEX_DIR/bijeenkomsten) after every change and at start-up.

The indexes are warmed when they are opened (see site_builder.search: the first query of a
common word read its postings, tens of milliseconds), and the service opens them in the
background from its first request on (about a second at 11,000 documents; a search in that
second waits for it, and none pays for a cold index). Not at
create_app: the command-line jobs make an app too, and a thread still reading the index when
such a short job ends can crash the interpreter's shutdown.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.orm import Session

from site_builder import search, settings
from site_builder.search_docs import all_gemeenten

from .. import db
from ..bijeenkomsten import mails, services
from ..bijeenkomsten.keuzes import GENERAL_THEMES, Choices, choices
from ..db import ROOT

log = logging.getLogger(__name__)


# Meetings that have ended leave the search within this many seconds, without a change.
MEETINGS_MAX_AGE = 3600


def init_app(app: Flask) -> None:
    # A test app without its own folder gets a fresh one, so no test writes into instance/.
    if app.testing:
        app.config.setdefault("ZOEKINDEX_DIR", tempfile.mkdtemp(prefix="mza-zoekindex-"))
    app.config.setdefault("ZOEKINDEX_DIR", settings.get("MZA_ZOEKINDEX_DIR"))
    # Tests open small indexes; a thread per test app would only add noise.
    app.config.setdefault("ZOEKINDEX_WARM", not app.testing)
    if app.config["ZOEKINDEX_WARM"]:
        app.before_request(_start_warming)


def index_dir(app: Flask) -> Path:
    path = Path(app.config["ZOEKINDEX_DIR"])
    return path if path.is_absolute() else ROOT / path


_LOCK = threading.Lock()


def app_search(app: Flask) -> search.Search:
    """The app's search, made once; it notices a rebuilt index by itself and warms it."""
    found = app.extensions.get("zoeken")
    if found is None:
        with _LOCK:
            found = app.extensions.get("zoeken")
            if found is None:
                base = index_dir(app)
                found = app.extensions["zoeken"] = search.Search(
                    base / "portaal", base / "bijeenkomsten", warm=True
                )
    return found


def searcher() -> search.Search:
    """The app's search for this request.

    The meetings' index is made on first use and again when it is an hour old, so meetings
    that have ended drop out even when nothing changes.
    """
    if search.age(index_dir(current_app) / "bijeenkomsten") > MEETINGS_MAX_AGE:
        refresh_meetings(db.session(), choices())
    return app_search(current_app)


def _warm(app: Flask) -> None:
    try:
        app_search(app).open()
    except Exception:  # the first search will try again, and say what is wrong
        log.exception("De zoekindex is niet vooraf geopend")


def _start_warming() -> None:
    """Before the first request: open and warm the indexes in a thread of their own."""
    app = current_app._get_current_object()
    if "zoeken-opwarmen" in app.extensions:
        return
    with _LOCK:
        if "zoeken-opwarmen" in app.extensions:
            return
        thread = threading.Thread(target=_warm, args=(app,), name="zoekindex-opwarmen", daemon=True)
        app.extensions["zoeken-opwarmen"] = thread
    thread.start()


class _Gemeenten:
    """What search_docs.all_gemeenten needs of the sociale kaart's lists."""

    def __init__(self, choices: Choices):
        self.gemeenten = {code: name for code, name in choices.gemeenten.items() if code != "PV24"}


def meeting_docs(session: Session, choices: Choices, now: datetime) -> list[search.Doc]:
    docs = []
    for meeting in services.agenda(session, services.Filters(), now):
        thema_is_ziektebeeld = meeting.thema not in GENERAL_THEMES
        docs.append(
            search.Doc(
                id=f"bijeenkomst:{meeting.id}",
                soort="bijeenkomst",
                title=meeting.titel,
                url=f"/bijeenkomsten/{meeting.id}",
                description=meeting.beschrijving[:300],
                body=f"{meeting.beschrijving} {choices.thema_naam(meeting.thema)}",
                plaats=" ".join(
                    filter(None, [choices.gemeente_naam(meeting.gemeente), meeting.adres or ""])
                ),
                datum=mails.when(meeting),
                gemeente=all_gemeenten([meeting.gemeente], _Gemeenten(choices)),
                ziektebeeld=[meeting.thema] if thema_is_ziektebeeld else [],
            )
        )
    return docs


def refresh_meetings(session: Session, choices: Choices) -> None:
    """Rebuild the meetings' index from the database. Never raises: a search that misses a
    new meeting for a while is better than a failed save."""
    try:
        docs = meeting_docs(session, choices, datetime.now(UTC))
        session.rollback()
        search.replace_all(index_dir(current_app) / "bijeenkomsten", docs)
    except Exception:
        log.exception("De zoekindex van de bijeenkomsten is niet bijgewerkt")
