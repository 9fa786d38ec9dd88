"""Similitudes: units, co-occurrence and Jaccard counts, maximum spanning tree, communities, restrictions, CLI."""

from __future__ import annotations

import itertools
import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from lexicometry_corpus import build, demo_tokens

from textmine.errors import TextmineError
from textmine.lexicometry.similitudes import corpus_similitudes, layout, links, similitudes, units_of
from textmine.lexicometry.tokens import active_forms, corpus_tokens


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    workspace = build(tmp_path_factory.mktemp("simi") / "espace")
    return workspace, corpus_tokens(workspace, "petit")


def _tokens(sentences: list[tuple[int, int, list[str]]]) -> pd.DataFrame:
    rows = [(doc, n, 0, 0, w, w, "NOUN") for doc, n, words in sentences for w in words]
    return pd.DataFrame(rows, columns=["document_id", "sentence", "start", "end", "form", "lemma", "pos"])


def test_units_sentences_and_forty_word_segments():
    tokens = _tokens([(1, 1, ["a"] * 30), (1, 2, ["b"] * 15), (1, 3, ["c"] * 5), (2, 1, ["d"] * 3)])
    assert np.unique(units_of(tokens, "phrases")).tolist() == [0, 1, 2, 3]
    segments = units_of(tokens, "segments")
    # 30 + 15 words reach 40: the third sentence starts a new segment; a new document always does
    assert [segments[0], segments[30], segments[45], segments[50]] == [0, 0, 1, 2]
    with pytest.raises(TextmineError, match="phrases ou segments"):
        units_of(tokens, "paragraphes")


def test_links_count_each_unit_once_and_jaccard_by_hand():
    tokens = _tokens([(1, 1, ["a", "b", "a"]), (1, 2, ["a", "c"]), (2, 1, ["b", "c", "a"]), (2, 2, ["c"])])
    units = units_of(tokens)
    count = links(tokens, ["a", "b", "c"], units).set_index(["source", "target"])["weight"]
    assert count.to_dict() == {("a", "b"): 2, ("a", "c"): 2, ("b", "c"): 1}
    jaccard = links(tokens, ["a", "b", "c"], units, "jaccard").set_index(["source", "target"])["weight"]
    # a in 3 units, b in 2, c in 3: J(a,b) = 2/3, J(a,c) = 2/4, J(b,c) = 1/4
    assert jaccard.to_dict() == pytest.approx({("a", "b"): 2 / 3, ("a", "c"): 0.5, ("b", "c"): 0.25})
    with pytest.raises(TextmineError, match="cooccurrence ou jaccard"):
        links(tokens, ["a"], units, "cosinus")


def test_tree_is_a_maximum_spanning_forest_with_communities(small):
    _, tokens = small
    forms = active_forms(tokens)
    result = similitudes(tokens, forms)
    graph = nx.Graph()
    graph.add_weighted_edges_from(result.edges.itertuples(index=False))
    assert nx.is_forest(graph) and set(graph) == set(result.nodes["form"])
    full = nx.Graph()
    full.add_weighted_edges_from(links(tokens, forms, units_of(tokens))[["source", "target", "weight"]]
                                 .itertuples(index=False))
    best = nx.maximum_spanning_tree(full)
    assert result.edges["weight"].sum() == pytest.approx(sum(d["weight"] for *_, d in best.edges(data=True)))
    assert result.nodes["community"].min() == 1 and set(result.nodes.columns) >= {"form", "frequency", "community"}
    dossier = result.nodes.set_index("form").loc["dossier"]
    assert dossier["frequency"] == (tokens["lemma"] == "dossier").sum()
    together = result.nodes.set_index("form")["community"]
    assert together["collectif"] == together["collègue"] and together["numérique"] == together["outil"]
    louvain = similitudes(tokens, forms, communities="louvain", seed=1)
    assert louvain.nodes.equals(similitudes(tokens, forms, communities="louvain", seed=1).nodes)
    positions = layout(result)
    assert set(positions["form"]) == set(result.nodes["form"]) and np.isfinite(positions[["x", "y"]]).all().all()


def test_restrictions_and_errors(small):
    workspace, tokens = small
    caf = [d for d, m in workspace.open_store().document_metadata("petit").items() if m["organisme"] == "CAF"]
    result = corpus_similitudes(workspace, "petit", documents=caf, min_freq=2, tokens=tokens)
    assert "reporting" in set(result.nodes["form"]) and "collectif" not in set(result.nodes["form"])
    with pytest.raises(TextmineError, match="Moins de deux formes actives"):
        corpus_similitudes(workspace, "petit", min_freq=50, tokens=tokens)
    with pytest.raises(TextmineError, match="indiquez aussi le modèle"):
        corpus_similitudes(workspace, "petit", theme=0, tokens=tokens)
    with pytest.raises(TextmineError, match="Aucun des documents"):
        corpus_similitudes(workspace, "petit", documents=[10**6], tokens=tokens)
    with pytest.raises(TextmineError, match="greedy ou louvain"):
        similitudes(tokens, active_forms(tokens), communities="leiden")


def test_restriction_to_one_theme(demo_workspace):
    from textmine.themes.model import TrainedModel
    from textmine.themes.registry import Registry

    tokens = demo_tokens(demo_workspace)
    model = TrainedModel.load(Registry(demo_workspace.models_dir), "demo")
    theme = int(model.themes()["topic"].iloc[0])
    whole = corpus_similitudes(demo_workspace, "demo", tokens=tokens)
    one = corpus_similitudes(demo_workspace, "demo", model="demo", theme=theme, tokens=tokens)
    assert one.units < whole.units
    assert one.nodes["frequency"].sum() < whole.nodes["frequency"].sum()
    with pytest.raises(TextmineError, match="Thème 999 inconnu"):
        corpus_similitudes(demo_workspace, "demo", model="demo", theme=999, tokens=tokens)


def test_cli_similitudes(small, cli, monkeypatch):
    monkeypatch.setenv("TEXTMINE_HOME", str(small[0].home))
    status, out, err = cli("similitudes", "--corpus", "petit", "--index", "jaccard", "--unit", "segments",
                           "--name", "simi")
    assert status == 0, err
    assert "liens de l'arbre maximum" in out and "Communautés :" in out
    folder = small[0].home / "analyses" / "similitudes" / "simi"
    assert {p.name for p in folder.iterdir()} >= {"run.json", "noeuds.csv", "liens.csv"}
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert record["params"]["index"] == "jaccard" and "--unit" in record["command"]
    status, out, _ = cli("similitudes", "--corpus", "petit", "--format", "json", "--drop", "dossier")
    data = json.loads(out)
    assert "dossier" not in {n["form"] for n in data["nodes"]}
    assert all(a != b for a, b in itertools.pairwise(n["form"] for n in data["nodes"]))
    status, _, err = cli("similitudes", "--corpus", "petit", "--theme", "1")
    assert status == 1 and "--model" in err
