"""The academie service: the Flask app that also serves the built portal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from site_builder import settings


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """App factory: settings from the environment, overridden by `config` (tests)."""
    from . import security

    app = Flask(__name__)
    app.config.update(security.default_config(testing=bool((config or {}).get("TESTING"))))
    app.config.update(
        SITE_DIR=str(Path(settings.get("MZA_SITE_DIR")).resolve()),
        DATABASE_URL=settings.get("DATABASE_URL"),
    )
    if config:
        app.config.update(config)

    from . import db, failures, localtime, mail, portal, status
    from .api import views as api
    from .auth import views as auth
    from .beheer import views as beheer
    from .bijeenkomsten import views as bijeenkomsten
    from .certificaten import views as certificaten
    from .gegevens import views as gegevens
    from .quiz import views as quiz
    from .voortgang import views as voortgang
    from .zoeken import index as zoekindex
    from .zoeken import views as zoeken

    # Before any blueprint adds its rules: they are compiled with the converters of that moment.
    app.url_map.converters["int"] = db.DatabaseId
    db.init_app(app)
    failures.init_app(app)
    localtime.init_app(app)
    mail.init_app(app)
    zoekindex.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    app.register_blueprint(status.bp)
    app.register_blueprint(quiz.bp)
    app.register_blueprint(certificaten.bp)
    app.register_blueprint(voortgang.bp)
    app.register_blueprint(beheer.bp)
    app.register_blueprint(gegevens.bp)
    bijeenkomsten.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(zoeken.bp)
    # Registered last: its catch-all route only gets paths no other blueprint handles.
    app.register_blueprint(portal.bp)
    return app
