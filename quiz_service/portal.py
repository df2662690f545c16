"""Serves the static portal from the built `site/` folder at `/`.

Caching (`cache_control`): mkdocs-material's own CSS and JavaScript carry a hash of their content
in their names, so a browser may keep them for a year without asking; HTML is checked again on
every visit (a 304 when unchanged), so a new build shows at once; other files (our own CSS,
images, data) for five minutes. Compression (`compress`): text files go out gzipped.
"""

from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, request, send_from_directory
from werkzeug.security import safe_join

from . import portal_csp

bp = Blueprint("portal", __name__)
bp.after_request(portal_csp.add_policy)


def _site_dir() -> Path:
    return Path(current_app.config["SITE_DIR"])


@bp.route("/", defaults={"path": ""})
@bp.route("/<path:path>")
def page(path: str):
    site = _site_dir()
    target = safe_join(str(site), path)
    if target is None:
        abort(404)
    if Path(target).is_dir():
        if path and not path.endswith("/"):
            # Same as a static web server: /mantelzorg → /mantelzorg/, so relative links work.
            query = f"?{request.query_string.decode()}" if request.query_string else ""
            return redirect(f"/{path}/{query}", code=301)
        path = f"{path}index.html"
    if not (site / path).is_file():
        abort(404)
    return cache_control(send_from_directory(site, path), path)


# --- Caching and compression (headers only; the CSP is portal_csp's) ---

# mkdocs-material's names: assets/stylesheets/main.57a0d79d.min.css, assets/javascripts/
# bundle.a5f9d56c.min.js. Our own assets/stylesheets/mantelzorgacademie.css has no hash.
_FINGERPRINTED = re.compile(r"^assets/(?:.+/)?[^/]+\.[0-9a-f]{8,}\.min\.(?:css|js)$")
YEAR = 365 * 24 * 3600
SHORT = 300


def cache_control(response: Response, path: str) -> Response:
    if _FINGERPRINTED.match(path):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    elif path.endswith(".html"):
        # Stored, but checked every time: after a new build a visitor never gets an old page
        # that points to theme files the build removed.
        response.headers["Cache-Control"] = "no-cache"
    else:
        response.headers["Cache-Control"] = f"public, max-age={SHORT}"
    response.headers.pop("Expires", None)
    return response


_COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/geo+json",
        "application/xml",
        "text/xml",
        "text/csv",
        "text/plain",
        "image/svg+xml",
    }
)
MIN_COMPRESS = 500  # bytes; below this gzip's own header eats the gain


@functools.lru_cache(maxsize=128)
def _gzipped(data: bytes) -> bytes:
    # mtime=0: the same bytes every time, for any cache between us and the visitor.
    return gzip.compress(data, compresslevel=6, mtime=0)


@bp.after_app_request
def compress(response: Response) -> Response:
    """gzip for the portal's text files and the service's own static files.

    Not for the service's pages: they carry a CSRF token next to what a visitor typed, the
    case BREACH attacks; the portal's files are the same for everyone. An app-wide hook, so it
    runs after the portal blueprint's own hooks (the CSP needs the plain HTML).
    """
    static = request.endpoint is not None and (
        request.endpoint == "static" or request.endpoint.endswith(".static")
    )
    if not (request.blueprint == "portal" or static):
        return response
    if response.mimetype not in _COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    # The 404 page too: browsers ask for /favicon.ico and get it.
    if (
        response.status_code not in (200, 404)
        or "Content-Encoding" in response.headers
        or request.accept_encodings["gzip"] <= 0
    ):
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_COMPRESS:
        return response
    response.set_data(_gzipped(data))
    response.headers["Content-Encoding"] = "gzip"
    # Byte ranges would count in the uncompressed file.
    response.headers.pop("Accept-Ranges", None)
    # The same file, another encoding: a weak ETag still matches it (If-None-Match compares
    # weakly), so a revalidation gets its 304.
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


@bp.app_errorhandler(404)
def not_found(error):
    page_404 = _site_dir() / "404.html"
    if page_404.is_file():
        return send_from_directory(_site_dir(), "404.html"), 404
    return (
        "<!doctype html><html lang=nl><title>Niet gevonden</title><p>Deze pagina bestaat niet.",
        404,
    )
