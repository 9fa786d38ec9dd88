"""Similitudes (IRaMuTeQ's « analyse de similitudes »): which active forms occur together.

The corpus is cut into units: the project's sentences, or segments of about
40 words made of whole sentences (sentences are added to a segment until it
holds 40 words; a longer sentence is a segment of its own). Each unit counts
once per form (presence). Between two forms the link is:

- « cooccurrence »: the number of units holding both;
- « jaccard »: that number divided by the number of units holding either.

The graph keeps the ``max_forms`` most frequent active forms. Its maximum
spanning tree (networkx; a forest when some forms never meet) keeps the
strongest links that join every form without a cycle; forms linked to none are
left out. Communities are found on the tree, by greedy modularity (the
default, deterministic) or Louvain with a fixed seed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import TextmineError
from ..workspace import Workspace
from .tokens import ACTIVE_POS, active_forms, corpus_tokens

INDEXES = ("cooccurrence", "jaccard")
UNITS = ("phrases", "segments")
COMMUNITIES = ("greedy", "louvain")
SEGMENT_WORDS = 40


@dataclass(frozen=True)
class Similitudes:
    """``nodes``: form, frequency (occurrences), units (units holding it), community;
    ``edges``: source, target, weight (the tree's links), ``units``: how many units were counted."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    index: str
    unit: str
    units: int


def units_of(tokens: pd.DataFrame, unit: str = "phrases", words: int = SEGMENT_WORDS) -> np.ndarray:
    """The unit number of each token: its sentence, or its segment of about ``words`` words."""
    if unit not in UNITS:
        raise TextmineError(f"Unité « {unit} » inconnue : choisissez {' ou '.join(UNITS)}.")
    keys = tokens["document_id"].astype("int64") * (1 << 20) + tokens["sentence"].astype("int64")
    sentence_ids = pd.factorize(keys)[0]
    if unit == "phrases" or tokens.empty:
        return sentence_ids
    sizes = np.bincount(sentence_ids)
    documents = tokens.groupby(sentence_ids)["document_id"].first().to_numpy()
    segment_of = np.empty(len(sizes), dtype=np.int64)
    segment, filled, previous = -1, words, None
    for i, (size, doc) in enumerate(zip(sizes, documents)):
        if doc != previous or filled >= words:
            segment, filled, previous = segment + 1, 0, doc
        segment_of[i] = segment
        filled += size
    return segment_of[sentence_ids]


def links(tokens: pd.DataFrame, forms: list[str], units: np.ndarray, index: str = "cooccurrence") -> pd.DataFrame:
    """Every pair of ``forms`` (lemmas) meeting in at least one unit, with its weight by ``index``."""
    if index not in INDEXES:
        raise TextmineError(f"Indice « {index} » inconnu : choisissez {' ou '.join(INDEXES)}.")
    position = {form: i for i, form in enumerate(forms)}
    column = tokens["lemma"].map(position)
    kept = column.notna().to_numpy()
    rows, cols = units[kept], column[kept].astype(int).to_numpy()
    presence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(int(units.max(initial=-1)) + 1,
                                                                             len(forms)))
    presence.data[:] = 1.0  # duplicates were summed: a unit counts once per form
    together = (presence.T @ presence).tocoo()
    upper = together.row < together.col
    i, j, count = together.row[upper], together.col[upper], together.data[upper]
    if index == "jaccard":
        held = np.asarray(presence.sum(axis=0)).ravel()
        weight = count / (held[i] + held[j] - count)
    else:
        weight = count
    return pd.DataFrame({"source": [forms[k] for k in i], "target": [forms[k] for k in j],
                         "weight": weight.astype(float), "count": count.astype(int)})


def similitudes(
    tokens: pd.DataFrame, forms: list[str], index: str = "cooccurrence", unit: str = "phrases",
    max_forms: int = 100, communities: str = "greedy", seed: int = 42,
) -> Similitudes:
    """Maximum spanning tree and communities of the co-occurrence graph of ``forms``.

    Args:
        tokens: a token table (possibly restricted to a theme or some documents).
        forms: the active forms (lemmas), most frequent first (``tokens.active_forms``).
        index: « cooccurrence » or « jaccard ».
        unit: « phrases » or « segments » (about 40 words).
        max_forms: keep at most this many forms (the first of ``forms``).
        communities: « greedy » (modularity) or « louvain ».
        seed: Louvain's random seed.

    Raises:
        TextmineError: fewer than two forms, or no two forms ever meet.
    """
    import networkx as nx

    if communities not in COMMUNITIES:
        raise TextmineError(f"Méthode de communautés « {communities} » inconnue : {' ou '.join(COMMUNITIES)}.")
    forms = list(dict.fromkeys(forms))[:max_forms]
    if len(forms) < 2:
        raise TextmineError(
            "Moins de deux formes actives : baissez la fréquence minimale, ajoutez des formes à garder "
            "ou choisissez un corpus (ou un thème) plus grand."
        )
    unit_ids = units_of(tokens, unit)
    pairs = links(tokens, forms, unit_ids, index)
    if pairs.empty:
        raise TextmineError("Aucune paire de formes actives n'apparaît dans une même unité : rien à relier.")
    graph = nx.Graph()
    graph.add_weighted_edges_from(pairs[["source", "target", "weight"]].itertuples(index=False))
    tree = nx.maximum_spanning_tree(graph, weight="weight", algorithm="kruskal")
    if communities == "greedy":
        groups = nx.community.greedy_modularity_communities(tree, weight="weight")
    else:
        groups = nx.community.louvain_communities(tree, weight="weight", seed=seed)
    groups = sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))
    community = {form: k for k, group in enumerate(groups, 1) for form in group}
    frequency = tokens["lemma"].value_counts()
    held = pd.Series(unit_ids).groupby(tokens["lemma"].to_numpy()).nunique()
    nodes = pd.DataFrame({"form": [f for f in forms if f in community]})
    nodes["frequency"] = nodes["form"].map(frequency).fillna(0).astype(int)
    nodes["units"] = nodes["form"].map(held).fillna(0).astype(int)
    nodes["community"] = nodes["form"].map(community).astype(int)
    edges = pd.DataFrame(
        [(a, b, d["weight"]) if a < b else (b, a, d["weight"]) for a, b, d in tree.edges(data=True)],
        columns=["source", "target", "weight"],
    ).sort_values(["weight", "source", "target"], ascending=[False, True, True], ignore_index=True)
    return Similitudes(nodes, edges, index, unit, int(unit_ids.max(initial=-1)) + 1)


def layout(result: Similitudes, seed: int = 42) -> pd.DataFrame:
    """x, y position of each node (networkx spring layout on the tree, fixed seed)."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(result.nodes["form"])
    graph.add_weighted_edges_from(result.edges.itertuples(index=False))
    positions = nx.kamada_kawai_layout(graph) if len(graph) <= 300 else nx.spring_layout(graph, seed=seed)
    return pd.DataFrame([(form, float(x), float(y)) for form, (x, y) in positions.items()],
                        columns=["form", "x", "y"])


def corpus_similitudes(
    workspace: Workspace, corpus: str, index: str = "cooccurrence", unit: str = "phrases", min_freq: int = 3,
    max_forms: int = 100, pos: Iterable[str] = ACTIVE_POS, keep: Iterable[str] = (), drop: Iterable[str] = (),
    model: str | None = None, theme: int | None = None, documents: Iterable[int] | None = None,
    communities: str = "greedy", seed: int = 42, tokens: pd.DataFrame | None = None,
    progress=None,  # noqa: ANN001
) -> Similitudes:
    """Similitudes of a corpus, or of the segments of one theme of ``model``, or of some documents.

    Active forms are counted within the restriction (see ``tokens.active_forms``).

    Raises:
        TextmineError: a theme without a model, an unknown theme, a model of another corpus, no forms.
    """
    if tokens is None:
        tokens = corpus_tokens(workspace, corpus, progress)
    if documents is not None:
        wanted = set(documents)
        tokens = tokens[tokens["document_id"].isin(wanted)]
        if tokens.empty:
            raise TextmineError("Aucun des documents choisis n'a de mots : élargissez la sélection.")
    if theme is not None:
        tokens = _theme_tokens(workspace, corpus, tokens, model, theme)
    forms = active_forms(tokens, min_freq, pos, keep, drop)
    return similitudes(tokens.reset_index(drop=True), forms, index, unit, max_forms, communities, seed)


def _theme_tokens(workspace: Workspace, corpus: str, tokens: pd.DataFrame, model: str | None,
                  theme: int) -> pd.DataFrame:
    from ..themes.model import TrainedModel
    from ..themes.registry import Registry
    from .specificities import segment_parts

    if not model:
        raise TextmineError("Pour restreindre à un thème, indiquez aussi le modèle (--model).")
    trained = TrainedModel.load(Registry(workspace.models_dir), model)
    if trained.corpus != corpus:
        raise TextmineError(f"Le modèle « {model} » a été entraîné sur le corpus « {trained.corpus} », "
                            f"pas sur « {corpus} ».")
    labels = trained.label_of()
    if theme not in labels:
        known = ", ".join(str(t) for t in sorted(labels) if t >= 0)
        raise TextmineError(f"Thème {theme} inconnu dans le modèle « {model} ». Thèmes : {known}.")
    segments = trained.segments()
    segments["part"] = np.where(segments["topic"] == theme, "oui", None)
    inside = segment_parts(tokens, segments) == "oui"
    return tokens[inside.to_numpy()]
