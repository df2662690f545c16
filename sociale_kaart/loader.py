"""The one loader for the sociale kaart: YAML files → checked model, with Dutch `pad:regel` problems.

`site-builder check`, the build and the exports all read organisations through `load_kaart`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from site_builder.problems import Problems
from site_builder.schema import validate
from site_builder.yamlfile import YamlDoc, read_yaml_file

from . import hours
from .model import Location, Organisation, Phone, Service, SocialeKaart
from .taxonomy import Taxonomies, load_taxonomies

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Dutch postcodes: four digits not starting with 0, two capitals; SA, SD and SS are never issued.
_POSTCODE = re.compile(r"^[1-9][0-9]{3} ?(?!SA|SD|SS)[A-Z]{2}$")
# A generous box around Flevoland: a point outside it is almost always a typo or a swapped pair.
_FLEVOLAND = {"breedte": (52.2, 52.95), "lengte": (5.0, 6.1)}
_STATUS_WORDS = ("stichting", "vereniging", "de", "het")


class _File:
    """Problems of one organisation file, positioned with the file's YAML marks."""

    def __init__(self, path: Path, doc: YamlDoc, problems: Problems) -> None:
        self.path, self.doc, self.problems = path, doc, problems

    def add(self, where: tuple, message: str, fix: str) -> None:
        line, col = self.doc.where(where)
        self.problems.add(self.path, line, col, message, fix)


def _terms(file: _File, taxonomies: Taxonomies, kind: str, codes: list[str], where: tuple) -> None:
    known = taxonomies[kind]
    for index, code in enumerate(codes):
        if code not in known:
            file.add(
                (*where, index),
                f"'{code}' staat niet in de lijst {kind}",
                f"kies uit: {', '.join(known)} (zie sociale_kaart/taxonomie/{kind}.yaml)",
            )


def _phones(file: _File, rows: list[dict] | None, where: tuple) -> list[Phone]:
    found = []
    for index, row in enumerate(rows or []):
        try:
            number = phonenumbers.parse(row["nummer"], "NL")
            valid = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            file.add(
                (*where, index, "nummer"),
                f"'{row['nummer']}' is geen geldig telefoonnummer",
                'schrijf een Nederlands nummer met netnummer, bijvoorbeeld "0320 123 456" '
                'of "+31 320 123 456"',
            )
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        found.append(Phone(row["nummer"], e164, row.get("omschrijving", "")))
    return found


def _email(file: _File, value: str | None, where: tuple) -> str:
    if not value:
        return ""
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        file.add(
            where,
            f"'{value}' is geen geldig e-mailadres",
            "schrijf het als naam@organisatie.nl, zonder spaties",
        )
        return ""
    return value


def _hours(file: _File, data: dict | None, where: tuple) -> None:
    if data:
        for path, message, fix in hours.problems(data):
            file.add((*where, *path), message, fix)


def _location(file: _File, tax: Taxonomies, slug: str, index: int, row: dict) -> Location:
    where = ("locaties", index)
    address = row.get("adres") or {}
    if row["soort"] == "fysiek" and not address:
        file.add(
            where,
            f"de fysieke locatie '{row['id']}' heeft geen adres",
            "voeg een adres toe (straat, postcode, plaats), of laat de locatie weg als "
            "het adres niet bekend is",
        )
    postcode = address.get("postcode", "")
    if postcode and not _POSTCODE.match(postcode):
        file.add(
            (*where, "adres", "postcode"),
            f"'{postcode}' is geen geldige postcode",
            'schrijf vier cijfers, een spatie en twee hoofdletters, bijvoorbeeld "8232 AB"',
        )
    if row.get("gemeente") is not None:
        _terms(file, tax, "gemeenten", [row["gemeente"]], (*where, "gemeente"))
    coords = row.get("coordinaten") or {}
    for axis, (low, high) in _FLEVOLAND.items():
        if axis in coords and not low <= coords[axis] <= high:
            file.add(
                (*where, "coordinaten", axis),
                f"de {axis}graad {coords[axis]} ligt niet in Flevoland",
                "controleer de coördinaten; breedte is ongeveer 52.3 tot 52.9 en lengte "
                "ongeveer 5.1 tot 6.0",
            )
    _terms(
        file, tax, "toegankelijkheid", row.get("toegankelijkheid", []), (*where, "toegankelijkheid")
    )
    _hours(file, row.get("openingstijden"), (*where, "openingstijden"))
    return Location(
        org_slug=slug,
        slug=row["id"],
        soort=row["soort"],
        naam=row.get("naam", ""),
        straat=address.get("straat", ""),
        postcode=postcode,
        plaats=address.get("plaats", ""),
        gemeente=row.get("gemeente"),
        lat=coords.get("breedte"),
        lon=coords.get("lengte"),
        url=row.get("url", ""),
        toegankelijkheid=row.get("toegankelijkheid", []),
        toegankelijkheid_toelichting=row.get("toegankelijkheid_toelichting", ""),
        openingstijden=row.get("openingstijden"),
    )


def _service(
    file: _File, tax: Taxonomies, slug: str, index: int, row: dict, location_ids: set[str]
) -> Service:
    where = ("diensten", index)
    _terms(file, tax, "categorie", row["categorieen"], (*where, "categorieen"))
    _terms(file, tax, "doelgroep", row.get("doelgroepen", []), (*where, "doelgroepen"))
    _terms(file, tax, "gemeenten", row["werkgebied"], (*where, "werkgebied"))
    for key, kind in (("toegang", "toegang"), ("kosten", "kosten")):
        if key in row:
            _terms(file, tax, kind, [row[key]], (*where, key))
    for ref_index, ref in enumerate(row.get("locaties", [])):
        if ref not in location_ids:
            file.add(
                (*where, "locaties", ref_index),
                f"de locatie '{ref}' bestaat niet in dit bestand",
                f"kies uit: {', '.join(sorted(location_ids)) or '(nog geen locaties)'}",
            )
    _hours(file, row.get("openingstijden"), (*where, "openingstijden"))
    return Service(
        org_slug=slug,
        slug=row["id"],
        naam=row["naam"],
        beschrijving=row["beschrijving"].strip(),
        status=row["status"],
        categorieen=row["categorieen"],
        werkgebied=row["werkgebied"],
        doelgroepen=row.get("doelgroepen", []),
        locaties=row.get("locaties", []),
        toegang=row.get("toegang"),
        kosten=row.get("kosten"),
        kosten_toelichting=row.get("kosten_toelichting", ""),
        aanmelden=row.get("aanmelden", ""),
        website=row.get("website", ""),
        email=_email(file, row.get("email"), (*where, "email")),
        telefoon=_phones(file, row.get("telefoon"), (*where, "telefoon")),
        openingstijden=row.get("openingstijden"),
    )


def _unique_ids(file: _File, rows: list[dict], key: str, label: str) -> set[str]:
    seen: set[str] = set()
    for index, row in enumerate(rows):
        if row["id"] in seen:
            file.add(
                (key, index, "id"),
                f"de {label} '{row['id']}' staat twee keer in dit bestand",
                f"geef elke {label} een eigen id",
            )
        seen.add(row["id"])
    return seen


def load_organisation(
    path: Path, tax: Taxonomies, problems: Problems, today: dt.date
) -> Organisation | None:
    slug = path.stem
    if not _SLUG.match(slug):
        problems.add(
            path,
            1,
            1,
            f"de bestandsnaam '{path.name}' kan niet in een webadres",
            "gebruik kleine letters, cijfers en streepjes, bijvoorbeeld "
            "'steunpunt-mantelzorg-urk.yaml'",
        )
        return None
    doc = read_yaml_file(path, problems, prefix="fout in de YAML: ")
    if doc is None:
        return None
    data = doc.data if doc.data is not None else {}
    file = _File(path, doc, problems)
    errors = validate("organisatie", data, package="sociale_kaart.schemas")
    for where, message, fix in errors:
        file.add(where, message, fix)
    if errors:
        return None
    checked = dt.date.fromisoformat(data["laatst_gecontroleerd"])
    if checked > today:
        file.add(
            ("laatst_gecontroleerd",),
            f"de datum {checked} ligt in de toekomst",
            "vul de datum in waarop u de gegevens echt hebt nagekeken",
        )
    location_ids = _unique_ids(file, data.get("locaties", []), "locaties", "locatie")
    _unique_ids(file, data["diensten"], "diensten", "dienst")
    org = Organisation(
        slug=slug,
        path=path,
        naam=data["naam"].strip(),
        beschrijving=data["beschrijving"].strip(),
        laatst_gecontroleerd=checked,
        gecontroleerd_door=data["gecontroleerd_door"],
        website=data.get("website", ""),
        email=_email(file, data.get("email"), ("email",)),
        telefoon=_phones(file, data.get("telefoon"), ("telefoon",)),
        onvolledig=data.get("gegevens") == "onvolledig",
        bronnen=data.get("bronnen", []),
        locaties=[
            _location(file, tax, slug, i, row) for i, row in enumerate(data.get("locaties", []))
        ],
    )
    org.diensten = [
        _service(file, tax, slug, i, row, location_ids) for i, row in enumerate(data["diensten"])
    ]
    if not org.has_contact() and not org.onvolledig:
        file.add(
            (),
            "er staat geen telefoon, e-mail of website in",
            "voeg er minstens één toe, of zet 'gegevens: onvolledig' als u ze nog niet weet",
        )
    return org


def _name_key(name: str) -> str:
    words = re.sub(r"[^a-z0-9 ]", " ", name.casefold()).split()
    return " ".join(w for w in words if w not in _STATUS_WORDS)


def _domain(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return host.removeprefix("www.")


def check_duplicates(organisations: list[Organisation], problems: Problems) -> None:
    """Two files that look like the same organisation: same name, website domain or phone."""
    seen: dict[tuple[str, str], Organisation] = {}
    for org in organisations:
        keys = {("naam", _name_key(org.naam))}
        websites = [org.website, *(s.website for s in org.diensten)]
        keys |= {("website", _domain(w)) for w in websites if w}
        phones = [*org.telefoon, *(p for s in org.diensten for p in s.telefoon)]
        keys |= {("telefoon", p.e164) for p in phones}
        reported = False
        for key in sorted(keys):
            first = seen.get(key)
            if first is not None and first.slug != org.slug and not reported:
                label = {"naam": "naam", "website": "website", "telefoon": "telefoonnummer"}[key[0]]
                problems.add(
                    org.path,
                    1,
                    1,
                    f"lijkt dezelfde organisatie als {first.path.name} (zelfde {label}: {key[1]})",
                    "voeg de twee bestanden samen, of maak duidelijk dat het verschillende "
                    "organisaties zijn (andere naam of gegevens)",
                )
                reported = True
            seen.setdefault(key, org)


def load_kaart(root: Path, problems: Problems, today: dt.date | None = None) -> SocialeKaart:
    """All organisations under `root`/organisaties, checked against `root`/taxonomie."""
    today = today or dt.date.today()
    taxonomies = load_taxonomies(root / "taxonomie", problems)
    organisations = []
    for path in sorted((root / "organisaties").glob("*")):
        if path.suffix not in (".yaml", ".yml"):
            if path.is_file() and not path.name.startswith("."):
                problems.add(
                    path,
                    1,
                    1,
                    "dit bestand hoort niet in de map organisaties",
                    "elke organisatie is één .yaml-bestand",
                )
            continue
        org = load_organisation(path, taxonomies, problems, today)
        if org is not None:
            organisations.append(org)
    check_duplicates(organisations, problems)
    return SocialeKaart(organisations, taxonomies)


def one_year_before(day: dt.date) -> dt.date:
    # 29 February has no twin in the year before; 28 February is the same 'one year ago'.
    return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)


def te_controleren(
    kaart: SocialeKaart, today: dt.date | None = None
) -> list[tuple[Organisation, list[str]]]:
    """Organisations an editor must look at: checked over 12 months ago, or with facts missing."""
    limit = one_year_before(today or dt.date.today())
    found = []
    for org in kaart.organisations:
        reasons = []
        if org.laatst_gecontroleerd < limit:
            reasons.append(
                f"laatst gecontroleerd op {org.laatst_gecontroleerd}, langer dan 12 maanden geleden"
            )
        reasons += [f"ontbreekt: {gap}" for gap in org.missing()]
        if reasons:
            found.append((org, reasons))
    return found
