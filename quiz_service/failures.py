"""When the database cannot take a write (locked, disk full, gone): a Dutch page, status 503.

Every write in the service is one transaction, committed at its end. When that commit fails,
the request's session is rolled back here, so nothing of the request stays behind, and the
person is told in plain words that nothing was saved and to try again in a moment: never a
Python traceback, and never a page that says "gelukt" without a committed row.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

TITLE = "Even niet beschikbaar"
MESSAGE = (
    "Het lukt nu niet om uw gegevens op te slaan. Er is niets veranderd. "
    "Probeer het over een paar minuten opnieuw."
)
PLAIN_PAGE = (
    f'<!doctype html><html lang="nl"><meta charset="utf-8"><title>{TITLE}</title>'
    f'<h1>{TITLE}</h1><p>{MESSAGE}</p><p><a href="/">Naar de startpagina</a></p></html>'
)
# Seconds a browser or script may wait before it tries again.
RETRY_AFTER = "60"


def _database_unavailable(error: OperationalError):
    # 'database is locked', 'database or disk is full', a PostgreSQL server that went away:
    # all are the database refusing for now, not a mistake of the person.
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    log.error("database niet beschikbaar bij %s %s: %s", request.method, request.path, error.orig)
    if request.blueprint == "api":
        return jsonify({"fout": MESSAGE, "status": 503}), 503, {"Retry-After": RETRY_AFTER}
    try:
        page = render_template("auth/fout.html", title=TITLE, message=MESSAGE)
    except OperationalError:
        # The page's menu asks the database who is logged in; when even reading fails, a
        # page without the menu still tells the person what happened.
        page = PLAIN_PAGE
    return page, 503, {"Retry-After": RETRY_AFTER}


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, _database_unavailable)
