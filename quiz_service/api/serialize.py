"""Courses, quizzes and attempts as JSON-ready dicts; the shapes are those in openapi.py.

An open attempt is shown as the form shows it, without the answer key; only a submitted one
carries the key and the explanations.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from site_builder.courses import Course, Quiz

from .. import quizzes
from ..catalog import Catalog, course_key, lesson_url, ziektebeeld_key
from ..models import Poging
from ..voortgang.services import CourseProgress, MyProgress, PassRecord, TeamReport


def when(value: datetime | date | None) -> str | None:
    """ISO 8601; moments carry their offset (see quiz_service.db.UTCDateTime)."""
    return value.isoformat() if value is not None else None


def quiz_summary(quiz: Quiz) -> dict[str, Any]:
    return {"titel": quiz.titel, "aantal_vragen": quiz.draw, "versie": quiz.version}


def course(found: Course, catalog: Catalog) -> dict[str, Any]:
    return {
        "slug": found.slug,
        "toets_sleutel": course_key(found.slug),
        "titel": found.titel,
        "beschrijving": found.beschrijving,
        "doelgroep": found.doelgroep,
        "slaaggrens_procent": found.slaaggrens,
        "oefenvragen": found.oefenen,
        "max_pogingen": found.max_pogingen,
        "geldigheid_maanden": found.geldigheid_maanden,
        "laatst_gecontroleerd": found.laatst_gecontroleerd,
        "lessen": [
            {
                "nummer": number,
                "titel": catalog.lesson_titles.get(rel, rel),
                "url": lesson_url(rel),
            }
            for number, rel in enumerate(found.lessen, start=1)
        ],
        "toets": quiz_summary(found.toets) if found.toets else None,
    }


def ziektebeeld_quiz(slug: str, quiz: Quiz) -> dict[str, Any]:
    return {
        "slug": slug,
        "toets_sleutel": ziektebeeld_key(slug),
        "pagina": f"/ziektebeelden/{slug}/",
        **quiz_summary(quiz),
    }


def attempt_summary(attempt: Poging) -> dict[str, Any]:
    submitted = attempt.state == "ingeleverd"
    return {
        "id": attempt.id,
        "toets_sleutel": attempt.quiz_key,
        "versie": attempt.quiz_version,
        "status": attempt.state,
        "gestart_op": when(attempt.started_at),
        "ingeleverd_op": when(attempt.submitted_at),
        "aantal_vragen": attempt.aantal,
        "aantal_goed": attempt.score,
        "score_procent": quizzes.percentage(attempt) if submitted else None,
        "geslaagd": attempt.geslaagd,
    }


def attempt(found: Poging) -> dict[str, Any]:
    """With the questions: as asked while open, with key and explanations once submitted."""
    if found.state == "ingeleverd":
        questions = quizzes.review(found)
    else:
        questions = quizzes.shown_questions(found)
    return {**attempt_summary(found), "vragen": questions}


def pass_record(record: PassRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "certificaatcode": record.code,
        "behaald_op": when(record.passed_on),
        "score_procent": record.score,
        "cursusversie": record.course_version,
        "geldig_tot": when(record.valid_until),
    }


def course_progress(progress: CourseProgress) -> dict[str, Any]:
    return {
        "cursus": progress.slug,
        "titel": progress.title,
        "status": progress.status,
        "lessen_gelezen": progress.lessons_read,
        "lessen_totaal": progress.lessons_total,
        "pogingen": progress.attempts,
        "beste_score_procent": progress.best_score,
        "toegewezen": progress.assigned,
        "deadline": when(progress.deadline),
        "geslaagd": pass_record(progress.certificate),
    }


def my_progress(progress: MyProgress) -> dict[str, Any]:
    return {
        "cursussen": [course_progress(c) for c in progress.courses],
        "ziektebeelden": [
            {
                "toets": q.slug,
                "titel": q.title,
                "pogingen": q.attempts,
                "beste_score_procent": q.best_score,
            }
            for q in progress.ziektebeelden
        ],
    }


def team_report(report: TeamReport) -> dict[str, Any]:
    return {
        "team": {"id": report.team_id, "naam": report.team_name},
        "organisatie": report.organisation,
        "toewijzingen": [
            {"cursus": a.slug, "titel": a.title, "deadline": when(a.deadline)}
            for a in report.assignments
        ],
        "aantallen": report.counts,
        "leden": [
            {
                "id": m.id,
                "naam": m.name,
                "e-mailadres": m.email,
                "cursussen": [
                    course_progress(report.cells[(m.id, a.slug)]) for a in report.assignments
                ],
            }
            for m in report.members
        ],
    }


def search_results(found) -> dict[str, Any]:
    """A search as the API gives it; `fragment` is HTML (escaped text, <mark> around hits)."""
    return {
        "zoekvraag": found.query,
        "aantal": found.total,
        "pagina": found.page,
        "paginas": found.pages,
        "verbeterd_naar": found.corrected,
        "bedoelde_u": found.suggestion,
        "resultaten": [
            {
                "titel": hit.title,
                "url": hit.url,
                "soort": hit.soort,
                "fragment": hit.snippet,
                "datum": hit.datum or None,
                "gemeenten": list(hit.gemeente),
            }
            for hit in found.hits
        ],
        "facetten": found.facets,
    }
