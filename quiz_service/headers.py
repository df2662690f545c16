"""Security headers on every response, static pages included."""

from __future__ import annotations

from flask import Flask, Response, request

_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=(), interest-cohort=()",
}

# The sociale-kaart embeds are made to sit in an iframe on a gemeente's website (see
# sociale_kaart/embed.py): any site may frame them. Everything else stays same-origin only.
EMBED_PREFIX = "/embed/"


def init_app(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        embed = request.path.startswith(EMBED_PREFIX)
        for name, value in _HEADERS.items():
            if embed and name == "X-Frame-Options":
                continue
            response.headers.setdefault(name, value)
        if embed:
            response.headers.setdefault("Content-Security-Policy", "frame-ancestors *")
        return response
