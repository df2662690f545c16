"""Business rules for beheerders: organisations, their teams and importing their staff.

SQLite note (see quiz_service/quizzes.py): reads happen in a transaction of their own, and each
write is the first statement of its transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit, mail
from ..auth import reset
from ..auth.services import has_usable_password, new_invite_code, unusable_password
from ..models import Gebruiker, Organisatie, Team, normalise_email


class NotFound(Exception):
    """No such organisation."""


class Conflict(Exception):
    """The name is already taken; the message is Dutch and says what to do."""


class Invalid(ValueError):
    """Input that breaks a rule; the message is Dutch and says what to do."""


NAME_MAX = 200  # Organisatie.naam and Team.naam are String(200)


def _clean_name(naam: str, what: str) -> str:
    naam = " ".join(naam.split())
    if not naam:
        raise Invalid(f"Vul de naam van {what} in.")
    if len(naam) > NAME_MAX:
        raise Invalid(f"Deze naam is te lang. Gebruik hoogstens {NAME_MAX} tekens.")
    return naam


# --- Organisations ---


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    naam: str
    teams: int
    medewerkers: int


def organisations(session: Session) -> list[OrganisationRow]:
    """Every organisation with its number of teams and of (not deleted) staff, by name."""
    teams = (
        select(func.count())
        .select_from(Team)
        .where(Team.organisatie_id == Organisatie.id)
        .scalar_subquery()
    )
    staff = (
        select(func.count())
        .select_from(Gebruiker)
        .where(Gebruiker.organisatie_id == Organisatie.id, Gebruiker.deleted_at.is_(None))
        .scalar_subquery()
    )
    rows = session.execute(
        select(Organisatie.id, Organisatie.naam, teams, staff).order_by(
            func.lower(Organisatie.naam)
        )
    ).all()
    return [OrganisationRow(*row) for row in rows]


def _organisation_name_taken(session: Session, naam: str) -> bool:
    return (
        session.scalar(select(Organisatie.id).where(func.lower(Organisatie.naam) == naam.lower()))
        is not None
    )


ORGANISATION_EXISTS = "Er is al een organisatie met deze naam. Kies een andere naam."


def create_organisation(session: Session, naam: str, *, actor: Gebruiker | None) -> Organisatie:
    """A new organisation with a fresh invite code, logged as `actor`'s action. Commits."""
    naam = _clean_name(naam, "de organisatie")
    taken = _organisation_name_taken(session, naam)
    session.rollback()  # the write below starts its own transaction (module notes)
    if taken:
        raise Conflict(ORGANISATION_EXISTS)
    organisatie = Organisatie(naam=naam, invite_code=new_invite_code())
    session.add(organisatie)
    try:
        audit.record(session, actor, "organisatie_toegevoegd", organisatie, {"naam": naam})
        session.commit()
    except IntegrityError:
        # Added by someone else at the same moment (a code clash is too unlikely to handle).
        session.rollback()
        raise Conflict(ORGANISATION_EXISTS) from None
    return organisatie


def get_organisation(session: Session, organisatie_id: int) -> Organisatie:
    organisatie = session.get(Organisatie, organisatie_id)
    if organisatie is None:
        raise NotFound(organisatie_id)
    return organisatie


def renew_invite_code(session: Session, organisatie_id: int, *, actor: Gebruiker | None) -> str:
    """Give the organisation a new invite code; the old one stops working. Commits."""
    code = new_invite_code()
    session.rollback()  # the request's reads so far (the signed-in user) end here (module notes)
    result = session.execute(
        update(Organisatie)
        .where(Organisatie.id == organisatie_id)
        .values(invite_code=code)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise NotFound(organisatie_id)
    # Not the code itself: the log is read by more people than may use it.
    audit.record(session, actor, "uitnodigingscode_vernieuwd", ("organisatie", organisatie_id))
    session.commit()
    return code


# --- Teams ---


def teams(session: Session, organisatie_id: int) -> list[tuple[Team, int]]:
    """The organisation's teams with their number of (not deleted) members, by name."""
    members = (
        select(func.count())
        .select_from(Gebruiker)
        .where(Gebruiker.team_id == Team.id, Gebruiker.deleted_at.is_(None))
        .scalar_subquery()
    )
    rows = session.execute(
        select(Team, members)
        .where(Team.organisatie_id == organisatie_id)
        .order_by(func.lower(Team.naam))
    ).all()
    return [(team, count) for team, count in rows]


TEAM_EXISTS = "Deze organisatie heeft al een team met deze naam. Kies een andere naam."


def add_team(session: Session, organisatie_id: int, naam: str, *, actor: Gebruiker | None) -> Team:
    """A new team in the organisation; names are unique per organisation, in any case. Commits."""
    naam = _clean_name(naam, "het team")
    if session.get(Organisatie, organisatie_id) is None:
        session.rollback()
        raise NotFound(organisatie_id)
    taken = session.scalar(
        select(Team.id).where(
            Team.organisatie_id == organisatie_id, func.lower(Team.naam) == naam.lower()
        )
    )
    session.rollback()
    if taken is not None:
        raise Conflict(TEAM_EXISTS)
    team = Team(organisatie_id=organisatie_id, naam=naam)
    session.add(team)
    try:
        audit.record(
            session,
            actor,
            "team_toegevoegd",
            team,
            {"naam": naam, "organisatie_id": organisatie_id},
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(TEAM_EXISTS) from None
    return team


# --- Staff ---


@dataclass(frozen=True)
class StaffRow:
    naam: str
    email: str
    rol: str
    team: str | None
    has_password: bool
    id: int = 0
    # Whether the second step is set up; None for a role that does not need one.
    second_step: bool | None = None


def staff(
    session: Session, organisatie_id: int, second_step_roles: frozenset[str] = frozenset()
) -> list[StaffRow]:
    rows = session.execute(
        select(
            Gebruiker.display_name,
            Gebruiker.email,
            Gebruiker.role,
            Team.naam,
            Gebruiker.password_hash,
            Gebruiker.id,
            Gebruiker.totp_confirmed_at,
        )
        .outerjoin(Team, Gebruiker.team_id == Team.id)
        .where(Gebruiker.organisatie_id == organisatie_id, Gebruiker.deleted_at.is_(None))
        .order_by(func.lower(Gebruiker.display_name), Gebruiker.email)
    ).all()
    return [
        StaffRow(
            naam,
            email,
            rol,
            team,
            has_usable_password(password_hash),
            user_id,
            (confirmed_at is not None) if rol in second_step_roles else None,
        )
        for naam, email, rol, team, password_hash, user_id, confirmed_at in rows
    ]


def person(session: Session, user_id: int) -> Gebruiker:
    """An active account, for an action of the beheerder on it; raises NotFound."""
    user = session.get(Gebruiker, user_id)
    session.rollback()
    if user is None or user.deleted_at is not None:
        raise NotFound
    return user


# --- Importing staff from CSV ---

COLUMNS = ("e-mail", "naam", "rol", "team")
# Other ways people write the e-mail column.
COLUMN_ALIASES = {"email": "e-mail", "e-mailadres": "e-mail", "emailadres": "e-mail"}
IMPORT_ROLES = ("medewerker", "teamleider", "organisator")
# Large enough for any care organisation in Flevoland, small enough to check in one request.
MAX_ROWS = 5000
INVITE_SUBJECT = "Stel uw wachtwoord in"


class ImportProblems(Exception):
    """The file has problems; nothing was imported. Each line says what is wrong and the fix."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problemen in het bestand")
        self.problems = problems


@dataclass(frozen=True)
class StaffLine:
    line: int
    email: str
    naam: str
    rol: str
    team: str | None


@dataclass
class ImportResult:
    nieuw: int = 0
    bijgewerkt: int = 0
    ongewijzigd: int = 0
    teams_aangemaakt: list[str] = field(default_factory=list)


def _problem(line: int, what: str, fix: str) -> str:
    return f"regel {line}: {what} — {fix}"


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig drops the byte-order mark that Excel puts at the start of "CSV UTF-8".
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportProblems(
            [
                _problem(
                    line,
                    "het bestand is niet opgeslagen als UTF-8, daardoor kunnen wij letters als "
                    "é en ë niet lezen",
                    "sla het in Excel op met ‘Opslaan als’ en kies ‘CSV UTF-8 (door "
                    "lijstscheidingsteken gescheiden)’",
                )
            ]
        ) from None


def _delimiter(header_line: str) -> str:
    # Dutch Excel writes ';', most other programs ','. The header decides.
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def parse_staff_csv(data: bytes) -> list[StaffLine]:
    """Every row of the file, checked on its own; raises ImportProblems with all problems."""
    text = _decode(data)
    if not text.strip():
        raise ImportProblems(
            [
                _problem(
                    1,
                    "het bestand is leeg",
                    "zet op de eerste regel e-mail;naam;rol;team en daaronder één regel per "
                    "medewerker",
                )
            ]
        )
    lines = text.splitlines()
    first = next(number for number, content in enumerate(lines, start=1) if content.strip())
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(lines[first - 1]), strict=True
    )
    problems: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error:
        raise ImportProblems(
            [
                _problem(
                    reader.line_num,
                    "deze regel kunnen wij niet lezen (een aanhalingsteken staat verkeerd)",
                    'haal het losse aanhalingsteken (") weg of sla het bestand opnieuw op in Excel',
                )
            ]
        ) from None
    rows = [(number, row) for number, row in rows if any(cell.strip() for cell in row)]
    header_line, header = rows[0]
    columns = [COLUMN_ALIASES.get(cell.strip().lower(), cell.strip().lower()) for cell in header]
    # Excel may add empty cells at the end of the header and of every row.
    while columns and not columns[-1]:
        columns.pop()
    expected = ", ".join(COLUMNS)
    if not set(columns) & set(COLUMNS):
        raise ImportProblems(
            [
                _problem(
                    header_line,
                    "de eerste regel is geen kopregel met de namen van de kolommen",
                    f"zet bovenaan een regel met de kolommen {expected} (in Excel: een rij "
                    "boven de gegevens)",
                )
            ]
        )
    seen: set[str] = set()
    for name in columns:
        if name not in COLUMNS:
            problems.append(
                _problem(
                    header_line,
                    f"de kolom ‘{name}’ kennen wij niet" if name else "er is een kolom zonder naam",
                    f"gebruik alleen de kolommen {expected}, of haal deze kolom weg",
                )
            )
        elif name in seen:
            problems.append(
                _problem(
                    header_line,
                    f"de kolom ‘{name}’ staat er twee keer in",
                    "haal een van de twee kolommen weg",
                )
            )
        seen.add(name)
    for name in COLUMNS:
        if name not in columns:
            problems.append(
                _problem(
                    header_line,
                    f"de kolom ‘{name}’ ontbreekt",
                    f"zet de kolommen {expected} op de eerste regel",
                )
            )
    if problems:
        raise ImportProblems(problems)
    if len(rows) - 1 > MAX_ROWS:
        raise ImportProblems(
            [
                _problem(
                    rows[MAX_ROWS + 1][0],
                    f"het bestand heeft meer dan {MAX_ROWS} medewerkers",
                    "verdeel de medewerkers over meer bestanden",
                )
            ]
        )
    if len(rows) == 1:
        raise ImportProblems(
            [
                _problem(
                    header_line,
                    "onder de kopregel staan geen medewerkers",
                    "zet onder de kopregel één regel per medewerker",
                )
            ]
        )

    index = {name: columns.index(name) for name in COLUMNS}
    found: list[StaffLine] = []
    first_line_of: dict[str, int] = {}
    for number, row in rows[1:]:
        while len(row) > len(columns) and not row[-1].strip():
            row = row[:-1]
        if len(row) != len(columns):
            problems.append(
                _problem(
                    number,
                    f"deze regel heeft {len(row)} kolommen, de kopregel {len(columns)}",
                    "zorg dat elke regel een e-mailadres, een naam, een rol en een team heeft "
                    "(laat het team leeg als er geen team is)",
                )
            )
            continue
        cell = {name: row[index[name]].strip() for name in COLUMNS}
        line_problems = _check_line(number, cell, first_line_of)
        problems += line_problems
        if not line_problems:
            found.append(
                StaffLine(
                    number,
                    normalise_email(cell["e-mail"]),
                    " ".join(cell["naam"].split()),
                    cell["rol"].lower(),
                    " ".join(cell["team"].split()) or None,
                )
            )
    if problems:
        raise ImportProblems(problems)
    return found


def _check_line(number: int, cell: dict[str, str], first_line_of: dict[str, int]) -> list[str]:
    problems = []
    email = cell["e-mail"]
    if not email:
        problems.append(_problem(number, "het e-mailadres is leeg", "vul het e-mailadres in"))
    else:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            problems.append(
                _problem(
                    number,
                    f"‘{email}’ is geen goed e-mailadres",
                    "een e-mailadres ziet eruit als naam@voorbeeld.nl; verbeter het",
                )
            )
        else:
            key = normalise_email(email)
            if key in first_line_of:
                problems.append(
                    _problem(
                        number,
                        f"het e-mailadres {key} staat ook op regel {first_line_of[key]}",
                        "haal een van de twee regels weg",
                    )
                )
            else:
                first_line_of[key] = number
    if not cell["naam"]:
        problems.append(_problem(number, "de naam is leeg", "vul de naam van de medewerker in"))
    elif len(cell["naam"]) > NAME_MAX:
        problems.append(
            _problem(number, "de naam is te lang", f"gebruik hoogstens {NAME_MAX} tekens")
        )
    rol = cell["rol"].lower()
    roles = ", ".join(IMPORT_ROLES[:-1]) + " of " + IMPORT_ROLES[-1]
    if not rol:
        problems.append(_problem(number, "de rol is leeg", f"vul {roles} in"))
    elif rol not in IMPORT_ROLES:
        problems.append(
            _problem(number, f"de rol ‘{cell['rol']}’ kennen wij niet", f"kies {roles}")
        )
    if len(cell["team"]) > NAME_MAX:
        problems.append(
            _problem(
                number, "de naam van het team is te lang", f"gebruik hoogstens {NAME_MAX} tekens"
            )
        )
    return problems


@dataclass(frozen=True)
class _Existing:
    id: int
    organisatie_id: int | None
    role: str
    team_id: int | None
    deleted: bool


def import_staff(
    session: Session,
    organisatie_id: int,
    data: bytes,
    link_for: reset.LinkFor,
    invite_valid_for: timedelta,
    invite_text: Callable[[str, str, str], str],
    *,
    actor: Gebruiker | None,
) -> ImportResult:
    """Import staff from a CSV file into the organisation, all rows or none. Commits.

    Existing accounts of the organisation get the role and team of the file; new accounts get
    an unusable password and a mail with a link to choose one. Raises ImportProblems (nothing
    changed) when any row is wrong, NotFound for an unknown organisation.
    `invite_text(naam, email, link)` writes the invitation mail.
    """
    lines = parse_staff_csv(data)
    organisatie = session.get(Organisatie, organisatie_id)
    if organisatie is None:
        session.rollback()
        raise NotFound(organisatie_id)
    existing_teams = {
        naam.lower(): team_id
        for team_id, naam in session.execute(
            select(Team.id, Team.naam).where(Team.organisatie_id == organisatie_id)
        )
    }
    existing: dict[str, _Existing] = {}
    emails = [line.email for line in lines]
    for chunk in range(0, len(emails), 500):  # keeps the IN list within every database's limit
        for row in session.execute(
            select(
                Gebruiker.email,
                Gebruiker.id,
                Gebruiker.organisatie_id,
                Gebruiker.role,
                Gebruiker.team_id,
                Gebruiker.deleted_at,
            ).where(Gebruiker.email.in_(emails[chunk : chunk + 500]))
        ):
            existing[row.email] = _Existing(
                row.id, row.organisatie_id, row.role, row.team_id, row.deleted_at is not None
            )
    session.rollback()  # the writes below start their own transaction (module notes)

    problems = []
    for line in lines:
        found = existing.get(line.email)
        if found is None:
            continue
        if found.organisatie_id == organisatie_id and not found.deleted:
            if found.role not in IMPORT_ROLES:
                problems.append(
                    _problem(
                        line.line,
                        f"{line.email} is {found.role}; die rol verandert een import niet",
                        "haal deze regel weg",
                    )
                )
            continue
        if found.deleted:
            problems.append(
                _problem(
                    line.line,
                    f"{line.email} hoorde bij een account dat is verwijderd",
                    "gebruik een ander e-mailadres voor deze medewerker",
                )
            )
        elif found.organisatie_id is not None:
            problems.append(
                _problem(
                    line.line,
                    f"{line.email} heeft al een account bij een andere organisatie",
                    "haal deze regel weg; de medewerker kan de beheerder vragen om over te stappen",
                )
            )
        else:
            # A private account (a mantelzorger, a beheerder): joining an employer is the
            # person's own choice, because the teamleider would then see their progress.
            problems.append(
                _problem(
                    line.line,
                    f"{line.email} heeft al een eigen account dat niet bij een organisatie hoort",
                    "haal deze regel weg en geef de medewerker de code van uw organisatie; "
                    "daarmee sluit de medewerker zelf aan",
                )
            )
    if problems:
        raise ImportProblems(problems)

    result = ImportResult()
    team_ids = dict(existing_teams)
    invites: list[tuple[StaffLine, Gebruiker]] = []
    try:
        for line in lines:
            if line.team and line.team.lower() not in team_ids:
                team = Team(organisatie_id=organisatie_id, naam=line.team)
                session.add(team)
                session.flush()
                team_ids[line.team.lower()] = team.id
                result.teams_aangemaakt.append(line.team)
        for line in lines:
            team_id = team_ids[line.team.lower()] if line.team else None
            found = existing.get(line.email)
            if found is None:
                user = Gebruiker(
                    email=line.email,
                    display_name=line.naam,
                    role=line.rol,
                    password_hash=unusable_password(),
                    organisatie_id=organisatie_id,
                    team_id=team_id,
                )
                session.add(user)
                invites.append((line, user))
            elif (found.role, found.team_id) == (line.rol, team_id):
                result.ongewijzigd += 1
            else:
                # The guard keeps an account that moved to another organisation meanwhile.
                changed = session.execute(
                    update(Gebruiker)
                    .where(
                        Gebruiker.id == found.id,
                        Gebruiker.organisatie_id == organisatie_id,
                        Gebruiker.deleted_at.is_(None),
                    )
                    .values(role=line.rol, team_id=team_id)
                    .execution_options(synchronize_session=False)
                )
                if changed.rowcount != 1:
                    raise _Raced
                result.bijgewerkt += 1
                if found.role != line.rol:
                    audit.record(
                        session,
                        actor,
                        "rol_gewijzigd",
                        ("gebruiker", found.id),
                        {"van": found.role, "naar": line.rol, "organisatie_id": organisatie_id},
                    )
        session.flush()
        for line, user in invites:
            token = reset.add_token(session, user.id, invite_valid_for)
            text = invite_text(line.naam, line.email, link_for(token))
            mail.queue(session, line.email, INVITE_SUBJECT, text)
        result.nieuw = len(invites)
        audit.record(
            session,
            actor,
            "medewerkers_geimporteerd",
            organisatie,
            {
                "nieuw": result.nieuw,
                "bijgewerkt": result.bijgewerkt,
                "ongewijzigd": result.ongewijzigd,
                "teams_aangemaakt": len(result.teams_aangemaakt),
            },
        )
        session.commit()
    except (IntegrityError, _Raced):
        # Someone changed the same accounts at the same moment: nothing of this import stays.
        session.rollback()
        raise ImportProblems(
            [
                _problem(
                    1,
                    "tijdens het importeren zijn dezelfde accounts ook ergens anders veranderd",
                    "importeer het bestand nog een keer",
                )
            ]
        ) from None
    return result


class _Raced(Exception):
    pass
