"""Security for every response: signed-session key, cookie flags, CSRF and headers.

The static portal (served by portal.py from site/) is built by mkdocs-material, whose pages
carry inline scripts; its policy lists their hashes per page (portal_csp.py), so it is set there.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from flask import Flask, Response, render_template, request
from flask_wtf import CSRFProtect

from site_builder import settings

csrf = CSRFProtect()

_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=(), interest-cohort=()",
}

# The service's own pages: no inline script or style, no plugins, no <base>, never framed,
# forms only post back to this site.
SERVICE_CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

# The sociale-kaart embeds are made to sit in an iframe on a gemeente's website (see
# sociale_kaart/embed.py): any site may frame them. Everything else stays same-origin only.
EMBED_PREFIX = "/embed/"

# bandit B105: a file name.
SECRET_KEY_FILE = "secret_key"  # nosec B105
HOST_COOKIE_NAME = "__Host-session"

# No form of the service needs more; the staff import (1 MiB) sets its own limit. A bigger
# body is refused with 413 before anything reads it (ASVS 5.0 V15.2.2).
MAX_REQUEST_BYTES = 1024 * 1024


def _secret_key(app: Flask) -> str:
    """MZA_SECRET_KEY, or a random key kept in instance/ so sessions survive a restart."""
    key = settings.get("MZA_SECRET_KEY")
    if key:
        return key
    if app.testing:
        # Tests must not write into the checkout's instance/ folder.
        return secrets.token_hex(32)
    path = Path(app.instance_path) / SECRET_KEY_FILE
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Worker processes start at the same moment (MZA_WERKPROCESSEN): each writes a key of
        # its own to a private file, and a hard link puts exactly one in place, whole. The
        # others find it taken and read that one, never a half-written or an empty file.
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{SECRET_KEY_FILE}.")
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_hex(32))
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return path.read_text().strip()


def default_config(testing: bool) -> dict[str, object]:
    """Cookie flags; create_app applies them before its `config` argument, which may override.

    Tests run on http://, so a Secure cookie would never come back to the test client.
    """
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.get("MZA_HTTPS") == "1" and not testing,
    }


def configure(app: Flask) -> None:
    """The secret key, and CSRF defaults that `create_app(config)` may have overridden."""
    # The CSRF token is tied to the session; it need not expire on its own.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    # Flask's own default is None (no limit), so setdefault would not do.
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    # ASVS 5.0 V3.3.1: with the prefix the browser only keeps the cookie if it is Secure, for
    # Path=/ and without Domain, so no subdomain or http:// page can set or overwrite it.
    # Browsers refuse the prefix without Secure, so plain http:// keeps the plain name.
    if app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_NAME"] == "session":
        app.config["SESSION_COOKIE_NAME"] = HOST_COOKIE_NAME
        app.config["SESSION_COOKIE_PATH"] = "/"
        app.config["SESSION_COOKIE_DOMAIN"] = None


def init_app(app: Flask) -> None:
    configure(app)
    csrf.init_app(app)

    @app.errorhandler(413)
    def too_large(_error: Exception):
        return (
            render_template(
                "auth/fout.html",
                title="Te veel gegevens",
                message="U stuurde meer gegevens dan dit formulier aankan. Maak de tekst of het "
                "bestand kleiner en probeer het opnieuw.",
            ),
            413,
        )

    @app.after_request
    def add_headers(response: Response) -> Response:
        embed = request.path.startswith(EMBED_PREFIX)
        portal = request.blueprint == "portal"
        for name, value in _HEADERS.items():
            if embed and name == "X-Frame-Options":
                continue
            response.headers.setdefault(name, value)
        if embed:
            response.headers.setdefault("Content-Security-Policy", "frame-ancestors *")
        elif not portal:
            response.headers.setdefault("Content-Security-Policy", SERVICE_CSP)
            response.headers["X-Frame-Options"] = "DENY"
            # Pages with personal data or a CSRF token must not stay in a shared browser's cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
