"""Sentiment of a corpus's spans (segments and whole documents), stored in the workspace.

Segments are read by the backend; a whole document's tone is derived from its
segments' (``store_document_tones``), so that no text is read twice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..store import Store
from . import create, read_tone

_CHUNK = 256


def score_spans(
    store: Store,
    corpus: str,
    spans: list[tuple[int, int, int]],
    backend_spec: str | None,
    models_dir: Path | None = None,
    cache_dir: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> str:
    """Compute and store the tone of the spans (document, start, end) not yet scored.

    Returns the backend's versioned name, under which the results are stored.
    """
    backend = create(backend_spec, models_dir, cache_dir)
    known = store.sentiment_rows(corpus, backend.name)
    texts = store.document_texts(corpus)
    todo = [span for span in dict.fromkeys(spans) if span not in known]
    for i in range(0, len(todo), _CHUNK):
        chunk = todo[i : i + _CHUNK]
        tones = read_tone([texts[d][s:e] for d, s, e in chunk], backend)
        store.save_sentiments(
            backend.name,
            [
                (
                    d,
                    s,
                    e,
                    t.polarity.label,
                    t.polarity.score,
                    t.polarity.confidence,
                    t.emotions,
                    " ".join(t.polarity.triggers),
                    ",".join(t.flags),
                )
                for (d, s, e), t in zip(chunk, tones)
            ],
        )
        if progress:
            progress("sentiment", min(i + _CHUNK, len(todo)), len(todo))
    return backend.name


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


def store_document_tones(store: Store, corpus: str, backend_name: str, spans: list[tuple[int, int, int]]) -> None:
    """The tone of each whole document from the stored tone of its segments, stored under the
    document's full span: score = their mean weighted by ``conclusion_weights``, label = the
    label with the largest weight, emotions, triggers and flags gathered. Each text is read once."""
    rows = store.sentiment_rows(corpus, backend_name)
    texts = store.document_texts(corpus)
    by_document: dict[int, list[tuple[int, int]]] = {}
    for d, s, e in sorted(set(spans)):
        by_document.setdefault(d, []).append((s, e))
    found = []
    for d, parts in by_document.items():
        whole = (d, 0, len(texts[d]))
        tones = [rows[(d, s, e)] for s, e in parts if (d, s, e) in rows]
        if whole in rows or not tones:
            continue
        weights = conclusion_weights([e - s for s, e in parts if (d, s, e) in rows])
        total = sum(weights) or 1.0
        votes: dict[str, float] = {}
        emotions: dict[str, list[str]] = {}
        for tone, weight in zip(tones, weights):
            votes[tone["label"]] = votes.get(tone["label"], 0.0) + weight
            for emotion, words in tone["emotions"].items():
                emotions.setdefault(emotion, [])
                emotions[emotion] += [w for w in words if w not in emotions[emotion]]
        triggers = dict.fromkeys(tone["triggers"] for tone in tones if tone["triggers"])
        flags = dict.fromkeys(f for tone in tones for f in tone["flags"].split(",") if f)
        found.append((
            *whole,
            max(votes, key=votes.get),
            round(sum(t["score"] * w for t, w in zip(tones, weights)) / total, 3),
            round(sum(t["confidence"] * w for t, w in zip(tones, weights)) / total, 3),
            emotions,
            " ".join(triggers),
            ",".join(flags),
        ))
    if found:
        store.save_sentiments(backend_name, found)
