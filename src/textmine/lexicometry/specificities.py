"""Specificities: which forms over- or under-use each part of a corpus (a metadata value, a theme, a class).

A lexical table counts each form (rows) in each part (columns). For a cell
with ``k`` occurrences of a form of total frequency ``f`` in a part of ``t``
tokens out of ``T``, the count expected by chance follows the hypergeometric
law (``t`` tokens drawn without replacement from ``T``, ``f`` of them the form).

- **Lafon** (the textometry package, TXM, IRaMuTeQ's « spécificités »): when
  ``k`` is at least the expected ``f·t/T`` the score is ``−log10 P(X ≥ k)``
  (positive: over-represented), otherwise ``log10 P(X ≤ k)`` (negative:
  under-represented). A score of 2 means a chance of 1 in 100 to see that many
  occurrences or more; |score| ≥ 2 is the usual reading threshold.
- **chi²**: Pearson's chi² of the 2 × 2 table (the form or not, in the part or
  not), without continuity correction, signed like Lafon (negative when the
  part under-uses the form); 3.84 is the 5 % threshold for one degree of freedom.

Part sizes count every token of a part, also those of the forms not shown, so
a table filtered to frequent forms keeps its true margins (``sizes``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import gammaln

from ..errors import TextmineError
from ..workspace import Workspace

METHODS = ("lafon", "chi2")
UNIT_COLUMNS = {"lemme": "lemma", "forme": "form"}
#: A metadata column with more values than this is refused: regroup it first.
MAX_MODALITIES = 60


def lafon(table: pd.DataFrame, sizes: pd.Series | None = None) -> pd.DataFrame:
    """Lafon specificity score of every cell (see the module docstring).

    Args:
        table: counts, forms × parts (non-negative integers); each row must hold all the form's occurrences.
        sizes: tokens in each part, when the table leaves some forms out (default: the column sums).

    Examples:
        >>> t = pd.DataFrame({"A": [10, 90], "B": [0, 100]}, index=["x", "autres"])
        >>> lafon(t).round(2).loc["x"].tolist()
        [3.11, -3.11]
    """
    counts, f, t, total = _margins(table, sizes)
    over = counts >= f * t / total
    n_white = np.broadcast_to(f, counts.shape)
    n_draws = np.broadcast_to(t, counts.shape)
    log_tail = np.empty_like(counts)
    for side in (True, False):
        cells = over == side
        log_tail[cells] = log_tail_hypergeom(counts[cells], total, n_white[cells], n_draws[cells], upper=side)
    log_tail = np.minimum(log_tail / np.log(10), 0.0)
    values = np.where(over, -log_tail, log_tail) + 0.0  # + 0.0 turns -0.0 into 0.0
    return pd.DataFrame(values, index=table.index, columns=table.columns)


def _log_choose(n: np.ndarray, k: np.ndarray) -> np.ndarray:
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def log_tail_hypergeom(k: np.ndarray, total: float, white: np.ndarray, drawn: np.ndarray,
                       upper: bool) -> np.ndarray:
    """Natural log of P(X ≥ k) (``upper``) or P(X ≤ k) for hypergeometric X, cell by cell.

    The tail is the probability of ``k`` times the sum of the next terms, each
    obtained from the previous one by the ratio of consecutive probabilities, in
    logs: exact to rounding, without underflow, and much faster than scipy's
    ``hypergeom.cdf`` on large tables.
    """
    k, white, drawn = (np.asarray(a, dtype=float) for a in (k, white, drawn))
    log_pmf = _log_choose(white, k) + _log_choose(total - white, drawn - k) - _log_choose(np.full_like(k, total), drawn)
    sums = np.ones_like(k)
    term = np.ones_like(k)
    j = k.copy()
    active = np.flatnonzero(np.ones(k.shape, dtype=bool))
    low, high = np.maximum(0.0, drawn - (total - white)), np.minimum(white, drawn)
    while active.size:
        jj, w, d = j[active], white[active], drawn[active]
        if upper:
            ratio = np.where(jj < high[active], (w - jj) * (d - jj) / ((jj + 1) * (total - w - d + jj + 1)), 0.0)
            j[active] = jj + 1
        else:
            ratio = np.where(jj > low[active], jj * (total - w - d + jj) / ((w - jj + 1) * (d - jj + 1)), 0.0)
            j[active] = jj - 1
        term[active] *= ratio
        sums[active] += term[active]
        active = active[term[active] > 1e-17 * sums[active]]
    return log_pmf + np.log(sums)


def chi2(table: pd.DataFrame, sizes: pd.Series | None = None) -> pd.DataFrame:
    """Signed chi² of every cell's 2 × 2 table (see the module docstring).

    Examples:
        >>> t = pd.DataFrame({"A": [10, 90], "B": [0, 100]}, index=["x", "autres"])
        >>> chi2(t).round(2).loc["x"].tolist()
        [10.53, -10.53]
    """
    counts, f, t, total = _margins(table, sizes)
    a = counts
    b = f - a  # the form elsewhere
    c = t - a  # other tokens of the part
    d = total - a - b - c
    denominator = f * (total - f) * t * (total - t)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(denominator > 0, total * (a * d - b * c) ** 2 / denominator, 0.0)
    sign = np.where(a >= f * t / total, 1.0, -1.0)
    return pd.DataFrame(sign * value + 0.0, index=table.index, columns=table.columns)


def _margins(table: pd.DataFrame, sizes: pd.Series | None) -> tuple[np.ndarray, ...]:
    if table.empty:
        raise TextmineError("Le tableau lexical est vide : aucune forme à comparer.")
    counts = table.to_numpy(dtype=float)
    if (counts < 0).any() or not np.isfinite(counts).all():
        raise TextmineError("Le tableau lexical doit contenir des effectifs positifs ou nuls.")
    t = (table.sum(axis=0) if sizes is None else sizes.reindex(table.columns)).to_numpy(dtype=float)
    if np.isnan(t).any() or (t < counts.sum(axis=0)).any():
        raise TextmineError("La taille d'une partie est inférieure à ses effectifs : tailles des parties incohérentes.")
    f = counts.sum(axis=1, keepdims=True)
    return counts, f, t[None, :], float(t.sum())


def scores(table: pd.DataFrame, method: str = "lafon", sizes: pd.Series | None = None) -> pd.DataFrame:
    """Scores by ``method`` (« lafon » or « chi2 »)."""
    if method not in METHODS:
        raise TextmineError(f"Méthode « {method} » inconnue : choisissez {' ou '.join(METHODS)}.")
    return lafon(table, sizes) if method == "lafon" else chi2(table, sizes)


def lexical_table(tokens: pd.DataFrame, parts: pd.Series, unit: str = "lemma") -> tuple[pd.DataFrame, pd.Series]:
    """Forms × parts counts, and each part's size in tokens.

    Args:
        tokens: a token table (``tokens.corpus_tokens``).
        parts: the part of each token (aligned on ``tokens``' index); tokens with no part are left out.
        unit: « lemma » or « form ».
    """
    if unit not in ("lemma", "form"):
        raise TextmineError(f"Unité « {unit} » inconnue : « lemme » ou « forme ».")
    kept = parts.notna()
    words, labels = tokens.loc[kept, unit], parts[kept].astype(str)
    table = pd.crosstab(words, labels)
    table.index.name, table.columns.name = "terme", "partie"
    return table, table.sum(axis=0)


def specific_terms(
    table: pd.DataFrame, sizes: pd.Series, method: str = "lafon", min_freq: int = 3, n: int = 20,
    terms: set[str] | None = None,
) -> pd.DataFrame:
    """The most over- and under-represented terms of each part, as a long table.

    Returns columns ``part, term, count, total, expected, score`` (``n`` positive
    and ``n`` negative scores per part at most, strongest first).
    """
    frequent = table[table.sum(axis=1) >= min_freq]
    if terms is not None:
        frequent = frequent[frequent.index.isin(terms)]
    if frequent.empty:
        raise TextmineError(
            f"Aucune forme n'apparaît au moins {min_freq} fois : baissez la fréquence minimale."
        )
    score = scores(frequent, method, sizes)
    total = frequent.sum(axis=1)
    rows = []
    for part in frequent.columns:
        column = score[part]
        chosen = pd.concat([column[column > 0].nlargest(n), column[column < 0].nsmallest(n)])
        for term, value in chosen.items():
            rows.append({"part": part, "term": term, "count": int(frequent.at[term, part]), "total": int(total[term]),
                         "expected": round(float(total[term] * sizes[part] / sizes.sum()), 2),
                         "score": round(float(value), 4)})
    return pd.DataFrame(rows, columns=["part", "term", "count", "total", "expected", "score"])


def check_column(metadata: Mapping[int, Mapping[str, Any]], column: str, columns: list[str], corpus: str) -> pd.Series:
    """The value of ``column`` for each document (as text), or a French error saying what to change."""
    if column not in columns:
        raise TextmineError(
            f"Colonne « {column} » absente du corpus « {corpus} ». Colonnes : {', '.join(columns) or 'aucune'}."
        )
    values = pd.Series({doc: meta.get(column) for doc, meta in metadata.items()}, dtype=object)
    values = values[values.notna() & (values.astype(str).str.strip() != "")].astype(str)
    distinct = values.nunique()
    if distinct < 2:
        only = f" (« {values.iloc[0]} »)" if distinct else ""
        raise TextmineError(
            f"La colonne « {column} » n'a qu'une modalité{only} : il faut au moins deux valeurs à comparer ; "
            "choisissez une autre colonne."
        )
    if distinct > MAX_MODALITIES:
        raise TextmineError(
            f"La colonne « {column} » a {distinct} modalités (au plus {MAX_MODALITIES}) : regroupez ses valeurs "
            "dans une nouvelle colonne (par exemple par année, par région ou par type) et réimportez le corpus, "
            "ou choisissez une autre colonne."
        )
    return values


def column_values(workspace: Workspace, corpus: str, column: str) -> pd.Series:
    """Document id → value of a metadata column (a date taken by year), checked by ``check_column``."""
    store = workspace.open_store()
    try:
        types = store.corpus_info(corpus).columns
        metadata = store.document_metadata(corpus)
    finally:
        store.close()
    if types.get(column) == "date":
        metadata = {d: {column: str(m.get(column))[:4] if m.get(column) else None} for d, m in metadata.items()}
    return check_column(metadata, column, list(types), corpus)


def segment_parts(tokens: pd.DataFrame, segments: pd.DataFrame, column: str = "part") -> pd.Series:
    """The part of each token from a segment → part assignment.

    Args:
        tokens: a token table.
        segments: columns ``document_id, start, end`` and ``column`` (a theme, a class…); segments of a
            document do not overlap.
        column: the assignment column of ``segments``.

    Returns:
        A Series aligned on ``tokens`` (NaN for a token outside every segment or in an unassigned one).
    """
    missing = {"document_id", "start", "end", column} - set(segments.columns)
    if missing:
        raise TextmineError(f"Colonnes manquantes dans les segments : {', '.join(sorted(missing))}.")
    result = pd.Series(np.nan, index=tokens.index, dtype=object)
    by_doc = {doc: g.sort_values("start") for doc, g in segments.groupby("document_id")}
    for doc, group in tokens.groupby("document_id"):
        seg = by_doc.get(doc)
        if seg is None:
            continue
        starts, ends = seg["start"].to_numpy(), seg["end"].to_numpy()
        i = np.searchsorted(starts, group["start"].to_numpy(), side="right") - 1
        inside = (i >= 0) & (group["end"].to_numpy() <= ends[np.clip(i, 0, None)])
        labels = seg[column].to_numpy(dtype=object)[np.clip(i, 0, None)]
        result.loc[group.index[inside]] = labels[inside]
    return result


def metadata_specificities(
    segments: pd.DataFrame, metadata: Mapping[int, Mapping[str, Any]], columns: list[str], column: str = "part",
    method: str = "lafon", n: int = 20,
) -> pd.DataFrame:
    """Which metadata values characterise each part, counted in segments.

    Each metadata column gives its own table (values × parts, a segment counting
    once); part sizes are their numbers of segments. Columns with more than
    ``MAX_MODALITIES`` values (free text, identifiers) are skipped.

    Returns columns ``part, variable, value, count, total, expected, score``.
    """
    assigned = segments[segments[column].notna()]
    frames = []
    sizes = assigned[column].astype(str).value_counts()
    for variable in columns:
        values = assigned["document_id"].map(lambda d: (metadata.get(d) or {}).get(variable))
        known = values.notna() & (values.astype(str).str.strip() != "")
        if values[known].nunique() < 2 or values[known].nunique() > MAX_MODALITIES:
            continue
        table = pd.crosstab(values[known].astype(str), assigned.loc[known, column].astype(str))
        # segments without a value form one more row so that each part keeps its true size
        table.loc["\0"] = sizes.reindex(table.columns).to_numpy() - table.sum(axis=0).to_numpy()
        score = scores(table, method, sizes.reindex(table.columns))
        total = table.sum(axis=1)
        for part in table.columns:
            for value, s in score[part].drop("\0").items():
                frames.append({"part": part, "variable": variable, "value": value,
                               "count": int(table.at[value, part]), "total": int(total[value]),
                               "expected": round(float(total[value] * sizes[part] / sizes.sum()), 2),
                               "score": round(float(s), 4)})
    frame = pd.DataFrame(frames, columns=["part", "variable", "value", "count", "total", "expected", "score"])
    if frame.empty:
        return frame
    frame = frame.sort_values(["part", "score"], ascending=[True, False], ignore_index=True)
    kept = [pd.concat([g[g["score"] > 0].head(n), g[g["score"] < 0].tail(n).iloc[::-1]])
            for _, g in frame.groupby("part", sort=True)]
    return pd.concat(kept, ignore_index=True)


def segment_specificities(
    tokens: pd.DataFrame, segments: pd.DataFrame, metadata: Mapping[int, Mapping[str, Any]] | None = None,
    columns: list[str] | None = None, column: str = "part", method: str = "lafon", unit: str = "lemma",
    min_freq: int = 3, n: int = 20, terms: set[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Terms and metadata values characterising each class of a segment → class assignment.

    Serves BERTopic themes, Reinert classes or any other grouping of segments.

    Args:
        tokens: a token table of the corpus.
        segments: ``document_id, start, end`` and the assignment ``column`` (NaN: unassigned, left out).
        metadata: document id → metadata (``Store.document_metadata``); none: no metadata table.
        columns: metadata columns to test.
        column: the assignment column.
        method: « lafon » or « chi2 ».
        unit: « lemma » or « form ».
        min_freq: terms occurring fewer times in the assigned segments are left out.
        n: at most this many over- and under-represented entries per class.
        terms: restrict the terms (e.g. to the active forms).

    Returns:
        (terms, metadata values): long tables, see ``specific_terms`` and ``metadata_specificities``.
    """
    parts = segment_parts(tokens, segments, column)
    if parts.notna().sum() == 0:
        raise TextmineError("Aucun mot ne tombe dans un segment classé : rien à caractériser.")
    table, sizes = lexical_table(tokens, parts, unit)
    if table.shape[1] < 2:
        raise TextmineError("Une seule classe : il faut au moins deux classes à comparer.")
    words = specific_terms(table, sizes, method, min_freq, n, terms)
    values = (metadata_specificities(segments, metadata, columns or [], column, method, n)
              if metadata is not None else pd.DataFrame())
    return words, values


@dataclass(frozen=True)
class ColumnSpecificities:
    """Specificities of a corpus's parts defined by a metadata column.

    ``table`` counts the terms kept (frequency ≥ ``min_freq``) in each value of
    the column, ``sizes`` the tokens of each value, ``scores`` the score of
    each cell, ``top`` the strongest terms per value (see ``specific_terms``).
    """

    corpus: str
    column: str
    method: str
    unit: str
    table: pd.DataFrame
    sizes: pd.Series
    scores: pd.DataFrame
    top: pd.DataFrame


def column_specificities(
    workspace: Workspace, corpus: str, column: str, method: str = "lafon", unit: str = "lemma",
    min_freq: int = 3, n: int = 20, tokens: pd.DataFrame | None = None, progress=None,  # noqa: ANN001
) -> ColumnSpecificities:
    """Specificities of each value of a metadata column (a date column is taken by year).

    Raises:
        TextmineError: unknown column, a column with one value or more than ``MAX_MODALITIES``, bad method.
    """
    from .tokens import corpus_tokens

    if method not in METHODS:
        raise TextmineError(f"Méthode « {method} » inconnue : choisissez {' ou '.join(METHODS)}.")
    values = column_values(workspace, corpus, column)
    if tokens is None:
        tokens = corpus_tokens(workspace, corpus, progress)
    table, sizes = lexical_table(tokens, tokens["document_id"].map(values), unit)
    if table.shape[1] < 2:
        raise TextmineError(f"Les documents qui ont des mots n'ont qu'une valeur de « {column} » : rien à comparer.")
    top = specific_terms(table, sizes, method, min_freq, n)
    kept = table[table.sum(axis=1) >= min_freq]
    return ColumnSpecificities(corpus, column, method, unit, kept, sizes, scores(kept, method, sizes), top)


def theme_specificities(
    workspace: Workspace, model: str, method: str = "lafon", unit: str = "lemma", min_freq: int = 3, n: int = 20,
    columns: list[str] | None = None, tokens: pd.DataFrame | None = None, progress=None,  # noqa: ANN001
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Terms and metadata values characterising each theme of a trained model (after its edits).

    Segments without a theme are left out: scores compare the themes with each other.
    Both tables gain a ``label`` column (the theme's label); ``part`` is the theme number.
    """
    from ..themes.model import UNASSIGNED, TrainedModel
    from ..themes.registry import Registry
    from .tokens import corpus_tokens

    trained = TrainedModel.load(Registry(workspace.models_dir), model)
    segments = trained.segments()
    segments["part"] = [None if t == UNASSIGNED else str(int(t)) for t in segments["topic"]]
    store = workspace.open_store()
    try:
        metadata = store.document_metadata(trained.corpus)
        known = list(store.corpus_info(trained.corpus).columns)
    finally:
        store.close()
    if tokens is None:
        tokens = corpus_tokens(workspace, trained.corpus, progress)
    words, values = segment_specificities(tokens, segments, metadata, columns if columns is not None else known,
                                          method=method, unit=unit, min_freq=min_freq, n=n)
    labels = {str(t): label for t, label in trained.label_of().items()}
    for frame in (words, values):
        if not frame.empty:
            frame.insert(1, "label", frame["part"].map(labels))
    return words, values
