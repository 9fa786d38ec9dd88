"""A trained model as stored in ``models/<name>/``, with the user's theme edits.

Training writes the themes, segment and document assignments once; renames,
merges and deletions are kept apart in ``edits.json`` and applied when the
model is read, so the training output itself never changes.
"""

from __future__ import annotations

import fcntl
import json
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import TextmineError
from .registry import Registry, write_json_atomic
from .stability import after_edits

UNASSIGNED = -1
UNASSIGNED_LABEL = "Sans thème"


class TrainedModel:
    """Read access to a model folder, and its theme edits."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._memo: dict[str, tuple[int, object]] = {}
        self.card: dict[str, Any] = json.loads((self.path / "card.json").read_text(encoding="utf-8"))
        self.trained_themes: list[dict[str, Any]] = json.loads(
            (self.path / "themes.json").read_text(encoding="utf-8")
        )

    @classmethod
    def load(cls, registry: Registry, name: str) -> "TrainedModel":
        path = registry.require(name)
        if not (path / "themes.json").is_file():
            raise TextmineError(f"« {name} » n'est pas un modèle de thèmes (c'est un modèle de sentiment).")
        return cls(path)

    @property
    def name(self) -> str:
        return self.card["name"]

    @property
    def corpus(self) -> str:
        return self.card["corpus"]["name"]

    # -- edits --------------------------------------------------------------

    @property
    def edits(self) -> dict[str, Any]:
        path = self.path / "edits.json"
        if not path.is_file():
            return {"labels": {}, "merged": {}, "deleted": []}
        return json.loads(path.read_text(encoding="utf-8"))

    def mapping(self) -> dict[int, int]:
        """Trained theme id -> theme id after merges and deletions."""
        edits = self.edits
        merged = {int(k): int(v) for k, v in edits["merged"].items()}
        deleted = set(edits["deleted"])
        result = {}
        for theme in self.trained_themes:
            topic = theme["id"]
            target = merged.get(topic, topic)
            result[topic] = UNASSIGNED if target in deleted else target
        result[UNASSIGNED] = UNASSIGNED
        return result

    def rename(self, topic: int, label: str) -> None:
        label = " ".join(label.split())
        if not label:
            raise TextmineError("Le nouveau libellé est vide.")
        self._check_live(topic)
        self._edit(lambda e: e["labels"].__setitem__(str(topic), label))

    def merge(self, topics: list[int], label: str | None = None) -> int:
        """Merge themes into the first one; returns its id."""
        if len(set(topics)) < 2:
            raise TextmineError("Indiquez au moins deux thèmes différents à fusionner.")
        for topic in topics:
            self._check_live(topic)
        target, *others = topics

        def apply(edits: dict[str, Any]) -> None:
            for source in others:
                for old, new in list(edits["merged"].items()):
                    if new == source:
                        edits["merged"][old] = target
                edits["merged"][str(source)] = target
            if label:
                edits["labels"][str(target)] = " ".join(label.split())

        self._edit(apply)
        return target

    def delete(self, topic: int) -> None:
        """Remove a theme: its segments become « sans thème »."""
        self._check_live(topic)
        self._edit(lambda e: e["deleted"].append(topic))

    def _check_live(self, topic: int) -> None:
        live = set(self.mapping().values()) - {UNASSIGNED}
        if topic not in live:
            shown = ", ".join(str(t) for t in sorted(live))
            raise TextmineError(
                f"Thème {topic} introuvable dans le modèle « {self.name} ». Thèmes : {shown}."
            )

    def _edit(self, change) -> None:  # noqa: ANN001
        with open(self.path / ".edits.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            edits = self.edits
            change(edits)
            write_json_atomic(self.path / "edits.json", edits)

    # -- assignments ------------------------------------------------------

    def _remember(self, key: str, compute):  # noqa: ANN001, ANN202
        """``compute()``, kept until the theme edits change (a copy is returned: callers may modify it)."""
        path = self.path / "edits.json"
        stamp = path.stat().st_mtime_ns if path.exists() else 0
        found = self._memo.get(key)
        if found is None or found[0] != stamp:
            found = (stamp, compute())
            self._memo[key] = found
        value = found[1]
        return value.copy() if isinstance(value, pd.DataFrame) else value

    @cached_property
    def trained_segments(self) -> pd.DataFrame:
        return pd.read_parquet(self.path / "segments.parquet")

    def segments(self) -> pd.DataFrame:
        """Segments with their theme after edits (``topic``) and as trained (``topic_trained``)."""
        return self._remember("segments", self._segments)

    def _segments(self) -> pd.DataFrame:
        frame = self.trained_segments.rename(columns={"topic": "topic_trained"})
        frame["topic"] = frame["topic_trained"].map(self.mapping()).astype(int)
        return frame

    def documents(self) -> pd.DataFrame:
        """Per document: main theme, its share, and the full profile {theme: share}."""
        return self._remember("documents", lambda: self._documents(self.segments()))

    def _documents(self, segments: pd.DataFrame) -> pd.DataFrame:
        trained = pd.read_parquet(self.path / "documents.parquet", columns=["document_id", "topic"])
        mapping = self.mapping()
        main = {int(d): mapping[int(t)] for d, t in zip(trained["document_id"], trained["topic"])}
        return document_profiles(segments, main)

    def themes(self) -> pd.DataFrame:
        """The themes after edits: id, label, codebook theme, key terms, sizes."""
        return self._remember("themes", self._themes)

    def _themes(self) -> pd.DataFrame:
        mapping, labels = self.mapping(), self.edits["labels"]
        segments = self.segments()
        docs = self.documents()
        rows = []
        for theme in self.trained_themes:
            topic = theme["id"]
            if mapping[topic] != topic:
                continue
            rows.append(
                {
                    "topic": topic,
                    "label": labels.get(str(topic), theme["label"]),
                    "codebook": theme["codebook"],
                    "terms": theme["terms"],
                    "segments": int((segments["topic"] == topic).sum()),
                    "documents": int((docs["topic"] == topic).sum()),
                }
            )
        frame = pd.DataFrame(rows, columns=["topic", "label", "codebook", "terms", "segments", "documents"])
        frame["share"] = (frame["segments"] / max(1, len(segments))).round(4)
        return frame.sort_values("segments", ascending=False, ignore_index=True)

    def stability(self) -> dict[str, Any] | None:
        """The card's ``stability`` block (see :mod:`.stability`), None when it was not measured."""
        return self.card.get("stability")

    def theme_stability(self) -> dict[int, float]:
        """Stability of each live theme after edits (empty without stability).

        A merged theme gets the mean of its parts weighted by their trained sizes;
        a deleted theme has none.
        """
        block = self.stability()
        if not block:
            return {}
        sizes = self.trained_segments["topic"].value_counts()
        return after_edits(block["per_theme"], self.mapping(), {int(t): int(n) for t, n in sizes.items()})

    def encoder(self, cache_dir: Path | None = None):  # noqa: ANN201
        """The model's segment encoder (semantic ⊕ lexical), as trained: for new texts and queries."""
        import numpy as np

        from .. import embeddings
        from ..embeddings.lexical import HybridEncoder, LexicalProjection

        params = self.card["parameters"]
        state_path = self.path / "embedder.npz"
        state = dict(np.load(state_path, allow_pickle=False)) if state_path.exists() else {}
        embedder = embeddings.restore(params["embedding"], state)
        projection = LexicalProjection.from_state(dict(np.load(self.path / "lexical.npz", allow_pickle=False)))
        return HybridEncoder(embedder, projection, params["lexical_weight"], cache_dir)

    def sentiment_backend(self) -> str | None:
        return self.card.get("sentiment_backend")

    def segment_sentiment(self, store) -> pd.DataFrame | None:  # noqa: ANN001
        """Segments with their theme (after edits) and tone: label, score, emotions; None without sentiment."""
        if not self.sentiment_backend():
            return None
        return self._remember(f"tone-{id(store)}", lambda: self._segment_sentiment(store))

    def _segment_sentiment(self, store) -> pd.DataFrame:  # noqa: ANN001
        rows = store.sentiment_rows(self.corpus, self.sentiment_backend())
        frame = self.segments()
        keys = list(zip(frame["document_id"], frame["start"], frame["end"]))
        found = [rows.get(k) for k in keys]
        frame["sentiment"] = [r["label"] if r else None for r in found]
        frame["sentiment_score"] = [r["score"] if r else None for r in found]
        frame["emotions"] = [r["emotions"] if r else {} for r in found]
        return frame

    def document_sentiment(self, store) -> dict[int, tuple[str, float]]:  # noqa: ANN001
        """Document id -> (label, score) of the whole document, when sentiment was computed."""
        backend = self.sentiment_backend()
        if not backend:
            return {}
        rows = store.sentiment_rows(self.corpus, backend)
        found = {}
        for doc_id, text in store.document_texts(self.corpus).items():
            row = rows.get((doc_id, 0, len(text)))
            if row:
                found[doc_id] = (row["label"], row["score"])
        return found

    def sentiment_by(self, store, column: str | None = None) -> pd.DataFrame:  # noqa: ANN001
        """Tone per theme (``column`` None) or per value of a metadata column, from segments.

        Columns: group, n (segments), score (mean), negatif / neutre / positif
        (shares), emotions (the three most frequent, with their counts).
        """
        frame = self.segment_sentiment(store)
        if frame is None:
            raise TextmineError(
                f"Le modèle « {self.name} » n'a pas de sentiment : réentraînez-le sans « --sentiment aucun »."
            )
        if column is None:
            frame["group"] = frame["topic"].map(self.label_of())
        else:
            themes_by(self, store, column)  # checks the column, with the French message
            meta = store.document_metadata(self.corpus)
            frame["group"] = frame["document_id"].map(lambda d: meta.get(d, {}).get(column))
            frame = frame.dropna(subset=["group"])
        frame = frame.dropna(subset=["sentiment"])
        rows = []
        for group, part in frame.groupby("group"):
            counts = part["sentiment"].value_counts(normalize=True)
            emotions: dict[str, int] = {}
            for found in part["emotions"]:
                for emotion in found:
                    emotions[emotion] = emotions.get(emotion, 0) + 1
            top = sorted(emotions.items(), key=lambda kv: -kv[1])[:3]
            rows.append(
                {
                    "group": group,
                    "n": len(part),
                    "score": round(float(part["sentiment_score"].mean()), 3),
                    **{
                        label: round(float(counts.get(label, 0.0)), 3)
                        for label in ("negatif", "neutre", "positif")
                    },
                    "emotions": ", ".join(f"{e} ({n})" for e, n in top),
                }
            )
        return pd.DataFrame(rows).sort_values("score", ignore_index=True)

    def label_of(self) -> dict[int, str]:
        """Label of each live theme after edits (and of « sans thème »), without computing sizes."""
        mapping, renamed = self.mapping(), self.edits["labels"]
        labels = {
            t["id"]: renamed.get(str(t["id"]), t["label"]) for t in self.trained_themes if mapping[t["id"]] == t["id"]
        }
        labels[UNASSIGNED] = UNASSIGNED_LABEL
        return labels


def document_profiles(segments: pd.DataFrame, main: dict[int, int] | None = None) -> pd.DataFrame:
    """Each document's profile (share of its segments per theme) and main theme.

    The main theme is ``main[document]`` when given and present in the profile
    (training picks, among a document's themes, the one nearest to the whole
    document), else the theme with the largest share (assigned themes first).
    """
    counts = segments.groupby(["document_id", "topic"]).size().rename("n").reset_index()
    totals = counts.groupby("document_id")["n"].transform("sum")
    counts["share"] = counts["n"] / totals
    counts["assigned"] = counts["topic"] != UNASSIGNED
    chosen = counts["document_id"].map(main or {})
    counts["chosen"] = counts["topic"] == chosen
    ordered = counts.sort_values(
        ["document_id", "chosen", "assigned", "share", "topic"], ascending=[True, False, False, False, True]
    )
    main_rows = ordered.drop_duplicates("document_id")[["document_id", "topic", "share"]]
    shares: dict[int, dict[int, float]] = {}  # one pass: a groupby.apply per document is slow at 100k
    for document, topic, share in zip(counts["document_id"].tolist(), counts["topic"].tolist(),
                                      counts["share"].tolist()):
        shares.setdefault(document, {})[int(topic)] = round(float(share), 3)
    profiles = pd.DataFrame({"document_id": list(shares), "profile": [json.dumps(v) for v in shares.values()]})
    return main_rows.merge(profiles, on="document_id").reset_index(drop=True)


def themes_by(model: TrainedModel, store, column: str) -> pd.DataFrame:  # noqa: ANN001
    """Share of each theme's segments within each value of a metadata column.

    Rows are the column's values (years, organisations…), columns the theme
    labels, cells the share of that value's segments in the theme; a date
    column is grouped by year. ``n`` gives the segments behind each row.
    """
    columns = store.corpus_info(model.corpus).columns
    if column not in columns:
        raise TextmineError(
            f"Colonne « {column} » absente du corpus « {model.corpus} ». Colonnes : {', '.join(columns) or 'aucune'}."
        )
    meta = store.document_metadata(model.corpus)
    segments = model.segments()
    values = segments["document_id"].map(lambda d: meta.get(d, {}).get(column))
    if columns[column] == "date":
        values = values.map(lambda v: int(v[:4]) if isinstance(v, str) and v[:4].isdigit() else None)
    segments = segments.assign(value=values).dropna(subset=["value"])
    if segments.empty:
        raise TextmineError(f"Aucun document n'a de valeur pour « {column} ».")
    labels = model.label_of()
    table = pd.crosstab(segments["value"], segments["topic"].map(labels), normalize="index").round(4)
    ordered = [labels[t] for t in model.themes()["topic"]] + [UNASSIGNED_LABEL]
    table = table[[label for label in ordered if label in table.columns]]
    table.insert(0, "n", segments.groupby("value").size())
    return table.sort_index()


def assignment_rows(model: TrainedModel, store) -> tuple[list[str], list[list[Any]]]:  # noqa: ANN001
    """One row per document of the corpus: id, theme, label, share, sentiment, metadata.

    Documents left out of the model (answers without content) have theme -1.
    ``sentiment`` is the whole document's tone (empty when the model has none).
    """
    docs = model.documents().set_index("document_id")
    labels = model.label_of()
    tones = model.document_sentiment(store)
    columns = list(store.corpus_info(model.corpus).columns)
    header = ["id", "topic", "topic_label", "probability", "sentiment", *columns]
    rows = []
    for doc_id, meta in store.document_metadata(model.corpus).items():
        topic, share = (
            (int(docs.at[doc_id, "topic"]), round(float(docs.at[doc_id, "share"]), 3))
            if doc_id in docs.index
            else (UNASSIGNED, 0.0)
        )
        identifier = meta.get("original_id") or doc_id
        rows.append(
            [
                identifier,
                topic,
                labels.get(topic, UNASSIGNED_LABEL),
                share,
                tones.get(doc_id, (None,))[0],
                *(meta.get(c) for c in columns),
            ]
        )
    return header, rows


def compare(a: TrainedModel, b: TrainedModel) -> list[tuple[str, str, float]]:
    """For each theme of ``a``: the theme of ``b`` most of its documents fall in, and that share."""
    left = a.documents()[["document_id", "topic"]]
    right = b.documents()[["document_id", "topic"]]
    joined = left.merge(right, on="document_id", suffixes=("_a", "_b"))
    labels_a, labels_b = a.label_of(), b.label_of()
    result = []
    for topic in a.themes()["topic"]:
        mine = joined[joined["topic_a"] == topic]
        if mine.empty:
            result.append((labels_a[topic], "—", 0.0))
            continue
        counts = mine["topic_b"].value_counts()
        result.append(
            (labels_a[topic], labels_b.get(int(counts.index[0]), "?"), round(counts.iloc[0] / len(mine), 2))
        )
    return result
