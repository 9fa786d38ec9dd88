"""Build the default sentiment classifier shipped in src/textmine/data/sentiment/.

    .venv/bin/python scripts/build_sentiment_model.py

Reads the project's own labelled texts (phrases_annotees.csv: short sentences;
textes_annotes.csv and avis_annotes.csv: longer comments and reviews), embeds them
with e5-small, fits a logistic regression, and chooses by 5-fold
cross-validation on those sentences only (never on benchmark data) the weight
of the lexicon and the width of the neutral band. Writes classifieur_e5.npz
(coefficients and the two settings) and classifieur_e5.json (its card).
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from textmine.embeddings import create
from textmine.sentiment.base import LABELS, label_of
from textmine.sentiment.default import combine
from textmine.sentiment.lexicon import LexiconBackend

DATA = Path(__file__).resolve().parents[1] / "src" / "textmine" / "data" / "sentiment"


def main() -> None:
    sources = [DATA / "phrases_annotees.csv", DATA / "textes_annotes.csv", DATA / "avis_annotes.csv"]
    rows = [row for source in sources for row in csv.DictReader(source.open(encoding="utf-8"))]
    texts, labels = [r["texte"] for r in rows], [r["label"] for r in rows]
    vectors = create("e5-small").encode(texts)
    lexicon = np.array([p.score for p in LexiconBackend().predict(texts)])
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    best = None
    for strength in (1.0, 4.0, 16.0):
        probabilities = cross_val_predict(
            LogisticRegression(C=strength, max_iter=3000), vectors, labels, cv=folds, method="predict_proba"
        )  # columns follow the sorted labels: negatif, neutre, positif
        for weight in (0.0, 0.2, 0.35, 0.5, 0.65):
            scores = combine(probabilities, lexicon, weight)
            for band in (0.1, 0.2, 0.3, 0.4):
                predicted = [label_of(s, band) for s in scores]
                macro = f1_score(labels, predicted, average="macro")
                if best is None or macro > best["macro_f1"]:
                    best = {"C": strength, "lexicon_weight": weight, "neutral_band": band,
                            "macro_f1": round(float(macro), 4),
                            "accuracy": round(float(accuracy_score(labels, predicted)), 4)}
    model = LogisticRegression(C=best["C"], max_iter=3000).fit(vectors, labels)
    assert list(model.classes_) == sorted(LABELS)
    np.savez(DATA / "classifieur_e5.npz", coef=model.coef_.astype(np.float32),
             intercept=model.intercept_.astype(np.float32),
             lexicon_weight=np.float32(best["lexicon_weight"]), neutral_band=np.float32(best["neutral_band"]))
    card = {
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "training_data": {source.name: hashlib.sha256(source.read_bytes()).hexdigest() for source in sources},
        "examples": len(texts),
        "embedding": create("e5-small").name,
        "cross_validation": best,
    }
    (DATA / "classifieur_e5.json").write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(card, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
