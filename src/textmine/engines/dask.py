"""The Dask engine: partitions computed on the workers of a Dask cluster, written as Parquet shards.

Each worker is a single-threaded process that loads its models once (they are
cached per process) and writes ``<runs>/<run>/<stage>/part-N.parquet``
atomically, with the digest of the partition's items in the file's metadata;
the client reads the shards and alone writes the store. A shard already
there for the same items is taken back instead of computed again, so an
interrupted run resumes. A worker that dies has its partitions computed again
elsewhere by the scheduler; one that keeps dying stops the run with a French
message, and the partitions not yet read leave no trace in the store.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ..errors import TextmineError
from . import Engine, Part, Progress, Task, with_pid

_DIGEST = b"textmine.digest"


def compute_shard(task: Task, items: list, path: str, digest: str) -> str:
    """On a worker: the partition's table, written atomically as a Parquet shard; returns its path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(with_pid(task(items)), preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _DIGEST: digest.encode()})
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    pq.write_table(table, partial)
    os.replace(partial, target)
    return path


def read_shard(path: Path, digest: str) -> pd.DataFrame | None:
    """The shard's table when it holds the partition's current items, else None."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, ValueError):
        return None
    if (table.schema.metadata or {}).get(_DIGEST) != digest.encode():
        return None
    return table.to_pandas()


class DaskEngine(Engine):
    name = "dask"
    partition_size = 500

    def partition_size_for(self, items: int) -> int:
        """At least 16 partitions when there are enough items, so that the workers share the
        work evenly; 50 to 500 items each."""
        return max(50, min(self.partition_size, -(-items // 16)))

    def __init__(self, runs_dir: Path, scheduler: str | None = None, workers: int | None = None,
                 keep_shards: bool = False) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise TextmineError(
                "Le moteur dask demande Dask : installez-le avec « pip install 'textmine[dask]' »."
            ) from exc
        self.runs_dir = runs_dir
        self.keep_shards = keep_shards
        self._cluster = None
        try:
            if scheduler:
                import dask

                self.client = Client(scheduler, timeout=dask.config.get("distributed.comm.timeouts.connect"))
            else:
                # One single-threaded worker process per core; no process pool inside a worker.
                self._cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                             processes=True, dashboard_address=None)
                self.client = Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            self.close()
            where = f"à l'adresse {scheduler}" if scheduler else "sur cette machine"
            raise TextmineError(
                f"Impossible de joindre un planificateur Dask {where} : vérifiez qu'il tourne "
                "(« dask scheduler ») et l'adresse donnée (--scheduler ou DASK_SCHEDULER_ADDRESS)."
            ) from exc

    def worker_count(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def map(self, run: str, stage: str, task: Task, parts: list[Part], items: list,
            progress: Progress | None = None) -> Iterator[tuple[Part, pd.DataFrame]]:
        from distributed import as_completed
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker

        folder = self.runs_dir / run / stage
        total, done = sum(len(p.positions) for p in parts), 0
        futures = {}
        for part in parts:
            shard = folder / f"part-{part.index}.parquet"
            frame = read_shard(shard, part.digest) if shard.is_file() else None
            if frame is not None:  # computed by an earlier, interrupted run
                done += len(part.positions)
                yield part, frame
                continue
            future = self.client.submit(compute_shard, task, [items[i] for i in part.positions], str(shard),
                                        part.digest, key=f"textmine-{run}-{stage}-{part.index}-{part.digest}",
                                        retries=1)
            futures[future] = part
        if progress and done:
            progress(stage, done, total)
        try:
            for future in as_completed(futures):
                part = futures[future]
                try:
                    path = future.result()
                except KilledWorker as exc:
                    raise TextmineError(
                        f"Étape « {stage} » : un travailleur Dask s'est arrêté à plusieurs reprises sur la partie "
                        f"{part.index} (mémoire insuffisante ?). Les parties terminées sont gardées ; relancez "
                        "la même commande pour reprendre, avec plus de mémoire par travailleur."
                    ) from exc
                except FutureCancelledError as exc:
                    raise TextmineError(
                        f"Étape « {stage} » : la connexion au planificateur Dask a été perdue. Les parties "
                        "terminées sont gardées ; relancez la même commande pour reprendre."
                    ) from exc
                frame = read_shard(Path(path), part.digest)
                if frame is None:
                    raise TextmineError(
                        f"Étape « {stage} » : le fragment {path} écrit par un travailleur est illisible ici. "
                        "Le dossier des fragments doit être partagé entre les travailleurs et cette machine."
                    )
                done += len(part.positions)
                yield part, frame
                if progress:
                    progress(stage, done, total)
        finally:
            for future in futures:
                future.cancel()

    def finish(self, run: str) -> None:
        """The run's results are in the store: its shards are no longer needed."""
        if not self.keep_shards:
            shutil.rmtree(self.runs_dir / run, ignore_errors=True)

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()
