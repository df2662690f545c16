"""Pages for beheerders: organisations, their invite codes and teams, and importing staff."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from .. import audit, db
from ..auth import events, mfa
from ..auth.views import current_user, external_url, login_required, reset_link
from ..forms import ActionForm
from ..localtime import AMSTERDAM
from . import services
from .forms import ImportForm, OrganisationForm, TeamForm

bp = Blueprint("beheer", __name__, url_prefix="/beheer")

# A CSV line of a member of staff is under 100 bytes: 1 MiB holds far more than MAX_ROWS.
IMPORT_MAX_BYTES = 1024 * 1024
IMPORT_RESULT = "beheer_import_resultaat"
TEAMS_SHOWN = 20


@bp.url_value_preprocessor
def _limit_upload_size(endpoint: str | None, _values: Any) -> None:
    # URL value preprocessors run before every before_request function, so the limit is in
    # place before CSRFProtect reads the form (and with it the upload).
    if endpoint == "beheer.import_staff":
        request.max_content_length = IMPORT_MAX_BYTES


def _organisation_or_404(organisatie_id: int):
    try:
        return services.get_organisation(db.session(), organisatie_id)
    except services.NotFound:
        abort(404)


# --- The audit log ---


@bp.route("/logboek")
@login_required("beheerder")
def audit_log():
    rows = [
        {
            "op": line.at.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M"),
            "wie": naam or "(account verwijderd)",
            "rol": line.actor_rol,
            "actie": audit.LABELS.get(line.actie, line.actie),
            "object": f"{line.object_soort} {line.object_id or ''}".strip(),
        }
        for line, naam in audit.recent(db.session(), AUDIT_SHOWN)
    ]
    return render_template("beheer/logboek.html", rows=rows, shown=AUDIT_SHOWN)


AUDIT_SHOWN = 200


# --- Organisations ---


def _overview(form: OrganisationForm, status: int = 200, error: str | None = None):
    rows = services.organisations(db.session())
    return render_template(
        "beheer/overzicht.html", organisations=rows, form=form, error=error
    ), status


@bp.route("/")
@login_required("beheerder")
def overview():
    return _overview(OrganisationForm(formdata=None))


@bp.route("/organisaties", methods=["POST"])
@login_required("beheerder")
def create_organisation():
    form = OrganisationForm()
    if not form.validate():
        return _overview(form, 400)
    try:
        organisatie = services.create_organisation(
            db.session(), form.naam.data, actor=current_user()
        )
    except services.Conflict as error:
        form.naam.errors = [*form.naam.errors, str(error)]
        return _overview(form, 409)
    except services.Invalid as error:
        form.naam.errors = [*form.naam.errors, str(error)]
        return _overview(form, 400)
    flash(f"De organisatie {organisatie.naam} is toegevoegd.")
    return redirect(url_for("beheer.organisation", organisatie_id=organisatie.id), 303)


def _organisation_page(
    organisatie_id: int,
    team_form: TeamForm | None = None,
    import_form: ImportForm | None = None,
    status: int = 200,
):
    organisatie = _organisation_or_404(organisatie_id)
    s = db.session()
    return (
        render_template(
            "beheer/organisatie.html",
            organisatie=organisatie,
            teams=services.teams(s, organisatie_id),
            staff=services.staff(s, organisatie_id, current_app.config["MFA_ROLES"]),
            team_form=team_form or TeamForm(formdata=None),
            import_form=import_form or ImportForm(formdata=None),
            code_form=ActionForm(),
            clear_form=ActionForm(),
            columns=services.COLUMNS,
            roles=services.IMPORT_ROLES,
        ),
        status,
    )


@bp.route("/organisaties/<int:organisatie_id>")
@login_required("beheerder")
def organisation(organisatie_id: int):
    return _organisation_page(organisatie_id)


@bp.route("/organisaties/<int:organisatie_id>/code", methods=["POST"])
@login_required("beheerder")
def renew_code(organisatie_id: int):
    if not ActionForm().validate():
        abort(400)
    try:
        code = services.renew_invite_code(db.session(), organisatie_id, actor=current_user())
    except services.NotFound:
        abort(404)
    flash(f"De nieuwe code is {code}. De oude code werkt niet meer.")
    return redirect(url_for("beheer.organisation", organisatie_id=organisatie_id), 303)


@bp.route("/organisaties/<int:organisatie_id>/teams", methods=["POST"])
@login_required("beheerder")
def add_team(organisatie_id: int):
    _organisation_or_404(organisatie_id)
    form = TeamForm()
    if not form.validate():
        return _organisation_page(organisatie_id, team_form=form, status=400)
    try:
        team = services.add_team(
            db.session(), organisatie_id, form.team_naam.data, actor=current_user()
        )
    except services.NotFound:
        abort(404)
    except services.Conflict as error:
        form.team_naam.errors = [*form.team_naam.errors, str(error)]
        return _organisation_page(organisatie_id, team_form=form, status=409)
    except services.Invalid as error:
        form.team_naam.errors = [*form.team_naam.errors, str(error)]
        return _organisation_page(organisatie_id, team_form=form, status=400)
    flash(f"Het team {team.naam} is toegevoegd.")
    return redirect(url_for("beheer.organisation", organisatie_id=organisatie_id), 303)


# --- The second step of someone who lost their phone ---


@bp.route("/gebruikers/<int:user_id>/tweede-stap-wissen", methods=["POST"])
@login_required("beheerder")
def clear_second_step(user_id: int):
    if not ActionForm().validate():
        abort(400)
    s = db.session()
    try:
        person = services.person(s, user_id)
    except services.NotFound:
        abort(404)
    name, organisatie_id = person.display_name, person.organisatie_id
    if not mfa.clear(s, user_id, actor=current_user()):
        abort(404)
    events.log("tweede_stap_gewist", account=user_id, door=current_user().id)
    flash(
        f"De tweede stap van {name} is gewist. {name} stelt hem opnieuw in bij de volgende "
        "keer inloggen."
    )
    if organisatie_id is None:
        return redirect(url_for("beheer.overview"), 303)
    return redirect(url_for("beheer.organisation", organisatie_id=organisatie_id), 303)


# --- Importing staff ---


def invite_text(organisatie: str, days: int) -> Any:
    """The writer of the invitation mail for staff of this organisation."""
    forgot = external_url("auth.forgot_password")

    def write(naam: str, email: str, link: str) -> str:
        return (
            f"Beste {naam},\n\n"
            f"{organisatie} heeft een account voor u gemaakt bij de Mantelzorgacademie "
            "Flevoland. Daar volgt u trainingen, zoals de training over mantelzorgers.\n\n"
            "Klik op deze link. Daarna kiest u zelf een wachtwoord.\n\n"
            f"{link}\n\n"
            f"De link werkt {days} dagen. U kunt hem één keer gebruiken.\n"
            f"Is de link verlopen? Ga dan naar {forgot} en vraag een nieuwe link aan.\n\n"
            f"U logt in met dit e-mailadres: {email}\n\n"
            "Met vriendelijke groet,\n"
            "Mantelzorgacademie Flevoland\n"
        )

    return write


def _import_page(organisatie_id: int, form: ImportForm, problems: list[str], status: int):
    organisatie = _organisation_or_404(organisatie_id)
    return (
        render_template(
            "beheer/import.html",
            organisatie=organisatie,
            form=form,
            problems=problems,
            columns=services.COLUMNS,
            roles=services.IMPORT_ROLES,
        ),
        status,
    )


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):
    megabytes = IMPORT_MAX_BYTES // (1024 * 1024)
    problem = (
        f"Het bestand is groter dan {megabytes} MB — verdeel de medewerkers over meer bestanden."
    )
    # The body was not read. Every form on the page (also the logout button in base.html)
    # would try again and raise again, so the request has no form data from here on.
    request.form = request.files = ImmutableMultiDict()
    # Raised while CSRFProtect read the form, before `login_required` ran: check the role here.
    user = current_user()
    if user is None or user.role != "beheerder":
        return render_template("auth/fout.html", title="Bestand te groot", message=problem), 413
    # Nothing was read or changed, so there is no CSRF token to check on this page.
    return _import_page(
        request.view_args["organisatie_id"], ImportForm(formdata=None), [problem], 413
    )


@bp.route("/organisaties/<int:organisatie_id>/import", methods=["GET", "POST"])
@login_required("beheerder")
def import_staff(organisatie_id: int):
    organisatie = _organisation_or_404(organisatie_id)
    if request.method == "GET":
        return _import_page(organisatie_id, ImportForm(formdata=None), [], 200)
    form = ImportForm()
    if not form.validate():
        return _import_page(organisatie_id, form, [], 400)
    data = form.bestand.data.read()
    days = current_app.config["INVITE_VALID_DAYS"]
    try:
        result = services.import_staff(
            db.session(),
            organisatie_id,
            data,
            reset_link,
            timedelta(days=days),
            invite_text(organisatie.naam, days),
            actor=current_user(),
        )
    except services.NotFound:
        abort(404)
    except services.ImportProblems as error:
        return _import_page(organisatie_id, form, error.problems, 400)
    session[IMPORT_RESULT] = {
        "organisatie_id": organisatie_id,
        "nieuw": result.nieuw,
        "bijgewerkt": result.bijgewerkt,
        "ongewijzigd": result.ongewijzigd,
        # Only the first names: the session is a cookie.
        "teams": result.teams_aangemaakt[:TEAMS_SHOWN],
        "meer_teams": max(0, len(result.teams_aangemaakt) - TEAMS_SHOWN),
    }
    return redirect(url_for("beheer.import_result", organisatie_id=organisatie_id), 303)


@bp.route("/organisaties/<int:organisatie_id>/import/resultaat")
@login_required("beheerder")
def import_result(organisatie_id: int):
    organisatie = _organisation_or_404(organisatie_id)
    result = session.get(IMPORT_RESULT)
    if not result or result.get("organisatie_id") != organisatie_id:
        return redirect(url_for("beheer.organisation", organisatie_id=organisatie_id), 303)
    return render_template("beheer/import_resultaat.html", organisatie=organisatie, result=result)
