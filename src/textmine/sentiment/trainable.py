"""A sentiment model analysts train on their own labelled examples.

Word (1–2) and character (2–5) TF-IDF n-grams, then a logistic regression
whose strength is chosen by cross-validation. Saved as a model folder (plain
arrays, no pickle) with a card holding its cross-validated metrics; used by
its name afterwards (``--backend NAME``).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np

from ..errors import TextmineError
from ..normalize import fold
from .base import LABELS, Polarity, label_of

MIN_PER_CLASS = 5
MIN_TOTAL = 20
_ALIASES = {
    "negatif": "negatif",
    "négatif": "negatif",
    "neg": "negatif",
    "negative": "negatif",
    "-1": "negatif",
    "neutre": "neutre",
    "neutral": "neutre",
    "neu": "neutre",
    "0": "neutre",
    "positif": "positif",
    "positive": "positif",
    "pos": "positif",
    "1": "positif",
    "+1": "positif",
}


def read_examples(
    path: Path, text_column: str = "text", label_column: str = "label"
) -> tuple[list[str], list[str]]:
    """Texts and labels (normalised to négatif/neutre/positif) of a training CSV, checked."""
    from ..ingest.columns import find_column
    from ..ingest.delimited import read_delimited
    from ..ingest.sniff import check_file

    check_file(path)
    table = read_delimited(path)
    text_col = find_column(table.columns, text_column, path.name, "--text-column")
    label_col = find_column(table.columns, label_column, path.name, "--label-column")
    texts, labels, unknown = [], [], Counter()
    for position, row in table.rows:
        text, raw = (row.get(text_col) or "").strip(), (row.get(label_col) or "").strip()
        if not text:
            continue
        label = _ALIASES.get(fold(raw)) or _ALIASES.get(raw.lower())
        if label is None:
            unknown[raw] += 1
            continue
        texts.append(text)
        labels.append(label)
    if unknown:
        shown = ", ".join(f"« {k} » ({n})" for k, n in unknown.most_common(5))
        raise TextmineError(
            f"{path.name} : étiquettes inconnues {shown}. Étiquettes acceptées : negatif, neutre, positif "
            "(ou negative/neutral/positive, -1/0/1)."
        )
    check_examples(labels, path.name)
    return texts, labels


def check_examples(labels: list[str], source: str) -> None:
    counts = Counter(labels)
    if len(counts) < 2:
        only = next(iter(counts), "aucune")
        raise TextmineError(
            f"{source} : une seule classe ({only}) ; il faut des exemples d'au moins deux classes "
            "(negatif, neutre, positif)."
        )
    short = {label: n for label, n in counts.items() if n < MIN_PER_CLASS}
    if short or len(labels) < MIN_TOTAL:
        detail = ", ".join(f"{label} : {n}" for label, n in sorted(counts.items()))
        raise TextmineError(
            f"{source} : trop peu d'exemples ({detail}). Il en faut au moins {MIN_PER_CLASS} par classe "
            f"et {MIN_TOTAL} en tout ; quelques centaines donnent de bien meilleurs résultats."
        )


class TrainableBackend:
    """TF-IDF n-grams and logistic regression, fitted on labelled examples."""

    def __init__(self, name: str = "entrainable") -> None:
        self.name = f"{name}.tfidf-lr.v1"

    @staticmethod
    def _vectorizers(**kwargs):  # noqa: ANN003, ANN205
        from sklearn.feature_extraction.text import TfidfVectorizer

        word = TfidfVectorizer(
            sublinear_tf=True, ngram_range=(1, 2), min_df=1, strip_accents=None, **kwargs.get("word", {})
        )
        char = TfidfVectorizer(
            sublinear_tf=True,
            analyzer="char_wb",
            ngram_range=(2, 5),
            min_df=2 if kwargs.get("n", 100) >= 50 else 1,
            **kwargs.get("char", {}),
        )
        return word, char

    def _features(self, texts: list[str]):  # noqa: ANN202
        from scipy.sparse import hstack

        return hstack([self.word_.transform(texts), self.char_.transform(texts)]).tocsr()

    def fit(self, texts: list[str], labels: list[str], random_state: int = 42) -> dict[str, float]:
        """Fit, and return cross-validated accuracy and macro-F1 (5 folds, or fewer for small sets)."""
        from scipy.sparse import hstack
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import accuracy_score, f1_score
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        check_examples(labels, "exemples")
        self.word_, self.char_ = self._vectorizers(n=len(texts))
        matrix = hstack([self.word_.fit_transform(texts), self.char_.fit_transform(texts)]).tocsr()
        folds = max(2, min(5, min(Counter(labels).values())))
        splitter = StratifiedKFold(folds, shuffle=True, random_state=random_state)
        best = None
        for strength in (2.0, 8.0, 32.0):
            model = LogisticRegression(C=strength, max_iter=2000)
            predicted = cross_val_predict(model, matrix, labels, cv=splitter)
            scores = {
                "accuracy": round(float(accuracy_score(labels, predicted)), 4),
                "macro_f1": round(float(f1_score(labels, predicted, average="macro")), 4),
                "C": strength,
                "folds": folds,
            }
            if best is None or scores["macro_f1"] > best["macro_f1"]:
                best = scores
        self.model_ = LogisticRegression(C=best["C"], max_iter=2000).fit(matrix, labels)
        self.metrics_ = {**best, "examples": len(labels), "classes": dict(Counter(labels))}
        return self.metrics_

    def predict(self, texts: list[str]) -> list[Polarity]:
        probabilities = self.model_.predict_proba(self._features(texts))
        classes = list(self.model_.classes_)
        results = []
        for row in probabilities:
            p = dict(zip(classes, row))
            score = float(p.get("positif", 0.0) - p.get("negatif", 0.0))
            label = classes[int(np.argmax(row))] if "neutre" in classes else label_of(score, 1e-9)
            results.append(Polarity(label, round(score, 3), round(float(row.max()), 3)))
        return results

    # -- saving ---------------------------------------------------------------

    def save(self, folder: Path, card: dict) -> None:
        def vocab(v):  # noqa: ANN001, ANN202
            return np.asarray(v.get_feature_names_out(), dtype=str)

        np.savez(
            folder / "sentiment.npz",
            word_vocabulary=vocab(self.word_),
            word_idf=self.word_.idf_,
            char_vocabulary=vocab(self.char_),
            char_idf=self.char_.idf_,
            coef=self.model_.coef_,
            intercept=self.model_.intercept_,
            classes=np.asarray(self.model_.classes_, dtype=str),
        )
        (folder / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "TrainableBackend":
        from sklearn.linear_model import LogisticRegression

        card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
        arrays = np.load(folder / "sentiment.npz", allow_pickle=False)
        backend = cls(card["name"])
        word, char = cls._vectorizers(
            word={"vocabulary": {w: i for i, w in enumerate(arrays["word_vocabulary"])}},
            char={"vocabulary": {w: i for i, w in enumerate(arrays["char_vocabulary"])}},
        )
        for vectorizer, idf in ((word, arrays["word_idf"]), (char, arrays["char_idf"])):
            vectorizer.fit(["a b"])
            vectorizer.idf_ = idf
        backend.word_, backend.char_ = word, char
        model = LogisticRegression()
        model.coef_, model.intercept_ = arrays["coef"], arrays["intercept"]
        model.classes_ = arrays["classes"].astype(object)
        backend.model_ = model
        return backend


def train_from_csv(
    workspace, path: Path, name: str, text_column: str, label_column: str, replace: bool = False
) -> dict:  # noqa: ANN001
    """Train a sentiment model on a labelled CSV and save it as ``models/<name>``; returns its card."""
    from datetime import datetime, timezone

    from ..themes.registry import Registry

    registry = Registry(workspace.models_dir)
    texts, labels = read_examples(Path(path), text_column, label_column)
    backend = TrainableBackend(name)
    metrics = backend.fit(texts, labels)
    card = {
        "name": name,
        "kind": "sentiment",
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "backend": backend.name,
        "training_file": Path(path).name,
        "labels": list(LABELS),
        "metrics": metrics,
        "corpus": {"name": None},
    }
    with registry.creating(name, replace=replace) as folder:
        backend.save(folder, card)
    return card
