"""The axe helper finds problems on pages opened without JavaScript too."""

from __future__ import annotations

from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from tests.e2e.axe import serious_violations
from tests.e2e.conftest import running

# A form field without a label: axe calls this 'label', impact critical.
UNLABELLED = '<!doctype html><html lang="nl"><title>Proef</title><main><input type="text"></main>'


def _app(_environ, start_response):
    return Response(UNLABELLED, content_type="text/html; charset=utf-8")(_environ, start_response)


def test_a_page_without_javascript_is_checked_as_the_visitor_sees_it(browser):
    server = make_server("127.0.0.1", 0, _app)
    with running(server, "axe-snapshot") as url:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(url)
        found = serious_violations(page, javascript=False)
        context.close()
    assert any("label" in line for line in found), found
