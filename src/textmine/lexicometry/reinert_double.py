"""Double Reinert classification: crossing two simple ones made with two unit sizes (rainette2).

Every class of every level of the first classification (2, 3, … k classes)
is crossed with every class of every level of the second. A crossed class
(the segments in both) is kept when it has more than ``min_members``
segments and its association χ² (2 × 2 table, Yates' correction, as R's
``chisq.test`` computes it for rainette) exceeds ``min_chi2`` with the
segments over-represented; crossed classes with the same segments are kept
once. A partition is a set of crossed classes without a common segment; for
each number of classes the partition with the largest sum of χ² (ties: the
most segments) is the result, as rainette's default criterion. Segments in
no class of the partition stay unclassified, and their share is reported.

The search extends partitions one class at a time, like rainette; when a
level has more than ``beam`` partitions only the ``beam`` best by χ² and
the ``beam`` largest are extended (``exhaustive`` then says False).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..errors import TextmineError
from .reinert import UNCLASSIFIED


def association_chi2(n_both: int, n1: int, n2: int, n_total: int) -> float:
    """Signed χ² (Yates' correction) of the 2 × 2 table of two classes; negative when they avoid each other.

    Examples:
        >>> round(association_chi2(45, 121, 257, 1213), 4)
        19.5628
    """
    observed = np.array([[n_both, n1 - n_both], [n2 - n_both, n_total - n1 - n2 + n_both]], dtype=float)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / n_total
    if (expected == 0).any():
        return 0.0
    deviation = np.abs(observed - expected)
    value = float(np.sum((deviation - np.minimum(0.5, deviation)) ** 2 / expected))
    return -value if expected[0, 0] > n_both else value


@dataclass(frozen=True, slots=True)
class Crossed:
    """A crossed class: class ``class1`` of the first classification cut at ``level1`` classes, and so on."""

    level1: int
    class1: int
    level2: int
    class2: int
    members: np.ndarray
    chi2: float

    @property
    def name(self) -> str:
        return f"{self.level1}.{self.class1}×{self.level2}.{self.class2}"

    @property
    def size(self) -> int:
        return len(self.members)


def crossed_classes(levels1: list[np.ndarray], levels2: list[np.ndarray], min_members: int = 10,
                    min_chi2: float = 3.84) -> list[Crossed]:
    """Crossed classes large and associated enough, each set of segments once."""
    n_total = len(levels1[0]) if levels1 else 0
    found, seen = [], set()
    for labels1 in levels1:
        for labels2 in levels2:
            both = (labels1 != UNCLASSIFIED) & (labels2 != UNCLASSIFIED)
            counts1 = np.bincount(labels1, minlength=labels1.max() + 1)
            counts2 = np.bincount(labels2, minlength=labels2.max() + 1)
            pairs = labels1[both] * (labels2.max() + 1) + labels2[both]
            values, sizes = np.unique(pairs, return_counts=True)
            for value, size in zip(values, sizes, strict=True):
                g1, g2 = divmod(int(value), int(labels2.max()) + 1)
                if size <= min_members:
                    continue
                chi2 = association_chi2(int(size), int(counts1[g1]), int(counts2[g2]), n_total)
                if chi2 <= min_chi2:
                    continue
                members = np.flatnonzero((labels1 == g1) & (labels2 == g2))
                key = members.tobytes()
                if key not in seen:
                    seen.add(key)
                    found.append(Crossed(int(labels1.max()), g1, int(labels2.max()), g2, members, chi2))
    return found


@dataclass
class DoubleResult:
    """The partition found: ``labels`` (class 1… of each segment, 0 unclassified) and its crossed classes."""

    labels: np.ndarray
    classes: list[Crossed]
    candidates: int
    exhaustive: bool
    messages: list[str]


def best_partition(crossed: list[Crossed], n_segments: int, k: int, beam: int = 2000) -> DoubleResult:
    """The partition of at most ``k`` crossed classes with the largest sum of χ² at the largest size found."""
    if len(crossed) < 2:
        raise TextmineError(
            "Classification double impossible : moins de deux classes croisées assez grandes et associées "
            "(χ² > 3,84). Baissez --min-forms, demandez moins de classes (--k) ou utilisez la classification simple.")
    count = len(crossed)
    membership = sp.csr_matrix(
        (np.ones(sum(c.size for c in crossed)),
         (np.repeat(np.arange(count), [c.size for c in crossed]), np.concatenate([c.members for c in crossed]))),
        shape=(count, n_segments))
    # A class may only follow classes of lower index (each partition is built once) and must not overlap them.
    blocked_by = ((membership @ membership.T).toarray() > 0) | np.tri(count, dtype=bool).T
    chi2 = np.array([c.chi2 for c in crossed])
    size = np.array([c.size for c in crossed], dtype=float)
    parts = np.arange(count)[:, None]
    blocked = blocked_by.copy()
    score, total = chi2.copy(), size.copy()
    best, exhaustive, messages = None, True, []
    for level in range(2, k + 1):
        b, j = np.nonzero(~blocked)
        if len(b) == 0:
            messages.append(f"Aucune partition en {level} classes croisées : la classification double en garde "
                            f"{level - 1}.")
            break
        new_score, new_total = score[b] + chi2[j], total[b] + size[j]
        if len(b) > beam:
            exhaustive = False
            keep = np.union1d(np.lexsort((-new_total, -new_score))[:beam], np.lexsort((-new_score, -new_total))[:beam])
            b, j, new_score, new_total = b[keep], j[keep], new_score[keep], new_total[keep]
        parts = np.hstack([parts[b], j[:, None]])
        blocked = blocked[b] | blocked_by[j]
        score, total = new_score, new_total
        best = parts[np.lexsort((-total, -score))[0]]
    if best is None:
        raise TextmineError(
            "Classification double impossible : les classes croisées se recouvrent toutes. Baissez --min-forms "
            "ou utilisez la classification simple.")
    chosen = sorted((crossed[i] for i in best), key=lambda c: (-c.size, c.name))
    labels = np.full(n_segments, UNCLASSIFIED, dtype=np.int64)
    for number, crossed_class in enumerate(chosen, 1):
        labels[crossed_class.members] = number
    return DoubleResult(labels, chosen, count, exhaustive, messages)
