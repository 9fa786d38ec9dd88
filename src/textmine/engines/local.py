"""The default engine: every partition computed in this process, one after the other."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from . import Engine, Part, Progress, Task, with_pid


class LocalEngine(Engine):
    name = "local"

    def map(self, run: str, stage: str, task: Task, parts: list[Part], items: list,  # noqa: ARG002
            progress: Progress | None = None) -> Iterator[tuple[Part, pd.DataFrame]]:
        total, done = sum(len(p.positions) for p in parts), 0
        for part in parts:
            frame = with_pid(task([items[i] for i in part.positions]))
            done += len(part.positions)
            yield part, frame
            if progress:
                progress(stage, done, total)
