"""`/inloggen` (with the second step for privileged roles), `/uitloggen`, registering, joining,
a forgotten password, the signed-in user of a request, and `login_required`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Flask,
    abort,
    after_this_request,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError

from site_builder import settings

from .. import db
from ..accounts import AccountError
from ..models import ROLES, Gebruiker, normalise_email
from . import events, lifetime, mfa, reset, services
from .forms import (
    ChangePasswordForm,
    CodeForm,
    ForgotPasswordForm,
    JoinForm,
    LoginForm,
    LogoutForm,
    NewPasswordForm,
    RegisterForm,
)
from .qr import qr_path
from .ratelimit import ViewLimiter

bp = Blueprint("auth", __name__)

# Bound in init_app. Only failed logins count (see `_failed`): colleagues of one care
# organisation often share one public IP address, and their successful logins must not lock
# each other out.
limiter = ViewLimiter(get_remote_address)

F = TypeVar("F", bound=Callable[..., Any])

GENERIC_LOGIN_ERROR = (
    "Het e-mailadres of het wachtwoord klopt niet. Controleer ze en probeer het opnieuw."
)
WRONG_CODE = (
    "Deze code klopt niet, of is al gebruikt. Vul de 6 cijfers in die de app nu laat zien. "
    "Of gebruik een herstelcode."
)
WRONG_SET_UP_CODE = (
    "Deze code klopt niet. Vul de 6 cijfers in die de app nu laat zien. Ziet u geen code? "
    "Scan de QR-code dan opnieuw, of typ de code onder de QR-code over in de app."
)
PENDING_GONE = "Het inloggen duurde te lang of is afgebroken. Log opnieuw in."

# Between a right password and a right code the session holds only this marker, never "uid":
# nothing that needs a login opens before the second step is done.
PENDING = "tweede_stap"
PENDING_MINUTES = 10


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.get("MZA_RATELIMIT_STORAGE"))
    app.config.setdefault("LOGIN_LIMIT_PER_EMAIL", settings.get("MZA_LOGIN_LIMIT_PER_EMAIL"))
    app.config.setdefault("LOGIN_LIMIT_PER_IP", settings.get("MZA_LOGIN_LIMIT_PER_IP"))
    # Failed registrations and invite-code guesses get the same per-IP number, counted apart.
    app.config.setdefault("RESET_LIMIT_PER_EMAIL", settings.get("MZA_RESET_LIMIT_PER_EMAIL"))
    app.config.setdefault("RESET_LIMIT_PER_IP", settings.get("MZA_RESET_LIMIT_PER_IP"))
    app.config.setdefault("RESET_VALID_MINUTES", int(settings.get("MZA_RESET_GELDIG_MINUTEN")))
    app.config.setdefault("INVITE_VALID_DAYS", int(settings.get("MZA_UITNODIGING_GELDIG_DAGEN")))
    app.config.setdefault("MFA_ROLES", settings.get("MZA_TWEEDE_STAP_ROLLEN"))
    if isinstance(app.config["MFA_ROLES"], str):
        app.config["MFA_ROLES"] = mfa.required_roles(app.config["MFA_ROLES"])
    app.config.setdefault("CODE_LIMIT_PER_ACCOUNT", settings.get("MZA_CODE_LIMIT_PER_ACCOUNT"))
    app.config.setdefault("SESSION_IDLE_MINUTES", int(settings.get("MZA_SESSIE_INACTIEF_MINUTEN")))
    app.config.setdefault("SESSION_MAX_HOURS", int(settings.get("MZA_SESSIE_MAX_UREN")))
    # Tests set CLOCK to a function that returns the moment they need (time injection).
    app.config.setdefault("CLOCK", None)
    limiter.init_app(app)
    app.register_blueprint(bp)

    @app.context_processor
    def _user_in_templates() -> dict[str, Any]:
        return {"current_user": current_user, "logout_form": LogoutForm}


# --- The signed-in user ---


def now() -> datetime:
    """This moment in UTC, or the moment a test set in `CLOCK`."""
    clock = current_app.config.get("CLOCK")
    return clock() if clock is not None else datetime.now(UTC)


def _limits() -> lifetime.Limits:
    return lifetime.Limits(
        idle_minutes=current_app.config["SESSION_IDLE_MINUTES"],
        absolute_hours=current_app.config["SESSION_MAX_HOURS"],
    )


def current_user() -> Gebruiker | None:
    """The user of this request, checked against the database once per request.

    Lazy, so portal pages and other anonymous requests never touch the session or the database.
    A cookie whose epoch is out of date (after logout) or whose account is deleted is cleared,
    and so is one past its idle timeout or its absolute lifetime (with a message on the next
    page; the JSON API answers 401).
    """
    if "current_user" not in g:
        user = None
        if "uid" in session:
            moment, limits = now(), _limits()
            reason = lifetime.expired(session, moment, limits)
            if reason is None:
                user = services.load_session_user(
                    db.session(), session.get("uid"), session.get("epoch")
                )
                if user is None:
                    session.clear()
                else:
                    lifetime.touch(session, moment)
            else:
                uid = session.get("uid")
                session.clear()
                events.log(
                    "sessie_verlopen",
                    account=uid if isinstance(uid, int) else None,
                    reden=reason,
                    now=moment,
                )
                if request.blueprint != "api":
                    flash(lifetime.message(reason, limits))
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


def _refused(response: Any) -> bool:
    # The second step: a wrong or missing code (400, 401) counts; a redirect or the page with
    # the recovery codes does not.
    return response.status_code >= 400


def _pending_account() -> str:
    pending = session.get(PENDING)
    return f"code:{pending.get('uid') if isinstance(pending, dict) else None}"


def _ip() -> str:
    return get_remote_address() or ""


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
        # Also a failed attempt (it counts towards the limit too).
        events.log("inloggen_mislukt", email=form.email.data or "", ip=_ip(), reden="formulier")
        return render_template("auth/inloggen.html", form=form, next_url=next_url), 400
    user = services.authenticate(db.session(), form.email.data, form.password.data)
    if user is None:
        # The same line for an unknown address and a wrong password, as on the page.
        events.log("inloggen_mislukt", email=form.email.data, ip=_ip())
        return (
            render_template(
                "auth/inloggen.html", form=form, next_url=next_url, error=GENERIC_LOGIN_ERROR
            ),
            401,
        )
    if needs_second_step(user):
        _start_pending(user, next_url)
        events.log("code_gevraagd", account=user.id, ip=_ip())
        return redirect(url_for("auth.code" if mfa.is_set_up(user) else "auth.set_up"))
    _start_session(user)
    events.log("inloggen_gelukt", account=user.id, ip=_ip())
    flash(f"U bent ingelogd als {user.display_name}.")
    return redirect(next_url)


def needs_second_step(user: Gebruiker) -> bool:
    return user.role in current_app.config["MFA_ROLES"]


def _start_session(user: Gebruiker) -> None:
    # A fresh session: nothing from before the login carries over (also not the marker of
    # the second step).
    session.clear()
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    lifetime.start(session, now())
    g.current_user = user


# --- The second step ---


def _start_pending(user: Gebruiker, next_url: str) -> None:
    session.clear()
    session[PENDING] = {
        "uid": user.id,
        "epoch": user.session_epoch,
        "at": int(now().timestamp()),
        "volgende": next_url,
    }


def _pending_user() -> Gebruiker | None:
    """The account whose password was right a moment ago in this browser, if it still waits
    for its second step (and still exists, with the same epoch and a role that needs it)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int):
        return None
    if now().timestamp() - pending["at"] > PENDING_MINUTES * 60:
        return None
    user = services.load_session_user(db.session(), pending.get("uid"), pending.get("epoch"))
    if user is None or not needs_second_step(user):
        return None
    return user


def _pending_gone():
    if current_user() is not None:
        return redirect("/")  # already logged in, e.g. after reloading the recovery codes
    session.pop(PENDING, None)
    flash(PENDING_GONE)
    return redirect(url_for("auth.login"))


def _finish_login(user: Gebruiker, step: str) -> str:
    """Start the real session after the second step; returns where to go next."""
    next_url = _safe_next(session[PENDING].get("volgende"))
    _start_session(user)
    events.log("inloggen_gelukt", account=user.id, ip=_ip(), stap=step)
    return next_url


def _second_step_limits(scope: str):
    """Wrong codes count per account (a code has only a million values) and per IP."""

    def decorate(view):
        view = limiter.limit(
            lambda: current_app.config["LOGIN_LIMIT_PER_IP"],
            methods=["POST"],
            deduct_when=_refused,
            scope=f"{scope}-ip",
        )(view)
        return limiter.limit(
            lambda: current_app.config["CODE_LIMIT_PER_ACCOUNT"],
            key_func=_pending_account,
            methods=["POST"],
            deduct_when=_refused,
            scope=f"{scope}-account",
        )(view)

    return decorate


@bp.route("/inloggen/code", methods=["GET", "POST"])
@_second_step_limits("code")
def code():
    user = _pending_user()
    if user is None:
        return _pending_gone()
    if not mfa.is_set_up(user):
        return redirect(url_for("auth.set_up"))
    form = CodeForm()
    if request.method == "GET":
        return render_template("auth/code.html", form=form)
    if not form.validate():
        return render_template("auth/code.html", form=form), 400
    accepted = mfa.verify(db.session(), user.id, form.code.data, now())
    if accepted is None:
        events.log("code_mislukt", account=user.id, ip=_ip())
        form.code.errors = [*form.code.errors, WRONG_CODE]
        return render_template("auth/code.html", form=form), 401
    if accepted.kind == mfa.RECOVERY:
        events.log("herstelcode_gebruikt", account=user.id, ip=_ip(), over=accepted.recovery_left)
    else:
        events.log("code_gelukt", account=user.id, ip=_ip())
    next_url = _finish_login(user, accepted.kind)
    flash(f"U bent ingelogd als {user.display_name}.")
    if accepted.kind == mfa.RECOVERY:
        flash(recovery_used_message(accepted.recovery_left))
    return redirect(next_url)


def recovery_used_message(left: int) -> str:
    codes = "herstelcode" if left == 1 else "herstelcodes"
    message = f"U heeft een herstelcode gebruikt. U heeft nog {left} {codes}."
    if left <= 3:
        message += (
            " Vraag de beheerder om uw tweede stap te wissen. Dan stelt u hem opnieuw in en "
            "krijgt u nieuwe herstelcodes."
        )
    return message


def _set_up_page(user: Gebruiker, secret: str, form: CodeForm):
    return render_template(
        "auth/instellen.html",
        form=form,
        secret=mfa.grouped_secret(secret),
        qr=qr_path(mfa.provisioning_uri(secret, user.email)),
    )


@bp.route("/inloggen/instellen", methods=["GET", "POST"])
@_second_step_limits("set-up")
def set_up():
    user = _pending_user()
    if user is None:
        return _pending_gone()
    if mfa.is_set_up(user):
        return redirect(url_for("auth.code"))
    try:
        secret = mfa.begin_set_up(db.session(), user.id)
    except mfa.AlreadySetUp:
        return redirect(url_for("auth.code"))
    form = CodeForm()
    if request.method == "GET":
        return _set_up_page(user, secret, form)
    if not form.validate():
        return _set_up_page(user, secret, form), 400
    try:
        recovery = mfa.confirm_set_up(db.session(), user.id, form.code.data, now())
    except mfa.AlreadySetUp:
        return redirect(url_for("auth.code"))
    if recovery is None:
        events.log("code_mislukt", account=user.id, ip=_ip(), stap="instellen")
        form.code.errors = [*form.code.errors, WRONG_SET_UP_CODE]
        return _set_up_page(user, secret, form), 400
    events.log("tweede_stap_ingesteld", account=user.id, ip=_ip())
    next_url = _finish_login(user, "instellen")
    # Shown once, in this answer: the codes are stored only as digests.
    return render_template("auth/herstelcodes.html", codes=recovery, next_url=next_url)


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
    flash(f"Welkom, {user.display_name}. Uw account is klaar en u bent ingelogd.")
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
    flash(f"U hoort nu bij {organisatie.naam} als medewerker.")
    return redirect("/")


@bp.route("/uitloggen", methods=["POST"])
def logout():
    # CSRFProtect has checked the token before this view runs.
    user = current_user()
    if user is not None:
        services.end_all_sessions(db.session(), user.id)
        events.log("uitgelogd", account=user.id, ip=_ip())
    session.clear()
    g.current_user = None
    flash("U bent uitgelogd.")
    return redirect(url_for("auth.login"))


# --- A forgotten password ---


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for a mail, on the configured site address.

    Never built from the request's Host header: anyone can send a reset request with
    `Host: kwaad.example`, and the victim's mail would then carry a link to that site.
    """
    base = (current_app.config.get("SITE_URL") or settings.get("MZA_SITE_URL")).rstrip("/")
    return base + url_for(endpoint, **values)


def reset_link(token: str) -> str:
    return external_url("auth.reset_password", token=token)


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["RESET_LIMIT_PER_EMAIL"],
    key_func=_ip_and_email,
    methods=["POST"],
    scope="reset-ip-email",
)
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_IP"], methods=["POST"], scope="reset-ip")
def forgot_password():
    # Every request counts towards the limit, not only failed ones: the answer never says
    # whether it "worked", and each one may send a mail.
    form = ForgotPasswordForm()
    if request.method == "GET":
        return render_template("auth/wachtwoord_vergeten.html", form=form)
    if not form.validate():
        return render_template("auth/wachtwoord_vergeten.html", form=form), 400
    valid_for = timedelta(minutes=current_app.config["RESET_VALID_MINUTES"])
    known = reset.request_reset(db.session(), form.email.data, reset_link, valid_for)
    events.log("wachtwoord_herstel_gevraagd", email=form.email.data, ip=_ip(), bekend=int(known))
    # The same answer whether or not the address has an account.
    return redirect(url_for("auth.reset_requested"), 303)


@bp.route("/wachtwoord-vergeten/verstuurd")
def reset_requested():
    return render_template(
        "auth/wachtwoord_verstuurd.html", minutes=current_app.config["RESET_VALID_MINUTES"]
    )


def _no_referrer(response: Any) -> Any:
    # The token is in the address of this page: no link or redirect may pass it on.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _not_reset(response: Any) -> bool:
    return response.status_code != 303


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_IP"],
    methods=["POST"],
    deduct_when=_not_reset,
    scope="reset-token-ip",
)
def reset_password(token: str):
    after_this_request(_no_referrer)
    try:
        link = reset.find_open_link(db.session(), token)
    except reset.InvalidToken:
        return render_template("auth/link_verlopen.html"), 404
    form = NewPasswordForm()
    page = {"form": form, "link": link, "token": token}
    if request.method == "GET":
        return render_template("auth/wachtwoord_herstellen.html", **page)
    if not form.validate():
        return render_template("auth/wachtwoord_herstellen.html", **page), 400
    try:
        user_id = reset.set_password(db.session(), token, form.password.data)
    except AccountError as error:
        form.password.errors = [*form.password.errors, str(error)]
        return render_template("auth/wachtwoord_herstellen.html", **page), 400
    except reset.InvalidToken:
        return render_template("auth/link_verlopen.html"), 404
    events.log("wachtwoord_hersteld", account=user_id, ip=_ip())
    # Not logged in here: the person logs in with the new password, so their password manager
    # can store it, and a link that leaked does not also give a session.
    session.clear()
    g.current_user = None
    flash("Uw nieuwe wachtwoord is opgeslagen. Log nu in met uw nieuwe wachtwoord.")
    return redirect(url_for("auth.login"), 303)


# --- Changing the password while logged in ---


@bp.route("/wachtwoord-wijzigen", methods=["GET", "POST"])
@login_required()
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_EMAIL"],
    key_func=lambda: f"gebruiker:{session.get('uid')}",
    methods=["POST"],
    deduct_when=_not_reset,
    scope="change-password",
)
def change_password():
    # Counted like failed logins: the form also tells whether a guessed password is right.
    form = ChangePasswordForm()
    if request.method == "GET":
        return render_template("auth/wachtwoord_wijzigen.html", form=form)
    if not form.validate():
        return render_template("auth/wachtwoord_wijzigen.html", form=form), 400
    user = current_user()
    try:
        epoch = services.change_password(
            db.session(), user.id, form.current_password.data, form.password.data
        )
    except AccountError as error:
        wrong = str(error) == services.WRONG_CURRENT_PASSWORD
        if wrong:
            events.log("wachtwoord_wijzigen_mislukt", account=user.id, ip=_ip())
        field = form.current_password if wrong else form.password
        field.errors = [*field.errors, str(error)]
        return render_template("auth/wachtwoord_wijzigen.html", form=form), 400
    events.log("wachtwoord_gewijzigd", account=user.id, ip=_ip())
    # This browser stays logged in; every other session has ended.
    session["epoch"] = epoch
    flash("Uw nieuwe wachtwoord is opgeslagen. Op andere apparaten bent u nu uitgelogd.")
    return redirect(url_for("gegevens.mine"), 303)


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
    if request.blueprint == "auth":
        _log_lockout()
    message = "Dit is te vaak geprobeerd. Wacht even en probeer het daarna opnieuw. "
    if request.blueprint == "bijeenkomsten":
        message += "Of meld u aan met een account; dan geldt deze grens niet."
    else:
        message += (
            "Weet u uw wachtwoord niet meer? Vraag dan een nieuw wachtwoord aan, of vraag "
            "hulp aan de beheerder."
        )
    return (
        render_template("auth/fout.html", title="Te veel pogingen", message=message),
        429,
    )


def _log_lockout() -> None:
    pending = session.get(PENDING)
    account = session.get("uid")
    if isinstance(pending, dict):
        account = pending.get("uid")
    events.log(
        "te_veel_pogingen",
        account=account if isinstance(account, int) else None,
        email=request.form.get("email") or None,
        ip=_ip(),
        stap=request.endpoint or "",
    )


@bp.app_errorhandler(403)
def forbidden(_error: Exception):
    return (
        render_template(
            "auth/fout.html",
            title="Geen toegang",
            message="U heeft met dit account geen toegang tot deze pagina.",
        ),
        403,
    )
