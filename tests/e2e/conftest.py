"""Browser fixtures: the built portal served on a real port, and Debian's headless Chromium.

Playwright's own browser download does not work on these machines, so the tests drive
/usr/bin/chromium (installed by `make system-deps`). Nothing here reaches another host.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from quiz_service import create_app

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google's servers.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e needs the browser: mark it `e2e`."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


class _QuietHandler(WSGIRequestHandler):
    """No access-log line per request in the test output."""

    def log_request(self, *args, **kwargs) -> None:
        pass


def _whole_responses(wsgi_app):
    """Each response read whole before it is sent, and closed at once.

    werkzeug's development server closes a response only after its clean-up read of the
    socket, and that read raises when the browser has already dropped the connection (it
    does, when it navigates on while a script or data file is still loading). The open file
    of that response then ends the run as a ResourceWarning. Test responses are small.
    """

    def app(environ, start_response):
        iterable = wsgi_app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return app


def make_test_server(app):
    """A threaded werkzeug server for `app` on 127.0.0.1 with a free port."""
    return make_server(
        "127.0.0.1", 0, _whole_responses(app), threaded=True, request_handler=_QuietHandler
    )


@contextmanager
def running(server, name: str) -> Iterator[str]:
    """Serve `server` in a background thread; yields its base URL, stops it afterwards."""
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def serving_site(site_dir: Path, name: str) -> Iterator[str]:
    """The portal app (with its own headers) for `site_dir` on 127.0.0.1 with a free port."""
    app = create_app({"TESTING": True, "SITE_DIR": str(site_dir)})
    with running(make_test_server(app), name) as url:
        yield url


@pytest.fixture(scope="session")
def live_server(built_site: Path) -> Iterator[str]:
    """The repository's portal on a free port; yields its base URL."""
    with serving_site(built_site, "live-server") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} ontbreekt: installeer Chromium met `make system-deps` "
            "(Debian-pakket 'chromium'). Voer nooit `playwright install` uit.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """Factory: `new_page(width)` opens a page in a fresh context (own cookies) at that width.

    Extra keyword arguments go to `browser.new_context`, e.g. `java_script_enabled=False`.
    Relative URLs in `page.goto` resolve against the live server.
    """
    contexts = []

    def make(width: int, height: int = 800, **options) -> Page:
        context = browser.new_context(
            base_url=live_server, viewport={"width": width, "height": height}, **options
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
