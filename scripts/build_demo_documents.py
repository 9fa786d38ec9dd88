"""Rebuild the demo corpus's DOCX and PDF reports from their Markdown sources.

    .venv/bin/python scripts/build_demo_documents.py

Markdown subset: « # » title, « ## » section headings, « - » bullets, paragraphs
separated by blank lines. Needs python-docx and fpdf2 (``pip install -e .[test]``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"
REPORTS = {
    "rapport_mission_qvt_2023": ("docx", datetime(2023, 6, 12)),
    "rapport_observatoire_2021": ("pdf", datetime(2021, 11, 3)),
}
AUTHOR = "textmine (corpus fictif de démonstration)"


def blocks(markdown: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: kind is title, heading, bullet or paragraph."""
    result = []
    for block in markdown.split("\n\n"):
        for line in (block.splitlines() if block.lstrip().startswith("- ") else [block]):
            line = " ".join(line.split())
            if not line:
                continue
            if line.startswith("## "):
                result.append(("heading", line[3:]))
            elif line.startswith("# "):
                result.append(("title", line[2:]))
            elif line.startswith("- "):
                result.append(("bullet", line[2:]))
            else:
                result.append(("paragraph", line))
    return result


def write_docx(parts: list[tuple[str, str]], path: Path, created: datetime) -> None:
    import docx

    document = docx.Document()
    for kind, text in parts:
        if kind == "title":
            document.add_heading(text, level=0)
        elif kind == "heading":
            document.add_heading(text, level=1)
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    props = document.core_properties
    props.title = next(text for kind, text in parts if kind == "title")
    props.author, props.created, props.modified = AUTHOR, created, created
    props.last_modified_by, props.revision = AUTHOR, 1
    document.save(str(path))


def write_pdf(parts: list[tuple[str, str]], path: Path, created: datetime) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_title(next(text for kind, text in parts if kind == "title"))
    pdf.set_author(AUTHOR)
    pdf.set_creation_date(created)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    for kind, text in parts:
        size, style, before = {"title": (16, "B", 0), "heading": (13, "B", 4)}.get(kind, (11, "", 0))
        pdf.set_font("helvetica", style, size)
        pdf.ln(before)
        pdf.multi_cell(0, 6, ("- " if kind == "bullet" else "") + text)
        pdf.ln(3)
    pdf.output(str(path))


def main() -> None:
    for name, (fmt, created) in REPORTS.items():
        parts = blocks((DEMO / "sources" / f"{name}.md").read_text(encoding="utf-8"))
        target = DEMO / f"{name}.{fmt}"
        (write_docx if fmt == "docx" else write_pdf)(parts, target, created)
        print(target.relative_to(DEMO.parents[1]))


if __name__ == "__main__":
    main()
