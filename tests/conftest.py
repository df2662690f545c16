"""Shared fixtures: the real content built once per test session, and the service around it."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from quiz_service import create_app
from site_builder.build import build_site
from site_builder.check import check

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
MKDOCS_YML = ROOT / "mkdocs.yml"
KAART = ROOT / "sociale_kaart"
SITE_URL = "https://mantelzorgacademie-flevoland.nl/"
EDIT_URL = "https://github.com/mantelzorgacademie-flevoland/portal/edit/main/content/"


def check_and_build(content: Path, work: Path, kaart_dir: Path | None = None) -> Path:
    """Check `content` (and the sociale kaart in `kaart_dir`, if given); build it into `work`/site.

    Both must be free of problems.
    """
    site, problems = check(content, MKDOCS_YML, kaart_dir=kaart_dir)
    assert not problems, "\n".join(p.format() for p in problems)
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
