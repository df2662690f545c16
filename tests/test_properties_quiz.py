"""Quiz grading, whatever the quiz and whatever a form sends (hypothesis).

The score lies between 0 and the number of questions, does not depend on the order of the
answers or on an answer sent twice, and is the maximum when every answer is right. A drawn
attempt has exactly `trek` different questions with all their options, and the learner's view
never holds the key. An option id that does not belong to its question is refused before
anything is graded.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz_service import quizzes
from quiz_service.models import Poging
from site_builder.courses import QUESTION_TYPES, Option, Question, Quiz

# Enough to find the classic mistakes in a second or so per property; CI has a time budget.
FAST = settings(max_examples=40, deadline=None)

OPTION_IDS = list("abcdefgh")
# Ids a tampered or stale form may send: other questions' options, near misses, odd text.
JUNK_IDS = st.one_of(
    st.sampled_from(["", " a", "A", "waar ", "0", "z", "<script>", "a,b", "\x00"]),
    st.text(max_size=8),
)


@st.composite
def question(draw, qid: str) -> Question:
    kind = draw(st.sampled_from(QUESTION_TYPES))
    if kind == "waar-onwaar":
        ids = ["waar", "onwaar"]
    else:
        ids = draw(st.lists(st.sampled_from(OPTION_IDS), min_size=2, max_size=6, unique=True))
    if kind == "meerdere-antwoorden":
        correct = draw(st.sets(st.sampled_from(ids), min_size=1))
    else:
        correct = {draw(st.sampled_from(ids))}
    options = tuple(
        Option(oid, f"Verzonnen optie {oid}", oid in correct, f"Verzonnen uitleg {oid}")
        for oid in ids
    )
    return Question(qid, kind, f"Verzonnen vraag {qid}?", options)


@st.composite
def quiz(draw) -> Quiz:
    count = draw(st.integers(min_value=1, max_value=8))
    vragen = tuple(draw(question(f"vraag-{n}")) for n in range(count))
    trek = draw(st.none() | st.integers(min_value=1, max_value=count))
    return Quiz(Path("verzonnen.toets.yml"), "verzonnen.toets.yml", "Verzonnen", vragen, trek, {})


@st.composite
def attempt(draw) -> list[dict]:
    """A drawn attempt: the snapshot the database stores."""
    return quizzes.draw(draw(quiz()), random.Random(draw(st.integers())))


def right_answers(questions: list[dict]) -> dict[str, list[str]]:
    return {q["id"]: [o["id"] for o in q["opties"] if o["juist"]] for q in questions}


@st.composite
def attempt_and_answers(draw) -> tuple[list[dict], dict[str, list[str]]]:
    """An attempt and any answers a form could send, valid or not, also for unknown questions."""
    questions = draw(attempt())
    answers: dict[str, list[str]] = {}
    for q in questions:
        if draw(st.booleans()):
            ids = [o["id"] for o in q["opties"]]
            answers[q["id"]] = draw(st.lists(st.sampled_from(ids) | JUNK_IDS, max_size=5))
    if draw(st.booleans()):
        answers[draw(st.text(max_size=10))] = draw(st.lists(JUNK_IDS, max_size=3))
    return questions, answers


def reordered(draw, answers: dict[str, list[str]]) -> dict[str, list[str]]:
    """The same answers: other order of questions and options, some options sent twice."""
    result = {}
    for qid in draw(st.permutations(list(answers))):
        chosen = list(answers[qid])
        chosen += draw(st.lists(st.sampled_from(chosen), max_size=3)) if chosen else []
        result[qid] = draw(st.permutations(chosen))
    return result


# --- The score ---


@FAST
@given(attempt_and_answers())
def test_the_score_is_between_zero_and_the_number_of_questions(case):
    questions, answers = case
    assert 0 <= quizzes.score(questions, answers) <= len(questions)


@FAST
@given(attempt_and_answers(), st.data())
def test_the_score_does_not_depend_on_order_or_on_an_answer_sent_twice(case, data):
    questions, answers = case
    again = reordered(data.draw, answers)
    assert quizzes.score(questions, again) == quizzes.score(questions, answers)


@FAST
@given(attempt())
def test_every_answer_right_gives_the_maximum_and_passes_the_checks(questions):
    answers = right_answers(questions)
    quizzes.check_answers(questions, answers)  # raises AnswerProblems if it refused them
    assert quizzes.score(questions, answers) == len(questions)


@FAST
@given(attempt(), st.data())
def test_one_wrong_answer_costs_exactly_one_point(questions, data):
    answers = right_answers(questions)
    target = data.draw(st.sampled_from(questions))
    wrong = [o["id"] for o in target["opties"] if not o["juist"]]
    if wrong:  # a meerdere-antwoorden question may have every option right
        answers[target["id"]] = answers[target["id"]] + [data.draw(st.sampled_from(wrong))]
        assert quizzes.score(questions, answers) == len(questions) - 1


@FAST
@given(attempt_and_answers(), st.data())
def test_the_checks_accept_or_refuse_the_same_answers_in_any_order_or_sent_twice(case, data):
    questions, answers = case
    again = reordered(data.draw, answers)
    assert _refused(questions, answers) == _refused(questions, again)


def _refused(questions, answers) -> dict[str, str]:
    try:
        quizzes.check_answers(questions, answers)
    except quizzes.AnswerProblems as problems:
        return problems.problems
    return {}


def test_the_one_answer_of_a_single_answer_question_sent_twice_is_one_answer():
    """A regression: ['a', 'a'] was refused as two answers ("Kies er één"), though the grade
    counts it as one."""
    (q,) = quizzes.draw(_single_answer_quiz(), random.Random(1))
    right = [o["id"] for o in q["opties"] if o["juist"]]
    quizzes.check_answers([q], {q["id"]: right * 2})
    assert quizzes.score([q], {q["id"]: right * 2}) == 1


def _single_answer_quiz() -> Quiz:
    options = (Option("a", "Ja", True, "Goed."), Option("b", "Nee", False, "Fout."))
    vraag = Question("enige-vraag", "een-antwoord", "Verzonnen vraag?", options)
    return Quiz(Path("v.toets.yml"), "v.toets.yml", "Verzonnen", (vraag,), None, {})


# --- Drawing and what the learner sees ---


@FAST
@given(quiz(), st.integers())
def test_a_draw_has_exactly_trek_different_questions_with_all_their_options(q, seed):
    drawn = quizzes.draw(q, random.Random(seed))
    assert len(drawn) == q.draw == (q.trek or len(q.vragen))
    assert len({d["id"] for d in drawn}) == len(drawn)
    pool = {v.id: v for v in q.vragen}
    for d in drawn:
        source = pool[d["id"]]
        assert (d["type"], d["vraag"]) == (source.type, source.vraag)
        assert sorted((o["id"], o["tekst"], o["juist"], o["uitleg"]) for o in d["opties"]) == (
            sorted((o.id, o.tekst, o.juist, o.uitleg) for o in source.opties)
        )
        if source.type == "waar-onwaar":
            assert [o["id"] for o in d["opties"]] == ["waar", "onwaar"]


@FAST
@given(attempt())
def test_the_learners_view_has_the_questions_and_options_but_never_the_key(questions):
    shown = quizzes.shown_questions(Poging(vragen=questions))
    assert [(s["id"], s["vraag"]) for s in shown] == [(q["id"], q["vraag"]) for q in questions]
    for s, q in zip(shown, questions, strict=True):
        assert s["opties"] == [{"id": o["id"], "tekst": o["tekst"]} for o in q["opties"]]
    text = json.dumps(shown)
    assert '"juist"' not in text and '"uitleg"' not in text
    assert "Verzonnen uitleg" not in text


# --- Refusing what does not belong ---


@st.composite
def answers_with_a_foreign_option(draw) -> tuple[list[dict], dict[str, list[str]], str]:
    questions = draw(attempt())
    answers = right_answers(questions)
    target = draw(st.sampled_from(questions))
    own = {o["id"] for o in target["opties"]}
    foreign = draw(JUNK_IDS.filter(lambda x: x not in own) | st.sampled_from(OPTION_IDS))
    if foreign in own:
        foreign = "bestaat-niet"
    answers[target["id"]] = [*answers[target["id"]], foreign]
    return questions, answers, target["id"]


@FAST
@given(answers_with_a_foreign_option())
def test_an_option_of_another_question_or_none_at_all_is_refused(case):
    questions, answers, target = case
    with pytest.raises(quizzes.AnswerProblems) as refused:
        quizzes.check_answers(questions, answers)
    assert refused.value.problems[target] == quizzes.UNKNOWN_OPTION


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers_with_a_foreign_option())
def test_a_refused_submission_is_never_graded(db, case):
    questions, answers, _target = case
    with db.session() as session:
        row = Poging(
            quiz_key="verzonnen", quiz_version="0", vragen=questions, aantal=len(questions)
        )
        session.add(row)
        session.commit()
        attempt_id = row.id
    with db.session() as session, pytest.raises(quizzes.AnswerProblems):
        quizzes.submit(session, attempt_id, answers, None)
    with db.session() as session:
        stored = session.get(Poging, attempt_id)
        assert (stored.state, stored.score, stored.antwoorden) == ("bezig", None, None)
