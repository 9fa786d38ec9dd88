"""REFI-QDA exchange: projects (.qdpx) and codebooks (.qdc) out, codebooks in.

Exports are validated against the official XSDs and read back with a plain
ElementTree reader written here (not textmine's), on a tiny corpus whose texts
hold accents, typographic quotes and emoji before the coded passages, so that
positions counted in code points and in UTF-16 units differ.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from textmine.exchange import refiqda
from textmine.ingest import ingest
from textmine.pipeline import TrainOptions, train
from textmine.quotes.index import load_index
from textmine.themes import codebook
from textmine.themes.model import UNASSIGNED, TrainedModel
from textmine.themes.registry import Registry
from textmine.workspace import Workspace

XSD = Path(refiqda.__file__).resolve().parents[1] / "data" / "refiqda"
P = "{urn:QDA-XML:project:1.0}"
C = "{urn:QDA-XML:codebook:1.0}"
EMOJI = ("😀", "🙂", "😤", "👍", "🧾")
PASSAGES = (
    ("Le reporting m’épuise", "les tableaux de bord « flash » reviennent chaque lundi",
     "on ressaisit les extractions Excel pour la direction"),
    ("L’accueil ferme à midi", "les usagers attendent « dehors » devant la porte",
     "les rendez-vous en visio remplacent le guichet"),
    ("L’équipe est épuisée", "les arrêts maladie s’enchaînent « sans fin »",
     "la fatigue et l’angoisse gagnent les collègues"),
)
TINY = TrainOptions(embedding="tfidf-svd", codebook="aucun", min_topic_size=3, sentiment="lexique", stability=1,
                    segment_words=5, seed=1)
NESTED_QDC = """<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">
  <Codes>
    <Code guid="6b1e3c43-5f55-4c5b-9a57-1b0f1d0a0001" name="Conditions de travail" isCodable="true">
      <Description>Ce que le travail fait aux agents.</Description>
      <Code guid="6b1e3c43-5f55-4c5b-9a57-1b0f1d0a0002" name="Reporting" isCodable="true" color="#FF0000">
        <Description>Temps passé à rendre compte.
Mots-clés : tableau de bord; extraction, « flash »</Description>
      </Code>
      <Code guid="6b1e3c43-5f55-4c5b-9a57-1b0f1d0a0003" name="Épuisement" isCodable="true">
        <Description>Fatigue, arrêts.
Termes : fatigue, arrêt maladie, angoisse</Description>
      </Code>
    </Code>
    <Code guid="6b1e3c43-5f55-4c5b-9a57-1b0f1d0a0004" name="Accueil des usagers" isCodable="true">
      <Description>Termes : accueil, guichet, rendez-vous</Description>
    </Code>
  </Codes>
</CodeBook>
"""


def tiny_texts() -> list[dict]:
    rows = []
    for i in range(36):
        first, second, third = PASSAGES[i % 3]
        e = EMOJI[i % 5]
        rows.append({
            "id": f"R{i:02d}",
            "texte": f"{e} {first} depuis {2018 + i % 6}, dit l’agent n° {i}. Ensuite {second} à la caisse {i}. "
                     f"Enfin {third} {e} et c’est « trop ».",
            "date": f"202{i % 5}-0{1 + i % 9}-1{i % 9}",
            "annee": 2018 + i % 6,
            "note": f"{i % 7}.5",
            "organisme": ("CAF", "CPAM", "MSA")[i % 3],
        })
    return rows


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Workspace:
    """36 short testimonies with emoji, accents and « » ’, and a tiny tfidf-svd model « mini »."""
    folder = tmp_path_factory.mktemp("refiqda")
    path = folder / "mini.csv"
    rows = tiny_texts()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    workspace = Workspace(folder / "espace")
    ingest(workspace.open_store(), [path], "mini", id_column="id")
    train(workspace, "mini", "mini", TINY)
    return workspace


def read_project(data: bytes) -> tuple[ET.Element, dict[str, str]]:
    """project.qde's root and the source files (guid -> text), read with the standard library only."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert "project.qde" in names
        sources = {}
        for name in names:
            if name.startswith("sources/"):
                raw = archive.read(name)
                assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
                sources[name.removeprefix("sources/").removesuffix(".txt")] = raw.decode("utf-8")
        return ET.fromstring(archive.read("project.qde")), sources


def xsd_valid(xml: bytes, name: str) -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD / name)))
    schema.assertValid(etree.fromstring(xml))


def walk(element: ET.Element, ns: str, parent: str | None = None):
    for code in element.findall(f"{ns}Code"):
        yield code, parent
        yield from walk(code, ns, code.get("name"))


def test_qdpx_validates_and_every_selection_reads_back_exactly(tiny: Workspace) -> None:
    data = refiqda.qdpx_bytes(tiny, "mini")
    root, files = read_project(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xsd_valid(archive.read("project.qde"), "Project.xsd")
    assert root.tag == f"{P}Project"

    model = TrainedModel.load(Registry(tiny.models_dir), "mini")
    store = tiny.open_store()
    texts, metadata = store.document_texts("mini"), store.document_metadata("mini")
    labels = model.label_of()
    codes = {code.get("guid"): code for code, _ in walk(root.find(f"{P}CodeBook/{P}Codes"), P)}
    assert {c.get("name") for c in codes.values()} == {labels[t] for t in labels if t != UNASSIGNED}
    assert all(len(c.get("color")) == 7 and c.get("color").startswith("#") for c in codes.values())
    terms = {labels[t["id"]]: t["terms"] for t in model.trained_themes if t["id"] in labels}
    for code in codes.values():  # no codebook here: the description is the key terms
        words = terms[code.get("name")]
        assert code.findtext(f"{P}Description") == (f"Termes : {', '.join(words)}" if words else None)

    expected = Counter(
        (metadata[d]["original_id"], texts[d][s:e], labels[t])
        for d, s, e, t in zip(*(model.segments()[k] for k in ("document_id", "start", "end", "topic")))
        if t != UNASSIGNED
    )
    found, shifted = Counter(), 0
    sources = root.findall(f"{P}Sources/{P}TextSource")
    assert len(sources) == len(texts)
    for source in sources:
        guid = source.get("guid")
        assert source.get("plainTextPath") == f"internal://{guid}.txt"
        text = files[guid]
        for selection in source.findall(f"{P}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            code = codes[selection.find(f"{P}Coding/{P}CodeRef").get("targetGUID")]
            found[(source.get("name"), text[start:end], code.get("name"))] += 1
            utf16_start = len(text[:start].encode("utf-16-le")) // 2
            shifted += utf16_start != start and any(c in text[start:end] for c in "’«»éà")
    assert found == expected and sum(found.values()) > 0
    assert shifted > 0  # passages after an emoji: code points, not UTF-16 units, and they still match
    assert sorted(files.values()) == sorted(texts.values())


def test_qdpx_carries_typed_variables_and_notes(tiny: Workspace) -> None:
    root, _ = read_project(refiqda.qdpx_bytes(tiny, "mini"))
    variables = {v.get("name"): (v.get("guid"), v.get("typeOfVariable")) for v in root.iter(f"{P}Variable")}
    assert {n: t for n, (_, t) in variables.items()} == {
        "date": "Date", "annee": "Integer", "note": "Float", "organisme": "Text"
    }
    first = next(s for s in root.iter(f"{P}TextSource") if s.get("name") == "R01")
    values = {}
    for value in first.findall(f"{P}VariableValue"):
        name = next(n for n, (g, _) in variables.items() if g == value.find(f"{P}VariableRef").get("targetGUID"))
        values[name] = value[1].text
    assert values == {"date": "2021-02-11", "annee": "2019", "note": "1.5", "organisme": "CPAM"}

    notes = {n.get("guid"): n.findtext(f"{P}PlainTextContent") for n in root.iter(f"{P}Note")}
    card = notes[root.find(f"{P}NoteRef").get("targetGUID")]
    for part in ("Corpus « mini » : 36 documents", "embedding : tfidf-svd", "Versions : python", "Ton : lexique"):
        assert part in card
    for code, _ in walk(root.find(f"{P}CodeBook/{P}Codes"), P):
        note = notes[code.find(f"{P}NoteRef").get("targetGUID")]
        assert f"Thème « {code.get('name')} »" in note and "Stabilité : non mesurée" in note
        assert "Ton moyen : " in note or "aucun segment" in note


def test_guids_are_stable_across_exports_and_theme_edits(tiny: Workspace, tmp_path: Path) -> None:
    first = refiqda.qdpx_bytes(tiny, "mini")
    assert refiqda.qdpx_bytes(tiny, "mini") == first
    copy = Workspace(tmp_path / "copie")
    shutil.copytree(tiny.home, copy.home)
    model = TrainedModel.load(Registry(copy.models_dir), "mini")
    topic = int(model.themes()["topic"].iloc[0])
    model.rename(topic, "Thème renommé")
    before, _ = read_project(first)
    after, _ = read_project(refiqda.qdpx_bytes(copy, "mini"))
    guids = [lambda r: [s.get("guid") for s in r.iter(f"{P}TextSource")],
             lambda r: [s.get("guid") for s in r.iter(f"{P}PlainTextSelection")],
             lambda r: sorted(c.get("guid") for c, _ in walk(r.find(f"{P}CodeBook/{P}Codes"), P))]
    for read in guids:
        assert read(before) == read(after) and read(before)
    assert "Thème renommé" in {c.get("name") for c, _ in walk(after.find(f"{P}CodeBook/{P}Codes"), P)}


def tree(codes: list[refiqda.Code]) -> list:
    return [(c.name, c.definition, tuple(c.terms), tree(c.children)) for c in codes]


def test_qdc_round_trip_keeps_names_nesting_definitions_terms(demo_workspace: Workspace, tmp_path: Path) -> None:
    data = refiqda.qdc_bytes(demo_workspace, "demo")
    xsd_valid(data, "Codebook.xsd")
    exported = refiqda.model_codes(load_index(demo_workspace, "demo"))
    read_back = refiqda.read_codes(data, "demo.qdc")
    assert tree(read_back) == tree(exported)
    root = ET.fromstring(data)
    assert root.tag == f"{C}CodeBook"
    parents = {code.get("name"): parent for code, parent in walk(root.find(f"{C}Codes"), C)}
    expected = {c.name: p.name if p else None for top in exported for c, p in top.walk()}
    assert parents == expected

    path = tmp_path / "demo.qdc"
    path.write_bytes(data)
    book = codebook.load(str(path))  # what « textmine train --codebook demo.qdc » reads
    flat, _ = refiqda.flatten(read_back, "demo.qdc")
    assert book == flat and len(book.themes) == sum(1 for top in exported for _ in top.walk())


def test_nested_codebook_from_another_tool_imports_to_yaml(cli, tmp_path: Path) -> None:
    path = tmp_path / "nvivo.qdc"
    path.write_text(NESTED_QDC, encoding="utf-8")
    status, out, err = cli("codebook", "import", path)
    assert status == 0, err
    assert out.splitlines()[0] == f"Codebook importé : 4 thèmes écrits dans {tmp_path / 'nvivo.yaml'}."
    book = codebook.load(str(tmp_path / "nvivo.yaml"))
    assert [(t.name, t.definition, t.terms) for t in book.themes] == [
        ("Conditions de travail", "Ce que le travail fait aux agents.", ("conditions de travail",)),
        ("Reporting", "Temps passé à rendre compte.", ("tableau de bord", "extraction", "« flash »")),
        ("Épuisement", "Fatigue, arrêts.", ("fatigue", "arrêt maladie", "angoisse")),
        ("Accueil des usagers", "", ("accueil", "guichet", "rendez-vous")),
    ]
    assert "parent: Conditions de travail" in (tmp_path / "nvivo.yaml").read_text(encoding="utf-8")
    assert codebook.load(str(path)) == refiqda.read_qdc(path)

    status, _, err = cli("codebook", "import", path)  # never replaces a YAML file unasked
    yaml = tmp_path / "nvivo.yaml"
    assert (status, err) == (1, f"Erreur : {yaml} existe déjà : indiquez un autre fichier avec --out.\n")


def test_training_accepts_an_imported_codebook(tiny: Workspace, tmp_path: Path) -> None:
    copy = Workspace(tmp_path / "copie")
    shutil.copytree(tiny.home, copy.home)
    path = tmp_path / "nvivo.qdc"
    path.write_text(NESTED_QDC, encoding="utf-8")
    train(copy, "mini", "guide", dataclasses.replace(TINY, codebook=str(path)))
    card = Registry(copy.models_dir).card("guide")
    assert card["codebook"]["source"] == "nvivo.qdc"
    assert [t["nom"] for t in card["codebook"]["themes"]] == [
        "Conditions de travail", "Reporting", "Épuisement", "Accueil des usagers"
    ]


BAD = {
    "pas-un-zip.qdpx": (b"ceci n'est pas un zip",
                        "pas-un-zip.qdpx : ce n'est pas une archive REFI-QDA (.qdpx) : le fichier n'est pas un zip "
                        "valide. Exportez à nouveau le projet depuis votre logiciel."),
    "vide.qdc": (b"", "vide.qdc, ligne 1 : XML mal formé : fichier vide."),
    "casse.qdc": (NESTED_QDC.replace("</Codes>", "</Code>").encode(),
                  "casse.qdc, ligne 18 : XML mal formé : balise « Code » fermée alors que « Codes » (ligne 3) est "
                  "ouverte."),
    "autre.qdc": (NESTED_QDC.replace("urn:QDA-XML:codebook:1.0", "urn:exemple:autre").encode(),
                  "autre.qdc, ligne 2 : élément racine « CodeBook » (espace de noms « urn:exemple:autre ») : un "
                  "codebook REFI-QDA commence par « CodeBook » dans l'espace de noms « urn:QDA-XML:codebook:1.0 »."),
    "invalide.qdc": (NESTED_QDC.replace(' isCodable="true" color="#FF0000"', "").encode(),
                     "invalide.qdc, ligne 6 : non conforme au schéma REFI-QDA (Codebook.xsd) : élément « Code » : "
                     "attribut obligatoire « isCodable » manquant."),
    "couleur.qdc": (NESTED_QDC.replace("#FF0000", "rouge").encode(),
                    "couleur.qdc, ligne 6 : non conforme au schéma REFI-QDA (Codebook.xsd) : élément « Code », "
                    "attribut « color » : valeur « rouge » au mauvais format."),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_codebook_files_give_the_line_and_reason_in_french(cli, tmp_path: Path, name: str) -> None:
    data, message = BAD[name]
    path = tmp_path / name
    path.write_bytes(data)
    status, out, err = cli("codebook", "import", path, "--out", tmp_path / "sortie.yaml")
    assert (status, out, err) == (1, "", f"Erreur : {message}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_project_without_project_qde_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "rien")
    with pytest.raises(refiqda.TextmineError, match=r"^p\.qdpx : l'archive ne contient pas de projet REFI-QDA"):
        refiqda.read_qdc(buffer.getvalue(), "p.qdpx")
    with pytest.raises(refiqda.TextmineError, match="élément racine « Project »"):
        refiqda.validate(b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>', "codebook")


def test_cli_exports_and_refuses_a_missing_folder(demo_copy: Workspace, cli, tmp_path: Path) -> None:
    for kind, extension in (("qdpx", "qdpx"), ("qdc", "qdc"), ("segments", "xlsx"), ("nvivo", "xlsx"),
                            ("maxqda", "xlsx")):
        out = tmp_path / f"demo-{kind}.{extension}"
        status, printed, err = cli("export", kind, "--model", "demo", "--out", out)
        assert status == 0, err
        assert f"du modèle « demo » : {out} (" in printed and out.stat().st_size > 0
        status, _, err = cli("export", kind, "--model", "demo", "--out", tmp_path / "absent" / f"x.{extension}")
        assert status == 1 and err == (f"Erreur : Le dossier {tmp_path / 'absent'} n'existe pas : créez-le ou "
                                       "choisissez un autre chemin.\n")
    project, _ = read_project((tmp_path / "demo-qdpx.qdpx").read_bytes())
    assert project.tag == f"{P}Project"
    status, _, err = cli("export", "qdc", "--model", "inconnu", "--out", tmp_path / "x.qdc")
    assert status == 1 and err.startswith("Erreur : ") and not (tmp_path / "x.qdc").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_notes_say_when_tone_or_stability_was_not_measured() -> None:
    row = {"label": "Accueil", "topic": 2, "segments": 12, "share": 0.25, "documents": 5, "stability": None,
           "score": None}
    text = refiqda.theme_text(row, {"sentiment_backend": None})
    assert text.splitlines() == [
        "Thème « Accueil » (n° 2) : 12 segments (25,0\u202f%), thème principal de 5 documents.",
        "Stabilité : non mesurée (entraînement sans mesure de stabilité).",
        "Ton : non mesuré (modèle entraîné sans analyse du ton).",
    ]
    row.update(stability=0.82, score=-0.25, negatif=0.5, neutre=0.25, positif=0.25)
    lines = refiqda.theme_text(row, {"sentiment_backend": "lexique.v1"}).splitlines()
    assert lines[1].startswith("Stabilité : 82\u202f% (stable)")
    assert lines[2] == ("Ton moyen : \u22120,25 (de −1 à +1) ; "
                        "négatif 50,0\u202f%, neutre 25,0\u202f%, positif 25,0\u202f%.")
