"""Command line: `quiz-service serve | init-db | demo-data | create-admin | tweede-stap-wissen |
send-mail | backup | herstel`."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from site_builder import settings


def _init_db() -> int:
    from .db import database_url
    from .migrate import upgrade

    url = database_url()
    upgrade(url)
    print(f"Database is bijgewerkt: {url.render_as_string(hide_password=True)}")
    return 0


def _demo_data() -> int:
    from sqlalchemy.orm import Session

    from .db import make_engine
    from .demo import load_demo_data

    engine = make_engine()
    try:
        with Session(engine) as session:
            result = load_demo_data(session)
    finally:
        engine.dispose()
    if not result.created:
        print("Demogegevens staan er al; niets veranderd.")
        return 0
    print("Verzonnen demogegevens toegevoegd: " + ", ".join(result.created) + ".")
    if result.password:
        print(f"Wachtwoord van de nieuwe demo-accounts (alleen nu te zien): {result.password}")
        print(
            "De teamleider en de organisator stellen bij de eerste keer inloggen een tweede "
            "stap in: een app voor inlogcodes op de telefoon."
        )
    return 0


def _read_password() -> str:
    password = settings.get("MZA_ADMIN_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        raise SystemExit(
            "Geen wachtwoord: typ het in een terminal, of zet het in MZA_ADMIN_PASSWORD."
        )
    password = getpass.getpass("Wachtwoord voor de beheerder: ")
    if getpass.getpass("Typ het wachtwoord nog een keer: ") != password:
        raise SystemExit("De twee wachtwoorden zijn niet gelijk. Probeer het opnieuw.")
    return password


def _create_admin(email: str, name: str) -> int:
    from sqlalchemy.orm import Session

    from .accounts import AccountError, create_beheerder
    from .db import make_engine

    password = _read_password()
    engine = make_engine()
    try:
        with Session(engine) as session:
            try:
                user = create_beheerder(session, email, password, name)
            except AccountError as error:
                print(error, file=sys.stderr)
                return 1
            session.commit()
            print(f"Beheerder {user.email} is aangemaakt.")
    finally:
        engine.dispose()
    return 0


def _clear_second_step(email: str) -> int:
    from sqlalchemy.orm import Session

    from .accounts import find_by_email
    from .auth import events, mfa
    from .db import make_engine

    engine = make_engine()
    try:
        with Session(engine) as session:
            user = find_by_email(session, email)
            user_id = user.id if user is not None and user.deleted_at is None else None
            session.rollback()  # the write starts its own transaction (see quizzes.py)
            if user_id is None or not mfa.clear(session, user_id, actor=None):
                print(f"Er is geen account met {email}.", file=sys.stderr)
                return 1
    finally:
        engine.dispose()
    events.log("tweede_stap_gewist", account=user_id, door="opdrachtregel")
    print(
        f"De tweede stap van {email} is gewist. Deze persoon is overal uitgelogd en stelt de "
        "tweede stap opnieuw in bij de volgende keer inloggen."
    )
    return 0


def _send_mail(limit: int) -> int:
    from sqlalchemy.orm import Session

    from . import mail
    from .db import make_engine

    config = mail.settings_config()
    transport = mail.transport_for(config)
    engine = make_engine()
    try:
        with Session(engine) as session:
            result = mail.send_pending(session, transport, config["MAIL_FROM"], limit=limit)
    finally:
        engine.dispose()
    print(f"Mail verstuurd: {result.sent}. Mislukt: {result.failed}.")
    if result.failed:
        print(
            "Niet alle mail is verstuurd; de rest blijft klaarstaan voor de volgende keer. "
            "Controleer de MZA_SMTP-instellingen en of de mailserver werkt.",
            file=sys.stderr,
        )
        return 1
    return 0


def _clean_up() -> int:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy.orm import Session

    from . import mail
    from .bijeenkomsten import signups
    from .db import make_engine

    days = int(settings.get("MZA_BIJEENKOMST_BEWAARDAGEN"))
    now = datetime.now(UTC)
    engine = make_engine()
    try:
        with Session(engine) as session:
            purged = signups.purge(session, now, days)
            mails = mail.delete_older_than(session, now - timedelta(days=days))
    finally:
        engine.dispose()
    print(
        f"Verwijderd: {purged.signups} aanmeldingen van {purged.meetings} bijeenkomsten die "
        f"meer dan {days} dagen voorbij zijn, {purged.unconfirmed} niet bevestigde "
        f"aanmeldingen en {mails} e-mails ouder dan {days} dagen."
    )
    return 0


def _clean_up_accounts() -> int:
    from datetime import UTC, datetime

    from . import create_app, db, mail
    from .bijeenkomsten.views import links
    from .gegevens import services

    app = create_app()
    try:
        # A request context, for the links in the mails to people on a waitlist.
        with app.test_request_context():
            count = services.delete_stale_accounts(db.session(), links(), datetime.now(UTC))
    finally:
        mail.wait_for_senders()
        app.extensions["db_engine"].dispose()
    years = services.STALE_AFTER_DAYS // 365
    print(f"Verwijderd: {count} accounts van mantelzorgers die {years} jaar niet zijn ingelogd.")
    return 0


def _print_rows(rows: dict[str, int] | None) -> None:
    for name, count in (rows or {}).items():
        print(f"  {name}: {count} {'rij' if count == 1 else 'rijen'}")


def _backup(target: str) -> int:
    from babel.numbers import format_decimal

    from . import backup
    from .db import database_url

    try:
        result = backup.backup(database_url(), Path(target))
    except backup.BackupError as error:
        print(error, file=sys.stderr)
        return 1
    size = format_decimal(result.size, locale="nl")
    print(f"Reservekopie gemaakt: {result.path} ({size} bytes).")
    _print_rows(result.rows)
    return 0


def _restore(source: str) -> int:
    from . import backup
    from .db import database_url

    url = database_url()
    try:
        result = backup.restore(url, Path(source))
    except backup.BackupError as error:
        print(error, file=sys.stderr)
        return 1
    where = url.render_as_string(hide_password=True)
    print(f"Database hersteld uit {result.path}: {where}")
    _print_rows(result.rows)
    print("Is de reservekopie ouder dan de dienst? Werk hem dan bij met `quiz-service init-db`.")
    return 0


def main(argv: list[str] | None = None) -> int:
    top = argparse.ArgumentParser(prog="quiz-service", description="De academie-dienst.")
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="start de portal en de dienst op één adres")
    commands.add_parser(
        "init-db", help="maak de database of werk hem bij naar de nieuwste versie (Alembic)"
    )
    commands.add_parser(
        "demo-data", help="voeg verzonnen demogegevens toe (een tweede keer verandert niets)"
    )
    admin = commands.add_parser(
        "create-admin",
        help="maak een beheerder; het wachtwoord wordt gevraagd of komt uit MZA_ADMIN_PASSWORD",
    )
    admin.add_argument("--email", required=True, help="e-mailadres van de beheerder")
    admin.add_argument("--naam", default="Beheerder", help="naam die anderen zien")
    clear = commands.add_parser(
        "tweede-stap-wissen",
        help="wis de tweede stap van een account (telefoon en herstelcodes kwijt); de persoon "
        "stelt hem opnieuw in bij de volgende keer inloggen",
    )
    clear.add_argument("--email", required=True, help="e-mailadres van het account")
    send = commands.add_parser(
        "send-mail",
        help="verstuur de mail die klaarstaat (voor een cronjob, bijvoorbeeld elke 5 minuten)",
    )
    send.add_argument(
        "--max", type=int, default=100, help="hoogstens zoveel mails in één keer (standaard 100)"
    )
    commands.add_parser(
        "opruimen",
        help="verwijder aanmeldingen en mail na de bewaartermijn (voor een cronjob, elke nacht)",
    )
    commands.add_parser(
        "opruimen-accounts",
        help="verwijder accounts van mantelzorgers die 2 jaar niet zijn ingelogd (elke nacht)",
    )
    made = commands.add_parser(
        "backup",
        help="maak een reservekopie van de database, ook terwijl de dienst draait",
    )
    made.add_argument("bestand", metavar="BESTAND", help="het bestand voor de reservekopie")
    back = commands.add_parser(
        "herstel",
        help="zet een reservekopie terug; dit vervangt de hele database (stop eerst de dienst)",
    )
    back.add_argument("bestand", metavar="BESTAND", help="de reservekopie die terug moet")
    args = top.parse_args(argv)
    if args.command == "serve":
        import logging

        from .server import serve

        # Login events (quiz_service.auth.events) and mail problems go to standard error.
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        serve()
        return 0
    if args.command == "init-db":
        return _init_db()
    if args.command == "demo-data":
        return _demo_data()
    if args.command == "send-mail":
        return _send_mail(args.max)
    if args.command == "opruimen":
        return _clean_up()
    if args.command == "opruimen-accounts":
        return _clean_up_accounts()
    if args.command == "backup":
        return _backup(args.bestand)
    if args.command == "herstel":
        return _restore(args.bestand)
    if args.command == "tweede-stap-wissen":
        return _clear_second_step(args.email)
    return _create_admin(args.email, args.naam)


if __name__ == "__main__":
    sys.exit(main())
