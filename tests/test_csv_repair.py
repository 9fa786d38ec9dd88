"""A separator left unquoted inside the text of a hand-made CSV: repaired, or refused with what to fix."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from textmine.errors import CorpusFormatError, TextmineError
from textmine.ingest import ingest
from textmine.ingest.delimited import read_delimited
from textmine.store import Store

HEADER = "identifiant;date;organisme;verbatim;note"
# Fictional answers to an open question; none holds the separator.
ANSWERS = [
    "Le contact avec les allocataires reste ce qui donne du sens à mes journées.",
    "On passe plus de temps à renseigner des indicateurs qu'à traiter les demandes.",
    "Notre équipe s'est soudée pendant la réorganisation, et cela compte beaucoup.",
    "Les consignes changent sans arrêt et personne ne prend le temps de les expliquer.",
    "Je découvre chaque mois un nouvel outil, sans formation digne de ce nom.",
    "L'accueil sur rendez-vous a rendu les échanges avec le public plus sereins.",
    "Les arrêts maladie ne sont pas remplacés, alors les dossiers s'accumulent.",
    "Ma responsable défend nos conditions de travail auprès de la direction.",
    "Le télétravail deux jours par semaine m'a rendu du temps pour ma famille.",
    "Les usagers arrivent plus tendus qu'avant, et nous manquons de soutien.",
    "On nous demande d'être polyvalents sans jamais reconnaître cet effort.",
    "La dématérialisation a exclu les personnes âgées qui ne savent pas s'en servir.",
    "Je reste dans ce métier pour les collègues bien plus que pour le salaire.",
    "Les objectifs chiffrés arrivent d'en haut sans tenir compte du terrain.",
]
# The same kind of answer, typed by hand with a semicolon inside.
BROKEN = {
    6: "Les dossiers simples partent à la machine ; il ne nous reste que les situations lourdes.",
    14: "On a fermé deux accueils ; les usagers font maintenant quarante kilomètres ; c'est injuste.",
}
ORGANISMES = ["CAF", "CPAM", "Urssaf", "MSA"]


def answer(line: int, broken: bool) -> str:
    """The text of a line; a broken one holds « ; » unquoted."""
    if broken and line in BROKEN:
        return BROKEN[line]
    text = ANSWERS[(line - 2) % len(ANSWERS)].rstrip(".")
    return f"{text} ; réponse {line}." if broken else f"{text} (réponse {line})."


def survey(path: Path, broken: tuple[int, ...] | range, rows: int = len(ANSWERS)) -> dict[int, str]:
    """Write the survey as a hand export would: cp1252, « ; », no quotes. Returns line -> text."""
    texts, lines = {}, [HEADER]
    for line in range(2, rows + 2):
        text = texts[line] = answer(line, line in broken)
        fields = [f"Q{line:04d}", f"{line % 28 + 1:02d}/03/2024", ORGANISMES[line % 4], text, str(line % 5 + 1)]
        lines.append(";".join(fields))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252", newline="")
    return texts


def snapshot(db: Path) -> list[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return [(t, conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()) for t in tables]


def by_line(store: Store) -> dict[int, dict]:
    return {d["position"]: d for d in store.documents("c")}


@pytest.mark.parametrize(
    ("broken", "summary"),
    [
        ((6,), "Lignes réparées (séparateur dans le texte, sans guillemets) : 1 (ligne 6)."),
        ((6, 14), "Lignes réparées (séparateur dans le texte, sans guillemets) : 2 (lignes 6, 14)."),
    ],
)
def test_broken_rows_are_rebuilt_and_listed(tmp_path: Path, broken: tuple[int, ...], summary: str) -> None:
    path = tmp_path / "enquete.csv"
    texts = survey(path, broken)
    store = Store(tmp_path / "ws.sqlite")
    report = ingest(store, [path], "c")
    docs = by_line(store)
    assert report.added == len(ANSWERS)
    assert {line: d["text"] for line, d in docs.items()} == texts
    for line in broken:
        assert docs[line]["metadata"] == {
            "identifiant": f"Q{line:04d}", "date": f"2024-03-{line % 28 + 1:02d}",
            "organisme": ORGANISMES[line % 4], "note": line % 5 + 1,
        }
    assert report.files[0].text_column == "verbatim"
    assert summary in report.summary_lines()
    assert "  enquete.csv (CSV, colonne du texte « verbatim ») : 14 lus, 14 ajoutés." in report.summary_lines()


def test_text_in_the_middle_takes_metadata_after_it_from_the_right(tmp_path: Path) -> None:
    path = tmp_path / "avis.csv"
    path.write_text(
        "num;champ_libre;service;annee\n"
        "1;Rien de particulier à signaler cette année.;accueil;2022\n"
        "2;Trop de tableaux de bord ; trop peu de temps ; trop de pression.;contentieux;2023\n"
        "3;L'ambiance du service s'est nettement améliorée.;recouvrement;2023\n"
        "4;Les formations arrivent toujours après les changements d'outils.;accueil;2024\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "ws.sqlite")
    report = ingest(store, [path], "c", text_column="champ_libre")
    doc = by_line(store)[3]
    assert doc["text"] == "Trop de tableaux de bord ; trop peu de temps ; trop de pression."
    assert doc["metadata"] == {"num": 2, "service": "contentieux", "annee": 2023}
    assert report.files[0].repaired_lines == [3]


def test_rows_after_the_sample_are_repaired_too(tmp_path: Path) -> None:
    path = tmp_path / "enquete.csv"
    texts = survey(path, (500,), rows=600)
    store = Store(tmp_path / "ws.sqlite")
    report = ingest(store, [path], "c")
    assert by_line(store)[500]["text"] == texts[500]
    assert texts[500].endswith(" pour ma famille ; réponse 500.")
    assert report.files[0].repaired_lines == [500]


def test_many_repaired_lines_are_shown_up_to_ten(tmp_path: Path) -> None:
    path = tmp_path / "enquete.csv"
    survey(path, range(4, 16), rows=15)  # well-formed: lines 2, 3 and 16
    report = ingest(Store(tmp_path / "ws.sqlite"), [path], "c")
    assert report.summary_lines()[2] == (
        "Lignes réparées (séparateur dans le texte, sans guillemets) : 12 "
        "(lignes 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, …)."
    )


SECOND_FREE_TEXT = (
    "identifiant;verbatim;suggestion;note\n"
    + "".join(
        f"Q{i};{ANSWERS[i]};Le questionnaire était trop long pour être rempli au guichet.;{i % 5}\n"
        for i in range(5)
    )
    + "Q5;Plus de dossiers ; moins de collègues.;Rien à ajouter de plus que ce que j'ai écrit.;2\n"
)
SEPARATOR_IN_METADATA = (
    "identifiant;verbatim;organisme;note\n"
    'Q0;Les outils changent trop souvent.;"CAF; site de Nanterre";3\n'
    "Q1;On manque de temps pour bien accueillir.;CPAM;2\n"
    "Q2;Le collectif tient encore, pour l'instant.;MSA;4\n"
    "Q3;Trop de reporting ; pas assez de terrain.;CAF;1\n"
)
REFUSED = {
    "second free-text column": (
        SECOND_FREE_TEXT,
        "avis.csv, ligne 7 : 5 champs au lieu de 4 (séparateur « ; »). Réparation impossible : le séparateur "
        "en trop peut venir de « verbatim » comme de « suggestion », qui contient aussi du texte libre. "
        "Mettez ces textes entre guillemets, ou enregistrez de nouveau le fichier en CSV depuis votre tableur.",
    ),
    "separator quoted in another column": (
        SEPARATOR_IN_METADATA,
        "avis.csv, ligne 5 : 5 champs au lieu de 4 (séparateur « ; »). Réparation impossible : le séparateur "
        "en trop peut venir de « verbatim » comme de « organisme », qui contient aussi du texte libre. "
        "Mettez ces textes entre guillemets, ou enregistrez de nouveau le fichier en CSV depuis votre tableur.",
    ),
    "too few fields": (
        "identifiant;date;organisme;verbatim;note\n"
        "Q1;02/03/2024;CAF;Les délais de traitement s'allongent encore.;3\n"
        "Q2;02/03/2024;Le public ne comprend plus nos courriers automatiques.;2\n",
        "avis.csv, ligne 3 : 4 champs au lieu de 5 (séparateur « ; »). Il manque un séparateur ou une "
        "valeur : complétez la ligne pour qu'elle ait un champ par colonne de l'en-tête (un champ vide suffit).",
    ),
    "text column not decidable": (
        "code;avis;precision\n"
        + "".join(f"A{i};{ANSWERS[i]};{ANSWERS[-1 - i]}\n" for i in range(4))
        + "A9;Un texte ; coupé en deux.;Un autre texte tout aussi long que le premier.\n",
        "avis.csv : impossible de deviner la colonne du texte. Colonnes présentes : code, avis, precision. "
        "Indiquez-la avec --text-column.",
    ),
    "too few well-formed rows to judge": (
        "identifiant;verbatim;note\nQ1;Un texte ; coupé en deux.;3\nQ2;Un texte entier.;2\n",
        "avis.csv, enregistrement 2 : 4 champs au lieu de 3 (séparateur « ; »). Vérifiez les guillemets "
        "autour des textes qui contiennent le séparateur.",
    ),
}


@pytest.mark.parametrize(("content", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_ambiguous_rows_are_refused_and_nothing_is_stored(tmp_path: Path, content: str, message: str) -> None:
    store = Store(tmp_path / "ws.sqlite")
    good = tmp_path / "autre.csv"
    survey(good, (6,))
    ingest(store, [good], "c")
    before = snapshot(store.path)
    path = tmp_path / "avis.csv"
    path.write_text(content, encoding="cp1252")
    with pytest.raises(TextmineError) as error:
        ingest(store, [path], "c")
    assert str(error.value) == message
    assert snapshot(store.path) == before


def test_readers_that_do_not_repair_still_refuse(tmp_path: Path) -> None:
    path = tmp_path / "enquete.csv"
    survey(path, (6,))
    with pytest.raises(CorpusFormatError, match=r"^enquete.csv, enregistrement 6 : 6 champs au lieu de 5 "):
        list(read_delimited(path).rows)


def test_cli_prints_the_repaired_lines(cli, tmp_path: Path) -> None:
    path = tmp_path / "enquete.csv"
    survey(path, (6, 14))
    status, out, err = cli("ingest", path, "--corpus", "enquete")
    assert (status, err) == (0, "")
    assert out.splitlines()[:3] == [
        "Corpus « enquete » : 14 documents ajoutés.",
        "  enquete.csv (CSV, colonne du texte « verbatim ») : 14 lus, 14 ajoutés.",
        "Lignes réparées (séparateur dans le texte, sans guillemets) : 2 (lignes 6, 14).",
    ]
