"""The default backend: the transparent lexicon and a classifier on e5 embeddings.

The classifier is a logistic regression on multilingual-e5-small sentence
embeddings, trained on French texts written for the project
(``data/sentiment/phrases_annotees.csv`` and ``textes_annotes.csv``: work
testimonies and everyday opinions, négatif/neutre/positif) by
``scripts/build_sentiment_model.py``,
which also chose by cross-validation how much the lexicon weighs and how wide
the neutral band is. Both are offline; the lexicon explains the result.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from .base import Polarity, label_of
from .lexicon import LexiconBackend

MODEL_FILE = "classifieur_e5.npz"


@lru_cache(maxsize=1)
def _classifier() -> dict[str, np.ndarray]:
    with resources.as_file(resources.files("textmine") / "data" / "sentiment" / MODEL_FILE) as path:
        return dict(np.load(path, allow_pickle=False))


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    import hashlib

    digest = hashlib.sha256()
    for key, values in sorted(_classifier().items()):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(values).tobytes())
    return digest.hexdigest()[:8]


def card() -> dict:
    """How the shipped classifier was built and how it scored in cross-validation."""
    text = (resources.files("textmine") / "data" / "sentiment" / "classifieur_e5.json").read_text(
        encoding="utf-8"
    )
    return json.loads(text)


def combine(probabilities: np.ndarray, lexicon_scores: np.ndarray, weight: float) -> np.ndarray:
    """Score in [-1, 1]: the classifier's p(positif) − p(négatif), blended with the lexicon."""
    classifier = probabilities[:, 2] - probabilities[:, 0]
    return (1 - weight) * classifier + weight * lexicon_scores


class DefaultBackend:
    """Lexicon + e5 classifier, offline (``--backend defaut``)."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir
        # Stored results are keyed by this name: it changes whenever the classifier is rebuilt.
        self.name = f"defaut.v1-{card()['built_at'][:10]}-{_fingerprint()}"

    def predict(self, texts: list[str]) -> list[Polarity]:
        from ..embeddings import create, embed

        if not texts:
            return []
        model = _classifier()
        lexical = LexiconBackend().predict(texts)
        vectors = embed(create("e5-small"), texts, self.cache_dir)
        logits = vectors @ model["coef"].T + model["intercept"]
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        weight, band = float(model["lexicon_weight"]), float(model["neutral_band"])
        scores = combine(probabilities, np.array([p.score for p in lexical]), weight)
        return [
            Polarity(label_of(float(s), band), round(float(s), 3), round(float(p.max()), 3), lex.triggers)
            for s, p, lex in zip(scores, probabilities, lexical)
        ]
