"""The static portal's Content-Security-Policy: the page's own inline scripts and nothing else."""

from __future__ import annotations

import base64
import hashlib
import re

from quiz_service.portal_csp import policy_for
from quiz_service.server import create_app


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


def test_every_built_page_lists_exactly_its_own_inline_scripts(built_site):
    client = create_app({"TESTING": True, "SITE_DIR": str(built_site)}).test_client()
    pages = sorted(built_site.rglob("index.html"))
    assert len(pages) > 100  # the walk really walked
    wrong = {}
    for file in pages:
        path = "/" + str(file.parent.relative_to(built_site)).removeprefix(".") + "/"
        with client.get(path.replace("//", "/")) as response:
            html = response.get_data(as_text=True)
            policy = directives(response.headers["Content-Security-Policy"])
        scripts = {
            sha(body)
            for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
            if "src=" not in attrs and "json" not in attrs
        }
        if set(policy["script-src"]) - {"'self'"} != scripts or "'unsafe-inline'" in str(policy):
            wrong[path] = policy["script-src"]
    assert wrong == {}


def test_an_injected_script_is_not_in_the_policy_of_a_page_that_did_not_carry_it():
    page = b"<p>Welkom</p><script>alert(1)</script>"
    allowed = directives(policy_for(page))["script-src"]
    assert sha("alert(1)") in allowed
    other = directives(policy_for(b"<p>Welkom</p><script>document.title='x'</script>"))
    assert sha("alert(1)") not in other["script-src"]


def test_scripts_loaded_by_src_and_data_blocks_get_no_hash():
    page = (
        b'<script src="assets/app.js"></script>'
        b'<script id="__config" type="application/json">{"a": 1}</script>'
        b'<script type="application/ld+json">{"@type": "Article"}</script>'
    )
    assert directives(policy_for(page))["script-src"] == ["'self'"]


def test_style_attributes_of_table_cells_are_allowed_by_their_hash_only():
    page = b'<td style="text-align: right;">4</td><td style="text-align: right;">5</td>'
    style = directives(policy_for(page))["style-src"]
    assert style == ["'self'", "'unsafe-hashes'", sha("text-align: right;")]
    assert directives(policy_for(b"<p>geen stijl</p>"))["style-src"] == ["'self'"]


def test_portal_pages_may_be_framed_only_by_the_portal_and_embeds_by_any_site(client):
    home = directives(client.get("/").headers["Content-Security-Policy"])
    assert home["frame-ancestors"] == ["'self'"]
    embed = client.get("/embed/sociale-kaart/lelystad/")
    assert directives(embed.headers["Content-Security-Policy"])["frame-ancestors"] == ["*"]
    assert directives(embed.headers["Content-Security-Policy"])["object-src"] == ["'none'"]


def test_a_not_modified_answer_leaves_the_cached_policy_alone(client):
    first = client.get("/")
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert "Content-Security-Policy" not in again.headers


def test_assets_get_no_page_policy(client):
    css = next(p for p in client.get("/").get_data(as_text=True).split('"') if p.endswith(".css"))
    response = client.get("/" + css.lstrip("./"))
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers
