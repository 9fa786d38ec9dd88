"""Tiny corpora written in every supported format, all holding the same documents."""

from __future__ import annotations

import csv
import json
from pathlib import Path

# Three fictional answers, with the characters that break naive readers:
# accents, typographic apostrophes, French quotes, œ, a delimiter and a newline.
DOCUMENTS = [
    {
        "id": "R1",
        "texte": "On ne fait plus que du reporting ; l’équipe est « à bout ».",
        "organisme": "CPAM",
        "annee": 2021,
    },
    {
        "id": "R2",
        "texte": "Les dossiers simples partent à la machine, il nous reste les cas lourds, "
        "et le cœur du métier s'efface.",
        "organisme": "CAF",
        "annee": 2023,
    },
    {
        "id": "R3",
        "texte": "Une équipe soudée, un vrai collectif : ça tient encore.",
        "organisme": "Urssaf",
        "annee": 2024,
    },
]
TEXTS = [d["texte"] for d in DOCUMENTS]
METADATA = [{"organisme": d["organisme"], "annee": d["annee"]} for d in DOCUMENTS]


def write_csv(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["id", "texte", "organisme", "annee"])
        for d in DOCUMENTS:
            writer.writerow([d["id"], d["texte"], d["organisme"], d["annee"]])
    return path


def write_xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Réponses"
    sheet.append(["id", "texte", "organisme", "annee"])
    for d in DOCUMENTS:
        sheet.append([d["id"], d["texte"], d["organisme"], d["annee"]])
    book.save(path)
    return path


def write_jsonl(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for d in DOCUMENTS:
            handle.write(json.dumps(d, ensure_ascii=False) + "\n")
    return path


def write_iramuteq(path: Path, encoding: str = "utf-8") -> Path:
    blocks = [
        f"**** *id_{d['id']} *organisme_{d['organisme']} *annee_{d['annee']}\n{d['texte']}\n"
        for d in DOCUMENTS
    ]
    path.write_text("\n".join(blocks), encoding=encoding)
    return path


def write_txt_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for d in DOCUMENTS:
        (folder / f"{d['id']}.txt").write_text(d["texte"] + "\n", encoding="utf-8")
    return folder


def write_docx(path: Path, paragraphs: list[str], title: str | None = None) -> Path:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if title:
        document.core_properties.title = title
    document.save(str(path))
    return path


def write_docx_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for d in DOCUMENTS:
        write_docx(folder / f"{d['id']}.docx", [d["texte"]])
    return folder


def write_pdf(path: Path, pages: list[str], title: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"  # French typography: ’ « » œ
    pdf.set_font("helvetica", size=11)
    if title:
        pdf.set_title(title)
    for page in pages:
        pdf.add_page()
        for paragraph in page.split("\n\n"):
            pdf.multi_cell(0, 6, paragraph)
            pdf.ln(6)
    pdf.output(str(path))
    return path


def write_pdf_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for d in DOCUMENTS:
        write_pdf(folder / f"{d['id']}.pdf", [d["texte"]])
    return folder
