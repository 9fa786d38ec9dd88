"""The default backend: the transparent lexicon and a classifier on e5 embeddings.

The classifier is a logistic regression on multilingual-e5-small embeddings,
trained on French texts written for the project (``data/sentiment/*.csv``:
work testimonies and reports, everyday opinions and reviews,
négatif/neutre/positif) by ``scripts/build_sentiment_model.py``, which says how
its strength, the weight of the lexicon and the width of the neutral band were
chosen. Both are offline; the lexicon explains the result.

The texts are embedded with the « query: » prefix, the one the authors of e5
advise when embeddings serve as features for a classifier (themes use the
« passage: » prefix): it transfers better to texts unlike the training ones.
Texts longer than the model's 512 tokens are read whole, window by window, by
the embedding engine.
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
VERSION = "v3"


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


def probabilities_of(model: dict[str, np.ndarray], vectors: np.ndarray) -> np.ndarray:
    """p(négatif), p(neutre), p(positif) of each embedding under the shipped logistic regression."""
    logits = vectors @ model["coef"].T + model["intercept"]
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


class DefaultBackend:
    """Lexicon + e5 classifier, offline (``--backend defaut``)."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir
        # Stored results are keyed by this name: it changes whenever the classifier is rebuilt.
        self.name = f"defaut.{VERSION}-{card()['built_at'][:10]}-{_fingerprint()}"

    def predict(self, texts: list[str]) -> list[Polarity]:
        from ..embeddings import embed
        from ..embeddings.e5 import E5Small

        if not texts:
            return []
        model = _classifier()
        lexical = LexiconBackend().predict(texts)
        probabilities = probabilities_of(model, embed(E5Small("query"), texts, self.cache_dir))
        weight, band = float(model["lexicon_weight"]), float(model["neutral_band"])
        scores = combine(probabilities, np.array([p.score for p in lexical]), weight)
        return [
            Polarity(label_of(float(s), band), round(float(s), 3), round(float(p.max()), 3), lex.triggers)
            for s, p, lex in zip(scores, probabilities, lexical)
        ]
