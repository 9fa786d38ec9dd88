"""Word tokens of a corpus for lexicometry: forms, lemmas and parts of speech, cached on disk.

Every lexicometric analysis (statistics, specificities, Reinert classes,
similitudes) starts from one table with a row per word token. It is computed
once with the project's spaCy pipeline (``textmine.analysis.preprocess``) and
kept in ``analyses/.cache/tokens-<corpus fingerprint>-<spaCy model version>.parquet``:
a changed corpus or model gets a new file, the same corpus is read back.

Forms and lemmas follow IRaMuTeQ's habits: lower-cased, the typographic
apostrophe written « ' », an elided article or pronoun lemmatised as its full
word (« l' » → « le », « qu' » → « que »). Punctuation, spaces and symbols
without a letter or digit are not tokens.

Active forms are IRaMuTeQ's: the lemmas of nouns, verbs, adjectives and
adverbs (``ACTIVE_POS``). The other parts of speech are kept in the table as
supplementary forms and are not active by default: proper nouns (``PROPN``,
names of people and places rather than vocabulary), auxiliaries (``AUX``:
« être », « avoir » as auxiliaries, like IRaMuTeQ's « ver_sup »), numbers
(``NUM``), pronouns, determiners, prepositions and conjunctions (IRaMuTeQ's
tool words). Among nouns, verbs, adjectives and adverbs, a short list of tool
words is supplementary too (``SUPPLEMENTARY``: « ne », « pas », « très »…,
« être » and « avoir » even when tagged as verbs), as IRaMuTeQ's dictionary
marks them « adv_sup » or « ver_sup ». ``active_forms(..., pos=...)``,
``supplementary=()`` or ``keep`` make any of them active.

Documents flagged as without content at import (« R.A.S. », « Néant ») have no
tokens: they say nothing about the vocabulary.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from ..analysis.preprocess import _ELISIONS, MODEL, analyse_corpus, load_nlp
from ..errors import TextmineError
from ..workspace import Workspace

ACTIVE_POS = ("NOUN", "VERB", "ADJ", "ADV")
SUPPLEMENTARY = frozenset({
    "ne", "pas", "plus", "moins", "très", "trop", "aussi", "si", "alors", "encore", "déjà", "ainsi", "y", "en",
    "non", "oui", "là", "ici", "puis", "donc", "tout", "bien", "peu", "tant", "autant", "même", "comme", "où",
    "être", "avoir",
})
COLUMNS = ["document_id", "sentence", "start", "end", "form", "lemma", "pos"]
# Components the table does not need: sentences come from the store.
_SKIPPED = ("senter", "textmine_line_breaks", "parser", "ner")

Progress = Callable[[str, int, int], None]


def cache_path(workspace: Workspace, corpus: str) -> Path:
    """Where the tokens of ``corpus`` are cached (changes with the corpus content and the spaCy model)."""
    store = workspace.open_store()
    try:
        fingerprint = store.corpus_fingerprint(corpus)
    finally:
        store.close()
    return workspace.home / "analyses" / ".cache" / f"tokens-{fingerprint}-{spacy_model_version()}.parquet"


def spacy_model_version() -> str:
    """The version of the French spaCy model that tokenises and lemmatises (read without loading it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(MODEL.replace("_", "-"))
    except PackageNotFoundError:
        return str(load_nlp().meta["version"])


def corpus_tokens(workspace: Workspace, corpus: str, progress: Progress | None = None) -> pd.DataFrame:
    """One row per word token of the corpus (see the module docstring).

    Args:
        workspace: the workspace holding the corpus.
        corpus: corpus name.
        progress: called as ``progress("tokens", done, total)`` while documents are tokenised.

    Returns:
        A DataFrame with columns ``document_id, sentence, start, end, form, lemma, pos``, in
        document and text order. ``sentence`` is the store's number of the sentence holding the
        token (``n`` in ``Store.sentences``, from 1), so tokens group by the project's sentences;
        ``start``/``end`` are character offsets in the document text.

    Raises:
        NotFoundError: the corpus does not exist.
    """
    path = cache_path(workspace, corpus)
    if path.is_file():
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError):
            path.unlink(missing_ok=True)  # unreadable cache (interrupted disk, old format): recompute
    store = workspace.open_store()
    try:
        analyse_corpus(store, corpus, progress)
        documents = [(doc_id, text, sentences) for doc_id, text, boiler, _, sentences
                     in store.analysed_documents(corpus) if not boiler]
    finally:
        store.close()
    table = _tokenise(documents, progress)
    _write_atomic(table, path)
    return table


def _tokenise(documents: list, progress: Progress | None, batch_size: int = 64) -> pd.DataFrame:
    nlp = load_nlp()
    skipped = [name for name in _SKIPPED if name in nlp.pipe_names]
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    texts = (text for _, text, _ in documents)
    for done, ((doc_id, _, sentences), doc) in enumerate(
        zip(documents, nlp.pipe(texts, batch_size=batch_size, disable=skipped)), 1
    ):
        bounds = [s.start for s in sentences]
        number = 0
        for token in doc:
            if token.is_space or token.is_punct or not any(ch.isalnum() for ch in token.text):
                continue
            while number < len(bounds) and bounds[number] <= token.idx:
                number += 1
            form = token.lower_.replace("’", "'")
            lemma = (token.lemma_ or token.text).lower().replace("’", "'")
            columns["document_id"].append(doc_id)
            columns["sentence"].append(max(number, 1))
            columns["start"].append(token.idx)
            columns["end"].append(token.idx + len(token.text))
            columns["form"].append(form)
            columns["lemma"].append(_ELISIONS.get(lemma, _ELISIONS.get(form, lemma)))
            columns["pos"].append(token.pos_ or "X")
        if progress and (done % 200 == 0 or done == len(documents)):
            progress("tokens", done, len(documents))
    table = pd.DataFrame(columns)
    for name in ("document_id", "sentence", "start", "end"):
        table[name] = table[name].astype("int64")
    for name in ("form", "lemma", "pos"):
        table[name] = table[name].astype(str)
    return table


def _write_atomic(table: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        table.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs time on the next call
    finally:
        tmp.unlink(missing_ok=True)


def active_forms(
    tokens: pd.DataFrame,
    min_freq: int = 3,
    pos: Iterable[str] = ACTIVE_POS,
    keep: Iterable[str] = (),
    drop: Iterable[str] = (),
    supplementary: Iterable[str] = SUPPLEMENTARY,
) -> list[str]:
    """The active forms (lemmas) of a token table, most frequent first, then alphabetical.

    Args:
        tokens: a table from ``corpus_tokens``.
        min_freq: keep lemmas occurring at least this many times (IRaMuTeQ: 3).
        pos: parts of speech whose lemmas are active.
        keep: lemmas forced in whatever their frequency or part of speech (if they occur at all).
        drop: lemmas removed (the user's edits of the list win over ``keep``).
        supplementary: tool words never active unless in ``keep`` (see ``SUPPLEMENTARY``).

    Raises:
        TextmineError: ``min_freq`` is below 1.
    """
    if min_freq < 1:
        raise TextmineError(f"La fréquence minimale doit valoir au moins 1 (reçu : {min_freq}).")
    wanted = set(pos)
    counts = tokens.loc[tokens["pos"].isin(wanted), "lemma"].value_counts()
    chosen = set(counts.index[counts >= min_freq]) - set(supplementary)
    present = set(tokens["lemma"])
    chosen |= {k.strip().lower() for k in keep} & present
    chosen -= {d.strip().lower() for d in drop}
    frequency = tokens.loc[tokens["lemma"].isin(chosen), "lemma"].value_counts()
    return sorted(chosen, key=lambda lemma: (-int(frequency.get(lemma, 0)), lemma))
