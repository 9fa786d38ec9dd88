"""Sentiment of a corpus's spans (segments and whole documents), stored in the workspace.

Segments are read by the backend, and so are whole documents of up to
``LONG_TEXT_WORDS`` words; a longer document's tone is derived from its segments'
(``store_document_tones``) rather than read again at length.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..store import Store
from . import create, read_tone
from .base import Polarity, SentimentBackend, gather

if TYPE_CHECKING:
    from ..engines import Engine



def score_spans(
    store: Store,
    corpus: str,
    spans: list[tuple[int, int, int]],
    backend_spec: str | None,
    models_dir: Path | None = None,
    cache_dir: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    engine: Engine | None = None,
) -> str:
    """Compute and store the tone of the spans (document, start, end) not yet scored.

    The texts go to ``engine`` (default: this process) partition by partition, each
    committed as it comes. Returns the backend's versioned name, under which the
    results are stored.
    """
    from ..engines import create as create_engine
    from ..engines import plan

    backend = create(backend_spec, models_dir, cache_dir)
    engine = engine or create_engine("local")
    known = store.sentiment_rows(corpus, backend.name)
    texts = store.document_texts(corpus)
    spans = list(dict.fromkeys(spans))
    pending = [span not in known for span in spans]
    parts = plan([f"{d}:{s}:{e}" for d, s, e in spans], pending, engine.partition_size_for(len(spans)))
    # Workers keep no embedding cache: only this process writes to the workspace's files.
    task = partial(tone_frame, backend if engine.name == "local" else create(backend_spec, models_dir))
    items = [texts[d][s:e] if todo else "" for (d, s, e), todo in zip(spans, pending)]
    run = f"{corpus}-{store.corpus_fingerprint(corpus)[:12]}"
    for part, frame in engine.map(run, f"ton-{_safe(backend.name)}", task, parts, items,
                                  lambda _, done, total: progress and progress("sentiment", done, total)):
        store.save_sentiments(backend.name, [
            (*spans[i], row.label, float(row.score), float(row.confidence), json.loads(row.emotions),
             row.triggers, row.flags)
            for i, row in zip(part.positions, frame.itertuples(index=False))
        ])
    return backend.name


def tone_frame(backend: SentimentBackend, texts: list[str]) -> pd.DataFrame:
    """An engine task: the tone of each text, one row each (models are loaded once per process)."""
    tones = read_tone(texts, backend)
    return pd.DataFrame({
        "label": [t.polarity.label for t in tones],
        "score": [t.polarity.score for t in tones],
        "confidence": [t.polarity.confidence for t in tones],
        "emotions": [json.dumps(t.emotions, ensure_ascii=False) for t in tones],
        "triggers": [" ".join(t.polarity.triggers) for t in tones],
        "flags": [",".join(t.flags) for t in tones],
    })


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name)[:100]


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
