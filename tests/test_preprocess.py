"""French analysis, segments, embeddings and codebooks: the stages before topics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from textmine.analysis.preprocess import analyse, load_nlp, theme_terms
from textmine.analysis.segments import cut
from textmine.embeddings import create, embed
from textmine.errors import TextmineError
from textmine.store import SentenceRow
from textmine.themes import codebook


def terms(text: str) -> list[str]:
    return theme_terms(load_nlp()(text))


def test_theme_terms_lemmatise_drop_stop_words_and_keep_expressions() -> None:
    # « parler » is a verb of speech in the domain stop list, « CAF » an institution.
    assert terms("L’équipe d’accueil parle de perte de sens et de tableaux de bord à la CAF.") == [
        "équipe", "accueil", "perte_de_sens", "tableau_de_bord",
    ]
    # Elisions, written forms of expressions, hyphenated words glued back.
    assert terms("Qu’on gèle le point d’indice, le turn-over et les objectifs chiffrés explosent.") == [
        "geler", "point_d'indice", "turn-over", "objectif_chiffré", "exploser",
    ]


def test_sentences_carry_exact_offsets_and_language_flag() -> None:
    text = "Je suis à bout. On ne fait plus que du reporting !\n\nMais l'équipe tient."
    (result,) = analyse([text])
    assert [text[s.start : s.end] for s in result.sentences] == [
        "Je suis à bout.", "On ne fait plus que du reporting !", "Mais l'équipe tient.",
    ]
    assert result.french
    (english,) = analyse(["The team is exhausted and the managers keep asking for more dashboards every week."])
    assert not english.french


def test_segments_group_sentences_and_keep_short_documents_whole() -> None:
    sentences, text, offset = [], "", 0
    for i in range(12):
        sentence = f"Phrase numéro {i} avec quelques mots de plus ici."
        sentences.append(SentenceRow(offset, offset + len(sentence), f"terme{i}"))
        text += sentence + " "
        offset = len(text)
    segments = cut(1, text.strip(), sentences, words=20)
    assert [len(s.text.split()) for s in segments] == [27, 27, 27, 27]
    assert all(text[s.start : s.end] == s.text for s in segments)
    assert segments[0].terms == "terme0 terme1 terme2"
    assert len(cut(1, text, sentences[:2], words=40)) == 1
    assert len(cut(1, text.strip(), sentences, mode="documents")) == 1


def test_unknown_embedding_backend_lists_the_choices() -> None:
    with pytest.raises(TextmineError, match="Modèle de plongement inconnu « bert »"):
        create("bert")


def test_missing_sentence_transformers_model_gives_a_french_error(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    backend = create("sentence-transformers:organisation-inexistante/modele-absent")
    with pytest.raises(TextmineError, match="Impossible de charger le modèle sentence-transformers"):
        backend.encode(["un texte"])


def test_tfidf_svd_is_deterministic_and_its_state_reproduces_it() -> None:
    from textmine.embeddings import restore

    texts = [f"texte {i} sur la charge de travail et les indicateurs {i % 3}" for i in range(30)]
    first = create("tfidf-svd").fit(texts)
    second = create("tfidf-svd").fit(texts)
    assert np.allclose(first.encode(texts), second.encode(texts))
    again = restore("tfidf-svd", first.state())
    assert np.allclose(first.encode(["autre texte sur les indicateurs"]), again.encode(["autre texte sur les indicateurs"]))


class CountingEmbedder:
    name = "compteur.v1"
    cacheable = True

    def __init__(self) -> None:
        self.seen: list[str] = []

    def fit(self, texts):  # noqa: ANN001
        return self

    def encode(self, texts):  # noqa: ANN001
        self.seen += texts
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    def state(self):
        return {}


def test_embedding_cache_never_encodes_a_text_twice(tmp_path: Path) -> None:
    backend = CountingEmbedder()
    first = embed(backend, ["a", "bb", "a"], tmp_path)
    second = embed(backend, ["bb", "ccc", "a"], tmp_path)
    assert backend.seen == ["a", "bb", "ccc"]
    assert np.allclose(first[0], second[2])


def test_default_codebook_has_the_social_protection_themes() -> None:
    book = codebook.load(None)
    names = [t.name for t in book.themes]
    assert names[:3] == ["Perte de sens", "Surcharge de reporting", "Pression des indicateurs"]
    assert len(names) == 12
    seeds = codebook.seed_terms(book)
    assert "perte_de_sens" in seeds[0] and "tableau_de_bord" in seeds[1]
    assert all(seeds)


def test_codebook_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mon_codebook.yaml"
    path.write_text("themes:\n  - nom: Sens\n    termes: [sens, utilité\n  - nom: Autre\n", encoding="utf-8")
    with pytest.raises(TextmineError, match=r"mon_codebook.yaml, ligne \d+ : .*Vérifiez l'indentation"):
        codebook.load(str(path))


def test_codebook_from_csv_and_its_checks(tmp_path: Path) -> None:
    path = tmp_path / "cb.csv"
    path.write_text("nom;definition;termes\nCharge;Trop de dossiers;stock;dossier en retard\n", encoding="utf-8")
    with pytest.raises(TextmineError, match="cb.csv, ligne 2 : trop de champs"):
        codebook.load(str(path))
    path.write_text('nom,definition,termes\nCharge,Trop de dossiers,"stock;retard"\n', encoding="utf-8")
    assert codebook.load(str(path)).themes[0].terms == ("stock", "retard")
    path.write_text("nom,termes\nCharge,\n", encoding="utf-8")
    with pytest.raises(TextmineError, match="aucun terme"):
        codebook.load(str(path))


def test_default_e5_backend_works_offline_and_groups_by_meaning() -> None:
    backend = create("e5-small")
    vectors = backend.encode([
        "Je suis épuisée, je dors mal et je pleure avant d'aller au travail.",
        "Burn-out, arrêt maladie, je n'en peux plus.",
        "Le montant des cotisations de l'entreprise a été recalculé.",
    ])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_sentence_transformers_backend_loads_a_local_model(tmp_path: Path, monkeypatch) -> None:
    """A tiny model built here (random weights): the loading and encoding code is real."""
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "le", "travail", "équipe", "perte", "de", "sens"]
    (tmp_path / "vocab.txt").write_text("\n".join(words), encoding="utf-8")
    hf = tmp_path / "hf"
    config = BertConfig(vocab_size=len(words), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64)
    BertModel(config).save_pretrained(hf)
    BertTokenizerFast(vocab_file=str(tmp_path / "vocab.txt")).save_pretrained(hf)
    SentenceTransformer(modules=[models.Transformer(str(hf)), models.Pooling(16)]).save(str(tmp_path / "st"))

    backend = create(f"sentence-transformers:{tmp_path / 'st'}")
    vectors = backend.encode(["la perte de sens", "le travail en équipe"])
    assert vectors.shape == (2, 16)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert backend.name == f"sentence-transformers:{tmp_path / 'st'}"
