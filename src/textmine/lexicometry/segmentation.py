"""Text segments as IRaMuTeQ cuts them: about 40 words, ended at the strongest punctuation nearby.

The cut rule is the one rainette's ``split_segments`` documents: within a
window of ``segment_size + window`` words from the current position, the
segment ends after the word whose weight divided by its distance to the
target size (plus one) is largest; the weight is that of the punctuation
that follows the word (6 for « . ? ! … », 5 for « : », 4 for « ; », 1 for
« , », 0.01 otherwise). The last words of a text that fit in one window form
the last segment, and a text no longer than ``segment_size`` stays whole.

Segments never cross a document. The end of a sentence found by the
project's analysis weighs as a full stop even without punctuation (a line of
a list, a title).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import TextmineError

STRONG, COLON, SEMICOLON, COMMA, NONE = 6.0, 5.0, 4.0, 1.0, 0.01
_WEIGHTS = {".": STRONG, "?": STRONG, "!": STRONG, "…": STRONG, ":": COLON, ";": SEMICOLON, ",": COMMA}
SEGMENT_COLUMNS = ["segment", "document_id", "start", "end", "words"]


def word_weight(word: str) -> float:
    """Weight of a whitespace-separated word, from its last character (rainette's rule)."""
    return _WEIGHTS.get(word[-1:], NONE)


def gap_weight(gap: str) -> float:
    """Weight of the text between two words: its strongest punctuation mark."""
    return max((_WEIGHTS.get(char, NONE) for char in gap), default=NONE)


def cut_points(weights: Sequence[float], segment_size: int = 40, window: float | None = None) -> list[int]:
    """Where segments end: the exclusive end index of each segment over ``len(weights)`` words.

    Args:
        weights: one weight per word, that of the punctuation following it.
        segment_size: target number of words per segment.
        window: extra words the cut may look past the target (default 0.4 × ``segment_size``).

    Examples:
        >>> cut_points([0.01, 6, 0.01, 0.01, 6], segment_size=1, window=1)
        [2, 3, 5]
    """
    if segment_size < 1:
        raise TextmineError("La taille des segments doit être d'au moins un mot.")
    window = 0.4 * segment_size if window is None else window
    if window < 0:
        raise TextmineError("La fenêtre de coupure des segments ne peut pas être négative.")
    n = len(weights)
    if n <= segment_size:
        return [n] if n else []
    span = math.floor(segment_size + window)
    distance = np.abs(np.arange(1, span + 1) - segment_size) + 1.0
    values = np.asarray(weights, dtype=float)
    ends, position = [], 0
    # Cut while the words left do not fit in one window.
    while n - position > segment_size + window:
        ratio = values[position : position + span] / distance[: min(span, n - position)]
        position += int(np.argmax(ratio)) + 1
        ends.append(position)
    if position < n:
        ends.append(n)
    return ends


def split_words(text: str, segment_size: int = 40, window: float | None = None) -> list[str]:
    """Segments of a plain text split on white space, each word weighed by its last character.

    Examples:
        >>> split_words("Cool ! Cool cool cool.", 2)
        ['Cool !', 'Cool cool', 'cool.']
    """
    words = text.split()
    ends = cut_points([word_weight(w) for w in words], segment_size, window)
    return [" ".join(words[a:b]) for a, b in zip([0, *ends[:-1]], ends, strict=True)]


@dataclass(frozen=True, slots=True)
class Segmentation:
    """Segments of a corpus and the segment of every word token.

    ``segments``: one row per segment (``segment`` numbered from 0 in corpus
    order, ``document_id``, character ``start`` and ``end`` in the document,
    ``words``). ``token_segment``: the segment of each row of the tokens the
    segmentation was made from, -1 for a token that is not a word.
    """

    segments: pd.DataFrame
    token_segment: np.ndarray


def segment_tokens(
    tokens: pd.DataFrame, texts: dict[int, str], segment_size: int = 40, window: float | None = None
) -> Segmentation:
    """Cut every document into segments from its word tokens.

    Args:
        tokens: one row per token with ``document_id``, ``sentence``, ``start``, ``end`` (character
            offsets in the document) and ``form``, in document and text order (a document's tokens
            together); punctuation rows, if any, are not counted as words.
        texts: document id → text, to read the punctuation between words.
        segment_size: target number of words per segment (IRaMuTeQ: 40).
        window: extra words the cut may look past the target (default 0.4 × ``segment_size``).
    """
    token_segment = np.full(len(tokens), -1, dtype=np.int64)
    rows: list[tuple[int, int, int, int, int]] = []
    if tokens.empty:
        return Segmentation(pd.DataFrame(rows, columns=SEGMENT_COLUMNS), token_segment)
    is_word = tokens["form"].astype(str).map(lambda f: any(ch.isalnum() for ch in f)).to_numpy()
    positions = np.flatnonzero(is_word)
    docs = tokens["document_id"].to_numpy()[positions]
    all_starts, all_ends = tokens["start"].to_numpy()[positions], tokens["end"].to_numpy()[positions]
    all_sentences = tokens["sentence"].to_numpy()[positions]
    bounds = [0, *np.flatnonzero(docs[1:] != docs[:-1]) + 1, len(docs)]
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        document_id = int(docs[lo])
        text = texts.get(document_id, "")
        starts, ends, sentences = all_starts[lo:hi], all_ends[lo:hi], all_sentences[lo:hi]
        following = [*starts[1:], len(text)]
        weights = [gap_weight(text[e:f]) for e, f in zip(ends, following, strict=True)]
        for i in np.flatnonzero(sentences[:-1] != sentences[1:]):
            weights[i] = max(weights[i], STRONG)
        first = 0
        for last in cut_points(weights, segment_size, window):
            # The segment keeps the punctuation after its last word, not the space.
            gap = text[ends[last - 1] : following[last - 1]]
            end = int(ends[last - 1]) + len(gap.rstrip())
            token_segment[positions[lo + first : lo + last]] = len(rows)
            rows.append((len(rows), document_id, int(starts[first]), end, last - first))
            first = last
    return Segmentation(pd.DataFrame(rows, columns=SEGMENT_COLUMNS), token_segment)
