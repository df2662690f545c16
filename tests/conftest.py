"""Shared fixtures: the real content built once per test session, and the service around it."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from quiz_service import create_app
from site_builder.build import build_site
from site_builder.check import check
from site_builder.search_docs import build_index

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
MKDOCS_YML = ROOT / "mkdocs.yml"
KAART = ROOT / "sociale_kaart"
SITE_URL = "https://mantelzorgacademie-flevoland.nl/"
EDIT_URL = "https://github.com/mantelzorgacademie-flevoland/portal/edit/main/content/"


def check_and_build(content: Path, work: Path, kaart_dir: Path | None = None) -> Path:
    """Check `content` (and the sociale kaart in `kaart_dir`, if given); build it into `work`/site,
    and its search index into `work`/zoekindex.

    Both must be free of problems.
    """
    site, problems = check(content, MKDOCS_YML, kaart_dir=kaart_dir)
    assert not problems, "\n".join(p.format() for p in problems)
    # As `site-builder build` does: the search index beside the site, in work/zoekindex.
    build_index(site, work / "zoekindex" / "portaal")
    result = build_site(
        site,
        base_config=MKDOCS_YML,
        build_dir=work / "build",
        site_dir=work / "site",
        site_url=SITE_URL,
        edit_url=EDIT_URL,
    )
    return result.site_dir


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The repository's own content/ and sociale kaart, checked and built into a temporary site/."""
    return check_and_build(CONTENT, tmp_path_factory.mktemp("build"), kaart_dir=KAART)


class BufferedClient(FlaskClient):
    """Reads and closes each response, so served files never stay open (ResourceWarning)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(built_site):
    app = create_app({"TESTING": True, "SITE_DIR": str(built_site)})
    app.test_client_class = BufferedClient
    return app


@pytest.fixture
def client(app):
    return app.test_client()


# --- Database (issue 4): a fresh database per test module, on SQLite or PostgreSQL ---

DB_FIXTURES = {"database_url", "db"}


def pytest_collection_modifyitems(items):
    # Every test that touches a database carries the `db` marker, so `pytest -m db` (run again
    # on PostgreSQL by .ci/run) cannot miss one.
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """An empty database for one test module; dropped afterwards.

    With TEST_DATABASE_URL (PostgreSQL) a uniquely named schema in that database, reached
    through the URL's search_path; otherwise a temporary SQLite file.
    """
    import os
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield make_url(f"sqlite:///{tmp_path_factory.mktemp('db') / 'academie.sqlite3'}")
        return
    url = make_url(base)
    assert url.get_backend_name() == "postgresql", "TEST_DATABASE_URL moet PostgreSQL zijn"
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield url.update_query_dict({"options": f"-csearch_path={schema}"})
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(scope="module")
def db(database_url):
    """The module's database, migrated to the newest revision; `.url`, `.engine`, `.session()`."""
    from types import SimpleNamespace

    from sqlalchemy.orm import sessionmaker

    from quiz_service.db import make_engine
    from quiz_service.migrate import upgrade

    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        yield SimpleNamespace(
            url=database_url,
            engine=engine,
            session=sessionmaker(engine, expire_on_commit=False),
            dialect=engine.dialect.name,
        )
    finally:
        engine.dispose()


@pytest.fixture
def academie_app(db, tmp_path):
    """A factory for service apps on the module's database, with the fictional test course.

    Their engines are closed afterwards: an open PostgreSQL connection would end the run with a
    ResourceWarning.
    """
    from tests.academie import FICTIONAL_CONTENT, close_app

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<!doctype html><html lang="nl"><p>Portal', "utf-8")
    apps = []

    def make(**config):
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": db.url,
                "SITE_DIR": str(site),
                "CONTENT_DIR": str(FICTIONAL_CONTENT),
                **config,
            }
        )
        app.test_client_class = BufferedClient
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)


@pytest.fixture
def account(db):
    """A factory: `account("medewerker", organisatie_id=...)` → a committed Gebruiker."""
    from tests.academie import new_account

    return lambda role="mantelzorger", **fields: new_account(db, role, **fields)
