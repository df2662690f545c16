"""Command line: `site-builder check | build | voorbeeld | serve` (and the editors' lists)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sociale_kaart.loader import te_controleren

from . import settings
from .build import BuildError, build_site
from .check import check
from .problems import display_path
from .readability import MAX_WORDS_PER_SENTENCE, MIN_FLESCH_DOUMA


def _kaart_dir(args: argparse.Namespace) -> Path | None:
    kaart = Path(args.sociale_kaart)
    # Fixture folders for content checks have no sociale kaart; the repository always has one.
    return kaart if (kaart / "organisaties").is_dir() else None


def _check(args: argparse.Namespace):
    return check(Path(args.content), Path(args.mkdocs_config), kaart_dir=_kaart_dir(args))


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
    from .preview import forget_state, save_state

    forget_state(Path(args.build_dir))
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
            index_dir=Path(args.zoekindex) / "portaal",
        )
    except BuildError as exc:
        print(
            "MkDocs kon de site niet bouwen. Meld dit aan een ontwikkelaar; "
            f"de melding van MkDocs:\n{exc}",
            file=sys.stderr,
        )
        return 2
    print(f"Site gebouwd in {result.site_dir}: {result.pages} pagina's in {result.seconds:.1f} s.")
    print(
        f"Zoekindex gebouwd in {result.index_dir}: {result.index_seconds:.1f} s "
        "(terwijl MkDocs de pagina's maakte)."
    )
    # For `site-builder voorbeeld`: what this build was made of.
    save_state(
        Path(args.build_dir),
        site=site,
        kaart_dir=_kaart_dir(args),
        base_config=Path(args.mkdocs_config),
        site_dir=Path(args.site_dir),
        site_url=args.site_url,
        edit_url=args.edit_url,
    )
    return 0


def cmd_voorbeeld(args: argparse.Namespace) -> int:
    """The site again after changing pages: only those pages, or a full build when needed."""
    from .preview import FullBuildNeeded, preview

    try:
        result, problems, warnings = preview(
            content_dir=Path(args.content),
            kaart_dir=_kaart_dir(args),
            base_config=Path(args.mkdocs_config),
            build_dir=Path(args.build_dir),
            site_dir=Path(args.site_dir),
            site_url=args.site_url,
            edit_url=args.edit_url,
        )
    except FullBuildNeeded as reason:
        print(
            f"De hele site wordt opnieuw gebouwd, want {reason}. Dat duurt langer.", file=sys.stderr
        )
        return cmd_build(args)
    except BuildError as exc:
        print(
            "MkDocs kon het voorbeeld niet maken. Meld dit aan een ontwikkelaar; "
            f"de melding van MkDocs:\n{exc}",
            file=sys.stderr,
        )
        return 2
    for warning in warnings:
        print(warning.format())
    if result is None:
        _report(problems)
        print("Het voorbeeld is niet bijgewerkt: eerst moeten alle problemen weg.", file=sys.stderr)
        return 1
    if not result.pages:
        print("Geen pagina veranderd sinds de vorige bouw; de site is al bij.")
        return 0
    count = len(result.pages)
    word = "pagina" if count == 1 else "pagina's"
    print(f"Voorbeeld bijgewerkt in {result.site_dir}: {count} {word} in {result.seconds:.1f} s.")
    for rel in result.pages:
        print(f"  {rel}")
    print("De zoekindex wordt pas bij de volgende volledige bouw bijgewerkt.")
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
    building = argparse.ArgumentParser(add_help=False)
    building.add_argument("--build-dir", default=settings.get("MZA_BUILD_DIR"))
    building.add_argument("--site-dir", default=settings.get("MZA_SITE_DIR"))
    building.add_argument("--site-url", default=settings.get("MZA_SITE_URL"))
    building.add_argument("--edit-url", default=settings.get("MZA_EDIT_URL"))
    building.add_argument(
        "--zoekindex",
        default=settings.get("MZA_ZOEKINDEX_DIR"),
        help="map voor de zoekindex (standaard: %(default)s)",
    )
    commands.add_parser("build", parents=[common, building], help="controleer en bouw de site")
    commands.add_parser(
        "voorbeeld",
        parents=[common, building],
        help="bouw alleen de pagina's opnieuw die sinds de vorige bouw veranderd zijn "
        "(snel voorbeeld voor redacteuren; zo nodig alles)",
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
        "voorbeeld": cmd_voorbeeld,
        "serve": cmd_serve,
        "te-controleren": cmd_te_controleren,
        "leesbaarheid": cmd_leesbaarheid,
    }[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
