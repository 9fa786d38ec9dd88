"""Same machine, same corpus, same seed, same versions: the same themes, whatever the threads.

Two trainings run in separate processes, one limited to a single thread and
one allowed several (BLAS, OpenMP, numba, torch), must assign every segment
and every document to the same theme, with the same labels. Across machines
with other CPUs results may differ: that is what the stability measure shows.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from conftest import textmine_executable

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
                    "TORCH_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def _textmine(home: Path, threads: int | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    env["TEXTMINE_HOME"] = str(home)
    if threads:
        env.update({name: str(threads) for name in THREAD_VARIABLES})
    result = subprocess.run([textmine_executable(), *args], capture_output=True, text=True, env=env, timeout=900)
    assert result.returncode == 0, result.stderr
    return result


def _results(home: Path, model: str) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    folder = home / "models" / model
    segments = pd.read_parquet(folder / "segments.parquet")
    documents = pd.read_parquet(folder / "documents.parquet")
    themes = json.loads((folder / "themes.json").read_text(encoding="utf-8"))
    return segments, documents, themes


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    """A workspace with the first 80 demo testimonies ingested (not yet analysed)."""
    folder = tmp_path_factory.mktemp("determinisme")
    with (DEMO / "temoignages.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[:81]
    with (folder / "temoignages.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    home = folder / "base"
    _textmine(home, None, "ingest", str(folder / "temoignages.csv"), "--corpus", "t", "--id-column", "id")
    return home


@pytest.mark.parametrize("embedding", ["tfidf-svd", "e5-small"])
def test_two_processes_with_different_threads_give_identical_assignments(ingested: Path, tmp_path: Path,
                                                                          embedding: str) -> None:
    options = ["--embedding", embedding, "--seed", "11", "--sentiment", "aucun", "--stability", "1"]
    if embedding == "e5-small":
        options += ["--segments", "documents"]  # fewer texts to embed: the test stays short
    runs = {}
    for threads in (1, max(2, os.cpu_count() or 2)):
        home = tmp_path / f"threads-{threads}"
        shutil.copytree(ingested, home)  # each run analyses, embeds and fits on its own
        _textmine(home, threads, "train", "--corpus", "t", "--model", "m", *options)
        runs[threads] = _results(home, "m")

    (seg_a, doc_a, themes_a), (seg_b, doc_b, themes_b) = runs.values()
    assert len(seg_a) > 0 and seg_a[["document_id", "start", "end"]].equals(seg_b[["document_id", "start", "end"]])
    assert seg_a["topic"].tolist() == seg_b["topic"].tolist()
    assert seg_a["topic_original"].tolist() == seg_b["topic_original"].tolist()
    assert doc_a["topic"].tolist() == doc_b["topic"].tolist()
    assert [(t["id"], t["label"], t["terms"]) for t in themes_a] == [(t["id"], t["label"], t["terms"]) for t in themes_b]
