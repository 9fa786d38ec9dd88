"""Quote packs written for authors: CSV, XLSX, Markdown, DOCX and JSON.

A pack holds sections (a theme or a query), each with its label, definition,
key terms and quotes; every quote carries its citation. Files are written
atomically (a temporary file renamed at the end), and the same bytes can be
produced in memory for the app's download buttons.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TextmineError
from ..quotes.filters import Filters
from ..quotes.index import Quote, QuoteIndex, QuoteResult
from ..quotes.pseudonymise import Pseudonymiser
from .files import check_writable, replacing

FORMATS = ("md", "csv", "xlsx", "docx", "json")
_COLUMNS = ["section", "rang", "citation", "source", "document", "organisme", "fonction", "annee", "source_type",
            "position", "theme", "ton", "debut", "fin", "doublons"]


@dataclass
class Section:
    """One theme or query of a pack."""

    title: str
    quotes: list[Quote]
    definition: str | None = None
    terms: list[str] = field(default_factory=list)
    note: str | None = None


@dataclass
class QuotePack:
    title: str
    sections: list[Section]
    pseudonymised: bool = False

    def pseudonymise(self, pseudonymiser: Pseudonymiser | None = None) -> "QuotePack":
        """A copy whose quote texts are pseudonymised, with one consistent set of placeholders."""
        pseudonymiser = pseudonymiser or Pseudonymiser()
        sections = []
        for section in self.sections:
            texts = pseudonymiser.replace_many([q.text for q in section.quotes])
            quotes = [Quote(**{**q.__dict__, "text": t}) for q, t in zip(section.quotes, texts)]
            title = pseudonymiser.replace(section.title)
            note = pseudonymiser.replace(section.note) if section.note else None
            sections.append(Section(title, quotes, section.definition, section.terms, note))
        return QuotePack(self.title, sections, True)

    def rows(self) -> list[list]:
        rows = []
        for section in self.sections:
            for rank, q in enumerate(section.quotes, 1):
                c = q.citation
                rows.append([section.title, rank, q.text, c.reference(), c.document, c.organisme, c.fonction,
                             c.annee, c.source, c.place, q.theme, q.sentiment, c.start, c.end, q.duplicates])
        return rows


def theme_section(index: QuoteIndex, topic: int, n: int, filters: Filters, per_document: int = 1) -> tuple[Section, QuoteResult]:
    """The quotes of a theme, with its label, definition and key terms."""
    result = index.for_theme(topic, n, filters, per_document)
    info = index.theme_info(topic)
    return Section(info["label"], result.quotes, info["definition"], info["terms"]), result


def query_section(
    index: QuoteIndex, text: str, n: int, filters: Filters, mode: str = "hybride", per_document: int = 1,
    topic: int | None = None,
) -> tuple[Section, QuoteResult]:
    """The quotes answering a query."""
    result = index.search(text, n, filters, mode, per_document, topic)
    note = f"Filtres : {filters.describe()}." if filters else None
    return Section(f"Requête : « {' '.join(text.split())} »", result.quotes, note=note), result


def render(pack: QuotePack, fmt: str) -> bytes:
    """The pack as the bytes of a file in ``fmt`` (md, csv, xlsx, docx, json)."""
    if fmt not in FORMATS:
        raise TextmineError(f"Format inconnu « {fmt} » : {', '.join(FORMATS)}.")
    if not any(section.quotes for section in pack.sections):
        raise TextmineError("Aucune citation à exporter : assouplissez les filtres ou changez de thème ou de requête.")
    return {"md": _markdown, "csv": _csv, "xlsx": _xlsx, "docx": _docx, "json": _json}[fmt](pack)


def write(pack: QuotePack, path: Path, fmt: str | None = None) -> Path:
    """Write the pack to ``path`` (format from ``fmt`` or the file extension), atomically."""
    path = check_writable(Path(path))
    fmt = fmt or path.suffix.lstrip(".").lower()
    data = render(pack, fmt)
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return path


def _markdown(pack: QuotePack) -> bytes:
    lines = [f"# {pack.title}", ""]
    if pack.pseudonymised:
        lines += ["*Citations pseudonymisées : noms, coordonnées et numéros remplacés par des marques.*", ""]
    for section in pack.sections:
        lines += [f"## {section.title}", ""]
        if section.definition:
            lines += [f"*{section.definition}*", ""]
        if section.terms:
            lines += [f"**Termes clés** : {', '.join(section.terms)}", ""]
        if section.note:
            lines += [section.note, ""]
        for q in section.quotes:
            text = " ".join(q.text.split())
            lines += [f"> « {_escape_md(text)} »", ">", f"> — {_escape_md(q.citation.reference())}", ""]
    return "\n".join(lines).encode("utf-8")


def _escape_md(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def _csv(pack: QuotePack) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_COLUMNS)
    for row in pack.rows():
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(pack: QuotePack) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Citations"
    sheet.append(_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in pack.rows():
        sheet.append([_safe_cell(v) for v in row])
    for column, width in zip("ABCD", (28, 6, 90, 60)):
        sheet.column_dimensions[column].width = width
    for cell in sheet["C"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _safe_cell(value):  # noqa: ANN001, ANN202
    """Text starting like a formula is kept as text (no formula injection from a testimony)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _docx(pack: QuotePack) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.add_heading(pack.title, level=0)
    if pack.pseudonymised:
        document.add_paragraph("Citations pseudonymisées : noms, coordonnées et numéros remplacés par des marques.")
    for section in pack.sections:
        document.add_heading(section.title, level=1)
        if section.definition:
            document.add_paragraph(section.definition).runs[0].italic = True
        if section.terms:
            paragraph = document.add_paragraph()
            paragraph.add_run("Termes clés : ").bold = True
            paragraph.add_run(", ".join(section.terms))
        if section.note:
            document.add_paragraph(section.note)
        for q in section.quotes:
            paragraph = document.add_paragraph(style="Quote")
            paragraph.add_run(f"« {' '.join(q.text.split())} »")
            source = paragraph.add_run(f" — {q.citation.reference()}")
            source.font.size = Pt(9)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _json(pack: QuotePack) -> bytes:
    data = {
        "titre": pack.title,
        "pseudonymise": pack.pseudonymised,
        "sections": [
            {
                "titre": s.title,
                "definition": s.definition,
                "termes": s.terms,
                "citations": [
                    {"texte": q.text, "citation": q.cited(), "source": q.citation.to_dict(), "theme": q.theme,
                     "ton": q.sentiment, "score": q.score, "doublons": q.duplicates}
                    for q in s.quotes
                ],
            }
            for s in pack.sections
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
