"""Security headers on every response, static pages included."""

from __future__ import annotations

from flask import Flask, Response

_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=(), interest-cohort=()",
}


def init_app(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        return response
