"""The « Classification » screen (Reinert) through AppTest, on a run recorded from a small built corpus."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from textmine.lexicometry import classification as chd
from textmine.lexicometry.runs import save_run

ROOT = Path(__file__).resolve().parents[1]
PAGE = "app_pages/lexique_classification.py"
WORDS = {
    "a": "dossier retard allocation caisse délai paiement attente courrier réclamation versement",
    "b": "indicateur objectif reporting tableau chiffre direction pression évaluation performance statistique",
    "c": "collègue équipe entraide soutien solidarité ambiance confiance accueil écoute partage",
}


def tokens_of(texts: dict[int, str]) -> pd.DataFrame:
    """Word tokens as ``corpus_tokens`` gives them, without spaCy (lemma = lower-cased form)."""
    rows = []
    for doc, text in sorted(texts.items()):
        for match in re.finditer(r"\w+", text):
            word = match.group().lower()
            rows.append((doc, text[: match.start()].count(".") + 1, match.start(), match.end(), word, word, "NOUN"))
    return pd.DataFrame(rows, columns=["document_id", "sentence", "start", "end", "form", "lemma", "pos"])


@pytest.fixture
def recorded(workspace, cli, tmp_path):
    lines = ["id,organisme,texte"]
    for i in range(45):
        words = WORDS["abc"[i % 3]].split()
        sentence = " ".join(words[(i + j) % 10] for j in range(12))
        lines.append(f'{i},{"CAF" if i % 3 else "CPAM"},"{sentence.capitalize()}. {sentence}."')
    path = tmp_path / "corpus.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert cli("ingest", path, "--corpus", "petit", "--text-column", "texte", "--id-column", "id")[0] == 0
    store = workspace.open_store()
    texts, metadata = store.document_texts("petit"), store.document_metadata("petit")
    store.close()
    tokens = tokens_of(texts)
    forms = sorted(tokens["lemma"].value_counts().loc[lambda s: s >= 3].index)
    result = chd.classify(tokens, texts, metadata, forms, chd.ReinertOptions(k=3, segment_words=20))
    save_run(workspace, "reinert", "essai", "petit", {"k": 3}, ["textmine", "reinert", "--corpus", "petit"],
             result.write)
    return workspace


def test_page_shows_dendrogram_profiles_and_citations(recorded) -> None:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert [m.label for m in app.metric] == ["Classes", "Segments", "Non classés", "Durée"]
    assert app.metric[0].value == "3"
    assert [t.label.split(" (")[0] for t in app.tabs] == ["Classe 1", "Classe 2", "Classe 3"]
    assert any("textmine reinert --corpus petit" in c.value for c in app.caption)
    quotes = [m.value for m in app.markdown if m.value.startswith("> ")]
    assert quotes and all("doc " in q for q in quotes)
    assert any("Aucun modèle de thèmes publié" in i.value for i in app.info)


def test_page_without_corpus(workspace) -> None:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.switch_page(PAGE).run()
    assert not app.exception
    assert "Aucun corpus" in app.info[0].value


def test_background_run_reports_a_french_error(recorded) -> None:
    job = chd.launch(recorded, ["textmine", "reinert", "--corpus", "petit", "--name", "x", "--k", "1"])
    deadline = time.time() + 60
    while (state := chd.job_state(job))[0] and time.time() < deadline:
        time.sleep(0.2)
    running, status, text = state
    assert not running and status == 1
    assert text.strip().splitlines()[-1].startswith("Erreur : Le nombre de classes doit être au moins 2")
    assert not (recorded.home / "analyses" / "reinert" / "x").exists()


def test_run_uses_the_active_form_edits_of_the_session(recorded, monkeypatch) -> None:
    launched = []

    class Done:
        def poll(self) -> int:
            return 0

    def fake_launch(workspace, command):
        launched.append(command)
        return {"pid": 0, "log": str(workspace.home / "absent.log"), "started": time.time(), "process": Done()}

    monkeypatch.setattr(chd, "launch", fake_launch)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.switch_page(PAGE).run()
    app.session_state["formes_actives"] = {"petit": {"min_freq": 2, "keep": ["le"], "drop": ["dossier"]}}
    app.button[0].click().run()
    assert not app.exception, app.exception
    command = launched[0]
    assert command[command.index("--min-freq") + 1] == "2" and command[command.index("--keep") + 1] == "le"
    assert command[command.index("--drop") + 1] == "dossier" and "--min-class-size" in command
