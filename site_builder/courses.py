"""The one loader for courses and quizzes: what editors write, checked as the service reads it.

A course is a folder `content/cursussen/<slug>/` with `cursus.yml`, its lessons (ordinary
Markdown pages in the same folder) and a quiz YAML (usually `toets.yml`). A ziektebeeld quiz is
`content/ziektebeelden/<slug>.toets.yml`, beside the page `ziektebeelden/<slug>.md`.

Quiz YAML holds the answer key (`juist`) and the explanations (`uitleg`): it is never copied into
the published site (see `is_private`). The service reads it through `load_quiz`, and stores
`version(quiz)` with every attempt, so editing a quiz never changes past results.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import Problems
from .schema import validate
from .yamlfile import YamlDoc, read_yaml_file

COURSES_DIR = "cursussen"
COURSE_FILE = "cursus.yml"
ZIEKTEBEELDEN_DIR = "ziektebeelden"
ZIEKTEBEELD_QUIZ_SUFFIX = ".toets.yml"
QUESTION_TYPES = ("een-antwoord", "meerdere-antwoorden", "waar-onwaar")


@dataclass(frozen=True)
class Option:
    id: str
    tekst: str
    juist: bool
    uitleg: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # one of QUESTION_TYPES
    vraag: str
    opties: tuple[Option, ...]

    @property
    def correct(self) -> frozenset[str]:
        """The ids of the correct options."""
        return frozenset(o.id for o in self.opties if o.juist)


@dataclass
class Quiz:
    path: Path
    rel: str  # path inside content/, with '/'
    titel: str
    vragen: tuple[Question, ...]
    trek: int | None  # questions drawn per attempt; None = all
    data: dict = field(repr=False)  # the parsed YAML, the basis of `version`

    @property
    def draw(self) -> int:
        """How many questions one attempt gets."""
        return self.trek or len(self.vragen)

    @property
    def version(self) -> str:
        return version(self)


@dataclass
class Course:
    slug: str
    path: Path  # the cursus.yml file
    folder: Path
    titel: str
    beschrijving: str
    doelgroep: str
    lessen: tuple[str, ...]  # page paths inside content/, in order
    slaaggrens: int  # percentage of the drawn questions that must be right, 1-100
    max_pogingen: int | None
    geldigheid_maanden: int | None
    laatst_gecontroleerd: str
    bronnen: list
    toets: Quiz | None
    meta: dict = field(repr=False)
    # Practice questions (a course for mantelzorgers): no exam wording and no certificate.
    oefenen: bool = False

    def passed(self, correct: int, asked: int) -> bool:
        """Whether `correct` right answers out of `asked` questions reach the pass mark."""
        return asked > 0 and correct * 100 >= self.slaaggrens * asked


def percent(correct: int | None, asked: int) -> int:
    """The score as a whole percentage, the one way every page, report and certificate shows it."""
    return round(100 * (correct or 0) / asked)


def version(quiz: Quiz | dict) -> str:
    """A content hash of the quiz: sha256 of its canonical JSON, first 16 hex characters.

    Comments, whitespace and key order in the YAML do not change it; any change to a title,
    question, option, answer or explanation does.
    """
    data = quiz.data if isinstance(quiz, Quiz) else quiz
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def is_private(rel: str) -> bool:
    """True for content files that must never be published: course and quiz YAML.

    Every YAML file in content/ is editors' data, never a web asset, so none is published.
    """
    return rel.lower().endswith((".yml", ".yaml"))


def _read_yaml(path: Path, problems: Problems) -> YamlDoc | None:
    return read_yaml_file(path, problems)


def _schema_errors(name: str, doc: YamlDoc, path: Path, problems: Problems) -> bool:
    errors = validate(name, doc.data if doc.data is not None else {})
    for err_path, message, fix in errors:
        line, col = doc.where(err_path)
        problems.add(path, line, col, message, fix)
    return bool(errors)


def _dicts(value: Any) -> list[tuple[int, dict]]:
    """(index, item) for the items of a list that are blocks of fields; [] if not a list."""
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _check_questions(doc: YamlDoc, path: Path, problems: Problems) -> bool:
    """Rules the schema cannot express; True if none is broken.

    Runs on whatever parts can be read, also after schema errors, so that the editor sees
    every problem in one run.
    """
    before = len(problems)
    data = doc.data if isinstance(doc.data, dict) else {}
    questions = _dicts(data.get("vragen"))
    seen: dict[str, int] = {}
    for q_index, question in questions:
        where = ("vragen", q_index)
        qid = question.get("id")
        if isinstance(qid, str):
            if qid in seen:
                line, col = doc.where((*where, "id"))
                problems.add(
                    path,
                    line,
                    col,
                    f"de vraag-id '{qid}' staat er twee keer in (ook bij vraag {seen[qid] + 1})",
                    "geef elke vraag een eigen id; verander de id van een bestaande vraag niet",
                )
            else:
                seen[qid] = q_index
        name = qid if isinstance(qid, str) else str(q_index + 1)
        options = _dicts(question.get("opties"))
        option_ids: dict[str, int] = {}
        for o_index, option in options:
            oid = option.get("id")
            if not isinstance(oid, str):
                continue
            if oid in option_ids:
                o_line, o_col = doc.where((*where, "opties", o_index, "id"))
                problems.add(
                    path,
                    o_line,
                    o_col,
                    f"bij vraag '{name}' staat de optie-id '{oid}' er twee keer in "
                    f"(ook bij optie {option_ids[oid] + 1})",
                    "geef elke optie van een vraag een eigen id, bijvoorbeeld a, b, c",
                )
            else:
                option_ids[oid] = o_index
        if not options or not all(isinstance(o.get("juist"), bool) for _, o in options):
            continue  # the schema error says what is missing
        correct = sum(1 for _, option in options if option["juist"])
        kind = question.get("type")
        q_line, q_col = doc.where((*where, "opties"))
        if correct == 0:
            problems.add(
                path,
                q_line,
                q_col,
                f"vraag '{name}' heeft geen juist antwoord",
                "zet bij het goede antwoord 'juist: true'",
            )
        elif kind in ("een-antwoord", "waar-onwaar") and correct > 1:
            problems.add(
                path,
                q_line,
                q_col,
                f"vraag '{name}' is van het type {kind} maar heeft {correct} juiste antwoorden",
                "zet bij precies één optie 'juist: true', of maak er type: meerdere-antwoorden van",
            )
        if kind == "waar-onwaar" and len(options) != 2:
            problems.add(
                path,
                q_line,
                q_col,
                f"vraag '{name}' is waar-onwaar maar heeft {len(options)} opties",
                "geef een waar-onwaarvraag precies twee opties: id: waar en id: onwaar",
            )
    trek = data.get("trek")
    pool = data.get("vragen")
    if isinstance(trek, int) and isinstance(pool, list) and pool and trek > len(pool):
        line, col = doc.where(("trek",))
        problems.add(
            path,
            line,
            col,
            f"trek is {trek}, maar de toets heeft maar {len(pool)} vragen",
            f"maak trek {len(pool)} of kleiner, of voeg vragen toe",
        )
    return len(problems) == before


def load_quiz(path: Path, content_dir: Path, problems: Problems) -> Quiz | None:
    """Read one quiz; add every problem to `problems`. None if the quiz has any problem."""
    doc = _read_yaml(path, problems)
    if doc is None:
        return None
    schema_ok = not _schema_errors("quiz", doc, path, problems)
    if not (_check_questions(doc, path, problems) and schema_ok):
        return None
    data: dict[str, Any] = doc.data
    vragen = tuple(
        Question(
            q["id"],
            q["type"],
            q["vraag"],
            tuple(Option(o["id"], o["tekst"], o["juist"], o["uitleg"]) for o in q["opties"]),
        )
        for q in data["vragen"]
    )
    rel = path.relative_to(content_dir).as_posix()
    return Quiz(path, rel, data["titel"], vragen, data.get("trek"), data)


def load_course(folder: Path, content_dir: Path, problems: Problems) -> Course | None:
    """Read one course folder; add every problem to `problems`. None if the course is unusable."""
    path = folder / COURSE_FILE
    if not path.is_file():
        problems.add(
            path,
            1,
            1,
            f"de cursusmap {folder.name}/ heeft geen {COURSE_FILE}",
            f"maak {COURSE_FILE} aan met titel, beschrijving, doelgroep, lessen, toets, "
            "slaaggrens, laatst_gecontroleerd en bronnen; zie CONTRIBUTING.md",
        )
        return None
    doc = _read_yaml(path, problems)
    if doc is None:
        return None
    # After schema errors, the lessons and the quiz are still checked where their fields can be
    # read, so that the editor sees every problem in one run.
    ok = not _schema_errors("course", doc, path, problems)
    meta: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
    lessen = meta.get("lessen")
    if not (isinstance(lessen, list) and all(isinstance(x, str) for x in lessen)):
        lessen = []
    slaaggrens = meta.get("slaaggrens")
    if isinstance(slaaggrens, int) and slaaggrens > 100:
        line, col = doc.where(("slaaggrens",))
        problems.add(
            path,
            line,
            col,
            f"slaaggrens is {slaaggrens}, maar het is een percentage: het maximum is 100",
            "schrijf het percentage goede antwoorden dat nodig is, bijvoorbeeld slaaggrens: 80",
        )
        ok = False
    if meta.get("oefenen") is True:
        for name in ("max_pogingen", "geldigheid_maanden"):
            if name in meta:
                line, col = doc.where((name,))
                problems.add(
                    path,
                    line,
                    col,
                    f"oefenvragen (oefenen: true) hebben geen {name}: er is geen examen en "
                    "geen certificaat",
                    f"haal de regel '{name}' weg, of haal 'oefenen: true' weg als dit een "
                    "toets met certificaat is",
                )
                ok = False
    on_disk = {p.name for p in folder.glob("*.md")}
    for index, lesson in enumerate(lessen):
        if lesson not in on_disk:
            line, col = doc.where(("lessen", index))
            problems.add(
                path,
                line,
                col,
                f"de les '{lesson}' bestaat niet in {folder.name}/",
                "maak het bestand aan of verbeter de naam; er zijn: "
                + (", ".join(sorted(on_disk - {"index.md"})) or "geen lessen"),
            )
            ok = False
    for name in sorted(on_disk - set(lessen) - {"index.md"}) if lessen else ():
        problems.add(
            folder / name,
            1,
            1,
            f"deze les staat niet in de lijst lessen van {folder.name}/{COURSE_FILE}",
            f"zet '{name}' op de goede plek in 'lessen', of haal het bestand weg",
        )
    toets = meta.get("toets")
    quiz = None
    if not isinstance(toets, str) or "/" in toets:
        ok = False
    elif not (folder / toets).is_file():
        line, col = doc.where(("toets",))
        problems.add(
            path,
            line,
            col,
            f"het toetsbestand '{meta['toets']}' bestaat niet in {folder.name}/",
            "maak het bestand aan (zie het voorbeeld in CONTRIBUTING.md) of verbeter de naam",
        )
        ok = False
    else:
        quiz = load_quiz(folder / toets, content_dir, problems)
        ok = ok and quiz is not None
    if not ok:
        return None
    rel_folder = folder.relative_to(content_dir).as_posix()
    return Course(
        slug=folder.name,
        path=path,
        folder=folder,
        titel=meta["titel"],
        beschrijving=meta["beschrijving"],
        doelgroep=meta["doelgroep"],
        lessen=tuple(f"{rel_folder}/{lesson}" for lesson in meta["lessen"]),
        slaaggrens=slaaggrens,
        max_pogingen=meta.get("max_pogingen"),
        geldigheid_maanden=meta.get("geldigheid_maanden"),
        laatst_gecontroleerd=meta["laatst_gecontroleerd"],
        bronnen=meta["bronnen"],
        toets=quiz,
        meta=meta,
        oefenen=meta.get("oefenen", False),
    )


def course_folders(content_dir: Path) -> list[Path]:
    """Every folder directly in content/cursussen/ (each one is a course)."""
    base = content_dir / COURSES_DIR
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))


def load_courses(content_dir: Path, problems: Problems) -> list[Course]:
    """Every sound course in content/cursussen/, by slug; problems of the others go to `problems`."""
    found = []
    for folder in course_folders(content_dir):
        course = load_course(folder, content_dir, problems)
        if course is not None:
            found.append(course)
    return found


def load_ziektebeeld_quizzes(content_dir: Path, problems: Problems) -> dict[str, Quiz]:
    """ziektebeeld slug → its sound quiz (`content/ziektebeelden/<slug>.toets.yml`)."""
    base = content_dir / ZIEKTEBEELDEN_DIR
    found: dict[str, Quiz] = {}
    if not base.is_dir():
        return found
    for path in sorted(base.glob(f"*{ZIEKTEBEELD_QUIZ_SUFFIX}")):
        slug = path.name.removesuffix(ZIEKTEBEELD_QUIZ_SUFFIX)
        if not ((base / f"{slug}.md").is_file() or (base / slug / "index.md").is_file()):
            problems.add(
                path,
                1,
                1,
                f"er is geen ziektebeeldpagina '{slug}' voor deze toets",
                f"zet de toets naast de pagina: ziektebeelden/{slug}.md en "
                f"ziektebeelden/{slug}{ZIEKTEBEELD_QUIZ_SUFFIX}",
            )
            continue
        quiz = load_quiz(path, content_dir, problems)
        if quiz is not None:
            found[slug] = quiz
    return found


def check_courses(content_dir: Path, problems: Problems) -> set[str]:
    """Check every course and ziektebeeld quiz; the page paths that belong to a course folder.

    Those pages (lessons and a course's index.md) are reached through their course, so the
    site-wide 'nobody can reach this page' check leaves them to this module.
    """
    load_courses(content_dir, problems)
    load_ziektebeeld_quizzes(content_dir, problems)
    return {
        p.relative_to(content_dir).as_posix()
        for folder in course_folders(content_dir)
        for p in folder.glob("*.md")
    }
