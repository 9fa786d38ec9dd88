"""The default engine: partitions computed in this process, or in a pool of local processes."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from . import Engine, Part, Progress, Task, with_pid


class LocalEngine(Engine):
    """``processes`` > 1 spreads the partitions over that many fresh processes of this machine
    (each loads its models once); results come back as they are ready."""

    name = "local"

    def __init__(self, processes: int = 1) -> None:
        self.processes = processes

    def worker_count(self) -> int:
        return self.processes

    def map(self, run: str, stage: str, task: Task, parts: list[Part], items: list,  # noqa: ARG002
            progress: Progress | None = None) -> Iterator[tuple[Part, pd.DataFrame]]:
        total, done = sum(len(p.positions) for p in parts), 0
        for part, frame in self._frames(task, parts, items):
            done += len(part.positions)
            yield part, frame
            if progress:
                progress(stage, done, total)

    def _frames(self, task: Task, parts: list[Part], items: list) -> Iterator[tuple[Part, pd.DataFrame]]:
        if self.processes <= 1 or len(parts) <= 1:
            for part in parts:
                yield part, with_pid(task([items[i] for i in part.positions]))
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # "spawn": a fresh interpreter, safe whatever threads this process has started.
        with ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(_compute, task, [items[i] for i in part.positions]): part for part in parts}
            try:
                for future in as_completed(futures):
                    yield futures[future], future.result()
            finally:
                for future in futures:
                    future.cancel()


def _compute(task: Task, items: list) -> pd.DataFrame:
    return with_pid(task(items))
