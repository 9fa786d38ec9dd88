"""Sentiment backends, emotions, the sentiment commands, and tone per theme."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from textmine.errors import TextmineError
from textmine.sentiment import create, read_tone
from textmine.sentiment.trainable import TrainableBackend

NEGATIVE = [
    "Je suis à bout, complètement épuisée, je pleure avant d'aller travailler.",
    "On nous demande toujours plus avec toujours moins, c'est insupportable.",
    "Ce n'est pas terrible du tout, je ne recommande pas.",
]
POSITIVE = [
    "Une équipe soudée et une cheffe qui nous soutient : je suis fière de mon travail.",
    "Enfin reconnus ! La prime est arrivée et l'ambiance est excellente.",
    "Le début est un peu lent mais la fin est magnifique.",
]
NEUTRAL = [
    "Le service compte douze techniciens depuis la réorganisation.",
    "Les dossiers sont traités dans l'ordre d'arrivée.",
]


def labels(backend, texts):  # noqa: ANN001
    return [p.label for p in backend.predict(texts)]


@pytest.mark.parametrize("name", ["lexique", "defaut"])
def test_offline_backends_read_clear_sentences(name: str) -> None:
    backend = create(name)
    assert labels(backend, NEGATIVE) == ["negatif"] * 3
    assert labels(backend, POSITIVE) == ["positif"] * 3
    scores = [p.score for p in backend.predict(NEGATIVE + POSITIVE)]
    assert all(-1 <= s <= 1 for s in scores)


def test_lexicon_explains_its_scores_and_handles_negation() -> None:
    backend = create("lexique")
    (tired,) = backend.predict(["Je suis à bout."])
    assert tired.label == "negatif" and "-à bout" in tired.triggers
    plain, negated = backend.predict(["Le film est excellent.", "Le film n'est pas excellent."])
    assert plain.score > 0 > negated.score
    assert labels(backend, NEUTRAL) == ["neutre", "neutre"]


def test_lexicon_reads_words_typed_without_accents() -> None:
    backend = create("lexique")
    typed, accented = backend.predict(["franchement decu, tres decevant", "franchement déçu, très décevant"])
    assert typed.label == accented.label == "negatif"
    assert "-decu" in typed.triggers
    (short,) = backend.predict(["Le dossier a ete envoye a la caisse."])  # « a », « ete » stay plain words
    assert short.label == "neutre"


def test_emotions_with_the_words_that_name_them() -> None:
    tone, negated, empty, english = read_tone(
        ["Je suis épuisée et en colère, on ne sert plus à rien.", "Je ne suis pas en colère.", "   ",
         "The managers are exhausted and nobody listens to the teams anymore."],
        create("lexique"),
    )
    assert "épuisement" in tone.emotions and "colère" in tone.emotions
    assert "colère" not in negated.emotions
    assert (empty.polarity.label, empty.flags) == ("neutre", ("vide",))
    assert english.flags == ("autre langue",)


@pytest.mark.parametrize("text, emotion, named", [
    ("On constate une baisse de la motivation dans tous les services.", "joie", False),
    ("Le manque de motivation se voit partout depuis la réforme.", "joie", False),
    ("Les indicateurs ne reflètent pas l'engagement des agents ni le travail bien fait.", "joie", False),
    ("Il n'y a que la fierté du travail bien fait qui nous fait tenir.", "joie", True),
    ("Nous n'avons jamais été aussi fiers de notre équipe.", "joie", True),
    ("Je suis fière de mon travail, malgré tout.", "joie", True),
    ("Personne n'est en colère contre les usagers.", "colère", False),
    ("La colère monte dans les équipes depuis la fermeture de l'accueil.", "colère", True),
])
def test_negated_or_decreasing_triggers_name_no_emotion(text: str, emotion: str, named: bool) -> None:
    (tone,) = read_tone([text], create("lexique"))
    assert (emotion in tone.emotions) is named, tone.emotions


def _examples(path: Path, per_class: int = 12) -> Path:
    rows = [(t, "negatif") for t in NEGATIVE] + [(t, "positif") for t in POSITIVE] + [(t, "neutre") for t in NEUTRAL]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in range(per_class):
            for text, label in rows:
                writer.writerow([f"{text} (exemple {i})", label])
    return path


def test_trainable_backend_round_trips_by_name(cli, workspace, tmp_path: Path) -> None:
    status, out, err = cli("sentiment-train", _examples(tmp_path / "ex.csv"), "--model", "mon-ton")
    assert status == 0, err
    assert out.splitlines()[0] == "Modèle de sentiment « mon-ton » entraîné sur 96 exemples (negatif 36, neutre 24, positif 36)."
    backend = create("mon-ton", workspace.models_dir)
    assert isinstance(backend, TrainableBackend)
    assert labels(backend, [NEGATIVE[0], POSITIVE[0]]) == ["negatif", "positif"]
    status, out, _ = cli("models")
    assert "mon-ton" in out and "modèle de sentiment" in out
    status, _, err = cli("publish", "mon-ton")
    assert err == "Erreur : « mon-ton » est un modèle de sentiment : seul un modèle de thèmes se publie.\n"


BAD_EXAMPLES = {
    "one class": ("text,label\n" + "".join(f"texte {i},positif\n" for i in range(30)),
                  "ex.csv : une seule classe (positif) ; il faut des exemples d'au moins deux classes"),
    "unknown labels": ("text,label\nbon,positif\nmauvais,bof\nnul,bof\n",
                       "ex.csv : étiquettes inconnues « bof » (2). Étiquettes acceptées : negatif, neutre, positif"),
    "too few": ("text,label\nbon,positif\ngénial,positif\nnul,negatif\n",
                "ex.csv : trop peu d'exemples (negatif : 1, positif : 2). Il en faut au moins 5 par classe et 20 en tout"),
    "missing column": ("texte,etiquette\nbon,positif\n", "ex.csv : colonne « text » introuvable. Colonnes présentes : texte, etiquette."),
}


@pytest.mark.parametrize("case", BAD_EXAMPLES.values(), ids=BAD_EXAMPLES.keys())
def test_bad_training_examples(cli, tmp_path: Path, case) -> None:
    content, expected = case
    path = tmp_path / "ex.csv"
    path.write_text(content, encoding="utf-8")
    status, _, err = cli("sentiment-train", path, "--model", "m")
    assert status == 1 and err.startswith("Erreur : " + expected)


def test_unknown_backend_lists_the_choices(cli, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("texte\nbonjour\n", encoding="utf-8")
    status, _, err = cli("sentiment", path, "--text-column", "texte", "--out", tmp_path / "o.csv", "--backend", "bert")
    assert err == ("Erreur : Modèle de sentiment inconnu « bert ». Choix possibles : defaut, lexique, "
                   "transformers:<modèle>.\n")


def test_sentiment_command_adds_columns_to_any_csv(cli, tmp_path: Path) -> None:
    path = tmp_path / "avis.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["id", "verbatim", "service"])
        writer.writerows([[1, NEGATIVE[0], "accueil"], [2, "", "accueil"], [3, POSITIVE[1], "paie"]])
    out = tmp_path / "avis_ton.csv"
    status, stdout, _ = cli("sentiment", path, "--text-column", "verbatim", "--out", out, "--backend", "lexique")
    assert stdout == f"3 lignes analysées avec « lexique.v1 » : {out}\n"
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert list(rows[0]) == ["id", "verbatim", "service", "sentiment", "sentiment_score", "sentiment_confiance",
                             "emotions", "signalements", "mots_du_ton"]
    assert [r["sentiment"] for r in rows] == ["negatif", "neutre", "positif"]
    assert rows[1]["signalements"] == "vide"
    assert "épuisement" in rows[0]["emotions"] and "à bout" in rows[0]["mots_du_ton"]
    assert -1 <= float(rows[0]["sentiment_score"]) < 0
    before = path.read_bytes()
    status, _, stderr = cli("sentiment", path, "--text-column", "verbatim", "--out", tmp_path / "." / "avis.csv")
    assert status != 0 and "autre fichier" in stderr and path.read_bytes() == before


def test_transformers_backend_loads_a_local_model(tmp_path: Path, monkeypatch) -> None:
    """A tiny classifier built here (random weights): loading, label mapping and scoring are real."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "très", "bien", "mal", "le", "service"]
    (tmp_path / "vocab.txt").write_text("\n".join(words), encoding="utf-8")
    config = BertConfig(vocab_size=len(words), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64, num_labels=3,
                        id2label={0: "1 star", 1: "3 stars", 2: "5 stars"}, label2id={"1 star": 0, "3 stars": 1, "5 stars": 2})
    BertForSequenceClassification(config).save_pretrained(tmp_path / "clf")
    BertTokenizerFast(vocab_file=str(tmp_path / "vocab.txt")).save_pretrained(tmp_path / "clf")
    backend = create(f"transformers:{tmp_path / 'clf'}")
    results = backend.predict(["le service très bien", "le service mal"])
    assert [r.label in ("negatif", "neutre", "positif") for r in results] == [True, True]
    assert all(-1 <= r.score <= 1 and 0 <= r.confidence <= 1 for r in results)
    with pytest.raises(TextmineError, match="Impossible de charger le modèle transformers"):
        create("transformers:organisation/absent").predict(["x"])


def test_shipped_classifier_was_built_from_the_shipped_texts() -> None:
    """Rebuild with scripts/build_sentiment_model.py whenever the labelled texts change."""
    import hashlib

    from textmine.sentiment.default import card

    data = Path(__file__).resolve().parents[1] / "src" / "textmine" / "data" / "sentiment"
    built = card()
    assert built["training_data"] == {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in data.glob("*.csv")
    }
    # three classes, in cross-validation over texts that include deliberately hard ones (irony, mixed tones)
    assert built["cross_validation"]["macro_f1"] > 0.75
