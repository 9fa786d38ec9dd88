"""TF-IDF → SVD: fast, needs no model, learns from the corpus itself."""

from __future__ import annotations

import numpy as np

from ..errors import TextmineError
from .lexical import LexicalProjection


class TfidfSvd:
    """Latent semantic vectors of word and bigram TF-IDF (up to 256 dimensions).

    Stateful: the vocabulary and the projection are learnt by :meth:`fit` and
    saved with the model, so that new texts are encoded the same way.
    """

    name = "tfidf-svd.v1"
    cacheable = False

    def __init__(self, dimensions: int = 256, random_state: int = 42) -> None:
        self.projection = LexicalProjection(dimensions, random_state, words=True)

    def fit(self, texts: list[str]) -> "TfidfSvd":
        self.projection.fit(texts)
        if self.projection.components_.size == 0:
            raise TextmineError("Les textes ne contiennent pas assez de mots pour le modèle tfidf-svd.")
        return self

    def encode(self, texts: list[str]) -> np.ndarray:
        if not hasattr(self.projection, "components_"):
            raise TextmineError("Le modèle tfidf-svd doit être entraîné avant d'encoder des textes.")
        return self.projection.transform(texts)

    def state(self) -> dict[str, np.ndarray]:
        return self.projection.state()

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        self.projection.load_state(state)
