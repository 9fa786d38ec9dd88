"""Every reader yields the same documents and metadata from the same content."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures import (
    METADATA,
    TEXTS,
    write_csv,
    write_docx,
    write_docx_folder,
    write_iramuteq,
    write_jsonl,
    write_pdf,
    write_pdf_folder,
    write_txt_folder,
    write_xlsx,
)

from textmine.ingest import ingest
from textmine.store import Store

TABULAR = {
    "csv-utf8": lambda d: write_csv(d / "r.csv"),
    "csv-utf8-bom": lambda d: write_csv(d / "r.csv", encoding="utf-8-sig"),
    "csv-cp1252-semicolon": lambda d: write_csv(d / "r.csv", encoding="cp1252", delimiter=";"),
    "csv-utf16": lambda d: write_csv(d / "r.csv", encoding="utf-16"),
    "tsv": lambda d: write_csv(d / "r.tsv", delimiter="\t"),
    "csv-pipe": lambda d: write_csv(d / "r.csv", delimiter="|"),
    "xlsx": lambda d: write_xlsx(d / "r.xlsx"),
    "jsonl": lambda d: write_jsonl(d / "r.jsonl"),
    "iramuteq-utf8": lambda d: write_iramuteq(d / "r.txt"),
    "iramuteq-cp1252": lambda d: write_iramuteq(d / "r.txt", encoding="cp1252"),
}
ONE_PER_FILE = {
    "txt-folder": lambda d: write_txt_folder(d / "txt"),
    "docx-folder": lambda d: write_docx_folder(d / "docx"),
    "pdf-folder": lambda d: write_pdf_folder(d / "pdf"),
}


def stored(store: Store, corpus: str = "c") -> list[dict]:
    return list(store.documents(corpus))


@pytest.mark.parametrize("make", TABULAR.values(), ids=TABULAR.keys())
def test_tabular_formats_give_same_documents_and_metadata(tmp_path: Path, make) -> None:
    store = Store(tmp_path / "ws.sqlite")
    report = ingest(store, [make(tmp_path)], "c", id_column="id")
    docs = stored(store)
    assert report.added == 3
    assert [d["text"] for d in docs] == TEXTS
    assert [d["metadata"] for d in docs] == METADATA
    assert [d["original_id"] for d in docs] == ["R1", "R2", "R3"]
    assert store.corpus_info("c").columns == {"organisme": "texte", "annee": "entier"}


@pytest.mark.parametrize("make", ONE_PER_FILE.values(), ids=ONE_PER_FILE.keys())
def test_one_document_per_file_formats_give_same_texts(tmp_path: Path, make) -> None:
    store = Store(tmp_path / "ws.sqlite")
    report = ingest(store, [make(tmp_path)], "c")
    assert report.added == 3
    assert sorted(d["text"] for d in stored(store)) == sorted(TEXTS)


def test_csv_positions_are_spreadsheet_rows(tmp_path: Path) -> None:
    store = Store(tmp_path / "ws.sqlite")
    ingest(store, [write_csv(tmp_path / "r.csv")], "c")
    docs = stored(store)
    assert [(d["position_kind"], d["position"]) for d in docs] == [("ligne", n) for n in (2, 3, 4)]


def test_text_column_is_guessed_and_reported(tmp_path: Path) -> None:
    store = Store(tmp_path / "ws.sqlite")
    report = ingest(store, [write_csv(tmp_path / "r.csv")], "c")
    assert report.files[0].text_column == "texte"
    # Without --id-column the id is ordinary metadata.
    assert stored(store)[0]["metadata"]["id"] == "R1"


def test_text_column_guessed_from_content_when_names_say_nothing(tmp_path: Path) -> None:
    import csv

    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["num", "org", "champ_libre"])
        writer.writerows([i, "CAF", t] for i, t in enumerate(TEXTS))
    store = Store(tmp_path / "ws.sqlite")
    report = ingest(store, [path], "c")
    assert report.files[0].text_column == "champ_libre"


def test_docx_keeps_paragraphs_with_numbers_and_title(tmp_path: Path) -> None:
    paragraphs = ["Titre du rapport", "", "Premier constat : la charge augmente.", "Second constat."]
    path = write_docx(tmp_path / "rapport.docx", paragraphs, title="Rapport fictif")
    store = Store(tmp_path / "ws.sqlite")
    ingest(store, [path], "c")
    (doc,) = stored(store)
    assert doc["text"] == "Titre du rapport\n\nPremier constat : la charge augmente.\n\nSecond constat."
    assert doc["position_kind"] == "paragraphe"
    # Empty paragraphs are not counted: « § 3 » is the third paragraph a reader sees.
    assert [doc["text"][offset:].split("\n")[0] for offset, _ in doc["spans"]] == [
        "Titre du rapport", "Premier constat : la charge augmente.", "Second constat."
    ]
    assert [n for _, n in doc["spans"]] == [1, 2, 3]
    assert doc["metadata"]["titre"] == "Rapport fictif"


def test_pdf_keeps_page_numbers_for_citation(tmp_path: Path) -> None:
    long_paragraph = ("Les indicateurs hebdomadaires pèsent sur l’équipe et sur ses cadres. " * 4).strip()
    path = write_pdf(tmp_path / "rapport.pdf", ["Première page : constat.", long_paragraph], title="Étude")
    store = Store(tmp_path / "ws.sqlite")
    ingest(store, [path], "c")
    (doc,) = stored(store)
    assert doc["position_kind"] == "page"
    (first, p1), (second, p2) = doc["spans"]
    assert (p1, p2) == (1, 2)
    assert doc["text"][first:second].strip() == "Première page : constat."
    # Lines wrapped by the PDF layout are joined back into one paragraph.
    assert doc["text"][second:] == long_paragraph
    assert doc["metadata"]["titre"] == "Étude"


def test_iramuteq_variables_and_themes(tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    path.write_text(
        "**** *fonction_cadre_de_proximite *annee_2022\n-*charge\nOn court après les délais.\n"
        "-*sens\nEt on ne sait plus pourquoi.\n\n**** *fonction_agent *annee_2019\nRien de neuf.\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "ws.sqlite")
    ingest(store, [path], "c")
    first, second = stored(store)
    assert first["text"] == "On court après les délais.\nEt on ne sait plus pourquoi."
    assert first["metadata"] == {"fonction": "cadre de proximite", "annee": 2022, "thematiques": "charge, sens"}
    assert (second["position_kind"], second["position"]) == ("texte", 2)


def test_xlsx_sheet_option(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "classeur.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["rien d'utile"])
    other = book.create_sheet("Réponses")
    other.append(["texte", "date"])
    import datetime as dt

    other.append(["Trop de tableaux de bord.", dt.datetime(2023, 5, 2)])
    book.save(path)
    store = Store(tmp_path / "ws.sqlite")
    ingest(store, [path], "c", sheet="Réponses")
    (doc,) = stored(store)
    assert doc["metadata"] == {"date": "2023-05-02"}
    assert (doc["position_kind"], doc["position"]) == ("ligne", 2)


def test_a_folder_mixes_formats_and_reports_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "mix"
    write_txt_folder(folder)
    write_docx(folder / "note.docx", ["Une note de service sur le télétravail."])
    (folder / "image.png").write_bytes(b"\x89PNG\r\n")
    store = Store(tmp_path / "ws.sqlite")
    report = ingest(store, [folder], "c")
    assert report.added == 4
    assert report.ignored_files == [
        "image.png : format « .png » non pris en charge. Formats acceptés : "
        "CSV, TSV, TXT, IRaMuTeQ (.txt), XLSX, DOCX, PDF, JSONL."
    ]
