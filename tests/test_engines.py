"""Engines: the per-text stages on Dask workers give what they give in this process.

One local Dask cluster of two worker processes serves the module; the corpus
(300 short documents recombined from the demo testimonies) is built here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from textmine.analysis.preprocess import analyse_frame
from textmine.engines import create, plan
from textmine.engines.dask import DaskEngine
from textmine.errors import TextmineError
from textmine.ingest import ingest
from textmine.pipeline import TrainOptions, train
from textmine.workspace import Workspace

distributed = pytest.importorskip("distributed")
DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "temoignages.csv"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as found:
        yield found


@pytest.fixture(scope="module")
def corpus_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 short documents: a sentence of a demo testimony, with the next one when it is short."""
    frame = pd.read_csv(DEMO)
    rng = np.random.default_rng(5)
    rows, seen = [], set()
    while len(rows) < 300:
        source = frame.iloc[int(rng.integers(len(frame)))]
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", str(source["texte"])) if len(s.split()) >= 4]
        if len(sentences) < 2:
            continue
        start = int(rng.integers(len(sentences) - 1))
        text = " ".join(sentences[start : start + (2 if len(sentences[start].split()) < 12 else 1)])
        if text not in seen:
            seen.add(text)
            rows.append({"id": f"r{len(rows)}", "texte": text, "organisme": source["organisme"]})
    path = tmp_path_factory.mktemp("corpus") / "recomposes.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _trained(home: Path, csv: Path, **engine: object) -> Workspace:
    workspace = Workspace(home)
    ingest(workspace.open_store(), [csv], "essai")
    options = TrainOptions(embedding="e5-small", sentiment="lexique", stability=1, seed=7, **engine)
    train(workspace, "essai", "m", options)
    return workspace


def test_plan_keeps_partition_numbers_and_digests() -> None:
    keys = [str(i) for i in range(10)]
    parts = plan(keys, [i not in (0, 1, 2, 3) for i in range(10)], 4)
    assert [p.index for p in parts] == [1, 2]  # partition 0 is done: nothing to compute
    assert parts[0].positions == [4, 5, 6, 7] and parts[1].positions == [8, 9]
    again = plan(keys, [i not in (0, 1, 2, 3, 9) for i in range(10)], 4)
    assert again[0].digest == parts[0].digest and again[1].digest != parts[1].digest


def test_dask_workers_give_the_local_results(cluster, corpus_csv: Path, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    local = _trained(tmp_path / "local", corpus_csv)
    monkeypatch.setattr(DaskEngine, "finish", lambda self, run: None)  # keep the shards to look at them
    spread = _trained(tmp_path / "dask", corpus_csv, engine="dask", scheduler=cluster.scheduler_address)

    shards = sorted((spread.home / "runs").rglob("part-*.parquet"))
    stages = {shard.parent.name.split("-")[0] for shard in shards}
    assert {"analyse", "plongements", "ton"} <= stages
    pids = set(pd.concat([pd.read_parquet(s, columns=["pid"]) for s in shards])["pid"])
    assert len(pids) >= 2 and os.getpid() not in pids

    a, b = local.open_store(), spread.open_store()
    assert a.sentences("essai") == b.sentences("essai")  # offsets and lemmas
    card = json.loads((spread.models_dir / "m" / "card.json").read_text(encoding="utf-8"))
    assert card["engine"] == {"name": "dask", "workers": 2}
    backend = card["sentiment_backend"]
    assert a.sentiment_rows("essai", backend) == b.sentiment_rows("essai", backend)
    assert np.allclose(np.load(local.models_dir / "m" / "embeddings.npy"),
                       np.load(spread.models_dir / "m" / "embeddings.npy"), atol=1e-5)
    segments = [pd.read_parquet(w.models_dir / "m" / "segments.parquet") for w in (local, spread)]
    assert segments[0]["topic"].tolist() == segments[1]["topic"].tolist()


def test_a_killed_worker_has_its_partitions_computed_again(cluster, tmp_path: Path) -> None:  # noqa: ANN001
    texts = [f"L'agent numéro {i} traite les dossiers des assurés à la caisse." for i in range(120)]
    parts = plan([str(i) for i in range(120)], [True] * 120, 10)
    engine = DaskEngine(tmp_path / "runs", cluster.scheduler_address)
    worker_pids = list(engine.client.run(os.getpid).values())

    def kill_one() -> None:
        time.sleep(0.5)
        os.kill(worker_pids[0], 9)

    killer = threading.Thread(target=kill_one)
    killer.start()
    try:
        got = {part.index: frame for part, frame in engine.map("essai", "analyse", analyse_frame, parts, texts)}
    finally:
        killer.join()
        engine.close()
    assert sorted(got) == list(range(12))
    expected = analyse_frame(texts[:10])
    assert got[0]["terms"].tolist() == expected["terms"].tolist()


def test_shards_of_an_interrupted_run_are_taken_back(cluster, tmp_path: Path) -> None:  # noqa: ANN001
    texts = [f"Le reporting du lundi prend {i} heures aux équipes." for i in range(30)]
    parts = plan([str(i) for i in range(30)], [True] * 30, 10)
    with DaskEngine(tmp_path / "runs", cluster.scheduler_address) as engine:
        first = [part.index for part, _ in engine.map("essai", "analyse", analyse_frame, parts[:2], texts)]
        assert sorted(first) == [0, 1]  # as if stopped after two partitions
        again = {part.index: frame for part, frame in engine.map("essai", "analyse", _refuse, parts, texts)}
    assert sorted(again) == [0, 1, 2]


def _refuse(texts: list[str]) -> pd.DataFrame:
    """A task that must only run for the partition not computed before (texts 20 to 29)."""
    if not texts[0].endswith("20 heures aux équipes."):
        raise AssertionError("a partition already written was computed again")
    return analyse_frame(texts)


def test_unreachable_scheduler_is_a_french_error(tmp_path: Path) -> None:
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        with pytest.raises(TextmineError, match="planificateur Dask"):
            create("dask", scheduler="tcp://127.0.0.1:9", runs_dir=tmp_path)


def test_the_local_engine_never_imports_dask() -> None:
    code = ("import sys; from textmine import engines; engines.create('local'); "
            "import textmine.pipeline; assert 'dask' not in sys.modules and 'distributed' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
