"""The ``textmine`` command: exact French output, one-line errors, nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures import write_csv, write_pdf
from test_ingest import snapshot

from textmine.cli import build_parser


def test_ingest_and_corpora_through_the_installed_command(real_cli, tmp_path: Path, workspace) -> None:
    path = write_csv(tmp_path / "réponses.csv")
    result = real_cli("ingest", path, "--corpus", "enquete", "--id-column", "id", "--meta", "source=enquête")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Corpus « enquete » : 3 documents ajoutés.",
        "  réponses.csv (CSV, colonne du texte « texte ») : 3 lus, 3 ajoutés.",
        "Métadonnées : organisme (texte), annee (entier), source (texte).",
    ]
    assert workspace.db_path.exists()
    result = real_cli("corpora")
    assert result.stdout.splitlines() == [
        "corpus   documents  sans contenu  fichiers  métadonnées",
        "enquete          3             0         1  organisme, annee, source",
    ]


def test_corpora_json(cli, tmp_path: Path) -> None:
    cli("ingest", write_csv(tmp_path / "r.csv"), "--corpus", "c")
    status, out, _ = cli("corpora", "--format", "json")
    (corpus,) = json.loads(out)
    assert status == 0
    assert (corpus["name"], corpus["documents"], corpus["columns"]["annee"]) == ("c", 3, "entier")


def test_corpora_on_an_empty_workspace(cli) -> None:
    assert cli("corpora")[1] == (
        "Aucun corpus dans cet espace de travail. Importez des fichiers avec « textmine ingest ».\n"
    )


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def _scanned_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 100, 100)  # a drawing, no text: what a scanner produces
    pdf.output(str(path))
    return path


def _empty_xlsx(path: Path) -> Path:
    import openpyxl

    openpyxl.Workbook().save(path)
    return path


BAD_INPUTS = {
    "missing file": (lambda d: d / "absent.csv", [],
                     "Fichier ou dossier introuvable : {d}/absent.csv."),
    "unsupported extension": (lambda d: _write(d / "notes.odt", "x"), [],
                              "notes.odt : format .odt non pris en charge, enregistrez-le au format .docx depuis votre traitement de texte."),
    "unknown extension": (lambda d: _write(d / "data.xyz", "x"), [],
                          "data.xyz : format « .xyz » non pris en charge. Formats acceptés : CSV, TSV, TXT, IRaMuTeQ (.txt), XLSX, DOCX, PDF, JSONL."),
    "empty file": (lambda d: _write(d / "vide.csv", ""), [], "vide.csv est vide : aucun document à importer."),
    "header only": (lambda d: _write(d / "entete.csv", "texte,org\n"), [], None),
    "binary renamed csv": (lambda d: _sparse(d / "binaire.csv", 4096), [],
                           "binaire.csv devrait être un fichier texte CSV mais c'est un fichier binaire : vérifiez le fichier ou son extension."),
    "xlsx renamed csv": (lambda d: _empty_xlsx(d / "classeur.csv"), [],
                         "classeur.csv devrait être un fichier texte CSV mais c'est une archive ZIP ou un fichier Office (XLSX, DOCX ?) : vérifiez le fichier ou son extension."),
    "malformed quoting": (lambda d: _write(d / "q.csv", 'texte,org\n"Un texte "mal" cité",CAF\n'), [],
                          "q.csv, ligne 2 : CSV mal formé (guillemet suivi d'autre chose que le séparateur). Vérifiez les guillemets autour des textes."),
    "unclosed quote": (lambda d: _write(d / "q.csv", 'texte,org\n"Un texte jamais fermé,CAF\nautre,CAF\n'), [],
                       "q.csv, ligne 3 : CSV mal formé (guillemet ouvert jamais refermé). Vérifiez les guillemets autour des textes."),
    "too many fields": (lambda d: _write(d / "q.csv", "texte,org\nUn, deux,CAF\n"), [],
                        "q.csv, enregistrement 2 : 3 champs au lieu de 2 (séparateur « , »). Vérifiez les guillemets autour des textes qui contiennent le séparateur."),
    "unknown text column": (lambda d: write_csv(d / "r.csv"), ["--text-column", "verbatim"],
                            "r.csv : colonne « verbatim » introuvable. Colonnes présentes : id, texte, organisme, annee. Corrigez --text-column."),
    "unknown id column": (lambda d: write_csv(d / "r.csv"), ["--id-column", "ident"],
                          "r.csv : colonne « ident » introuvable. Colonnes présentes : id, texte, organisme, annee. Corrigez --id-column."),
    "ambiguous text column": (lambda d: _write(d / "r.csv", "a,b\n1,2\n3,4\n"), [],
                              "r.csv : impossible de deviner la colonne du texte. Colonnes présentes : a, b. Indiquez-la avec --text-column."),
    "xlsx with no rows": (lambda d: _empty_xlsx(d / "vide.xlsx"), [], "vide.xlsx : la feuille « Sheet » est vide."),
    "unknown sheet": (lambda d: _empty_xlsx(d / "c.xlsx"), ["--sheet", "Réponses"],
                      "c.xlsx : feuille « Réponses » introuvable. Feuilles du classeur : Sheet."),
    "scanned pdf": (lambda d: _scanned_pdf(d / "scan.pdf"), [],
                    "scan.pdf n'a pas de couche texte (PDF numérisé ?) : une reconnaissance de caractères (OCR) est nécessaire, par exemple avec ocrmypdf, avant l'import."),
    "corrupt pdf": (lambda d: _write(d / "faux.pdf", "%PDF-1.4 tronqué"), [], None),
    "corrupt docx": (lambda d: _write(d / "faux.docx", "pas un docx"), [],
                     "faux.docx n'est pas un document DOCX lisible : ouvrez-le dans votre traitement de texte et enregistrez-le au format .docx."),
    "invalid jsonl": (lambda d: _write(d / "r.jsonl", '{"texte": "ok"}\n{"texte": \n'), [],
                      "r.jsonl, ligne 2 : JSON invalide (Expecting value, colonne 10). Chaque ligne doit être un objet JSON complet."),
    "1 GB sparse csv": (lambda d: _sparse(d / "enorme.csv", 1 << 30), [],
                        "enorme.csv devrait être un fichier texte CSV mais c'est un fichier binaire : vérifiez le fichier ou son extension."),
    "1 GB text file": (lambda d: _write_big_text(d / "enorme.txt"), [],
                       "enorme.txt dépasse 50 Mo, trop pour un seul document : découpez-le en plusieurs fichiers, ou utilisez le format IRaMuTeQ (lignes ****) ou un CSV."),
    "text before iramuteq header": (lambda d: _write(d / "i.txt", "****\nTexte\n"), [], None),
    "sheet on a csv": (lambda d: write_csv(d / "r.csv"), ["--sheet", "1"],
                       "--sheet ne s'applique qu'aux classeurs XLSX, pas à r.csv."),
    "empty folder": (lambda d: (d / "vide").mkdir() or d / "vide", [], None),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _write_big_text(path: Path) -> Path:
    with path.open("wb") as handle:
        handle.write(b"Un texte. ")
        handle.truncate(1 << 30)  # sparse: 1 GB announced, nothing written
    return path


@pytest.mark.parametrize("case", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_gives_one_french_line_and_changes_nothing(cli, workspace, tmp_path: Path, case) -> None:
    make, options, expected = case
    data = tmp_path / "data"
    data.mkdir()
    assert cli("ingest", _write(data / "deja.csv", "texte\nUn texte déjà là.\n"), "--corpus", "c")[0] == 0
    before = snapshot(workspace.db_path)
    status, out, err = cli("ingest", make(data), "--corpus", "c", *options)
    if expected is None and status == 0:
        return  # a correct, empty result is an acceptable answer (checked below for some)
    assert status == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("Erreur : ") and "Traceback" not in err
    if expected:
        assert err == "Erreur : " + expected.format(d=data) + "\n"
    assert snapshot(workspace.db_path) == before


def test_header_only_file_adds_nothing_and_says_so(cli, tmp_path: Path) -> None:
    status, out, _ = cli("ingest", _write(tmp_path / "e.csv", "texte,org\n"), "--corpus", "c")
    assert status == 0
    assert out.splitlines()[0] == "Corpus « c » : 0 document ajouté."


@pytest.mark.parametrize("name", ["../evil", "a/b", "", "a b", ".cache", "x" * 64])
def test_corpus_names_with_path_characters_are_refused(cli, tmp_path: Path, name: str) -> None:
    status, _, err = cli("ingest", write_csv(tmp_path / "r.csv"), "--corpus", name)
    assert status == 1
    assert err.startswith(f"Erreur : Nom de corpus invalide : « {name} ».")


def test_usage_errors_are_french_and_one_line(cli) -> None:
    status, _, err = cli("ingest")
    assert status == 2
    assert err == "Erreur : arguments obligatoires manquants : CHEMIN, --corpus (voir « textmine ingest --help »).\n"
    status, _, err = cli("corpora", "--format", "xml")
    assert err == ("Erreur : argument --format : choix invalide 'xml' (choix possibles : 'table', 'json') "
                   "(voir « textmine corpora --help »).\n")


def test_workspace_that_is_not_a_database(cli, workspace, tmp_path: Path) -> None:
    workspace.home.mkdir(parents=True)
    workspace.db_path.write_text("ceci n'est pas une base")
    status, _, err = cli("corpora")
    assert status == 1
    assert err == f"Erreur : {workspace.db_path} n'est pas une base textmine valide (fichier endommagé ou d'un autre logiciel).\n"


def test_every_command_has_french_help() -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse has no public API
    assert {"ingest", "corpora", "demo"} <= set(commands)
    for name, sub in commands.items():
        text = sub.format_help()
        assert text.startswith(f"utilisation : textmine {name}"), name
        assert sub.description, name
        assert "show this help" not in text and "usage:" not in text


def test_pdf_through_the_cli_reports_pages(cli, tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "rapport.pdf", ["Page un du rapport.", "Page deux du rapport."])
    status, out, _ = cli("ingest", path, "--corpus", "rapports")
    assert status == 0
    assert "  rapport.pdf (PDF) : 1 lu, 1 ajouté." in out.splitlines()


def test_app_command_serves_the_app(real_cli, workspace, tmp_path: Path) -> None:
    import socket
    import subprocess
    import time
    import urllib.request

    from conftest import textmine_executable

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([textmine_executable(), "app", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    assert r.read() == b"ok"
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the app did not start within 60 s"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_app_command_refuses_a_bad_port(cli) -> None:
    status, _, err = cli("app", "--port", "70000")
    assert status == 2
    assert err == "Erreur : argument --port : port invalide « 70000 » (de 1 à 65535) (voir « textmine app --help »).\n"


def test_meta_option_must_be_key_value(cli, tmp_path: Path) -> None:
    status, _, err = cli("ingest", write_csv(tmp_path / "r.csv"), "--corpus", "c", "--meta", "source")
    assert status == 2
    assert err.startswith("Erreur : argument --meta : « source » n'est pas de la forme clé=valeur")
