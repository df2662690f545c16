"""Every setting of the project, declared once: name, default and a one-line help text.

Settings come from environment variables. The README's settings table is tested against this
list, so a setting cannot exist without being documented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    def value(self) -> str:
        return os.environ.get(self.name, self.default)


SETTINGS: tuple[Setting, ...] = (
    Setting("MZA_CONTENT_DIR", "content", "Map met de pagina's die redacteuren schrijven."),
    Setting(
        "MZA_SOCIALE_KAART_DIR",
        "sociale_kaart",
        "Map met de sociale kaart: organisaties/ (één YAML-bestand per organisatie) en taxonomie/.",
    ),
    Setting(
        "MZA_BUILD_DIR", "build", "Werkmap voor de gegenereerde Markdown en MkDocs-instellingen."
    ),
    Setting(
        "MZA_SITE_DIR",
        "site",
        "Map waarin de gebouwde statische site komt en waaruit de dienst hem serveert.",
    ),
    Setting(
        "MZA_MKDOCS_CONFIG",
        "mkdocs.yml",
        "Basisinstellingen voor MkDocs (thema, taal, Markdown-extensies).",
    ),
    Setting(
        "MZA_SITE_URL",
        "https://mantelzorgacademie-flevoland.nl/",
        "Publiek adres van de portal; gebruikt voor canonieke links en de sitemap.",
    ),
    Setting(
        "MZA_EDIT_URL",
        "https://github.com/mantelzorgacademie-flevoland/portal/edit/main/content/",
        "Adres waar 'Bewerk deze pagina' naartoe gaat; het pad van de pagina komt erachter.",
    ),
    Setting(
        "MZA_ZOEKINDEX_DIR",
        "instance/zoekindex",
        "Map met de zoekindex: `portaal/` (gebouwd door `site-builder build`) en `bijeenkomsten/` (bijgewerkt door de dienst). Niet in git.",
    ),
    Setting("MZA_HOST", "127.0.0.1", "Adres waarop de dienst luistert."),
    Setting("MZA_PORT", "8000", "Poort waarop de dienst luistert."),
    Setting(
        "MZA_WERKPROCESSEN",
        "1",
        "Aantal processen van `quiz-service serve`. 1: één proces met 8 threads (waitress), "
        "genoeg voor een laptop of een kleine server. 2 of meer: zoveel processen met elk 2 "
        "threads (gunicorn); neem het aantal processorkernen. Op 2 kernen verwerkt de dienst "
        "met 2 processen ruim drie keer zoveel toetsen per seconde (benchmarks/RESULTATEN.md).",
    ),
    Setting(
        "DATABASE_URL",
        "sqlite:///instance/academie.sqlite3",
        "Database van de dienst (SQLAlchemy-adres). Een relatief SQLite-pad geldt vanaf de map "
        "van het project; PostgreSQL: `postgresql+psycopg://gebruiker:wachtwoord@host/naam`.",
    ),
    Setting(
        "MZA_ADMIN_PASSWORD",
        "",
        "Wachtwoord voor `quiz-service create-admin` zonder vraag (voor scripts). Leeg: het "
        "commando vraagt erom.",
    ),
    Setting(
        "MZA_SECRET_KEY",
        "",
        "Geheime sleutel die de sessiecookie ondertekent. Leeg: de dienst maakt bij de eerste "
        "start een willekeurige sleutel in `instance/secret_key`. Zet hem nooit in git.",
    ),
    Setting(
        "MZA_HTTPS",
        "1",
        "1: de site draait op https, dus de sessiecookie krijgt de vlag Secure. Zet op 0 als u "
        "de dienst lokaal via http:// gebruikt (in tests staat hij altijd uit).",
    ),
    Setting(
        "MZA_LOGIN_LIMIT_PER_EMAIL",
        "5 per minute",
        "Zoveel mislukte inlogpogingen mag één IP-adres per e-mailadres doen (Flask-Limiter-notatie).",
    ),
    Setting(
        "MZA_LOGIN_LIMIT_PER_IP",
        "20 per hour",
        "Zoveel mislukte inlogpogingen mag één IP-adres in totaal doen (Flask-Limiter-notatie).",
    ),
    Setting(
        "MZA_TWEEDE_STAP_ROLLEN",
        "teamleider,organisator,beheerder",
        "Rollen die na het wachtwoord ook een code uit een app op hun telefoon invullen (de "
        "tweede stap), met komma's ertussen. Leeg: niemand.",
    ),
    Setting(
        "MZA_CODE_LIMIT_PER_ACCOUNT",
        "5 per minute; 30 per day",
        "Zoveel foute codes mag één account bij de tweede stap invullen (Flask-Limiter-notatie).",
    ),
    Setting(
        "MZA_SESSIE_INACTIEF_MINUTEN",
        "30",
        "Wie zoveel minuten niets op de dienst doet, wordt uitgelogd.",
    ),
    Setting(
        "MZA_SESSIE_MAX_UREN",
        "12",
        "Zoveel uur na het inloggen wordt iedereen uitgelogd, ook wie steeds bezig is.",
    ),
    Setting(
        "MZA_RATELIMIT_STORAGE",
        "memory://",
        "Waar de tellers van de inloglimiet staan. `memory://` geldt per proces; met meer "
        "processen: `redis://host:6379`.",
    ),
    Setting(
        "MZA_RESET_LIMIT_PER_EMAIL",
        "5 per hour",
        "Zo vaak mag één IP-adres per e-mailadres een nieuw wachtwoord aanvragen (Flask-Limiter-notatie).",
    ),
    Setting(
        "MZA_RESET_LIMIT_PER_IP",
        "20 per hour",
        "Zo vaak mag één IP-adres in totaal een nieuw wachtwoord aanvragen (Flask-Limiter-notatie).",
    ),
    Setting(
        "MZA_RESET_GELDIG_MINUTEN",
        "60",
        "Zoveel minuten werkt de link in de mail 'Nieuw wachtwoord'.",
    ),
    Setting(
        "MZA_UITNODIGING_GELDIG_DAGEN",
        "7",
        "Zoveel dagen werkt de link in de mail 'Stel uw wachtwoord in' voor geïmporteerde medewerkers.",
    ),
    Setting(
        "MZA_AANMELD_LIMIT_PER_IP",
        "30 per hour",
        "Zo vaak mag één IP-adres zich zonder account aanmelden voor bijeenkomsten; elke aanmelding stuurt een mail (Flask-Limiter-notatie).",
    ),
    Setting(
        "MZA_BIJEENKOMST_BEWAARDAGEN",
        "30",
        "Zoveel dagen na een bijeenkomst verwijdert `quiz-service opruimen` de aanmeldingen (namen en e-mailadressen); alleen de aantallen blijven. Ook verstuurde mail ouder dan dit wordt verwijderd.",
    ),
    Setting(
        "MZA_MAIL_FROM",
        "Mantelzorgacademie Flevoland <noreply@mantelzorgacademie-flevoland.nl>",
        "Afzender van de mail die de dienst verstuurt.",
    ),
    Setting(
        "MZA_SMTP_HOST",
        "",
        "Mailserver (SMTP) voor de uitgaande mail. Leeg: elke mail wordt een `.eml`-bestand in "
        "MZA_OUTBOX_DIR (voor ontwikkelen).",
    ),
    Setting("MZA_SMTP_PORT", "587", "Poort van de mailserver."),
    Setting("MZA_SMTP_USER", "", "Gebruikersnaam bij de mailserver. Leeg: niet inloggen."),
    Setting("MZA_SMTP_PASSWORD", "", "Wachtwoord bij de mailserver. Zet het nooit in git."),
    Setting(
        "MZA_SMTP_STARTTLS",
        "1",
        "1: versleutel de verbinding met de mailserver met STARTTLS. 0: niet versleutelen "
        "(alleen voor een mailserver op dezelfde machine).",
    ),
    Setting(
        "MZA_OUTBOX_DIR",
        "instance/outbox",
        "Map voor de mail als `.eml`-bestanden als er geen mailserver is ingesteld. Een "
        "relatief pad geldt vanaf de map van het project.",
    ),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


def get(name: str) -> str:
    """The current value of a declared setting; an undeclared name is a programming error."""
    return _BY_NAME[name].value()


def markdown_table() -> str:
    """The settings table for the README (tests/test_settings.py keeps the two in step)."""
    rows = ["| instelling | standaard | waarvoor |", "|---|---|---|"]
    rows += [f"| `{s.name}` | `{s.default}` | {s.help} |" for s in SETTINGS]
    return "\n".join(rows)
