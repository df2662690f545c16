"""Progress rules: a person's status per course, assignments to teams, and team reports.

The status of one person for one course is a pure function of plain facts (lessons read,
attempts, certificates, the team's deadline, today); the rest of this module only loads those
facts, in a handful of queries per page, and applies it. The views and a later JSON API share
these functions, so the rules live here once.

Dates: "today" is the date in Europe/Amsterdam, where the learners are; a pass counts on the
day it was earned there (quiz_service.localtime).

SQLite note (see quiz_service/quizzes.py): every write below is the first statement of its
transaction. The checks that come before it run in a read transaction that is ended first,
and everything needed for the write is copied into plain values before that, because a
rollback expires loaded objects and touching one would start a new read.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from site_builder.courses import Course, percent

from ..catalog import COURSE_PREFIX, ZIEKTEBEELD_PREFIX, Catalog, course_key
from ..errors import Conflict, InvalidInput, NotAllowed, NotFound
from ..localtime import local_date
from ..models import Certificaat, Gebruiker, LesGelezen, Poging, Team, Toewijzing

# --- Lessons read ---


def record_lesson_read(session: Session, user_id: int, slug: str, lesson: str) -> None:
    """Note the first time this user opened this lesson of the course. Commits.

    Opening it again changes nothing; two clicks at the same moment are settled by the unique
    constraint. The look-up ends its read transaction before the insert (see quizzes.py).
    """
    exists = session.scalar(
        select(LesGelezen.id).where(
            LesGelezen.gebruiker_id == user_id, LesGelezen.cursus == slug, LesGelezen.les == lesson
        )
    )
    session.rollback()
    if exists is not None:
        return
    session.add(LesGelezen(gebruiker_id=user_id, cursus=slug, les=lesson))
    try:
        session.commit()
    except IntegrityError:  # the other click recorded it
        session.rollback()


# --- Statuses ---

NOT_STARTED = "niet gestart"
IN_PROGRESS = "bezig"
PASSED = "geslaagd"
OVERDUE = "te laat"
EXPIRED = "verlopen"
# In the order the reports show them.
STATUSES = (NOT_STARTED, IN_PROGRESS, PASSED, OVERDUE, EXPIRED)

# A valid pass that ends within this many days gets a "verloopt binnenkort" hint, so there is
# time to take the course again before it runs out.
EXPIRY_WARNING_DAYS = 60

# Who may see team reports and assign courses. A teamleider only within their organisation.
MANAGER_ROLES = ("teamleider", "beheerder")
# Only these can be added to a team by a teamleider.
MEMBER_ROLE = "medewerker"


class CertificateLike(Protocol):
    """What the status rules need of a certificate (a Certificaat row fits)."""

    behaald_op: datetime
    geldig_tot: date | None
    ingetrokken_at: datetime | None


C = TypeVar("C", bound=CertificateLike)


def _newest(certificates: Iterable[C]) -> C | None:
    return max(certificates, key=lambda c: c.behaald_op, default=None)


def valid_certificate(certificates: Iterable[C], today: date) -> C | None:
    """The newest certificate that is not revoked and still valid today (or never ends)."""
    return _newest(
        c
        for c in certificates
        if c.ingetrokken_at is None and (c.geldig_tot is None or c.geldig_tot >= today)
    )


def expired_certificate(certificates: Iterable[C], today: date) -> C | None:
    """The newest certificate that is not revoked but whose validity ended before today."""
    return _newest(
        c
        for c in certificates
        if c.ingetrokken_at is None and c.geldig_tot is not None and c.geldig_tot < today
    )


def course_status(
    certificates: Iterable[CertificateLike],
    *,
    lessons_read: int,
    attempts_started: int,
    deadline: date | None,
    today: date,
) -> str:
    """The status of one person for one course; one of STATUSES.

    `certificates` are that person's certificates for the course (revoked ones do not count),
    `attempts_started` counts open and submitted attempts, `deadline` is the team's deadline
    (None when the course is not assigned or has no deadline). The deadline day itself is
    still in time.
    """
    certificates = list(certificates)
    if valid_certificate(certificates, today) is not None:
        return PASSED
    if expired_certificate(certificates, today) is not None:
        return EXPIRED
    if deadline is not None and deadline < today:
        return OVERDUE
    if lessons_read > 0 or attempts_started > 0:
        return IN_PROGRESS
    return NOT_STARTED


def expires_soon(certificate: CertificateLike | None, today: date) -> bool:
    """True when this is a valid pass that ends within EXPIRY_WARNING_DAYS days."""
    if certificate is None or certificate.ingetrokken_at is not None:
        return False
    end = certificate.geldig_tot
    return end is not None and today <= end <= today + timedelta(days=EXPIRY_WARNING_DAYS)


def status_counts(statuses: Iterable[str]) -> dict[str, int]:
    """How many of each status, with every status present (0 when none), in STATUSES order."""
    counts = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        counts[status] += 1
    return counts


# --- What the pages and the CSV show ---


@dataclass(frozen=True)
class PassRecord:
    """A certificate as reports show it: when, how well, which version, until when."""

    code: str
    passed_on: date  # in Amsterdam
    score: int  # percent
    course_version: str  # the quiz version the attempt was made with
    valid_until: date | None

    @classmethod
    def of(cls, certificate: Certificaat) -> PassRecord:
        return cls(
            code=certificate.code,
            passed_on=local_date(certificate.behaald_op),
            score=certificate.score_procent,
            course_version=certificate.quiz_version,
            valid_until=certificate.geldig_tot,
        )


@dataclass(frozen=True)
class CourseProgress:
    """One person's progress in one course.

    `certificate` is the valid pass when the status is 'geslaagd', the expired one when it is
    'verlopen', and None otherwise.
    """

    slug: str
    title: str
    lessons_read: int
    lessons_total: int
    attempts: int  # submitted attempts
    best_score: int | None  # percent, of the submitted attempts
    status: str
    assigned: bool
    deadline: date | None
    certificate: PassRecord | None
    expires_soon: bool


@dataclass(frozen=True)
class QuizProgress:
    """A ziektebeeld quiz taken with an account: no pass mark, so only tries and best score."""

    slug: str
    title: str
    attempts: int
    best_score: int | None


@dataclass(frozen=True)
class MyProgress:
    courses: list[CourseProgress]
    ziektebeelden: list[QuizProgress]


@dataclass
class _Facts:
    """The raw rows for some people, grouped per (person, course slug or quiz key)."""

    lessons: dict[tuple[int, str], set[str]]
    attempts: dict[tuple[int, str], list[tuple[str, int | None, int]]]  # state, score, asked
    certificates: dict[tuple[int, str], list[Certificaat]]


def _load_facts(session: Session, user_ids: Sequence[int], slugs: Sequence[str] | None) -> _Facts:
    """Lessons read, attempts and certificates of these people (for these courses, or all)."""
    facts = _Facts(defaultdict(set), defaultdict(list), defaultdict(list))
    if not user_ids or slugs == []:
        return facts
    lessons = select(LesGelezen.gebruiker_id, LesGelezen.cursus, LesGelezen.les).where(
        LesGelezen.gebruiker_id.in_(user_ids)
    )
    attempts = select(
        Poging.gebruiker_id, Poging.quiz_key, Poging.state, Poging.score, Poging.aantal
    )
    attempts = attempts.where(Poging.gebruiker_id.in_(user_ids))
    certificates = select(Certificaat).where(Certificaat.gebruiker_id.in_(user_ids))
    if slugs is not None:
        lessons = lessons.where(LesGelezen.cursus.in_(slugs))
        attempts = attempts.where(Poging.quiz_key.in_([course_key(s) for s in slugs]))
        certificates = certificates.where(Certificaat.cursus.in_(slugs))
    for user_id, slug, lesson in session.execute(lessons):
        facts.lessons[user_id, slug].add(lesson)
    for user_id, key, state, score, asked in session.execute(attempts):
        facts.attempts[user_id, key].append((state, score, asked))
    for certificate in session.scalars(certificates):
        facts.certificates[certificate.gebruiker_id, certificate.cursus].append(certificate)
    return facts


def _best(attempts: list[tuple[str, int | None, int]]) -> tuple[int, int | None]:
    """(submitted attempts, best percentage of them)."""
    scores = [percent(score, asked) for state, score, asked in attempts if state == "ingeleverd"]
    return len(scores), max(scores, default=None)


def _course_title(catalog: Catalog, slug: str, certificates: list[Certificaat]) -> str:
    course = catalog.courses.get(slug)
    if course is not None:
        return course.titel
    # A course that left the catalog keeps the name its certificates were issued with.
    if certificates:
        return certificates[-1].cursus_titel
    return catalog.title(course_key(slug))


def _progress(
    facts: _Facts,
    user_id: int,
    slug: str,
    catalog: Catalog,
    *,
    assigned: bool,
    deadline: date | None,
    today: date,
) -> CourseProgress:
    course = catalog.courses.get(slug)
    lessons = course.lessen if course else ()
    # Only lessons the course still has count, so "n of m" never exceeds m.
    read = len(facts.lessons.get((user_id, slug), set()) & set(lessons))
    attempts = facts.attempts.get((user_id, course_key(slug)), [])
    submitted, best = _best(attempts)
    certificates = facts.certificates.get((user_id, slug), [])
    status = course_status(
        certificates,
        lessons_read=read,
        attempts_started=len(attempts),
        deadline=deadline,
        today=today,
    )
    shown = None
    if status == PASSED:
        shown = valid_certificate(certificates, today)
    elif status == EXPIRED:
        shown = expired_certificate(certificates, today)
    return CourseProgress(
        slug=slug,
        title=_course_title(catalog, slug, certificates),
        lessons_read=read,
        lessons_total=len(lessons),
        attempts=submitted,
        best_score=best,
        status=status,
        assigned=assigned,
        deadline=deadline,
        certificate=PassRecord.of(shown) if shown is not None else None,
        expires_soon=status == PASSED and expires_soon(shown, today),
    )


def my_progress(session: Session, user: Gebruiker, catalog: Catalog, today: date) -> MyProgress:
    """Every course this user touched or has been assigned through their team, and every
    ziektebeeld quiz they took with their account."""
    facts = _load_facts(session, [user.id], None)
    deadlines: dict[str, date | None] = {}
    if user.team_id is not None:
        deadlines = dict(
            session.execute(
                select(Toewijzing.cursus, Toewijzing.deadline).where(
                    Toewijzing.team_id == user.team_id
                )
            ).all()
        )
    slugs = set(deadlines)
    slugs |= {slug for _, slug in facts.lessons}
    slugs |= {slug for _, slug in facts.certificates}
    slugs |= {
        key.removeprefix(COURSE_PREFIX)
        for _, key in facts.attempts
        if key.startswith(COURSE_PREFIX)
    }
    courses = [
        _progress(
            facts,
            user.id,
            slug,
            catalog,
            assigned=slug in deadlines,
            deadline=deadlines.get(slug),
            today=today,
        )
        for slug in slugs
    ]
    quizzes = []
    for (_, key), attempts in facts.attempts.items():
        if key.startswith(ZIEKTEBEELD_PREFIX):
            submitted, best = _best(attempts)
            slug = key.removeprefix(ZIEKTEBEELD_PREFIX)
            quizzes.append(QuizProgress(slug, catalog.title(key), submitted, best))
    return MyProgress(
        courses=sorted(courses, key=lambda c: (c.title.casefold(), c.slug)),
        ziektebeelden=sorted(quizzes, key=lambda q: (q.title.casefold(), q.slug)),
    )


# --- Teams: who may see what ---


UNKNOWN_COURSE = "Deze cursus kennen wij niet. Kies een cursus uit de lijst."
PAST_DEADLINE = "Deze datum is al voorbij. Kies vandaag of een dag later."
NOT_A_MEDEWERKER = "U kunt alleen medewerkers aan een team toevoegen."
IN_ANOTHER_TEAM = "{naam} zit al in een ander team. Haal {naam} eerst uit dat team."


def may_manage(user: Gebruiker) -> bool:
    return user.role in MANAGER_ROLES


def may_see_team(user: Gebruiker, team: Team) -> bool:
    """A beheerder sees every team; a teamleider only those of their own organisation."""
    if user.role == "beheerder":
        return True
    return (
        user.role == "teamleider"
        and user.organisatie_id is not None
        and team.organisatie_id == user.organisatie_id
    )


def team_for(session: Session, viewer: Gebruiker, team_id: int) -> Team:
    """The team, if `viewer` may see it. Raises NotAllowed (role) or NotFound."""
    if not may_manage(viewer):
        raise NotAllowed(viewer.role)
    team = session.get(Team, team_id)
    if team is None or not may_see_team(viewer, team):
        raise NotFound(team_id)
    return team


@dataclass(frozen=True)
class TeamSummary:
    id: int
    name: str
    organisation: str
    members: int
    assignments: int


def visible_teams(session: Session, viewer: Gebruiker) -> list[TeamSummary]:
    """The teams `viewer` may see, by organisation and name. Raises NotAllowed."""
    if not may_manage(viewer):
        raise NotAllowed(viewer.role)
    query = select(Team).options(joinedload(Team.organisatie)).order_by(Team.naam, Team.id)
    if viewer.role != "beheerder":
        if viewer.organisatie_id is None:
            return []
        query = query.where(Team.organisatie_id == viewer.organisatie_id)
    teams = list(session.scalars(query))
    ids = [t.id for t in teams]
    members = dict(
        session.execute(
            select(Gebruiker.team_id, func.count())
            .where(Gebruiker.team_id.in_(ids), Gebruiker.deleted_at.is_(None))
            .group_by(Gebruiker.team_id)
        ).all()
    )
    assignments = dict(
        session.execute(
            select(Toewijzing.team_id, func.count())
            .where(Toewijzing.team_id.in_(ids))
            .group_by(Toewijzing.team_id)
        ).all()
    )
    summaries = [
        TeamSummary(
            t.id, t.naam, t.organisatie.naam, members.get(t.id, 0), assignments.get(t.id, 0)
        )
        for t in teams
    ]
    return sorted(summaries, key=lambda s: (s.organisation.casefold(), s.name.casefold(), s.id))


# --- The team report ---


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    email: str


@dataclass(frozen=True)
class Assignment:
    slug: str
    title: str
    deadline: date | None


@dataclass(frozen=True)
class TeamReport:
    """Team × assigned course: one CourseProgress per member per course, and counts."""

    team_id: int
    team_name: str
    organisation: str
    members: list[Member]
    assignments: list[Assignment]
    cells: dict[tuple[int, str], CourseProgress]
    counts: dict[str, dict[str, int]]  # course slug → status → how many members

    def cell(self, member_id: int, slug: str) -> CourseProgress:
        return self.cells[member_id, slug]


def team_members(session: Session, team_id: int) -> list[Gebruiker]:
    """The people in the team, by name; deleted accounts are left out."""
    return list(
        session.scalars(
            select(Gebruiker)
            .where(Gebruiker.team_id == team_id, Gebruiker.deleted_at.is_(None))
            .order_by(Gebruiker.display_name, Gebruiker.id)
        )
    )


def team_report(session: Session, team: Team, catalog: Catalog, today: date) -> TeamReport:
    people = team_members(session, team.id)
    assigned = list(session.scalars(select(Toewijzing).where(Toewijzing.team_id == team.id)))
    facts = _load_facts(session, [p.id for p in people], [a.cursus for a in assigned])
    by_course: dict[str, list[Certificaat]] = defaultdict(list)
    for (_, slug), found in facts.certificates.items():
        by_course[slug].extend(found)
    cells = {
        (person.id, a.cursus): _progress(
            facts, person.id, a.cursus, catalog, assigned=True, deadline=a.deadline, today=today
        )
        for person in people
        for a in assigned
    }
    assignments = sorted(
        (
            Assignment(a.cursus, _course_title(catalog, a.cursus, by_course[a.cursus]), a.deadline)
            for a in assigned
        ),
        key=lambda a: (a.title.casefold(), a.slug),
    )
    counts = {
        a.slug: status_counts(cells[p.id, a.slug].status for p in people) for a in assignments
    }
    return TeamReport(
        team_id=team.id,
        team_name=team.naam,
        organisation=team.organisatie.naam,
        members=[Member(p.id, p.display_name, p.email) for p in people],
        assignments=assignments,
        cells=cells,
        counts=counts,
    )


# --- Assigning courses ---


def assignable_courses(catalog: Catalog) -> list[Course]:
    """Courses a team can be given: those with a quiz, so they can be passed."""
    found = [c for c in catalog.courses.values() if c.toets is not None]
    return sorted(found, key=lambda c: (c.titel.casefold(), c.slug))


def check_deadline(deadline: date | None, today: date) -> None:
    """Raises InvalidInput for a deadline in the past; today and no deadline are fine."""
    if deadline is not None and deadline < today:
        raise InvalidInput("deadline", PAST_DEADLINE)


def assign_course(
    session: Session,
    viewer: Gebruiker,
    team_id: int,
    slug: str,
    deadline: date | None,
    catalog: Catalog,
    today: date,
) -> bool:
    """Assign the course to the team, or change its deadline if it is assigned. Commits.

    True when newly assigned, False when the deadline changed. Raises NotAllowed, NotFound,
    InvalidInput (unknown course, a deadline in the past).
    """
    team_for(session, viewer, team_id)
    viewer_id = viewer.id
    if slug not in {c.slug for c in assignable_courses(catalog)}:
        raise InvalidInput("cursus", UNKNOWN_COURSE)
    check_deadline(deadline, today)
    session.rollback()  # the write below starts its own transaction (module notes)

    def change() -> bool:
        result = session.execute(
            update(Toewijzing)
            .where(Toewijzing.team_id == team_id, Toewijzing.cursus == slug)
            .values(deadline=deadline, toegewezen_door_id=viewer_id)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    if change():
        session.commit()
        return False
    try:
        session.execute(
            insert(Toewijzing).values(
                team_id=team_id,
                cursus=slug,
                deadline=deadline,
                toegewezen_door_id=viewer_id,
            )
        )
        session.commit()
        return True
    except IntegrityError:
        # Assigned at the same moment from another tab (or the team was just deleted).
        session.rollback()
    if change():
        session.commit()
        return False
    session.rollback()
    raise NotFound(team_id)


def withdraw_assignment(session: Session, viewer: Gebruiker, team_id: int, slug: str) -> bool:
    """Take the course away from the team. Commits. False if it was not assigned (any more).

    Progress and certificates stay: they belong to the people, not to the assignment.
    """
    team_for(session, viewer, team_id)
    session.rollback()
    result = session.execute(
        delete(Toewijzing)
        .where(Toewijzing.team_id == team_id, Toewijzing.cursus == slug)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


# --- Team members ---


def colleagues_without_team(session: Session, team: Team) -> list[Gebruiker]:
    """Medewerkers of the team's organisation who are in no team yet: who can be added."""
    return list(
        session.scalars(
            select(Gebruiker)
            .where(
                Gebruiker.organisatie_id == team.organisatie_id,
                Gebruiker.role == MEMBER_ROLE,
                Gebruiker.team_id.is_(None),
                Gebruiker.deleted_at.is_(None),
            )
            .order_by(Gebruiker.display_name, Gebruiker.id)
        )
    )


def add_member(session: Session, viewer: Gebruiker, team_id: int, user_id: int) -> bool:
    """Put a medewerker of the team's organisation who has no team into this team. Commits.

    True when added, False when they were in this team already (a second click). Raises
    NotFound for a person of another organisation (or no such person), InvalidInput for
    someone who is not a medewerker, Conflict for someone in another team.
    """
    team = team_for(session, viewer, team_id)
    organisation_id = team.organisatie_id
    session.rollback()
    # All conditions in the UPDATE itself: what was checked cannot change before the write.
    result = session.execute(
        update(Gebruiker)
        .where(
            Gebruiker.id == user_id,
            Gebruiker.organisatie_id == organisation_id,
            Gebruiker.role == MEMBER_ROLE,
            Gebruiker.team_id.is_(None),
            Gebruiker.deleted_at.is_(None),
        )
        .values(team_id=team_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        session.commit()
        return True
    session.rollback()
    person = session.get(Gebruiker, user_id)
    if person is None or person.deleted_at is not None or person.organisatie_id != organisation_id:
        raise NotFound(user_id)
    if person.team_id == team_id:
        return False
    if person.role != MEMBER_ROLE:
        raise InvalidInput("gebruiker", NOT_A_MEDEWERKER)
    raise Conflict(IN_ANOTHER_TEAM.format(naam=person.display_name))


def remove_member(session: Session, viewer: Gebruiker, team_id: int, user_id: int) -> bool:
    """Take the person out of the team (they stay in the organisation). Commits.

    False when they were not in this team (any more); NotFound for a person of another
    organisation, so a stranger's id tells nothing.
    """
    team = team_for(session, viewer, team_id)
    organisation_id = team.organisatie_id
    session.rollback()
    result = session.execute(
        update(Gebruiker)
        .where(Gebruiker.id == user_id, Gebruiker.team_id == team_id)
        .values(team_id=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if result.rowcount == 1:
        return True
    person = session.get(Gebruiker, user_id)
    if person is None or person.organisatie_id != organisation_id:
        raise NotFound(user_id)
    return False


# --- CSV ---

CSV_COLUMNS = (
    "naam",
    "e-mail",
    "team",
    "cursus",
    "status",
    "behaald op",
    "score",
    "cursusversie",
    "geldig tot",
    "deadline",
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A leading apostrophe makes Excel and LibreOffice show a would-be formula as text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def csv_rows(report: TeamReport) -> list[list[str]]:
    """The report as rows (header first): one per member per assigned course, neutralised.

    'behaald op', 'score', 'cursusversie' and 'geldig tot' describe the valid pass, or for
    'verlopen' the pass that ran out.
    """
    rows = [list(CSV_COLUMNS)]
    for member in report.members:
        for assignment in report.assignments:
            cell = report.cell(member.id, assignment.slug)
            record = cell.certificate
            rows.append(
                [
                    member.name,
                    member.email,
                    report.team_name,
                    assignment.title,
                    cell.status,
                    _iso(record.passed_on) if record else "",
                    f"{record.score}%" if record else "",
                    record.course_version if record else "",
                    _iso(record.valid_until) if record else "",
                    _iso(assignment.deadline),
                ]
            )
    return [[neutralise(value) for value in row] for row in rows]


def report_csv(report: TeamReport) -> bytes:
    """CSV for Dutch Excel: `;` between fields (the comma is the decimal sign there) and a
    UTF-8 byte order mark, without which Excel reads the file as Windows-1252."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(csv_rows(report))
    return buffer.getvalue().encode("utf-8-sig")
