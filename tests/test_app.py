"""The Streamlit screens, through AppTest, on an empty and on a filled workspace."""

from __future__ import annotations

from pathlib import Path

from fixtures import write_csv
from streamlit.testing.v1 import AppTest

from textmine.ingest import ingest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_empty_workspace_explains_how_to_start(workspace) -> None:
    app = AppTest.from_file(APP).run()
    assert not app.exception
    assert "Aucun corpus dans cet espace de travail" in app.info[0].value


def test_corpus_screen_shows_counts_columns_and_searches(workspace, tmp_path: Path) -> None:
    ingest(workspace.open_store(), [write_csv(tmp_path / "r.csv")], "enquete", id_column="id")
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page("app_pages/corpus.py").run()
    assert not app.exception
    assert app.selectbox[0].value == "enquete"
    assert [m.value for m in app.metric] == ["3", "1", "0"]
    columns = app.dataframe[0].value
    assert list(columns["colonne"]) == ["organisme", "annee"]
    assert len(app.dataframe[1].value) == 3
    app.text_input[0].input("collectif").run()
    assert list(app.dataframe[1].value["id d'origine"]) == ["R3"]
    app.text_input[0].input("introuvable").run()
    assert "Aucun document ne contient « introuvable »" in app.warning[0].value
