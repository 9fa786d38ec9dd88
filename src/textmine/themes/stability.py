"""Theme stability: does a theme come back when the topic model is fitted again with other seeds?

UMAP and HDBSCAN are sensitive to their random seed and, through floating-point
arithmetic, to the machine (another CPU can give other themes for the same
corpus and seed). Training therefore fits the topic model a few more times on
the same vectors with seeds ``seed + 1``, ``seed + 2``… and compares the
assignments of the units the model clusters: segments, or whole documents
with ``--segments documents``. Assignments are compared after outliers were
given their nearest theme (``TopicModel.topics_``).

Two measures, saved in the model card's ``stability`` block:

- per theme of the model: its best Jaccard overlap (shared units / units in
  either) with any theme of each other run, averaged over the other runs;
  1 means the very same units came back every time;
- for the model: the adjusted Rand index (ARI) of every pair of runs,
  averaged; 1 for identical partitions, about 0 for unrelated ones.

Examples:
    >>> block = measure([[0, 0, 1, 1], [5, 5, 7, 7]], seeds=[42, 43])
    >>> block["ari_mean"], block["ari_sd"], block["per_theme"]
    (1.0, 0.0, {'0': 1.0, '1': 1.0})
    >>> level(0.82), level(0.55), level(0.2)
    ('stable', 'moyen', 'fragile')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np

#: Runs by default: the model's own fit and two more.
DEFAULT_RUNS = 3
#: A theme found again at this level or above is stable.
STABLE = 0.7
#: Below this level a theme is fragile; in between, moderately stable.
FRAGILE = 0.4
#: The label of units left without theme; never a theme to match.
UNASSIGNED = -1

Assignments = Sequence[int]


def _contingency(a: Assignments, b: Assignments) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels of ``a``, labels of ``b``, and the count of units for each pair of labels."""
    labels_a, index_a = np.unique(np.asarray(a), return_inverse=True)
    labels_b, index_b = np.unique(np.asarray(b), return_inverse=True)
    counts = np.zeros((len(labels_a), len(labels_b)), dtype=np.int64)
    np.add.at(counts, (index_a, index_b), 1)
    return labels_a, labels_b, counts


def best_jaccard(reference: Assignments, other: Assignments) -> dict[int, float]:
    """For each theme of ``reference``, its best Jaccard overlap with a theme of ``other`` (0 if none).

    Units left without theme (-1) are not a theme on either side.
    """
    if len(reference) != len(other):
        raise ValueError(f"Runs of different lengths: {len(reference)} and {len(other)} units.")
    labels_a, labels_b, counts = _contingency(reference, other)
    sizes_a, sizes_b = counts.sum(axis=1), counts.sum(axis=0)
    union = sizes_a[:, None] + sizes_b[None, :] - counts
    jaccard = np.where(union > 0, counts / np.maximum(union, 1), 0.0)
    jaccard[:, labels_b == UNASSIGNED] = 0.0
    best = jaccard.max(axis=1) if len(labels_b) else np.zeros(len(labels_a))
    return {int(t): float(j) for t, j in zip(labels_a, best) if t != UNASSIGNED}


def theme_stability(reference: Assignments, others: Sequence[Assignments]) -> dict[int, float]:
    """Per theme of ``reference``: :func:`best_jaccard` averaged over the ``others`` runs."""
    if not others:
        raise ValueError("Stability needs at least one other run.")
    found = [best_jaccard(reference, other) for other in others]
    return {t: float(np.mean([f[t] for f in found])) for t in found[0]}


def pairwise_ari(runs: Sequence[Assignments]) -> list[float]:
    """Adjusted Rand index of every pair of runs (units without theme form one group)."""
    from sklearn.metrics import adjusted_rand_score

    if len(runs) < 2:
        raise ValueError("The ARI compares at least two runs.")
    return [float(adjusted_rand_score(a, b)) for a, b in combinations(runs, 2)]


def mean_ari(runs: Sequence[Assignments]) -> float:
    """:func:`pairwise_ari`, averaged."""
    return float(np.mean(pairwise_ari(runs)))


def measure(runs: Sequence[Assignments], seeds: Sequence[int], units: str = "segments") -> dict[str, Any]:
    """The card's ``stability`` block: runs[0] is the model's own assignment, seeds[i] the seed of runs[i].

    Returns:
        ``{"runs", "seeds", "units", "ari_mean", "ari_sd", "per_theme": {"<theme id>": jaccard}}``:
        ``ari_sd`` is the sample standard deviation of the pairwise ARIs (0 for two runs); values are
        rounded to three decimals, theme ids are strings (as JSON keys are).
    """
    if len(runs) != len(seeds):
        raise ValueError(f"{len(runs)} runs but {len(seeds)} seeds.")
    per_theme = theme_stability(runs[0], runs[1:])
    aris = pairwise_ari(runs)
    return {
        "runs": len(runs),
        "seeds": [int(s) for s in seeds],
        "units": units,
        "ari_mean": round(float(np.mean(aris)), 3),
        "ari_sd": round(float(np.std(aris, ddof=1)) if len(aris) > 1 else 0.0, 3),
        "per_theme": {str(t): round(v, 3) for t, v in sorted(per_theme.items())},
    }


def after_edits(
    per_theme: Mapping[str, float], mapping: Mapping[int, int], sizes: Mapping[int, int]
) -> dict[int, float]:
    """Stability of the themes after the user's edits.

    Args:
        per_theme: the card's ``per_theme`` (trained theme id as a string -> Jaccard).
        mapping: trained theme id -> theme id after merges and deletions (-1: deleted).
        sizes: trained theme id -> units, to weigh the parts of a merged theme.

    Returns:
        Live theme id -> stability: a renamed theme keeps its value, a merged theme gets
        the mean of its parts weighted by their sizes, a deleted theme is left out.
    """
    weights: dict[int, float] = {}
    totals: dict[int, float] = {}
    for key, value in per_theme.items():
        trained = int(key)
        target = mapping.get(trained, UNASSIGNED)
        if target == UNASSIGNED:
            continue
        weight = max(1, int(sizes.get(trained, 0)))
        weights[target] = weights.get(target, 0) + weight
        totals[target] = totals.get(target, 0.0) + weight * float(value)
    return {t: round(totals[t] / weights[t], 3) for t in totals}


def level(value: float) -> str:
    """« stable » from :data:`STABLE` (0.7) up, « fragile » under :data:`FRAGILE` (0.4), « moyen » between.

    At 0.7, a theme and its best match in another run share on average seven
    in ten of the units either holds: what it says does not depend on the seed.
    Under 0.4, they share fewer than four in ten: its contours are largely an
    effect of the seed, and its quotes and sizes are to be read with care.
    """
    if value >= STABLE:
        return "stable"
    return "moyen" if value >= FRAGILE else "fragile"
