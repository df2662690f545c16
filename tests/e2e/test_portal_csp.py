"""The portal's CSP in a real browser: nothing of the page itself is refused, and its scripts run."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

STATIC_PAGES = [
    "/",
    "/mantelzorg/respijtzorg/",
    "/ziektebeelden/dementie/",
    "/sociale-kaart/overzicht/",
    "/sociale-kaart/organisatie/alzheimer-cafe/",
    "/sociale-kaart/open-data/",  # table cells with style="text-align: right;"
    "/embed/sociale-kaart/lelystad/",
    "/bestaat-niet/",
]


@pytest.mark.parametrize("path", STATIC_PAGES)
def test_the_browser_refuses_nothing_on_a_portal_page(new_page, path):
    page = new_page(320)
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    response = page.goto(path)
    assert "script-src" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    assert refused == []
    if not path.startswith("/embed/"):
        # The theme's inline script defines __md_scope; its bundle (by src) hides the no-JS
        # fallbacks. Both ran under the policy.
        assert page.evaluate("typeof __md_scope") == "object"
        assert page.evaluate("typeof document$") == "object"


def test_a_script_put_into_a_page_after_the_build_does_not_run(new_page, built_site, tmp_path):
    page = new_page(1280)
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    # What an attacker who can change the HTML on the way (or an editor's mistake in a proxy)
    # would do: the policy was computed for the page as built, so the extra script is refused.
    page.route(
        "**/mantelzorg/respijtzorg/",
        lambda route: route.fulfill(
            response=(original := route.fetch()),
            body=original.text().replace("</body>", "<script>window.ingevoegd=1</script></body>"),
        ),
    )
    page.goto("/mantelzorg/respijtzorg/")
    assert page.evaluate("typeof window.ingevoegd") == "undefined"
    assert any("inline script" in text for text in refused)
