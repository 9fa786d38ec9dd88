"""Quality measures of a topic model, stored in its card."""

from __future__ import annotations

from itertools import combinations

import numpy as np


def topic_diversity(topic_terms: dict[int, list[str]], top_n: int = 10) -> float:
    """Share of distinct terms among the top terms of all topics (1 = no repetition)."""
    tops = [terms[:top_n] for terms in topic_terms.values() if terms]
    total = sum(len(t) for t in tops)
    return round(len({term for t in tops for term in t}) / total, 3) if total else 0.0


def npmi_coherence(topic_terms: dict[int, list[str]], segments_terms: list[str], top_n: int = 10) -> float:
    """Mean normalised PMI of pairs of top terms, from their co-occurrence in segments.

    Ranges from -1 (never together) to 1 (always together); 0 is independence.
    """
    padded = [f" {s} " for s in segments_terms]
    n = len(padded)
    presence: dict[str, np.ndarray] = {}

    def present(term: str) -> np.ndarray:
        if term not in presence:
            needle = f" {term} "
            presence[term] = np.fromiter((needle in s for s in padded), dtype=bool, count=n)
        return presence[term]

    scores = []
    for terms in topic_terms.values():
        for a, b in combinations(terms[:top_n], 2):
            pa, pb = present(a).mean(), present(b).mean()
            pab = (present(a) & present(b)).mean()
            if pa == 0 or pb == 0:
                continue
            if pab == 0:
                scores.append(-1.0)
            elif pab == 1:
                scores.append(1.0)
            else:
                scores.append(float(np.log(pab / (pa * pb)) / -np.log(pab)))
    return round(float(np.mean(scores)), 3) if scores else 0.0


def agreement(labels: list, topics: list[int]) -> dict[str, float]:
    """NMI, AMI and ARI between reference labels and themes (documents with a label only)."""
    from sklearn.metrics import (
        adjusted_mutual_info_score,
        adjusted_rand_score,
        normalized_mutual_info_score,
    )

    pairs = [(str(label), topic) for label, topic in zip(labels, topics) if label not in (None, "")]
    if len(pairs) < 2:
        return {}
    truth, found = zip(*pairs)
    return {
        "nmi": round(float(normalized_mutual_info_score(truth, found)), 3),
        "ami": round(float(adjusted_mutual_info_score(truth, found)), 3),
        "ari": round(float(adjusted_rand_score(truth, found)), 3),
        "documents_evalues": len(pairs),
    }
