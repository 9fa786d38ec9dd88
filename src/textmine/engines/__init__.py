"""Where the per-text stages run: in this process (``local``) or on a Dask cluster (``dask``).

The stages that treat each text on its own (linguistic analysis, embedding,
tone) hand their pending texts to an engine as partitions; the engine gives
back one table per partition, and the caller alone writes the store and the
embedding cache. ``local`` is the default and never imports Dask.

Partitions are cut from the full, ordered list of a stage's items, so a
partition keeps its number from one run to the next: the Dask engine writes
each finished partition as a Parquet shard, and an interrupted run takes the
shards back instead of computing them again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TextmineError

if TYPE_CHECKING:
    import pandas as pd

ENGINES = ("local", "dask")
#: A stage's work on one partition: its items in, one row per item out.
Task = Callable[[list], "pd.DataFrame"]
Progress = Callable[[str, int, int], None]


def default_engine() -> str:
    """``TEXTMINE_ENGINE``, else ``local``."""
    return os.environ.get("TEXTMINE_ENGINE") or "local"


@dataclass(frozen=True, slots=True)
class Part:
    """The pending items of one fixed partition: their positions in the stage's full list."""

    index: int
    positions: list[int]
    digest: str


def plan(keys: list[str], pending: list[bool], size: int) -> list[Part]:
    """Fixed partitions of ``size`` items over the whole list; only those with pending items,
    each holding its pending positions and a digest of their keys (a shard is reused only
    for the same items)."""
    parts = []
    for index, start in enumerate(range(0, len(keys), size)):
        positions = [i for i in range(start, min(start + size, len(keys))) if pending[i]]
        if positions:
            digest = hashlib.sha256("\x1f".join(keys[i] for i in positions).encode()).hexdigest()[:16]
            parts.append(Part(index, positions, digest))
    return parts


class Engine:
    """Runs a task over partitions and yields each partition's table as it is ready (in any order)."""

    name: str
    #: Items per partition: small enough to commit often, large enough to amortise overheads.
    partition_size: int = 256

    def partition_size_for(self, items: int) -> int:  # noqa: ARG002
        """Items per partition for a stage of ``items`` items (a function of the items only, so
        that a resumed run cuts the same partitions)."""
        return self.partition_size

    def map(self, run: str, stage: str, task: Task, parts: list[Part], items: list,
            progress: Progress | None = None) -> Iterator[tuple[Part, "pd.DataFrame"]]:
        raise NotImplementedError

    def worker_count(self) -> int:
        """How many processes compute the partitions."""
        return 1

    def finish(self, run: str) -> None:
        """The run's results are all stored: what it kept to resume can go."""

    def close(self) -> None:
        """Let go of the workers (a local cluster is stopped)."""

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def create(name: str | None = None, *, scheduler: str | None = None, workers: int | None = None,
           runs_dir: Path | None = None, keep_shards: bool = False, processes: int = 1) -> Engine:
    """The engine named ``name`` (default: ``TEXTMINE_ENGINE`` or local).

    For ``local``: ``processes`` > 1 spreads the partitions over a pool of processes.
    For ``dask``: ``scheduler`` (or ``DASK_SCHEDULER_ADDRESS``) is the address of a running
    scheduler; without one, a local cluster of ``workers`` single-threaded processes is
    started (one per core by default). ``runs_dir`` holds the shards and must be reachable
    by every worker (a shared folder on a real cluster).
    """
    name = name or default_engine()
    if name == "local":
        from .local import LocalEngine

        return LocalEngine(processes)
    if name == "dask":
        from .dask import DaskEngine

        if runs_dir is None:
            raise TextmineError("Le moteur dask a besoin d'un dossier pour ses fragments (runs).")
        return DaskEngine(runs_dir, scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None, workers,
                          keep_shards)
    raise TextmineError(f"Moteur inconnu « {name} » : {' ou '.join(ENGINES)}.")


def with_pid(frame: "pd.DataFrame") -> "pd.DataFrame":
    """The table with the id of the process that computed it (shards say which worker made them)."""
    frame = frame.reset_index(drop=True)
    frame["pid"] = os.getpid()
    return frame
