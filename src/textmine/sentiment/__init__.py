"""Sentiment and emotions: backends by name, and the tone of texts and corpora."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import TextmineError
from .base import DEFAULT, LABELS, Polarity, SentimentBackend, default_backend

EMPTY, OTHER_LANGUAGE = "vide", "autre langue"
# Texts up to this many words are read whole; longer ones segment by segment. Reading whole
# is better when the encoder sees the whole text: on Allociné reviews of 60 to 79 words,
# cut in two, accuracy fell from 0.866 to 0.805. Beyond ~300 words e5-small (512 tokens)
# no longer reads a text at once.
LONG_TEXT_WORDS = 300


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
    """Polarity and emotions of each text; empty texts are neutral and flagged.

    A text longer than ``LONG_TEXT_WORDS`` is read the way a long corpus document is:
    cut into segments of about 40 words at sentence ends, each segment scored, the
    text's polarity gathered from theirs with the closing segments weighing more
    (``base.gather``), since a verdict often comes at the end.
    """
    from ..analysis.preprocess import is_french, parse
    from ..analysis.segments import cut
    from ..store import SentenceRow
    from .base import gather
    from .lexicon import emotions_of, tokens_of

    filled = [i for i, t in enumerate(texts) if t and t.strip()]
    docs = dict(zip(filled, parse([texts[i] for i in filled])))
    units: dict[int, list[tuple[int, int]]] = {}
    for i in filled:
        sentences = [SentenceRow(s.start_char, s.end_char, "") for s in docs[i].sents if s.text.strip()]
        parts = cut(0, texts[i], sentences) if len(texts[i].split()) > LONG_TEXT_WORDS else []
        units[i] = [(p.start, p.end) for p in parts] if len(parts) > 1 else [(0, len(texts[i]))]
    flat = [(i, start, end) for i in filled for start, end in units[i]]
    predicted = backend.predict([texts[i][start:end] for i, start, end in flat])
    parts_of: dict[int, list] = {}
    for (i, start, end), polarity in zip(flat, predicted):
        parts_of.setdefault(i, []).append((polarity, end - start))
    tones = []
    for i, text in enumerate(texts):
        if i not in docs:
            tones.append(Tone(Polarity("neutre", 0.0, 0.0), {}, (EMPTY,)))
            continue
        parts = parts_of[i]
        polarity = parts[0][0] if len(parts) == 1 else gather([p for p, _ in parts], [n for _, n in parts])
        doc = docs[i]
        flags = () if is_french(doc) else (OTHER_LANGUAGE,)
        tones.append(Tone(polarity, emotions_of(tokens_of(doc)), flags))
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
