"""Theme stability: the measures on hand-made runs, then the stage of a real training and where it is shown.

The session's demo model is trained with ``stability=2`` (see ``DEMO_OPTIONS``).
Real trainings are checked for structure and invariants only: how many themes
come out, which comes first and the exact UMAP/HDBSCAN figures may differ
from one machine to another — which is what the measure is about.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from textmine import jobs
from textmine.errors import TextmineError
from textmine.pipeline import TrainOptions, train
from textmine.quotes.index import load_index
from textmine.themes import stability
from textmine.themes.model import UNASSIGNED, TrainedModel
from textmine.themes.registry import Registry
from textmine.themes.topics import TopicModel
from textmine.views import overview
from textmine.workspace import Workspace

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SENTENCE = re.compile(
    r"Thème (stable|moyennement stable|fragile) : retrouvé à (\d+)\u202f% (?:seulement )?dans "
    r"1 autre entraînement avec une autre graine( ;|\.)"
)

# Run A: theme 0 holds units 0-5, theme 1 units 6-9. Run B splits theme 0 in two halves.
RUN_A = [0] * 6 + [1] * 4
RUN_B = [0] * 3 + [1] * 3 + [2] * 4
# ARI(A, B) by hand: pairs together in both 3+3+6 = 12, in A 15+6 = 21, in B 3+3+6 = 12, all 45;
# (12 - 21·12/45) / ((21 + 12)/2 - 21·12/45) = 6.4 / 10.9.
ARI_SPLIT = 64 / 109


# -- the measures ------------------------------------------------------------------------------


def test_identical_runs_are_fully_stable() -> None:
    block = stability.measure([RUN_A, RUN_A, RUN_A], [42, 43, 44])
    assert block == {"runs": 3, "seeds": [42, 43, 44], "units": "segments", "ari_mean": 1.0, "ari_sd": 0.0,
                     "per_theme": {"0": 1.0, "1": 1.0}}


def test_another_labelling_of_the_same_themes_is_fully_stable() -> None:
    relabelled = [{0: 7, 1: 3}[t] for t in RUN_A]
    assert stability.theme_stability(RUN_A, [relabelled]) == {0: 1.0, 1: 1.0}
    assert stability.mean_ari([RUN_A, relabelled]) == pytest.approx(1.0)


def test_a_split_theme_keeps_half_of_its_units() -> None:
    assert stability.best_jaccard(RUN_A, RUN_B) == {0: 0.5, 1: 1.0}
    assert stability.mean_ari([RUN_A, RUN_B]) == pytest.approx(ARI_SPLIT)
    # Against two other runs, one identical and one split: the means of both.
    block = stability.measure([RUN_A, RUN_A, RUN_B], [1, 2, 3], units="documents")
    assert block["per_theme"] == {"0": 0.75, "1": 1.0}
    assert block["ari_mean"] == round((1 + 2 * ARI_SPLIT) / 3, 3)
    assert block["ari_sd"] == round(statistics.stdev([1, ARI_SPLIT, ARI_SPLIT]), 3)
    assert block["units"] == "documents"


def test_units_without_theme_are_never_a_match() -> None:
    reference = [0, 0, 0, 1, 1, UNASSIGNED]
    other = [UNASSIGNED, UNASSIGNED, UNASSIGNED, 5, 5, 5]
    # Theme 0 only meets units without theme in the other run; theme 1 meets 2 of 3 units of theme 5.
    assert stability.best_jaccard(reference, other) == {0: 0.0, 1: pytest.approx(2 / 3)}
    assert stability.theme_stability(reference, [[UNASSIGNED] * 6]) == {0: 0.0, 1: 0.0}


def test_runs_must_describe_the_same_units() -> None:
    with pytest.raises(ValueError):
        stability.best_jaccard(RUN_A, RUN_A[:-1])
    with pytest.raises(ValueError):
        stability.measure([RUN_A], [1])


def test_edits_merge_with_a_size_weighted_mean_and_drop_deleted_themes() -> None:
    per_theme = {"0": 0.9, "1": 0.3, "2": 0.5, "3": 0.8}
    mapping = {0: 0, 1: 0, 2: UNASSIGNED, 3: 3, UNASSIGNED: UNASSIGNED}
    sizes = {0: 30, 1: 10, 2: 5, 3: 7}
    assert stability.after_edits(per_theme, mapping, sizes) == {0: round((0.9 * 30 + 0.3 * 10) / 40, 3), 3: 0.8}


def test_levels_follow_the_stated_thresholds() -> None:
    assert [stability.level(v) for v in (1.0, 0.7, 0.69, 0.4, 0.39, 0.0)] == [
        "stable", "stable", "moyen", "moyen", "fragile", "fragile"
    ]


# -- a real training ---------------------------------------------------------------------------


def test_the_demo_model_card_has_a_stability_block(demo_workspace: Workspace) -> None:
    model = TrainedModel.load(Registry(demo_workspace.models_dir), "demo")
    block = model.stability()
    assert model.card["parameters"]["stability"] == 2
    assert block["runs"] == 2 and block["seeds"] == [3, 4] and block["units"] == "segments"
    assert -1.0 <= block["ari_mean"] <= 1.0
    assert set(block["per_theme"]) == {str(t["id"]) for t in model.trained_themes}
    assert all(0.0 <= v <= 1.0 for v in block["per_theme"].values())
    assert block["seconds"] >= 0
    assert model.theme_stability() == {int(t): v for t, v in block["per_theme"].items()}


def test_training_saves_a_usable_model_before_measuring_stability(demo_copy: Workspace) -> None:
    registry = Registry(demo_copy.models_dir)
    seen = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "stabilité":
            card = registry.card("docs") if registry.exists("docs") else {}
            seen.append((done, total, registry.exists("docs"), registry.published().get("demo"), "stability" in card))

    options = TrainOptions(embedding="tfidf-svd", seed=5, sentiment="aucun", segment_mode="documents", stability=3)
    report = train(demo_copy, "demo", "docs", options, publish=True, progress=progress)
    # Saved and published before the extra fits; the block arrives at the end.
    assert seen[0] == (0, 2, True, "docs", False) and seen[-1][:2] == (2, 2)
    card = registry.card("docs")
    assert card["stability"] == report.stability
    assert card["stability"]["runs"] == 3 and card["stability"]["seeds"] == [5, 6, 7]
    assert card["stability"]["units"] == "documents"
    themes = TrainedModel.load(registry, "docs").trained_themes
    assert set(card["stability"]["per_theme"]) == {str(t["id"]) for t in themes}
    assert all(0.0 <= v <= 1.0 for v in card["stability"]["per_theme"].values())
    assert -1.0 <= card["stability"]["ari_mean"] <= 1.0
    assert "stability" in report.durations


def test_an_interrupted_stability_stage_leaves_the_model_valid(demo_copy: Workspace, cli, monkeypatch) -> None:
    fit, calls = TopicModel.fit, []

    def interrupted(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        calls.append(self.random_state)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(TopicModel, "fit", interrupted)
    status, out, err = cli("train", "--corpus", "demo", "--model", "coupe", "--embedding", "tfidf-svd", "--seed", "8",
                           "--sentiment", "aucun", "--segments", "documents", "--stability", "2")
    assert status == 130 and calls == [8, 9]
    assert err.strip() == ("Interrompu pendant la mesure de stabilité : le modèle « coupe » est enregistré et "
                           "utilisable, sans mesure de stabilité.")
    model = TrainedModel.load(Registry(demo_copy.models_dir), "coupe")
    assert model.stability() is None and model.theme_stability() == {}
    assert model.card["parameters"]["stability"] == 2
    assert len(model.themes()) > 0
    assert not list(demo_copy.models_dir.glob(".*coupe*"))
    monkeypatch.setattr(TopicModel, "fit", fit)
    status, out, _ = cli("models")
    row = next(line for line in out.splitlines() if line.startswith("coupe "))
    assert " — " in row


def test_the_card_is_left_alone_when_the_model_was_replaced(demo_copy: Workspace) -> None:
    registry = Registry(demo_copy.models_dir)
    before = (registry.path("demo") / "card.json").read_text(encoding="utf-8")
    assert not registry.add_to_card("demo", "stability", {"runs": 9}, "2000-01-01T00:00:00+00:00")
    assert not registry.add_to_card("absent", "stability", {"runs": 9}, "2000-01-01T00:00:00+00:00")
    assert (registry.path("demo") / "card.json").read_text(encoding="utf-8") == before
    created = registry.card("demo")["created_at"]
    assert registry.add_to_card("demo", "note", "ok", created)
    assert registry.card("demo") == {**json.loads(before), "note": "ok"}
    assert not list(registry.path("demo").glob(".*.tmp"))


def test_stability_must_be_at_least_one(cli) -> None:
    status, _, err = cli("train", "--corpus", "demo", "--model", "x", "--stability", "0")
    assert status == 2 and "--stability" in err and "« 0 »" in err
    with pytest.raises(TextmineError, match="--stability doit valoir au moins 1"):
        TrainOptions(stability=0)


# -- where it is shown -------------------------------------------------------------------------


def _without_stability(workspace: Workspace) -> None:
    path = workspace.models_dir / "demo" / "card.json"
    card = json.loads(path.read_text(encoding="utf-8"))
    del card["stability"]
    path.write_text(json.dumps(card), encoding="utf-8")


def _french(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def test_models_shows_the_mean_ari(demo_copy: Workspace, cli) -> None:
    status, out, _ = cli("models")
    header, row = out.splitlines()[:2]
    assert status == 0 and "stabilité" in header.split("  ")
    ari = Registry(demo_copy.models_dir).card("demo")["stability"]["ari_mean"]
    assert f" {_french(ari)} " in row
    _without_stability(demo_copy)
    assert " — " in cli("models")[1].splitlines()[1]


def test_topics_shows_each_theme_after_edits(demo_copy: Workspace, cli) -> None:
    model = TrainedModel.load(Registry(demo_copy.models_dir), "demo")
    first, second, third = (int(t) for t in model.themes()["topic"][:3])
    sizes = model.trained_segments["topic"].value_counts()
    per_theme = model.stability()["per_theme"]
    weighted = (per_theme[str(first)] * sizes[first] + per_theme[str(second)] * sizes[second]) / (
        sizes[first] + sizes[second]
    )
    model.merge([first, second], "Fusion")
    model.delete(third)
    steady = model.theme_stability()
    assert steady[first] == pytest.approx(weighted, abs=0.001)
    assert second not in steady and third not in steady
    assert set(steady) == set(model.themes()["topic"])
    status, out, _ = cli("topics", "--model", "demo")
    lines = out.splitlines()
    assert status == 0 and "stabilité" in lines[0]
    fusion = next(line for line in lines if " Fusion " in line)
    assert f" {_french(steady[first])} " in fusion
    status, out, _ = cli("topics", "--model", "demo", "--format", "csv")
    assert out.splitlines()[0].split(",")[5] == "stabilité"


def test_theme_sentences_say_how_stable_a_theme_is(demo_copy: Workspace, monkeypatch) -> None:
    index = load_index(demo_copy, "demo")
    topic = int(index.model.themes()["topic"].iloc[0])
    index.model.card["stability"]["runs"] = 3
    expected = {
        0.87: "Thème stable : retrouvé à 87\u202f% dans 2 autres entraînements avec d'autres graines.",
        0.55: "Thème moyennement stable : retrouvé à 55\u202f% dans 2 autres entraînements avec d'autres graines ; "
              "ses contours varient d'un entraînement à l'autre.",
        0.31: "Thème fragile : retrouvé à 31\u202f% seulement dans 2 autres entraînements avec d'autres graines ; "
              "à lire avec prudence.",
    }
    for value, sentence in expected.items():
        monkeypatch.setattr(index.model, "theme_stability", lambda v=value: {topic: v})
        assert overview.theme_stability(index, topic) == sentence
    monkeypatch.setattr(index.model, "theme_stability", lambda: {})
    index.model.card.pop("stability")
    assert overview.theme_stability(index, topic) is None
    assert overview.stability_help(index) is None


def _start(page: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120).run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def test_themes_table_has_a_stability_column(demo_copy: Workspace) -> None:
    app = _start()
    frame = app.dataframe[0]
    assert "stability" in frame.proto.column_order
    column = json.loads(frame.proto.columns)["stability"]
    assert column["label"] == "Stabilité" and "autres entraînements" in column["help"]
    model = load_index(demo_copy, "demo").model
    shown = dict(zip(frame.value["topic"], frame.value["stability"]))
    assert shown == pytest.approx(model.theme_stability())


def test_theme_page_says_how_stable_the_theme_is(demo_copy: Workspace) -> None:
    app = _start("app_pages/theme.py")
    index = load_index(demo_copy, "demo")
    topic = int(overview.theme_table(index, None)["topic"].iloc[0])
    sentences = [m.value for m in app.markdown if m.value.startswith("Thème ")]
    assert sentences == [overview.theme_stability(index, topic)]
    found = SENTENCE.match(sentences[0])
    assert found and int(found.group(2)) == round(100 * index.model.theme_stability()[topic])


def test_screens_without_stability_show_nothing_about_it(demo_copy: Workspace) -> None:
    _without_stability(demo_copy)
    app = _start()
    assert "stability" not in app.dataframe[0].proto.column_order
    app.switch_page("app_pages/theme.py").run()
    assert not app.exception
    assert not [m.value for m in app.markdown if m.value.startswith("Thème ")]


# -- the background job ------------------------------------------------------------------------


def test_the_job_shows_the_stability_stage(workspace: Workspace) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    job = {"status": jobs.RUNNING, "stage": "stabilité", "done": 1, "total": 2}
    assert jobs.describe(job) == "Stabilité des thèmes (le modèle est déjà enregistré et utilisable) : 1 / 2"
    assert jobs.fraction({**job, "stage": "sentiment"}) < jobs.fraction(job) < 1.0
    folder = workspace.home / "jobs"
    folder.mkdir(parents=True)
    (folder / "x.json").write_text(json.dumps({
        "id": "x", "kind": "train", "params": {"name": "m"}, "status": jobs.RUNNING, "stage": "stabilité",
        "done": 0, "total": 2, "message": "", "started_at": "", "finished_at": None, "pid": dead.pid,
    }), encoding="utf-8")
    job = jobs.read(workspace, "x")
    assert job["status"] == jobs.INTERRUPTED
    assert job["message"] == ("La tâche s'est arrêtée pendant la mesure de stabilité : le modèle est enregistré et "
                              "utilisable, sans mesure de stabilité.")


def test_a_refit_without_key_terms_assigns_exactly_as_the_full_fit() -> None:
    """Stability refits skip the key terms: the assignments must not change for it."""
    import zlib

    import numpy as np

    from textmine.themes.topics import TopicModel

    rng = np.random.default_rng(0)
    words = [f"mot{i}" for i in range(60)]
    centres = rng.normal(size=(4, 24))
    vectors, terms = [], []
    for k in range(4):
        for _ in range(30):
            vectors.append(centres[k] + 0.4 * rng.normal(size=24))
            own, shared = rng.choice(words[15 * k : 15 * k + 15], size=4), rng.choice(words[:20], size=3)
            terms.append(" ".join([*own, *shared]))
    vectors = np.array(vectors)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    def encode(texts: list[str]) -> np.ndarray:
        out = np.array([[(zlib.crc32(w.encode()) % 97 + 1) / 97 for w in (t.split() * 24)[:24]] for t in texts])
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    full = TopicModel(min_topic_size=5, random_state=3).fit(terms, vectors, encode)
    light = TopicModel(min_topic_size=5, random_state=3, represent=False).fit(terms, vectors, encode)
    assert light.topics_ == full.topics_ and light.topics_original_ == full.topics_original_
    assert len(set(full.topics_)) >= 2
