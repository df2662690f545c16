"""The courses and ziektebeeld quizzes the service offers, read from content/ once per app.

The service reads the same files with the same loader as `site-builder check`
(site_builder.courses), so what an editor sees checked is what the service serves. A course or
quiz with problems is left out and logged; the build already refuses to publish it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app

from site_builder import settings
from site_builder.courses import Course, Quiz, load_courses, load_ziektebeeld_quizzes
from site_builder.pages import load_page
from site_builder.problems import Problems

log = logging.getLogger(__name__)

COURSE_PREFIX = "cursus:"
ZIEKTEBEELD_PREFIX = "ziektebeeld:"


def course_key(slug: str) -> str:
    return COURSE_PREFIX + slug


def ziektebeeld_key(slug: str) -> str:
    return ZIEKTEBEELD_PREFIX + slug


def lesson_url(rel: str) -> str:
    """The published URL of a lesson page, e.g. 'cursussen/x/les-1.md' → '/cursussen/x/les-1/'."""
    stem = rel.removesuffix(".md")
    if stem.endswith("/index"):
        return "/" + stem.removesuffix("index")
    return f"/{stem}/"


@dataclass(frozen=True)
class QuizEntry:
    """One quiz the service can run, with the course it belongs to (None for a ziektebeeld)."""

    key: str
    quiz: Quiz
    course: Course | None
    page_url: str  # where the learner reads about it on the portal
    version: str  # the quiz's content hash (Quiz.version), stored with every attempt


@dataclass
class Catalog:
    courses: dict[str, Course]
    ziektebeelden: dict[str, Quiz]
    lesson_titles: dict[str, str] = field(default_factory=dict)  # lesson page path → title
    # Quiz.version hashes the whole quiz on every call; the catalog never changes, so once.
    _versions: dict[str, str] = field(default_factory=dict, repr=False)

    def _version(self, key: str, quiz: Quiz) -> str:
        found = self._versions.get(key)
        if found is None:
            found = self._versions[key] = quiz.version
        return found

    def entry(self, key: str) -> QuizEntry | None:
        if key.startswith(COURSE_PREFIX):
            course = self.courses.get(key.removeprefix(COURSE_PREFIX))
            if course is None or course.toets is None:
                return None
            return QuizEntry(
                key,
                course.toets,
                course,
                f"/cursussen/{course.slug}/",
                self._version(key, course.toets),
            )
        if key.startswith(ZIEKTEBEELD_PREFIX):
            slug = key.removeprefix(ZIEKTEBEELD_PREFIX)
            quiz = self.ziektebeelden.get(slug)
            if quiz is None:
                return None
            return QuizEntry(key, quiz, None, f"/ziektebeelden/{slug}/", self._version(key, quiz))
        return None

    def title(self, key: str) -> str:
        """A readable name for a quiz key, also for quizzes that no longer exist."""
        entry = self.entry(key)
        if entry is None:
            return key.split(":", 1)[-1].replace("-", " ").capitalize()
        return entry.course.titel if entry.course else entry.quiz.titel


def load_catalog(content_dir: Path) -> Catalog:
    problems = Problems()
    courses = {course.slug: course for course in load_courses(content_dir, problems)}
    ziektebeelden = load_ziektebeeld_quizzes(content_dir, problems)
    titles = {}
    for course in courses.values():
        for rel in course.lessen:
            page = load_page(content_dir / rel, content_dir, problems, date.today())
            titles[rel] = page.meta.get("title", rel) if page else rel
    for problem in problems:
        log.warning("Cursus of toets overgeslagen: %s", problem.format())
    return Catalog(courses, ziektebeelden, titles)


def catalog() -> Catalog:
    """The current app's catalog, read on first use."""
    found = current_app.extensions.get("catalog")
    if found is None:
        content_dir = Path(current_app.config.get("CONTENT_DIR") or settings.get("MZA_CONTENT_DIR"))
        if not content_dir.is_absolute():
            content_dir = Path(__file__).resolve().parent.parent / content_dir
        found = current_app.extensions["catalog"] = load_catalog(content_dir)
    return found
