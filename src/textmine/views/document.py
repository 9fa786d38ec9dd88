"""What the Documents screen shows: a table of documents, and one document read in its themes.

A :class:`DocumentBrowser` reads, once per model, each document's segments
(theme and tone), its main theme and its overall tone; the table and a
document's view are then answered in memory. A document's text is cut into
:class:`Span` pieces covering it whole (segments, and the text between them),
and :func:`render_html` writes them as HTML with every piece of corpus text
escaped, so a testimony holding ``<script>`` or ``**`` is shown as written.

Examples:
    >>> spans = document_segments("Avant. <b>Après</b>", [(7, 19, 2, "negatif")], {2: "Perte de sens"})
    >>> [(s.text, s.topic) for s in spans]
    [('Avant. ', None), ('<b>Après</b>', 2)]
    >>> "&lt;b&gt;Après&lt;/b&gt;" in render_html(spans)
    True
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import TextmineError
from ..quotes.citations import fold
from ..quotes.filters import TONES, Filters
from ..quotes.index import QuoteIndex
from ..themes.model import UNASSIGNED, UNASSIGNED_LABEL

PREVIEW_CHARS = 150
# Light backgrounds, distinct from each other, dark text stays readable on all of them.
PALETTE = (
    "#fde2a7", "#b9e4f5", "#c9f2c7", "#f7c6d9", "#d9d2f7", "#ffd3b5", "#c4ece4", "#f2eaa0",
    "#e3d5c8", "#cfe0fb", "#f9cbc4", "#dbeec2",
)
UNASSIGNED_COLOUR = "#e6e6e6"
_TONE_MARKS = {"negatif": ("▼", "#b3261e"), "neutre": ("●", "#6b6b6b"), "positif": ("▲", "#1e7b34")}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


@dataclass(frozen=True)
class Span:
    """A piece of a document: a segment with its theme and tone, or text outside any segment (``topic`` None)."""

    start: int
    end: int
    text: str
    topic: int | None = None
    label: str | None = None
    sentiment: str | None = None


@dataclass(frozen=True)
class DocumentView:
    """One document as the screen shows it."""

    document_id: int
    original_id: str
    metadata: dict[str, Any]
    topic: int | None
    label: str | None
    sentiment: str | None
    spans: list[Span] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)

    def fields(self) -> list[tuple[str, str]]:
        """(field, value) rows for the document's sheet: identifier, main theme, tone, metadata."""
        rows = [("id d'origine", self.original_id), ("thème principal", self.label or "—"),
                ("ton", TONES.get(self.sentiment or "", "—"))]
        rows += [(column, str(value)) for column, value in self.metadata.items() if value not in (None, "")]
        return rows


def document_segments(
    text: str, segments: Iterable[tuple[int, int, int, str | None]], labels: dict[int, str]
) -> list[Span]:
    """The whole ``text`` cut into spans: each segment (start, end, topic, tone), and the gaps between them.

    Segments are read in order of their start; one overlapping the previous is
    cut where the previous ends, so every character belongs to one span.
    """
    spans: list[Span] = []
    cursor = 0
    for start, end, topic, sentiment in sorted(segments, key=lambda s: (s[0], s[1])):
        start, end = max(int(start), cursor), min(int(end), len(text))
        if end <= start:
            continue
        if start > cursor:
            spans.append(Span(cursor, start, text[cursor:start]))
        topic = int(topic)
        tone = sentiment if isinstance(sentiment, str) else None
        spans.append(Span(start, end, text[start:end], topic, labels.get(topic, UNASSIGNED_LABEL), tone))
        cursor = end
    if cursor < len(text):
        spans.append(Span(cursor, len(text), text[cursor:]))
    return spans


def theme_colours(spans: Iterable[Span]) -> dict[int, str]:
    """A background colour per theme met in ``spans``, in order of appearance (« sans thème » in grey)."""
    colours: dict[int, str] = {}
    for span in spans:
        if span.topic is None or span.topic in colours:
            continue
        if span.topic == UNASSIGNED:
            colours[span.topic] = UNASSIGNED_COLOUR
        else:
            colours[span.topic] = PALETTE[sum(1 for t in colours if t != UNASSIGNED) % len(PALETTE)]
    return colours


def render_html(spans: list[Span], colours: dict[int, str] | None = None) -> str:
    """The document as HTML: segments on their theme's colour, numbered as in the legend, with their tone.

    Every piece of corpus text is escaped and none is put in an attribute.
    """
    colours = colours if colours is not None else theme_colours(spans)
    numbers = {topic: i for i, topic in enumerate(colours, 1)}
    parts = ['<div style="white-space: pre-wrap; line-height: 1.9; font-size: 1rem;">']
    for span in spans:
        text = html.escape(span.text)
        if span.topic is None:
            parts.append(text)
            continue
        background = colours.get(span.topic, UNASSIGNED_COLOUR)
        parts.append(
            f'<span style="background-color: {background}; border-radius: 4px; padding: 2px 1px;">'
            f'<sup style="font-weight: 600; color: #333;">{numbers.get(span.topic, "")}</sup>{text}</span>'
        )
        if span.sentiment in _TONE_MARKS:
            mark, colour = _TONE_MARKS[span.sentiment]
            parts.append(f'<span style="color: {colour}; font-size: 0.8em;"> {mark}</span>')
    parts.append("</div>")
    return "".join(parts)


def legend_html(spans: list[Span], colours: dict[int, str] | None = None, tones: bool = True) -> str:
    """The legend of :func:`render_html`: each theme's number, colour and label (escaped), then the tone marks."""
    colours = colours if colours is not None else theme_colours(spans)
    labels = {span.topic: span.label for span in spans if span.topic is not None}
    themes = "".join(
        f'<span style="display: inline-block; background-color: {colour}; border-radius: 4px; padding: 0 6px; '
        f'margin: 0 8px 4px 0;"><b>{i}</b> {html.escape(labels.get(topic) or UNASSIGNED_LABEL)}</span>'
        for i, (topic, colour) in enumerate(colours.items(), 1)
    )
    legend = f"<div>{themes}</div>"
    if tones:
        marks = "".join(
            f'<span style="color: {colour}; margin-right: 10px;">{mark} {TONES[tone]}</span>'
            for tone, (mark, colour) in _TONE_MARKS.items()
        )
        legend += f'<div style="margin-top: 4px;">Ton des passages : {marks}</div>'
    return f'<div style="line-height: 1.8;">{legend}</div>'


def escape_markdown(text: str) -> str:
    """``text`` to be shown as written by ``st.markdown``, ``st.caption`` or a widget label."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()))


class DocumentBrowser:
    """The documents of a model's corpus, with their segments, main theme and tone, read once.

    Args:
        index: the model's :class:`~textmine.quotes.index.QuoteIndex` (texts and metadata already loaded).
    """

    def __init__(self, index: QuoteIndex) -> None:
        self.index = index
        self.labels = index.labels()
        self.has_sentiment = bool(index.model.sentiment_backend())
        segments = index.model.segment_sentiment(index.store)
        if segments is None:
            segments = index.model.segments().assign(sentiment=None)
        self._segments = {
            int(doc): list(zip(part["start"], part["end"], part["topic"], part["sentiment"]))
            for doc, part in segments.groupby("document_id")
        }
        documents = index.model.documents()
        self._main = dict(zip(documents["document_id"].astype(int), documents["topic"].astype(int)))
        self._tone = {doc: label for doc, (label, _) in index.model.document_sentiment(index.store).items()}
        self._folded = {doc: " ".join(fold(text).split()) for doc, text in index.texts.items()}

    def main_theme(self, document_id: int) -> tuple[int | None, str | None]:
        topic = self._main.get(document_id)
        return topic, (self.labels.get(topic, UNASSIGNED_LABEL) if topic is not None else None)

    def table(
        self, filters: Filters | None = None, contains: str = "", topic: int | None = None, limit: int | None = None
    ) -> pd.DataFrame:
        """One row per document passing the filters, indexed by document id.

        Args:
            filters: metadata values, and tones of the whole document.
            contains: words the text must hold, accents and case ignored.
            topic: keep the documents whose main theme is this one.
            limit: at most this many rows.

        Raises:
            TextmineError: a filter on a column the corpus lacks, or on tone when the model has none.
        """
        index = self.index
        filters = filters or Filters()
        filters.check_columns(index.columns, index.corpus)
        if filters.sentiment and not self.has_sentiment:
            raise TextmineError(
                f"Le modèle « {index.model.name} » n'a pas de sentiment : le filtre de ton est impossible."
            )
        kept = filters.documents(index.metadata, index.columns)
        wanted = " ".join(fold(contains or "").split())
        columns = list(index.columns)
        rows, ids = [], []
        for doc, meta in index.metadata.items():
            if kept is not None and doc not in kept:
                continue
            if wanted and wanted not in self._folded.get(doc, ""):
                continue
            main, label = self.main_theme(doc)
            if topic is not None and main != topic:
                continue
            tone = self._tone.get(doc)
            if filters.sentiment and tone not in filters.sentiment:
                continue
            text = index.texts.get(doc, "")
            preview = " ".join(text[: PREVIEW_CHARS + 50].split())
            preview = preview[:PREVIEW_CHARS] + ("…" if len(text) > PREVIEW_CHARS else "")
            rows.append({
                "id d'origine": str(meta.get("original_id") or doc),
                "thème principal": label or "—",
                "ton": TONES.get(tone or "", "—"),
                **{c: _cell(meta.get(c)) for c in columns},
                "début du texte": preview,
            })
            ids.append(doc)
            if limit is not None and len(rows) >= limit:
                break
        frame = pd.DataFrame(
            rows, index=pd.Index(ids, name="document"),
            columns=["id d'origine", "thème principal", "ton", *columns, "début du texte"],
        )
        return frame.dropna(axis=1, how="all")

    def view(self, document_id: int) -> DocumentView:
        """A document: identifier, metadata, main theme, tone, and its text in spans."""
        index = self.index
        if document_id not in index.texts:
            raise TextmineError(f"Document {document_id} introuvable dans le corpus « {index.corpus} ».")
        meta = dict(index.metadata.get(document_id, {}))
        original = str(meta.pop("original_id", None) or document_id)
        topic, label = self.main_theme(document_id)
        spans = document_segments(index.texts[document_id], self._segments.get(document_id, []), self.labels)
        return DocumentView(document_id, original, meta, topic, label, self._tone.get(document_id), spans)


def _cell(value: Any) -> str | None:
    """Metadata as text, so a column mixing numbers and words shows in one table."""
    return None if value in (None, "") else str(value)


__all__ = [
    "DocumentBrowser",
    "DocumentView",
    "Span",
    "document_segments",
    "escape_markdown",
    "legend_html",
    "render_html",
    "theme_colours",
]
