"""What the theme screens show: sizes, tone, spread over metadata and time, a map of the themes.

Pure functions over a :class:`~textmine.quotes.index.QuoteIndex` (the model's
assignments after edits, the corpus metadata and texts) that return pandas
tables; the Streamlit pages only lay them out. Every function reads results
computed at training time and never re-embeds anything.

``documents`` is the set of document ids kept by the global filters (None:
all of them): sizes, shares and tones are computed on those documents only.

Examples:
    >>> from textmine.quotes import load_index                     # doctest: +SKIP
    >>> index = load_index(workspace, "demo")                      # doctest: +SKIP
    >>> theme_table(index, None)[["label", "segments", "share"]]   # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import TextmineError
from ..ingest.values import DATE, DECIMAL, INTEGER
from ..quotes.filters import SENTIMENTS
from ..quotes.index import QuoteIndex
from ..themes.model import UNASSIGNED
from ..themes.stability import FRAGILE, STABLE, level

#: The column read as the year of a document, before any date column.
YEAR = "annee"
#: A breakdown shows at most this many values of a column (the most frequent).
MAX_VALUES = 30
#: Characters of a document's text shown in a list of documents.
EXCERPT = 150

Documents = set[int] | None


@dataclass
class Totals:
    """How much the screens show under the current filters."""

    documents: int
    segments: int
    themes: int
    unassigned: float
    sentiment: bool


@dataclass
class Breakdown:
    """The themes across the values of a metadata column (years for a date column).

    ``shares``: one row per value, one column per theme label, the share of the
    value's segments that fall in the theme. ``ratios``: that share divided by
    the theme's share over all values (``overall``): 1 as often as elsewhere,
    2 twice as often. ``counts``: segments per value. ``hidden``: values left
    out, the least frequent ones. ``message``: why there is nothing to show.
    """

    column: str
    shares: pd.DataFrame
    ratios: pd.DataFrame
    counts: pd.Series
    overall: pd.Series
    hidden: int = 0
    message: str | None = None

    def contrast(self, limit: float = 2.0, prior: float = 10.0) -> pd.DataFrame:
        """How over- (> 0) or under-represented (< 0) each theme is, on a log2 scale within ±``limit``.

        The ratios are first drawn towards 1 as if each value had ``prior`` more
        segments spread like the whole corpus, so that a small group with no
        segment in a theme does not read as a strong absence.
        """
        n = self.counts.to_numpy(dtype=float)[:, None]
        logs = _contrast(self.shares.to_numpy(dtype=float) * n, n, self.overall.to_numpy(dtype=float)[None, :],
                         limit, prior)
        return pd.DataFrame(logs, index=self.shares.index, columns=self.shares.columns)


def _contrast(found: np.ndarray, n: np.ndarray, p: np.ndarray, limit: float = 2.0, prior: float = 10.0) -> np.ndarray:
    """log2 of (found + prior·p) / ((n + prior)·p): a representation ratio drawn towards 1 for small groups."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log2((found + prior * p) / ((n + prior) * p))
    return np.nan_to_num(np.clip(logs, -limit, limit), nan=0.0)


@dataclass
class ThemeSentiment:
    """The tone of a theme's segments, next to the tone of all the segments kept."""

    segments: int
    score: float | None
    tones: pd.DataFrame
    scores: pd.Series
    emotions: pd.DataFrame


# -- shared reads ------------------------------------------------------------------


def labels(index: QuoteIndex) -> dict[int, str]:
    """Label of each live theme, made unique (a repeated label gets its theme number)."""
    found = {t: label for t, label in index.model.label_of().items() if t != UNASSIGNED}
    repeated = {label for label, n in Counter(found.values()).items() if n > 1}
    return {t: f"{label} (n° {t})" if label in repeated else label for t, label in found.items()}


def has_sentiment(index: QuoteIndex) -> bool:
    return bool(index.model.sentiment_backend())


def no_sentiment_message(index: QuoteIndex) -> str:
    """What the screens say in place of the tone when the model was trained without sentiment."""
    return (
        f"Le modèle « {index.model.name} » a été entraîné sans analyse du ton (sentiment « aucun ») : "
        "réentraînez-le avec un modèle de sentiment pour voir le ton et les émotions des thèmes."
    )


def _segments(index: QuoteIndex, documents: Documents, sentiment: bool = False) -> pd.DataFrame:
    """The model's segments (theme after edits), in the kept documents; with their tone when asked and known."""
    frame = index.model.segment_sentiment(index.store) if sentiment else None
    if frame is None:
        frame = index.model.segments()
    if documents is not None:
        frame = frame[frame["document_id"].isin(documents)]
    return frame.reset_index(drop=True)


def _check_topic(index: QuoteIndex, topic: int) -> None:
    live = labels(index)
    if topic not in live:
        shown = ", ".join(str(t) for t in sorted(live))
        raise TextmineError(f"Thème {topic} introuvable dans le modèle « {index.model.name} ». Thèmes : {shown}.")


def _check_column(index: QuoteIndex, column: str) -> None:
    if column not in index.columns:
        raise TextmineError(
            f"Colonne « {column} » absente du corpus « {index.corpus} ». "
            f"Colonnes : {', '.join(index.columns) or 'aucune'}."
        )


def _year(value: Any) -> int | None:
    text = str(value).strip()
    return int(text[:4]) if text[:4].isdigit() else None


def column_values(index: QuoteIndex, column: str) -> dict[int, Any]:
    """Document id -> value of a metadata column; a date column gives years."""
    _check_column(index, column)
    type_ = index.columns[column]
    values = {}
    for doc_id, meta in index.metadata.items():
        value = meta.get(column)
        if value is None or value == "":
            continue
        if type_ == DATE or (column == YEAR and type_ not in (INTEGER, DECIMAL)):
            value = _year(value)
            if value is None:
                continue
        values[doc_id] = value
    return values


def year_column(index: QuoteIndex) -> str | None:
    """The column that dates the documents: « annee », else the first date column, else None."""
    if YEAR in index.columns:
        return YEAR
    return next((c for c, t in index.columns.items() if t == DATE), None)


def breakdown_columns(index: QuoteIndex, most: int = 50) -> list[str]:
    """The metadata columns worth a breakdown: between 2 and ``most`` distinct values."""
    return [c for c in index.columns if 2 <= len(set(column_values(index, c).values())) <= most]


def totals(index: QuoteIndex, documents: Documents) -> Totals:
    segments = _segments(index, documents)
    return Totals(
        documents=int(segments["document_id"].nunique()),
        segments=len(segments),
        themes=len(labels(index)),
        unassigned=round(float((segments["topic"] == UNASSIGNED).mean()), 4) if len(segments) else 0.0,
        sentiment=has_sentiment(index),
    )


def percent(value: float, digits: int = 1) -> str:
    """A share written the French way: ``percent(0.136)`` → ``'13,6 %'``."""
    return f"{value * 100:.{digits}f}".replace(".", ",") + "\u202f%"


def signed(value: float) -> str:
    """A tone score written the French way, with its sign: ``signed(-0.04)`` → ``'−0,04'``."""
    return f"{value:+.2f}".replace(".", ",").replace("-", "\u2212")


# -- all the themes -------------------------------------------------------------------


def theme_table(index: QuoteIndex, documents: Documents) -> pd.DataFrame:
    """One row per live theme (after edits), the largest first.

    Columns: topic, label, codebook, documents (whose main theme it is),
    segments, share (of the kept segments), terms (the first six key terms),
    score (mean tone, -1..1), negatif / neutre / positif (shares), tones (the
    three shares as a list), trend (the theme's share per year, oldest first;
    the years are in ``frame.attrs["years"]``), stability (0..1, see
    :func:`theme_stability`). Tone, trend and stability columns are None when
    the model has no sentiment, the corpus no year, the model no stability.
    """
    model, names = index.model, labels(index)
    segments = _segments(index, documents, sentiment=True)
    trained = {t["id"]: t for t in model.trained_themes}
    main = _main_themes(index, documents)
    sizes = segments["topic"].value_counts()
    tones = _tones_by_theme(segments) if "sentiment" in segments else {}
    trend, years = _trend(index, segments)
    steady = model.theme_stability()
    rows = []
    for topic, label in names.items():
        tone = tones.get(topic, {})
        rows.append(
            {
                "topic": topic,
                "label": label,
                "codebook": trained[topic]["codebook"],
                "documents": int(main.get(topic, 0)),
                "segments": int(sizes.get(topic, 0)),
                "share": round(float(sizes.get(topic, 0)) / max(1, len(segments)), 4),
                "terms": ", ".join(trained[topic]["terms"][:6]),
                "score": tone.get("score"),
                **{s: tone.get(s) for s in SENTIMENTS},
                "tones": [tone.get(s, 0.0) for s in SENTIMENTS] if tones else None,
                "trend": trend.get(topic, [0.0] * len(years)) if years else None,
                "stability": steady.get(topic),
            }
        )
    frame = pd.DataFrame(rows)
    frame = frame.sort_values(["segments", "topic"], ascending=[False, True], ignore_index=True)
    frame.attrs["years"] = years
    return frame


def stability_help(index: QuoteIndex) -> str | None:
    """What the « Stabilité » column of the themes table measures; None when the model has no stability."""
    block = index.model.stability()
    if not block:
        return None
    units = "documents" if block.get("units") == "documents" else "segments"
    return (
        f"Part des {units} du thème retrouvés ensemble dans les {block['runs'] - 1} autres entraînements faits "
        f"avec d'autres graines (recouvrement de Jaccard moyen) : {percent(STABLE, 0)} et plus, thème stable ; "
        f"moins de {percent(FRAGILE, 0)}, thème fragile."
    )


def _main_themes(index: QuoteIndex, documents: Documents) -> pd.Series:
    docs = index.model.documents()
    if documents is not None:
        docs = docs[docs["document_id"].isin(documents)]
    return docs["topic"].value_counts()


def _tones_by_theme(segments: pd.DataFrame) -> dict[int, dict[str, float]]:
    known = segments.dropna(subset=["sentiment"])
    result = {}
    for topic, part in known.groupby("topic"):
        shares = part["sentiment"].value_counts(normalize=True)
        result[int(topic)] = {
            "score": round(float(part["sentiment_score"].mean()), 3),
            **{s: round(float(shares.get(s, 0.0)), 3) for s in SENTIMENTS},
        }
    return result


def _trend(index: QuoteIndex, segments: pd.DataFrame) -> tuple[dict[int, list[float]], list]:
    column = year_column(index)
    if column is None:
        return {}, []
    counts = _counts(segments, column_values(index, column))
    if counts.empty:
        return {}, []
    counts = counts.sort_index()
    shares = counts.div(counts.sum(axis=1), axis=0).round(4)
    return {int(t): shares[t].tolist() for t in shares.columns}, list(shares.index)


def _counts(segments: pd.DataFrame, values: dict[int, Any]) -> pd.DataFrame:
    """Segments per (value, theme), themes as columns (« sans thème » included)."""
    tagged = segments[segments["document_id"].isin(values)]
    tagged = tagged.assign(value=[values[d] for d in tagged["document_id"]])
    if tagged.empty:
        return pd.DataFrame()
    return pd.crosstab(tagged["value"], tagged["topic"])


def _value_counts(index: QuoteIndex, column: str, documents: Documents, limit: int | None) -> tuple[pd.DataFrame, int]:
    """Segments per (value, theme), values in display order, and how many values were left out."""
    counts = _counts(_segments(index, documents), column_values(index, column))
    if counts.empty:
        return counts, 0
    rows = counts.sum(axis=1)
    hidden = 0
    if limit is not None and len(rows) > limit:
        hidden = len(rows) - limit
        rows = rows.sort_values(ascending=False, kind="stable").iloc[:limit]
    order = sorted(rows.index) if _numeric(rows.index) else list(rows.sort_values(ascending=False, kind="stable").index)
    names = labels(index)
    counts = counts.loc[order]
    live = [t for t in counts.sum().sort_values(ascending=False, kind="stable").index if t in names]
    live += [t for t in names if t not in live]
    counts = counts.reindex(columns=[*live, UNASSIGNED], fill_value=0)
    counts.index.name = column
    return counts, hidden


def _no_values(column: str) -> str:
    return f"Aucun des documents retenus n'a de valeur pour « {column} »."


def _breakdown(index: QuoteIndex, column: str, documents: Documents, limit: int | None) -> Breakdown:
    counts, hidden = _value_counts(index, column, documents, limit)
    if counts.empty:
        empty = pd.DataFrame()
        return Breakdown(column, empty, empty, pd.Series(dtype=int), pd.Series(dtype=float),
                         message=_no_values(column))
    names = labels(index)
    live = [t for t in counts.columns if t != UNASSIGNED]
    rows = counts.sum(axis=1)
    overall = counts.sum() / rows.sum()
    shares = counts[live].div(rows, axis=0)
    ratios = shares.div(overall[live].replace(0, np.nan), axis=1)
    shares.columns = ratios.columns = [names[t] for t in live]
    overall = pd.Series(overall[live].to_numpy(), index=shares.columns, name="share")
    return Breakdown(column, shares.round(4), ratios.round(3), rows.rename("segments"), overall.round(4), hidden)


def _numeric(values: pd.Index) -> bool:
    return all(isinstance(v, int | float | np.integer | np.floating) for v in values)


def themes_by_column(index: QuoteIndex, column: str, documents: Documents, limit: int = MAX_VALUES) -> Breakdown:
    """Each theme's share within each value of a metadata column, and how over- or under-represented it is.

    Numbers and years come in order, other values from the most to the least
    frequent (at most ``limit``).

    Raises:
        TextmineError: the corpus has no such column (the message lists its columns).
    """
    return _breakdown(index, column, documents, limit)


def themes_over_time(index: QuoteIndex, documents: Documents) -> Breakdown:
    """Each theme's share per year (from « annee », else a date column); a message when the corpus is undated."""
    column = year_column(index)
    if column is None:
        empty = pd.DataFrame()
        return Breakdown("", empty, empty, pd.Series(dtype=int), pd.Series(dtype=float),
                         message=f"Le corpus « {index.corpus} » n'a ni colonne « annee » ni colonne de date : "
                                 "l'évolution dans le temps n'est pas disponible.")
    return _breakdown(index, column, documents, None)


def intertopic_map(index: QuoteIndex, documents: Documents = None) -> pd.DataFrame:
    """The theme centres on a plane (principal components of their normalised vectors).

    A merged theme sits at the mean of its members weighted by their sizes.
    Columns: topic, label, codebook, x, y, segments, share (sizes in the kept documents).

    Raises:
        TextmineError: the model folder has no theme centres (trained by an older version).
    """
    model = index.model
    ids_path, centres_path = model.path / "topic_ids.json", model.path / "topic_embeddings.npy"
    if not ids_path.is_file() or not centres_path.is_file():
        raise TextmineError(
            f"Le modèle « {model.name} » n'a pas les centres de ses thèmes (topic_embeddings.npy) : "
            "réentraînez-le pour afficher la carte des thèmes."
        )
    ids = json.loads(ids_path.read_text(encoding="utf-8"))
    centres = np.load(centres_path)
    mapping, names = model.mapping(), labels(index)
    trained_sizes = model.trained_segments["topic"].value_counts()
    live, points = [], []
    for topic in names:
        members = [i for i, t in enumerate(ids) if t != UNASSIGNED and mapping.get(t) == topic]
        if not members:
            continue
        weights = np.array([max(1, int(trained_sizes.get(ids[i], 0))) for i in members], dtype=float)
        live.append(topic)
        points.append(weights @ centres[members] / weights.sum())
    xy = _plane(np.array(points)) if points else np.zeros((0, 2))
    segments = _segments(index, documents)["topic"].value_counts()
    trained = {t["id"]: t for t in model.trained_themes}
    total = max(1, int(segments.sum()))
    return pd.DataFrame(
        {
            "topic": live,
            "label": [names[t] for t in live],
            "codebook": [trained[t]["codebook"] for t in live],
            "x": xy[:, 0].round(4),
            "y": xy[:, 1].round(4),
            "segments": [int(segments.get(t, 0)) for t in live],
            "share": [round(int(segments.get(t, 0)) / total, 4) for t in live],
        }
    )


def _plane(points: np.ndarray) -> np.ndarray:
    """The first two principal components, signs fixed so that the map does not flip between runs."""
    norms = np.linalg.norm(points, axis=1, keepdims=True)
    centred = points / np.where(norms > 0, norms, 1.0)
    centred = centred - centred.mean(axis=0)
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    xy = np.zeros((len(points), 2))
    k = min(2, len(s))
    xy[:, :k] = u[:, :k] * s[:k]
    for j in range(k):
        if vt[j][np.argmax(np.abs(vt[j]))] < 0:
            xy[:, j] = -xy[:, j]
    return xy


# -- one theme -------------------------------------------------------------------------


def theme_stability(index: QuoteIndex, topic: int) -> str | None:
    """One sentence on how stable a theme is, or None when the model has no stability.

    The value is the theme's mean best Jaccard overlap with the themes of the
    runs fitted with other seeds (a merged theme: its parts weighted by size).
    From 0.7 the theme is stable, under 0.4 fragile, moderately stable between
    (see :func:`textmine.themes.stability.level`).

    Examples:
        « Thème stable : retrouvé à 87 % dans 2 autres entraînements avec d'autres graines. »
    """
    _check_topic(index, topic)
    value = index.model.theme_stability().get(topic)
    if value is None:
        return None
    others = index.model.stability()["runs"] - 1
    where = (
        "1 autre entraînement avec une autre graine"
        if others == 1
        else f"{others} autres entraînements avec d'autres graines"
    )
    found = percent(value, 0)
    return {
        "stable": f"Thème stable : retrouvé à {found} dans {where}.",
        "moyen": f"Thème moyennement stable : retrouvé à {found} dans {where} ; ses contours varient "
                 "d'un entraînement à l'autre.",
        "fragile": f"Thème fragile : retrouvé à {found} seulement dans {where} ; à lire avec prudence.",
    }[level(value)]



def theme_documents(index: QuoteIndex, topic: int, documents: Documents) -> pd.DataFrame:
    """The documents holding a theme, the most devoted first.

    Columns: document_id, original_id, share (of the document's segments in
    the theme), main (label of the document's main theme), excerpt (the first
    150 characters), then every metadata column.
    """
    _check_topic(index, topic)
    docs = index.model.documents()
    if documents is not None:
        docs = docs[docs["document_id"].isin(documents)]
    share = docs["profile"].map(lambda p: float(json.loads(p).get(str(topic), 0.0)))
    docs = docs.assign(theme_share=share)[share > 0]
    docs = docs.sort_values(["theme_share", "document_id"], ascending=[False, True])
    names = {**index.model.label_of(), **labels(index)}
    columns = list(index.columns)
    rows = []
    for doc_id, main, value in zip(docs["document_id"], docs["topic"], docs["theme_share"]):
        meta = index.metadata.get(int(doc_id), {})
        rows.append(
            {
                "document_id": int(doc_id),
                "original_id": meta.get("original_id"),
                "share": round(value, 3),
                "main": names.get(int(main)),
                "excerpt": _excerpt(index.texts.get(int(doc_id), "")),
                **{c: meta.get(c) for c in columns if c not in _DOCUMENT_COLUMNS},
            }
        )
    return pd.DataFrame(rows, columns=[*_DOCUMENT_COLUMNS, *[c for c in columns if c not in _DOCUMENT_COLUMNS]])


_DOCUMENT_COLUMNS = ("document_id", "original_id", "share", "main", "excerpt")


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT].rstrip() + "…"


def theme_by_column(index: QuoteIndex, topic: int, column: str, documents: Documents) -> pd.DataFrame:
    """One theme across the values of a column.

    Columns: value, segments (all themes), theme_segments, share (of the
    value's segments in the theme), ratio (that share over the theme's share
    among all values) and contrast (the ratio on a log2 scale, drawn towards
    1 for small groups: see :meth:`Breakdown.contrast`). Years and numbers come
    in order, other values from the most frequent (at most MAX_VALUES); no rows
    when no kept document has a value.

    Raises:
        TextmineError: unknown theme or column.
    """
    _check_topic(index, topic)
    counts, _ = _value_counts(index, column, documents, MAX_VALUES)
    if counts.empty:
        return pd.DataFrame(columns=["value", "segments", "theme_segments", "share", "ratio", "contrast"])
    rows = counts.sum(axis=1).to_numpy(dtype=float)
    found = counts[topic].to_numpy(dtype=float)
    overall = found.sum() / rows.sum()
    share = found / rows
    return pd.DataFrame(
        {
            "value": counts.index,
            "segments": rows.astype(int),
            "theme_segments": found.astype(int),
            "share": share.round(4),
            "ratio": (share / overall).round(3) if overall else np.nan,
            "contrast": _contrast(found, rows, np.full_like(rows, overall)).round(3),
        }
    )


def theme_sentiment(index: QuoteIndex, topic: int, documents: Documents) -> ThemeSentiment | None:
    """Tones (with the shares among all kept segments for comparison), scores and emotions of a theme.

    None when the model was trained without sentiment.
    """
    _check_topic(index, topic)
    if not has_sentiment(index):
        return None
    segments = _segments(index, documents, sentiment=True).dropna(subset=["sentiment"])
    mine = segments[segments["topic"] == topic]
    counts = mine["sentiment"].value_counts()
    everywhere = segments["sentiment"].value_counts(normalize=True)
    tones = pd.DataFrame(
        {
            "tone": list(SENTIMENTS),
            "segments": [int(counts.get(s, 0)) for s in SENTIMENTS],
            "share": [round(float(counts.get(s, 0)) / max(1, len(mine)), 3) for s in SENTIMENTS],
            "overall_share": [round(float(everywhere.get(s, 0.0)), 3) for s in SENTIMENTS],
        }
    )
    emotions = Counter(emotion for found in mine["emotions"] for emotion in found)
    return ThemeSentiment(
        segments=len(mine),
        score=round(float(mine["sentiment_score"].mean()), 3) if len(mine) else None,
        tones=tones,
        scores=mine["sentiment_score"].astype(float).reset_index(drop=True),
        emotions=pd.DataFrame(emotions.most_common(), columns=["emotion", "segments"]),
    )
