"""The embedding interface, and backends chosen by name.

A backend turns texts into L2-normalised float32 vectors. Names are strings a
user types and a model card stores: ``e5-small`` (default),
``use-multilingual``, ``tfidf-svd``, ``sentence-transformers:<model name or path>``.
"""

from __future__ import annotations

import os
from typing import Protocol

import numpy as np

from ..errors import TextmineError

DEFAULT = "e5-small"


def default_backend() -> str:
    """The backend used when none is named: ``TEXTMINE_EMBEDDING``, else e5-small."""
    return os.environ.get("TEXTMINE_EMBEDDING") or DEFAULT


class Embedder(Protocol):
    """What every embedding backend offers."""

    #: Versioned identifier: the same name always gives the same vectors.
    name: str
    #: True when a text's vector depends on that text only (so it can be cached).
    cacheable: bool

    def fit(self, texts: list[str]) -> "Embedder":
        """Learn from the corpus (a no-op for pretrained models); returns self."""
        ...

    def encode(self, texts: list[str]) -> np.ndarray:
        """One normalised row per text, shape (len(texts), dim)."""
        ...

    def state(self) -> dict[str, np.ndarray]:
        """What must be saved with a model to encode new texts later (empty when nothing)."""
        ...


def create(spec: str) -> Embedder:
    """The backend named by ``spec``.

    Examples:
        >>> create("tfidf-svd").name
        'tfidf-svd.v1'
    """
    kind, _, argument = spec.partition(":")
    if kind == "e5-small" and not argument:
        from .e5 import E5Small

        return E5Small()
    if kind == "use-multilingual" and not argument:
        from .use import UniversalSentenceEncoder

        return UniversalSentenceEncoder()
    if kind == "tfidf-svd" and not argument:
        from .tfidf import TfidfSvd

        return TfidfSvd()
    if kind == "sentence-transformers" and argument:
        from .sbert import SentenceTransformerBackend

        return SentenceTransformerBackend(argument)
    raise TextmineError(
        f"Modèle de plongement inconnu « {spec} ». Choix possibles : e5-small (par défaut, hors "
        "ligne), use-multilingual (hors ligne, rapide), tfidf-svd (rapide, sans modèle), "
        "sentence-transformers:<nom ou chemin du modèle>."
    )


def restore(spec: str, state: dict[str, np.ndarray]) -> Embedder:
    """A backend as it was saved with a model (``state`` from :meth:`Embedder.state`)."""
    embedder = create(spec)
    if state:
        embedder.load_state(state)  # type: ignore[attr-defined]
    return embedder


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)
