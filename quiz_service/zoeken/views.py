"""`/zoeken?q=`: one search over the portal, the sociale kaart and the meetings, as plain
HTML that works without JavaScript. The JSON twin is /api/zoeken (quiz_service.api)."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request, url_for

from site_builder import search

from ..bijeenkomsten.keuzes import choices
from .index import searcher

bp = Blueprint("zoeken", __name__)


def run_query():
    """The search the request asks for: q, the facet filters and the page number."""
    filters = {name: request.args.get(name, "").strip()[:100] for name in search.FACETS}
    page = request.args.get("pagina", "1")
    # isdecimal, not isdigit: "¹" is a digit that int() refuses.
    number = int(page) if page.isascii() and page.isdecimal() else 1
    return searcher().search(request.args.get("q", ""), filters, number), filters


def facet_label(name: str, value: str) -> str:
    keuzes = choices()
    if name == "soort":
        return search.KINDS.get(value, value)
    if name == "gemeente":
        return keuzes.gemeente_naam(value)
    if name == "ziektebeeld":
        return keuzes.thema_naam(value)
    return value.capitalize()


@bp.route("/zoeken")
def results():
    found, filters = run_query()
    active = {name: value for name, value in filters.items() if value}

    def url_with(**changes) -> str:
        """This search with some parameters changed; empty ones are left out, and without a
        `pagina` among the changes the link goes to the first page."""
        params = {"q": found.query, **active, **changes}
        return url_for("zoeken.results", **{k: v for k, v in params.items() if v})

    response = make_response(
        render_template(
            "zoeken/resultaten.html",
            found=found,
            filters=active,
            url_with=url_with,
            kinds=search.KINDS,
            facet_label=facet_label,
            facet_names={
                "soort": "Soort",
                "gemeente": "Gemeente",
                "doelgroep": "Voor wie",
                "ziektebeeld": "Ziektebeeld",
            },
        )
    )
    # The words searched for are in this page's address: a click on a result must not pass
    # them on as the Referer, not even to our own pages.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
