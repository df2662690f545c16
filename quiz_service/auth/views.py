"""`/inloggen` and `/uitloggen`, the signed-in user of a request, and `login_required`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError

from site_builder import settings

from .. import db
from ..accounts import AccountError
from ..models import ROLES, Gebruiker, normalise_email
from . import services
from .forms import JoinForm, LoginForm, LogoutForm, RegisterForm

bp = Blueprint("auth", __name__)

# Bound in init_app. Only failed logins count (see `_failed`): colleagues of one care
# organisation often share one public IP address, and their successful logins must not lock
# each other out.
limiter = Limiter(get_remote_address)

F = TypeVar("F", bound=Callable[..., Any])

GENERIC_LOGIN_ERROR = (
    "Het e-mailadres of het wachtwoord klopt niet. Controleer ze en probeer het opnieuw."
)


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.get("MZA_RATELIMIT_STORAGE"))
    app.config.setdefault("LOGIN_LIMIT_PER_EMAIL", settings.get("MZA_LOGIN_LIMIT_PER_EMAIL"))
    app.config.setdefault("LOGIN_LIMIT_PER_IP", settings.get("MZA_LOGIN_LIMIT_PER_IP"))
    # Failed registrations and invite-code guesses get the same per-IP number, counted apart.
    limiter.init_app(app)
    app.register_blueprint(bp)

    @app.context_processor
    def _user_in_templates() -> dict[str, Any]:
        return {"current_user": current_user, "logout_form": LogoutForm}


# --- The signed-in user ---


def current_user() -> Gebruiker | None:
    """The user of this request, checked against the database once per request.

    Lazy, so portal pages and other anonymous requests never touch the session or the database.
    A cookie whose epoch is out of date (after logout) or whose account is deleted is cleared.
    """
    if "current_user" not in g:
        user = None
        if "uid" in session:
            user = services.load_session_user(
                db.session(), session.get("uid"), session.get("epoch")
            )
            if user is None:
                session.clear()
        g.current_user = user
    return g.current_user


def login_required(*roles: str) -> Callable[[F], F]:
    """Only for signed-in users; with `roles`, only for those roles (403 for the others).

    `@login_required()` for any account, `@login_required("teamleider", "beheerder")` for some.
    Anonymous visitors go to the login page and come back afterwards.
    """
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"Onbekende rol(len): {', '.join(sorted(unknown))}")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", volgende=request.full_path.rstrip("?")))
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never let the login page redirect to another site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


# --- Rate limits on failed logins ---


def _ip_and_email() -> str:
    return f"{get_remote_address()}|{normalise_email(request.form.get('email', ''))}"


def _failed(response: Any) -> bool:
    # A successful login redirects; everything else (401, 400) counts as a failed attempt.
    return response.status_code != 302


# --- Views ---


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_EMAIL"],
    key_func=_ip_and_email,
    methods=["POST"],
    deduct_when=_failed,
    scope="login-ip-email",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_IP"],
    methods=["POST"],
    deduct_when=_failed,
    scope="login-ip",
)
def login():
    form = LoginForm()
    next_url = _safe_next(request.values.get("volgende"))
    if request.method == "GET":
        return render_template("auth/inloggen.html", form=form, next_url=next_url)
    if not form.validate():
        return render_template("auth/inloggen.html", form=form, next_url=next_url), 400
    user = services.authenticate(db.session(), form.email.data, form.password.data)
    if user is None:
        return (
            render_template(
                "auth/inloggen.html", form=form, next_url=next_url, error=GENERIC_LOGIN_ERROR
            ),
            401,
        )
    _start_session(user)
    flash(f"Je bent ingelogd als {user.display_name}.")
    return redirect(next_url)


def _start_session(user: Gebruiker) -> None:
    # A fresh session: nothing from before the login carries over.
    session.clear()
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    g.current_user = user


@bp.route("/registreren", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_IP"],
    methods=["POST"],
    deduct_when=_failed,
    scope="register-ip",
)
def register():
    form = RegisterForm()
    if request.method == "GET":
        return render_template("auth/registreren.html", form=form)
    if not form.validate():
        return render_template("auth/registreren.html", form=form), 400
    try:
        user = services.register_mantelzorger(
            db.session(), form.email.data, form.display_name.data, form.password.data
        )
    except AccountError as error:
        field = form.email if str(error) == services.DUPLICATE_EMAIL else form.password
        field.errors = [*field.errors, str(error)]
        status = 409 if field is form.email else 400
        return render_template("auth/registreren.html", form=form), status
    _start_session(user)
    flash(f"Welkom, {user.display_name}. Je account is klaar en je bent ingelogd.")
    return redirect("/")


@bp.route("/aansluiten", methods=["GET", "POST"])
@login_required()
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_IP"],
    methods=["POST"],
    deduct_when=_failed,
    scope="join-ip",
)
def join():
    form = JoinForm()
    if request.method == "GET":
        return render_template("auth/aansluiten.html", form=form)
    if not form.validate():
        return render_template("auth/aansluiten.html", form=form), 400
    try:
        organisatie = services.join_organisation(
            db.session(), current_user().id, form.invite_code.data
        )
    except AccountError as error:
        form.invite_code.errors = [*form.invite_code.errors, str(error)]
        status = 400 if str(error) == services.UNKNOWN_CODE else 409
        return render_template("auth/aansluiten.html", form=form), status
    flash(f"Je hoort nu bij {organisatie.naam} als medewerker.")
    return redirect("/")


@bp.route("/uitloggen", methods=["POST"])
def logout():
    # CSRFProtect has checked the token before this view runs.
    user = current_user()
    if user is not None:
        services.end_all_sessions(db.session(), user.id)
    session.clear()
    g.current_user = None
    flash("Je bent uitgelogd.")
    return redirect(url_for("auth.login"))


# --- Error pages in Dutch ---


@bp.app_errorhandler(CSRFError)
def csrf_error(_error: CSRFError):
    return (
        render_template(
            "auth/fout.html",
            title="Formulier verlopen",
            message="Het formulier is verlopen of kwam niet van deze website. Ga terug, laad de "
            "pagina opnieuw en probeer het nog een keer.",
        ),
        400,
    )


@bp.app_errorhandler(429)
def too_many_requests(_error: Exception):
    return (
        render_template(
            "auth/fout.html",
            title="Te veel pogingen",
            message="Er is te vaak geprobeerd in te loggen. Wacht even en probeer het daarna "
            "opnieuw. Weet je je wachtwoord niet meer? Vraag dan hulp aan de beheerder.",
        ),
        429,
    )


@bp.app_errorhandler(403)
def forbidden(_error: Exception):
    return (
        render_template(
            "auth/fout.html",
            title="Geen toegang",
            message="Je hebt geen toegang tot deze pagina met dit account.",
        ),
        403,
    )
