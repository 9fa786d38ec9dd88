"""Lexical statistics of a corpus, whole or per value of a metadata column (IRaMuTeQ's « statistiques »).

Counts are made on the word tokens of ``tokens.corpus_tokens`` (punctuation
left out, documents without content excluded): occurrences (tokens), forms
(distinct words as written, lower-cased), lemmas, hapax (forms seen once) and
their share of the forms, mean document length in occurrences. The most
frequent forms and lemmas come with their most frequent part of speech; the
Zipf data give each form's rank and frequency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..workspace import Workspace
from .specificities import column_values
from .tokens import corpus_tokens

ALL = "ensemble"
SUMMARY_COLUMNS = ["group", "documents", "occurrences", "forms", "lemmas", "hapax", "hapax_share", "mean_length"]
#: French column titles for tables shown to users.
TITLES = {
    "group": "groupe", "documents": "documents", "occurrences": "occurrences", "forms": "formes",
    "lemmas": "lemmes", "hapax": "hapax", "hapax_share": "part des hapax", "mean_length": "longueur moyenne",
    "form": "forme", "lemma": "lemme", "frequency": "fréquence", "pos": "catégorie", "rank": "rang",
}


@dataclass(frozen=True)
class LexicalStats:
    """Statistics of a corpus: ``summary`` (one row for the whole corpus, then one per value of ``by``),
    ``forms`` and ``lemmas`` (most frequent, with POS), ``zipf`` (rank, frequency of every form)."""

    corpus: str
    by: str | None
    summary: pd.DataFrame
    forms: pd.DataFrame
    lemmas: pd.DataFrame
    zipf: pd.DataFrame


def summarise(tokens: pd.DataFrame, group: str = ALL) -> dict:
    """One summary row of a token table (see the module docstring).

    Examples:
        >>> t = pd.DataFrame({"document_id": [1, 1, 2], "form": ["le", "le", "chat"], "lemma": ["le", "le", "chat"]})
        >>> summarise(t)["hapax"], summarise(t)["mean_length"]
        (1, 1.5)
    """
    counts = tokens["form"].value_counts()
    documents = tokens["document_id"].nunique()
    hapax = int((counts == 1).sum())
    return {
        "group": group,
        "documents": int(documents),
        "occurrences": int(len(tokens)),
        "forms": int(len(counts)),
        "lemmas": int(tokens["lemma"].nunique()),
        "hapax": hapax,
        "hapax_share": round(hapax / len(counts), 4) if len(counts) else 0.0,
        "mean_length": round(len(tokens) / documents, 2) if documents else 0.0,
    }


def frequent(tokens: pd.DataFrame, unit: str = "form", top: int = 30) -> pd.DataFrame:
    """The ``top`` most frequent forms (or lemmas), with their most frequent part of speech."""
    counts = tokens.groupby([unit, "pos"]).size().rename("n").reset_index()
    counts = counts.sort_values(["n", "pos"], ascending=[False, True])
    pos = counts.drop_duplicates(unit).set_index(unit)["pos"]
    totals = tokens[unit].value_counts()
    totals = totals.reset_index().sort_values(["count", unit], ascending=[False, True]).head(top)
    return pd.DataFrame({unit: totals[unit].to_numpy(), "frequency": totals["count"].to_numpy(),
                         "pos": pos.reindex(totals[unit]).to_numpy()})


def zipf(tokens: pd.DataFrame) -> pd.DataFrame:
    """Rank (1 = most frequent) and frequency of every form, for a log-log plot."""
    frequencies = np.sort(tokens["form"].value_counts().to_numpy())[::-1]
    return pd.DataFrame({"rank": np.arange(1, len(frequencies) + 1), "frequency": frequencies})


def lexical_stats(
    workspace: Workspace, corpus: str, by: str | None = None, top: int = 30,
    tokens: pd.DataFrame | None = None, progress=None,  # noqa: ANN001
) -> LexicalStats:
    """Statistics of ``corpus``, and per value of the metadata column ``by`` (a date column by year).

    Raises:
        TextmineError: unknown column, a column with one value or too many values (see
            ``specificities.check_column``).
    """
    values = column_values(workspace, corpus, by) if by else None
    if tokens is None:
        tokens = corpus_tokens(workspace, corpus, progress)
    rows = [summarise(tokens)]
    if values is not None:
        groups = tokens["document_id"].map(values)
        for value, part in tokens.groupby(groups, sort=True):
            rows.append(summarise(part, str(value)))
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    return LexicalStats(corpus, by, summary, frequent(tokens, "form", top), frequent(tokens, "lemma", top),
                        zipf(tokens))
