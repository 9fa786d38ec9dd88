"""Hugging Face sequence-classification models (``transformers:<name or path>``)."""

from __future__ import annotations

import os
import re

import numpy as np

from ..errors import TextmineError
from .base import Polarity, label_of

_NEGATIVE = re.compile(r"neg|négatif|negatif|bad|mauvais|^1 star|^2 stars", re.I)
_POSITIVE = re.compile(r"pos|positif|good|bon|^4 stars|^5 stars", re.I)
_NEUTRAL = re.compile(r"neu|neutre|mixed|^3 stars", re.I)


def map_labels(id2label: dict[int, str]) -> list[str]:
    """négatif / neutre / positif for each output of a model, from its label names.

    Named labels (« negative », « POSITIVE », « 4 stars »…) are read; anonymous
    ones (LABEL_0…) follow the usual order: two labels are négatif, positif;
    three are négatif, neutre, positif.

    Examples:
        >>> map_labels({0: "LABEL_0", 1: "LABEL_1"}), map_labels({0: "1 star", 1: "3 stars", 2: "5 stars"})
        (['negatif', 'positif'], ['negatif', 'neutre', 'positif'])
    """
    names = [str(id2label[i]) for i in range(len(id2label))]
    mapped = []
    for name in names:
        if _NEUTRAL.search(name):
            mapped.append("neutre")
        elif _NEGATIVE.search(name):
            mapped.append("negatif")
        elif _POSITIVE.search(name):
            mapped.append("positif")
        else:
            mapped.append("")
    if all(mapped):
        return mapped
    if len(names) == 2:
        return ["negatif", "positif"]
    if len(names) == 3:
        return ["negatif", "neutre", "positif"]
    raise TextmineError(
        f"Étiquettes du modèle non reconnues ({', '.join(names)}) : textmine attend des étiquettes "
        "négatif/neutre/positif, ou 2 ou 3 classes dans cet ordre."
    )


class TransformersBackend:
    """A sequence-classification model, its labels mapped to the three classes."""

    def __init__(self, model: str) -> None:
        self.model_name = model
        self.name = f"transformers:{model}"
        self._loaded = None

    def _load(self):
        if self._loaded is None:
            try:
                from transformers import AutoModelForSequenceClassification, AutoTokenizer

                tokenizer = AutoTokenizer.from_pretrained(self.model_name)
                model = AutoModelForSequenceClassification.from_pretrained(self.model_name).eval()
            except (OSError, ValueError) as exc:
                offline = (
                    " (mode hors ligne : HF_HUB_OFFLINE=1)" if os.environ.get("HF_HUB_OFFLINE") == "1" else ""
                )
                raise TextmineError(
                    f"Impossible de charger le modèle transformers « {self.model_name} »{offline}. "
                    "Téléchargez-le une fois avec une connexion internet ou donnez le chemin d'un dossier "
                    "local ; sinon utilisez le modèle par défaut (--backend defaut)."
                ) from exc
            self._loaded = (tokenizer, model, map_labels(model.config.id2label))
        return self._loaded

    def predict(self, texts: list[str]) -> list[Polarity]:
        import torch

        tokenizer, model, labels = self._load()
        results = []
        for i in range(0, len(texts), 16):
            batch = tokenizer(
                texts[i : i + 16], padding=True, truncation=True, max_length=512, return_tensors="pt"
            )
            with torch.no_grad():
                probabilities = torch.softmax(model(**batch).logits, dim=-1).numpy()
            for row in probabilities:
                p: dict[str, float] = {}
                for label, value in zip(labels, row):
                    p[label] = p.get(label, 0.0) + float(value)
                score = p.get("positif", 0.0) - p.get("negatif", 0.0)
                label = max(p, key=p.get) if "neutre" in p else label_of(score, 1e-9)
                results.append(Polarity(label, round(score, 3), round(float(np.max(row)), 3)))
        return results
