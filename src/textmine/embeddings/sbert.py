"""Any sentence-transformers model, by Hugging Face name or local folder."""

from __future__ import annotations

import os

import numpy as np

from ..errors import TextmineError
from .base import normalise


class SentenceTransformerBackend:
    """``sentence-transformers:<name or path>``; e5 models get their « passage: » prefix."""

    cacheable = True

    def __init__(self, model: str) -> None:
        self.model_name = model
        self.name = f"sentence-transformers:{model}"
        self._model = None

    def _load(self):
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self.model_name, device="cpu")
            except (OSError, ValueError, RuntimeError) as exc:
                offline = os.environ.get("HF_HUB_OFFLINE") == "1"
                where = " (mode hors ligne : HF_HUB_OFFLINE=1)" if offline else ""
                raise TextmineError(
                    f"Impossible de charger le modèle sentence-transformers « {self.model_name} »{where}. "
                    "Téléchargez-le une fois avec une connexion internet, ou donnez le chemin d'un "
                    "dossier qui le contient ; sinon utilisez e5-small, disponible hors ligne."
                ) from exc
        return self._model

    def fit(self, texts: list[str]) -> "SentenceTransformerBackend":
        self._load()
        return self

    def encode(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        if "e5" in self.model_name.lower():
            texts = [f"passage: {t}" for t in texts]
        return normalise(model.encode(texts, batch_size=32, show_progress_bar=False))

    def state(self) -> dict[str, np.ndarray]:
        return {}
