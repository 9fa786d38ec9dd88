"""What readers produce: tables (rows with named columns) or ready documents."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..normalize import normalize_text


@dataclass(slots=True)
class Record:
    """One document as read from a file, before normalisation.

    Attributes:
        text: the raw text.
        metadata: column name -> value (str, int, float, date or datetime).
        position: row, page, paragraph or text number in the source file.
        original_id: the id the source gave it, when known.
        spans: ``[(char_offset, number), ...]``: where each page or paragraph starts
            in ``text``, so that a sentence can later be cited with its page.
    """

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    position: int | None = None
    original_id: str | None = None
    spans: list[tuple[int, int]] | None = None


@dataclass(slots=True)
class Overlong:
    """A CSV/TSV row with more fields than its header, kept as read.

    Where the surplus belongs depends on the text column, which is chosen after
    reading starts: see :func:`textmine.ingest.delimited.repair_overlong`.
    """

    cells: list[str]
    separator: str


@dataclass(slots=True)
class Table:
    """A tabular source (CSV, XLSX, JSONL): a header and rows of values.

    ``rows`` yields ``(position, values)`` where ``values`` maps column names to
    values; the text and id columns are chosen later, from the header.

    ``raw_rows`` (CSV/TSV only, else None) is the same stream, except that a row
    with more fields than the header comes as :class:`Overlong` instead of
    stopping the reading with an error. Read one of the two, never both.
    """

    columns: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    position_kind: str = "ligne"
    raw_rows: Iterator[tuple[int, dict[str, Any] | Overlong]] | None = None


@dataclass(slots=True)
class Documents:
    """A document source (TXT, DOCX, PDF, IRaMuTeQ): records ready to store."""

    records: Iterator[Record]
    position_kind: str


def join_numbered(parts: Iterable[tuple[int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """Join numbered parts (pages, paragraphs) with blank lines, normalised.

    Returns the text and its spans: where part ``n`` starts in the text. Parts
    are normalised here so that the offsets stay exact in the stored text.

    Examples:
        >>> join_numbered([(1, " Titre "), (2, ""), (3, "Corps  du texte")])
        ('Titre\\n\\nCorps du texte', [(0, 1), (7, 3)])
    """
    texts, spans, offset = [], [], 0
    for number, part in parts:
        part = normalize_text(part)
        if not part:
            continue
        spans.append((offset, number))
        texts.append(part)
        offset += len(part) + 2
    return "\n\n".join(texts), spans
