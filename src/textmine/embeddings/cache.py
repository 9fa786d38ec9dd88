"""On-disk cache of embeddings, keyed by backend name and text hash.

One SQLite file per backend under ``<workspace>/cache/embeddings/``: retraining
never re-embeds a text it has seen, and an interrupted run keeps what it
computed (committed chunk by chunk).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..normalize import content_hash
from .base import Embedder

if TYPE_CHECKING:
    import pandas as pd

    from ..engines import Engine

_CHUNK = 256
_LOOKUP = 500


class EmbeddingCache:
    """Vectors of one backend, stored by text hash."""

    def __init__(self, folder: Path, backend_name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w.-]+", "_", backend_name)[:150]
        self.path = folder / f"{safe}.sqlite"
        self._conn = sqlite3.connect(self.path, timeout=600, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID"
        )

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), _LOOKUP):
            chunk = keys[i : i + _LOOKUP]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, items: dict[str, np.ndarray]) -> None:
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )

    def close(self) -> None:
        self._conn.close()


def encode_frame(embedder: Embedder, texts: list[str]) -> "pd.DataFrame":
    """An engine task: one row per text, its vector (the model is loaded once per process)."""
    import pandas as pd

    return pd.DataFrame({"vector": list(embedder.encode(texts))})


def embed(
    embedder: Embedder,
    texts: list[str],
    cache_dir: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    engine: Engine | None = None,
    run: str = "textes",
) -> np.ndarray:
    """Vectors of ``texts``, computing only those the cache does not hold.

    A cacheable backend's missing texts go to ``engine`` (default: this process)
    partition by partition, each committed to the cache as it comes; ``run`` names
    the work for the engine's shards.
    """
    if not embedder.cacheable or cache_dir is None:
        vectors = []
        for i in range(0, len(texts), _CHUNK):
            vectors.append(embedder.encode(texts[i : i + _CHUNK]))
            if progress:
                progress("plongements", min(i + _CHUNK, len(texts)), len(texts))
        return np.vstack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
    from ..engines import create, plan

    engine = engine or create("local")
    cache = EmbeddingCache(cache_dir, embedder.name)
    try:
        keys = [content_hash(t) for t in texts]
        unique = list(dict.fromkeys(keys))
        known = cache.get(unique)
        text_of = dict(zip(keys, texts))
        items = [text_of[k] for k in unique]
        parts = plan(unique, [k not in known for k in unique], engine.partition_size_for(len(unique)))
        stage = "plongements"
        for part, frame in engine.map(run, f"{stage}-{cache.path.stem}", partial(encode_frame, embedder), parts,
                                      items, lambda _, done, total: progress and progress(stage, done, total)):
            fresh = {unique[i]: np.asarray(v, dtype=np.float32) for i, v in zip(part.positions, frame["vector"])}
            cache.put(fresh)
            known.update(fresh)
        return np.vstack([known[k] for k in keys]) if keys else np.zeros((0, 0), dtype=np.float32)
    finally:
        cache.close()
