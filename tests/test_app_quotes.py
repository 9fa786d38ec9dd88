"""The « Citations » and « Documents » screens, through AppTest, on a copy of the demo workspace."""

from __future__ import annotations

import csv
import html
import io
import json
import sqlite3
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from textmine.quotes.filters import Filters
from textmine.quotes.index import load_index
from textmine.views.document import document_segments, legend_html, render_html

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CITATIONS, DOCUMENTS = "app_pages/citations.py", "app_pages/documents.py"
PLANTED = "<script>alert(1)</script> **gras**"
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def open_page(page: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def rerun(widget) -> AppTest:
    app = widget.run()
    assert not app.exception, app.exception
    return app


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict]:
    """What each download button of the last run would give: file name, MIME type and bytes, by extension.

    AppTest does not serve the files, so the buttons' arguments are recorded on their way to Streamlit.
    """
    seen: dict[str, dict] = {}
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, mime=None, **kwargs):
        seen[file_name.rsplit(".", 1)[-1]] = {"name": file_name, "mime": mime, "data": data}
        return original(self, label, data, file_name=file_name, mime=mime, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    return seen


def content(found: dict) -> bytes:
    data = found["data"]
    return data() if callable(data) else data


def test_pages_explain_an_empty_workspace(workspace) -> None:
    for page in (CITATIONS, DOCUMENTS):
        app = open_page(page)
        assert "Aucun corpus dans cet espace de travail" in app.info[0].value


def test_quotes_for_a_theme_count_pseudonymise_and_export(demo_copy, downloads) -> None:
    app = open_page(CITATIONS)
    assert app.radio(key="citations_by").value == "Par thème"
    assert app.toggle(key="citations_pseudonymise").value is True
    topic = app.selectbox(key="citations_theme").value
    available = len(load_index(demo_copy, "demo").for_theme(topic, 10).quotes)
    assert 1 <= len(app.code) == available <= 10  # as many as the theme has, up to 10
    assert all(code.value.startswith("« ") and " » — " in code.value and "doc " in code.value for code in app.code)

    app = rerun(app.number_input(key="citations_n").set_value(4))
    shown = len(app.code)
    assert shown == min(4, available)
    assert [b.label for b in app.download_button] == ["CSV", "Excel (XLSX)", "Markdown", "Word (DOCX)"]
    assert sorted(downloads) == sorted(MIME)
    theme = app.selectbox(key="citations_theme")
    slug = downloads["csv"]["name"].removeprefix("citations-").removesuffix(".csv")
    assert slug and all(c.isalnum() and c.isascii() or c == "-" for c in slug)
    for fmt, found in downloads.items():
        assert found["mime"] == MIME[fmt] and found["name"] == f"citations-{slug}.{fmt}"

    first = app.code[0].value.split(" » — ")[0].removeprefix("« ")
    rows = list(csv.reader(io.StringIO(content(downloads["csv"]).decode("utf-8-sig"))))
    assert len(rows) == 1 + shown and rows[1][2] == first
    sheet = load_workbook(io.BytesIO(content(downloads["xlsx"]))).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [r[2] for r in rows[1:]]
    markdown = content(downloads["md"]).decode("utf-8")
    assert markdown.startswith("# Citations") and "pseudonymisées" in markdown
    paragraphs = [p.text for p in Document(io.BytesIO(content(downloads["docx"]))).paragraphs]
    assert any(theme.format_func(theme.value) in p for p in paragraphs)
    assert sum(p.startswith("« ") for p in paragraphs) == shown


def test_quotes_for_a_query_and_a_masked_name(demo_copy, downloads) -> None:
    app = open_page(CITATIONS)
    app = rerun(app.radio(key="citations_by").set_value("Par requête"))
    assert "Saisissez une requête" in app.info[0].value and not app.code
    app = rerun(app.text_input(key="citations_query").input("reporting"))
    assert len(app.code) == 10 and all("reporting" in code.value.lower() for code in app.code[:5])
    app = rerun(app.selectbox(key="citations_mode").set_value("lexical"))
    assert len(app.code) == 10 and all("reporting" in code.value.lower() for code in app.code)

    # A name written in a testimony (« Mme Techer-Lallemand », document T136) is masked on screen and in exports.
    app = rerun(app.text_input(key="citations_query").input("Techer-Lallemand"))
    shown = [code.value for code in app.code]
    assert shown and all("Techer" not in text for text in shown) and "[Personne 1]" in shown[0]
    assert "doc T136" in shown[0]
    rows = list(csv.reader(io.StringIO(content(downloads["csv"]).decode("utf-8-sig"))))
    assert "[Personne 1]" in rows[1][2] and "Techer" not in rows[1][2]
    assert downloads["csv"]["name"] == "citations-requete.csv"  # a query may name someone: not in file names

    app = rerun(app.text_input(key="citations_terms").input("guichet, rush"))
    assert "[Terme 1]" in app.code[0].value and "[Terme 2]" in app.code[0].value

    app = rerun(app.toggle(key="citations_pseudonymise").set_value(False))
    assert "Mme Techer-Lallemand" in app.code[0].value and "guichet" in app.code[0].value
    assert downloads["md"]["name"] == "citations-requete-techer-lallemand.md"


def test_filters_leaving_no_quote_say_so(demo_copy) -> None:
    index = load_index(demo_copy, "demo")
    topic = min(t for t in index.labels() if t >= 0)
    organismes = sorted({str(m["organisme"]) for m in index.metadata.values() if m.get("organisme")})
    empty = next(
        (o, tone)
        for o in organismes
        for tone in ("positif", "negatif")
        if not index.for_theme(topic, 1, Filters(sentiment=(tone,), where={"organisme": (o,)})).quotes
    )
    expected = index.for_theme(topic, 1, Filters(sentiment=(empty[1],), where={"organisme": (empty[0],)})).message

    app = open_page(CITATIONS)
    assert app.selectbox(key="citations_theme").value == topic
    app.multiselect(key="filtre_organisme_demo").set_value([empty[0]])
    app = rerun(app.multiselect(key="citations_tones").set_value([empty[1]]))
    assert [w.value for w in app.warning] == [expected]
    assert "Assouplissez les filtres" in expected
    assert not app.code and not app.download_button


def test_a_model_without_sentiment_disables_the_tone_filters(demo_copy) -> None:
    card = demo_copy.models_dir / "demo" / "card.json"
    data = json.loads(card.read_text(encoding="utf-8"))
    data["sentiment_backend"] = None
    card.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    note = "Ce modèle n'a pas de sentiment : le filtre de ton est indisponible."

    app = open_page(CITATIONS)
    assert [m.disabled for m in app.multiselect if m.label == "Ton"] == [True]
    assert note in [c.value for c in app.caption] and len(app.code) >= 1
    app = open_page(DOCUMENTS)
    assert [c.value for c in app.caption].count(note) == 2
    assert set(app.dataframe[0].value["ton"]) == {"—"}


def test_documents_table_reading_and_concordance(demo_copy) -> None:
    index = load_index(demo_copy, "demo")
    app = open_page(DOCUMENTS)
    assert [t.label for t in app.tabs] == ["Parcourir", "Concordance"]
    table = app.dataframe[0].value
    assert len(table) == len(index.texts)
    assert {"id d'origine", "organisme", "thème principal", "ton", "début du texte"} <= set(table.columns)
    assert table["début du texte"].str.len().max() <= 151

    app = rerun(app.text_input(key="documents_contains").input("EQUIPE SOUDEE"))
    table = app.dataframe[0].value
    assert 0 < len(table) < len(index.texts)
    wanted = next(d for d, meta in index.metadata.items() if meta["original_id"] == table["id d'origine"].iloc[-1])
    app = rerun(app.selectbox(key="documents_chosen").select(wanted))
    sheet = app.dataframe[1].value
    assert list(sheet["valeur"][:1]) == [index.metadata[wanted]["original_id"]]
    body = app.html[-1].value
    assert "quipe soud" in body and html.escape(index.texts[wanted][:20]) in body
    assert "Thèmes des passages" in [m.value.strip("*") for m in app.markdown]

    app = rerun(app.text_input(key="documents_contains").input("introuvablezzz"))
    assert "Aucun document ne contient « introuvablezzz »" in app.warning[0].value

    assert "Saisissez un mot ou une expression" in app.info[0].value
    app = rerun(app.text_input(key="kwic_term").input("reporting"))
    lines = app.dataframe[-1].value
    assert list(lines.columns) == ["gauche", "occurrence", "droite", "thème", "ton", "source"]
    assert len(lines) > 3 and {m.lower() for m in lines["occurrence"]} == {"reporting"}
    assert any(c.value.endswith(f"{len(lines)} occurrences affichées.") for c in app.caption)
    app = rerun(app.text_input(key="kwic_term").input("zzyzzy"))
    assert any("« zzyzzy » n'apparaît dans aucun texte" in w.value for w in app.warning)


def test_rendering_escapes_html_and_markdown_from_testimonies() -> None:
    text = f"Avant. {PLANTED}\n\nAprès & fin."
    spans = document_segments(text, [(7, 41, 2, "negatif"), (43, 55, -1, None)], {2: "<i>Thème</i>"})
    assert "".join(s.text for s in spans) == text
    assert [(s.topic, s.sentiment) for s in spans] == [(None, None), (2, "negatif"), (None, None), (-1, None)]
    page = render_html(spans) + legend_html(spans)
    assert "<script>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **gras**" in page and "&lt;i&gt;Thème&lt;/i&gt;" in page
    assert "Après &amp; fin." in page and "Sans thème" in page


def test_documents_page_shows_a_planted_testimony_as_text(demo_copy) -> None:
    index = load_index(demo_copy, "demo")
    doc = next(d for d, meta in index.metadata.items() if meta["original_id"] and len(index.texts[d]) > 200)
    text = index.texts[doc]
    planted = PLANTED + text[len(PLANTED):]  # same length: the model's offsets stay right
    with sqlite3.connect(demo_copy.db_path) as conn:
        conn.execute("UPDATE documents SET text = ? WHERE id = ?", (planted, doc))
    conn.close()

    app = open_page(DOCUMENTS)
    app = rerun(app.selectbox(key="documents_chosen").select(doc))
    shown = [e.value for kind in ("markdown", "caption", "html", "title", "subheader", "warning", "info", "error")
             for e in app.get(kind)]
    assert not any("<script>" in value for value in shown)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt; **gras**" in e.value for e in app.get("html"))
    table = app.dataframe[0].value
    original = index.metadata[doc]["original_id"]
    assert table.loc[table["id d'origine"] == original, "début du texte"].iloc[0].startswith(PLANTED)
