"""Quotes: the sentences that best say what a theme is about, or that answer a query.

A :class:`QuoteIndex` reads a trained model and its corpus once (sentences,
the segment each belongs to, its theme and tone, the segment vectors); quotes
for a theme or a query are then computed in memory, with the lexical part of
search answered by the workspace's full-text index (SQLite FTS5).

A quote is a sentence, or two sentences when the second cannot be read alone
(« Il… », « Cela… »); fragments and very long sentences are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from ..embeddings.base import normalise
from ..errors import TextmineError
from ..themes.model import UNASSIGNED, TrainedModel
from . import query as queries
from .citations import Citation, Citer, fold
from .filters import Filters

MODES = ("hybride", "semantique", "lexical")
MIN_WORDS, MAX_WORDS, MAX_WINDOW_WORDS = 6, 60, 80
LEXICAL_SHARE = 0.2
NEIGHBOURS = 10
SMOOTHING = 1.0
# Above this many documents, neighbours are searched at query time for the SMOOTHED best ones only.
EXACT_NEIGHBOURS = 20_000
SMOOTHED = 300
_POOL = 300
_DANGLING = re.compile(
    r"^(?:il|ils|elle|elles|cela|ça|ca|ceci|celui-ci|celle-ci|ceux-ci|celles-ci|ce dernier|cette dernière|"
    r"ces derniers|ces dernières|lui|eux|en effet|de plus|par ailleurs|ensuite|puis|donc|mais|et|ou|car|or|"
    r"pourtant|cependant|néanmoins|sinon|du coup|là-dessus|celui|celle|ceux|à cela|pour cela|c'est pour ça)\b",
    re.IGNORECASE,
)
_IMPERSONAL = re.compile(
    r"^il (?:faut|faudrait|fallait|y a|y avait|y aura|manque|reste|arrive|semble|devient|paraît|"
    r"est (?:difficile|impossible|normal|urgent|temps|clair|vrai|dommage|essentiel|important|nécessaire))\b",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^[\s\"'«“(\-–—•*]+")
_ENDS = (".", "!", "?", "…", "»", '"', ")", "”")
_WORD = re.compile(r"\w+")
_READ_WORD = re.compile(r"\w[\w'’-]*")  # a word as a reader counts it: « l'avoue » is one


@dataclass(frozen=True)
class Quote:
    """A quote ready to cite: the text as written and its source."""

    text: str
    citation: Citation
    topic: int | None
    theme: str | None
    sentiment: str | None
    score: float
    duplicates: int = 0

    def cited(self) -> str:
        return self.citation.format(self.text)


@dataclass
class QuoteResult:
    """Quotes, and why there are none when there are none."""

    quotes: list[Quote]
    message: str | None = None
    details: dict = field(default_factory=dict)


class QuoteIndex:
    """A model's sentences, with what quotes need, loaded once."""

    def __init__(self, store, model: TrainedModel, cache_dir: Path | None = None) -> None:
        self.store, self.model, self.corpus = store, model, model.corpus
        self.cache_dir = cache_dir
        self.columns = store.corpus_info(self.corpus).columns
        self.texts = store.document_texts(self.corpus)
        self.metadata = store.document_metadata(self.corpus)
        self.citer = Citer(self.metadata, store.document_sources(self.corpus), self.texts)
        self.vectors = np.load(model.path / "embeddings.npy", mmap_mode="r")
        self.sentences = self._sentences()
        self.position = {
            key: i for i, key in enumerate(zip(self.sentences["document_id"], self.sentences["n"]))
        }
        self._termsets = list(self.sentences["termset"])
        self._document_ids = [int(d) for d in self.sentences["document_id"]]
        self._unit_starts = [int(u) for u in self.sentences["unit_start"]]
        self._ends = [int(e) for e in self.sentences["end"]]
        self.topics = [int(t) for t in self.sentences["topic"]]
        self.tones = [t if isinstance(t, str) else None for t in self.sentences["sentiment"]]
        self._encoder = None
        self._semantic: np.ndarray | None = None

    # -- building -----------------------------------------------------------------

    def _sentences(self) -> pd.DataFrame:
        rows = pd.DataFrame(self.store.sentences(self.corpus), columns=["document_id", "n", "start", "end", "terms"])
        segments = self.model.segment_sentiment(self.store)
        if segments is None:
            segments = self.model.segments().assign(sentiment=None)
        segments = segments.reset_index(drop=True)
        segments["segment"] = segments.index
        keep = ["document_id", "start", "end", "segment", "topic", "similarity", "sentiment"]
        joined = pd.merge_asof(
            rows.sort_values("start"),
            segments[keep].rename(columns={"start": "segment_start", "end": "segment_end"}).sort_values("segment_start"),
            left_on="start",
            right_on="segment_start",
            by="document_id",
            direction="backward",
        )
        joined = joined[joined["start"] < joined["segment_end"]]
        joined = joined.sort_values(["document_id", "n"], ignore_index=True)
        joined["segment"] = joined["segment"].astype(int)
        joined["topic"] = joined["topic"].astype(int)
        previous = rows.groupby("document_id")[["start", "end"]].shift(1)
        rows = rows.assign(prev_start=previous["start"].fillna(-1).astype(int), prev_end=previous["end"].fillna(-1).astype(int))
        joined = joined.merge(rows[["document_id", "n", "prev_start", "prev_end"]], on=["document_id", "n"])
        units = [self._unit(row) for row in joined[["document_id", "start", "end", "prev_start", "prev_end"]].itertuples(index=False)]
        joined["unit_start"] = [u[0] for u in units]
        joined["readable"] = [u[1] for u in units]
        joined["termset"] = [frozenset(t.replace("_", " ") for t in terms.split()) for terms in joined["terms"]]
        return joined

    def _unit(self, row) -> tuple[int, bool]:
        """Where the quote holding this sentence starts, and whether it can be read alone."""
        text = self.texts[row.document_id]
        sentence = text[row.start : row.end]
        words = len(_READ_WORD.findall(sentence))
        after = text[row.end :]
        # Punctuated, or the last words of the document; a short line without a full stop is a heading.
        ends = sentence.endswith(_ENDS) or not after.strip() or (after.startswith("\n") and words >= 10)
        if not _dangling(sentence):
            return row.start, ends and MIN_WORDS <= words <= MAX_WORDS
        if row.prev_start < 0 or "\n\n" in text[row.prev_end : row.start]:
            return row.start, False
        prior = text[row.prev_start : row.prev_end]
        words += len(_READ_WORD.findall(prior))
        return row.prev_start, ends and not _dangling(prior) and MIN_WORDS <= words <= MAX_WINDOW_WORDS

    # -- shared -----------------------------------------------------------------

    def labels(self) -> dict[int, str]:
        return self.model.label_of()

    def theme_info(self, topic: int) -> dict:
        """Label, codebook theme, its definition and the key terms of a theme (after edits)."""
        themes = self.model.themes().set_index("topic")
        if topic not in themes.index:
            raise TextmineError(f"Thème {topic} introuvable dans le modèle « {self.model.name} ».")
        row = themes.loc[topic]
        definitions = {t["nom"]: t["definition"] for t in self.model.card.get("codebook", {}).get("themes", [])}
        codebook = row["codebook"] if isinstance(row["codebook"], str) else None
        return {"label": row["label"], "codebook": codebook, "definition": definitions.get(codebook),
                "terms": list(row["terms"])[:10], "segments": int(row["segments"]), "documents": int(row["documents"])}

    def mask(self, filters: Filters, topic: int | None = None) -> np.ndarray:
        """Sentences passing the filters (and in ``topic`` when given), readable only."""
        frame = self.sentences
        keep = frame["readable"].to_numpy().copy()
        if topic is not None:
            keep &= (frame["topic"] == topic).to_numpy()
        if filters.sentiment:
            if not self.model.sentiment_backend():
                raise TextmineError(
                    f"Le modèle « {self.model.name} » n'a pas de sentiment : le filtre de ton est impossible."
                )
            keep &= frame["sentiment"].isin(filters.sentiment).to_numpy()
        filters.check_columns(self.columns, self.corpus)
        documents = filters.documents(self.metadata, self.columns)
        if documents is not None:
            keep &= frame["document_id"].isin(documents).to_numpy()
        return keep

    def quote(self, i: int, score: float, labels: dict[int, str]) -> Quote:
        row = self.sentences.iloc[i]
        doc, start, end = int(row["document_id"]), int(row["unit_start"]), int(row["end"])
        topic = int(row["topic"])
        return Quote(
            text=self.texts[doc][start:end],
            citation=self.citer.cite(doc, start, end),
            topic=topic,
            theme=labels.get(topic),
            sentiment=row["sentiment"] if isinstance(row["sentiment"], str) else None,
            score=round(float(score), 4),
        )

    def _select(
        self, ranked: list[tuple[int, float]], n: int, per_document: int, diversity: float
    ) -> list[tuple[int, float, int]]:
        """Greedy pick in rank order (maximal marginal relevance when ``diversity`` > 0):
        at most ``per_document`` quotes per document, near-duplicates merged."""
        chosen: list[tuple[int, float, int]] = []
        keys: list[set[str]] = []
        per_doc: dict[int, int] = {}
        starts: set[tuple[int, int]] = set()
        termsets, documents, units, ends = self._termsets, self._document_ids, self._unit_starts, self._ends
        pool = list(ranked[:_POOL])
        top = pool[0][1] if pool else 1.0
        while pool and len(chosen) < n:
            pool = [(i, score) for i, score in pool if per_doc.get(documents[i], 0) < per_document]
            if not pool:
                break
            best, best_value = 0, None
            if diversity > 0 and chosen:
                for j, (i, score) in enumerate(pool[:100]):
                    overlap = max(_jaccard(termsets[i], termsets[c]) for c, _, _ in chosen)
                    value = (1 - diversity) * score / (top or 1) - diversity * overlap
                    if best_value is None or value > best_value:
                        best, best_value = j, value
            i, score = pool.pop(best)
            doc = documents[i]
            if (doc, units[i]) in starts:
                continue
            words = set(_WORD.findall(fold(self.texts[doc][units[i] : ends[i]])))
            twin = next((k for k, other in enumerate(keys) if _jaccard(words, other) >= 0.8), None)
            if twin is not None:
                first, first_score, count = chosen[twin]
                chosen[twin] = (first, first_score, count + 1)
                continue
            per_doc[doc] = per_doc.get(doc, 0) + 1
            starts.add((doc, units[i]))
            chosen.append((i, score, 0))
            keys.append(words)
        return chosen

    def _result(self, chosen: list[tuple[int, float, int]], filters: Filters, what: str) -> QuoteResult:
        labels = self.labels()
        quotes = []
        for i, score, duplicates in chosen:
            quote = self.quote(i, score, labels)
            quotes.append(Quote(**{**quote.__dict__, "duplicates": duplicates}))
        if quotes:
            return QuoteResult(quotes)
        hint = f" Assouplissez les filtres ({filters.describe()})." if filters else ""
        return QuoteResult([], f"Aucune citation trouvée pour {what}.{hint}")

    # -- quotes for a theme -------------------------------------------------------------

    def for_theme(
        self, topic: int, n: int = 10, filters: Filters = Filters(), per_document: int = 1, diversity: float = 0.3
    ) -> QuoteResult:
        """The ``n`` sentences nearest the theme's centre and richest in its key terms, diverse."""
        labels = self.labels()
        if topic not in labels or topic == UNASSIGNED:
            shown = ", ".join(str(t) for t in sorted(labels) if t != UNASSIGNED)
            raise TextmineError(f"Thème {topic} introuvable dans le modèle « {self.model.name} ». Thèmes : {shown}.")
        _check_n(n)
        keep = self.mask(filters, topic)
        candidates = np.flatnonzero(keep)
        if len(candidates) == 0:
            return self._result([], filters, f"le thème « {labels[topic]} »")
        weights = self._term_weights(topic)
        frame = self.sentences
        similarity = frame["similarity"].to_numpy()[candidates].astype(float)
        low, high = similarity.min(), similarity.max()
        centrality = (similarity - low) / (high - low) if high > low else np.ones_like(similarity)
        norm = sum(sorted(weights.values(), reverse=True)[:5]) or 1.0
        termsets = self._termsets
        richness = np.array([min(1.0, sum(weights.get(t, 0.0) for t in termsets[i]) / norm) for i in candidates])
        # Near the centre and dense in key terms; a sentence with none of them reads as off-topic.
        scores = (0.45 * centrality + 0.55 * richness) * np.where(richness > 0, 1.0, 0.6)
        order = np.argsort(-scores, kind="stable")
        ranked = [(int(candidates[j]), float(scores[j])) for j in order]
        return self._result(self._select(ranked, n, per_document, diversity), filters, f"le thème « {labels[topic]} »")

    def _term_weights(self, topic: int) -> dict[str, float]:
        mapping = self.model.mapping()
        weights: dict[str, float] = {}
        for theme in self.model.trained_themes:
            if mapping[theme["id"]] == topic:
                for term, weight in theme.get("ctfidf", []):
                    weights[term] = max(weights.get(term, 0.0), float(weight))
        return weights

    # -- quotes for a query -------------------------------------------------------------

    def search(
        self,
        text: str,
        n: int = 10,
        filters: Filters = Filters(),  # noqa: B008
        mode: str = "hybride",
        per_document: int = 1,
        topic: int | None = None,
    ) -> QuoteResult:
        """Sentences answering a query, best first.

        ``semantique``: the query's embedding against the segment holding each
        sentence (e5's query form; the lexical half of the model's vectors is
        left out). ``lexical``: BM25 of the sentence in the full-text index
        (accents folded, words and lemmas). ``hybride``: standardised semantic
        score plus a smaller share of the document's and the sentence's BM25,
        so that a document both about the query and using its words comes
        first, and within it the sentence that uses them.
        """
        if mode not in MODES:
            raise TextmineError(f"Mode de recherche inconnu « {mode} » : {', '.join(MODES)}.")
        _check_n(n)
        parsed = queries.parse(text)
        keep = self.mask(filters, topic)
        candidates = np.flatnonzero(keep)
        if mode == "semantique":
            scores = self._semantic_scores(parsed)
        else:
            sentence, document = self._lexical_scores(parsed)
            if mode == "lexical":
                scores = sentence + 1e-3 * document
                candidates = candidates[sentence[candidates] > 0]
            else:
                scores = self._hybrid_scores(parsed, sentence, document, candidates)
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        ranked = [(int(i), float(scores[i])) for i in order[: _POOL * 4]]
        return self._result(self._select(ranked, n, per_document, 0.0), filters, f"« {parsed.text} »")

    def _hybrid_scores(self, parsed: queries.Query, sentence: np.ndarray, document: np.ndarray,
                       candidates: np.ndarray) -> np.ndarray:
        """Semantic and BM25 scores standardised and added, then each document's score is
        smoothed with its nearest neighbours' (documents close in meaning answer alike)."""
        fused = (_standard(self._semantic_scores(parsed), candidates)
                 + LEXICAL_SHARE * _standard(document, candidates)
                 + LEXICAL_SHARE / 2 * _standard(sentence, candidates))
        rows = self._document_rows
        best = np.full(rows.max() + 1, -np.inf)
        np.maximum.at(best, rows[candidates], fused[candidates])
        present = np.isfinite(best)
        best[~present] = best[present].min() if present.any() else 0.0
        neighbours = self._neighbour_means(best)
        smoothed = _standard(best, np.flatnonzero(present)) + SMOOTHING * _standard(neighbours, np.flatnonzero(present))
        return smoothed[rows] + 0.05 * fused

    @cached_property
    def _document_rows(self) -> np.ndarray:
        """Row of each sentence's document in :attr:`neighbours`."""
        return np.searchsorted(self._documents, self.sentences["document_id"].to_numpy())

    @cached_property
    def _documents(self) -> np.ndarray:
        return np.unique(self.sentences["document_id"].to_numpy())

    def _neighbour_means(self, best: np.ndarray) -> np.ndarray:
        """Each document's neighbours' mean score. Up to EXACT_NEIGHBOURS documents, from every
        document's nearest neighbours (computed once); above, the all-pairs search would take
        minutes, so only the SMOOTHED best-scored documents are smoothed, their neighbours
        searched at query time (the others keep their own score)."""
        if len(self._documents) <= EXACT_NEIGHBOURS:
            return best[self.neighbours].mean(axis=1)
        means = best.copy()
        top = np.argpartition(-best, SMOOTHED)[:SMOOTHED]
        vectors = self._document_vectors
        block = vectors[top] @ vectors.T
        block[np.arange(len(top)), top] = -np.inf
        nearest = np.argpartition(-block, NEIGHBOURS - 1, axis=1)[:, :NEIGHBOURS]
        means[top] = best[nearest].mean(axis=1)
        return means

    @cached_property
    def _document_vectors(self) -> np.ndarray:
        """Each document's (rows of :attr:`_documents`) mean segment vector, normalised."""
        segments = self.model.trained_segments["document_id"].to_numpy()
        rows = np.searchsorted(self._documents, segments)
        inside = (rows < len(self._documents)) & (self._documents[np.minimum(rows, len(self._documents) - 1)] == segments)
        vectors = np.zeros((len(self._documents), self.vectors.shape[1]), dtype=np.float32)
        np.add.at(vectors, rows[inside], np.asarray(self.vectors, dtype=np.float32)[inside])
        return normalise(vectors)

    @cached_property
    def neighbours(self) -> np.ndarray:
        """For each document (rows of :attr:`_documents`), its nearest documents by their mean segment vector."""
        vectors = self._document_vectors
        k = min(NEIGHBOURS, max(1, len(vectors) - 1))
        found = np.zeros((len(vectors), k), dtype=np.int64)
        for start in range(0, len(vectors), 1024):
            block = vectors[start : start + 1024] @ vectors.T
            block[np.arange(len(block)), np.arange(start, start + len(block))] = -np.inf
            found[start : start + len(block)] = np.argpartition(-block, k - 1, axis=1)[:, :k] if k < len(vectors) else \
                np.argsort(-block, axis=1)[:, :k]
        return found

    def _lexical_scores(self, parsed: queries.Query) -> tuple[np.ndarray, np.ndarray]:
        """BM25 of each sentence, and of its document (the sum over its sentences)."""
        sentence = np.zeros(len(self.sentences))
        by_document: dict[int, float] = {}
        for doc, n, relevance in self.store.search_sentences(self.corpus, parsed.fts(), 5000):
            i = self.position.get((doc, n))
            if i is not None:
                sentence[i] = relevance
            by_document[doc] = by_document.get(doc, 0.0) + relevance
        document = self.sentences["document_id"].map(by_document).fillna(0.0).to_numpy()
        return sentence, document

    def _semantic_scores(self, parsed: queries.Query) -> np.ndarray:
        """Cosine of the query with the segment of each sentence (semantic half of the vectors)."""
        encode = getattr(self.encoder.embedder, "encode_query", self.encoder.embedder.encode)
        query = normalise(np.atleast_2d(encode([parsed.text])))[0]
        if self._semantic is None or self._semantic.shape[1] != len(query):
            self._semantic = normalise(np.asarray(self.vectors[:, : len(query)], dtype=np.float32))
        return (self._semantic @ query)[self.sentences["segment"].to_numpy()]

    @property
    def encoder(self):
        if self._encoder is None:
            self._encoder = self.model.encoder(self.cache_dir)
        return self._encoder


def load_index(workspace, model_name: str | None = None, corpus: str | None = None) -> QuoteIndex:
    """The quote index of a model, by name, or of the model published for ``corpus``."""
    from ..themes.registry import Registry

    registry = Registry(workspace.models_dir)
    if model_name is None:
        if corpus is None:
            raise TextmineError("Indiquez un modèle (--model) ou un corpus (--corpus).")
        model_name = registry.published().get(corpus)
        if model_name is None:
            raise TextmineError(f"Aucun modèle publié pour le corpus « {corpus} » : entraînez-en un avec « textmine train ».")
    model = TrainedModel.load(registry, model_name)
    return QuoteIndex(workspace.open_store(), model, workspace.home / "cache" / "embeddings")


def _check_n(n: int) -> None:
    if not 1 <= n <= 500:
        raise TextmineError("Le nombre de citations doit être compris entre 1 et 500.")


def _dangling(sentence: str) -> bool:
    head = _LEADING.sub("", sentence)
    return bool(_DANGLING.match(head)) and not _IMPERSONAL.match(head)


def _standard(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Scores standardised over the candidates (mean 0, standard deviation 1)."""
    if len(among) == 0:
        return values
    spread = values[among].std()
    return (values - values[among].mean()) / spread if spread > 0 else values * 0.0


def _jaccard(a: set | frozenset, b: set | frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
