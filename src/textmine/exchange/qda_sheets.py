"""Spreadsheets that qualitative-analysis tools import: coded segments, an NVivo classification, a MAXQDA codebook.

- :func:`coded_segments_xlsx`: one row per coded segment (document, theme,
  text, positions, tone, metadata), the shape NVivo (« Dataset »), MAXQDA
  (« Données d'enquête ») and ATLAS.ti (« Survey data ») read as coded data;
- :func:`nvivo_classification_xlsx`: one row per document (case) and one
  column per attribute, NVivo's classification sheet; case names are the
  source names of the REFI-QDA project (:func:`.refiqda.source_names`), so
  both files describe the same cases;
- :func:`maxqda_codebook_xlsx`: MAXQDA's code table, columns ``Code`` and
  ``Memo``, a sub-code written ``Parent\\Enfant``.

Texts are written exactly as in the corpus, always as text cells: one that
starts with « = » never becomes a formula (no formula injection from a
testimony), and none is altered by a leading apostrophe, so that a tool
matching a segment's text to its document finds it.

Examples:
    >>> data = coded_segments_xlsx(workspace, "demo")   # doctest: +SKIP
    >>> data[:2]                                         # doctest: +SKIP
    b'PK'
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from .refiqda import Code, model_codes, source_names

MAX_CELL = 32767  # characters Excel keeps in a cell


def coded_segments_xlsx(workspace, model: str) -> bytes:  # noqa: ANN001 - a Workspace
    """One row per coded segment: document, theme, codebook theme, text, start, end, tone, then metadata."""
    from ..quotes.index import load_index

    return segments_sheet(load_index(workspace, model))


def nvivo_classification_xlsx(workspace, model: str) -> bytes:  # noqa: ANN001 - a Workspace
    """NVivo's classification sheet: one row per case (document), one column per attribute."""
    from ..quotes.index import load_index

    return classification_sheet(load_index(workspace, model))


def maxqda_codebook_xlsx(workspace, model: str) -> bytes:  # noqa: ANN001 - a Workspace
    """MAXQDA's codebook table: ``Code`` (sub-codes after ``\\``) and ``Memo`` (definition and terms)."""
    from ..quotes.index import load_index

    return codebook_sheet(load_index(workspace, model))


# -- from a loaded model ---------------------------------------------------------------------


def segments_sheet(index) -> bytes:  # noqa: ANN001 - a quotes.index.QuoteIndex
    from ..themes.model import UNASSIGNED
    from ..views.overview import labels

    model, names = index.model, source_names(index)
    frame = model.segment_sentiment(index.store)
    if frame is None:
        frame = model.segments().assign(sentiment=None, sentiment_score=None)
    frame = frame[frame["topic"] != UNASSIGNED].sort_values(["document_id", "start"])
    themes, matched = labels(index), {t["id"]: t["codebook"] for t in model.trained_themes}
    columns = _columns(index)
    header = ["document", "thème", "thème du codebook", "texte", "début", "fin", "ton", "score du ton", *columns]
    rows = []
    for doc, start, end, topic, tone, score in zip(frame["document_id"], frame["start"], frame["end"],
                                                   frame["topic"], frame["sentiment"], frame["sentiment_score"]):
        meta = index.metadata.get(int(doc), {})
        rows.append([names[int(doc)], themes[int(topic)], matched.get(int(topic)),
                     index.texts[int(doc)][int(start):int(end)], int(start), int(end), tone,
                     None if score is None or score != score else round(float(score), 3),
                     *(_typed(meta.get(c), index.columns[c]) for c in columns)])
    return _workbook("Segments codés", header, rows, {"A": 14, "B": 40, "C": 32, "D": 90})


def classification_sheet(index) -> bytes:  # noqa: ANN001 - a quotes.index.QuoteIndex
    from ..themes.model import UNASSIGNED
    from ..views.overview import labels

    names, themes = source_names(index), labels(index)
    main = {int(d): int(t) for d, t in zip(index.model.documents()["document_id"], index.model.documents()["topic"])}
    tones = index.model.document_sentiment(index.store)
    columns = _columns(index)
    header = ["Cas", *columns, "thème principal", *(["ton du document"] if tones else [])]
    rows = []
    for doc in sorted(index.texts):
        meta, topic = index.metadata.get(doc, {}), main.get(doc, UNASSIGNED)
        row = [names[doc], *(_typed(meta.get(c), index.columns[c]) for c in columns),
               themes.get(topic) if topic != UNASSIGNED else None]
        if tones:
            row.append(tones.get(doc, (None,))[0])
        rows.append(row)
    return _workbook("Classification", header, rows, {"A": 18})


def codebook_sheet(index) -> bytes:  # noqa: ANN001 - a quotes.index.QuoteIndex
    rows = []

    def add(code: Code, path: tuple[str, ...]) -> None:
        # A backslash separates levels in MAXQDA: one inside a name would make a level of its own.
        path = (*path, code.name.replace("\\", "/"))
        rows.append(["\\".join(path), code.description])
        for child in code.children:
            add(child, path)

    for code in model_codes(index):
        add(code, ())
    return _workbook("Codes", ["Code", "Memo"], rows, {"A": 60, "B": 100})


# -- cells and workbooks ---------------------------------------------------------------------


def _columns(index) -> list[str]:  # noqa: ANN001
    return [c for c in index.columns if c != "original_id"]


def _typed(value: Any, type_: str) -> Any:  # noqa: ANN401 - a cell value
    """A metadata value as a spreadsheet cell: numbers as numbers, dates as dates."""
    if value is None or value == "":
        return None
    if type_ == "date":
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return value


def _cell(value: Any) -> Any:  # noqa: ANN401 - a cell value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]
    return value


def _workbook(title: str, header: list[str], rows: list[list[Any]], widths: dict[str, int]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # openpyxl reads « =… » as a formula: here it is text from the corpus
                cell.data_type = "s"
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
        for cell in sheet[column][1:]:
            if width >= 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
