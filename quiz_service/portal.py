"""Serves the static portal from the built `site/` folder at `/`."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, request, send_from_directory
from werkzeug.security import safe_join

bp = Blueprint("portal", __name__)


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
    return send_from_directory(site, path, max_age=300)


@bp.app_errorhandler(404)
def not_found(error):
    page_404 = _site_dir() / "404.html"
    if page_404.is_file():
        return send_from_directory(_site_dir(), "404.html"), 404
    return (
        "<!doctype html><html lang=nl><title>Niet gevonden</title><p>Deze pagina bestaat niet.",
        404,
    )
