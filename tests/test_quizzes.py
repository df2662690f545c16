"""Quizzes in the service: drawn on the server, graded once, reviewed with explanations."""

from __future__ import annotations

import random
import re
import shutil

import pytest
from sqlalchemy import func, select

from quiz_service import quizzes
from quiz_service.catalog import course_key, load_catalog, ziektebeeld_key
from quiz_service.models import Certificaat, Gebruiker, LesGelezen, Poging
from tests.academie import FICTIONAL_CONTENT, csrf_token, log_in, run_together

COURSE = "verzonnen-cursus"
COURSE_PAGE = f"/academie/cursussen/{COURSE}"
ZIEKTE_START = "/academie/ziektebeelden/verzonnen-ziekte/toets"
EXPLANATION = "VERZONNEN-UITLEG"


@pytest.fixture
def app(academie_app):
    return academie_app()


@pytest.fixture
def client(app):
    return app.test_client()


def start(client, path=ZIEKTE_START, token_page=None):
    token = csrf_token(client, token_page or path)
    response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def stored(db, attempt_id) -> Poging:
    with db.session() as session:
        return session.get(Poging, attempt_id)


def answers_for(attempt: Poging, right: bool) -> dict[str, list[str]]:
    """Form fields that answer every question right, or every question wrong."""
    fields = {}
    for question in attempt.vragen:
        good = [o["id"] for o in question["opties"] if o["juist"]]
        bad = [o["id"] for o in question["opties"] if not o["juist"]][:1]
        fields[f"vraag-{question['id']}"] = good if right else bad
    return fields


def submit(client, attempt_id, fields):
    token = csrf_token(client, COURSE_PAGE)
    return client.post(f"/academie/pogingen/{attempt_id}", data={**fields, "csrf_token": token})


# --- Drawing ---


def test_an_attempt_draws_the_set_number_of_questions_with_shuffled_options():
    catalog = load_catalog(FICTIONAL_CONTENT)
    quiz = catalog.courses[COURSE].toets
    assert quiz.draw == 2 < len(quiz.vragen)
    drawn = [quizzes.draw(quiz, random.Random(seed)) for seed in range(30)]
    assert all(len(d) == 2 and len({q["id"] for q in d}) == 2 for d in drawn)
    assert len({tuple(q["id"] for q in d) for d in drawn}) > 1, "altijd dezelfde vragen"
    multi = [q for d in drawn for q in d if q["type"] == "meerdere-antwoorden"]
    assert len({tuple(o["id"] for o in q["opties"]) for q in multi}) > 1, "opties nooit geschud"
    waar_onwaar = [q for d in drawn for q in d if q["type"] == "waar-onwaar"]
    assert all([o["id"] for o in q["opties"]] == ["waar", "onwaar"] for q in waar_onwaar)


def test_the_form_never_gets_the_answer_key(client, db):
    attempt_id = start(client)
    page = client.get(f"/academie/pogingen/{attempt_id}").get_data(as_text=True)
    assert "Lever de toets in" in page
    assert EXPLANATION not in page
    assert "juist" not in page.lower()
    # The questions are those the attempt drew and stored.
    for question in stored(db, attempt_id).vragen:
        assert question["vraag"] in page


def test_the_form_works_without_javascript(client):
    attempt_id = start(client)
    page = client.get(f"/academie/pogingen/{attempt_id}").get_data(as_text=True)
    assert "<script" not in page
    assert re.search(r'<form method="post" action="/academie/pogingen/\d+"', page)
    assert '<fieldset id="vraag-' in page and "<legend>" in page


# --- Anonymous use ---


def test_without_an_account_a_ziektebeeld_quiz_gives_the_result_and_explanations(client, db):
    attempt_id = start(client)
    attempt = stored(db, attempt_id)
    assert attempt.gebruiker_id is None
    response = submit(client, attempt_id, answers_for(attempt, right=True))
    assert response.status_code == 303
    page = client.get(f"/academie/pogingen/{attempt_id}").get_data(as_text=True)
    assert f"U had {attempt.aantal} van de {attempt.aantal} vragen goed (100%)" in page
    assert page.count(EXPLANATION) == sum(len(q["opties"]) for q in attempt.vragen)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Gebruiker)) == 0


def test_someone_elses_anonymous_attempt_is_not_found(app, client):
    attempt_id = start(client)
    stranger = app.test_client()
    assert stranger.get(f"/academie/pogingen/{attempt_id}").status_code == 404


# --- Bad input ---


def start_course(client):
    return start(client, f"{COURSE_PAGE}/toets", token_page=COURSE_PAGE)


def test_an_unanswered_question_keeps_the_other_answers_and_names_the_question(client, db):
    attempt_id = start_course(client)
    attempt = stored(db, attempt_id)
    fields = answers_for(attempt, right=True)
    first, second = attempt.vragen
    del fields[f"vraag-{second['id']}"]
    response = submit(client, attempt_id, fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nog niet alles is ingevuld" in page
    assert f'href="#vraag-{second["id"]}">Vraag 2: U heeft deze vraag nog niet beantwoord' in page
    kept = page.split(f'<fieldset id="vraag-{first["id"]}"')[1].split("</fieldset>")[0]
    for option in fields[f"vraag-{first['id']}"]:
        assert f'value="{option}" checked' in kept
    assert stored(db, attempt_id).state == "bezig"


def test_an_option_that_is_not_in_the_question_is_refused(client, db):
    attempt_id = start_course(client)
    fields = answers_for(stored(db, attempt_id), right=True)
    first = next(iter(fields))
    fields[first] = ["verzonnen-optie-die-niet-bestaat"]
    response = submit(client, attempt_id, fields)
    assert response.status_code == 400
    assert "Dit antwoord hoort niet bij de vraag" in response.get_data(as_text=True)


def test_two_answers_to_a_one_answer_question_are_refused(client, db):
    attempt_id = start_course(client)
    attempt = stored(db, attempt_id)
    single = [q for q in attempt.vragen if q["type"] != "meerdere-antwoorden"]
    if not single:
        pytest.skip("deze trekking heeft geen vraag met één antwoord")
    fields = answers_for(attempt, right=True)
    fields[f"vraag-{single[0]['id']}"] = [o["id"] for o in single[0]["opties"]]
    response = submit(client, attempt_id, fields)
    assert response.status_code == 400
    assert "Kies er één" in response.get_data(as_text=True)


def test_a_submission_without_csrf_token_is_refused(client, db):
    attempt_id = start(client)
    fields = answers_for(stored(db, attempt_id), right=True)
    response = client.post(f"/academie/pogingen/{attempt_id}", data=fields)
    assert response.status_code == 400
    assert stored(db, attempt_id).state == "bezig"


# --- Grading once ---


def test_submitting_twice_counts_once(client, db):
    attempt_id = start_course(client)
    attempt = stored(db, attempt_id)
    assert submit(client, attempt_id, answers_for(attempt, right=False)).status_code == 303
    assert submit(client, attempt_id, answers_for(attempt, right=True)).status_code == 303
    assert stored(db, attempt_id).score == 0, "de tweede inzending veranderde het cijfer"


def test_ten_concurrent_identical_submissions_record_one_grade(app, db, account):
    user = account("medewerker")
    entry = load_catalog(FICTIONAL_CONTENT).entry(course_key(COURSE))
    with db.session() as session:
        attempt = quizzes.start_attempt(session, entry, user.id)
    answers = {k.removeprefix("vraag-"): v for k, v in answers_for(attempt, right=True).items()}

    def submit_once():
        with db.session() as session:
            return quizzes.submit(session, attempt.id, answers, entry)

    results, errors = run_together(10, submit_once)
    assert errors == []
    assert sorted(results) == [False] * 9 + [True]
    with db.session() as session:
        graded = session.get(Poging, attempt.id)
        assert graded.state == "ingeleverd" and graded.score == graded.aantal
        count = select(func.count()).select_from(Certificaat)
        assert session.scalar(count.where(Certificaat.poging_id == attempt.id)) == 1


# --- Courses with an account ---


def test_opening_a_lesson_records_it_and_shows_it_on_the_portal(app, client, db, account):
    user = account("medewerker")
    log_in(client, user)
    response = client.get(f"{COURSE_PAGE}/lessen/1")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cursussen/{COURSE}/les-1/"
    client.get(f"{COURSE_PAGE}/lessen/1")
    with db.session() as session:
        rows = session.scalars(select(LesGelezen).where(LesGelezen.gebruiker_id == user.id))
        assert [row.les for row in rows] == [f"cursussen/{COURSE}/les-1.md"]
    assert "(gelezen)" in client.get(COURSE_PAGE).get_data(as_text=True)
    assert client.get(f"{COURSE_PAGE}/lessen/9").status_code == 404


def test_starting_twice_continues_the_open_attempt(client, account):
    log_in(client, account("medewerker"))
    first = start_course(client)
    assert start_course(client) == first


def test_fail_then_pass_gives_a_certificate_with_the_quiz_version(client, db, account):
    log_in(client, account("medewerker", display_name="Verzonnen Leerling"))
    failed = start_course(client)
    submit(client, failed, answers_for(stored(db, failed), right=False))
    page = client.get(f"/academie/pogingen/{failed}").get_data(as_text=True)
    assert "U bent nog niet geslaagd" in page and "certificaat" not in page

    passed = start_course(client)
    assert passed != failed
    submit(client, passed, answers_for(stored(db, passed), right=True))
    page = client.get(f"/academie/pogingen/{passed}").get_data(as_text=True)
    assert "U bent geslaagd" in page
    code = re.search(r'href="/academie/certificaten/(\w+)"', page).group(1)
    certificate = client.get(f"/academie/certificaten/{code}").get_data(as_text=True)
    version = load_catalog(FICTIONAL_CONTENT).courses[COURSE].toets.version
    assert "Verzonnen Leerling" in certificate and "Verzonnen cursus" in certificate
    assert version in certificate and "100%" in certificate
    assert stored(db, passed).quiz_version == version


def test_the_attempt_limit_holds(client, db, account):
    log_in(client, account("medewerker"))
    for _ in range(3):
        attempt_id = start_course(client)
        submit(client, attempt_id, answers_for(stored(db, attempt_id), right=False))
    assert "U heeft alle pogingen gebruikt" in client.get(COURSE_PAGE).get_data(as_text=True)
    token = csrf_token(client, "/academie/")
    response = client.post(f"{COURSE_PAGE}/toets", data={"csrf_token": token})
    assert response.status_code == 409
    assert "Geen pogingen meer" in response.get_data(as_text=True)


def test_after_a_pass_the_attempts_count_again_for_a_refresher(client, db, account):
    user = account("medewerker")
    log_in(client, user)
    for right in (False, False, True):
        attempt_id = start_course(client)
        submit(client, attempt_id, answers_for(stored(db, attempt_id), right=right))
    entry = load_catalog(FICTIONAL_CONTENT).entry(course_key(COURSE))
    with db.session() as session:
        assert quizzes.attempts_left(session, user.id, entry) == 3
    attempt_id = start_course(client)
    submit(client, attempt_id, answers_for(stored(db, attempt_id), right=False))
    with db.session() as session:
        assert quizzes.attempts_left(session, user.id, entry) == 2


def test_another_persons_attempt_is_not_found(academie_app, client, db, account):
    log_in(client, account("medewerker"))
    attempt_id = start_course(client)
    other = academie_app().test_client()
    log_in(other, account("medewerker"))
    assert other.get(f"/academie/pogingen/{attempt_id}").status_code == 404
    token = csrf_token(other, "/academie/")
    assert (
        other.post(f"/academie/pogingen/{attempt_id}", data={"csrf_token": token}).status_code
        == 404
    )


def test_editing_the_quiz_later_changes_no_past_result(academie_app, tmp_path, db, account):
    content = tmp_path / "content"
    shutil.copytree(FICTIONAL_CONTENT, content)
    client = academie_app(CONTENT_DIR=str(content)).test_client()
    log_in(client, account("medewerker"))
    attempt_id = start_course(client)
    submit(client, attempt_id, answers_for(stored(db, attempt_id), right=True))
    before = client.get(f"/academie/pogingen/{attempt_id}").get_data(as_text=True)

    quiz = content / "cursussen" / COURSE / "toets.yml"
    # Swap the right and the wrong answer of the first question, and reword a question.
    text = quiz.read_text("utf-8").replace("juist: true", "juist: WAS-WAAR", 1)
    text = text.replace("juist: false", "juist: true", 1).replace("juist: WAS-WAAR", "juist: false")
    quiz.write_text(text, "utf-8")
    quiz.write_text(quiz.read_text("utf-8").replace("verzonnen vogel", "VERANDERDE vogel"), "utf-8")
    edited = academie_app(CONTENT_DIR=str(content)).test_client()
    with edited.session_transaction() as session, client.session_transaction() as old:
        session.update(old)
    after = edited.get(f"/academie/pogingen/{attempt_id}").get_data(as_text=True)
    assert "VERANDERDE" not in after
    main = re.compile(r"<main.*</main>", re.S)
    assert main.search(after).group() == main.search(before).group()
    assert (
        load_catalog(content).courses[COURSE].toets.version != stored(db, attempt_id).quiz_version
    )


# --- Certificates ---


def pass_course(client, db) -> str:
    attempt_id = start_course(client)
    submit(client, attempt_id, answers_for(stored(db, attempt_id), right=True))
    with db.session() as session:
        return session.scalar(select(Certificaat.code).where(Certificaat.poging_id == attempt_id))


def test_the_verify_page_shows_only_what_is_needed(app, client, db, account):
    learner = account("medewerker", display_name="Verzonnen Certificaathouder")
    log_in(client, learner)
    code = pass_course(client, db)
    public = app.test_client()
    dashed = "-".join(code[i : i + 4] for i in range(0, 12, 4)).lower()
    page = public.get(f"/verifieer/{dashed}").get_data(as_text=True)
    assert "Dit certificaat is echt en geldig" in page
    assert "Verzonnen Certificaathouder" in page and "Verzonnen cursus" in page
    assert learner.email not in page and "100%" not in page
    assert public.get("/verifieer/AAAA-BBBB-CCCC").status_code == 404
    lookup = public.get("/verifieer", query_string={"code": code})
    assert lookup.status_code == 303 and lookup.headers["Location"].startswith("/verifieer/")
    assert public.get("/verifieer", query_string={"code": ""}).status_code == 400


def test_a_beheerder_can_revoke_a_certificate_and_nobody_else_can(app, client, db, account):
    log_in(client, account("medewerker"))
    code = pass_course(client, db)
    token = csrf_token(client, f"/academie/certificaten/{code}")
    own = client.post(f"/academie/certificaten/{code}/intrekken", data={"csrf_token": token})
    assert own.status_code == 403

    stranger = app.test_client()
    log_in(stranger, account("teamleider"))
    assert stranger.get(f"/academie/certificaten/{code}").status_code == 404

    beheerder = app.test_client()
    log_in(beheerder, account("beheerder"))
    page = f"/academie/certificaten/{code}"
    empty = {"csrf_token": csrf_token(beheerder, page), "reden": ""}
    response = beheerder.post(f"{page}/intrekken", data=empty)
    assert response.status_code == 400
    assert "Schrijf op waarom u het certificaat intrekt" in response.get_data(as_text=True)
    reason = {"csrf_token": csrf_token(beheerder, page), "reden": "Verzonnen reden"}
    assert beheerder.post(f"{page}/intrekken", data=reason).status_code == 303
    verify = app.test_client().get(f"/verifieer/{code}").get_data(as_text=True)
    assert "Dit certificaat is ingetrokken" in verify


def test_a_ziektebeeld_quiz_with_an_account_gives_no_certificate(client, db, account):
    user = account("mantelzorger")
    log_in(client, user)
    attempt_id = start(client)
    submit(client, attempt_id, answers_for(stored(db, attempt_id), right=True))
    attempt = stored(db, attempt_id)
    assert attempt.gebruiker_id == user.id and attempt.geslaagd is None
    assert attempt.quiz_key == ziektebeeld_key("verzonnen-ziekte")
    with db.session() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(Certificaat)
                .where(Certificaat.gebruiker_id == user.id)
            )
            == 0
        )


# --- Practice questions (oefenen: true) ---


@pytest.fixture
def practice_client(academie_app, tmp_path):
    """The fictional course as practice questions, as the courses for mantelzorgers are."""
    content = tmp_path / "content"
    shutil.copytree(FICTIONAL_CONTENT, content)
    course_yml = content / "cursussen" / COURSE / "cursus.yml"
    text = course_yml.read_text("utf-8")
    text = text.replace("max_pogingen: 3\n", "").replace("geldigheid_maanden: 24\n", "")
    course_yml.write_text(text + "oefenen: true\n", "utf-8")
    return academie_app(CONTENT_DIR=str(content)).test_client()


def test_practice_questions_are_no_exam_and_give_no_certificate(practice_client, db, account):
    client = practice_client
    learner = account("mantelzorger")
    log_in(client, learner)
    course_page = client.get(COURSE_PAGE).get_data(as_text=True)
    assert "Het is geen examen" in course_page and "U bent geslaagd als" not in course_page
    assert "Start de oefenvragen" in course_page

    attempt_id = start_course(client)
    submit(client, attempt_id, answers_for(stored(db, attempt_id), right=True))
    page = client.get(f"/academie/pogingen/{attempt_id}").get_data(as_text=True)
    assert "Goed gedaan." in page and "zo vaak doen als u wilt" in page
    assert "geslaagd" not in page and "certificaat" not in page
    with db.session() as session:
        mine = select(func.count()).where(Certificaat.gebruiker_id == learner.id)
        assert session.scalar(mine) == 0
        assert session.get(Poging, attempt_id).geslaagd is True


def test_practice_questions_that_go_wrong_only_point_to_the_explanations(
    practice_client, db, account
):
    client = practice_client
    log_in(client, account("mantelzorger"))
    for _ in range(4):  # no attempt limit: practice as often as you like
        attempt_id = start_course(client)
        submit(client, attempt_id, answers_for(stored(db, attempt_id), right=False))
    page = client.get(f"/academie/pogingen/{attempt_id}").get_data(as_text=True)
    assert "Lees bij elke vraag de uitleg" in page
    assert "Goed gedaan" not in page and "niet geslaagd" not in page
    course_page = client.get(COURSE_PAGE).get_data(as_text=True)
    assert "Poging 4: 0% goed</a>" in course_page
