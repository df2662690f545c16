"""Runs the service (and so the portal) with waitress, a production WSGI server."""

from __future__ import annotations

from waitress import serve as waitress_serve

from site_builder import settings

from . import create_app


def serve() -> None:
    host, port = settings.get("MZA_HOST"), int(settings.get("MZA_PORT"))
    print(f"Mantelzorgacademie draait op http://{host}:{port}/ (stoppen: Ctrl+C)", flush=True)
    waitress_serve(create_app(), host=host, port=port, threads=8, ident="mantelzorgacademie")
