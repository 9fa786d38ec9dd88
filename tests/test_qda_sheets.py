"""Spreadsheets for QDA tools (coded segments, NVivo classification, MAXQDA codes) and the « Exports » screen."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from openpyxl import load_workbook
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from textmine.exchange import qda_sheets, refiqda
from textmine.quotes.index import load_index
from textmine.themes.model import UNASSIGNED
from textmine.workspace import Workspace

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/exports.py"


def rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_coded_segments_one_row_per_segment_with_its_text(demo_workspace: Workspace) -> None:
    index = load_index(demo_workspace, "demo")
    header, *body = rows(qda_sheets.coded_segments_xlsx(demo_workspace, "demo"))
    columns = [c for c in index.columns if c != "original_id"]
    assert list(header) == ["document", "thème", "thème du codebook", "texte", "début", "fin", "ton",
                            "score du ton", *columns]
    segments = index.model.segments()
    coded = segments[segments["topic"] != UNASSIGNED]
    assert len(body) == len(coded)
    by_name = {name: d for d, name in refiqda.source_names(index).items()}
    labels = index.labels()
    for row in body:
        text = index.texts[by_name[row[0]]]
        assert row[3] == text[row[4]:row[5]] and row[1] in labels.values()
        assert row[6] in ("negatif", "neutre", "positif") and -1 <= row[7] <= 1
    dated = next(r for r in body if r[header.index("date")] is not None)
    assert isinstance(dated[header.index("date")], date)  # a date column stays a date in the sheet
    assert all(isinstance(r[header.index("annee")], int) for r in body if r[header.index("annee")] is not None)


def test_nvivo_classification_names_the_cases_of_the_qdpx(demo_workspace: Workspace) -> None:
    index = load_index(demo_workspace, "demo")
    header, *body = rows(qda_sheets.nvivo_classification_xlsx(demo_workspace, "demo"))
    assert header[0] == "Cas" and header[-2:] == ("thème principal", "ton du document")
    assert [r[0] for r in body] == [refiqda.source_names(index)[d] for d in sorted(index.texts)]
    assert len({r[0] for r in body}) == len(body)
    main = dict(zip(index.model.documents()["document_id"], index.model.documents()["topic"]))
    labels = index.labels()
    first = sorted(index.texts)[0]
    assert body[0][-2] == labels.get(main.get(first))
    organisme = header.index("organisme")
    assert body[0][organisme] == index.metadata[first]["organisme"]


def test_maxqda_codebook_table_uses_backslashes_for_sub_codes(demo_workspace: Workspace) -> None:
    index = load_index(demo_workspace, "demo")
    header, *body = rows(qda_sheets.maxqda_codebook_xlsx(demo_workspace, "demo"))
    assert header == ("Code", "Memo")
    expected = []
    for top in refiqda.model_codes(index):
        for code, parent in top.walk():
            expected.append((f"{parent.name}\\{code.name}" if parent else code.name, code.description or None))
    assert body == expected
    assert all(row[1] is None or "Termes : " in row[1] for row in body)


def test_cells_starting_like_a_formula_stay_exact_text() -> None:
    planted = ['=HYPERLINK("http://x";"clic")', "+33 1 23", "- une liste", "@SUM(A1)", "ok\x07"]
    data = qda_sheets._workbook("Test", ["texte"], [[v] for v in planted], {})
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet["A"][1:]] == [*planted[:4], "ok"]
    assert all(c.data_type == "s" for c in sheet["A"][1:])
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict]:
    """What each download button of the last run gives (AppTest does not serve files), by file name."""
    seen: dict[str, dict] = {}
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, mime=None, **kwargs):
        seen[file_name] = {"label": label, "mime": mime, "data": data}
        return original(self, label, data, file_name=file_name, mime=mime, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    monkeypatch.setattr(st, "download_button", lambda *args, **kwargs: record(st._main, *args, **kwargs))
    return seen


def content(found: dict) -> bytes:
    return found["data"]() if callable(found["data"]) else found["data"]


def test_exports_page_offers_every_format_and_converts_a_codebook(demo_copy, downloads, monkeypatch) -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Exports"
    assert sorted(downloads) == ["demo-maxqda.xlsx", "demo-nvivo.xlsx", "demo-qdc.qdc", "demo-qdpx.qdpx",
                                 "demo-segments.xlsx"]
    captions = " ".join(c.value for c in app.caption)
    for tool in ("NVivo", "ATLAS.ti", "MAXQDA", "QualCoder", "Taguette"):
        assert tool in captions
    project = content(downloads["demo-qdpx.qdpx"])
    assert zipfile.ZipFile(io.BytesIO(project)).read("project.qde") == zipfile.ZipFile(
        io.BytesIO(refiqda.qdpx_bytes(demo_copy, "demo"))).read("project.qde")
    qdc = content(downloads["demo-qdc.qdc"])
    refiqda.validate(qdc, "codebook")

    # AppTest cannot pick a file: the uploader returns the codebook just downloaded, then a broken one.
    class Upload(io.BytesIO):
        def __init__(self, data: bytes, name: str) -> None:
            super().__init__(data)
            self.name = name

    monkeypatch.setattr(st, "file_uploader", lambda *a, **k: Upload(qdc, "demo.qdc"))
    app.run()
    assert not app.exception, app.exception
    book = refiqda.read_qdc(qdc, "demo.qdc")
    assert app.success[0].value == f"{len(book.themes)} thèmes lus dans « demo\\.qdc »."  # markdown-escaped
    yaml_path = demo_copy.home / "demo.yaml"
    yaml_path.write_bytes(content(downloads["demo.yaml"]))
    from textmine.themes.codebook import load

    assert load(str(yaml_path)).themes == book.themes

    monkeypatch.setattr(st, "file_uploader", lambda *a, **k: Upload(b"<CodeBook>", "casse.qdc"))
    app.run()
    assert not app.exception, app.exception
    assert app.error[0].value.startswith("casse.qdc, ligne 1 : XML mal formé")


def test_exports_page_explains_an_empty_workspace(workspace) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert "Aucun corpus dans cet espace de travail" in app.info[0].value
