"""Topic model: BERTopic on precomputed embeddings, with defaults that adapt to size.

The pipeline is BERTopic's: UMAP → HDBSCAN → c-TF-IDF on a French vocabulary
of lemmas (1 to 3 terms) → KeyBERT-inspired key terms made diverse by MMR.
Outlier segments are then given their nearest theme (the original
assignment is kept in ``topics_original_``).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

from ..errors import TextmineError

MIN_SEGMENTS = 20
# Above this many segments the topic model is fitted on a sample stratified by file, and
# every other segment takes the theme whose centre is nearest (``TopicModel.extend``).
FIT_SAMPLE = 50_000


@contextmanager
def quiet_bertopic() -> Iterator[None]:
    """Silence BERTopic's advice while we call it (and restore its level after)."""
    logger = logging.getLogger("BERTopic")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _collapsed(topics: list[int]) -> bool:
    """Fewer than three themes, or one theme holding more than a third of the segments."""
    assigned = [t for t in topics if t != -1]
    if len(set(assigned)) < 3:
        return True
    largest = max(assigned.count(t) for t in set(assigned))
    return largest > len(topics) / 3


def check_size(n: int, min_topic_size: int | None) -> int:
    """The minimum theme size to use for ``n`` segments, or a French error saying what to do."""
    if n < MIN_SEGMENTS:
        raise TextmineError(
            f"Corpus trop petit pour dégager des thèmes : {n} segments, il en faut au moins "
            f"{MIN_SEGMENTS}. Ajoutez des documents, ou découpez-les plus finement (--segment-words)."
        )
    size = min_topic_size or auto_min_topic_size(n)
    if size > n // 2:
        raise TextmineError(
            f"--min-topic-size {size} est trop grand pour {n} segments : choisissez au plus {n // 2}."
        )
    return size


def auto_min_topic_size(n: int) -> int:
    """Smallest theme, from the number of segments: 5 up to 750 segments, then n/150 (≤ 100)."""
    return int(min(100, max(5, round(n / 150))))


def _adapter(encode: Callable[[list[str]], np.ndarray]):  # noqa: ANN202
    """Lets BERTopic embed key words, seed lists and term strings the way segments were."""
    from bertopic.backend import BaseEmbedder

    class Adapter(BaseEmbedder):
        def embed(self, documents, verbose=False):  # noqa: ANN001, ARG002
            return encode(list(documents))

    return Adapter()


class TopicModel:
    """Themes of a list of segments.

    Args:
        min_topic_size: smallest theme, in segments; ``None`` adapts it to the corpus.
        random_state: seed of UMAP and of the representation models.
        seed_terms: per codebook theme, its seed terms (as theme terms), to guide the model.
        reduce_outliers: give outlier segments their nearest theme.
        represent: compute key terms (KeyBERT-inspired, MMR); without them only the
            assignments are fitted — all a stability refit needs, several times faster.

    Examples:
        >>> model = TopicModel(min_topic_size=5, random_state=1)
        >>> model.min_topic_size
        5
    """

    def __init__(
        self,
        min_topic_size: int | None = None,
        random_state: int = 42,
        seed_terms: list[list[str]] | None = None,
        reduce_outliers: bool = True,
        represent: bool = True,
    ) -> None:
        self.min_topic_size = min_topic_size
        self.random_state = random_state
        self.seed_terms = seed_terms
        self.reduce_outliers = reduce_outliers
        self.represent = represent

    def fit(
        self, terms: list[str], embeddings: np.ndarray, encode: Callable[[list[str]], np.ndarray]
    ) -> "TopicModel":
        """Fit on segments given as theme-term strings and their vectors; returns self.

        ``encode`` turns other term strings (key words, seed lists) into vectors
        comparable with ``embeddings``.
        """
        n = len(terms)
        size = check_size(n, self.min_topic_size)
        if len(set(terms)) < 3 or float(np.ptp(embeddings, axis=0).max(initial=0)) == 0.0:
            raise TextmineError(
                "Les textes du corpus sont (presque) tous identiques : il n'y a pas de thèmes à distinguer."
            )
        self.min_topic_size_ = size
        adapter = _adapter(encode)
        model, topics = self._fit_bertopic(terms, embeddings, adapter, size, "eom")
        if _collapsed(topics) and n >= 4 * size:
            # HDBSCAN's "excess of mass" sometimes keeps one giant cluster (sentence embeddings
            # of one field are all close); its leaves do not.
            model, topics = self._fit_bertopic(terms, embeddings, adapter, size, "leaf")
        self.cluster_selection_ = model.hdbscan_model.cluster_selection_method
        if len(set(topics) - {-1}) < 1:
            raise TextmineError(
                "Aucun thème ne se dégage : les segments sont trop dispersés pour cette taille minimale. "
                "Essayez une valeur plus petite de --min-topic-size."
            )
        self.topics_original_ = list(topics)
        self.outlier_share_original_ = float(np.mean(np.array(topics) == -1))
        with quiet_bertopic():
            if self.reduce_outliers and -1 in topics:
                topics = model.reduce_outliers(terms, topics, strategy="embeddings", embeddings=embeddings)
            if self.represent:  # key terms once, on the final assignments (each costs encoder calls)
                model.update_topics(
                    terms, topics=topics, vectorizer_model=model.vectorizer_model,
                    ctfidf_model=model.ctfidf_model, representation_model=self._representation(),
                )
        self.topics_ = list(int(t) for t in topics)
        self.model_ = model
        self.topic_embeddings_ = self._topic_embeddings(embeddings)
        return self

    def extend(self, sample: np.ndarray, vectors: np.ndarray) -> "TopicModel":
        """After a fit on ``vectors[sample]``: every other row gets the theme whose centre is
        nearest (the way BERTopic advises for millions of texts); returns self."""
        topics = nearest_topics(vectors, self.topic_embeddings_)
        topics[sample] = self.topics_
        original = topics.copy()
        original[sample] = self.topics_original_
        self.sample_ = sample
        self.topics_ = [int(t) for t in topics]
        self.topics_original_ = [int(t) for t in original]
        return self

    def _fit_bertopic(self, terms, embeddings, adapter, size, selection):  # noqa: ANN001
        import hdbscan
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer
        from sklearn.feature_extraction.text import CountVectorizer
        from umap import UMAP

        n = len(terms)
        seeds = [s for s in (self.seed_terms or []) if s]
        model = BERTopic(
            embedding_model=adapter,
            umap_model=UMAP(
                n_neighbors=min(15, n - 1), n_components=min(5, n - 2), min_dist=0.0,
                metric="cosine", random_state=self.random_state,
            ),
            hdbscan_model=hdbscan.HDBSCAN(
                min_cluster_size=size, metric="euclidean", cluster_selection_method=selection,
                prediction_data=True,
            ),
            vectorizer_model=CountVectorizer(
                tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 3),
                min_df=2 if n >= 100 else 1,
            ),
            ctfidf_model=ClassTfidfTransformer(
                reduce_frequent_words=True, bm25_weighting=True,
                seed_words=sorted({t for s in seeds for t in s}) or None,
            ),
            representation_model=None,  # set by ``fit`` once the assignments are final
            seed_topic_list=seeds or None,
            top_n_words=10,
        )
        with quiet_bertopic():
            topics, _ = model.fit_transform(terms, embeddings=np.array(embeddings))
        return model, list(topics)

    def _representation(self) -> list:
        """Key terms: KeyBERT-inspired candidates from c-TF-IDF, made diverse by MMR."""
        from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

        return [
            KeyBERTInspired(top_n_words=10, nr_candidate_words=40, random_state=self.random_state),
            MaximalMarginalRelevance(diversity=0.3, top_n_words=10),
        ]

    def _topic_embeddings(self, embeddings: np.ndarray) -> dict[int, np.ndarray]:
        topics = np.array(self.topics_)
        centres = {}
        for topic in sorted(set(self.topics_) - {-1}):
            centre = embeddings[topics == topic].mean(axis=0)
            centres[topic] = centre / (np.linalg.norm(centre) or 1.0)
        return centres

    def key_terms(self, topic: int) -> list[tuple[str, float]]:
        """The topic's representation: (term, weight), best first."""
        return [(t, float(w)) for t, w in (self.model_.get_topic(topic) or []) if t]

    def ctfidf_terms(self, topic: int, n: int = 30) -> list[tuple[str, float]]:
        """The topic's c-TF-IDF terms before re-ranking, for matching with a codebook."""
        matrix = self.model_.c_tf_idf_
        words = self.model_.vectorizer_model.get_feature_names_out()
        # c-TF-IDF rows follow the topic ids, with the outlier row first when there is one.
        row = matrix[topic + self.model_._outliers].toarray().ravel()  # noqa: SLF001
        best = np.argsort(row)[::-1][:n]
        return [(str(words[i]), float(row[i])) for i in best if row[i] > 0]


def stratified_sample(groups: list[str], size: int, seed: int) -> np.ndarray:
    """Sorted positions of ``size`` items drawn at random within each group (file, source…),
    each group keeping its share of the whole (largest remainders; at least one item per group)."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(groups, dtype=object)
    names = sorted(set(groups))
    members = [np.flatnonzero(labels == name) for name in names]
    exact = np.array([size * len(m) / len(groups) for m in members])
    quota = np.maximum(1, np.floor(exact)).astype(int)
    for i in np.argsort(quota - exact)[: max(0, size - quota.sum())]:  # largest remainders first
        quota[i] += 1
    while quota.sum() > size:  # one item for each small group pushed the total over
        quota[int(np.argmax(quota))] -= 1
    chosen = [rng.choice(m, size=min(q, len(m)), replace=False) for m, q in zip(members, quota)]
    return np.sort(np.concatenate(chosen))


def nearest_topics(vectors: np.ndarray, centres: dict[int, np.ndarray], batch: int = 65536) -> np.ndarray:
    """The theme whose centre is nearest (cosine) to each vector."""
    ids = np.array(sorted(centres))
    matrix = np.vstack([centres[t] for t in ids]).T
    return np.concatenate([ids[np.argmax(vectors[i : i + batch] @ matrix, axis=1)]
                           for i in range(0, len(vectors), batch)]) if len(vectors) else ids[:0]
