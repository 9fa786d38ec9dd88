"""TF-IDF → SVD: fast, needs no model, learns from the corpus itself."""

from __future__ import annotations

import numpy as np

from ..errors import TextmineError
from .base import normalise


class TfidfSvd:
    """Latent semantic vectors of word and bigram TF-IDF (up to 256 dimensions).

    Stateful: the vocabulary and the projection are learnt by :meth:`fit` and
    saved with the model, so that new texts are encoded the same way.
    """

    name = "tfidf-svd.v1"
    cacheable = False

    def __init__(self, dimensions: int = 256, random_state: int = 42) -> None:
        self.dimensions = dimensions
        self.random_state = random_state

    def _vectorizer(self, **kwargs):  # noqa: ANN003
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), max_df=0.5, **kwargs)

    def fit(self, texts: list[str]) -> "TfidfSvd":
        from sklearn.decomposition import TruncatedSVD

        vectorizer = self._vectorizer(min_df=2 if len(texts) >= 50 else 1)
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError as exc:  # empty vocabulary
            raise TextmineError("Les textes ne contiennent pas assez de mots pour le modèle tfidf-svd.") from exc
        dimensions = max(1, min(self.dimensions, matrix.shape[1] - 1, matrix.shape[0] - 1))
        svd = TruncatedSVD(dimensions, random_state=self.random_state).fit(matrix)
        self.vocabulary_ = np.asarray(vectorizer.get_feature_names_out(), dtype=str)
        self.idf_ = vectorizer.idf_.astype(np.float32)
        self.components_ = svd.components_.astype(np.float32)
        return self

    def encode(self, texts: list[str]) -> np.ndarray:
        if not hasattr(self, "components_"):
            raise TextmineError("Le modèle tfidf-svd doit être entraîné avant d'encoder des textes.")
        vectorizer = self._vectorizer(vocabulary={w: i for i, w in enumerate(self.vocabulary_)})
        vectorizer.fit(["."])  # sets up the analyser; idf is replaced below
        vectorizer.idf_ = self.idf_
        return normalise(vectorizer.transform(texts) @ self.components_.T)

    def state(self) -> dict[str, np.ndarray]:
        return {"vocabulary": self.vocabulary_, "idf": self.idf_, "components": self.components_}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        self.vocabulary_ = state["vocabulary"]
        self.idf_ = state["idf"]
        self.components_ = state["components"]
