"""The lexical half of textmine's vectors: TF-IDF of theme terms, projected by SVD.

Sentence embeddings know meaning but blur the precise vocabulary that tells
two close themes apart; TF-IDF of lemmas knows that vocabulary. Appending a
down-weighted lexical projection to the semantic vector gives clusters closer
to what readers see (on the Grand Débat comments, k-means NMI 0.46 → 0.51).
"""

from __future__ import annotations

import numpy as np

from .base import normalise

DEFAULT_WEIGHT = 0.3


class LexicalProjection:
    """TF-IDF of 1–2-grams projected by SVD, fitted on a corpus and saved with a model.

    By default it reads theme-term strings (« perte_de_sens reporting indicateur »,
    split on spaces); ``words=True`` reads raw text with scikit-learn's tokeniser
    (the ``tfidf-svd`` embedding backend).
    """

    def __init__(self, dimensions: int = 100, random_state: int = 42, words: bool = False) -> None:
        self.dimensions = dimensions
        self.random_state = random_state
        self.words = words

    def _vectorizer(self, **kwargs):  # noqa: ANN003
        from sklearn.feature_extraction.text import TfidfVectorizer

        if self.words:
            return TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), max_df=0.5, **kwargs)
        return TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False,
                               sublinear_tf=True, ngram_range=(1, 2), **kwargs)

    def fit(self, terms: list[str]) -> "LexicalProjection":
        from sklearn.decomposition import TruncatedSVD

        vectorizer = self._vectorizer(min_df=2 if len(terms) >= 50 else 1)
        try:
            matrix = vectorizer.fit_transform(terms)
        except ValueError:  # no term at all: the projection stays empty
            matrix = None
        if matrix is None or matrix.shape[1] < 2:
            self.vocabulary_ = np.array([], dtype=str)
            self.idf_ = np.zeros(0, dtype=np.float32)
            self.components_ = np.zeros((0, 0), dtype=np.float32)
            return self
        dimensions = max(1, min(self.dimensions, matrix.shape[1] - 1, matrix.shape[0] - 1))
        svd = TruncatedSVD(dimensions, random_state=self.random_state).fit(matrix)
        self.vocabulary_ = np.asarray(vectorizer.get_feature_names_out(), dtype=str)
        self.idf_ = vectorizer.idf_.astype(np.float32)
        self.components_ = svd.components_.astype(np.float32)
        return self

    def transform(self, terms: list[str]) -> np.ndarray:
        if self.components_.size == 0:
            return np.zeros((len(terms), 0), dtype=np.float32)
        vectorizer = self._vectorizer(vocabulary={w: i for i, w in enumerate(self.vocabulary_)})
        vectorizer.fit(["x"])
        vectorizer.idf_ = self.idf_
        return normalise(vectorizer.transform(terms) @ self.components_.T)

    def state(self) -> dict[str, np.ndarray]:
        return {"vocabulary": self.vocabulary_, "idf": self.idf_, "components": self.components_}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        self.vocabulary_ = state["vocabulary"]
        self.idf_ = state["idf"]
        self.components_ = state["components"]

    @classmethod
    def from_state(cls, state: dict[str, np.ndarray], words: bool = False) -> "LexicalProjection":
        projection = cls(words=words)
        projection.load_state(state)
        return projection


def hybrid(semantic: np.ndarray, lexical: np.ndarray, weight: float) -> np.ndarray:
    """Semantic and weighted lexical vectors side by side, normalised."""
    if weight <= 0 or lexical.shape[1] == 0:
        return normalise(semantic)
    return normalise(np.hstack([semantic, weight * lexical]))


class HybridEncoder:
    """Encodes segments as semantic ⊕ weighted lexical vectors (the semantic part cached)."""

    def __init__(self, embedder, projection: LexicalProjection, weight: float, cache_dir=None,  # noqa: ANN001
                 engine=None, run: str = "textes") -> None:  # noqa: ANN001
        self.embedder = embedder
        self.projection = projection
        self.weight = weight
        self.cache_dir = cache_dir
        self.engine = engine  # where missing vectors are computed (default: this process)
        self.run = run

    def encode(self, texts: list[str], terms: list[str], progress=None) -> np.ndarray:  # noqa: ANN001
        from .cache import embed

        semantic = embed(self.embedder, texts, self.cache_dir, progress, self.engine, self.run)
        if self.weight <= 0:
            return normalise(semantic)
        return hybrid(semantic, self.projection.transform(terms), self.weight)

    def encode_query(self, text: str, terms: str) -> np.ndarray:
        """One search query (not cached), with the backend's query form when it has one."""
        encode = getattr(self.embedder, "encode_query", self.embedder.encode)
        semantic = normalise(np.atleast_2d(encode([text])))
        if self.weight <= 0:
            return semantic[0]
        return hybrid(semantic, self.projection.transform([terms]), self.weight)[0]

    def encode_terms(self, strings: list[str]) -> np.ndarray:
        """For strings made of theme terms (key words, seed lists): both halves read them."""
        from .cache import embed

        semantic = embed(self.embedder, list(strings), self.cache_dir)  # a few strings: never sent to workers
        if self.weight <= 0:
            return normalise(semantic)
        return hybrid(semantic, self.projection.transform(list(strings)), self.weight)
