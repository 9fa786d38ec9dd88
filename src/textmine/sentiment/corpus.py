"""Sentiment of a corpus's spans (segments and whole documents), stored in the workspace.

Segments are read by the backend, and so are whole documents of up to
``LONG_TEXT_WORDS`` words; a longer document's tone is derived from its segments'
(``store_document_tones``) rather than read again at length.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..store import Store
from . import create, read_tone
from .base import Polarity, gather

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


def store_document_tones(store: Store, corpus: str, backend_name: str, spans: list[tuple[int, int, int]]) -> None:
    """The tone of each whole document from the stored tone of its segments (``base.gather``:
    the closing segments weigh more), stored under the document's full span, with their
    emotions, triggers and flags gathered. Each text is read once."""
    rows = store.sentiment_rows(corpus, backend_name)
    texts = store.document_texts(corpus)
    by_document: dict[int, list[tuple[int, int]]] = {}
    for d, s, e in sorted(set(spans)):
        by_document.setdefault(d, []).append((s, e))
    found = []
    for d, parts in by_document.items():
        whole = (d, 0, len(texts[d]))
        scored = [(s, e) for s, e in parts if (d, s, e) in rows]
        if whole in rows or not scored:
            continue
        tones = [rows[(d, s, e)] for s, e in scored]
        polarity = gather(
            [Polarity(t["label"], t["score"], t["confidence"], (t["triggers"],) if t["triggers"] else (),
                      tuple(f for f in t["flags"].split(",") if f)) for t in tones],
            [e - s for s, e in scored],
        )
        emotions: dict[str, list[str]] = {}
        for tone in tones:
            for emotion, words in tone["emotions"].items():
                emotions.setdefault(emotion, [])
                emotions[emotion] += [w for w in words if w not in emotions[emotion]]
        found.append((*whole, polarity.label, polarity.score, polarity.confidence, emotions,
                      " ".join(polarity.triggers), ",".join(polarity.flags)))
    if found:
        store.save_sentiments(backend_name, found)
