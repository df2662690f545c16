"""`make bench-search`: the portal's search with 1,000 fictional articles and 10,000 fictional
organisations.

In one run: index build time and size, query latency (warm searcher, snippets included), the
gzipped bytes of one results page, and — for comparison — the size of mkdocs-material's own
search index (search_index.json) for the same 1,000 articles. Prints a Dutch table and writes
build/bench-search.json. Downloads nothing. Run on an otherwise idle machine.

The fictional kaart generator makes organisations with 1–3 services each; search_docs turns each
organisation (with its services) into one search document, so 10,000 organisations give
10,000 documents.
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import fictional_content, fictional_kaart
from site_builder import search, search_docs
from site_builder.pages import load_pages
from site_builder.problems import Problems
from sociale_kaart.loader import load_kaart

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench-search.json"

ARTICLES = 1000
ORGANISATIONS = 10_000
ROUNDS = 20
# A slow search must not make the run take forever: after this many seconds of measuring, no
# new round starts (but at least MIN_ROUNDS are done). The table says when that happened.
LATENCY_BUDGET_S = 90.0
MIN_ROUNDS = 3
# "First time" latency: a fresh Search per query, opened with words none of QUERIES uses.
COLD_ROUNDS = 3
OPENING_QUERY = "koffie wandeling"
P95_BUDGET_MS = 25.0
PAGE_BUDGET_KB = 30.0
BYTES_QUERY = "respijtzorg dronten"

QUERIES = [
    "mantelzorg",
    "mantelzorger",
    "respijtzorg",
    "respijtzorg dronten",
    "logeeropvang lelystad",
    "dagbesteding almere",
    "emmeloord dagbesteding",
    "steunpunt mantelzorg urk",
    "zeewolde",
    "mijn moeder vergeet alles",
    "dementie",
    "alzheimer",
    "even vrij",
    "keukentafelgesprek",
    "wmo aanvragen",
    "pgb",
    "persoonsgebonden budget",
    "lotgenotencontact",
    "praatgroep",
    "jonge mantelzorgers",
    "werkende mantelzorger",
    "overbelast",
    "ik ben zo moe",
    "hulp bij het huishouden",
    "vervoer naar het ziekenhuis",
    "parkinson",
    "beroerte",
    "nah",
    "wijkteam",
    "huisarts",
    "gratis hulp",
    "vrijwilliger aan huis",
    "cursus mantelzorg",
    "autisme kind",
    "psychische problemen partner",
    "mantelzorgondersteuning",
    # Typos: found nothing, so search corrects them ("Bedoelde u …?").
    "dementei",
    "respijtzrog",
    # Twelve words, the most a query keeps.
    "mijn vader heeft dementie en ik zoek hulp en rust in almere",
    # Query syntax is plain text for our search.
    '"even vrij" OR dagbesteding*',
    # No results at all.
    "xylofoonreparatie kwantumfysica",
]


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _mb(size: int) -> float:
    return round(size / 1e6, 2)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def _print(text: str = "") -> None:
    print(text, flush=True)


# --- 1. Fictional corpus ---


def make_corpus(work: Path) -> tuple[list, object, Path]:
    """The fictional articles (Page objects), the fictional kaart and the content folder."""
    content = fictional_content.generate(ROOT / "content", work / "content", ARTICLES)
    # The copy of the real content is loaded too, but only the fictional articles are used:
    # a problem in a real page (being edited) must not stop the benchmark.
    pages = [
        page
        for page in load_pages(content, Problems())
        if page.rel.startswith("mantelzorg/verzonnen-")
        and not page.rel.endswith("/index.md")
        and page.valid
    ]
    kaart_dir = fictional_kaart.generate(
        ROOT / "sociale_kaart" / "taxonomie", work / "kaart", ORGANISATIONS
    )
    problems = Problems()
    kaart = load_kaart(kaart_dir, problems, dt.date.today())
    if problems:
        raise SystemExit(
            "De verzonnen inhoud heeft problemen:\n"
            + "\n".join(p.format() for p in list(problems)[:20])
        )
    if len(pages) != ARTICLES or len(kaart.organisations) != ORGANISATIONS:
        raise SystemExit(
            f"Verwacht {ARTICLES} artikelen en {ORGANISATIONS} organisaties, "
            f"gevonden {len(pages)} en {len(kaart.organisations)}."
        )
    return pages, kaart, content


# --- 2. Index ---


def build_index(directory: Path, docs: list, synonyms: dict) -> dict:
    started = time.perf_counter()
    folder = search.build(directory, docs, synonyms)
    seconds = time.perf_counter() - started
    return {"docs": len(docs), "build_s": round(seconds, 2), "size_bytes": _size(folder)}


# --- 3. Latency ---


def _summary(times: dict[str, list[float]]) -> dict:
    every = [t for values in times.values() for t in values]
    return {
        "searches": len(every),
        "p50_ms": _ms(statistics.median(every)),
        "p95_ms": _ms(_percentile(every, 0.95)),
        "max_ms": _ms(max(every)),
    }


def _timed(searcher: search.Search, text: str) -> tuple[float, int]:
    """Seconds for one search including the first page's snippets, and the snippets' length."""
    started = time.perf_counter()
    results = searcher.search(text)
    chars = sum(len(hit.snippet) for hit in results.hits)
    return time.perf_counter() - started, chars


def latency(portal_dir: Path) -> dict:
    """Warm: one long-lived Search, each query repeated (what search caches, it reuses).
    First time: per query a fresh Search, the index already opened by a query of other words,
    so the query's own terms are not in any cache yet."""
    searcher = search.Search(portal_dir)
    try:
        summary = {}
        for text in QUERIES:  # warm-up: opens the index, fills the caches
            results = searcher.search(text)
            summary[text] = {
                "total": results.total,
                "corrected": results.corrected,
                "suggestion": results.suggestion,
                "snippet_chars": sum(len(hit.snippet) for hit in results.hits),
            }
        warm: dict[str, list[float]] = {text: [] for text in QUERIES}
        rounds = 0
        started_all = time.perf_counter()
        while rounds < ROUNDS and not (
            rounds >= MIN_ROUNDS and time.perf_counter() - started_all > LATENCY_BUDGET_S
        ):
            rounds += 1
            for text in QUERIES:
                seconds, chars = _timed(searcher, text)
                warm[text].append(seconds)
                assert chars == summary[text]["snippet_chars"], text
    finally:
        searcher.close()
    cold: dict[str, list[float]] = {text: [] for text in QUERIES}
    for _round in range(COLD_ROUNDS):
        for text in QUERIES:
            fresh = search.Search(portal_dir)
            try:
                fresh.search(OPENING_QUERY)
                cold[text].append(_timed(fresh, text)[0])
            finally:
                fresh.close()
    per_query = {
        text: {
            **summary[text],
            "p50_ms": _ms(statistics.median(values)),
            "p95_ms": _ms(_percentile(values, 0.95)),
            "max_ms": _ms(max(values)),
            "first_time_p50_ms": _ms(statistics.median(cold[text])),
            "first_time_max_ms": _ms(max(cold[text])),
        }
        for text, values in warm.items()
    }
    return {
        "queries": len(QUERIES),
        "rounds": rounds,
        "rounds_wanted": ROUNDS,
        "stopped_early": rounds < ROUNDS,
        **_summary(warm),
        "first_time": {"rounds": COLD_ROUNDS, "opening_query": OPENING_QUERY, **_summary(cold)},
        "per_query": per_query,
    }


# --- 4. Bytes of one results page ---

_FALLBACK_PAGE = """<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Zoeken: {query} – Mantelzorgacademie Flevoland</title></head>
<body><main><h1>Zoekresultaten voor ‘{query}’</h1><p>{total} resultaten</p>
<ol>
{hits}
</ol></main></body></html>
"""


def _fallback_page(portal_dir: Path, text: str) -> bytes:
    searcher = search.Search(portal_dir)
    try:
        results = searcher.search(text)
    finally:
        searcher.close()
    hits = "\n".join(
        f'<li><h2><a href="{html.escape(hit.url)}">{html.escape(hit.title)}</a></h2>'
        f"<p>{hit.snippet}</p></li>"
        for hit in results.hits
    )
    page = _FALLBACK_PAGE.format(query=html.escape(text), total=results.total, hits=hits)
    return page.encode("utf-8")


def page_bytes(zoekindex: Path, work: Path, text: str) -> dict:
    """The service's /zoeken page for `text`, or a minimal page of 10 hits if it has none yet."""
    registered = "zoeken" in (ROOT / "quiz_service" / "__init__.py").read_text("utf-8")
    status, body, note = None, None, ""
    try:
        from quiz_service import create_app, migrate

        site = work / "site-stub"
        site.mkdir(exist_ok=True)
        (site / "index.html").write_text('<!doctype html><html lang="nl"><p>Portal', "utf-8")
        url = f"sqlite:///{work / 'dienst.sqlite'}"
        migrate.upgrade(url)
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": url,
                "SITE_DIR": str(site),
                "ZOEKINDEX_DIR": str(zoekindex),
            }
        )
        response = app.test_client().get("/zoeken", query_string={"q": text}, follow_redirects=True)
        status, body = response.status_code, response.get_data()
        app.extensions["db_engine"].dispose()
    except Exception as exc:  # the service is being written; measure the fallback instead
        note = f"{type(exc).__name__}: {exc}"
    source = "dienst"
    if status != 200:
        source = "noodoplossing"
        body = _fallback_page(zoekindex / "portaal", text)
    # Sanity check: the page shows the hits search finds (their addresses are in it).
    searcher = search.Search(zoekindex / "portaal")
    try:
        urls = [hit.url for hit in searcher.search(text).hits]
    finally:
        searcher.close()
    page = body.decode("utf-8", "replace")
    return {
        "hits": len(urls),
        "hits_on_page": sum(1 for url in urls if f'href="{html.escape(url)}"' in page),
        "query": text,
        "source": source,
        "zoeken_in_create_app": registered,
        "service_status": status,
        "service_error": note,
        "raw_bytes": len(body),
        "gzipped_bytes": len(gzip.compress(body, 6)),
    }


# --- 5. mkdocs-material's own search index ---

_MKDOCS_YML = """site_name: Verzonnen meting
docs_dir: docs
site_dir: site
theme:
  name: material
  language: nl
  font: false
plugins:
  - search:
      lang: nl
markdown_extensions:
  - toc:
      permalink: false
  - attr_list
"""


def mkdocs_index(content: Path, work: Path) -> dict:
    """Build only the fictional articles with MkDocs and its search plugin."""
    project = work / "mkdocs"
    docs = project / "docs"
    for folder in sorted((content / "mantelzorg").glob("verzonnen-*")):
        target = docs / "mantelzorg" / folder.name
        target.mkdir(parents=True)
        for article in sorted(folder.glob("artikel-*.md")):
            shutil.copy(article, target / article.name)
    (project / "mkdocs.yml").write_text(_MKDOCS_YML, "utf-8")
    pages = sum(1 for _ in docs.rglob("*.md"))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(project / "mkdocs.yml")],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"MkDocs is mislukt:\n{done.stdout}\n{done.stderr}")
    data = (project / "site" / "search" / "search_index.json").read_bytes()
    return {
        "pages": pages,
        "build_s": round(seconds, 1),
        "raw_bytes": len(data),
        "gzipped_bytes": len(gzip.compress(data, 6)),
        "entries": len(json.loads(data)["docs"]),
    }


# --- Report ---


def report(row: dict) -> None:
    full, articles, lat = row["index"], row["index_articles"], row["latency"]
    page, mk = row["results_page"], row["mkdocs"]
    first = lat["first_time"]
    verdict = "OK" if lat["p95_ms"] <= P95_BUDGET_MS else "TE TRAAG"
    first_verdict = "OK" if first["p95_ms"] <= P95_BUDGET_MS else "TE TRAAG"
    page_kb = page["gzipped_bytes"] / 1e3
    page_verdict = "OK" if page_kb <= PAGE_BUDGET_KB else "TE GROOT"
    _print()
    _print("Zoeken: meting met verzonnen inhoud")
    _print("=" * 78)
    _print(
        f"Verzonnen inhoud: {row['articles']} artikelen en {row['organisations']} organisaties "
        f"(met {row['services']} diensten;"
    )
    _print("  één zoekdocument per organisatie, de diensten staan in dat document)")
    _print(
        f"Aanmaken en inlezen: {row['generate_s']:.1f} s, zoekdocumenten maken: {row['docs_s']:.1f} s"
    )
    _print()
    _print(f"{'Zoekindex (Whoosh)':42} {'documenten':>11} {'bouwtijd s':>11} {'MB':>8}")
    _print(
        f"{'artikelen + sociale kaart':42} {full['docs']:11d} {full['build_s']:11.1f} "
        f"{full['size_bytes'] / 1e6:8.2f}"
    )
    _print(
        f"{'alleen de artikelen':42} {articles['docs']:11d} {articles['build_s']:11.1f} "
        f"{articles['size_bytes'] / 1e6:8.2f}"
    )
    _print()
    _print(
        f"Zoeksnelheid: {lat['queries']} zoekvragen × {lat['rounds']} rondes = "
        f"{lat['searches']} zoekopdrachten, warme index, met fragmenten van de eerste pagina"
    )
    if lat["stopped_early"]:
        _print(
            f"  (gestopt na {lat['rounds']} van de {lat['rounds_wanted']} rondes: meten duurde "
            f"langer dan {LATENCY_BUDGET_S:.0f} s)"
        )
    _print(
        f"  p50 {lat['p50_ms']:.1f} ms   p95 {lat['p95_ms']:.1f} ms   max {lat['max_ms']:.1f} ms"
    )
    _print(f"  budget p95 ≤ {P95_BUDGET_MS:.0f} ms: {verdict}")
    _print(
        f"Eerste keer (elke zoekvraag in een nieuwe Search, lege cache, index al geopend; "
        f"{first['rounds']} rondes = {first['searches']} zoekopdrachten):"
    )
    _print(
        f"  p50 {first['p50_ms']:.1f} ms   p95 {first['p95_ms']:.1f} ms   "
        f"max {first['max_ms']:.1f} ms"
    )
    _print(f"  budget p95 ≤ {P95_BUDGET_MS:.0f} ms: {first_verdict}")
    _print()
    _print(
        f"{'zoekvraag (traagste eerst)':44} {'treffers':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'max ms':>7} {'1e keer':>8}"
    )
    slowest = sorted(
        lat["per_query"].items(),
        key=lambda item: (-item[1]["p50_ms"], -item[1]["first_time_p50_ms"]),
    )
    for text, q in slowest:
        shown = text if len(text) <= 42 else text[:41] + "…"
        extra = f"  → {q['corrected']}" if q["corrected"] else ""
        _print(
            f"{shown:44} {q['total']:8d} {q['p50_ms']:7.1f} {q['p95_ms']:7.1f} "
            f"{q['max_ms']:7.1f} {q['first_time_p50_ms']:8.1f}{extra}"
        )
    _print("  (1e keer: mediaan van de eerste keer in een nieuwe Search; → verbeterd naar)")
    _print()
    _print(f"Eén zoekopdracht ('{page['query']}'), de resultatenpagina (alleen de HTML):")
    if page["source"] == "dienst":
        _print("  gemeten: /zoeken van de dienst (quiz_service)")
    else:
        why = (
            f"antwoord {page['service_status']}"
            if page["service_status"]
            else page["service_error"] or "geen antwoord"
        )
        _print(
            "  NOODOPLOSSING: /zoeken van de dienst werkt nog niet "
            f"({why}; 'zoeken' in create_app: {'ja' if page['zoeken_in_create_app'] else 'nee'})."
        )
        _print("  Gemeten is een eenvoudige HTML-pagina met 10 treffers (titel, adres, fragment).")
    _print(f"  {page['hits_on_page']} van de {page['hits']} treffers staan op de pagina")
    _print(
        f"  {page['raw_bytes'] / 1e3:.1f} KB, gzip {page_kb:.1f} KB; "
        f"budget ≤ {PAGE_BUDGET_KB:.0f} KB gzip: {page_verdict}"
    )
    _print()
    _print(
        f"Ter vergelijking: de ingebouwde zoekindex van mkdocs-material (search_index.json) voor "
        f"dezelfde {mk['pages']} artikelen"
    )
    _print(
        "  (alleen de artikelen: de pagina's van de sociale kaart met MkDocs bouwen duurt te lang)"
    )
    _print(f"{'index voor ' + str(mk['pages']) + ' artikelen':42} {'MB':>8} {'gzip MB':>8}")
    _print(
        f"{'mkdocs-material search_index.json':42} {mk['raw_bytes'] / 1e6:8.2f} "
        f"{mk['gzipped_bytes'] / 1e6:8.2f}   (MkDocs-bouw {mk['build_s']:.1f} s)"
    )
    _print(
        f"{'onze Whoosh-index (op de server)':42} {articles['size_bytes'] / 1e6:8.2f} "
        f"{'-':>8}   (de bezoeker downloadt hem niet)"
    )
    _print()
    _print(f"Totale duur: {row['total_s']:.0f} s. Cijfers ook in {OUT.relative_to(ROOT)}.")


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        work = Path(tmp)
        _print(f"Verzonnen inhoud aanmaken: {ARTICLES} artikelen, {ORGANISATIONS} organisaties …")
        step = time.perf_counter()
        pages, kaart, content = make_corpus(work)
        generated = time.perf_counter() - step

        step = time.perf_counter()
        page_docs = [search_docs.page_doc(page) for page in pages]
        org_docs = search_docs.organisation_docs(kaart)
        synonyms = search_docs.synonyms(ROOT / "content")
        docs_s = time.perf_counter() - step

        _print(f"Zoekindex bouwen: {len(page_docs) + len(org_docs)} documenten …")
        zoekindex = work / "zoekindex"
        full = build_index(zoekindex / "portaal", page_docs + org_docs, synonyms)
        only_articles = build_index(work / "alleen-artikelen", page_docs, synonyms)

        _print(f"Zoeksnelheid meten: {len(QUERIES)} zoekvragen × {ROUNDS} rondes …")
        lat = latency(zoekindex / "portaal")

        _print("Resultatenpagina meten …")
        page = page_bytes(zoekindex, work, BYTES_QUERY)

        _print(f"MkDocs met de search-plugin bouwen voor {ARTICLES} artikelen …")
        mk = mkdocs_index(content, work)

    row = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "articles": len(pages),
        "organisations": len(kaart.organisations),
        "services": sum(len(org.diensten) for org in kaart.organisations),
        "generate_s": round(generated, 1),
        "docs_s": round(docs_s, 1),
        "index": full,
        "index_articles": only_articles,
        "latency": lat,
        "latency_budget_ms": P95_BUDGET_MS,
        "latency_ok": lat["p95_ms"] <= P95_BUDGET_MS,
        "latency_first_time_ok": lat["first_time"]["p95_ms"] <= P95_BUDGET_MS,
        "results_page": page,
        "results_page_budget_bytes": int(PAGE_BUDGET_KB * 1000),
        "results_page_ok": page["gzipped_bytes"] <= PAGE_BUDGET_KB * 1000,
        "mkdocs": mk,
        "total_s": round(time.perf_counter() - started, 1),
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(row, indent=2, ensure_ascii=False), "utf-8")
    report(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
