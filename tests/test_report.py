"""The study report (textmine.report): the DOCX and the HTML read back, sections that adapt to what a model
lacks, bad inputs, the ``textmine report`` command and the « Rapport » page."""

from __future__ import annotations

import base64
import csv
import io
import os
import random
import re
import shutil
import subprocess
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import streamlit as st
from docx import Document
from streamlit.testing.v1 import AppTest

from textmine.errors import TextmineError
from textmine.ingest import ingest
from textmine.pipeline import TrainOptions, train
from textmine.quotes.index import load_index
from textmine.report import gather, render, save, write
from textmine.views import overview
from textmine.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
ARTIFACTS = ROOT / "tests" / "artifacts" / "report"
PNG = b"\x89PNG\r\n\x1a\n"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]

# The tiny corpus: four subjects, every sentence naming a person and holding markup and an ampersand.
PLANTED = "Selon Mme Vercoutre & les <b>collègues</b>, "
SUBJECTS = {
    "reporting": [
        "les tableaux de reporting hebdomadaires dévorent tout le temps de travail de l'équipe",
        "on remplit des indicateurs de reporting que personne ne lit jamais vraiment",
        "chaque lundi il faut saisir les chiffres du reporting dans trois outils différents",
        "le reporting mensuel a doublé depuis la nouvelle convention d'objectifs",
        "les indicateurs du tableau de bord comptent plus que les dossiers eux-mêmes",
        "la direction réclame un reporting détaillé de chaque dossier traité",
    ],
    "teletravail": [
        "le télétravail deux jours par semaine a changé l'organisation du service",
        "depuis le télétravail les échanges entre collègues passent par la messagerie",
        "les jours de télétravail permettent de traiter les dossiers au calme",
        "le télétravail isole les nouveaux agents qui manquent de repères",
        "la connexion à distance coupe souvent pendant les journées de télétravail",
        "le planning de télétravail est négocié chaque trimestre avec le manager",
    ],
    "accueil": [
        "l'accueil des usagers au guichet se fait désormais uniquement sur rendez-vous",
        "les usagers attendent parfois deux heures à l'accueil sans réponse",
        "les allocataires en difficulté ne trouvent plus d'interlocuteur au guichet",
        "l'accueil physique ferme le mercredi faute d'effectifs suffisants",
        "les usagers appellent la plateforme téléphonique sans obtenir de rendez-vous",
        "au guichet nous recevons des usagers de plus en plus inquiets",
    ],
    "salaires": [
        "les salaires des techniciens n'ont pas suivi l'inflation depuis des années",
        "la prime d'intéressement ne compense pas le gel du point d'indice",
        "la reconnaissance du travail passe aussi par des salaires décents",
        "les augmentations individuelles sont distribuées au compte-gouttes",
        "les jeunes recrues partent dans le privé pour des salaires plus élevés",
        "la grille des salaires n'a pas été revue depuis la dernière réforme",
    ],
}
ORGANISMES = ("CAF", "CPAM", "Urssaf")


def write_tiny_corpus(path: Path) -> Path:
    """48 short testimonies, without date, each sentence planted with a name, « & » and « <b> »."""
    rng = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "texte", "organisme", "fonction"])
        for subject, sentences in SUBJECTS.items():
            for k in range(12):
                chosen = rng.sample(sentences, 3)
                text = " ".join(f"{PLANTED}{s}." for s in chosen)
                writer.writerow([f"{subject[:3].upper()}{k:02d}", text, ORGANISMES[k % 3], ("agent", "cadre")[k % 2]])
    return path


@pytest.fixture(scope="module")
def tiny(demo_workspace: Workspace, tmp_path_factory) -> Workspace:
    """A model « petit » without sentiment, on a corpus without dates (trained after the demo, code warm)."""
    folder = tmp_path_factory.mktemp("rapport-petit")
    workspace = Workspace(folder / "espace")
    ingest(workspace.open_store(), [write_tiny_corpus(folder / "petit.csv")], "petit", id_column="id")
    train(workspace, "petit", "petit", TrainOptions(embedding="tfidf-svd", seed=3, sentiment="aucun",
                                                     codebook="aucun", min_topic_size=5, stability=1))
    return workspace


@pytest.fixture(scope="module")
def demo(demo_workspace: Workspace) -> dict:
    """The demo model's report, pseudonymised (the default), gathered once, and its two files."""
    index = load_index(demo_workspace, "demo")
    report = gather(index)
    return {"index": index, "report": report, "docx": render(report, "docx"), "html": render(report, "html")}


def docx_text(document) -> str:  # noqa: ANN001
    """Every paragraph and table cell of a Word document."""
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def headings(document, level: int) -> list[str]:  # noqa: ANN001
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def flat_cited(quote) -> str:  # noqa: ANN001
    """The quote as every export shows it: Quote.cited() on the text with its line breaks flattened."""
    return type(quote)(**{**quote.__dict__, "text": " ".join(quote.text.split())}).cited()


class Page(HTMLParser):
    """Tags, attributes and the text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.text.append((self._in[-1] if self._in else "", data))

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]

    def texts(self, tag: str) -> list[str]:
        return [data.strip() for name, data in self.text if name == tag and data.strip()]


def parse(data: bytes) -> Page:
    page = Page()
    page.feed(data.decode("utf-8"))
    return page


# -- the demo report ---------------------------------------------------------------------------------------


def test_docx_has_the_sections_the_live_themes_the_charts_and_the_quotes(demo: dict) -> None:
    index, report = demo["index"], demo["report"]
    document = Document(io.BytesIO(demo["docx"]))
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == ["Rapport d'étude — corpus « demo »"]
    assert headings(document, 1) == ["Méthode", "Synthèse des thèmes", "Les thèmes"]
    method = ["Corpus", "Prétraitement", "Encodeur", "Modèle de thèmes", "Stabilité", "Ton",
              "Citations et pseudonymisation", "Versions et dates"]
    charts = ["Taille des thèmes", "Thèmes selon « organisme »", "Évolution dans le temps", "Ton par thème"]
    table = overview.theme_table(index, None)
    live = overview.labels(index)
    assert sorted(table["topic"]) == sorted(live)
    labels = [t.label for t in report.themes]
    assert [t.topic for t in report.themes] == list(table["topic"])
    assert headings(document, 2) == [*method, *charts, *(f"{i}. {label}" for i, label in enumerate(labels, 1))]

    summary = next(t for t in document.tables if t.rows[0].cells[0].text == "N°")
    assert [c.text for c in summary.rows[0].cells] == ["N°", "Thème", "Thème du codebook", "Documents",
                                                       "Part des documents", "Part des segments", "Ton moyen",
                                                       "Stabilité"]
    assert [row.cells[1].text for row in summary.rows[1:]] == labels
    assert len(summary.rows) - 1 == len(live)
    # The same numbers as the app's themes table.
    assert [row.cells[5].text for row in summary.rows[1:]] == [overview.percent(s) for s in table["share"]]
    assert [row.cells[6].text for row in summary.rows[1:]] == [overview.signed(s) for s in table["score"]]

    assert len(document.inline_shapes) == 4
    images = [part.blob for part in document.part.related_parts.values() if part.content_type == "image/png"]
    assert len(images) == 4 and all(blob.startswith(PNG) for blob in images)

    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    expected = [flat_cited(q) for t in report.themes for q in t.quotes]
    assert quotes == expected and len(quotes) >= len(report.themes)
    assert all(re.search(r" — .*doc \S+", q) for q in quotes)
    text = docx_text(document)
    assert "Pseudonymisation" in text and "oui : noms de personnes" in text
    assert "Citations pseudonymisées" in text


def test_html_is_one_escaped_page_without_script(demo: dict) -> None:
    report, data = demo["report"], demo["html"]
    page = parse(data)
    assert not page.all("script") and b"<script" not in data.lower()
    assert not [a for _, attrs in page.tags for a in attrs if a.startswith("on")]
    assert not page.all("link") and not page.all("iframe")
    images = page.all("img")
    assert len(images) == 4
    for attrs in images:
        assert attrs["src"].startswith("data:image/png;base64,")
        assert base64.b64decode(attrs["src"].split(",", 1)[1]).startswith(PNG)
    assert page.texts("h1") == ["Rapport d'étude — corpus « demo »"]
    assert page.texts("h2") == ["Sommaire", "Méthode", "Synthèse des thèmes", "Les thèmes"]
    sections = [a["id"] for a in page.all("section") if a.get("class") == "theme"]
    assert sections == [f"theme-{t.topic}" for t in report.themes]
    assert len(page.all("blockquote")) == sum(len(t.quotes) for t in report.themes)
    cites = page.texts("cite")
    assert cites == [f"— {q.citation.reference()}" for t in report.themes for q in t.quotes]
    rows = page.texts("td")
    assert all(escape(t.label) in data.decode("utf-8") for t in report.themes)
    assert "oui : noms de personnes, courriels, téléphones, NIR et adresses remplacés par des marques " \
           "(« [Personne 1] ») dans les citations, les libellés et les valeurs citées" in rows


def test_rendered_first_page_is_kept_as_an_artifact(demo: dict, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium absent : la capture du rapport HTML n'est pas faite (apt-get install chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = tmp_path / "rapport-demo.html"
    page.write_bytes(demo["html"])
    shot = ARTIFACTS / "rapport-demo.png"
    shot.unlink(missing_ok=True)
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert shot.is_file() and shot.read_bytes().startswith(PNG) and shot.stat().st_size > 20_000
    (ARTIFACTS / "rapport-demo.html").write_bytes(demo["html"])
    (ARTIFACTS / "rapport-demo.docx").write_bytes(demo["docx"])


def test_docx_converts_to_pdf_with_libreoffice(demo: dict, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) absent : pas de conversion du rapport DOCX en PDF "
                    "(apt-get install libreoffice-writer pour la faire)")
    source = tmp_path / "rapport-demo.docx"
    source.write_bytes(demo["docx"])
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   capture_output=True, timeout=300, check=False)
    pdf = tmp_path / "rapport-demo.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "rapport-demo.pdf")


# -- a model without sentiment nor dates ---------------------------------------------------------------------


def test_sections_adapt_to_a_model_without_sentiment_nor_dates(tiny: Workspace) -> None:
    index = load_index(tiny, "petit")
    report = gather(index)
    assert "Ton moyen" not in report.summary.header and "Stabilité" not in report.summary.header
    figures = {f.title: f for f in report.figures}
    assert figures["Ton par thème"].png is None
    assert figures["Ton par thème"].caption == overview.no_sentiment_message(index)
    assert figures["Évolution dans le temps"].png is None
    assert figures["Évolution dans le temps"].caption == overview.themes_over_time(index, None).message
    assert figures["Thèmes selon « organisme »"].png.startswith(PNG)
    corpus = dict(report.method[0].facts)
    assert corpus["Période"] == "non datée : le corpus n'a ni colonne « annee » ni colonne de date"
    assert report.method[4].text[0].startswith("La stabilité des thèmes n'a pas été mesurée")
    assert report.method[5].text == [overview.no_sentiment_message(index)]

    document = Document(io.BytesIO(render(report, "docx")))
    assert len(document.inline_shapes) == 2
    text = docx_text(document)
    assert overview.no_sentiment_message(index) in text
    assert "n'a ni colonne « annee » ni colonne de date" in text


def test_pseudonymised_by_default_and_corpus_text_escaped(tiny: Workspace) -> None:
    index = load_index(tiny, "petit")
    report = gather(index)
    assert report.themes and all(t.quotes for t in report.themes)
    data = render(report, "html")
    page = data.decode("utf-8")
    assert "Vercoutre" not in page and "[Personne 1]" in page
    assert "<b>" not in page and "&lt;b&gt;collègues&lt;/b&gt;" in page
    assert " &amp; les " in page and " & les " not in page
    assert not parse(data).all("b")
    text = docx_text(Document(io.BytesIO(render(report, "docx"))))
    assert "Vercoutre" not in text and "[Personne 1] & les <b>collègues</b>" in text

    plain = gather(index, pseudonymise=False, n=2)
    assert all(len(t.quotes) <= 2 for t in plain.themes)
    text = docx_text(Document(io.BytesIO(render(plain, "docx"))))
    assert "« Selon Mme Vercoutre & les <b>collègues</b>, " in text and "[Personne" not in text
    assert "Citations non pseudonymisées" in text and "non : les citations sont reproduites" in text


# -- bad input -------------------------------------------------------------------------------------------------


def test_unknown_column_lists_the_columns(tiny: Workspace) -> None:
    with pytest.raises(TextmineError) as error:
        gather(load_index(tiny, "petit"), by="annee")
    assert str(error.value) == "Colonne « annee » absente du corpus « petit ». Colonnes : organisme, fonction."


def test_bad_quote_count(tiny: Workspace) -> None:
    with pytest.raises(TextmineError, match="^Le nombre de citations par thème doit être compris entre 1 et 50.$"):
        gather(load_index(tiny, "petit"), n=51)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("absent/rapport.docx", "Le dossier {folder}/absent n'existe pas : créez-le ou choisissez un autre chemin."),
        ("rapport.pdf", "Extension inconnue « .pdf » pour rapport.pdf : le rapport s'écrit en .docx (Word) ou en "
                        ".html (page web)."),
        ("rapport", "Extension inconnue « (aucune) » pour rapport : le rapport s'écrit en .docx (Word) ou en "
                    ".html (page web)."),
    ],
)
def test_bad_output_path_is_refused_before_any_work(tiny: Workspace, tmp_path: Path, monkeypatch, name: str,
                                                      message: str) -> None:
    monkeypatch.setattr("textmine.report.gather", lambda *a, **k: pytest.fail("the report was built"))
    with pytest.raises(TextmineError) as error:
        write(tiny, "petit", tmp_path / name)
    assert str(error.value) == message.format(folder=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_previous_file_and_leaves_nothing(tiny: Workspace, tmp_path: Path,
                                                                 monkeypatch) -> None:
    report = gather(load_index(tiny, "petit"), n=1)
    out = tmp_path / "rapport.html"
    out.write_text("version précédente", encoding="utf-8")

    def full_disk(self, data):  # noqa: ANN001, ANN202
        Path.write_text(self, "moitié", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(TextmineError, match="^Écriture de .*rapport.html impossible : le disque est plein.$"):
        save(report, out)
    assert out.read_text(encoding="utf-8") == "version précédente"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.html"]


# -- the command ---------------------------------------------------------------------------------------------


def test_cli_writes_the_report_and_says_what_it_holds(tiny: Workspace, cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TEXTMINE_HOME", str(tiny.home))
    out = tmp_path / "rapport.docx"
    status, stdout, stderr = cli("report", "--model", "petit", "--out", out, "--n", "2", "--by", "fonction")
    assert status == 0, stderr
    themes = len(overview.labels(load_index(tiny, "petit")))
    assert re.fullmatch(rf"Rapport écrit dans {re.escape(str(out))} \(DOCX, \d+ ko\) : \d+ sections dont {themes} "
                        r"thèmes, citations pseudonymisées\.\n", stdout)
    document = Document(out)
    assert "Selon « fonction »" in [p.text for p in document.paragraphs]
    assert "Vercoutre" not in docx_text(document)

    status, stdout, stderr = cli("report", "--model", "petit", "--out", tmp_path / "r.html", "--by", "region")
    assert (status, stdout) == (1, "")
    assert stderr == "Erreur : Colonne « region » absente du corpus « petit ». Colonnes : organisme, fonction.\n"
    assert not (tmp_path / "r.html").exists()


def test_real_cli_refuses_an_unwritable_path_in_one_french_line(tiny: Workspace, real_cli, monkeypatch) -> None:
    monkeypatch.setenv("TEXTMINE_HOME", str(tiny.home))
    target = Path("/proc/rapport-textmine.html")  # no one may create files there, not even root
    done = real_cli("report", "--model", "petit", "--out", target, "--n", "1", "--no-pseudonymise")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("Erreur : ") and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert str(target) in done.stderr and not target.exists()


# -- the page ----------------------------------------------------------------------------------------------------


def test_report_page_builds_and_offers_the_download(tiny: Workspace, monkeypatch) -> None:
    monkeypatch.setenv("TEXTMINE_HOME", str(tiny.home))
    seen: dict[str, dict] = {}
    original = st.download_button

    def record(label, data, file_name=None, mime=None, **kwargs):  # noqa: ANN001, ANN202
        seen[file_name] = {"mime": mime, "data": data}
        return original(label, data, file_name=file_name, mime=mime, **kwargs)

    # AppTest does not serve the file: the button's arguments are recorded on their way to Streamlit.
    monkeypatch.setattr(st, "download_button", record)
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("app_pages/report.py").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Rapport"
    assert app.selectbox(key="report_model").value == "petit"
    assert app.selectbox(key="report_by").value == "organisme"
    assert app.checkbox(key="report_pseudonymise").value is True
    app.radio(key="report_format").set_value("html")
    app.number_input(key="report_n").set_value(2)
    app.button[0].click().run()
    assert not app.exception, app.exception
    assert app.success[0].value.startswith("Rapport prêt : ")
    assert len(app.get("download_button")) == 1
    assert list(seen) == ["rapport-petit.html"] and seen["rapport-petit.html"]["mime"] == "text/html"
    page = seen["rapport-petit.html"]["data"].decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Vercoutre" not in page and "<script" not in page
    assert os.environ["TEXTMINE_HOME"] == str(tiny.home)
