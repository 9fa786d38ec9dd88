"""« Corpus et modèles »: first run, uploads, training in the background, model cards; jobs and uploads."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from textmine import jobs
from textmine.errors import TextmineError
from textmine.ingest import uploads
from textmine.themes.registry import Registry

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CSV = "id,texte,organisme\nA1,Le reporting nous prend tout notre temps.,CAF\nA2,On manque de collègues au guichet.,CPAM\n"


def corpus_page() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("app_pages/corpus.py").run()
    assert not app.exception, app.exception
    return app


def test_first_run_offers_the_demo_corpus(workspace, monkeypatch) -> None:
    started = []
    monkeypatch.setattr(jobs, "start", lambda ws, kind, params=None: started.append(kind) or "job")
    app = corpus_page()
    assert "Cet espace de travail est vide" in app.info[0].value
    next(b for b in app.button if b.label == "Charger le corpus de démonstration").click().run()
    assert started == ["demo"] and not app.exception


def test_upload_ingests_into_a_new_corpus_and_refuses_bad_files(workspace) -> None:
    app = corpus_page()
    app.file_uploader[0].set_value([("../../réponses.csv", CSV.encode(), "text/csv")])
    next(t for t in app.text_input if t.label == "Nom du nouveau corpus").input("enquete")
    next(t for t in app.text_input if t.label.startswith("Colonne de l'identifiant")).input("id")
    next(b for b in app.button if b.label == "Importer").click().run()
    assert not app.exception and app.success[0].value == "Import terminé."
    assert "2 documents ajoutés" in app.text[0].value
    info = workspace.open_store().corpus_info("enquete")
    assert info.documents == 2 and set(info.columns) == {"organisme"}
    assert not any((workspace.home / "uploads").glob("*/*")), "uploads are removed once ingested"
    assert not (workspace.home.parent / "réponses.csv").exists()

    app = corpus_page()
    app.file_uploader[0].set_value([("vide.csv", b"", "text/csv")])
    next(t for t in app.text_input if t.label == "Nom du nouveau corpus").input("autre")
    next(b for b in app.button if b.label == "Importer").click().run()
    assert "est vide" in app.error[0].value
    assert [c.name for c in workspace.open_store().list_corpora()] == ["enquete"]


def test_safe_names_types_and_sizes(workspace) -> None:
    assert uploads.safe_name("../../etc/passwd.csv") == "passwd.csv"
    assert uploads.safe_name("C:\\temp\\Mes réponses (2).xlsx") == "Mes_réponses_2_.xlsx"
    with pytest.raises(TextmineError, match="Type de fichier refusé"):
        uploads.save(workspace, [("script.py", b"print(1)")])
    with pytest.raises(TextmineError, match="Nom de fichier inutilisable"):
        uploads.save(workspace, [("..", b"x")])
    with pytest.raises(TextmineError, match="trop volumineux"):
        uploads.save(workspace, [("gros.csv", b"x" * (uploads.MAX_BYTES + 1))])
    folder = uploads.save(workspace, [("a.csv", b"x"), ("a.csv", b"y")])
    assert folder.parent == workspace.home / "uploads"
    assert sorted(p.name for p in folder.iterdir()) == ["a-1.csv", "a.csv"]


def test_training_runs_as_a_background_job(demo_copy) -> None:
    with pytest.raises(TextmineError, match="existe déjà"):
        jobs.start(demo_copy, "train", {"corpus": "demo", "name": "demo", "options": {}})
    with pytest.raises(TextmineError, match="Corpus « absent » introuvable"):
        jobs.start(demo_copy, "train", {"corpus": "absent", "name": "m2", "options": {}})
    with pytest.raises(TextmineError, match="--min-topic-size"):
        jobs.start(demo_copy, "train", {"corpus": "demo", "name": "m2", "options": {"min_topic_size": 1}})
    job_id = jobs.start(demo_copy, "train", {
        "corpus": "demo", "name": "second", "publish": False,
        "options": {"embedding": "tfidf-svd", "sentiment": "aucun", "segment_mode": "documents"},
    })
    deadline = time.monotonic() + 600
    job = jobs.read(demo_copy, job_id)
    while job["status"] == jobs.RUNNING and time.monotonic() < deadline:
        time.sleep(1)
        job = jobs.read(demo_copy, job_id)
    assert job["status"] == jobs.DONE, (job, (demo_copy.home / "jobs" / f"{job_id}.log").read_text())
    assert job["message"].startswith("Modèle « second » entraîné") and jobs.fraction(job) == 1.0
    registry = Registry(demo_copy.models_dir)
    assert registry.exists("second") and registry.published() == {"demo": "demo"}

    app = corpus_page()
    assert any("Modèle « second » entraîné" in s.value for s in app.success)
    next(b for b in app.button if b.label == "Publier ce modèle")  # shown for the chosen card
    assert len(app.dataframe) >= 3  # columns, documents, models (+ comparison)


def test_a_job_whose_process_died_reads_as_interrupted(workspace) -> None:
    folder = workspace.home / "jobs"
    folder.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (folder / "x.json").write_text(json.dumps({
        "id": "x", "kind": "train", "params": {"name": "m"}, "status": jobs.RUNNING, "stage": "thèmes",
        "done": 0, "total": 1, "message": "", "started_at": "", "finished_at": None, "pid": dead.pid,
    }), encoding="utf-8")
    job = jobs.read(workspace, "x")
    assert job["status"] == jobs.INTERRUPTED and "relancez" in job["message"]
