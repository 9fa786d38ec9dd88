"""The study report as a Word document (python-docx): headings, tables, PNG charts, quotes with citations.

Headings use Word's built-in styles (Titre, Titre 1, 2, 3), so that Word's
navigation pane and table of contents find the sections; quotes use the
« Quote » style and the same « text » — source form as the quote exports.
"""

from __future__ import annotations

import io

from .content import Report, Table, ThemeSection
from .method import Part

_TABLE_STYLE = "Light Grid Accent 1"
_PICTURE_CM = 16.0


def render(report: Report) -> bytes:
    """The report as the bytes of a .docx file."""
    from docx import Document

    document = Document()
    _french(document, report.title)
    _cover(document, report)
    document.add_heading("Méthode", level=1)
    for part in report.method:
        _part(document, part)
    document.add_page_break()
    document.add_heading("Synthèse des thèmes", level=1)
    _table(document, report.summary)
    for note in report.summary_notes:
        _small(document, note)
    for figure in report.figures:
        document.add_heading(figure.title, level=2)
        if figure.png is not None:
            _picture(document, figure.png)
        _small(document, figure.caption, style="Caption" if figure.png is not None else None)
    document.add_page_break()
    document.add_heading("Les thèmes", level=1)
    document.add_paragraph("Chaque thème, du plus grand au plus petit : sa définition quand il relève du codebook, "
                           "ses mots-clés, sa place dans le corpus et des citations représentatives avec leur source.")
    for theme in report.themes:
        _theme(document, theme, report.column)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _french(document, title: str) -> None:  # noqa: ANN001 - a docx Document
    """French spelling and hyphenation for the whole document, and its title in the file's properties."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "fr-FR")
    properties.append(language)
    document.core_properties.title = title
    document.core_properties.language = "fr-FR"
    document.core_properties.author = "textmine"


def _cover(document, report: Report) -> None:  # noqa: ANN001
    from docx.shared import Pt

    document.add_heading(report.title, level=0)
    for line in report.cover:
        paragraph = document.add_paragraph()
        paragraph.add_run(line).font.size = Pt(13)
    document.add_page_break()


def _part(document, part: Part) -> None:  # noqa: ANN001
    document.add_heading(part.title, level=2)
    for text in part.text:
        if text:
            document.add_paragraph(text)
    if part.facts:
        _facts(document, part.facts)


def _facts(document, facts: list[tuple[str, str]]) -> None:  # noqa: ANN001
    """Facts as a two-column table: label in bold, value."""
    from docx.shared import Cm

    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(value)
        cells[0].width, cells[1].width = Cm(5.5), Cm(11)
    document.add_paragraph()


def _table(document, data: Table) -> None:  # noqa: ANN001
    """A table with a bold header row repeated on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(data.header))
    table.style = _TABLE_STYLE
    for cell, text in zip(table.rows[0].cells, data.header):
        cell.paragraphs[0].add_run(text).bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for row in data.rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.paragraphs[0].add_run(text).font.size = Pt(9)


def _small(document, text: str, style: str | None = None) -> None:  # noqa: ANN001
    from docx.shared import Pt

    paragraph = document.add_paragraph(style=style)
    run = paragraph.add_run(text)
    run.font.size = Pt(9)
    run.italic = True


def _picture(document, png: bytes) -> None:  # noqa: ANN001
    from docx.shared import Cm

    document.add_picture(io.BytesIO(png), width=Cm(_PICTURE_CM))


def _theme(document, theme: ThemeSection, column: str | None) -> None:  # noqa: ANN001
    from docx.shared import Pt

    document.add_heading(f"{theme.number}. {theme.label}", level=2)
    if theme.definition:
        document.add_paragraph(theme.definition).runs[0].italic = True
    if theme.terms:
        paragraph = document.add_paragraph()
        paragraph.add_run("Mots-clés : ").bold = True
        paragraph.add_run(", ".join(theme.terms))
    for label, value in theme.facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label} : ").bold = True
        paragraph.add_run(value)
    if theme.stability:
        document.add_paragraph(theme.stability)
    document.add_heading(f"Selon « {column} »" if column else "Selon une métadonnée", level=3)
    if theme.spread is not None:
        _table(document, theme.spread)
    if theme.spread_note:
        _small(document, theme.spread_note)
    document.add_heading("Citations", level=3)
    if theme.quotes_note:
        document.add_paragraph(theme.quotes_note)
    for quote in theme.quotes:
        paragraph = document.add_paragraph(style="Quote")
        paragraph.add_run(f"« {' '.join(quote.text.split())} »")
        paragraph.add_run(f" — {quote.citation.reference()}").font.size = Pt(9)
