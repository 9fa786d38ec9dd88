"""Correspondence analysis: inertia = chi²/N, transition formulas, contributions, a 2 × 2 case, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from textmine.errors import TextmineError
from textmine.lexicometry.ca import correspondence_analysis, top_contributors

ROBESPIERRE = Path(__file__).parent / "data" / "robespierre.csv"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return pd.read_csv(ROBESPIERRE, index_col=0)


def test_total_inertia_is_chi2_over_n_and_eigenvalues_sum_to_it(table):
    ca = correspondence_analysis(table, n_factors=10)
    chi2 = chi2_contingency(table.to_numpy(), correction=False)[0]
    assert ca.total_inertia == pytest.approx(chi2 / table.to_numpy().sum())
    assert len(ca.eigenvalues) == 5  # min(6, 10) - 1 factors
    assert ca.eigenvalues.sum() == pytest.approx(ca.total_inertia)
    assert (np.diff(ca.eigenvalues) <= 1e-15).all()
    assert ca.eigen_table()["cumul_pct"].iloc[-1] == pytest.approx(100)


def test_transition_formulas_and_centring(table):
    ca = correspondence_analysis(table, n_factors=3)
    p = table.to_numpy() / table.to_numpy().sum()
    r, c = p.sum(axis=1), p.sum(axis=0)
    sigma = np.sqrt(ca.eigenvalues)
    rows_from_cols = (p / r[:, None]) @ ca.columns.to_numpy() / sigma
    cols_from_rows = (p / c[None, :]).T @ ca.rows.to_numpy() / sigma
    np.testing.assert_allclose(rows_from_cols, ca.rows.to_numpy(), atol=1e-10)
    np.testing.assert_allclose(cols_from_rows, ca.columns.to_numpy(), atol=1e-10)
    np.testing.assert_allclose(r @ ca.rows.to_numpy(), 0, atol=1e-12)  # weighted mean of rows at the origin
    np.testing.assert_allclose((r[:, None] * ca.rows.to_numpy() ** 2).sum(axis=0), ca.eigenvalues)


def test_contributions_and_cos2(table):
    ca = correspondence_analysis(table, n_factors=5)
    np.testing.assert_allclose(ca.row_contributions.sum(axis=0), 1)
    np.testing.assert_allclose(ca.column_contributions.sum(axis=0), 1)
    np.testing.assert_allclose(ca.row_cos2.sum(axis=1), 1)  # all factors kept: quality 1
    assert list(top_contributors(ca, n=2)) == list(
        (ca.row_contributions[["F1", "F2"]] * ca.eigenvalues[:2]).sum(axis=1).nlargest(2).index)


def test_two_by_two_by_hand():
    # rows masses 1/2, columns 1/2; phi² = ((a d − b c)² / (r1 r2 c1 c2 N²)) = 0.36
    table = pd.DataFrame([[40, 10], [10, 40]], index=["a", "b"], columns=["X", "Y"])
    ca = correspondence_analysis(table)
    assert ca.eigenvalues.tolist() == pytest.approx([0.36])
    assert ca.rows["F1"].tolist() == pytest.approx([0.6, -0.6])
    assert ca.columns["F1"].tolist() == pytest.approx([0.6, -0.6])


def test_signs_are_stable_and_empty_lines_dropped(table):
    padded = table.copy()
    padded.loc["vide"] = 0
    one = correspondence_analysis(table)
    two = correspondence_analysis(padded)
    assert "vide" not in two.rows.index
    pd.testing.assert_frame_equal(one.rows, two.rows)


def test_bad_tables():
    with pytest.raises(TextmineError, match="au moins deux lignes et deux colonnes"):
        correspondence_analysis(pd.DataFrame([[1, 2]]))
    with pytest.raises(TextmineError, match="au moins deux lignes"):
        correspondence_analysis(pd.DataFrame([[1, 0], [0, 0]]))
    with pytest.raises(TextmineError, match="positifs"):
        correspondence_analysis(np.array([[1, -1], [2, 3]]))
