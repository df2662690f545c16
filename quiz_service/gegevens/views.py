"""`/mijn-gegevens`: what is stored about me, a download of all of it, and deleting my account."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Blueprint, Response, redirect, render_template, session, url_for

from .. import db
from ..auth.views import current_user, login_required
from ..bijeenkomsten.views import links as meeting_links
from ..passwords import verify_password
from . import services
from .forms import DeleteAccountForm

bp = Blueprint("gegevens", __name__, url_prefix="/mijn-gegevens")

# bandit B105: a message.
WRONG_PASSWORD = "Dit wachtwoord klopt niet. Uw account is niet verwijderd."  # nosec B105


@bp.route("/")
@login_required()
def mine():
    return render_template("gegevens/mijn_gegevens.html", form=DeleteAccountForm())


@bp.route("/download")
@login_required()
def download():
    document = services.export(db.session(), current_user().id)
    name = f"mijn-gegevens-{datetime.now(UTC).date().isoformat()}.json"
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/verwijderen", methods=["POST"])
@login_required()
def delete():
    form = DeleteAccountForm()
    user = current_user()
    if not form.validate():
        return render_template("gegevens/mijn_gegevens.html", form=form), 400
    if not verify_password(user.password_hash, form.password.data):
        form.password.errors = [*form.password.errors, WRONG_PASSWORD]
        return render_template("gegevens/mijn_gegevens.html", form=form), 400
    services.delete_account(db.session(), user.id, meeting_links(), datetime.now(UTC))
    session.clear()
    return redirect(url_for("gegevens.deleted"), 303)


@bp.route("/verwijderd")
def deleted():
    return render_template("gegevens/verwijderd.html")
