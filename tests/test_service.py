"""The service serves the built portal at / and its own pages beside it."""

from __future__ import annotations

from site_builder.check import SERVICE_PATHS


def test_the_home_page_is_served_in_dutch(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="nl"' in response.get_data(as_text=True)


def test_a_folder_without_slash_redirects_so_relative_links_work(client):
    response = client.get("/mantelzorg")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/mantelzorg/")


def test_an_unknown_page_gives_the_portal_404_page(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert '<html lang="nl"' in response.get_data(as_text=True)


def test_files_outside_the_site_cannot_be_reached(client):
    for path in ("/../pyproject.toml", "/%2e%2e/pyproject.toml", "/..%2fpyproject.toml"):
        assert client.get(path).status_code == 404, path


def test_the_status_page_says_the_service_runs(client):
    response = client.get("/status")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "De dienst werkt" in text
    assert "De website is gebouwd op" in text


def test_every_response_has_security_headers(client):
    for path in ("/", "/status", "/bestaat-niet/"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path


def test_the_service_sets_no_cookies_on_the_portal(client):
    response = client.get("/")
    assert "Set-Cookie" not in response.headers


def test_service_paths_that_pages_may_link_to_exist(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    for path in SERVICE_PATHS:
        assert any(rule == path or rule.startswith(path + "/") for rule in rules), path


def test_an_id_too_large_for_the_database_is_not_found(app, client):
    """Found by fuzzing: a number beyond the id columns (32 bits on PostgreSQL) reached the
    database driver and gave a 500."""
    huge = str(2**31)
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and "int" in str(r)]
    assert rules
    for rule in rules:
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", huge).replace(f"<{name}>", "x")
        assert client.get(path).status_code == 404, path
