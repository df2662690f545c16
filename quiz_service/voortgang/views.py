"""Pages for progress: "Mijn voortgang", the team reports, assignments and team members.

The views only translate HTTP to and from quiz_service.voortgang.services: NotAllowed is 403,
NotFound 404 (also for another organisation's team or person), InvalidInput 400 and Conflict
409, each with the page again and what the user typed.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from .. import db, localtime
from ..auth.views import current_user, login_required
from ..catalog import catalog, course_key
from ..forms import ActionForm
from ..localtime import dutch_date
from . import services
from .forms import AddMemberForm, AssignForm

bp = Blueprint("voortgang", __name__, url_prefix="/academie")

MANAGERS = services.MANAGER_ROLES


def _render(template: str, status: int = 200, **context):
    return (
        render_template(
            template,
            dutch_date=dutch_date,
            statuses=services.STATUSES,
            status_code=status,
            **context,
        ),
        status,
    )


@bp.route("/voortgang")
@login_required()
def mine():
    user = current_user()
    today = localtime.today()
    progress = services.my_progress(db.session(), user, catalog(), today)
    return _render(
        "voortgang/mijn.html",
        progress=progress,
        today=today,
        manager=services.may_manage(user),
    )


@bp.route("/teams")
@login_required(*MANAGERS)
def teams():
    try:
        found = services.visible_teams(db.session(), current_user())
    except services.NotAllowed:
        abort(403)
    return _render("voortgang/teams.html", teams=found)


def _team_or_abort(team_id: int):
    try:
        return services.team_for(db.session(), current_user(), team_id)
    except services.NotAllowed:
        abort(403)
    except services.NotFound:
        abort(404)


def _assign_form(form: AssignForm | None = None) -> AssignForm:
    form = form or AssignForm()
    form.cursus.choices = [
        SelectChoice(value="", label="Kies een cursus"),
        *(
            SelectChoice(value=c.slug, label=c.titel)
            for c in services.assignable_courses(catalog())
        ),
    ]
    return form


def _member_form(team, form: AddMemberForm | None = None) -> AddMemberForm:
    form = form or AddMemberForm()
    form.gebruiker.choices = [
        SelectChoice(value=str(p.id), label=f"{p.display_name} ({p.email})")
        for p in services.colleagues_without_team(db.session(), team)
    ]
    return form


def _team_page(
    team_id: int,
    status: int = 200,
    assign_form: AssignForm | None = None,
    member_form: AddMemberForm | None = None,
):
    team = _team_or_abort(team_id)
    today = localtime.today()
    return _render(
        "voortgang/team.html",
        status,
        team=team,
        report=services.team_report(db.session(), team, catalog(), today),
        assign_form=_assign_form(assign_form),
        member_form=_member_form(team, member_form),
        action_form=ActionForm(),
        today=today,
    )


@bp.route("/teams/<int:team_id>")
@login_required(*MANAGERS)
def team(team_id: int):
    return _team_page(team_id)


def _back(team_id: int):
    # Post/Redirect/Get: a reload of the page never sends the form again.
    return redirect(url_for("voortgang.team", team_id=team_id), 303)


@bp.route("/teams/<int:team_id>/toewijzingen", methods=["POST"])
@login_required(*MANAGERS)
def assign(team_id: int):
    _team_or_abort(team_id)  # another organisation's team is a 404 before any input is read
    form = _assign_form()
    if not form.validate():
        return _team_page(team_id, 400, assign_form=form)
    try:
        created = services.assign_course(
            db.session(),
            current_user(),
            team_id,
            form.cursus.data,
            form.deadline.data,
            catalog(),
            localtime.today(),
        )
    except services.NotAllowed:
        abort(403)
    except services.NotFound:
        abort(404)
    except services.InvalidInput as problem:
        field = getattr(form, problem.field)
        field.errors = [*field.errors, problem.message]
        return _team_page(team_id, 400, assign_form=form)
    title = catalog().courses[form.cursus.data].titel
    if created:
        flash(f"De cursus ‘{title}’ is toegewezen aan dit team.")
    elif form.deadline.data:
        flash(f"De deadline van ‘{title}’ is nu {dutch_date(form.deadline.data)}.")
    else:
        flash(f"De cursus ‘{title}’ heeft nu geen deadline meer.")
    return _back(team_id)


@bp.route("/teams/<int:team_id>/toewijzingen/<slug>/intrekken", methods=["POST"])
@login_required(*MANAGERS)
def withdraw(team_id: int, slug: str):
    _team_or_abort(team_id)
    if not ActionForm().validate():
        abort(400)
    try:
        withdrawn = services.withdraw_assignment(db.session(), current_user(), team_id, slug)
    except services.NotAllowed:
        abort(403)
    except services.NotFound:
        abort(404)
    title = catalog().title(course_key(slug))
    if withdrawn:
        flash(f"De cursus ‘{title}’ is niet meer toegewezen aan dit team.")
    else:
        flash(f"De cursus ‘{title}’ was al niet meer toegewezen.")
    return _back(team_id)


@bp.route("/teams/<int:team_id>/leden", methods=["POST"])
@login_required(*MANAGERS)
def add_member(team_id: int):
    team = _team_or_abort(team_id)
    form = _member_form(team)
    if not form.validate():
        return _team_page(team_id, 400, member_form=form)
    try:
        added = services.add_member(db.session(), current_user(), team_id, form.gebruiker.data)
    except services.NotAllowed:
        abort(403)
    except services.NotFound:
        abort(404)
    except services.InvalidInput as problem:
        form.gebruiker.errors = [*form.gebruiker.errors, problem.message]
        return _team_page(team_id, 400, member_form=form)
    except services.Conflict as problem:
        form.gebruiker.errors = [*form.gebruiker.errors, problem.message]
        return _team_page(team_id, 409, member_form=form)
    flash(
        "De medewerker is toegevoegd aan dit team."
        if added
        else "Deze medewerker zat al in dit team."
    )
    return _back(team_id)


@bp.route("/teams/<int:team_id>/leden/<int:user_id>/verwijderen", methods=["POST"])
@login_required(*MANAGERS)
def remove_member(team_id: int, user_id: int):
    _team_or_abort(team_id)
    if not ActionForm().validate():
        abort(400)
    try:
        removed = services.remove_member(db.session(), current_user(), team_id, user_id)
    except services.NotAllowed:
        abort(403)
    except services.NotFound:
        abort(404)
    flash(
        "De medewerker is uit dit team gehaald. Wat hij of zij al gedaan heeft, blijft bewaard."
        if removed
        else "Deze medewerker zat al niet meer in dit team."
    )
    return _back(team_id)


@bp.route("/teams/<int:team_id>/export.csv")
@login_required(*MANAGERS)
def export(team_id: int):
    team = _team_or_abort(team_id)
    today = localtime.today()
    report = services.team_report(db.session(), team, catalog(), today)
    return Response(
        services.report_csv(report),
        mimetype="text/csv",
        headers={
            # An ASCII name: every browser and Excel handle it; the team's name is inside.
            "Content-Disposition": f'attachment; filename="voortgang-team-{team.id}-{today}.csv"',
            # Names and e-mail addresses: no shared cache may keep a copy.
            "Cache-Control": "private, no-store",
        },
    )
