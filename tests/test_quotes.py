"""Quotes, search, citations, concordance, pseudonymisation and quote packs, on the demo model."""

from __future__ import annotations

import csv
import errno
import json
import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from textmine.errors import TextmineError
from textmine.exchange.files import write_csv
from textmine.exchange.quote_pack import QuotePack, query_section, render, theme_section, write
from textmine.quotes.filters import Filters
from textmine.quotes.index import QuoteIndex, load_index
from textmine.quotes.kwic import concordance
from textmine.quotes.pseudonymise import Pseudonymiser
from textmine.themes.model import TrainedModel
from textmine.themes.registry import Registry

DATA = Path(__file__).resolve().parent / "data"
DANGLING = re.compile(r"^(il|ils|elle|elles|cela|ça|ce dernier|celui-ci|mais|et|donc|car)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def index(demo_workspace) -> QuoteIndex:
    return load_index(demo_workspace, "demo")


def biggest_theme(index: QuoteIndex) -> int:
    return int(index.model.themes()["topic"].iloc[0])


def codebook_theme(index: QuoteIndex) -> int:
    """The largest theme matched to the codebook (a well-defined one)."""
    themes = index.model.themes()
    return int(themes[themes["codebook"].notna()]["topic"].iloc[0])


def test_theme_quotes_are_readable_representative_diverse_and_cited_exactly(index) -> None:
    topic = codebook_theme(index)
    result = index.for_theme(topic, n=8)
    quotes = result.quotes
    assert len(quotes) == 8 and result.message is None
    assert len({q.citation.document_id for q in quotes}) == 8  # at most one per document by default
    weights = index._term_weights(topic)
    sentences = index.sentences.set_index(["document_id", "end"])
    rich = [bool(sentences.loc[(q.citation.document_id, q.citation.end), "termset"] & set(weights)) for q in quotes]
    assert sum(rich) >= 6
    for q in quotes:
        assert q.topic == topic and q.theme == index.labels()[topic]
        assert index.texts[q.citation.document_id][q.citation.start : q.citation.end] == q.text
        assert 6 <= len(q.text.split()) <= 90
        assert not DANGLING.match(q.text.lstrip("«\"' ")), q.text
        assert q.cited().startswith(f"« {q.text} » — ") and f"doc {q.citation.document}" in q.cited()
    scores = [q.score for q in quotes]
    assert scores[0] == max(scores)
    assert len(index.for_theme(topic, n=8, per_document=3).quotes) == 8
    assert len(index.for_theme(topic, n=2).quotes) == 2


def test_a_dangling_sentence_is_quoted_with_the_one_before(index) -> None:
    windows = index.sentences[index.sentences["unit_start"] < index.sentences["start"]]
    assert len(windows) > 10
    row = windows.iloc[0]
    text = index.texts[int(row["document_id"])][int(row["unit_start"]) : int(row["end"])]
    assert DANGLING.match(index.texts[int(row["document_id"])][int(row["start"]) :].lstrip("«\"' "))
    assert not DANGLING.match(text)


def test_filters_on_tone_and_metadata(index) -> None:
    topic = biggest_theme(index)
    negative = index.for_theme(topic, n=5, filters=Filters.parse(["negatif"])).quotes
    assert negative and all(q.sentiment == "negatif" for q in negative)
    caf = index.search("charge de travail", n=5, filters=Filters.parse(where=["organisme=CAF", "annee=2023"])).quotes
    assert caf and all(q.citation.organisme == "CAF" and q.citation.annee == "2023" for q in caf)
    both = index.search("reporting", n=5, filters=Filters.parse(where=["organisme=CAF", "organisme=CPAM"])).quotes
    assert {q.citation.organisme for q in both} <= {"CAF", "CPAM"}
    empty = index.search("reporting", filters=Filters.parse(["positif"], ["organisme=Inexistant"]))
    assert empty.quotes == [] and "Assouplissez les filtres (ton positif, organisme = Inexistant)" in empty.message
    with pytest.raises(TextmineError, match="Colonne « pays » absente du corpus « demo ». Colonnes : source"):
        index.search("reporting", filters=Filters.parse(where=["pays=France"]))
    with pytest.raises(TextmineError, match="colonne=valeur"):
        Filters.parse(where=["organisme"])
    with pytest.raises(TextmineError, match="Ton inconnu « furieux » : négatif, neutre, positif"):
        Filters.parse(["furieux"])
    assert Filters.parse(["Négatif,neutre"]).describe() == "ton négatif ou neutre"


def test_query_search_in_three_modes(index) -> None:
    for mode in ("hybride", "semantique", "lexical"):
        quotes = index.search("on ne fait plus que du reporting", n=5, mode=mode).quotes
        assert len(quotes) == 5, mode
        using = sum("reporting" in q.text.lower() for q in quotes)
        assert using == 5 if mode == "lexical" else using >= 2, (mode, [q.text for q in quotes])
    accents = index.search("epuisement", n=3, mode="lexical").quotes  # accents folded
    assert accents and all("épuis" in q.text.lower() or "epuis" in q.text.lower() for q in accents)
    with pytest.raises(TextmineError, match="Mode de recherche inconnu"):
        index.search("reporting", mode="magique")


@pytest.mark.parametrize("text", ['"reporting', "(charge) AND -travail*", "NEAR(a b)", "indicateurs^ : {x}", "'"])
def test_fts_special_characters_never_raise(index, text: str) -> None:
    try:
        index.search(text, n=3)
    except TextmineError as exc:  # only the French "no word" messages are acceptable
        assert "mots vides" in str(exc) or "aucun mot" in str(exc)


def test_empty_and_stop_word_queries_are_refused(index) -> None:
    with pytest.raises(TextmineError, match="La requête est vide"):
        index.search("   ")
    with pytest.raises(TextmineError, match="ne contient que des mots vides"):
        index.search("le de la pour")
    with pytest.raises(TextmineError, match="ne contient aucun mot"):
        index.search("((« * » -))")
    with pytest.raises(TextmineError, match="entre 1 et 500"):
        index.search("reporting", n=0)


def test_citations_name_the_page_or_paragraph_and_survive_theme_edits(demo_copy) -> None:
    index = load_index(demo_copy, "demo")
    pdf = index.search("observatoire", n=20, filters=Filters.parse(where=["source=rapport"]), per_document=20)
    places = {q.citation.place for q in pdf.quotes if q.citation.place}
    assert any(p.startswith("p. ") for p in places) or any(p.startswith("§ ") for p in places)
    before = {(q.citation.document_id, q.citation.start, q.citation.end, q.citation.reference())
              for q in index.search("reporting", n=5).quotes}
    model = TrainedModel.load(Registry(demo_copy.models_dir), "demo")
    themes = list(model.themes()["topic"][:2])
    model.merge([int(t) for t in themes], "Fusionné")
    after_index = load_index(demo_copy, "demo")
    after = {(q.citation.document_id, q.citation.start, q.citation.end, q.citation.reference())
             for q in after_index.search("reporting", n=5).quotes}
    assert before == after
    assert after_index.for_theme(int(themes[0]), n=3).quotes[0].theme == "Fusionné"


def test_concordance_of_words_expressions_prefixes_and_lemmas(index, demo_workspace) -> None:
    store = demo_workspace.open_store()
    lines = concordance(store, "demo", "reporting", limit=5)
    assert lines.total >= 5 and len(lines.lines) == 5
    for line in lines.lines:
        assert line.match.lower() == "reporting"
        assert line.citation.reference().endswith(line.citation.place or f"doc {line.citation.document}")
    expression = concordance(store, "demo", "Perte de SENS", limit=3)
    assert expression.lines and all(line.match.lower() == "perte de sens" for line in expression.lines)
    prefix = concordance(store, "demo", "indicat*", limit=50)
    assert {line.match.lower() for line in prefix.lines} >= {"indicateur", "indicateurs"}
    lemma = concordance(store, "demo", "dossier", lemma=True, limit=200)
    assert {line.match.lower() for line in lemma.lines} >= {"dossier", "dossiers"}
    topic = biggest_theme(index)
    themed = concordance(store, "demo", "reporting", index=index, topic=topic)
    assert all(line.theme == index.labels()[topic] for line in themed.lines)
    caf = concordance(store, "demo", "reporting", filters=Filters.parse(where=["organisme=CAF"]))
    assert all(line.citation.organisme == "CAF" for line in caf.lines)
    none = concordance(store, "demo", "zyxwvu")
    assert none.lines == [] and "n'apparaît dans aucun texte" in none.message
    with pytest.raises(TextmineError, match="Indiquez un mot"):
        concordance(store, "demo", ' "()* ')
    with pytest.raises(TextmineError, match="demande un modèle"):
        concordance(store, "demo", "reporting", topic=1)


def test_pseudonymisation_recall_and_precision_on_the_planted_test_set() -> None:
    rows = [json.loads(line) for line in (DATA / "pseudonymisation.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 100
    pseudonymiser = Pseudonymiser()
    planted = found = wrong = 0
    for row in rows:
        entities = pseudonymiser.find(row["text"])
        for expected in row["entities"]:
            planted += 1
            found += any(e.start <= expected["start"] and e.end >= expected["end"] for e in entities)
        wrong += sum(not any(e.start < x["end"] and e.end > x["start"] for x in row["entities"]) for e in entities)
    assert found / planted >= 0.95
    assert wrong <= 0.05 * planted


def test_replacements_are_consistent_and_user_terms_are_hidden() -> None:
    p = Pseudonymiser(["Projet Horizon"], use_ner=False)
    first = p.replace("Mme Dupont a appelé le 06 12 34 56 78 au sujet du projet horizon.")
    second = p.replace("Stéphanie Dupont (stephanie.dupont@caf-59.fr) habite 4 bis rue des Lilas, 59000 Lille.")
    assert first == "[Personne 1] a appelé le [Téléphone 1] au sujet du [Terme 1]."
    assert second == "[Personne 1] ([Courriel 1]) habite [Adresse 1]."
    nir = p.replace("NIR 2 84 12 2A 123 456 78, dossier 2023-4567, 35 heures, la rue est calme.")
    assert nir == "NIR [NIR 1], dossier 2023-4567, 35 heures, la rue est calme."
    assert p.replace("Madame la Directrice et la CPAM de Lille") == "Madame la Directrice et la CPAM de Lille"


def pack(index: QuoteIndex) -> QuotePack:
    section, _ = theme_section(index, biggest_theme(index), 4, Filters())
    query, _ = query_section(index, "reporting", 3, Filters.parse(where=["organisme=CPAM"]))
    return QuotePack("Citations", [section, query])


def test_exports_open_in_their_applications(index, tmp_path: Path) -> None:
    quotes = pack(index)
    first = quotes.sections[0].quotes[0]
    write(quotes, tmp_path / "c.docx")
    document = Document(str(tmp_path / "c.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert quotes.sections[0].title in text and first.citation.reference() in text
    assert "Termes clés" in text and "Requête : « reporting »" in text
    write(quotes, tmp_path / "c.xlsx")
    sheet = load_workbook(tmp_path / "c.xlsx").active
    rows = list(sheet.values)
    assert rows[0][:4] == ("section", "rang", "citation", "source") and len(rows) == 1 + 7
    assert rows[1][2] == first.text
    write(quotes, tmp_path / "c.csv")
    with (tmp_path / "c.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle))[1][2] == first.text
    write(quotes, tmp_path / "c.md")
    markdown = (tmp_path / "c.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Citations") and "> — " in markdown
    data = json.loads(render(quotes, "json"))
    assert data["sections"][0]["citations"][0]["source"]["document_id"] == first.citation.document_id


def test_export_errors_leave_nothing_behind(index, tmp_path: Path) -> None:
    with pytest.raises(TextmineError, match="n'existe pas"):
        write(pack(index), tmp_path / "absent" / "c.docx")
    empty = QuotePack("Vide", [])
    with pytest.raises(TextmineError, match="Aucune citation à exporter"):
        write(empty, tmp_path / "vide.md")
    with pytest.raises(TextmineError, match="Format inconnu"):
        write(pack(index), tmp_path / "c.odt")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_csv_write_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "tons.csv"
    path.write_text("ancien\n", encoding="utf-8")

    def rows():  # noqa: ANN202 - the disk fills up halfway
        yield ["a"]
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(TextmineError, match="Écriture de .* impossible : le disque est plein"):
        write_csv(path, ["colonne"], rows())
    assert path.read_text(encoding="utf-8") == "ancien\n" and list(tmp_path.iterdir()) == [path]


def test_pseudonymised_pack_keeps_the_store_intact(demo_copy) -> None:
    index = load_index(demo_copy, "demo")
    store = demo_copy.open_store()
    doc_id = next(iter(index.texts))
    before = store.document_texts("demo")
    planted = Pseudonymiser(use_ner=False).replace("Mme Dupont au 06 12 34 56 78")
    assert planted == "[Personne 1] au [Téléphone 1]"
    quotes = pack(index).pseudonymise()
    assert quotes.pseudonymised and "pseudonymisées" in render(quotes, "md").decode()
    assert store.document_texts("demo") == before and before[doc_id]


def test_cli_quotes_kwic_and_pseudonymise(cli, demo_copy, tmp_path: Path) -> None:
    topic = int(TrainedModel.load(Registry(demo_copy.models_dir), "demo").themes()["topic"].iloc[0])
    status, out, err = cli("quotes", "--model", "demo", "--topic", topic, "--n", "3")
    assert status == 0 and out.startswith("# Citations par thème — demo") and out.count("> « ") == 3
    status, out, _ = cli("quotes", "--model", "demo", "--query", "reporting", "--format", "json", "--n", "2")
    assert status == 0 and len(json.loads(out)["sections"][0]["citations"]) == 2
    status, out, _ = cli("quotes", "--model", "demo", "--topic", "tous", "--n", "1", "--out", tmp_path / "t.docx")
    assert status == 0 and "citation(s) écrites" in out and (tmp_path / "t.docx").exists()
    status, _, err = cli("quotes", "--model", "demo", "--query", "reporting", "--where", "organisme=Nulle")
    assert status == 1 and "Aucune citation trouvée" in err and "Assouplissez" in err
    status, _, err = cli("quotes", "--model", "demo", "--topic", topic, "--format", "docx")
    assert status == 1 and "ajoutez --out" in err
    status, _, err = cli("quotes", "--model", "demo")
    assert status == 1 and "soit --topic" in err
    status, out, _ = cli("kwic", "reporting", "--corpus", "demo", "--limit", "2")
    assert status == 0 and "[reporting]" in out.lower() and "2 ligne(s) affichée(s)" in out
    status, out, _ = cli("kwic", "reporting", "--model", "demo", "--format", "csv", "--limit", "3")
    assert status == 0 and out.splitlines()[0] == "gauche,occurrence,droite,citation,document,theme,ton"
    assert len(out.splitlines()) == 4
    source = tmp_path / "brut.csv"
    source.write_text("id,texte\n1,Mme Dupont m'a appelée au 06 12 34 56 78.\n2,Rien à signaler ici.\n",
                      encoding="utf-8")
    original = source.read_bytes()
    status, out, _ = cli("pseudonymise", source, "--text-column", "texte", "--out", tmp_path / "net.csv")
    assert status == 0 and "2 lignes pseudonymisées" in out
    with (tmp_path / "net.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[1] == ["1", "[Personne 1] m'a appelée au [Téléphone 1]."] and rows[2][1] == "Rien à signaler ici."
    assert source.read_bytes() == original
    status, _, err = cli("pseudonymise", source, "--text-column", "texte", "--out", source)
    assert status == 1 and "autre fichier" in err
