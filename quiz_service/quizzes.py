"""Quiz attempts: drawing the questions, checking the answers, grading exactly once.

The answer key stays on the server: an attempt stores a snapshot of the questions it drew
(with the key and explanations), the form only ever gets `shown_questions`, and the review
needs a submitted attempt.

SQLite note: a transaction that reads first and writes later fails at once ("database is
locked") when another writer got in between, instead of waiting. So every write below is the
first statement of its transaction; reads happen in a transaction of their own before it.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from site_builder.courses import Quiz, percent

from . import certificates
from .catalog import QuizEntry
from .db import write_lock
from .models import Gebruiker, Poging


class AttemptLimitReached(Exception):
    """The learner used every attempt the course allows."""


class AnswerProblems(Exception):
    """The submitted form is incomplete or invalid; `problems` maps question id → Dutch text."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(f"{len(problems)} vragen niet goed ingevuld")
        self.problems = problems


UNANSWERED = "U heeft deze vraag nog niet beantwoord. Kies een antwoord."
UNANSWERED_MULTI = "U heeft deze vraag nog niet beantwoord. Kies één of meer antwoorden."
UNKNOWN_OPTION = "Dit antwoord hoort niet bij de vraag. Laad de pagina opnieuw en kies opnieuw."
TWO_FOR_ONE = "Bij deze vraag hoort één antwoord. Kies er één."


def draw(quiz: Quiz, rng: random.Random | None = None) -> list[dict[str, Any]]:
    """The questions for one attempt, in a random order and with shuffled options.

    Waar/onwaar keeps 'waar' first: a shuffled pair only confuses. The snapshot holds the
    answer key and explanations so the grade and the review never depend on later edits.
    """
    rng = rng or random.SystemRandom()
    chosen = rng.sample(list(quiz.vragen), quiz.draw)
    snapshot = []
    for question in chosen:
        options = list(question.opties)
        if question.type != "waar-onwaar":
            rng.shuffle(options)
        snapshot.append(
            {
                "id": question.id,
                "type": question.type,
                "vraag": question.vraag,
                "opties": [
                    {"id": o.id, "tekst": o.tekst, "juist": o.juist, "uitleg": o.uitleg}
                    for o in options
                ],
            }
        )
    return snapshot


def shown_questions(attempt: Poging) -> list[dict[str, Any]]:
    """The questions as the form may show them: text and options, never the key."""
    return [
        {
            "id": q["id"],
            "type": q["type"],
            "vraag": q["vraag"],
            "opties": [{"id": o["id"], "tekst": o["tekst"]} for o in q["opties"]],
        }
        for q in attempt.vragen
    ]


def check_answers(questions: list[dict[str, Any]], answers: dict[str, list[str]]) -> None:
    """Raise AnswerProblems naming every question that is unanswered or wrongly answered."""
    problems: dict[str, str] = {}
    for question in questions:
        chosen = answers.get(question["id"], [])
        valid = {o["id"] for o in question["opties"]}
        multi = question["type"] == "meerdere-antwoorden"
        if not chosen:
            problems[question["id"]] = UNANSWERED_MULTI if multi else UNANSWERED
        elif not set(chosen) <= valid:
            problems[question["id"]] = UNKNOWN_OPTION
        elif not multi and len(set(chosen)) > 1:  # the same option twice is one answer
            problems[question["id"]] = TWO_FOR_ONE
    if problems:
        raise AnswerProblems(problems)


def is_right(question: dict[str, Any], chosen: list[str]) -> bool:
    """Right means exactly the correct options: for 'meerdere antwoorden' all, and no others."""
    return set(chosen) == {o["id"] for o in question["opties"] if o["juist"]}


def score(questions: list[dict[str, Any]], answers: dict[str, list[str]]) -> int:
    return sum(1 for q in questions if is_right(q, answers.get(q["id"], [])))


# --- Starting ---


def submitted_count(session: Session, user_id: int, key: str) -> int:
    """Submitted attempts since this person last passed this quiz (all of them if never).

    Counting from the last pass lets someone whose pass expired take the course again with
    the full number of attempts, as a yearly refresher course needs.
    """
    last_pass = (
        select(func.max(Poging.submitted_at))
        .where(Poging.gebruiker_id == user_id, Poging.quiz_key == key, Poging.geslaagd.is_(True))
        .scalar_subquery()
    )
    return session.scalar(
        select(func.count())
        .select_from(Poging)
        .where(
            Poging.gebruiker_id == user_id,
            Poging.quiz_key == key,
            Poging.state == "ingeleverd",
            or_(last_pass.is_(None), Poging.submitted_at > last_pass),
        )
    )


def attempts_left(session: Session, user_id: int, entry: QuizEntry) -> int | None:
    """How many attempts this user may still start; None when the course sets no limit."""
    limit = entry.course.max_pogingen if entry.course else None
    if limit is None:
        return None
    return max(0, limit - submitted_count(session, user_id, entry.key))


def _open_attempt(session: Session, user_id: int, key: str) -> Poging | None:
    return session.scalar(
        select(Poging).where(
            Poging.gebruiker_id == user_id, Poging.quiz_key == key, Poging.state == "bezig"
        )
    )


_POGING = Poging.__table__
# Made once, on the table itself: SQLAlchemy then reuses their compiled form without working
# out a cache key again, and skips the ORM's unit of work and bulk-update layer. The columns
# are the keys of the parameters at execution; those left out get their defaults (NULL).
_NEW_ATTEMPT = insert(_POGING).returning(_POGING.c.id)


def start_attempt(
    session: Session, entry: QuizEntry, user_id: int | None, rng: random.Random | None = None
) -> Poging:
    """A new attempt, committed; for a signed-in learner their open attempt if they have one.

    Raises AttemptLimitReached when the course's limit is used up.
    """
    if user_id is not None:
        existing = _open_attempt(session, user_id, entry.key)
        if existing is not None:
            return existing
        left = attempts_left(session, user_id, entry)
        session.rollback()  # end the read transaction before writing (see the module notes)
        if left == 0:
            raise AttemptLimitReached(entry.key)
    questions = draw(entry.quiz, rng)
    values = {
        "gebruiker_id": user_id,
        "quiz_key": entry.key,
        "quiz_version": entry.version,
        "state": "bezig",
        "vragen": questions,
        "aantal": len(questions),
        "started_at": datetime.now(UTC),
    }
    try:
        with write_lock(session):
            # The anonymous practice quiz starts an attempt on every click: a plain INSERT takes
            # about two thirds of the time of the ORM's unit of work for one new row (measured).
            attempt_id = session.connection().execute(_NEW_ATTEMPT, values).scalar_one()
            session.commit()
    except IntegrityError:
        # A second tab or a double click started one at the same moment: use that one.
        session.rollback()
        existing = _open_attempt(session, user_id, entry.key) if user_id is not None else None
        if existing is None:
            raise
        return existing
    # The row as the ORM would have loaded it, attached to the session without a query.
    attempt = Poging(
        id=attempt_id, antwoorden=None, score=None, geslaagd=None, submitted_at=None, **values
    )
    make_transient_to_detached(attempt)
    session.add(attempt)
    return attempt


# --- Submitting ---
# The grade: the SET columns are the keys of the parameters (see _NEW_ATTEMPT).
_GRADE = update(_POGING).where(_POGING.c.id == bindparam("poging_id"), _POGING.c.state == "bezig")


def submit(
    session: Session, attempt_id: int, answers: dict[str, list[str]], entry: QuizEntry | None
) -> bool:
    """Grade the attempt with these answers; True if this call graded it, False if it was
    already submitted (a double click, a second tab, a replayed form): then nothing changes.

    Raises AnswerProblems (nothing stored) when the answers are incomplete or invalid.
    `entry` gives the course for the pass mark and the certificate; None when the quiz is gone
    from the catalog, then the attempt is graded without a pass mark.
    """
    # The view has usually just loaded the attempt: then `get` finds it without a query.
    loaded = session.get(Poging, attempt_id)
    if loaded is None:
        raise LookupError(attempt_id)
    questions, user_id = loaded.vragen, loaded.gebruiker_id
    session.rollback()  # the write below must start its own transaction (module notes)
    check_answers(questions, answers)
    answers = {q["id"]: sorted(set(answers[q["id"]])) for q in questions}
    right = score(questions, answers)
    course = entry.course if entry else None
    passed = course.passed(right, len(questions)) if course else None
    now = datetime.now(UTC)
    with write_lock(session):
        # The guard `state = 'bezig'` makes grading happen once: of ten identical submissions
        # at the same moment, one updates the row and nine find nothing left to update.
        result = session.connection().execute(
            _GRADE,
            {
                "poging_id": attempt_id,
                "state": "ingeleverd",
                "antwoorden": answers,
                "score": right,
                "geslaagd": passed,
                "submitted_at": now,
            },
        )
        if result.rowcount != 1:
            session.rollback()
            return False
        # Practice questions give no certificate: they are there to learn, not to prove.
        if passed and course is not None and not course.oefenen and user_id is not None:
            user = session.get(Gebruiker, user_id)
            attempt = session.get(Poging, attempt_id)
            certificates.issue(session, attempt, course, user, now)
        session.commit()
    return True


def review(attempt: Poging) -> list[dict[str, Any]]:
    """Per question: the options with what the learner chose, what was right, and why."""
    answers = attempt.antwoorden or {}
    result = []
    for question in attempt.vragen:
        chosen = set(answers.get(question["id"], []))
        result.append(
            {
                **question,
                "goed": is_right(question, sorted(chosen)),
                "opties": [{**o, "gekozen": o["id"] in chosen} for o in question["opties"]],
            }
        )
    return result


def percentage(attempt: Poging) -> int:
    return percent(attempt.score, attempt.aantal)
