"""The default codebook guides only corpora that speak of its themes; a named codebook always guides.

The fit is lexical (share of segments holding a seed term), so it does not depend on
the embedding or on the topic model's randomness.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

from textmine.ingest import ingest
from textmine.pipeline import TrainOptions, train
from textmine.themes import codebook as codebooks
from textmine.themes.registry import Registry
from textmine.workspace import Workspace

SUBJECTS = {
    "jardin": ["Les tomates du potager ont souffert de la sécheresse cet été",
               "Nous avons planté des haricots et des courgettes le long de la haie",
               "Le compost du jardin nourrit les salades et les fraisiers"],
    "cuisine": ["La recette de la tarte aux pommes demande une pâte brisée bien froide",
                "Le gratin dauphinois cuit longtemps à four doux avec de la crème",
                "Une soupe de potiron relevée de muscade réchauffe les soirées"],
    "voyage": ["Le train de nuit traverse les Alpes jusqu'à la mer au petit matin",
               "La randonnée sur le sentier côtier offre des criques magnifiques",
               "Le musée de la ville expose des peintures du siècle dernier"],
}
ENDINGS = ["Nous recommencerons l'an prochain.", "Les enfants ont adoré.", "Il faisait très beau.",
           "Quelle belle journée !", "Tout le monde en parle encore."]


@pytest.fixture(scope="module")
def leisure(tmp_path_factory) -> Workspace:
    """A small corpus about gardens, cooking and travel: nothing of the default codebook."""
    workspace = Workspace(tmp_path_factory.mktemp("loisirs"))
    path = workspace.home / "loisirs.csv"
    rows = [
        (f"L{n}", f"{first}. {second}. {ending}", subject)
        for n, (subject, (first, second), ending) in enumerate(
            (s, pair, e) for s, texts in SUBJECTS.items()
            for pair in itertools.permutations(texts, 2) for e in ENDINGS
        )
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "texte", "sujet"])
        writer.writerows(rows)
    ingest(workspace.open_store(), [path], "loisirs", id_column="id")
    return workspace


def options(codebook: str | None) -> TrainOptions:
    return TrainOptions(embedding="tfidf-svd", codebook=codebook, min_topic_size=5, sentiment="aucun", stability=1)


def test_fit_counts_segments_with_a_seed_term_per_theme() -> None:
    book = codebooks.load(None)
    seeds = codebooks.seed_terms(book)
    terms = [" ".join(seeds[0][:1]), " ".join(seeds[1][:1]) + " dossier", "tomate jardin", "recette tarte"]
    found = codebooks.fit(book, seeds, terms)
    assert found.share == pytest.approx(0.5)
    assert found.per_theme[book.themes[0].name] == pytest.approx(0.25)
    assert found.fits and found.to_json()["fits"] is True
    assert not codebooks.fit(book, seeds, terms[1:] + ["vacances mer", "musée"]).fits  # 1 in 5
    assert codebooks.fit(book, seeds, []).share == 0.0


def test_default_codebook_is_left_out_of_a_corpus_that_does_not_speak_of_it(leisure: Workspace) -> None:
    report = train(leisure, "loisirs", "auto", options(None))
    card = Registry(leisure.models_dir).card("auto")
    block = card["codebook"]
    assert block["mode"] == "automatique" and block["used"] is False
    assert block["fit"]["share"] < block["fit"]["threshold"] == codebooks.FIT_THRESHOLD
    assert "--codebook défaut" in block["reason"]
    assert report.codebook.items() <= block.items() and report.metrics["codebook_matched"] == 0


def test_a_codebook_asked_for_guides_whatever_the_fit(leisure: Workspace) -> None:
    train(leisure, "loisirs", "impose", options("défaut"))
    block = Registry(leisure.models_dir).card("impose")["codebook"]
    assert block["mode"] == "demandé" and block["used"] is True and not block["fit"]["fits"]
    assert block["source"] == "codebook par défaut" and block["themes"]


def test_demo_corpus_fits_the_default_codebook(demo_workspace: Workspace) -> None:
    block = Registry(demo_workspace.models_dir).card("demo")["codebook"]
    assert block["mode"] == "automatique" and block["used"] is True
    assert block["fit"]["share"] >= codebooks.FIT_THRESHOLD


def test_cli_says_whether_the_codebook_guided(leisure: Workspace, cli, monkeypatch) -> None:
    monkeypatch.setenv("TEXTMINE_HOME", str(leisure.home))
    status, out, err = cli("train", "--corpus", "loisirs", "--model", "cli", "--embedding", "tfidf-svd",
                           "--min-topic-size", "5", "--sentiment", "aucun", "--stability", "1")
    assert status == 0, err
    assert "Codebook : " in out and "n'a pas guidé les thèmes (--codebook défaut l'impose)" in out
