"""The theme screens: the overview tables behind them, then « Thèmes » and « Thème » through AppTest.

The library tests read the session's demo model; the screen tests work on a
private copy of it (``demo_copy``), since they edit themes. One tiny model
trained without sentiment on a corpus without dates covers what the screens
say when a part is missing.
"""

from __future__ import annotations

import copy
import csv
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from fixtures import write_csv
from streamlit.testing.v1 import AppTest

from textmine.errors import TextmineError
from textmine.ingest import ingest
from textmine.pipeline import TrainOptions, train
from textmine.quotes.index import load_index
from textmine.themes.model import UNASSIGNED
from textmine.views import overview
from textmine.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
THEME_PAGE = "app_pages/theme.py"
FILTER = "filtre_organisme_demo"


@pytest.fixture(scope="module")
def index(demo_workspace: Workspace):
    return load_index(demo_workspace, "demo")


def caf_documents(index) -> set[int]:
    return {d for d, meta in index.metadata.items() if meta.get("organisme") == "CAF"}


def start(page: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120).run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def shown_labels(app: AppTest) -> list[str]:
    return list(app.dataframe[0].value["label"])


# -- the tables ----------------------------------------------------------------------------


def test_theme_table_has_sizes_tone_and_trend_for_every_live_theme(index) -> None:
    table = overview.theme_table(index, None)
    themes = index.model.themes()
    assert sorted(table["topic"]) == sorted(themes["topic"])
    assert list(table["segments"]) == sorted(table["segments"], reverse=True)
    assert dict(zip(table["topic"], table["segments"])) == dict(zip(themes["topic"], themes["segments"]))
    assert dict(zip(table["topic"], table["documents"])) == dict(zip(themes["topic"], themes["documents"]))
    assert table["share"].sum() == pytest.approx(1.0 - overview.totals(index, None).unassigned, abs=0.01)
    assert table["terms"].map(lambda t: len(t.split(", "))).le(6).all()
    assert table["score"].between(-1, 1).all()
    assert table[["negatif", "neutre", "positif"]].sum(axis=1).tolist() == pytest.approx([1.0] * len(table), abs=0.01)
    years = table.attrs["years"]
    assert years == sorted({m["annee"] for m in index.metadata.values() if m.get("annee")})
    assert table["trend"].map(len).eq(len(years)).all()


def test_theme_table_counts_only_the_kept_documents(index) -> None:
    kept = caf_documents(index)
    table = overview.theme_table(index, kept)
    segments = index.model.segments()
    expected = segments[segments["document_id"].isin(kept) & (segments["topic"] != UNASSIGNED)]
    assert table["segments"].sum() == len(expected) < overview.theme_table(index, None)["segments"].sum()
    assert table["documents"].sum() <= len(kept)
    assert overview.totals(index, kept).documents == expected["document_id"].nunique()


def test_themes_by_column_gives_shares_and_representation_ratios(index) -> None:
    breakdown = overview.themes_by_column(index, "organisme", None)
    assert breakdown.message is None
    assert set(breakdown.shares.index) == {m["organisme"] for m in index.metadata.values() if m.get("organisme")}
    assert list(breakdown.counts) == sorted(breakdown.counts, reverse=True)
    assert (breakdown.shares.sum(axis=1) <= 1.005).all()
    # Ratio 1: as frequent in the group as overall; so ratios average to 1, weighted by group sizes.
    for label in breakdown.ratios.columns[:5]:
        weighted = (breakdown.counts * breakdown.ratios[label]).sum() / breakdown.counts.sum()
        assert weighted == pytest.approx(1.0, abs=0.01)
    overall = (breakdown.counts * breakdown.shares.iloc[:, 0]).sum() / breakdown.counts.sum()
    assert breakdown.ratios.iloc[0, 0] == pytest.approx(breakdown.shares.iloc[0, 0] / overall, abs=0.01)
    contrast = breakdown.contrast()
    assert contrast.abs().max().max() <= 2
    assert ((contrast > 0) == (breakdown.ratios > 1.001)).loc[:, breakdown.ratios.notna().all()].all().all()


def test_contrast_softens_small_groups() -> None:
    shares = pd.DataFrame({"A": [0.0, 0.0, 0.2]}, index=["petit", "grand", "moyen"])
    breakdown = overview.Breakdown("x", shares, shares / 0.1, pd.Series([5, 500, 100], index=shares.index),
                                   pd.Series({"A": 0.1}))
    contrast = breakdown.contrast()["A"]
    assert contrast["grand"] == -2.0  # (0 + 1) / (510 × 0.1): far below, clipped
    assert contrast["petit"] == pytest.approx(math.log2(1 / 1.5))  # 5 segments without the theme say little
    assert contrast["moyen"] == pytest.approx(math.log2(21 / 11))


def test_themes_by_column_reads_a_date_column_as_years_and_refuses_unknown_columns(index) -> None:
    dates = overview.themes_by_column(index, "date", None)
    assert all(isinstance(y, int) and 2000 < y < 2100 for y in dates.shares.index)
    assert list(dates.shares.index) == sorted(dates.shares.index)
    with pytest.raises(TextmineError) as error:
        overview.themes_by_column(index, "service", None)
    assert str(error.value) == (
        "Colonne « service » absente du corpus « demo ». Colonnes : source, organisme, branche, fonction, "
        "annee, region, date, question, titre, forme, auteur."
    )


def test_themes_over_time_uses_annee_and_says_when_the_corpus_is_undated(index) -> None:
    evolution = overview.themes_over_time(index, caf_documents(index))
    assert evolution.column == "annee" and evolution.message is None
    assert list(evolution.shares.index) == sorted(evolution.shares.index)
    undated = copy.copy(index)
    undated.columns = {c: t for c, t in index.columns.items() if c not in ("annee", "date")}
    evolution = overview.themes_over_time(undated, None)
    assert evolution.shares.empty
    assert evolution.message == ("Le corpus « demo » n'a ni colonne « annee » ni colonne de date : "
                                 "l'évolution dans le temps n'est pas disponible.")


def test_intertopic_map_places_each_live_theme_and_follows_merges(demo_copy: Workspace) -> None:
    index = load_index(demo_copy, "demo")
    points = overview.intertopic_map(index)
    assert sorted(points["topic"]) == sorted(index.model.themes()["topic"])
    assert points[["x", "y"]].map(math.isfinite).all().all()
    assert points[["x", "y"]].std().gt(0).all()
    first, second = points["topic"].iloc[:2]
    index.model.merge([int(first), int(second)], "Fusion")
    merged = overview.intertopic_map(index)
    assert len(merged) == len(points) - 1
    assert merged.set_index("topic").at[first, "label"] == "Fusion"
    assert merged["segments"].sum() == points["segments"].sum()


def test_theme_documents_lists_the_documents_holding_the_theme(index) -> None:
    topic = int(overview.theme_table(index, None)["topic"].iloc[0])
    documents = overview.theme_documents(index, topic, None)
    profiles = index.model.documents()
    holding = {d for d, p in zip(profiles["document_id"], profiles["profile"]) if str(topic) in json.loads(p)}
    assert set(documents["document_id"]) == holding
    assert list(documents["share"]) == sorted(documents["share"], reverse=True)
    assert documents["share"].between(0, 1, inclusive="right").all()
    assert documents["excerpt"].str.len().le(overview.EXCERPT + 1).all()
    first = documents.iloc[0]
    assert first["original_id"] == index.metadata[first["document_id"]].get("original_id")
    assert {"organisme", "annee"} <= set(documents.columns)
    kept = overview.theme_documents(index, topic, caf_documents(index))
    assert set(kept["organisme"]) == {"CAF"}


def test_theme_by_column_agrees_with_the_breakdown_of_all_themes(index) -> None:
    table = overview.theme_table(index, None)
    topic, label = int(table["topic"].iloc[1]), table["label"].iloc[1]
    one = overview.theme_by_column(index, topic, "fonction", None).set_index("value")
    breakdown = overview.themes_by_column(index, "fonction", None)
    assert one["share"].to_dict() == breakdown.shares[label].to_dict()
    assert one["theme_segments"].sum() == table["segments"].iloc[1]
    assert ((one["contrast"] > 0) == (one["ratio"] > 1.001)).all()
    with pytest.raises(TextmineError, match="Thème 999 introuvable"):
        overview.theme_by_column(index, 999, "fonction", None)


def test_theme_sentiment_counts_tones_and_emotions_of_the_theme(index) -> None:
    row = overview.theme_table(index, None).iloc[0]
    tone = overview.theme_sentiment(index, int(row["topic"]), None)
    assert tone.segments == row["segments"] == tone.tones["segments"].sum() == len(tone.scores)
    assert list(tone.tones["tone"]) == ["negatif", "neutre", "positif"]
    assert tone.tones["share"].sum() == pytest.approx(1.0, abs=0.01)
    assert tone.tones["overall_share"].sum() == pytest.approx(1.0, abs=0.01)
    assert tone.score == pytest.approx(row["score"], abs=0.001)
    assert not tone.emotions.empty and (tone.emotions["segments"] > 0).all()


def test_french_number_formats() -> None:
    assert overview.percent(0.136) == "13,6\u202f%"
    assert overview.signed(-0.04) == "\u22120,04"


# -- « Thèmes » ------------------------------------------------------------------------------


def test_themes_page_shows_the_table_and_the_four_charts(demo_copy: Workspace) -> None:
    app = start()
    themes = load_index(demo_copy, "demo").model.themes()
    table = app.dataframe[0].value
    assert len(table) == len(themes)
    assert list(table["segments"]) == list(themes["segments"])
    assert [m.label for m in app.metric] == ["Thèmes", "Documents", "Segments", "Sans thème"]
    assert app.metric[0].value == str(len(themes))
    assert len(app.get("plotly_chart")) == 4
    assert not app.info


def test_global_filter_changes_the_counts(demo_copy: Workspace) -> None:
    app = start()
    before = app.dataframe[0].value["segments"].sum()
    app.multiselect(key=FILTER).select("CAF").run()
    assert not app.exception
    after = app.dataframe[0].value
    expected = overview.theme_table(load_index(demo_copy, "demo"), caf_documents(load_index(demo_copy, "demo")))
    assert after["segments"].sum() == expected["segments"].sum() < before
    assert any("organisme = CAF" in c.value for c in app.caption)


def test_heatmap_column_can_be_changed(demo_copy: Workspace) -> None:
    app = start()
    app.selectbox(key="themes_column").select("fonction").run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 4


def test_open_this_theme_goes_to_the_theme_page(demo_copy: Workspace) -> None:
    app = start()
    topic, label = app.dataframe[0].value[["topic", "label"]].iloc[2]
    app.selectbox[0].select(topic).run()
    app.button[0].click().run()
    assert not app.exception
    assert app.title[0].value == "Thème"
    assert app.header[0].value.replace("\\", "") == label


# -- « Thème » -------------------------------------------------------------------------------


def test_theme_page_shows_quotes_tone_spread_and_documents(demo_copy: Workspace) -> None:
    app = start(THEME_PAGE)
    index = load_index(demo_copy, "demo")
    first = overview.theme_table(index, None).iloc[0]
    assert app.header[0].value.replace("\\", "") == first["label"]
    expected = index.for_theme(int(first["topic"]), 5).quotes
    cited = [code.value for code in app.code]
    # one presentation everywhere: « text » — source, ready to copy
    assert 1 <= len(cited) <= 5 and cited == [quote.cited() for quote in expected]
    assert all(c.startswith("« ") and " » — " in c and "doc " in c for c in cited)
    assert len(app.get("plotly_chart")) == 5  # tones, scores, emotions, by column, over time
    assert len(app.dataframe[0].value) == len(overview.theme_documents(index, int(first["topic"]), None))
    assert not app.info


def test_number_of_quotes_follows_the_slider(demo_copy: Workspace) -> None:
    app = start(THEME_PAGE)
    app.slider(key="theme_quotes").set_value(2).run()
    assert not app.exception
    index = load_index(demo_copy, "demo")
    topic = int(overview.theme_table(index, None)["topic"].iloc[0])
    assert 1 <= len(app.code) == len(index.for_theme(topic, 2).quotes) <= 2


def test_global_filter_applies_to_quotes_and_documents(demo_copy: Workspace) -> None:
    app = start(THEME_PAGE)
    app.multiselect(key=FILTER).select("CAF").run()
    assert not app.exception
    assert set(app.dataframe[0].value["organisme"]) == {"CAF"}
    assert all(", CAF, " in code.value for code in app.code)


def test_rename_shows_the_new_label_on_both_pages(demo_copy: Workspace) -> None:
    app = start(THEME_PAGE)
    app.text_input[0].input("Accueil des usagers").run()
    app.button[0].click().run()
    assert not app.exception
    assert app.success[0].value == "Thème renommé en « Accueil des usagers »."
    assert app.header[0].value == "Accueil des usagers"
    app.switch_page("app_pages/themes.py").run()
    assert shown_labels(app)[0] == "Accueil des usagers"


def test_an_empty_label_is_refused_with_its_message(demo_copy: Workspace) -> None:
    app = start(THEME_PAGE)
    app.text_input[0].input("  ").run()
    app.button[0].click().run()
    assert not app.exception
    assert app.error[0].value == "Le nouveau libellé est vide."


def test_merge_reduces_the_number_of_themes(demo_copy: Workspace) -> None:
    app = start()
    before = shown_labels(app)
    topics = list(app.dataframe[0].value["topic"])
    app.switch_page(THEME_PAGE).run()
    app.multiselect(key=f"theme_merge_{topics[0]}").select(topics[1]).select(topics[2]).run()
    app.text_input(key=f"theme_merged_label_{topics[0]}").input("Trois thèmes en un").run()
    next(b for b in app.button if b.label == "Fusionner").click().run()
    assert not app.exception
    assert app.success[0].value == "3 thèmes fusionnés."
    app.switch_page("app_pages/themes.py").run()
    after = shown_labels(app)
    assert len(after) == len(before) - 2
    assert "Trois thèmes en un" in after and before[1] not in after


def test_delete_needs_confirmation(demo_copy: Workspace) -> None:
    app = start(THEME_PAGE)
    label = app.header[0].value.replace("\\", "")
    delete = next(b for b in app.button if b.label == "Supprimer ce thème")
    assert delete.disabled
    app.checkbox[0].check().run()
    next(b for b in app.button if b.label == "Supprimer ce thème").click().run()
    assert not app.exception
    assert app.success[0].value.startswith("Thème « ")
    assert label not in app.selectbox[0].options
    app.switch_page("app_pages/themes.py").run()
    assert app.metric[0].value == str(len(load_index(demo_copy, "demo").model.themes()))


# -- when something is missing ------------------------------------------------------------


@pytest.mark.parametrize("page", [None, THEME_PAGE])
def test_empty_workspace_says_how_to_start(workspace: Workspace, page: str | None) -> None:
    app = start(page)
    assert app.info[0].value.startswith("Aucun corpus dans cet espace de travail.")


@pytest.mark.parametrize("page", [None, THEME_PAGE])
def test_corpus_without_published_model_says_to_train_one(workspace: Workspace, tmp_path: Path, page) -> None:
    ingest(workspace.open_store(), [write_csv(tmp_path / "r.csv")], "enquete", id_column="id")
    app = start(page)
    assert app.info[0].value.startswith("Aucun modèle de thèmes n'est encore publié")


@pytest.fixture(scope="module")
def plain_workspace(demo_workspace: Workspace, tmp_path_factory) -> Workspace:
    """120 testimonies with only organisme and fonction (no date), a model trained without sentiment.

    Depends on ``demo_workspace`` so that it is trained after it, when the topic model's code is warm.
    """
    source = ROOT / "corpora" / "demo" / "temoignages.csv"
    folder = tmp_path_factory.mktemp("sans-sentiment")
    path = folder / "petit.csv"
    with source.open(encoding="utf-8") as handle, path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, ["id", "texte", "organisme", "fonction"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(list(csv.DictReader(handle))[:120])
    workspace = Workspace(folder / "espace")
    ingest(workspace.open_store(), [path], "petit", id_column="id")
    train(workspace, "petit", "petit", TrainOptions(embedding="tfidf-svd", seed=3, sentiment="aucun",
                                                     codebook="aucun", min_topic_size=5))
    return workspace


NO_SENTIMENT = ("Le modèle « petit » a été entraîné sans analyse du ton (sentiment « aucun ») : réentraînez-le "
                "avec un modèle de sentiment pour voir le ton et les émotions des thèmes.")
UNDATED = ("Le corpus « petit » n'a ni colonne « annee » ni colonne de date : "
           "l'évolution dans le temps n'est pas disponible.")


def test_model_without_sentiment_has_no_tone_columns(plain_workspace: Workspace) -> None:
    index = load_index(plain_workspace, "petit")
    table = overview.theme_table(index, None)
    assert table["score"].isna().all() and table["tones"].isna().all() and table["trend"].isna().all()
    assert overview.theme_sentiment(index, int(table["topic"].iloc[0]), None) is None
    assert overview.breakdown_columns(index) == ["organisme", "fonction"]


def test_themes_page_without_sentiment_nor_dates(plain_workspace: Workspace, monkeypatch) -> None:
    monkeypatch.setenv("TEXTMINE_HOME", str(plain_workspace.home))
    app = start()
    assert [i.value for i in app.info] == [NO_SENTIMENT, UNDATED]
    assert "score" in app.dataframe[0].value.columns  # in the data, left out of the shown columns
    assert len(app.get("plotly_chart")) == 3


def test_theme_page_without_sentiment_nor_dates(plain_workspace: Workspace, monkeypatch) -> None:
    monkeypatch.setenv("TEXTMINE_HOME", str(plain_workspace.home))
    app = start(THEME_PAGE)
    assert [i.value for i in app.info] == [NO_SENTIMENT, UNDATED]
    assert len(app.get("plotly_chart")) == 1
    assert len(app.code) >= 1 and all(code.value.startswith("« ") for code in app.code)
