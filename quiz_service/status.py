"""`/status`: shows that the service runs and which site it serves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.dates import format_datetime
from flask import Blueprint, current_app, render_template

bp = Blueprint("status", __name__)


@bp.route("/status")
def status():
    index = Path(current_app.config["SITE_DIR"]) / "index.html"
    built = None
    if index.is_file():
        moment = dt.datetime.fromtimestamp(index.stat().st_mtime)
        built = format_datetime(moment, format="long", locale="nl")
    return render_template("status/status.html", built=built)
