"""Large corpora on one machine: themes fitted on a sample, progress with time remaining."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from textmine.cli._common import stage_printer
from textmine.pipeline import TrainOptions, train
from textmine.progress import Pace, duration
from textmine.themes.topics import nearest_topics, stratified_sample
from textmine.workspace import Workspace


def test_a_stratified_sample_keeps_each_file_share() -> None:
    groups = ["a.csv"] * 600 + ["b.docx"] * 300 + ["c.pdf"] * 100
    sample = stratified_sample(groups, 200, seed=1)
    assert len(sample) == 200 and len(set(sample)) == 200 and list(sample) == sorted(sample)
    shares = pd.Series([groups[i] for i in sample]).value_counts().to_dict()
    assert shares == {"a.csv": 120, "b.docx": 60, "c.pdf": 20}
    assert list(stratified_sample(groups, 200, seed=1)) == list(sample)
    assert list(stratified_sample(groups, 200, seed=2)) != list(sample)
    more = groups + ["d.txt"]
    assert "d.txt" in {more[i] for i in stratified_sample(more, 10, seed=1)}  # every file is represented


def test_nearest_topics_takes_the_closest_centre() -> None:
    centres = {3: np.array([1.0, 0.0]), 8: np.array([0.0, 1.0])}
    vectors = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.5]])
    assert nearest_topics(vectors, centres, batch=2).tolist() == [3, 8, 3]


def test_themes_fitted_on_a_sample_reach_every_segment(demo_copy: Workspace) -> None:
    options = TrainOptions(embedding="tfidf-svd", sentiment="aucun", stability=2, seed=3, fit_sample=500)
    report = train(demo_copy, "demo", "echantillon", options, publish=False)
    folder = demo_copy.models_dir / "echantillon"
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    segments = pd.read_parquet(folder / "segments.parquet")
    assert card["fit_sample"] == {"applied": True, "segments": len(segments), "fitted": 500}
    assert len(segments) > 500 and (segments["topic"] >= 0).all()
    themes = {t["id"] for t in json.loads((folder / "themes.json").read_text(encoding="utf-8"))}
    assert set(segments["topic"]) <= themes
    assert report.stability is not None and report.stability["runs"] == 2
    centres = np.load(folder / "topic_embeddings.npy")
    ids = json.loads((folder / "topic_ids.json").read_text(encoding="utf-8"))
    vectors = np.load(folder / "embeddings.npy")
    nearest = [ids[i] for i in np.argmax(vectors @ centres.T, axis=1)]
    assert np.mean(np.array(nearest) == segments["topic"].to_numpy()) > 0.5  # the others joined their nearest


def test_progress_says_the_time_remaining(capsys) -> None:  # noqa: ANN001
    ticks = iter([0.0, 30.0, 60.0])
    pace = Pace(clock=lambda: next(ticks))
    assert pace.remaining("plongements", 0, 400) is None
    assert pace.remaining("plongements", 100, 400) == 90.0
    assert pace.remaining("thèmes", 0, 1) is None  # a new stage starts its own clock
    assert duration(42) == "42 s" and duration(200) == "3 min 20 s" and duration(3900) == "1 h 05 min"
    show = stage_printer()
    show("analyse", 0, 2000)
    show("analyse", 2000, 2000)
    err = capsys.readouterr().err
    assert "analyse" in err and "2\u202f000/2\u202f000" in err and err.endswith("\n")


def test_a_pool_of_processes_analyses_like_one_process(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from textmine.analysis import preprocess
    from textmine.ingest import ingest

    demo = pd.read_csv(Path(__file__).resolve().parents[1] / "corpora" / "demo" / "temoignages.csv").head(60)
    csv = tmp_path / "extrait.csv"
    demo.to_csv(csv, index=False)
    stores = []
    for name in ("seul", "pool"):
        store = Workspace(tmp_path / name).open_store()
        ingest(store, [csv], "c")
        stores.append(store)
    assert preprocess.analyse_corpus(stores[0], "c") == 60
    monkeypatch.setattr(preprocess, "PARALLEL_PARTITION", 20)
    monkeypatch.setattr(preprocess, "parallel_processes", lambda pending: 2 if pending >= 10 else 1)
    assert preprocess.analyse_corpus(stores[1], "c") == 60
    assert stores[0].sentences("c") == stores[1].sentences("c")
