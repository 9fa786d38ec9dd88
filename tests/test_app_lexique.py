"""The « Analyse lexicale » screens (Statistiques, Spécificités, Similitudes) through AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from lexicometry_corpus import build
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    workspace = build(tmp_path_factory.mktemp("app_lexique") / "espace")
    from textmine.lexicometry.tokens import corpus_tokens

    corpus_tokens(workspace, "petit")  # the pages then read the cache
    return workspace


@pytest.fixture
def app(small, monkeypatch):
    monkeypatch.setenv("TEXTMINE_HOME", str(small.home))

    def open_page(page: str) -> AppTest:
        test = AppTest.from_file(APP, default_timeout=60)
        test.switch_page(f"app_pages/{page}.py").run()
        assert not test.exception, test.exception
        return test

    return open_page


def test_statistics_screen(app):
    screen = app("lexique_statistiques")
    summary = screen.dataframe[0].value
    assert summary.iloc[0]["groupe"] == "ensemble" and summary.iloc[0]["documents"] == 18
    screen.selectbox(key="stats_by").select("organisme").run()
    assert list(screen.dataframe[0].value["groupe"]) == ["ensemble", "CAF", "CPAM", "Urssaf"]
    assert len(screen.get("plotly_chart")) == 1
    count = int(screen.metric[0].value)
    screen.multiselect(key="actives_drop").select("dossier").run()
    assert int(screen.metric[0].value) == count - 1
    screen.text_input(key="actives_keep").input("marie, cotisant").run()
    assert "Absentes du corpus, donc ignorées : marie" in screen.warning[0].value


def test_specificities_screen_with_ca(app):
    screen = app("lexique_specificites")
    assert screen.selectbox(key="spec_column").value == "organisme"
    scores = screen.dataframe[0].value
    assert list(scores.columns) == ["CAF", "CPAM", "Urssaf"] and scores.loc["reporting", "CAF"] > 2
    assert len(screen.get("plotly_chart")) == 1
    eigen = screen.dataframe[2].value
    assert eigen["cumul (%)"].iloc[-1] == pytest.approx(100)
    screen.radio(key="spec_method").set_value("chi2").run()
    assert not screen.exception and screen.dataframe[0].value.loc["reporting", "CAF"] > 3.84


def test_similitudes_screen(app):
    screen = app("lexique_similitudes")
    assert len(screen.get("plotly_chart")) == 1
    assert "communautés" in screen.caption[-1].value
    screen.radio(key="simi_index").set_value("jaccard").run()
    assert not screen.exception and "indice de Jaccard" in screen.caption[-1].value


def test_themes_on_the_demo_model(demo_workspace, demo_copy):
    from lexicometry_corpus import demo_tokens

    from textmine.lexicometry.tokens import cache_path

    path = cache_path(demo_copy, "demo")
    path.parent.mkdir(parents=True, exist_ok=True)
    demo_tokens(demo_workspace).to_parquet(path)  # what corpus_tokens would compute, without running spaCy again
    test = AppTest.from_file(APP, default_timeout=90)
    test.switch_page("app_pages/lexique_specificites.py").run()
    test.radio(key="spec_mode").set_value("Les thèmes du modèle publié").run()
    assert not test.exception, test.exception
    assert list(test.dataframe[0].value.columns) == ["terme", "effectif", "total", "attendu", "score"]
    test.switch_page("app_pages/lexique_similitudes.py").run()
    assert not test.exception, test.exception
    assert test.selectbox(key="simi_theme").options[0] == "Tout le corpus"
    whole = test.caption[-1].value
    test.selectbox(key="simi_theme").select_index(1).run()
    assert not test.exception, test.exception
    assert test.caption[-1].value != whole
