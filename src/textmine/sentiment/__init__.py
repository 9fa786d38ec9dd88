"""Sentiment and emotions: backends by name, and the tone of texts and corpora."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import TextmineError
from .base import DEFAULT, LABELS, Polarity, SentimentBackend, default_backend

EMPTY, OTHER_LANGUAGE = "vide", "autre langue"


def create(
    spec: str | None = None, models_dir: Path | None = None, cache_dir: Path | None = None
) -> SentimentBackend:
    """The backend named by ``spec``: defaut, lexique, transformers:<model>, or a trained model's name."""
    spec = spec or default_backend()
    if spec == DEFAULT:
        from .default import DefaultBackend

        return DefaultBackend(cache_dir)
    if spec == "lexique":
        from .lexicon import LexiconBackend

        return LexiconBackend()
    kind, _, argument = spec.partition(":")
    if kind == "transformers" and argument:
        from .hf import TransformersBackend

        return TransformersBackend(argument)
    trained = trained_models(models_dir)
    if spec in trained:
        from .trainable import TrainableBackend

        return TrainableBackend.load(models_dir / spec)
    known = ", ".join(["defaut", "lexique", "transformers:<modèle>", *trained])
    raise TextmineError(f"Modèle de sentiment inconnu « {spec} ». Choix possibles : {known}.")


def trained_models(models_dir: Path | None) -> list[str]:
    """Names of the sentiment models trained in a workspace."""
    import json

    if models_dir is None or not models_dir.is_dir():
        return []
    names = []
    for card in sorted(models_dir.glob("*/card.json")):
        try:
            if json.loads(card.read_text(encoding="utf-8")).get("kind") == "sentiment":
                names.append(card.parent.name)
        except (OSError, ValueError):
            continue
    return names


@dataclass(frozen=True, slots=True)
class Tone:
    """Polarity, emotions (with the words that named them) and flags of one text."""

    polarity: Polarity
    emotions: dict[str, list[str]]
    flags: tuple[str, ...]


def read_tone(texts: list[str], backend: SentimentBackend) -> list[Tone]:
    """Polarity and emotions of each text; empty texts are neutral and flagged."""
    from ..analysis.preprocess import is_french, load_nlp
    from .lexicon import emotions_of, tokens_of

    filled = [i for i, t in enumerate(texts) if t and t.strip()]
    polarities = dict(zip(filled, backend.predict([texts[i] for i in filled])))
    docs = dict(zip(filled, load_nlp().pipe([texts[i] for i in filled], batch_size=64)))
    tones = []
    for i, text in enumerate(texts):
        if i not in polarities:
            tones.append(Tone(Polarity("neutre", 0.0, 0.0), {}, (EMPTY,)))
            continue
        doc = docs[i]
        flags = () if is_french(doc) else (OTHER_LANGUAGE,)
        tones.append(Tone(polarities[i], emotions_of(tokens_of(doc)), flags))
    return tones


def describe_emotions(emotions: dict[str, list[str]]) -> str:
    """« épuisement (à bout, vidé) ; colère (rage) »: readable in a CSV cell."""
    return " ; ".join(f"{emotion} ({', '.join(words)})" for emotion, words in emotions.items())


__all__ = [
    "DEFAULT",
    "LABELS",
    "default_backend",
    "Polarity",
    "SentimentBackend",
    "Tone",
    "create",
    "describe_emotions",
    "read_tone",
    "trained_models",
]
