"""The app in a real browser: what a user sees, screen by screen."""

from __future__ import annotations

import textwrap
from pathlib import Path

from fixtures import write_csv

from textmine.ingest import ingest
from textmine.workspace import Workspace

from .conftest import (
    click_button,
    click_nav,
    nav_labels,
    open_app,
    page_text,
    running_app,
    shot,
    table_rows,
    type_text,
    wait_for_download,
    wait_for_text,
)


def test_corpus_page_in_browser(workspace: Workspace, tmp_path: Path, app_server: str, browser) -> None:
    ingest(workspace.open_store(), [write_csv(tmp_path / "r.csv")], "enquête-2024", id_column="id")

    open_app(browser, app_server)
    corpus_page = next((label for label in nav_labels(browser) if label.startswith("Corpus")), None)
    if corpus_page:  # several pages: the corpus one need not be the first
        click_nav(browser, corpus_page)
    heading = browser.find_element("css selector", '[data-testid="stHeading"] h1')
    assert heading.text.strip().startswith("Corpus")
    wait_for_text(browser, "enquête-2024")  # a selectbox's choice counts as shown text
    shot(browser, "corpus")


# The helpers, on a tiny app of their own so that they stay tested whatever the real pages become.
SMALL_APP = {
    "app.py": """
        import streamlit as st
        st.navigation([
            st.Page("accueil.py", title="Accueil", icon="🏠", default=True),
            st.Page("calcul.py", title="Calcul", icon="🧮"),
            st.Page("recherche.py", title="Recherche", icon="🔎"),
        ]).run()
    """,
    "accueil.py": """
        import pandas as pd
        import streamlit as st
        st.title("Accueil")
        st.dataframe(pd.DataFrame({"id": ["R1", "R2"], "texte": ["l’équipe", "« à bout »"]}))
    """,
    "calcul.py": """
        import time
        import streamlit as st
        st.title("Calcul")
        if st.button("Lancer le calcul"):
            time.sleep(1.5)
            st.success("Calcul terminé : 7 thèmes")
            st.download_button("Télécharger le résultat", "thème;n\\nsanté;7\\n", file_name="résultat.csv")
    """,
    "recherche.py": """
        import streamlit as st
        st.title("Recherche")
        query = st.text_input("Mot cherché")
        st.write(f"Résultats pour « {query} »")
    """,
}


def test_helpers_drive_a_small_multipage_app(tmp_path: Path, browser) -> None:
    folder = tmp_path / "petite-app"
    folder.mkdir()
    for name, code in SMALL_APP.items():
        (folder / name).write_text(textwrap.dedent(code), encoding="utf-8")

    with running_app(tmp_path / "espace", tmp_path / "streamlit.log", script=folder / "app.py") as url:
        open_app(browser, url)
        assert nav_labels(browser) == ["Accueil", "Calcul", "Recherche"]
        assert table_rows(browser) == [["", "id", "texte"], ["0", "R1", "l’équipe"], ["1", "R2", "« à bout »"]]
        click_button(browser, "Download as CSV", within=browser.find_element(
            "css selector", '[data-testid="stDataFrame"]'))
        table = wait_for_download(browser, "*.csv")
        assert "« à bout »" in table.read_text(encoding="utf-8-sig")
        table.unlink()

        click_nav(browser, "Calcul")
        click_button(browser, "Lancer le calcul")
        assert "Calcul terminé : 7 thèmes" in page_text(browser)  # waited for the 1.5 s run
        click_button(browser, "Télécharger le résultat")
        result = wait_for_download(browser, "*.csv")
        assert result.name == "résultat.csv"
        assert result.read_text(encoding="utf-8") == "thème;n\nsanté;7\n"

        click_nav(browser, "Recherche")
        type_text(browser, "Mot cherché", "collectif")
        wait_for_text(browser, "Résultats pour « collectif »")
        type_text(browser, "Mot cherché", "cœur")
        assert "Résultats pour « cœur »" in page_text(browser)
        shot(browser, "petite-app-recherche")
