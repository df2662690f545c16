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
    Setting("MZA_HOST", "127.0.0.1", "Adres waarop de dienst luistert."),
    Setting("MZA_PORT", "8000", "Poort waarop de dienst luistert."),
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
        "1: de site draait op https, dus de sessiecookie krijgt de vlag Secure. Zet op 0 als je "
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
        "MZA_RATELIMIT_STORAGE",
        "memory://",
        "Waar de tellers van de inloglimiet staan. `memory://` geldt per proces; met meer "
        "processen: `redis://host:6379`.",
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
