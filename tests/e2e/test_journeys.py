"""The three journeys in a real browser, on the demo corpus and its model.

Thèmes → open a theme → its quotes → a query in Citations → a Markdown export
downloaded and read back. A screenshot of each step is kept in
tests/artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import click_button, click_nav, open_app, page_text, shot, type_text, wait_for_download, wait_for_text


@pytest.fixture
def workspace_home(demo_workspace, tmp_path: Path, monkeypatch) -> Path:
    """The app serves a private copy of the trained demo workspace."""
    home = tmp_path / "demo"
    shutil.copytree(demo_workspace.home, home)
    monkeypatch.setenv("TEXTMINE_HOME", str(home))
    return home


def _click_text(browser, text: str) -> None:
    """Click the visible label (a radio option…) showing exactly ``text``."""
    from .conftest import _after, _js_click

    target = next(e for e in browser.find_elements("xpath", f"//label[normalize-space()='{text}']") if e.is_displayed())
    _after(browser, lambda: _js_click(browser, target), 60)


def test_researcher_and_author_journey(app_server: str, browser) -> None:
    open_app(browser, app_server)
    wait_for_text(browser, "Thèmes")
    text = page_text(browser)
    assert "Traceback" not in text and "Ouvrir ce thème" in text
    shot(browser, "1-themes")

    click_button(browser, "Ouvrir ce thème")
    wait_for_text(browser, "Citations représentatives")
    text = page_text(browser)
    assert "«" in text and "doc " in text  # quotes with their citations
    shot(browser, "2-theme-et-citations")

    click_nav(browser, "Citations")
    wait_for_text(browser, "Par requête")
    _click_text(browser, "Par requête")
    type_text(browser, "Requête", "reporting")
    wait_for_text(browser, "Exporter")
    text = page_text(browser)
    assert text.lower().count("reporting") >= 3
    shot(browser, "3-citations-requete")

    from .conftest import _after, _js_click

    button = next(b for b in browser.find_elements("css selector", '[data-testid="stDownloadButton"] button')
                  if b.text.strip().endswith("Markdown"))
    _after(browser, lambda: _js_click(browser, button), 60)
    exported = wait_for_download(browser, "*.md")
    content = exported.read_text(encoding="utf-8")
    assert content.startswith("# ") and "Requête : « reporting »" in content
    assert content.count("> « ") >= 3 and "> — " in content and "doc " in content
    assert "pseudonymisées" in content  # on by default in the app
    shot(browser, "4-export-telecharge")
