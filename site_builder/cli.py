"""Command line: `site-builder check | build | serve`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sociale_kaart.loader import te_controleren

from . import settings
from .build import BuildError, build_site
from .check import check
from .problems import display_path
from .readability import MAX_WORDS_PER_SENTENCE, MIN_FLESCH_DOUMA


def _check(args: argparse.Namespace):
    kaart = Path(args.sociale_kaart)
    # Fixture folders for content checks have no sociale kaart; the repository always has one.
    kaart_dir = kaart if (kaart / "organisaties").is_dir() else None
    return check(Path(args.content), Path(args.mkdocs_config), kaart_dir=kaart_dir)


def _report(problems) -> None:
    for problem in problems:
        print(problem.format())
    count = len(problems)
    word = "probleem" if count == 1 else "problemen"
    print(f"\n{count} {word} gevonden. Los ze op en start de controle opnieuw.", file=sys.stderr)


def _warn(site) -> None:
    for warning in site.warnings:
        print(warning.format())


def cmd_check(args: argparse.Namespace) -> int:
    site, problems = _check(args)
    _warn(site)
    if problems:
        _report(problems)
        return 1
    organisaties = f" en {len(site.kaart.organisations)} organisaties" if site.kaart else ""
    print(f"Alles in orde: {len(site.pages)} pagina's{organisaties} gecontroleerd.")
    if site.warnings:
        count = len(site.warnings)
        word = "waarschuwing" if count == 1 else "waarschuwingen"
        print(f"Wel {count} {word}: kijk ernaar, de site kan wel gebouwd worden.")
    return 0


def cmd_leesbaarheid(args: argparse.Namespace) -> int:
    """Readability of every page and quiz, hardest first."""
    site, problems = _check(args)
    rows = sorted(site.readability, key=lambda m: m.readability.flesch_douma)
    for item in rows:
        mark = "" if item.readability.plain else "  ← moeilijk"
        print(f"{display_path(item.path)}: {item.readability.describe()}{mark}")
    hard = sum(not m.readability.plain for m in rows)
    print(
        f"\n{len(rows)} pagina's en toetsen gemeten; {hard} onder de grens voor B1 "
        f"(Flesch-Douma {MIN_FLESCH_DOUMA:.0f} of meer, of gemiddeld hooguit "
        f"{MAX_WORDS_PER_SENTENCE:.0f} woorden per zin).",
        file=sys.stderr,
    )
    if problems:
        print(
            f"Let op: de controle vond ook {len(problems)} problemen; zie 'site-builder check'.",
            file=sys.stderr,
        )
    return 0


def cmd_te_controleren(args: argparse.Namespace) -> int:
    """The sociale-kaart entries an editor should look at, one line each."""
    site, problems = _check(args)
    if site.kaart is None:
        print("Geen sociale kaart gevonden.", file=sys.stderr)
        return 1
    found = te_controleren(site.kaart)
    for org, reasons in found:
        print(f"{display_path(org.path)}: {org.naam} — {'; '.join(reasons)}")
    print(
        f"\n{len(found)} van {len(site.kaart.organisations)} organisaties te controleren.",
        file=sys.stderr,
    )
    if problems:
        print(
            f"Let op: de controle vond ook {len(problems)} problemen; zie 'site-builder check'.",
            file=sys.stderr,
        )
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    site, problems = _check(args)
    _warn(site)
    if problems:
        _report(problems)
        print("De site is niet gebouwd: eerst moeten alle problemen weg.", file=sys.stderr)
        return 1
    try:
        result = build_site(
            site,
            base_config=Path(args.mkdocs_config),
            build_dir=Path(args.build_dir),
            site_dir=Path(args.site_dir),
            site_url=args.site_url,
            edit_url=args.edit_url,
        )
    except BuildError as exc:
        print(
            "MkDocs kon de site niet bouwen. Meld dit aan een ontwikkelaar; "
            f"de melding van MkDocs:\n{exc}",
            file=sys.stderr,
        )
        return 2
    print(f"Site gebouwd in {result.site_dir}: {result.pages} pagina's in {result.seconds:.1f} s.")
    from .search_docs import build_index

    started = time.perf_counter()
    built = build_index(site, Path(args.zoekindex) / "portaal")
    print(f"Zoekindex gebouwd in {built}: {time.perf_counter() - started:.1f} s.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from quiz_service.server import serve

    serve()
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="site-builder", description="Controleer en bouw de Mantelzorgacademie-portal."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--content",
        default=settings.get("MZA_CONTENT_DIR"),
        help="map met de pagina's (standaard: %(default)s)",
    )
    common.add_argument(
        "--sociale-kaart",
        default=settings.get("MZA_SOCIALE_KAART_DIR"),
        help="map met de sociale kaart (standaard: %(default)s)",
    )
    common.add_argument(
        "--mkdocs-config",
        default=settings.get("MZA_MKDOCS_CONFIG"),
        help="basisinstellingen van MkDocs (standaard: %(default)s)",
    )
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "check", parents=[common], help="controleer alle inhoud en meld elk probleem"
    )
    build = commands.add_parser("build", parents=[common], help="controleer en bouw de site")
    build.add_argument("--build-dir", default=settings.get("MZA_BUILD_DIR"))
    build.add_argument("--site-dir", default=settings.get("MZA_SITE_DIR"))
    build.add_argument("--site-url", default=settings.get("MZA_SITE_URL"))
    build.add_argument("--edit-url", default=settings.get("MZA_EDIT_URL"))
    build.add_argument(
        "--zoekindex",
        default=settings.get("MZA_ZOEKINDEX_DIR"),
        help="map voor de zoekindex (standaard: %(default)s)",
    )
    commands.add_parser(
        "te-controleren",
        parents=[common],
        help="toon de organisaties op de sociale kaart die een redacteur moet nakijken",
    )
    commands.add_parser(
        "leesbaarheid",
        parents=[common],
        help="toon hoe makkelijk elke pagina en toets te lezen is (Flesch-Douma, zinslengte)",
    )
    commands.add_parser("serve", help="start de portal en de dienst op één adres")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler = {
        "check": cmd_check,
        "build": cmd_build,
        "serve": cmd_serve,
        "te-controleren": cmd_te_controleren,
        "leesbaarheid": cmd_leesbaarheid,
    }[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
