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
