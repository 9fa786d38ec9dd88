"""Class profiles: the forms and metadata values that characterise each class, and its typical segments.

For a class and a form (or a metadata value), the 2 × 2 table crosses « the
segment is in the class » with « the segment contains the form » over the
classified segments; the profile gives Pearson's χ² of that table (one degree
of freedom, no continuity correction), signed negative when the form is
rarer in the class than expected (under-represented), and its p-value.
A segment's score in its class is the sum of the χ² of the class's
over-represented forms (χ² > 3.84, p < 0.05) it contains, as IRaMuTeQ ranks
characteristic segments.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import chi2 as chi2_distribution

from .reinert import UNCLASSIFIED

SIGNIFICANT = 3.84
#: Metadata columns with more values than this are left out of the profiles.
MAX_VALUES = 50
_IGNORED = {"original_id"}


def signed_chi2(in_both: np.ndarray, in_class: np.ndarray | int, with_item: np.ndarray,
                total: int) -> tuple[np.ndarray, np.ndarray]:
    """Signed χ² and p-value of 2 × 2 tables given by their cell « both », margins and total.

    Examples:
        >>> chi2, p = signed_chi2(np.array([8, 1]), 10, np.array([10, 10]), 40)
        >>> [round(float(x), 3) for x in chi2]
        [21.511, -1.6]
    """
    a = np.asarray(in_both, dtype=float)
    row = np.asarray(in_class, dtype=float)
    col = np.asarray(with_item, dtype=float)
    b, c = row - a, col - a
    d = total - a - b - c
    with np.errstate(divide="ignore", invalid="ignore"):
        value = total * (a * d - b * c) ** 2 / (row * (total - row) * col * (total - col))
    value = np.nan_to_num(value, nan=0.0, posinf=0.0)
    value = np.where(a * total < row * col, -value, value)
    return value, chi2_distribution.sf(np.abs(value), 1)


def form_profiles(table: sp.csr_matrix, labels: np.ndarray, forms: list[str]) -> pd.DataFrame:
    """One row per class and form present in the classified segments.

    Columns: ``classe``, ``forme``, ``segments_classe`` (segments of the class with the form),
    ``segments`` (classified segments with it), ``part`` (share of the class's segments with it),
    ``chi2`` (signed), ``p``.
    """
    classified = labels != UNCLASSIFIED
    m = sp.csr_matrix(table)[np.flatnonzero(classified)]
    m.data[:] = 1.0
    kept = labels[classified]
    total = int(classified.sum())
    with_form = np.asarray(m.sum(axis=0)).ravel()
    present = np.flatnonzero(with_form > 0)
    frames = []
    for number in np.unique(kept):
        in_class = kept == number
        size = int(in_class.sum())
        both = np.asarray(m[np.flatnonzero(in_class)].sum(axis=0)).ravel()[present]
        value, p = signed_chi2(both, size, with_form[present], total)
        frames.append(pd.DataFrame({
            "classe": int(number), "forme": np.asarray(forms, dtype=object)[present],
            "segments_classe": both.astype(int), "segments": with_form[present].astype(int),
            "part": both / size, "chi2": value, "p": p,
        }))
    return _sorted(frames, ["classe", "forme", "segments_classe", "segments", "part", "chi2", "p"])


def metadata_profiles(documents: np.ndarray, labels: np.ndarray, metadata: dict[int, dict[str, Any]],
                      max_values: int = MAX_VALUES) -> pd.DataFrame:
    """One row per class and metadata value (``variable``, ``modalite``) of the classified segments' documents.

    A column with a single value, or more than ``max_values`` values, is left out.
    """
    classified = labels != UNCLASSIFIED
    docs, kept = np.asarray(documents)[classified], labels[classified]
    total = int(classified.sum())
    columns = sorted({key for meta in metadata.values() for key in meta} - _IGNORED)
    frames = []
    for column in columns:
        values = pd.Series([_text(metadata.get(int(d), {}).get(column)) for d in docs], dtype=object)
        distinct = values.dropna().unique()
        if not 2 <= len(distinct) <= max_values:
            continue
        for number in np.unique(kept):
            in_class = kept == number
            counts = values[in_class].value_counts()
            overall = values.value_counts()
            both = counts.reindex(overall.index, fill_value=0).to_numpy()
            value, p = signed_chi2(both, int(in_class.sum()), overall.to_numpy(), total)
            frames.append(pd.DataFrame({
                "classe": int(number), "variable": column, "modalite": overall.index.astype(str),
                "segments_classe": both.astype(int), "segments": overall.to_numpy().astype(int),
                "part": both / int(in_class.sum()), "chi2": value, "p": p,
            }))
    return _sorted(frames, ["classe", "variable", "modalite", "segments_classe", "segments", "part", "chi2", "p"])


def characteristic_segments(table: sp.csr_matrix, labels: np.ndarray, profiles: pd.DataFrame,
                            forms: list[str], n: int = 20) -> pd.DataFrame:
    """The ``n`` segments of each class with the highest score (``classe``, ``segment``, ``score``, ``rang``)."""
    index = {form: i for i, form in enumerate(forms)}
    m = sp.csr_matrix(table)
    rows = []
    for number, profile in profiles[profiles["chi2"] > SIGNIFICANT].groupby("classe"):
        weights = np.zeros(len(forms))
        weights[[index[f] for f in profile["forme"]]] = profile["chi2"].to_numpy()
        members = np.flatnonzero(labels == number)
        scores = (m[members] @ weights) if len(members) else np.array([])
        order = np.lexsort((members, -scores))[:n]
        rows += [(int(number), int(members[i]), float(scores[i]), rank) for rank, i in enumerate(order, 1)]
    return pd.DataFrame(rows, columns=["classe", "segment", "score", "rang"])


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _sorted(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(frames, ignore_index=True)
    return frame.sort_values(["classe", "chi2"], ascending=[True, False], kind="stable").reset_index(drop=True)
