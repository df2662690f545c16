"""Each setting is declared once and documented in the README."""

from __future__ import annotations

from site_builder import settings
from tests.conftest import ROOT


def test_the_readme_lists_every_setting_as_declared():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert settings.markdown_table() in readme, (
        "Werk de tabel in README.md bij met de uitvoer van "
        "`python -c 'from site_builder import settings; print(settings.markdown_table())'`"
    )


def test_a_setting_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MZA_PORT", "8123")
    assert settings.get("MZA_PORT") == "8123"
    monkeypatch.delenv("MZA_PORT")
    assert settings.get("MZA_PORT") == "8000"
