"""The academie pages: overview, course, lesson links, quiz form and review.

Everything here works without an account: an anonymous learner's attempts are remembered in
their own (signed) session cookie only, and nothing about them is stored in the database
beyond the anonymous attempt. With an account, lessons read and attempts count as progress.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from sqlalchemy import select

from .. import db, quizzes
from ..auth.views import current_user
from ..catalog import catalog, course_key, lesson_url, ziektebeeld_key
from ..certificates import display_code
from ..forms import ActionForm
from ..models import Certificaat, LesGelezen, Poging
from ..voortgang import services as voortgang

bp = Blueprint("quiz", __name__, url_prefix="/academie")

ANONYMOUS_ATTEMPTS = "anonieme_pogingen"
# The cookie only keeps the newest few: enough to come back to a quiz, small enough for a cookie.
ANONYMOUS_ATTEMPTS_KEPT = 10


@bp.app_template_filter("certificaatcode")
def _certificate_code(code: str) -> str:
    return display_code(code)


def _user_id() -> int | None:
    user = current_user()
    return user.id if user else None


@bp.route("/")
def overview():
    found = catalog()
    return render_template(
        "quiz/overzicht.html",
        courses=sorted(found.courses.values(), key=lambda c: c.titel),
        ziektebeelden=sorted(found.ziektebeelden.items(), key=lambda item: item[1].titel),
    )


def _course_or_404(slug: str):
    course = catalog().courses.get(slug)
    if course is None or course.toets is None:
        abort(404)
    return course


@bp.route("/cursussen/<slug>")
def course(slug: str):
    found = _course_or_404(slug)
    key = course_key(slug)
    entry = catalog().entry(key)
    user_id = _user_id()
    read: set[str] = set()
    attempts: list[Poging] = []
    certificates: dict[int, Certificaat] = {}
    left = None
    if user_id is not None:
        s = db.session()
        read = set(
            s.scalars(
                select(LesGelezen.les).where(
                    LesGelezen.gebruiker_id == user_id, LesGelezen.cursus == slug
                )
            )
        )
        attempts = list(
            s.scalars(
                select(Poging)
                .where(Poging.gebruiker_id == user_id, Poging.quiz_key == key)
                .order_by(Poging.started_at)
            )
        )
        certificates = {
            c.poging_id: c
            for c in s.scalars(
                select(Certificaat).where(
                    Certificaat.gebruiker_id == user_id, Certificaat.cursus == slug
                )
            )
        }
        left = quizzes.attempts_left(s, user_id, entry)
    lessons = [
        {
            "titel": catalog().lesson_titles.get(rel, rel),
            "href": url_for("quiz.lesson", slug=slug, number=number),
            "gelezen": rel in read,
        }
        for number, rel in enumerate(found.lessen, start=1)
    ]
    return render_template(
        "quiz/cursus.html",
        course=found,
        lessons=lessons,
        attempts=attempts,
        certificates=certificates,
        attempts_left=left,
        form=ActionForm(),
        percentage=quizzes.percentage,
    )


@bp.route("/cursussen/<slug>/lessen/<int:number>")
def lesson(slug: str, number: int):
    """Note that the lesson was opened, then show it on the portal.

    A plain link, so it works without JavaScript; recording it twice changes nothing.
    """
    found = _course_or_404(slug)
    if not 1 <= number <= len(found.lessen):
        abort(404)
    rel = found.lessen[number - 1]
    user_id = _user_id()
    if user_id is not None:
        voortgang.record_lesson_read(db.session(), user_id, slug, rel)
    return redirect(lesson_url(rel))


@bp.route("/cursussen/<slug>/toets", methods=["POST"])
def start_course_quiz(slug: str):
    _course_or_404(slug)
    return _start(course_key(slug))


@bp.route("/ziektebeelden/<slug>/toets", methods=["GET", "POST"])
def ziektebeeld_quiz(slug: str):
    entry = catalog().entry(ziektebeeld_key(slug))
    if entry is None:
        abort(404)
    if request.method == "POST":
        return _start(entry.key)
    return render_template("quiz/toets_start.html", entry=entry, form=ActionForm())


def _start(key: str):
    # No ActionForm here: CSRFProtect (security.init_app) has checked the token of every POST
    # before a view runs, and building a form would only sign a new token nobody sees.
    entry = catalog().entry(key)
    try:
        attempt = quizzes.start_attempt(db.session(), entry, _user_id())
    except quizzes.AttemptLimitReached:
        return render_template("quiz/geen_pogingen.html", entry=entry), 409
    if attempt.gebruiker_id is None:
        mine = [i for i in session.get(ANONYMOUS_ATTEMPTS, []) if isinstance(i, int)]
        session[ANONYMOUS_ATTEMPTS] = [*mine, attempt.id][-ANONYMOUS_ATTEMPTS_KEPT:]
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id), 303)


def visible_attempt(attempt_id: int) -> Poging | None:
    """The attempt, only for whoever started it: their account, or for an attempt without
    an account, their own session cookie. None for everyone else."""
    attempt = db.session().get(Poging, attempt_id)
    if attempt is None:
        return None
    if attempt.gebruiker_id is None:
        if attempt.id not in session.get(ANONYMOUS_ATTEMPTS, []):
            return None
    elif attempt.gebruiker_id != _user_id():
        return None
    return attempt


def _attempt_or_404(attempt_id: int) -> Poging:
    # 404, not 403, for another person's attempt: the page does not even say it exists.
    attempt = visible_attempt(attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def _answers_from_form() -> dict[str, list[str]]:
    prefix = "vraag-"
    return {
        name.removeprefix(prefix): request.form.getlist(name)
        for name in request.form
        if name.startswith(prefix)
    }


@bp.route("/pogingen/<int:attempt_id>", methods=["GET", "POST"])
def attempt(attempt_id: int):
    found = _attempt_or_404(attempt_id)
    entry = catalog().entry(found.quiz_key)
    title = catalog().title(found.quiz_key)
    if request.method == "POST":
        # The CSRF token was checked before the view (see `_start`); the form is only built
        # when the page is shown again.
        answers = _answers_from_form()
        try:
            quizzes.submit(db.session(), found.id, answers, entry)
        except quizzes.AnswerProblems as problems:
            found = _attempt_or_404(attempt_id)
            if found.state == "bezig":
                return (
                    render_template(
                        "quiz/poging.html",
                        attempt=found,
                        title=title,
                        questions=quizzes.shown_questions(found),
                        answers=answers,
                        problems=problems.problems,
                        form=ActionForm(),
                    ),
                    400,
                )
        # Graded now or before: either way the review is the answer (Post/Redirect/Get).
        return redirect(url_for("quiz.attempt", attempt_id=attempt_id), 303)
    if found.state == "bezig":
        return render_template(
            "quiz/poging.html",
            attempt=found,
            title=title,
            questions=quizzes.shown_questions(found),
            answers={},
            problems={},
            form=ActionForm(),
        )
    certificate = db.session().scalar(select(Certificaat).where(Certificaat.poging_id == found.id))
    return render_template(
        "quiz/review.html",
        attempt=found,
        title=title,
        entry=entry,
        questions=quizzes.review(found),
        percentage=quizzes.percentage(found),
        certificate=certificate,
        signed_in=current_user() is not None,
    )
