"""The static portal's caching and compression: theme files with a hash in their name are kept
for a year, pages are checked on every visit (304 when unchanged), text goes out gzipped, and
the service's own pages are never compressed."""

from __future__ import annotations

import gzip
import re

import pytest

from quiz_service import create_app
from quiz_service.portal_csp import policy_for
from tests.conftest import BufferedClient

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
PAGE = (
    '<!doctype html><html lang="nl"><title>Verzonnen</title>'
    "<script>var verzonnen = 1;</script>" + "<p>Verzonnen tekst over mantelzorg.</p>" * 40
).encode()
THEME_CSS = b"body{color:#123456}\n" * 100
OWN_CSS = b".verzonnen{margin:0}\n" * 100


@pytest.fixture
def site(tmp_path):
    (tmp_path / "assets" / "stylesheets").mkdir(parents=True)
    (tmp_path / "index.html").write_bytes(PAGE)
    (tmp_path / "assets" / "stylesheets" / "main.57a0d79d.min.css").write_bytes(THEME_CSS)
    (tmp_path / "assets" / "stylesheets" / "mantelzorgacademie.css").write_bytes(OWN_CSS)
    (tmp_path / "klein.txt").write_bytes(b"kort")
    return tmp_path


@pytest.fixture
def client(site):
    app = create_app({"TESTING": True, "SITE_DIR": str(site)})
    app.test_client_class = BufferedClient
    return app.test_client()


def test_theme_files_with_a_hash_in_their_name_are_kept_for_a_year(client):
    response = client.get("/assets/stylesheets/main.57a0d79d.min.css")
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Expires" not in response.headers


def test_our_own_css_without_a_hash_is_kept_only_a_short_while(client):
    response = client.get("/assets/stylesheets/mantelzorgacademie.css")
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_a_page_is_checked_on_every_visit_and_unchanged_gives_a_304(client):
    first = client.get("/", headers=GZIP)
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get("/", headers={**GZIP, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_text_goes_out_gzipped_to_a_browser_that_accepts_it(client):
    response = client.get("/assets/stylesheets/main.57a0d79d.min.css", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.get_data()) == THEME_CSS
    assert int(response.headers["Content-Length"]) == len(response.get_data()) < len(THEME_CSS)
    assert response.headers["ETag"].startswith('W/"')  # another encoding of the same file
    assert "Accept-Ranges" not in response.headers


def test_without_accept_encoding_the_file_goes_out_as_it_is(client):
    response = client.get("/assets/stylesheets/main.57a0d79d.min.css")
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == THEME_CSS
    assert "Accept-Encoding" in response.headers["Vary"]


def test_a_tiny_file_is_not_compressed(client):
    assert "Content-Encoding" not in client.get("/klein.txt", headers=GZIP).headers


def test_the_policy_of_a_gzipped_page_lists_the_hashes_of_the_page_itself(client):
    response = client.get("/", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Security-Policy"] == policy_for(PAGE)


def test_the_service_pages_are_never_compressed(academie_app):
    # They carry a CSRF token next to what a visitor typed: the case BREACH attacks.
    client = academie_app().test_client()
    response = client.get("/inloggen", headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    style = client.get("/static/academie.css", headers=GZIP)
    assert style.headers["Content-Encoding"] == "gzip"  # a file, the same for everyone


def test_every_theme_file_of_the_built_site_is_kept_long_and_our_own_css_is_not(built_site):
    app = create_app({"TESTING": True, "SITE_DIR": str(built_site)})
    app.test_client_class = BufferedClient
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    linked = re.findall(r'(?:href|src)="(?:\./)?(assets/[^"]+\.(?:css|js))"', page)
    controls = {path: client.get("/" + path).headers["Cache-Control"] for path in linked}
    kept = {path for path, control in controls.items() if "immutable" in control}
    assert {p for p in linked if re.search(r"\.[0-9a-f]{8}\.min\.(css|js)$", p)} == kept
    assert any("bundle" in path for path in kept) and any("main" in path for path in kept)
    own = [path for path in linked if "mantelzorgacademie.css" in path]
    assert own and all(controls[path] == "public, max-age=300" for path in own)
