"""`site-builder build`: what a visitor gets on every page, and what is kept out."""

from __future__ import annotations

import shutil

from tests.conftest import CONTENT, EDIT_URL, check_and_build
from tests.test_check import FIXTURES


def content_pages() -> list[str]:
    return sorted(p.relative_to(CONTENT).as_posix() for p in CONTENT.rglob("*.md"))


def html_of(site, rel: str) -> str:
    stem = rel.removesuffix(".md")
    path = (
        "index.html"
        if stem == "index"
        else stem.removesuffix("index") + ("" if stem.endswith("index") else "/") + "index.html"
    )
    return (site / path).read_text("utf-8")


def test_every_page_shows_last_checked_sources_and_edit_link(built_site):
    for rel in content_pages():
        html = html_of(built_site, rel)
        assert "Laatst gecontroleerd op" in html, rel
        assert 'id="bronnen"' in html, rel
        edit_link = html.split(f'href="{EDIT_URL}{rel}"', 1)[1].split("</a>", 1)[0]
        assert "Bewerk deze pagina" in edit_link, rel
        assert '<html lang="nl"' in html, rel


def test_every_page_links_to_privacy_and_accessibility_in_the_footer(built_site):
    for rel in content_pages():
        footer = html_of(built_site, rel).split('class="md-footer"', 1)[1]
        assert ">Privacy</a>" in footer, rel
        assert ">Toegankelijkheid</a>" in footer, rel


def test_the_menu_has_the_sections_in_order(built_site):
    html = (built_site / "index.html").read_text("utf-8")
    tabs = html.split('class="md-tabs__list"', 1)[1].split("</ul>", 1)[0]
    found = [
        name
        for name in (
            "Start",
            "Mantelzorg",
            "Ziektebeelden",
            "Cursussen",
            "Sociale kaart",
            "Bijeenkomsten",
        )
        if f"{name}\n" in tabs or f">{name}<" in tabs
    ]
    positions = [tabs.index(name) for name in found]
    assert found[:2] == ["Start", "Mantelzorg"]
    assert positions == sorted(positions)


def test_no_generated_file_lands_in_content(built_site):
    assert not list(CONTENT.rglob("*.html"))
    assert not (CONTENT / "assets").exists()


def test_item_pages_of_a_large_collection_stay_out_of_the_menu(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basis", content)
    items = content / "mantelzorg" / "verhalen"
    items.mkdir()
    index_links = []
    for number in range(60):
        text = (FIXTURES / "basis" / "over" / "privacy.md").read_text("utf-8")
        (items / f"verhaal-{number}.md").write_text(
            text.replace("Privacy (test)", f"Verzonnen verhaal {number}"), "utf-8"
        )
        index_links.append(f"- [Verhaal {number}](verhaal-{number}.md)")
    index = (FIXTURES / "basis" / "over" / "privacy.md").read_text("utf-8")
    (items / "index.md").write_text(
        index.replace("Privacy (test)", "Verzonnen verhalen") + "\n" + "\n".join(index_links),
        "utf-8",
    )
    site_dir = check_and_build(content, tmp_path)
    home = (site_dir / "index.html").read_text("utf-8")
    assert "Verzonnen verhalen" in home  # the collection's index page is in the menu
    assert "Verzonnen verhaal 7" not in home  # its items are not
    assert (site_dir / "mantelzorg" / "verhalen" / "verhaal-7" / "index.html").is_file()


def test_a_rebuild_replaces_the_site_whole(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basis", content)
    check_and_build(content, tmp_path)
    (tmp_path / "site" / "oud-bestand.txt").write_text("weg ermee", "utf-8")
    check_and_build(content, tmp_path)
    assert not (tmp_path / "site" / "oud-bestand.txt").exists()
    assert (tmp_path / "site" / "index.html").is_file()
    assert not list((tmp_path / "site").rglob("*.map"))


def test_a_ziektebeeld_page_links_to_its_lotgenoten_meetings(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basis", content)
    ziektebeelden = FIXTURES / "cursus" / "geldig" / "ziektebeelden"
    shutil.copytree(
        ziektebeelden, content / "ziektebeelden", ignore=shutil.ignore_patterns("*.yml")
    )
    # The other form of a ziektebeeld page: a folder with its own index.md.
    folder = content / "ziektebeelden" / "andere-ziekte"
    folder.mkdir()
    text = (ziektebeelden / "verzonnen-ziekte.md").read_text("utf-8")
    (folder / "index.md").write_text(text.replace("Verzonnen ziekte", "Andere ziekte"), "utf-8")
    site_dir = check_and_build(content, tmp_path)

    for rel, slug, title in (
        ("ziektebeelden/verzonnen-ziekte.md", "verzonnen-ziekte", "verzonnen ziekte"),
        ("ziektebeelden/andere-ziekte/index.md", "andere-ziekte", "andere ziekte"),
    ):
        html = html_of(site_dir, rel)
        section = html.split('id="lotgenoten"', 1)[1].split('id="bronnen"', 1)[0]
        agenda = section.split(f'href="/bijeenkomsten/agenda?thema={slug}"', 1)[1]
        assert agenda.split("</a>", 1)[0] == f">Bekijk de bijeenkomsten over {title}", rel
        feed = section.split(f'href="/bijeenkomsten/thema/{slug}.ics"', 1)[1]
        assert "Zet deze bijeenkomsten in uw agenda" in feed.split("</a>", 1)[0], rel

    for rel in ("ziektebeelden/index.md", "mantelzorg/index.md", "index.md"):
        html = html_of(site_dir, rel)
        assert 'id="lotgenoten"' not in html, rel
        assert "/bijeenkomsten/agenda" not in html, rel
        assert "/bijeenkomsten/thema/" not in html, rel
