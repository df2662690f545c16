"""`/api/v1/...`: read-only JSON for courses, quizzes, attempts and progress.

The same access rules as the pages: what belongs to a person needs their session, and another
person's attempt is 404. Errors are JSON too ({"fout": ..., "status": ...}), never an HTML page
or a redirect to the login page.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException, NotFound

from .. import db, localtime
from ..auth.views import current_user
from ..catalog import catalog
from ..models import Poging
from ..quiz.views import visible_attempt
from ..voortgang import services as voortgang
from ..zoeken.views import run_query
from . import openapi, serialize

bp = Blueprint("api", __name__, url_prefix="/api")

MESSAGES = {
    401: "U bent niet ingelogd. Log in op de website en probeer het opnieuw.",
    403: "Met dit account heeft u hier geen toegang toe.",
    404: "Dit bestaat niet, of het is niet van u.",
    405: "Deze methode kan hier niet.",
}


def _json_error(error: HTTPException):
    status = error.code or 500
    return jsonify({"fout": MESSAGES[status], "status": status}), status


# Per status code: Flask prefers an app-wide handler for a code (the portal's 404 page) over
# a blueprint's handler for HTTPException in general.
for _status in MESSAGES:
    bp.register_error_handler(_status, _json_error)


@bp.before_app_request
def _json_for_unrouted_api_paths():
    """/api/v1/pogingen/abc matches no API route (the id is no integer) but the portal's
    catch-all one, whose 404 is an HTML page: answer every such path in JSON too."""
    if not request.path.startswith(bp.url_prefix + "/"):
        return None
    error = request.routing_exception
    if isinstance(error, HTTPException) and error.code in MESSAGES:
        return _json_error(error)
    if error is None and not (request.endpoint or "").startswith(bp.name + "."):
        return _json_error(NotFound())
    return None


def _signed_in_user():
    user = current_user()
    if user is None:
        abort(401)
    return user


@bp.route("/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.route("/v1/cursussen")
def courses():
    found = catalog()
    ordered = sorted(found.courses.values(), key=lambda c: c.titel)
    return jsonify([serialize.course(course, found) for course in ordered])


@bp.route("/v1/cursussen/<slug>")
def course(slug: str):
    found = catalog()
    if slug not in found.courses:
        abort(404)
    return jsonify(serialize.course(found.courses[slug], found))


@bp.route("/v1/toetsen")
def ziektebeeld_quizzes():
    items = sorted(catalog().ziektebeelden.items(), key=lambda item: item[1].titel)
    return jsonify([serialize.ziektebeeld_quiz(slug, quiz) for slug, quiz in items])


@bp.route("/v1/pogingen")
def my_attempts():
    user = _signed_in_user()
    attempts = db.session().scalars(
        select(Poging)
        .where(Poging.gebruiker_id == user.id)
        .order_by(Poging.started_at.desc(), Poging.id.desc())
    )
    return jsonify([serialize.attempt_summary(a) for a in attempts])


@bp.route("/v1/pogingen/<int:poging_id>")
def attempt(poging_id: int):
    found = visible_attempt(poging_id)
    if found is None:
        abort(404)
    return jsonify(serialize.attempt(found))


@bp.route("/v1/voortgang")
def my_progress():
    user = _signed_in_user()
    progress = voortgang.my_progress(db.session(), user, catalog(), localtime.today())
    return jsonify(serialize.my_progress(progress))


@bp.route("/v1/teams/<int:team_id>/voortgang")
def team_progress(team_id: int):
    user = _signed_in_user()
    try:
        team = voortgang.team_for(db.session(), user, team_id)
    except voortgang.NotAllowed:
        abort(403)
    except voortgang.NotFound:
        abort(404)
    report = voortgang.team_report(db.session(), team, catalog(), localtime.today())
    return jsonify(serialize.team_report(report))


@bp.route("/zoeken")
def search_results():
    """The same search as /zoeken, as JSON (for the embed and for suggestions while typing)."""
    found, _filters = run_query()
    return jsonify(serialize.search_results(found))
