"""Concordance (keyword in context): every occurrence of a word, a lemma or an expression.

Occurrences are found through the workspace's full-text index, then located
in the text as written (accents and case ignored), so each line carries the
exact words and a citation. With a model, lines can be filtered by theme and
tone; metadata filters work on any corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import TextmineError
from . import query as queries
from .citations import Citation, Citer, fold
from .filters import Filters

MAX_CANDIDATES = 20000
LEMMA_BATCH = 200


@dataclass(frozen=True)
class KwicLine:
    """One occurrence: left context, the words matched, right context, and where it is."""

    left: str
    match: str
    right: str
    citation: Citation
    theme: str | None = None
    sentiment: str | None = None


@dataclass
class Concordance:
    lines: list[KwicLine]
    total: int
    message: str | None = None
    #: True when ``total`` only counts the sentences checked so far (lemma mode stops once enough are found).
    partial: bool = False


def concordance(
    store,  # noqa: ANN001
    corpus: str,
    term: str,
    *,
    lemma: bool = False,
    filters: Filters = Filters(),  # noqa: B008
    index=None,  # noqa: ANN001
    topic: int | None = None,
    width: int = 60,
    limit: int = 100,
) -> Concordance:
    """Lines of ``term`` in ``corpus``.

    Args:
        term: a word, an expression (« perte de sens »), or a word ending in
            ``*`` for every word starting so (« indicat* »).
        lemma: match every form of the word (« dossier » finds « dossiers »).
        index: a :class:`~textmine.quotes.index.QuoteIndex` of a model of this
            corpus, needed to filter by ``topic`` or tone.
        width: characters of context on each side.
        limit: at most this many lines (``total`` counts them all).
    """
    words = queries.tokens(term or "")
    if not words:
        raise TextmineError("Indiquez un mot ou une expression à chercher (ex. « reporting », « perte de sens »).")
    prefix = (term or "").strip().endswith("*")
    if (topic is not None or filters.sentiment) and index is None:
        raise TextmineError("Le filtre par thème ou par ton demande un modèle (--model).")
    columns = store.corpus_info(corpus).columns
    filters.check_columns(columns, corpus)
    phrase = " ".join(words)
    if lemma:
        # Sentences holding the lemma, or a word that starts like it; spaCy then checks each one.
        stem = re.sub(r"(?:er|ir|re|é|ée|és|ées)$", "", phrase) if len(words) == 1 else phrase
        match = f'terms : "{phrase}" OR text : "{stem}"*'
    else:
        match = f'text : "{phrase}"' + ("*" if prefix else "")
    hits = store.search_sentences(corpus, match, MAX_CANDIDATES)
    hits.sort(key=lambda h: (h[0], h[1]))

    metadata = index.metadata if index is not None else store.document_metadata(corpus)
    allowed = filters.documents(metadata, columns)
    selected = []
    for doc, n, _ in hits:
        if allowed is not None and doc not in allowed:
            continue
        if index is not None:
            i = index.position.get((doc, n))
            if i is None or not _passes(index, i, topic, filters):
                continue
        selected.append((doc, n))
    partial = False
    if lemma:
        # Check candidates with spaCy batch by batch, only until the lines asked for are found.
        texts = index.texts if index is not None else store.document_texts(corpus)
        checked: list[tuple[int, int]] = []
        for start in range(0, len(selected), LEMMA_BATCH):
            batch = selected[start : start + LEMMA_BATCH]
            spans = store.sentence_spans(batch)
            found = _lemma_occurrences([texts[d][slice(*spans[(d, n)])] for d, n in batch], words)
            checked += [key for key, occurrences in zip(batch, found) if occurrences]
            if len(checked) >= limit and start + LEMMA_BATCH < len(selected):
                partial = True
                break
        selected = checked
    if not selected:
        hint = f" Assouplissez les filtres ({filters.describe()})." if filters or topic is not None else ""
        return Concordance([], 0, f"« {term.strip()} » n'apparaît dans aucun texte du corpus « {corpus} ».{hint}")

    texts = index.texts if index is not None else store.document_texts(corpus)
    citer = index.citer if index is not None else Citer(metadata, store.document_sources(corpus), texts)
    spans = store.sentence_spans(selected[: limit * 3])
    labels = index.labels() if index is not None else {}
    pattern = None if lemma else _pattern(words, prefix)
    lines: list[KwicLine] = []
    for doc, n in selected:
        if len(lines) >= limit:
            break
        if (doc, n) not in spans:
            spans.update(store.sentence_spans(selected[len(lines) : len(lines) + limit * 3]))
        start, end = spans[(doc, n)]
        text = texts[doc]
        for m_start, m_end in _locate(text, start, end, words, pattern):
            theme = sentiment = None
            if index is not None and (doc, n) in index.position:
                i = index.position[(doc, n)]
                theme, sentiment = labels.get(index.topics[i]), index.tones[i]
            lines.append(
                KwicLine(
                    left=_squash(text[max(0, m_start - width) : m_start]),
                    match=text[m_start:m_end],
                    right=_squash(text[m_end : m_end + width]),
                    citation=citer.cite(doc, start, end),
                    theme=theme,
                    sentiment=sentiment,
                )
            )
    return Concordance(lines[:limit], len(selected), partial=partial)


def _passes(index, i: int, topic: int | None, filters: Filters) -> bool:  # noqa: ANN001
    if topic is not None and index.topics[i] != topic:
        return False
    return not filters.sentiment or index.tones[i] in filters.sentiment


def _pattern(words: list[str], prefix: bool) -> re.Pattern[str]:
    body = r"[\W_]+".join(re.escape(w) for w in words)
    return re.compile(r"(?<![^\W_])" + body + (r"[^\W_]*" if prefix else r"(?![^\W_])"))


def _locate(text: str, start: int, end: int, words: list[str], pattern) -> list[tuple[int, int]]:  # noqa: ANN001
    """Occurrences inside one sentence, as character offsets of the document."""
    sentence = fold(text[start:end])
    if pattern is not None:
        return [(start + m.start(), start + m.end()) for m in pattern.finditer(sentence)]
    return [(start + a, start + b) for a, b in _lemma_occurrences([text[start:end]], words)[0]]


def _lemma_occurrences(sentences: list[str], words: list[str]) -> list[list[tuple[int, int]]]:
    """Where the lemmas (or the written words) match, in each sentence, read with spaCy."""
    from ..analysis.preprocess import load_nlp

    found = []
    size = len(words)
    for doc in load_nlp().pipe(sentences, batch_size=256):
        lemmas = [fold(t.lemma_ or t.text) for t in doc]
        forms = [fold(t.text) for t in doc]
        spans = []
        for i in range(len(doc) - size + 1):
            if lemmas[i : i + size] == words or forms[i : i + size] == words:
                last = doc[i + size - 1]
                spans.append((doc[i].idx, last.idx + len(last.text)))
        found.append(spans)
    return found


def _squash(text: str) -> str:
    return " ".join(text.split())


__all__ = ["Concordance", "KwicLine", "concordance"]
