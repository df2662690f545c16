"""Pages for lotgenoten meetings: the agenda, a meeting, signing up, calendar files, and the
organisator's pages. The rules are in services and signups; the views translate HTTP.

NotAllowed is 403; NotFound is 404, also for another organisation's meeting; bad input is 400
with the form again as it was typed; a closed meeting or a second sign-up is 409.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from wtforms.fields.choices import SelectChoice

from site_builder import settings

from .. import db
from ..auth.views import current_user, external_url, limiter, login_required
from ..errors import InvalidInput, NotAllowed, NotFound
from ..forms import ActionForm

# The meetings are part of the site's search; it learns of every change at once.
from ..zoeken.index import refresh_meetings
from . import agenda as ics
from . import mails, services, signups
from .forms import AccountSignupForm, CancelMeetingForm, MeetingForm, SignupForm
from .keuzes import choices

bp = Blueprint("bijeenkomsten", __name__, url_prefix="/bijeenkomsten")


def init_app(app: Flask) -> None:
    app.config.setdefault("SIGNUP_LIMIT_PER_IP", settings.get("MZA_AANMELD_LIMIT_PER_IP"))
    app.config.setdefault(
        "BIJEENKOMST_BEWAARDAGEN", int(settings.get("MZA_BIJEENKOMST_BEWAARDAGEN"))
    )
    app.register_blueprint(bp)


CLOSED_CANCELLED = "Deze bijeenkomst gaat niet door. Aanmelden kan niet meer."
CLOSED_STARTED = "Deze bijeenkomst is al begonnen of voorbij. Aanmelden kan niet meer."
ALREADY = "U bent al aangemeld voor deze bijeenkomst."


def _now() -> datetime:
    return datetime.now(UTC)


def links() -> mails.Links:
    """Links for mails, on the configured site address (see auth.views.external_url)."""
    secret = current_app.secret_key
    return mails.Links(
        meeting=lambda meeting_id: external_url("bijeenkomsten.detail", meeting_id=meeting_id),
        signup=lambda signup: external_url(
            "bijeenkomsten.signup", token=signups.token_for(signup, secret)
        ),
        calendar=lambda meeting_id: external_url(
            "bijeenkomsten.meeting_ics", meeting_id=meeting_id
        ),
        agenda=external_url("bijeenkomsten.agenda"),
    )


def _render(template: str, status: int = 200, **context):
    return (
        render_template(
            template,
            keuzes=choices(),
            when=mails.when,
            where=mails.where,
            status_code=status,
            **context,
        ),
        status,
    )


# --- The agenda ---


def _filters():
    return services.clean_filters(
        request.args.get("gemeente", ""),
        request.args.get("thema", ""),
        request.args.get("vorm", ""),
        choices(),
    )


@bp.route("/agenda")
def agenda():
    filters = _filters()
    session = db.session()
    user = current_user()
    mine = signups.of_user(session, user.id) if user else []
    # Absolute, on the site address: the link is copied into a calendar app, not clicked.
    if filters.thema:
        feed = external_url("bijeenkomsten.feed_thema", slug=filters.thema)
    elif filters.gemeente:
        feed = external_url("bijeenkomsten.feed_gemeente", code=filters.gemeente)
    else:
        feed = external_url("bijeenkomsten.feed_all")
    return _render(
        "bijeenkomsten/agenda.html",
        filters=filters,
        meetings=services.agenda(session, filters, _now()),
        mine=mine,
        feed=feed,
    )


def _calendar(meetings, name: str) -> Response:
    body = ics.calendar(
        meetings,
        name,
        external_url(request.endpoint, **(request.view_args or {})),
        lambda meeting: external_url("bijeenkomsten.detail", meeting_id=meeting.id),
        choices(),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=bijeenkomsten.ics"
    return response


@bp.route("/agenda.ics")
def feed_all():
    meetings = services.feed(db.session(), services.Filters(), _now())
    return _calendar(meetings, "Bijeenkomsten voor mantelzorgers in Flevoland")


@bp.route("/gemeente/<code>.ics")
def feed_gemeente(code: str):
    if code not in choices().gemeenten:
        abort(404)
    meetings = services.feed(db.session(), services.Filters(gemeente=code), _now())
    return _calendar(
        meetings, f"Bijeenkomsten voor mantelzorgers in {choices().gemeente_naam(code)}"
    )


@bp.route("/thema/<slug>.ics")
def feed_thema(slug: str):
    if slug not in choices().themas:
        abort(404)
    meetings = services.feed(db.session(), services.Filters(thema=slug), _now())
    return _calendar(meetings, f"Bijeenkomsten: {choices().thema_naam(slug)}")


# --- One meeting ---


def _meeting_or_404(meeting_id: int):
    try:
        return services.public_meeting(db.session(), meeting_id)
    except NotFound:
        abort(404)


def _detail_page(meeting_id: int, status: int = 200, form=None, error: str | None = None):
    meeting = _meeting_or_404(meeting_id)
    user = current_user()
    session = db.session()
    mine = signups.of_user_for(session, user.id, meeting_id) if user else None
    if form is None:
        form = AccountSignupForm() if user else SignupForm()
    return _render(
        "bijeenkomsten/detail.html",
        status,
        meeting=meeting,
        form=form,
        error=error,
        mine=mine,
        position=signups.position(session, mine) if mine else None,
        open=meeting.geannuleerd_at is None and meeting.begint_at > _now(),
        others=services.series(session, meeting, _now()),
        action_form=ActionForm(),
    )


@bp.route("/<int:meeting_id>")
def detail(meeting_id: int):
    return _detail_page(meeting_id)


@bp.route("/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    response = _calendar([meeting], meeting.titel)
    response.headers["Content-Disposition"] = f"attachment; filename=bijeenkomst-{meeting.id}.ics"
    return response


def _closed_message(error: signups.Closed) -> str:
    return CLOSED_CANCELLED if error.cancelled else CLOSED_STARTED


def _signed_in() -> bool:
    # Only sign-ups without an account send a mail to an address the visitor typed: those
    # are limited, so nobody can flood someone's mailbox through our form.
    return current_user() is not None


@bp.route("/<int:meeting_id>/aanmelden", methods=["POST"])
@limiter.limit(
    lambda: current_app.config["SIGNUP_LIMIT_PER_IP"],
    exempt_when=_signed_in,
    scope="signup-ip",
)
def sign_up(meeting_id: int):
    user = current_user()
    form = AccountSignupForm() if user else SignupForm()
    _meeting_or_404(meeting_id)
    if not form.validate():
        return _detail_page(meeting_id, 400, form)
    session = db.session()
    try:
        if user:
            outcome = signups.sign_up_with_account(session, user, meeting_id, links(), _now())
        else:
            signups.sign_up_by_mail(
                session, meeting_id, form.naam.data, form.email.data, links(), _now()
            )
    except signups.Closed as error:
        return _detail_page(meeting_id, 409, form, _closed_message(error))
    except signups.AlreadySignedUp:
        return _detail_page(meeting_id, 409, form, ALREADY)
    if not user:
        return redirect(url_for("bijeenkomsten.check_mail", meeting_id=meeting_id), 303)
    if outcome.status == signups.CONFIRMED:
        flash("U bent aangemeld. U krijgt ook een e-mail.")
    else:
        flash(f"De bijeenkomst is vol. U staat op de wachtlijst, op plaats {outcome.position}.")
    return redirect(url_for("bijeenkomsten.detail", meeting_id=meeting_id), 303)


@bp.route("/<int:meeting_id>/kijk-in-uw-mail")
def check_mail(meeting_id: int):
    return _render("bijeenkomsten/kijk_in_uw_mail.html", meeting=_meeting_or_404(meeting_id))


@bp.route("/<int:meeting_id>/afmelden", methods=["POST"])
@login_required()
def cancel_mine(meeting_id: int):
    """Cancelling from the meeting page, for a signed-in person."""
    if not ActionForm().validate():
        abort(400)
    session = db.session()
    mine = signups.of_user_for(session, current_user().id, meeting_id)
    if mine is None:
        abort(404)
    signups.cancel(session, mine.id, links(), _now())
    flash("U bent afgemeld. U krijgt ook een e-mail.")
    return redirect(url_for("bijeenkomsten.detail", meeting_id=meeting_id), 303)


# --- A sign-up's own page (the link in the mails) ---


def _signup_or_404(token: str):
    try:
        return signups.find_by_token(db.session(), token, current_app.secret_key)
    except NotFound:
        abort(404)


def _signup_page(token: str, status: int = 200, error: str | None = None):
    signup = _signup_or_404(token)
    return _render(
        "bijeenkomsten/aanmelding.html",
        status,
        signup=signup,
        meeting=signup.bijeenkomst,
        position=signups.position(db.session(), signup),
        token=token,
        action_form=ActionForm(),
        error=error,
    )


@bp.route("/aanmelding/<token>")
def signup(token: str):
    # Only a page with buttons: mail programs open links to check them, and that must not
    # confirm or cancel anything.
    return _signup_page(token)


@bp.route("/aanmelding/<token>/bevestigen", methods=["POST"])
def confirm(token: str):
    if not ActionForm().validate():
        abort(400)
    signup = _signup_or_404(token)
    try:
        signups.confirm(db.session(), signup.id, links(), _now())
    except signups.Closed as error:
        return _signup_page(token, 409, _closed_message(error))
    return redirect(url_for("bijeenkomsten.signup", token=token), 303)


@bp.route("/aanmelding/<token>/afmelden", methods=["POST"])
def cancel_by_link(token: str):
    if not ActionForm().validate():
        abort(400)
    signup = _signup_or_404(token)
    signups.cancel(db.session(), signup.id, links(), _now())
    return redirect(url_for("bijeenkomsten.signup", token=token), 303)


# --- The organisator's pages ---

ORGANISER = services.ORGANISER_ROLE


def _organiser_meeting(meeting_id: int):
    try:
        return services.meeting_for_organiser(db.session(), current_user(), meeting_id)
    except NotAllowed:
        abort(403)
    except NotFound:
        abort(404)


@bp.route("/beheer")
@login_required(ORGANISER)
def manage():
    try:
        coming, past = services.own_meetings(db.session(), current_user(), _now())
    except NotAllowed:
        abort(403)
    return _render("bijeenkomsten/beheer.html", coming=coming, past=past)


def _meeting_form(form: MeetingForm | None = None) -> MeetingForm:
    form = form or MeetingForm()
    keuzes = choices()
    form.thema.choices = [SelectChoice("", "Kies een thema")] + [
        SelectChoice(slug, name) for slug, name in keuzes.themas.items()
    ]
    form.gemeente.choices = [SelectChoice("", "Kies een gemeente")] + [
        SelectChoice(code, name) for code, name in keuzes.gemeenten.items()
    ]
    form.locatie_id.choices = [SelectChoice("", "Geen: ik vul de plek zelf in")] + [
        SelectChoice(place.id, f"{place.naam} ({place.adres or place.organisatie})")
        for place in keuzes.locaties.values()
    ]
    form.toegankelijkheid.choices = [
        SelectChoice(code, name) for code, name in keuzes.toegankelijkheid.items()
    ]
    return form


def _fill(form: MeetingForm, data: services.MeetingInput) -> None:
    for name, value in vars(data).items():
        if name in form and name not in ("herhaling", "aantal"):
            form[name].data = value


def _form_page(form, status=200, meeting=None, copy_of=None):
    return _render(
        "bijeenkomsten/formulier.html",
        status,
        form=form,
        meeting=meeting,
        copy_of=copy_of,
        max_dates=services.MAX_DATES,
    )


def _invalid(form: MeetingForm, error: InvalidInput) -> None:
    field = form._fields.get(error.field, form.titel)
    field.errors = [*field.errors, error.message]


@bp.route("/nieuw", methods=["GET", "POST"])
@login_required(ORGANISER)
def new():
    user = current_user()
    try:
        services.organiser_organisation(user)
    except NotAllowed:
        abort(403)
    form = _meeting_form()
    if request.method == "GET":
        copy_of = None
        if request.args.get("kopie", "").isdigit():
            copy_of = _organiser_meeting(int(request.args["kopie"]))
            _fill(form, services.as_input(copy_of))
        return _form_page(form, copy_of=copy_of)
    if not form.validate():
        return _form_page(form, 400)
    try:
        made = services.create(db.session(), user, form.as_input(), choices(), _now())
    except InvalidInput as error:
        _invalid(form, error)
        return _form_page(form, 400)
    refresh_meetings(db.session(), choices())
    first = made[0]
    if len(made) > 1:
        dates = services.repeat_description(form.datum.data, form.herhaling.data)
        flash(f"De bijeenkomst staat {len(made)} keer in de agenda: {dates}.")
    else:
        flash("De bijeenkomst staat in de agenda.")
    return redirect(url_for("bijeenkomsten.detail", meeting_id=first.id), 303)


@bp.route("/<int:meeting_id>/bewerken", methods=["GET", "POST"])
@login_required(ORGANISER)
def edit(meeting_id: int):
    meeting = _organiser_meeting(meeting_id)
    form = _meeting_form()
    if request.method == "GET":
        _fill(form, services.as_input(meeting))
        return _form_page(form, meeting=meeting)
    if not form.validate():
        return _form_page(form, 400, meeting=meeting)
    try:
        services.edit(
            db.session(), current_user(), meeting_id, form.as_input(), choices(), _now(), links()
        )
    except InvalidInput as error:
        _invalid(form, error)
        return _form_page(form, 400, meeting=_organiser_meeting(meeting_id))
    refresh_meetings(db.session(), choices())
    flash(
        "De wijzigingen zijn opgeslagen. Wie zich had aangemeld, krijgt een e-mail als de tijd of plek veranderde."
    )
    return redirect(url_for("bijeenkomsten.detail", meeting_id=meeting_id), 303)


@bp.route("/<int:meeting_id>/annuleren", methods=["GET", "POST"])
@login_required(ORGANISER)
def cancel_meeting(meeting_id: int):
    meeting = _organiser_meeting(meeting_id)
    form = CancelMeetingForm()
    if request.method == "GET" or not form.validate():
        status = 200 if request.method == "GET" else 400
        return _render("bijeenkomsten/annuleren.html", status, meeting=meeting, form=form)
    services.cancel(db.session(), current_user(), meeting_id, form.reden.data or "", links())
    refresh_meetings(db.session(), choices())
    flash("De bijeenkomst is geannuleerd. Iedereen die zich had aangemeld, krijgt een e-mail.")
    return redirect(url_for("bijeenkomsten.manage"), 303)


@bp.route("/<int:meeting_id>/aanmeldingen")
@login_required(ORGANISER)
def attendees(meeting_id: int):
    try:
        meeting, by_status = services.attendees(db.session(), current_user(), meeting_id)
    except NotAllowed:
        abort(403)
    except NotFound:
        abort(404)
    return _render("bijeenkomsten/aanmeldingen.html", meeting=meeting, by_status=by_status)
