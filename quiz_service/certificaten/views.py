"""The printable certificate, the public verification page and revocation by a beheerder."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from .. import certificates, db, localtime
from ..auth.views import current_user, external_url, login_required
from ..models import Certificaat

bp = Blueprint("certificaten", __name__)


class RevokeForm(FlaskForm):
    reden = TextAreaField(
        "Reden van intrekken",
        validators=[
            DataRequired(message="Schrijf op waarom u het certificaat intrekt."),
            Length(max=500, message="Gebruik hoogstens 500 tekens."),
        ],
    )


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only looks something up

    code = StringField(
        "Code van het certificaat",
        validators=[DataRequired(message="Vul de code in die op het certificaat staat.")],
    )


def status(certificate: Certificaat, today: date | None = None) -> str:
    """'geldig', 'verlopen' or 'ingetrokken'."""
    if certificate.ingetrokken_at is not None:
        return "ingetrokken"
    today = today or localtime.today()
    if certificate.geldig_tot is not None and certificate.geldig_tot < today:
        return "verlopen"
    return "geldig"


def verify_url(code: str) -> str:
    return external_url("certificaten.verify", code=certificates.display_code(code))


def _own_or_404(code: str) -> Certificaat:
    """The certificate for its owner and for beheerders; 404 for everyone else."""
    certificate = certificates.find(db.session(), code)
    user = current_user()
    if certificate is None or not (user.role == "beheerder" or certificate.gebruiker_id == user.id):
        abort(404)
    return certificate


@bp.route("/academie/certificaten/<code>")
@login_required()
def show(code: str):
    certificate = _own_or_404(code)
    return render_template(
        "certificaten/certificaat.html",
        certificate=certificate,
        status=status(certificate),
        verify_url=verify_url(certificate.code),
        form=RevokeForm() if current_user().role == "beheerder" else None,
    )


@bp.route("/academie/certificaten/<code>/intrekken", methods=["POST"])
@login_required("beheerder")
def revoke(code: str):
    certificate = _own_or_404(code)
    form = RevokeForm()
    if not form.validate():
        return (
            render_template(
                "certificaten/certificaat.html",
                certificate=certificate,
                status=status(certificate),
                verify_url=verify_url(certificate.code),
                form=form,
            ),
            400,
        )
    certificates.revoke(db.session(), certificate.id, form.reden.data.strip(), actor=current_user())
    flash("Het certificaat is ingetrokken.")
    return redirect(url_for("certificaten.show", code=certificate.code), 303)


@bp.route("/verifieer", strict_slashes=False)
def lookup():
    """A form to type a code from a paper certificate; works without JavaScript."""
    form = VerifyForm(request.args)
    if "code" in request.args and form.validate():
        return redirect(url_for("certificaten.verify", code=form.code.data.strip()), 303)
    status_code = 400 if "code" in request.args else 200
    return render_template("certificaten/verifieer.html", form=form, result=None), status_code


@bp.route("/verifieer/<code>")
def verify(code: str):
    """Public: only what is needed to check a certificate, never the score or the e-mail."""
    certificate = certificates.find(db.session(), code)
    form = VerifyForm(data={"code": code})
    if certificate is None:
        return render_template(
            "certificaten/verifieer.html", form=form, result=None, searched=True
        ), 404
    return render_template(
        "certificaten/verifieer.html",
        form=form,
        result=certificate,
        status=status(certificate),
        searched=True,
    )
