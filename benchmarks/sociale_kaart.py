"""`make bench-kaart`: the sociale kaart with 5,000 fictional organisations.

Measures check and build time, the size of site/, and the bytes a visitor downloads for the
overview of one gemeente (every response of a real page load in headless Chromium, each counted
gzipped, as a web server with compression would send it). Writes bench-results/sociale_kaart.json.
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.fictional_kaart import generate
from site_builder import settings
from site_builder.build import build_site
from site_builder.check import check

# The browser tests' launch settings: Debian's Chromium with no background networking.
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def visitor_bytes(site_dir: Path, path: str) -> dict:
    """Load `path` from the built site in Chromium; sum the gzipped size of every response."""
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import WSGIRequestHandler, make_server

    from quiz_service import create_app

    class _Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs) -> None:
            pass

    server = make_server(
        "127.0.0.1",
        0,
        create_app({"SITE_DIR": str(site_dir)}),
        threaded=True,
        request_handler=_Quiet,
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    responses = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("response", lambda response: responses.append(response))
            page.goto(f"http://127.0.0.1:{server.server_port}{path}", wait_until="networkidle")
            bodies = [(r.url, r.body()) for r in responses if r.status == 200]
            browser.close()
    finally:
        server.shutdown()
    port = str(server.server_port)
    sizes = {url.split(port, 1)[1]: len(gzip.compress(body, 6)) for url, body in bodies}
    return {
        "requests": len(bodies),
        "raw_bytes": sum(len(b) for _, b in bodies),
        "gzipped_bytes": sum(sizes.values()),
        "gzipped_per_file": sizes,
    }


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    mkdocs_yml = ROOT / "mkdocs.yml"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        kaart_dir = generate(ROOT / "sociale_kaart" / "taxonomie", work / "kaart", count)
        started = time.perf_counter()
        site, problems = check(ROOT / "content", mkdocs_yml, kaart_dir=kaart_dir)
        checked = time.perf_counter() - started
        if problems:
            raise SystemExit("\n".join(p.format() for p in list(problems)[:20]))
        result = build_site(
            site,
            base_config=mkdocs_yml,
            build_dir=work / "build",
            site_dir=work / "site",
            site_url=settings.get("MZA_SITE_URL"),
            edit_url=settings.get("MZA_EDIT_URL"),
        )
        overview = visitor_bytes(result.site_dir, "/sociale-kaart/gemeente/lelystad/")
        row = {
            "organisations": count,
            "check_s": round(checked, 1),
            "build_s": round(result.seconds, 1),
            "pages": sum(1 for _ in result.site_dir.rglob("index.html")),
            "site_mb": round(_size(result.site_dir) / 1e6, 1),
            "overview_lelystad": overview,
        }
    print(json.dumps(row, indent=2))
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "sociale_kaart.json").write_text(json.dumps(row, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
