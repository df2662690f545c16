"""Command line: `quiz-service serve`."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    top = argparse.ArgumentParser(prog="quiz-service", description="De academie-dienst.")
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="start de portal en de dienst op één adres")
    args = top.parse_args(argv)
    if args.command == "serve":
        from .server import serve

        serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
