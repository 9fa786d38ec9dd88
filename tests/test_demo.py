"""The shipped demo corpus: large enough, every required field, every format read."""

from __future__ import annotations

import json
from collections import Counter

from textmine.demo import ingest_demo

REQUIRED = ("source", "organisme", "branche", "fonction", "annee", "region")


def test_demo_corpus_ingests_with_complete_metadata(workspace) -> None:
    store = workspace.open_store()
    report = ingest_demo(store)
    assert {f.format for f in report.files} == {"CSV", "JSONL", "IRaMuTeQ", "DOCX", "PDF"}
    docs = list(store.documents("demo"))
    assert len(docs) >= 400
    for doc in docs:
        missing = [k for k in REQUIRED if k not in doc["metadata"]]
        assert not missing, (doc["id"], missing)
        assert 2018 <= doc["metadata"]["annee"] <= 2025
    sources = Counter(d["metadata"]["source"] for d in docs)
    assert set(sources) == {"témoignage", "enquête", "rapport"}
    assert len({d["metadata"]["organisme"] for d in docs}) >= 6
    # From a one-word answer to whole reports, with many multi-paragraph testimonies.
    lengths = sorted(len(d["text"].split()) for d in docs)
    assert lengths[10] < 15 and lengths[-1] > 1000
    assert sum(1 for d in docs if d["text"].count("\n\n") >= 2) >= 50


def test_demo_command_ingests_trains_once_and_shows_themes(cli, workspace, monkeypatch) -> None:
    monkeypatch.setenv("TEXTMINE_EMBEDDING", "tfidf-svd")  # e5-small works too, but takes minutes
    monkeypatch.setenv("TEXTMINE_SENTIMENT", "lexique")
    status, out, _ = cli("demo")
    assert status == 0
    assert out.startswith("Corpus « demo » : 490 documents ajoutés.")
    assert "Entraînement du modèle de thèmes « demo » (quelques minutes la première fois)…" in out
    card_path = workspace.models_dir / "demo" / "card.json"
    # the variables set after import are honoured (the default options are read at each call)
    assert json.loads(card_path.read_text(encoding="utf-8"))["parameters"]["embedding"] == "tfidf-svd"
    card = card_path.stat().st_mtime
    status, out, _ = cli("demo")
    assert out.startswith("Corpus « demo » : 0 document ajouté.")
    assert "  annee [entier, 490 documents] : de 2018 à 2025" in out.splitlines()
    assert "Entraînement" not in out and "Thèmes du modèle « demo » (" in out
    assert (workspace.models_dir / "demo" / "card.json").stat().st_mtime == card
