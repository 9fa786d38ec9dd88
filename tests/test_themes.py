"""Training, the model folder, theme edits, exports and the CLI around them.

One model is trained once per session on the demo testimonies with the fast,
deterministic tfidf-svd embeddings; tests that change it work on a copy.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from textmine.errors import TextmineError
from textmine.ingest import ingest
from textmine.pipeline import TrainOptions, apply, train
from textmine.themes.model import TrainedModel
from textmine.themes.registry import Registry
from textmine.workspace import Workspace

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"
OPTIONS = TrainOptions(embedding="tfidf-svd", seed=3, eval_label="organisme", sentiment="lexique")


@pytest.fixture(scope="session")
def trained(tmp_path_factory) -> Workspace:
    workspace = Workspace(tmp_path_factory.mktemp("ws"))
    ingest(workspace.open_store(), [DEMO / "temoignages.csv"], "temoignages", id_column="id")
    train(workspace, "temoignages", "base", OPTIONS)
    return workspace


@pytest.fixture
def copy(trained: Workspace, workspace: Workspace, tmp_path: Path, monkeypatch) -> Workspace:
    # Depends on ``workspace`` so that its TEXTMINE_HOME is set first, then replaced here.
    home = tmp_path / "copie"
    shutil.copytree(trained.home, home)
    monkeypatch.setenv("TEXTMINE_HOME", str(home))
    return Workspace(home)


def load(workspace: Workspace, name: str = "base") -> TrainedModel:
    return TrainedModel.load(Registry(workspace.models_dir), name)


def test_model_folder_holds_everything_and_reloads(trained: Workspace) -> None:
    folder = trained.models_dir / "base"
    for name in ("card.json", "themes.json", "segments.parquet", "documents.parquet", "embeddings.npy",
                 "embedder.npz", "bertopic/config.json", "bertopic/topics.json"):
        assert (folder / name).exists(), name
    assert list((folder / "bertopic").glob("*.safetensors"))
    assert not [p for p in trained.models_dir.iterdir() if p.name.startswith(".tmp")]
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    assert card["corpus"]["name"] == "temoignages" and card["corpus"]["documents"] == 250
    assert card["parameters"]["embedding_name"] == "tfidf-svd.v1"
    assert {"themes", "outliers_after", "diversity", "coherence_npmi", "nmi", "ami", "ari"} <= set(card["metrics"])
    assert card["versions"]["bertopic"]
    assert Registry(trained.models_dir).published() == {"temoignages": "base"}

    first, again = load(trained), load(trained)
    assert first.themes().equals(again.themes())
    from bertopic import BERTopic

    assert len(BERTopic.load(str(folder / "bertopic")).get_topic_info()) >= first.card["metrics"]["themes"]


def test_themes_have_labels_terms_and_codebook_matches(trained: Workspace) -> None:
    themes = load(trained).themes()
    # Structure only: how many themes a model finds differs across machines (UMAP/HDBSCAN floats).
    assert len(themes) >= 2 and themes["topic"].is_unique
    assert themes["label"].str.len().gt(0).all()
    assert themes["terms"].map(len).ge(1).all()
    assert themes["codebook"].notna().sum() >= 1  # testimonies about social protection meet its codebook
    assert (themes["segments"] > 0).all()
    matched = themes[themes["codebook"].notna()]
    assert set(matched["codebook"]) <= {
        "Perte de sens", "Surcharge de reporting", "Pression des indicateurs", "Charge de travail et effectifs",
        "IA et automatisation", "Turn-over et départs", "Souffrance et épuisement",
        "Qualité du service aux usagers", "Isolement des cadres et collectif",
        "Télétravail et dématérialisation", "Reconnaissance et salaires",
        "Sens retrouvé et initiatives positives",
    }


def test_documents_have_a_profile_and_a_main_theme(trained: Workspace) -> None:
    docs = load(trained).documents()
    assert len(docs) == 250
    for row in docs.head(30).itertuples():
        profile = {int(k): v for k, v in json.loads(row.profile).items()}
        assert abs(sum(profile.values()) - 1) < 0.01
        # The main theme is one of the document's own themes (the nearest to the whole text).
        assert profile[row.topic] > 0 and row.share == pytest.approx(profile[row.topic], abs=0.001)


def test_same_seed_same_themes(trained: Workspace, tmp_path: Path) -> None:
    report = train(trained, "temoignages", "base-bis", OPTIONS, publish=False)
    try:
        assert load(trained, "base-bis").segments()["topic"].tolist() == load(trained).segments()["topic"].tolist()
        assert not report.published
    finally:
        Registry(trained.models_dir).delete("base-bis")


def test_edits_are_stored_with_the_model_and_survive_reloading(copy: Workspace) -> None:
    model = load(copy)
    first, second, third = model.themes()["topic"].tolist()[:3]
    sizes = dict(zip(model.themes()["topic"], model.themes()["segments"]))
    model.rename(first, "Mon libellé")
    target = load(copy).merge([second, third], label="Fusion")
    model = load(copy)
    themes = model.themes().set_index("topic")
    assert themes.at[first, "label"] == "Mon libellé"
    assert target == second and third not in themes.index
    assert themes.at[second, "segments"] == sizes[second] + sizes[third]
    assert themes.at[second, "label"] == "Fusion"
    model.delete(first)
    model = load(copy)
    assert first not in set(model.themes()["topic"])
    assert (model.segments()["topic"] == -1).sum() == sizes[first]
    # What training wrote is untouched: edits live beside it.
    assert model.trained_segments["topic"].tolist() == load(copy).segments()["topic_trained"].tolist()
    with pytest.raises(TextmineError, match=f"Thème {first} introuvable"):
        model.rename(first, "x")


def test_export_assignments_one_row_per_document(copy: Workspace, cli, tmp_path: Path) -> None:
    out = tmp_path / "affectations.csv"
    status, stdout, _ = cli("export", "assignments", "--model", "base", "--out", out)
    assert status == 0 and stdout == f"250 documents exportés dans {out}.\n"
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert list(rows[0])[:5] == ["id", "topic", "topic_label", "probability", "sentiment"]
    assert {"organisme", "fonction", "annee", "region"} <= set(rows[0])
    assert rows[0]["id"] == "T001"
    assert all(r["topic_label"] for r in rows)
    assert {r["sentiment"] for r in rows} == {"negatif", "neutre", "positif"}
    status, _, err = cli("export", "assignments", "--model", "base", "--out", tmp_path / "absent" / "x.csv")
    assert status == 1 and "n'existe pas" in err


def test_apply_predicts_themes_of_another_corpus(copy: Workspace, cli, tmp_path: Path) -> None:
    ingest(copy.open_store(), [DEMO / "rapports.jsonl"], "rapports", id_column="id")
    frame = apply(copy, "base", "rapports")
    assert len(frame) == 45
    live = set(load(copy).themes()["topic"])
    assert set(frame["topic"]) <= live
    out = tmp_path / "classement.csv"
    status, stdout, _ = cli("apply", "--model", "base", "--corpus", "rapports", "--out", out)
    assert stdout == f"45 documents de « rapports » classés avec « base » : {out}\n"
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows[0]["id"] == "R001" and set(rows[0]) == {"id", "topic", "topic_label", "probability", "profil"}


def test_cli_train_models_topics_and_themes(copy: Workspace, cli) -> None:
    status, out, err = cli("train", "--corpus", "temoignages", "--model", "cli", "--embedding", "tfidf-svd",
                           "--min-topic-size", "8", "--codebook", "aucun", "--sentiment", "aucun")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Modèle « cli » entraîné sur « temoignages » : ")
    assert lines[-1] == "Non publié (textmine publish cli pour le montrer dans l'application)."
    status, out, _ = cli("models")
    assert out.splitlines()[0].split() == ["modèle", "corpus", "publié", "thèmes", "sans", "thème",
                                           "diversité", "NPMI", "stabilité", "NMI", "AMI", "créé", "le"]
    assert any(line.startswith("base ") and " oui " in line for line in out.splitlines())
    status, out, _ = cli("topics", "--model", "cli", "--format", "json")
    themes = json.loads(out)
    assert {"topic", "label", "codebook", "terms", "segments", "documents", "share"} == set(themes[0])
    assert all(t["codebook"] is None for t in themes)
    status, out, _ = cli("themes", "rename", "--model", "cli", str(themes[0]["topic"]), "Charge  et stocks")
    assert out == f"Thème {themes[0]['topic']} renommé « Charge et stocks ».\n"
    status, out, _ = cli("models", "--compare", "base", "cli")
    assert status == 0 and "thème le plus proche dans cli" in out
    assert cli("publish", "cli")[1] == "« cli » est désormais le modèle publié du corpus « temoignages ».\n"


BAD_TRAININGS = {
    "existing model": (["--model", "base"], "Le modèle « base » existe déjà : choisissez un autre nom ou ajoutez --replace."),
    "unknown corpus": (["--corpus", "absent"], "Corpus « absent » introuvable. Corpus présents : temoignages."),
    "bad model name": (["--model", "../x"], "Nom de modèle invalide : « ../x »."),
    "unknown label": (["--eval-label", "genre"], "Colonne « genre » absente du corpus « temoignages »."),
    "min size too large": (["--min-topic-size", "5000"], "--min-topic-size 5000 est trop grand pour"),
    "unknown embedding": (["--embedding", "word2vec"], "Modèle de plongement inconnu « word2vec »."),
    "missing codebook": (["--codebook", "absent.yaml"], "Codebook introuvable : absent.yaml."),
}


@pytest.mark.parametrize("case", BAD_TRAININGS.values(), ids=BAD_TRAININGS.keys())
def test_bad_training_input_gives_a_french_line_and_no_model(copy: Workspace, cli, case) -> None:
    options, expected = case
    base = {"--corpus": "temoignages", "--model": "nouveau", "--embedding": "tfidf-svd"}
    args = list(options)
    for key, value in base.items():
        if key not in args:
            args += [key, value]
    before = sorted(p.name for p in copy.models_dir.iterdir())
    status, out, err = cli("train", *args)
    assert status == 1 and out == ""
    assert err.startswith("Erreur : " + expected) and err.count("\n") == 1
    assert sorted(p.name for p in copy.models_dir.iterdir()) == before


def test_tiny_or_identical_corpora_are_refused_with_advice(copy: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "petit.csv"
    path.write_text("texte\n" + "".join(f"Réponse courte numéro {i}.\n" for i in range(8)), encoding="utf-8")
    ingest(copy.open_store(), [path], "petit")
    with pytest.raises(TextmineError, match="Corpus trop petit pour dégager des thèmes : 8 segments"):
        train(copy, "petit", "petit", OPTIONS.__class__(embedding="tfidf-svd"))


def test_an_interrupted_training_leaves_no_model_and_keeps_the_published_one(copy: Workspace, monkeypatch) -> None:
    import textmine.pipeline as pipeline
    def crash(*args, **kwargs):  # noqa: ANN002, ANN003
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "_write_model", crash)
    published = (copy.models_dir / "published.json").read_text()
    card = (copy.models_dir / "base" / "card.json").read_text()
    with pytest.raises(KeyboardInterrupt):
        train(copy, "temoignages", "base", OPTIONS, replace=True)
    assert (copy.models_dir / "base" / "card.json").read_text() == card
    assert (copy.models_dir / "published.json").read_text() == published
    assert not [p for p in copy.models_dir.iterdir() if p.name.startswith((".tmp", ".old"))]


def test_themes_by_year_and_by_group(copy: Workspace, cli) -> None:
    from textmine.themes.model import themes_by

    table = themes_by(load(copy), copy.open_store(), "annee")
    assert list(table.index) == list(range(2018, 2026))
    assert table["n"].sum() == len(load(copy).segments())
    shares = table.drop(columns="n").sum(axis=1)
    assert all(abs(s - 1) < 0.01 for s in shares)
    status, out, _ = cli("topics", "--model", "base", "--by", "organisme")
    assert status == 0 and out.splitlines()[0].startswith("organisme")
    status, _, err = cli("topics", "--model", "base", "--by", "genre")
    assert status == 1 and err.startswith("Erreur : Colonne « genre » absente du corpus « temoignages ».")
    by_date = themes_by(load(copy), copy.open_store(), "date")
    assert set(by_date.index) <= set(range(2018, 2026))


def test_documents_not_in_french_are_flagged(copy: Workspace, tmp_path: Path) -> None:
    rows = list(csv.DictReader((DEMO / "temoignages.csv").open(encoding="utf-8")))[:60]
    english = [
        "The dashboards are checked every single morning and nobody reads them afterwards.",
        "Our team lost three colleagues this year and none of them has been replaced yet.",
    ]
    path = tmp_path / "mixte.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["texte"])
        writer.writerows([[r["texte"]] for r in rows] + [[t] for t in english])
    ingest(copy.open_store(), [path], "mixte")
    report = train(copy, "mixte", "mixte", TrainOptions(embedding="tfidf-svd", codebook="aucun", min_topic_size=5,
                                                        sentiment="aucun"))
    assert report.warnings == [
        "2 document(s) ne semblent pas écrits en français : les thèmes risquent d'être moins bons pour eux."
    ]


def test_tone_per_theme_and_per_group(copy: Workspace, cli) -> None:
    model = load(copy)
    by_theme = model.sentiment_by(copy.open_store())
    assert set(by_theme["group"]) == set(model.themes()["label"])
    assert by_theme["n"].sum() == len(model.segments())
    assert (by_theme[["negatif", "neutre", "positif"]].sum(axis=1).round(2) == 1).all()
    assert by_theme["score"].is_monotonic_increasing
    status, out, _ = cli("sentiment-summary", "--model", "base", "--by", "fonction")
    assert status == 0
    assert out.splitlines()[0].split()[:4] == ["fonction", "segments", "score", "négatif"]
    assert any(line.startswith("cadre de proximité") for line in out.splitlines())
    status, _, err = cli("sentiment-summary", "--model", "cli-absent")
    assert status == 1 and "introuvable" in err
