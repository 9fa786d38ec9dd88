"""Theme labels from the corpus's own phrases: the rules on hand-made themes, then on a real training."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from textmine.analysis.preprocess import load_nlp, stop_words
from textmine.themes.labels import MAX_WORDS, characteristic_segments, label_themes
from textmine.workspace import Workspace

RISKS = [
    "Le document unique d'évaluation des risques n'est jamais relu par la direction.",
    "On remplit le document unique d'évaluation des risques une fois par an, sans y croire.",
    "Personne ne sait qui tient à jour le document unique d'évaluation des risques.",
    "Le document unique est rangé dans un classeur que personne n'ouvre.",
    "Les risques psychosociaux n'apparaissent pas dans le document unique d'évaluation des risques.",
]
RETIREMENTS = [
    "Trois départs en retraite non remplacés cette année dans mon service.",
    "Avec les départs en retraite non remplacés, les dossiers s'accumulent.",
    "Les départs en retraite non remplacés pèsent sur ceux qui restent.",
    "On nous annonce encore deux départs en retraite.",
]
PHONE = [
    "La plateforme téléphonique sature dès neuf heures du matin.",
    "Les appels de la plateforme téléphonique durent de plus en plus longtemps.",
    "Sur la plateforme téléphonique, on enchaîne les appels sans pause.",
    "Les usagers attendent vingt minutes avant de nous avoir au téléphone.",
]


def content_lemmas(label: str) -> list[str]:
    """The lemmas of a label's content words, as a reader would compare them."""
    return [
        t.lemma_.lower() for t in load_nlp()(label)
        if t.is_alpha and t.lower_ not in stop_words() and t.pos_ not in ("DET", "ADP", "PRON", "AUX", "CCONJ")
    ]


def occurs(part: str, texts: list[str]) -> bool:
    return any(part.lower() in " ".join(text.split()).lower() for text in texts)


def test_label_is_the_longer_phrase_when_nearly_as_frequent() -> None:
    texts = {0: RISKS, 1: RETIREMENTS, 2: PHONE}
    # Only the shorter phrase's terms: the longer phrase wins by being nearly as frequent.
    weights = {
        0: {"document": 1.0, "unique": 0.8, "document unique": 0.9},
        1: {"départ": 1.0, "retraite": 0.9, "départ retraite": 0.8},
    }
    labels = label_themes(texts, weights, {0: ["document"], 1: ["départ"]})
    assert labels == {0: "Document unique d'évaluation des risques", 1: "Départs en retraite non remplacés"}


def test_a_longer_phrase_must_be_nearly_as_frequent() -> None:
    texts = {
        0: ["Le document unique est rangé au fond d'un placard."] * 4
        + ["Le document unique d'évaluation des risques date de 2015."] * 2,
        1: PHONE,
    }
    labels = label_themes(texts, {0: {"document": 1.0, "unique": 0.8, "risque": 0.2}}, {0: ["document"]})
    assert labels == {0: "Document unique"}


@pytest.mark.parametrize("texts", [RISKS, RETIREMENTS, PHONE])
def test_label_rules_hold_on_each_theme(texts: list[str]) -> None:
    weights = {0: {lemma: 1.0 for lemma in content_lemmas(" ".join(texts))}}
    label = label_themes({0: texts, 1: ["Rien à voir : la cantine ferme le vendredi."] * 3}, weights, {0: []})[0]
    lemmas = content_lemmas(label)
    assert len(label.split()) <= MAX_WORDS and len(lemmas) == len(set(lemmas)), label
    assert label[0].isupper() and all(occurs(part, texts) for part in label.split(", ")), label


def test_key_terms_without_repetition_when_no_phrase_qualifies() -> None:
    texts = {0: ["Nous, nous y allons."] * 3, 1: PHONE}
    keys = {0: ["document unique", "unique", "document", "risque", "évaluation risque", "classeur"]}
    labels = label_themes(texts, {0: {"document unique": 1.0}}, keys)
    assert labels == {0: "Document unique, risque, classeur"}


def test_labels_are_unique_across_themes_and_codebook_names() -> None:
    texts = {0: PHONE, 1: PHONE, 2: PHONE, 3: RISKS}
    weights = {t: {"plateforme": 1.0, "téléphonique": 0.9, "appel": 0.5, "usager": 0.4} for t in (0, 1, 2)}
    keys = {t: ["plateforme", "appel", "usager"] for t in (0, 1, 2)}
    labels = label_themes(texts, weights, keys, taken=["Plateforme téléphonique, appels"])
    lowered = [label.lower() for label in labels.values()]
    assert len(set(lowered)) == 3 and "plateforme téléphonique, appels" not in lowered
    assert all(part == part.lower() for label in labels.values() for part in label.split(", ")[1:])
    assert all(len(label.split()) <= MAX_WORDS for label in labels.values())


def test_characteristic_segments_are_nearest_the_centre() -> None:
    topics = [0, 0, 1, 0, -1, 1, 0]
    similarity = [0.1, 0.9, 0.5, 0.7, 0.99, 0.6, 0.3]
    assert characteristic_segments(topics, similarity, per_theme=2) == {0: [1, 3], 1: [5, 2]}
    assert characteristic_segments(topics, similarity, per_theme=10, total=4) == {0: [1, 3, 6, 0], 1: [5, 2]}


def test_every_label_of_a_trained_model_obeys_the_rules(demo_workspace: Workspace) -> None:
    folder = demo_workspace.models_dir / "demo"
    themes = json.loads((folder / "themes.json").read_text(encoding="utf-8"))
    segments = pd.read_parquet(folder / "segments.parquet")
    documents = demo_workspace.open_store().document_texts("demo")
    labels = [theme["label"] for theme in themes]
    assert len({label.lower() for label in labels}) == len(labels)
    for theme in (t for t in themes if not t["codebook"]):
        label = theme["label"]
        mine = segments[segments["topic"] == theme["id"]]
        texts = [documents[d][s:e] for d, s, e in zip(mine["document_id"], mine["start"], mine["end"])]
        lemmas = content_lemmas(label)
        assert label[0].isupper() and len(label.split()) <= MAX_WORDS, label
        assert len(lemmas) == len(set(lemmas)), label
        assert all(occurs(part, texts) or part.lower() in theme["terms"] for part in label.split(", ")), label
