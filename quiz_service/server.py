"""Runs the service (and so the portal) in a production WSGI server.

One process (MZA_WERKPROCESSEN=1, the default): waitress with 8 threads, for a laptop or a
small server, and everywhere `make run` runs. Python runs one thread at a time per process, so
on a server with more cores one process leaves them idle: with MZA_WERKPROCESSEN=N the service
runs in gunicorn with N processes of 2 threads each (gthread, which keeps connections open as
browsers do), exactly as benchmarks/service_load.py measures it. Each process builds its own
app after the fork, so none shares a database connection or the search index with another;
SQLite writers of different processes queue on one lock (quiz_service/db.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from site_builder import settings

from . import create_app

THREADS_PER_WORKER = 2  # more measured no better on 2 cores (benchmarks/service_load.py)
WAITRESS_THREADS = 8
# The workers' heartbeat files on tmpfs, not on a disk that may stall (gunicorn's docs).
# gunicorn makes each with mkstemp (own name, mode 0600) and unlinks it at once: nothing
# another user can guess or read.
HEARTBEAT_DIR = Path("/dev/shm")  # nosec B108


def workers() -> int:
    """MZA_WERKPROCESSEN as a number; a clear Dutch message (and exit) when it is not one."""
    raw = settings.get("MZA_WERKPROCESSEN").strip()
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    sys.exit(
        f"MZA_WERKPROCESSEN is '{raw}': dat is geen aantal — "
        "zet het op 1, of op het aantal processorkernen van de server (bijvoorbeeld 2)."
    )


def gunicorn_options(host: str, port: int, count: int) -> dict[str, Any]:
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": count,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        # Connections waiting while every thread is busy, e.g. in a sign-up burst.
        "backlog": 1024,
        "errorlog": "-",
        "proc_name": "mantelzorgacademie",
    }
    if HEARTBEAT_DIR.is_dir():
        options["worker_tmp_dir"] = str(HEARTBEAT_DIR)
    return options


def _run_gunicorn(options: dict[str, Any]) -> None:
    from gunicorn.app.base import BaseApplication

    class Academie(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            # Called in each worker after the fork (no preload).
            return create_app()

    Academie().run()


def serve() -> None:
    host, port = settings.get("MZA_HOST"), int(settings.get("MZA_PORT"))
    count = workers()
    processes = "1 proces" if count == 1 else f"{count} processen"
    print(
        f"Mantelzorgacademie draait op http://{host}:{port}/ ({processes}; stoppen: Ctrl+C)",
        flush=True,
    )
    if count == 1:
        from waitress import serve as waitress_serve

        waitress_serve(
            create_app(), host=host, port=port, threads=WAITRESS_THREADS, ident="mantelzorgacademie"
        )
    else:
        _run_gunicorn(gunicorn_options(host, port, count))
