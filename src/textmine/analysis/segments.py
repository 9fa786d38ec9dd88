"""Segments: the units themes are found on.

Testimonies are long and mix several themes, so a document is cut into
segments of about ``words`` words: consecutive sentences of the same paragraph
are grouped until the segment is long enough. A document not much longer than
that stays whole. ``mode="documents"`` models whole documents instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import TextmineError
from ..store import SentenceRow

MODES = ("segments", "documents")
# A document up to this many times the segment size stays whole: a short
# answer or paragraph is one unit of meaning, and cutting it only adds noise.
WHOLE_FACTOR = 1.5


@dataclass(frozen=True, slots=True)
class Segment:
    """A span of a document: ``text[start:end]``, with its theme terms."""

    document_id: int
    start: int
    end: int
    text: str
    terms: str


def cut(
    document_id: int, text: str, sentences: list[SentenceRow], mode: str = "segments", words: int = 40
) -> list[Segment]:
    """Segments of one document.

    Examples:
        >>> s = [SentenceRow(0, 10, "a"), SentenceRow(11, 20, "b")]
        >>> [(x.start, x.end) for x in cut(1, "Un deux.. Trois quatre", s, words=3)]
        [(0, 10), (11, 20)]
    """
    if mode not in MODES:
        raise TextmineError(f"Mode de segmentation inconnu « {mode} » : choisissez {' ou '.join(MODES)}.")
    if words < 1:
        raise TextmineError("La taille des segments doit être d'au moins un mot.")
    total = len(text.split())
    if mode == "documents" or total <= words * WHOLE_FACTOR or len(sentences) <= 1:
        return [_segment(document_id, text, sentences)]
    segments: list[Segment] = []
    group: list[SentenceRow] = []
    count = 0
    for sentence in sentences:
        new_paragraph = bool(group) and "\n\n" in text[group[-1].end : sentence.start]
        if group and (count >= words or (new_paragraph and count >= words / 2)):
            segments.append(_segment(document_id, text, group))
            group, count = [], 0
        group.append(sentence)
        count += len(text[sentence.start : sentence.end].split())
    if group:
        # A short tail joins the previous segment rather than standing alone.
        if segments and count < words / 3:
            previous = segments.pop()
            tail = [SentenceRow(previous.start, previous.end, previous.terms), *group]
            segments.append(_segment(document_id, text, tail))
        else:
            segments.append(_segment(document_id, text, group))
    return segments


def _segment(document_id: int, text: str, sentences: list[SentenceRow]) -> Segment:
    start, end = sentences[0].start, sentences[-1].end
    terms = " ".join(s.terms for s in sentences if s.terms)
    return Segment(document_id, start, end, text[start:end], terms)
