"""Files written in different registers are aligned on one another before themes are found."""

from __future__ import annotations

import numpy as np

from textmine.embeddings.alignment import MIN_DOCUMENTS, MIN_SEGMENTS, align
from textmine.themes.registry import Registry
from textmine.workspace import Workspace


def corpus(shifts: dict[str, float], per_file: int = 40, rng=np.random.default_rng(0)):  # noqa: B008
    vectors, files, documents = [], [], []
    for k, (name, shift) in enumerate(shifts.items()):
        block = rng.normal(size=(per_file, 8)) + shift
        vectors.append(block / np.linalg.norm(block, axis=1, keepdims=True))
        files += [f"/données/{name}"] * per_file
        documents += [k * 1000 + i for i in range(per_file)]
    return np.vstack(vectors).astype(np.float32), files, documents


def test_each_large_file_is_moved_onto_the_corpus_mean() -> None:
    vectors, files, documents = corpus({"temoignages.csv": 0.0, "rapports.jsonl": 3.0})
    found = align(vectors, files, documents)
    assert found.applied and found.files == {"temoignages.csv": 40, "rapports.jsonl": 40}
    assert np.allclose(np.linalg.norm(found.vectors, axis=1), 1.0, atol=1e-5)
    before = np.linalg.norm(vectors[:40].mean(0) - vectors[40:].mean(0))
    after = np.linalg.norm(found.vectors[:40].mean(0) - found.vectors[40:].mean(0))
    assert after < before / 2


def test_one_file_or_files_of_few_documents_are_left_as_they_are() -> None:
    vectors, files, documents = corpus({"seul.csv": 1.0})
    assert not align(vectors, files, documents).applied
    vectors, files, documents = corpus({"a.csv": 0.0, "b.csv": 2.0})
    one_report = [documents[0]] * 40 + documents[40:]  # a.csv is one long document
    found = align(vectors, files, one_report)
    assert not found.applied and np.array_equal(found.vectors, vectors)
    assert MIN_DOCUMENTS > 1 and MIN_SEGMENTS > 1


def test_a_new_corpus_is_moved_onto_the_training_centre() -> None:
    vectors, files, documents = corpus({"nouveau.csv": 2.0})
    centre = np.zeros(8, dtype=np.float32)
    found = align(vectors, files, documents, centre)
    assert found.applied and np.linalg.norm(found.vectors.mean(0)) < np.linalg.norm(vectors.mean(0)) / 2


def test_demo_model_aligned_its_three_large_files(demo_workspace: Workspace) -> None:
    card = Registry(demo_workspace.models_dir).card("demo")
    assert card["parameters"]["align_sources"] is True
    assert card["alignment"]["applied"] is True
    assert {"temoignages.csv", "enquete.csv", "rapports.jsonl"} <= set(card["alignment"]["files"])
    assert (demo_workspace.models_dir / "demo" / "alignment_centre.npy").is_file()
