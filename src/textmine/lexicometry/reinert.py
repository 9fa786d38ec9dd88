"""Reinert's descending hierarchical classification (CHD) of text segments, on binary tables.

A table has one row per unit (a segment, or consecutive segments of one
document merged until they hold ``min_forms`` active forms) and one column
per active form, 1 when the form occurs in the unit. The method, as Max
Reinert describes it and as rainette (J. Barnier) and IRaMuTeQ implement it:

1. order the units of the class to split along the first factor of a
   correspondence analysis of its table;
2. cut that order where the χ² of the 2 × forms table of the two groups'
   summed rows is largest;
3. move, one at a time, the unit whose move raises that χ² most, while it rises;
4. drop forms as rainette does: in each new class, a form is kept only when it
   occurs in at least ``tsj`` of its units and, when its contingency
   coefficient between the two groups exceeds ``cc_test``, only in the group
   where it is over-represented; units left without any form are set aside
   (unclassified), as in rainette;
5. split the class with the most units next, until ``k`` classes, or until no
   class has ``min_split_members`` units or a table of at least 3 × 3.

Classes are numbered left to right in the dendrogram (rainette's order). The
double classification (``double_classification``) crosses two simple ones
made with two unit sizes, as rainette2 does. Everything is deterministic: the
correspondence analysis starts from a fixed vector and the factor's sign is
fixed (the unit furthest from the centre comes first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, svds

from ..errors import TextmineError

Progress = Callable[[str, int, int], None]
UNCLASSIFIED = 0
# Above this many cells the CA runs on an implicit matrix (ARPACK) instead of a dense SVD.
_DENSE_CELLS = 20_000


def segment_table(token_segment: np.ndarray, token_form: np.ndarray, n_segments: int, n_forms: int) -> sp.csr_matrix:
    """Binary segment × form table from the segment and form index of each token (-1: none)."""
    keep = (token_segment >= 0) & (token_form >= 0)
    table = sp.csr_matrix(
        (np.ones(int(keep.sum())), (token_segment[keep], token_form[keep])), shape=(n_segments, n_forms)
    )
    table.data[:] = 1.0
    table.sum_duplicates()
    table.data[:] = 1.0
    return table


def merge_segments(table: sp.csr_matrix, documents: np.ndarray, min_forms: int) -> np.ndarray:
    """Unit of each segment: consecutive segments of one document merged until ``min_forms`` distinct forms.

    rainette's ``merge_segments`` and IRaMuTeQ's « rst »: a unit too small at
    the end of a document joins the previous unit of that document, if any.
    Returns the unit number of each segment (0, 1, … in order).

    Examples:
        >>> t = sp.csr_matrix(np.array([[1, 0, 0], [0, 1, 0], [1, 1, 1], [1, 0, 0]]))
        >>> merge_segments(t, np.array([1, 1, 1, 2]), 2).tolist()
        [0, 0, 1, 2]
    """
    n = table.shape[0]
    units = np.arange(n)
    if min_forms <= 1 or n == 0:
        return units
    indptr, indices = table.indptr, table.indices
    start, forms = 0, set()
    for i in range(n):
        if i > 0 and documents[i] != documents[i - 1]:
            _close(units, documents, start, i, forms, min_forms)
            start, forms = i, set()
        elif len(forms) >= min_forms:
            start, forms = i, set()
        units[i] = start
        forms.update(indices[indptr[i] : indptr[i + 1]].tolist())
    _close(units, documents, start, n, forms, min_forms)
    return np.unique(units, return_inverse=True)[1]


def _close(units: np.ndarray, documents: np.ndarray, start: int, stop: int, forms: set, min_forms: int) -> None:
    """A unit that ends a document too small joins the previous unit of the same document."""
    if len(forms) < min_forms and start > 0 and documents[start - 1] == documents[start]:
        units[start:stop] = units[start - 1]


def unit_table(table: sp.csr_matrix, units: np.ndarray) -> sp.csr_matrix:
    """Binary unit × form table: the forms present in any segment of each unit."""
    n_units = int(units.max()) + 1 if len(units) else 0
    grouping = sp.csr_matrix((np.ones(len(units)), (units, np.arange(len(units)))), shape=(n_units, len(units)))
    merged = (grouping @ table).tocsr()
    merged.data[:] = 1.0
    return merged


def ca_order(table: sp.spmatrix | np.ndarray) -> np.ndarray:
    """Rows ordered by their coordinate on the first factor of a correspondence analysis.

    Ties keep row order; the sign is fixed so that the row furthest from the
    centre comes first.
    """
    m = sp.csr_matrix(table, dtype=float)
    total = m.sum()
    r = np.asarray(m.sum(axis=1)).ravel() / total
    c = np.asarray(m.sum(axis=0)).ravel() / total
    sr, sc = np.sqrt(r), np.sqrt(c)
    if m.shape[0] * m.shape[1] <= _DENSE_CELLS:
        s = (m.toarray() / total - np.outer(r, c)) / np.outer(sr, sc)
        u = np.linalg.svd(s, full_matrices=False)[0][:, 0]
    else:
        p = m / total

        def matvec(x: np.ndarray) -> np.ndarray:
            y = x.ravel() / sc
            return (p @ y - r * (c @ y)) / sr

        def rmatvec(x: np.ndarray) -> np.ndarray:
            y = x.ravel() / sr
            return (p.T @ y - c * (r @ y)) / sc

        op = LinearOperator(m.shape, matvec=matvec, rmatvec=rmatvec, dtype=float)
        v0 = np.linspace(1.0, 2.0, min(m.shape))
        u = svds(op, k=1, v0=v0 / np.linalg.norm(v0), solver="arpack", random_state=0)[0][:, 0]
    coord = u / sr
    if coord[np.argmax(np.abs(coord))] > 0:
        coord = -coord
    return np.argsort(np.round(coord, 12), kind="stable")


def _chi2(s: np.ndarray | float, r1: np.ndarray | float, total: float) -> np.ndarray:
    """χ² of the 2 × p table (group 1, rest) from S = Σ a_j² / c_j and the group's total r1."""
    r2 = total - np.asarray(r1, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = total**2 / (r1 * r2) * (s - np.asarray(r1, dtype=float) ** 2 / total)
    return np.where((np.asarray(r1) > 0) & (r2 > 0), value, -np.inf)


def grouped_chi2(table: sp.spmatrix | np.ndarray, group1: np.ndarray) -> float:
    """χ² of the table of column sums of the rows in ``group1`` (a mask) against the others."""
    m = sp.csr_matrix(table, dtype=float)
    c = np.asarray(m.sum(axis=0)).ravel()
    a = np.asarray(m[np.flatnonzero(group1)].sum(axis=0)).ravel()
    return float(_chi2(np.sum(a**2 / c), a.sum(), c.sum()))


def best_cut(table: sp.spmatrix | np.ndarray, order: np.ndarray) -> tuple[int, float]:
    """Cut of ``order`` maximising the grouped χ²: (number of rows in the first group, χ²)."""
    m = sp.csr_matrix(table, dtype=float)
    c = np.asarray(m.sum(axis=0)).ravel()
    total = c.sum()
    a = np.zeros_like(c)
    s, r1 = 0.0, 0.0
    values = np.empty(len(order) - 1)
    for i, row in enumerate(order[:-1]):
        cols = m.indices[m.indptr[row] : m.indptr[row + 1]]
        s += np.sum((2 * a[cols] + 1) / c[cols])
        a[cols] += 1
        r1 += len(cols)
        values[i] = _chi2(s, r1, total)
    best = int(np.argmax(values))
    return best + 1, float(values[best])


def switch_rows(table: sp.spmatrix | np.ndarray, group1: np.ndarray, chi2: float) -> tuple[np.ndarray, float]:
    """Move rows between the two groups, the best move first, while the grouped χ² rises.

    Returns the new mask of the first group and its χ².
    """
    m = sp.csr_matrix(table, dtype=float)
    group1 = np.asarray(group1, dtype=bool).copy()
    c = np.asarray(m.sum(axis=0)).ravel()
    total = c.sum()
    sizes = np.asarray(m.sum(axis=1)).ravel()
    while True:
        a = np.asarray(m[np.flatnonzero(group1)].sum(axis=0)).ravel()
        s, r1 = np.sum(a**2 / c), a.sum()
        leave = s - m @ ((2 * a - 1) / c)  # a row of group 1 moves out
        join = s + m @ ((2 * a + 1) / c)  # a row of group 2 moves in
        values = np.where(group1, _chi2(leave, r1 - sizes, total), _chi2(join, r1 + sizes, total))
        best = int(np.argmax(values))
        if not values[best] > chi2 * (1 + 1e-12):
            return group1, chi2
        group1[best] = not group1[best]
        chi2 = float(values[best])


def select_forms(table: sp.spmatrix | np.ndarray, group1: np.ndarray, cc_test: float = 0.3,
                 tsj: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Columns kept in each group after a split (rainette's ``select_features``): two masks."""
    m = sp.csr_matrix(table, dtype=float)
    a = np.asarray(m[np.flatnonzero(group1)].sum(axis=0)).ravel()
    b = np.asarray(m[np.flatnonzero(~np.asarray(group1, dtype=bool))].sum(axis=0)).ravel()
    c, total = a + b, a.sum() + b.sum()
    e1, e2 = c * a.sum() / total, c * b.sum() / total
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = np.nan_to_num((a - e1) ** 2 / e1) + np.nan_to_num((b - e2) ** 2 / e2)
        cc = np.sqrt(chi2 / (chi2 + c))
    shared = cc <= cc_test
    return (a >= tsj) & (shared | (a > e1)), (b >= tsj) & (shared | (b > e2))


@dataclass
class _Group:
    rows: np.ndarray  # unit indices
    cols: np.ndarray  # form indices still used in this class
    node: int


@dataclass
class ReinertCHD:
    """Simple Reinert classification of the rows of a binary table.

    Args:
        k: number of terminal classes wanted (at least 2).
        min_split_members: a class with fewer units is not split.
        cc_test: contingency coefficient above which a form stays only where it is over-represented.
        tsj: minimum number of units of a class where a form occurs for it to stay in that class.

    Attributes set by ``fit``: ``labels_`` (class 1…k of each row, 0 when
    unclassified), ``levels_`` (the labels after each split, for 2, 3, … classes),
    ``nodes_`` (the dendrogram: id, parent, children, size, χ² of its split,
    terminal class), ``messages_`` (why the classification stopped early).

    Examples:
        >>> m = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1], [0, 1, 1, 1], [1, 1, 0, 0], [0, 0, 1, 1]])
        >>> ReinertCHD(k=2, min_split_members=3, tsj=1).fit(m).labels_.tolist()
        [1, 1, 2, 2, 1, 2]
    """

    k: int = 10
    min_split_members: int = 5
    cc_test: float = 0.3
    tsj: int = 3
    labels_: np.ndarray = field(init=False, repr=False)
    levels_: list[np.ndarray] = field(init=False, repr=False)
    nodes_: list[dict] = field(init=False, repr=False)
    messages_: list[str] = field(init=False, repr=False)

    def fit(self, table: sp.spmatrix | np.ndarray, progress: Progress | None = None) -> ReinertCHD:
        if self.k < 2:
            raise TextmineError(
                f"Le nombre de classes doit être au moins 2 (reçu : {self.k}) : indiquez --k 2 ou plus.")
        m = sp.csr_matrix(table, dtype=float)
        m.data[:] = 1.0
        n = m.shape[0]
        rows = np.flatnonzero(np.asarray(m.sum(axis=1)).ravel() > 0)
        self.nodes_ = [{"id": 0, "parent": None, "children": [], "size": len(rows), "chi2": None, "classe": None}]
        self.levels_, self.messages_ = [], []
        groups = [_Group(rows, np.arange(m.shape[1]), 0)]
        for step in range(self.k - 1):
            at = max(range(len(groups)), key=lambda g: (len(groups[g].rows), -g))
            group = groups[at]
            if len(group.rows) < self.min_split_members:
                self.messages_.append(
                    f"Arrêt à {len(groups)} classes : aucune classe n'a {self.min_split_members} unités ou plus.")
                break
            split = self._split(m, group)
            if split is None:
                self.messages_.append(
                    f"Arrêt à {len(groups)} classes : la classe à diviser a moins de 3 unités ou de 3 formes actives.")
                break
            groups[at : at + 1] = split
            self.levels_.append(_labels(groups, n))
            if progress:
                progress("classification", step + 1, self.k - 1)
        if len(groups) < 2:
            raise TextmineError(
                "Classification impossible : le corpus est trop petit ou trop homogène pour former deux classes. "
                "Ajoutez des textes, baissez --min-forms ou la fréquence minimale des formes actives.")
        self.labels_ = _labels(groups, n)
        for number, group in enumerate(groups, 1):
            self.nodes_[group.node]["classe"] = number
        return self

    def _split(self, m: sp.csr_matrix, group: _Group) -> list[_Group] | None:
        sub = m[group.rows][:, group.cols]
        present = np.asarray(sub.sum(axis=1)).ravel() > 0
        used = np.asarray(sub.sum(axis=0)).ravel() > 0
        rows, cols = group.rows[present], group.cols[used]
        sub = sub[np.flatnonzero(present)][:, np.flatnonzero(used)]
        if sub.shape[0] < 3 or sub.shape[1] < 3:
            return None
        order = ca_order(sub)
        cut, chi2 = best_cut(sub, order)
        first = np.zeros(sub.shape[0], dtype=bool)
        first[order[:cut]] = True
        first, chi2 = switch_rows(sub, first, chi2)
        keep1, keep2 = select_forms(sub, first, self.cc_test, self.tsj)
        parent = self.nodes_[group.node]
        parent["chi2"] = chi2
        children = []
        for mask, keep in ((first, keep1), (~first, keep2)):
            node = len(self.nodes_)
            self.nodes_.append({"id": node, "parent": group.node, "children": [], "size": int(mask.sum()),
                                "chi2": None, "classe": None})
            parent["children"].append(node)
            children.append(_Group(rows[mask], cols[keep], node))
        return children


def drop_small_classes(labels: np.ndarray, min_size: int) -> tuple[np.ndarray, dict[int, int]]:
    """Classes with fewer than ``min_size`` members become unclassified; the others are renumbered 1, 2, …

    Returns the new labels and the new number of each old class (0 when dropped).

    Examples:
        >>> labels, numbers = drop_small_classes(np.array([1, 1, 1, 2, 3, 3, 3, 0]), 3)
        >>> labels.tolist(), numbers
        ([1, 1, 1, 0, 2, 2, 2, 0], {1: 1, 2: 0, 3: 2})
    """
    labels = np.asarray(labels, dtype=np.int64)
    counts = np.bincount(labels, minlength=1)
    numbers, following = {}, 0
    for old in range(1, len(counts)):
        if counts[old] == 0:
            continue
        if counts[old] >= min_size:
            following += 1
            numbers[old] = following
        else:
            numbers[old] = UNCLASSIFIED
    table = np.zeros(len(counts), dtype=np.int64)
    for old, new in numbers.items():
        table[old] = new
    return table[labels], numbers


def _labels(groups: list[_Group], n: int) -> np.ndarray:
    labels = np.full(n, UNCLASSIFIED, dtype=np.int64)
    for number, group in enumerate(groups, 1):
        labels[group.rows] = number
    return labels
