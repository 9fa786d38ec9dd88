"""Correspondence analysis (AFC) of a contingency table, with numpy's SVD.

For a table ``N`` (rows × columns) of total ``n``: ``P = N / n``, row and
column masses ``r`` and ``c``, and the standardised residuals
``S = D_r^-1/2 (P − r cᵀ) D_c^-1/2``. With ``S = U Σ Vᵀ``, the eigenvalues are
``σ²`` (their sum is the total inertia, ``chi² / n``), the principal
coordinates of rows ``F = D_r^-1/2 U Σ`` and of columns ``G = D_c^-1/2 V Σ``;
the transition formulas hold (``F = D_r^-1 P G Σ^-1``). The contribution of a
row to a factor is ``r_i F_ik² / λ_k`` (each factor's contributions sum to
1), its quality (cos²) ``F_ik² / Σ_k F_ik²``.

Each factor's sign is fixed (the column with the largest absolute coordinate
is positive) so that the same table always gives the same picture. Rows and
columns that are all zero carry no information and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import TextmineError


@dataclass(frozen=True)
class CA:
    """A fitted correspondence analysis; coordinates and contributions have one column per factor."""

    eigenvalues: np.ndarray
    total_inertia: float
    rows: pd.DataFrame
    columns: pd.DataFrame
    row_contributions: pd.DataFrame
    column_contributions: pd.DataFrame
    row_cos2: pd.DataFrame
    column_cos2: pd.DataFrame
    row_masses: pd.Series
    column_masses: pd.Series

    @property
    def inertia_share(self) -> np.ndarray:
        """Share of the total inertia of each factor."""
        return self.eigenvalues / self.total_inertia if self.total_inertia > 0 else self.eigenvalues * 0.0

    def eigen_table(self) -> pd.DataFrame:
        """Factor, eigenvalue, share and cumulated share of inertia (in %)."""
        share = 100 * self.inertia_share
        return pd.DataFrame({"facteur": np.arange(1, len(self.eigenvalues) + 1), "valeur_propre": self.eigenvalues,
                             "inertie_pct": share, "cumul_pct": np.cumsum(share)})


def correspondence_analysis(table: pd.DataFrame | np.ndarray, n_factors: int = 5) -> CA:
    """Correspondence analysis of ``table`` on its first ``n_factors`` factors.

    Args:
        table: non-negative counts; a DataFrame's index and columns name the rows and columns.
        n_factors: factors kept (at most ``min(rows, columns) − 1``).

    Raises:
        TextmineError: negative counts, or fewer than two non-empty rows or columns.

    Examples:
        >>> ca = correspondence_analysis(pd.DataFrame([[10, 0], [0, 10]], index=["a", "b"], columns=["X", "Y"]))
        >>> ca.eigenvalues.round(3).tolist(), ca.rows["F1"].round(3).tolist()
        ([1.0], [1.0, -1.0])
    """
    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(np.asarray(table))
    counts = frame.to_numpy(dtype=float)
    if counts.size and ((counts < 0).any() or not np.isfinite(counts).all()):
        raise TextmineError("L'analyse des correspondances demande des effectifs positifs ou nuls.")
    keep_rows, keep_cols = counts.sum(axis=1) > 0, counts.sum(axis=0) > 0
    frame, counts = frame.loc[keep_rows, keep_cols], counts[keep_rows][:, keep_cols]
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        raise TextmineError(
            "L'analyse des correspondances demande au moins deux lignes et deux colonnes non vides : "
            "ajoutez des formes ou des modalités."
        )
    p = counts / counts.sum()
    r, c = p.sum(axis=1), p.sum(axis=0)
    residuals = (p - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    u, sigma, vt = np.linalg.svd(residuals, full_matrices=False)
    k = max(1, min(n_factors, min(counts.shape) - 1))
    total = float((sigma**2).sum())
    u, sigma, v = u[:, :k], sigma[:k], vt[:k].T
    signs = np.sign(v[np.abs(v).argmax(axis=0), np.arange(k)])
    signs[signs == 0] = 1.0
    u, v = u * signs, v * signs
    rows = u * sigma / np.sqrt(r)[:, None]
    cols = v * sigma / np.sqrt(c)[:, None]
    eigen = sigma**2
    names = [f"F{i}" for i in range(1, k + 1)]

    def frame_of(values: np.ndarray, index: pd.Index) -> pd.DataFrame:
        return pd.DataFrame(values, index=index, columns=names)

    with np.errstate(divide="ignore", invalid="ignore"):
        row_ctr = np.where(eigen > 0, r[:, None] * rows**2 / eigen, 0.0)
        col_ctr = np.where(eigen > 0, c[:, None] * cols**2 / eigen, 0.0)
        row_d2 = (((p / r[:, None]) - c) ** 2 / c).sum(axis=1)
        col_d2 = (((p / c[None, :]) - r[:, None]) ** 2 / r[:, None]).sum(axis=0)
        row_cos2 = np.where(row_d2[:, None] > 0, rows**2 / row_d2[:, None], 0.0)
        col_cos2 = np.where(col_d2[:, None] > 0, cols**2 / col_d2[:, None], 0.0)
    return CA(
        eigenvalues=eigen, total_inertia=total,
        rows=frame_of(rows, frame.index), columns=frame_of(cols, frame.columns),
        row_contributions=frame_of(row_ctr, frame.index), column_contributions=frame_of(col_ctr, frame.columns),
        row_cos2=frame_of(row_cos2, frame.index), column_cos2=frame_of(col_cos2, frame.columns),
        row_masses=pd.Series(r, index=frame.index), column_masses=pd.Series(c, index=frame.columns),
    )


def top_contributors(ca: CA, n: int = 30, factors: tuple[str, ...] = ("F1", "F2")) -> pd.Index:
    """The ``n`` rows contributing most to the given factors (summed contributions weighted by eigenvalue)."""
    present = [f for f in factors if f in ca.row_contributions.columns]
    weights = ca.eigenvalues[[ca.row_contributions.columns.get_loc(f) for f in present]]
    weight = (ca.row_contributions[present] * weights).sum(axis=1)
    return weight.nlargest(n).index
