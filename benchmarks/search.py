"""`make bench-search`, and the section "zoeken" of `make bench`: the portal's search with
1,000 fictional articles and 10,000 fictional organisations.

In one run: index build time and size, query latency (warm searcher, snippets included), the
first query of each question after the index was opened and warmed as the service does, the
gzipped bytes of one results page, and — for comparison — the size of mkdocs-material's own
search index (search_index.json) for the same 1,000 articles. `run(work)` returns the figures
(benchmarks.report); run as a script it prints a Dutch table and writes build/bench-search.json.
Downloads nothing. Run on an otherwise idle machine: latencies on a busy one are higher.

The fictional kaart generator makes organisations with 1–3 services each; search_docs turns each
organisation (with its services) into one search document, so 10,000 organisations give
10,000 documents.
"""

from __future__ import annotations

import collections
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
from benchmarks.report import Figure
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
# "First time" latency: each query once on an index just opened and warmed, as the service has
# it after its start. Compared with how it was before warming: a fresh unwarmed Search per
# query, opened with words none of QUERIES uses.
COLD_ROUNDS = 3
OPENING_QUERY = "koffie wandeling"
WARM_OPENS = 3  # times the index is opened and warmed, for the warm-up time
# Budgets: just above what a shared 2-core machine reached in two runs (p50 3.6–3.7 ms, p95
# 8.2–8.4 ms, first query p95 11.2–14.5 ms, warming 0.94–1.15 s, results page 1.6 KB), so a
# slower change shows up. The issue's own target for the first query was 25 ms.
P50_BUDGET_MS = 5.0
P95_BUDGET_MS = 10.0
FIRST_P95_BUDGET_MS = 18.0
WARM_UP_BUDGET_S = 2.0
PAGE_BUDGET_KB = 5.0
BYTES_QUERY = "respijtzorg dronten"
SECTION = "zoeken"
COMMAND = "make bench-search"

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


def _timed(searcher: search.Search, text: str) -> tuple[float, int, float]:
    """Seconds for one search including the first page's snippets, the snippets' length, and
    the CPU seconds of this thread (less disturbed by other work on the machine)."""
    cpu = time.thread_time()
    started = time.perf_counter()
    results = searcher.search(text)
    chars = sum(len(hit.snippet) for hit in results.hits)
    return time.perf_counter() - started, chars, time.thread_time() - cpu


_CACHES = ("terms", "concepts", "corrections")


def _snapshot(engine) -> dict:
    """The engine's caches as warming left them (their values are never changed afterwards)."""
    return {
        name: (list(getattr(engine, name).items.items()), getattr(engine, name).size)
        for name in _CACHES
    }


def _restore(engine, snapshot: dict) -> None:
    """Back to the just-warmed state, so each query finds only what warming put there and
    nothing an earlier query did: opening and warming a fresh index for each of the 123
    queries would take minutes."""
    for name, (items, size) in snapshot.items():
        cache = getattr(engine, name)
        cache.items, cache.size = collections.OrderedDict(items), size


def latency(portal_dir: Path) -> dict:
    """Warm: one long-lived Search, each query repeated (what search caches, it reuses).
    First time: each query once on an index opened and warmed as the service does at start.
    Unwarmed (how it was): per query a fresh Search without warming, the index already opened
    by a query of other words, so the query's own terms are not in any cache yet."""
    searcher = search.Search(portal_dir, warm=True)
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
                seconds, chars, _cpu = _timed(searcher, text)
                warm[text].append(seconds)
                assert chars == summary[text]["snippet_chars"], text
    finally:
        searcher.close()

    opens = []
    for _open in range(WARM_OPENS):
        fresh = search.Search(portal_dir, warm=True)
        started = time.perf_counter()
        fresh.open()
        opens.append(time.perf_counter() - started)
        if _open < WARM_OPENS - 1:
            fresh.close()
    engine = fresh.indexes[0].engine
    snapshot = _snapshot(engine)
    first: dict[str, list[float]] = {text: [] for text in QUERIES}
    first_cpu: list[float] = []
    try:
        for _round in range(COLD_ROUNDS):
            for text in QUERIES:
                _restore(engine, snapshot)
                seconds, chars, cpu = _timed(fresh, text)
                assert chars == summary[text]["snippet_chars"], text
                first[text].append(seconds)
                first_cpu.append(cpu)
    finally:
        fresh.close()

    cold: dict[str, list[float]] = {text: [] for text in QUERIES}
    for _round in range(COLD_ROUNDS):
        for text in QUERIES:
            unwarmed = search.Search(portal_dir)
            try:
                unwarmed.search(OPENING_QUERY)
                cold[text].append(_timed(unwarmed, text)[0])
            finally:
                unwarmed.close()
    per_query = {
        text: {
            **summary[text],
            "p50_ms": _ms(statistics.median(values)),
            "p95_ms": _ms(_percentile(values, 0.95)),
            "max_ms": _ms(max(values)),
            "first_time_p50_ms": _ms(statistics.median(first[text])),
            "first_time_max_ms": _ms(max(first[text])),
            "unwarmed_p50_ms": _ms(statistics.median(cold[text])),
        }
        for text, values in warm.items()
    }
    return {
        "queries": len(QUERIES),
        "rounds": rounds,
        "rounds_wanted": ROUNDS,
        "stopped_early": rounds < ROUNDS,
        **_summary(warm),
        "warm_up": {
            "opens": WARM_OPENS,
            "median_s": round(statistics.median(opens), 2),
            "max_s": round(max(opens), 2),
            "cached_entries": sum(len(items) for items, _size in snapshot.values()),
        },
        "first_time": {
            "rounds": COLD_ROUNDS,
            **_summary(first),
            "cpu_p95_ms": _ms(_percentile(first_cpu, 0.95)),
        },
        "unwarmed": {"rounds": COLD_ROUNDS, "opening_query": OPENING_QUERY, **_summary(cold)},
        "per_query": per_query,
    }


# --- 4. Bytes of one results page ---


def page_bytes(zoekindex: Path, work: Path, text: str) -> dict:
    """The service's /zoeken page for `text`: its bytes, and gzipped (level 6, as a web server
    would send it; the service itself does not compress its own pages)."""
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
    try:
        response = app.test_client().get("/zoeken", query_string={"q": text}, follow_redirects=True)
        status, body = response.status_code, response.get_data()
    finally:
        if "zoeken" in app.extensions:
            app.extensions["zoeken"].close()
        app.extensions["db_engine"].dispose()
    if status != 200:
        raise SystemExit(f"/zoeken van de dienst gaf antwoord {status}")
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
    first, unwarmed, warm_up = lat["first_time"], lat["unwarmed"], lat["warm_up"]

    def verdict(value: float, budget: float) -> str:
        return "OK" if value <= budget else "TE TRAAG"

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
        f"Index openen en opwarmen (zoals de dienst bij de start doet): mediaan "
        f"{warm_up['median_s']:.2f} s, max {warm_up['max_s']:.2f} s ({warm_up['opens']} keer; "
        f"budget ≤ {WARM_UP_BUDGET_S:.0f} s: {verdict(warm_up['max_s'], WARM_UP_BUDGET_S)})"
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
    _print(
        f"  budget p50 ≤ {P50_BUDGET_MS:.0f} ms: {verdict(lat['p50_ms'], P50_BUDGET_MS)}, "
        f"p95 ≤ {P95_BUDGET_MS:.0f} ms: {verdict(lat['p95_ms'], P95_BUDGET_MS)}"
    )
    _print(
        f"Eerste keer (elke zoekvraag één keer op een net geopende, opgewarmde index; "
        f"{first['rounds']} rondes = {first['searches']} zoekopdrachten):"
    )
    _print(
        f"  p50 {first['p50_ms']:.1f} ms   p95 {first['p95_ms']:.1f} ms   "
        f"max {first['max_ms']:.1f} ms   (p95 processortijd {first['cpu_p95_ms']:.1f} ms)"
    )
    _print(
        f"  budget p95 ≤ {FIRST_P95_BUDGET_MS:.0f} ms: "
        f"{verdict(first['p95_ms'], FIRST_P95_BUDGET_MS)}"
    )
    _print(
        f"Ter vergelijking, zonder opwarmen (nieuwe Search per zoekvraag, index geopend met "
        f"'{unwarmed['opening_query']}'): p50 {unwarmed['p50_ms']:.1f} ms   "
        f"p95 {unwarmed['p95_ms']:.1f} ms   max {unwarmed['max_ms']:.1f} ms"
    )
    _print()
    _print(
        f"{'zoekvraag (traagste eerst)':44} {'treffers':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'1e keer':>8} {'koud':>7}"
    )
    slowest = sorted(
        lat["per_query"].items(),
        key=lambda item: (-item[1]["first_time_p50_ms"], -item[1]["p50_ms"]),
    )
    for text, q in slowest:
        shown = text if len(text) <= 42 else text[:41] + "…"
        extra = f"  → {q['corrected']}" if q["corrected"] else ""
        _print(
            f"{shown:44} {q['total']:8d} {q['p50_ms']:7.1f} {q['p95_ms']:7.1f} "
            f"{q['first_time_p50_ms']:8.1f} {q['unwarmed_p50_ms']:7.1f}{extra}"
        )
    _print(
        "  (1e keer: mediaan, opgewarmde index; koud: mediaan zonder opwarmen; → verbeterd naar)"
    )
    _print()
    _print(f"Eén zoekopdracht ('{page['query']}'), de resultatenpagina /zoeken (alleen de HTML):")
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


# --- Figures for `make bench` ---


def _dutch(number: float) -> str:
    """1.000 and 11,2: Dutch, as the table (benchmarks.report) writes numbers."""
    text = f"{int(number):,}" if float(number).is_integer() else f"{number:,.1f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


_NOISE = "Gedeelde processor: op een drukke machine is de tijd hoger dan de processortijd."


def figures(row: dict) -> list[Figure]:
    lat, page, mk = row["latency"], row["results_page"], row["mkdocs"]
    first, unwarmed, warm_up = lat["first_time"], lat["unwarmed"], lat["warm_up"]
    corpus = (
        f"{_dutch(row['articles'])} artikelen en {_dutch(row['organisations'])} organisaties "
        "(verzonnen)"
    )

    def figure(name: str, value: float, unit: str, **extra) -> Figure:
        return Figure(SECTION, name, value, unit, command=COMMAND, **extra)

    return [
        figure(
            "zoekvraag p50 (warme index)",
            lat["p50_ms"],
            "ms",
            budget=P50_BUDGET_MS,
            note=f"{lat['searches']} zoekopdrachten ({lat['queries']} zoekvragen × "
            f"{lat['rounds']} rondes) met fragmenten, {corpus}.",
        ),
        figure(
            "zoekvraag p95 (warme index)",
            lat["p95_ms"],
            "ms",
            budget=P95_BUDGET_MS,
            note=_NOISE,
        ),
        figure(
            "eerste zoekvraag p95 (opgewarmde index)",
            first["p95_ms"],
            "ms",
            alternative="zonder opwarmen",
            alternative_value=unwarmed["p95_ms"],
            budget=FIRST_P95_BUDGET_MS,
            note=f"Elke zoekvraag één keer op een net geopende index, opgewarmd zoals de dienst "
            f"bij de start doet; p95 processortijd {_dutch(first['cpu_p95_ms'])} ms. {_NOISE}",
        ),
        figure(
            "index openen en opwarmen",
            warm_up["max_s"],
            "s",
            budget=WARM_UP_BUDGET_S,
            note=f"Het langste van {warm_up['opens']} keer; de dienst doet het op de achtergrond "
            "vanaf het eerste verzoek, en na elke nieuwe index (die wordt pas daarna gebruikt).",
        ),
        figure(
            "resultatenpagina /zoeken, gzip",
            round(page["gzipped_bytes"] / 1e3, 1),
            "KB",
            alternative=f"search_index.json van mkdocs-material ({mk['pages']} artikelen, gzip)",
            alternative_value=round(mk["gzipped_bytes"] / 1e3, 1),
            budget=PAGE_BUDGET_KB,
            note=f"Eén zoekopdracht ('{page['query']}', {page['hits_on_page']} treffers op de "
            "pagina), gzip niveau 6 zelf berekend. mkdocs-material stuurt zijn hele index naar "
            "elke bezoeker die zoekt; bij ons blijft de index op de server.",
        ),
    ]


def measure(work: Path) -> dict:
    """Every measurement, in `work` (which may be removed afterwards)."""
    started = time.perf_counter()
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
    return {
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
        "results_page": page,
        "mkdocs": mk,
        "total_s": round(time.perf_counter() - started, 1),
    }


def _write(row: dict) -> None:
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(row, indent=2, ensure_ascii=False), "utf-8")


def run(work: Path) -> list[Figure]:
    """The section "zoeken" of `make bench`."""
    row = measure(work)
    _write(row)
    return figures(row)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        row = measure(Path(tmp))
    _write(row)
    report(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
