"""Command line: `site-builder check | build | serve`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import settings
from .build import BuildError, build_site
from .check import check


def _paths(args: argparse.Namespace) -> tuple[Path, Path]:
    return Path(args.content), Path(args.mkdocs_config)


def _report(problems) -> None:
    for problem in problems:
        print(problem.format())
    count = len(problems)
    word = "probleem" if count == 1 else "problemen"
    print(f"\n{count} {word} gevonden. Los ze op en start de controle opnieuw.", file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    content, mkdocs_yml = _paths(args)
    site, problems = check(content, mkdocs_yml)
    if problems:
        _report(problems)
        return 1
    print(f"Alles in orde: {len(site.pages)} pagina's gecontroleerd.")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    content, mkdocs_yml = _paths(args)
    site, problems = check(content, mkdocs_yml)
    if problems:
        _report(problems)
        print("De site is niet gebouwd: eerst moeten alle problemen weg.", file=sys.stderr)
        return 1
    try:
        result = build_site(
            site,
            base_config=mkdocs_yml,
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
    commands.add_parser("serve", help="start de portal en de dienst op één adres")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler = {"check": cmd_check, "build": cmd_build, "serve": cmd_serve}[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
