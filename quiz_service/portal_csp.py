"""A Content-Security-Policy for the static portal, without 'unsafe-inline'.

mkdocs-material puts two small inline scripts in every page, and their text differs per page
(the relative path to the site root is in it). Markdown tables put `style="text-align: …"` on
cells. Rather than allow every inline script, each HTML answer gets a policy listing the
sha256 of exactly the inline scripts and style attributes it carries, so an injected script
(an editor's mistake, or a compromised build) does not run. The hashes are taken from the
bytes that are sent, so the policy cannot drift from the page.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Response, request

# Data blocks (the theme's __config JSON, JSON-LD) are not executed, so CSP does not apply.
_INLINE_SCRIPT = re.compile(
    rb"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.DOTALL | re.IGNORECASE
)
_EXTERNAL_OR_DATA = re.compile(rb"""\ssrc\s*=|\stype\s*=\s*["']?application/(?:ld\+)?json""", re.I)
_STYLE_ATTRIBUTE = re.compile(rb"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)

# What a portal page needs: its own scripts, styles, fonts and images; the theme's icons are
# data: SVGs in its CSS. Forms (the search box) post only to this site; it may be framed only
# by itself, and the embeds by any site (sociale_kaart/embed.py).
_BASE = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)


def _sha256(text: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode() + "'"


def policy_for(html: bytes, *, embed: bool = False) -> str:
    """The policy for one page: script-src and style-src with that page's own hashes."""
    scripts = sorted(
        {
            _sha256(match["body"])
            for match in _INLINE_SCRIPT.finditer(html)
            if not _EXTERNAL_OR_DATA.search(match["attrs"])
        }
    )
    styles = sorted(
        {
            _sha256(match[1] if match[1] is not None else match[2])
            for match in _STYLE_ATTRIBUTE.finditer(html)
        }
    )
    script_src = " ".join(["script-src 'self'", *scripts])
    # 'unsafe-hashes' lets the listed style attributes apply, and nothing else inline.
    style_src = " ".join(["style-src 'self'", *(["'unsafe-hashes'", *styles] if styles else [])])
    ancestors = "frame-ancestors *" if embed else "frame-ancestors 'self'"
    return f"{_BASE}; {script_src}; {style_src}; {ancestors}"


def add_policy(response: Response) -> Response:
    """After-request hook of the portal blueprint."""
    # A 304 carries no body; the browser keeps the policy that came with the cached page.
    if response.mimetype != "text/html" or response.status_code not in (200, 404):
        return response
    # send_from_directory streams the file; the hashes need its bytes (pages are small).
    response.direct_passthrough = False
    embed = request.path.startswith("/embed/")
    response.headers["Content-Security-Policy"] = policy_for(response.get_data(), embed=embed)
    return response
