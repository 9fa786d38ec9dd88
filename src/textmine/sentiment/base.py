"""The sentiment interface, and backends chosen by name.

A backend gives each text a :class:`Polarity`: a label (négatif, neutre,
positif), a score in [-1, 1] and a confidence in [0, 1]. Names are strings a
user types: ``defaut`` (lexicon + classifier, offline), ``lexique`` (the
transparent lexicon alone), ``transformers:<model name or path>``, or the name
of a model trained with ``textmine sentiment-train``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

LABELS = ("negatif", "neutre", "positif")
DEFAULT = "defaut"


def default_backend() -> str:
    """The backend used when none is named: ``TEXTMINE_SENTIMENT``, else the default one."""
    import os

    return os.environ.get("TEXTMINE_SENTIMENT") or DEFAULT


@dataclass(frozen=True, slots=True)
class Polarity:
    """The tone of one text, with what explains it."""

    label: str
    score: float
    confidence: float
    triggers: tuple[str, ...] = field(default_factory=tuple)
    flags: tuple[str, ...] = field(default_factory=tuple)


class SentimentBackend(Protocol):
    """What every sentiment backend offers."""

    #: Versioned identifier, stored with every result.
    name: str

    def predict(self, texts: list[str]) -> list[Polarity]:
        """One polarity per text, in order."""
        ...


def label_of(score: float, neutral_band: float) -> str:
    """négatif / neutre / positif from a score in [-1, 1]."""
    if score <= -neutral_band:
        return "negatif"
    if score >= neutral_band:
        return "positif"
    return "neutre"


def conclusion_weights(lengths: list[int]) -> list[float]:
    """Weights of a text's units, in reading order: their length, times 1 for the first unit
    rising evenly to 2 for the last, since a text's closing lines usually carry its verdict.

    Examples:
        >>> conclusion_weights([10, 10, 10])
        [10.0, 15.0, 20.0]
        >>> conclusion_weights([8])
        [8.0]
    """
    last = max(len(lengths) - 1, 1)
    return [float(n) * (1 + i / last) for i, n in enumerate(lengths)]


def gather(parts: list[Polarity], lengths: list[int]) -> Polarity:
    """The polarity of a text from its units' (in reading order, with their lengths): score and
    confidence averaged with ``conclusion_weights``, the label with the largest weight, triggers
    gathered."""
    weights = conclusion_weights(lengths)
    total = sum(weights) or 1.0
    votes: dict[str, float] = {}
    for part, weight in zip(parts, weights):
        votes[part.label] = votes.get(part.label, 0.0) + weight
    return Polarity(
        max(votes, key=votes.get),
        round(sum(p.score * w for p, w in zip(parts, weights)) / total, 3),
        round(sum(p.confidence * w for p, w in zip(parts, weights)) / total, 3),
        tuple(dict.fromkeys(t for p in parts for t in p.triggers)),
        tuple(dict.fromkeys(f for p in parts for f in p.flags)),
    )
