"""A small fictional corpus for the lexicometry tests: 18 answers, three organisations, one constant column."""

from __future__ import annotations

import csv
from pathlib import Path

from textmine.ingest.core import ingest
from textmine.workspace import Workspace

HEADER = ["id", "texte", "organisme", "annee", "source", "agent"]
ANSWERS = [
    ("CAF", "Les dossiers s'accumulent. Le reporting prend tout notre temps. Les indicateurs décident à notre place."),
    ("CAF", "Le reporting chaque semaine épuise l'équipe. Les indicateurs ne disent rien du travail réel."),
    ("CAF", "On remplit des tableaux pour le reporting. Les dossiers attendent et les allocataires aussi."),
    ("CAF", "Les indicateurs montent, le sens du travail descend. Le reporting devient le métier."),
    ("CAF", "Trop de reporting, trop d'indicateurs. Les dossiers complexes restent en attente."),
    ("CAF", "Les allocataires appellent, les dossiers débordent, le reporting continue."),
    ("CPAM", "L'équipe tient grâce au collectif. Les collègues s'entraident chaque jour."),
    ("CPAM", "Le collectif soutient les nouveaux. L'équipe partage les dossiers difficiles."),
    ("CPAM", "Sans le collectif, l'équipe ne tiendrait pas. Les collègues restent solidaires."),
    ("CPAM", "Les collègues se parlent, le collectif protège. L'équipe garde le sens du métier."),
    ("CPAM", "Le collectif de travail reste fort. Les collègues aident les assurés au guichet."),
    ("CPAM", "L'équipe accueille les assurés. Le collectif absorbe la charge quand un collègue manque."),
    ("Urssaf", "La machine traite les dossiers simples. Les outils numériques changent le métier."),
    ("Urssaf", "Les outils numériques automatisent le contrôle. La machine décide souvent seule."),
    ("Urssaf", "Le logiciel plante, les outils numériques ralentissent tout. Les cotisants attendent."),
    ("Urssaf", "La machine traite vite mais les outils numériques oublient les cas particuliers."),
    ("Urssaf", "Avec les outils numériques, le métier perd son contact avec les cotisants."),
    ("Urssaf", "La machine prend les dossiers simples, il reste les cas lourds et le logiciel."),
]


def rows() -> list[list[str]]:
    return [[f"R{i}", text, org, str(2021 + i % 3), "enquête", f"agent-{i}"]
            for i, (org, text) in enumerate(ANSWERS, 1)]


def write(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows())
    return path


def build(home: Path, corpus: str = "petit") -> Workspace:
    """A workspace at ``home`` with the corpus ingested (ids in the « id » column)."""
    workspace = Workspace(home)
    home.mkdir(parents=True, exist_ok=True)
    ingest(workspace.open_store(), [write(home.parent / f"{corpus}.csv")], corpus, id_column="id")
    return workspace


_DEMO_TOKENS: dict = {}


def demo_tokens(workspace: Workspace):
    """Tokens of the demo corpus, computed once per test session without writing into the demo workspace."""
    from textmine.lexicometry.tokens import _tokenise

    key = str(workspace.home)
    if key not in _DEMO_TOKENS:
        store = workspace.open_store()
        try:
            documents = [(d, text, sentences) for d, text, boiler, _, sentences
                         in store.analysed_documents("demo") if not boiler]
        finally:
            store.close()
        _DEMO_TOKENS[key] = _tokenise(documents, None)
    return _DEMO_TOKENS[key].copy()
