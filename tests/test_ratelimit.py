"""The service's limiter (quiz_service.auth.ratelimit) skips Flask-Limiter's check before
every request only while that check has nothing to do: limits on views still hold, and a
default, application or blueprint limit is enforced as soon as there is one."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_limiter.util import get_remote_address

from quiz_service.auth.ratelimit import ViewLimiter


def _app(limiter: ViewLimiter, blueprint_limit: str | None = None) -> Flask:
    app = Flask(__name__)
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    bp = Blueprint("deel", __name__)

    @app.route("/vrij")
    def free():
        return "vrij"

    @app.route("/beperkt")
    @limiter.limit("2 per minute")
    def limited():
        return "beperkt"

    @bp.route("/in-deel")
    def in_blueprint():
        return "deel"

    if blueprint_limit:
        limiter.limit(blueprint_limit)(bp)
    app.register_blueprint(bp)
    limiter.init_app(app)
    return app


def _statuses(app: Flask, path: str, times: int) -> list[int]:
    client = app.test_client()
    return [client.get(path).status_code for _ in range(times)]


def test_a_limit_on_a_view_still_refuses_past_it_and_other_pages_stay_free():
    app = _app(ViewLimiter(get_remote_address))
    assert _statuses(app, "/beperkt", 3) == [200, 200, 429]
    assert _statuses(app, "/vrij", 20) == [200] * 20


def test_a_default_limit_is_enforced_on_every_page():
    app = _app(ViewLimiter(get_remote_address, default_limits=["3 per minute"]))
    assert _statuses(app, "/vrij", 4) == [200, 200, 200, 429]


def test_an_application_limit_is_enforced_on_every_page():
    app = _app(ViewLimiter(get_remote_address, application_limits=["2 per minute"]))
    assert _statuses(app, "/vrij", 2) + _statuses(app, "/in-deel", 1) == [200, 200, 429]


def test_a_limit_on_a_blueprint_is_enforced_on_its_pages():
    app = _app(ViewLimiter(get_remote_address), blueprint_limit="1 per minute")
    assert _statuses(app, "/in-deel", 2) == [200, 429]
    assert _statuses(app, "/vrij", 5) == [200] * 5


def test_the_service_declares_no_limit_beyond_its_views():
    # What makes skipping the check worthwhile: if this fails, the check simply runs again.
    from quiz_service import create_app
    from quiz_service.auth.views import limiter

    create_app({"TESTING": True})
    assert not limiter._limits_beyond_views()
