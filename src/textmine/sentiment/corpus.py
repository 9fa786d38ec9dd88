"""Sentiment of a corpus's spans (segments and whole documents), stored in the workspace."""

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
