"""Pseudonymisation of people whose given name is also a common word (« Claire », « Rose », « Pierre »)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from textmine.quotes.citations import fold
from textmine.quotes.pseudonymise import Pseudonymiser, given_names, word_names

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def with_ner() -> Pseudonymiser:
    return Pseudonymiser()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Notre manageuse, Claire Vasseur-Roux, passe ses journées en réunion.",
            "Notre manageuse, [Personne 1], passe ses journées en réunion.",
        ),
        (
            "Depuis que Pierre Martin-Dubois a quitté la plateforme de la CPAM, personne ne rappelle.",
            "Depuis que [Personne 1] a quitté la plateforme de la CPAM, personne ne rappelle.",
        ),
        (
            "Rose Le Goff, conseillère à la CAF, m'a aidée ; Mme Rose Le Goff est partie depuis.",
            "[Personne 1], conseillère à la CAF, m'a aidée ; [Personne 1] est partie depuis.",
        ),
        (
            "Olive de La Tour et Pascal d'Albret, de la Carsat, ont vu Germain van der Berg et Aimé Du Pont.",
            "[Personne 1] et [Personne 2], de la Carsat, ont vu [Personne 3] et [Personne 4].",
        ),
        (
            "J'ai revu Claire VASSEUR à l'accueil de la CPAM, puis Pascal MARTIN au téléphone.",
            "J'ai revu [Personne 1] à l'accueil de la CPAM, puis [Personne 2] au téléphone.",
        ),
        (
            "Pierre-Olivier Caron et Marie-Claire Dumont ont animé l'atelier de l'Urssaf.",
            "[Personne 1] et [Personne 2] ont animé l'atelier de l'Urssaf.",
        ),
        (
            "Notre cheffe, Céleste Ben Amar, a écrit à Rose N'Diaye et à Marine Da Silva Santos.",
            "Notre cheffe, [Personne 1], a écrit à [Personne 2] et à [Personne 3].",
        ),
    ],
)
def test_common_word_given_names_with_a_family_name_are_one_person(text: str, expected: str) -> None:
    assert Pseudonymiser(use_ner=False).replace(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Une consigne claire aurait évité des semaines d'allers-retours avec la CPAM.",
        "La pierre posée devant l'entrée de l'agence gêne les fauteuils roulants.",
        "Rose pâle ou saumon, les affiches de la campagne ne se voient pas dans le hall.",
        "Pierre angulaire du dispositif, l'accueil sur rendez-vous a perdu deux agents.",
        "Pierre Angulaire Du Dispositif : Accueil Sur Rendez-Vous",
        "Prudence : les attestations de la Caisse d'Allocations Familiales ne sont plus envoyées.",
        "Victoire pour les agents : la direction garde l'antenne de l'Urssaf Île-de-France.",
        "Victoire CGT aux élections professionnelles de la Carsat, et Prudence RGPD pour les fichiers.",
        "Avec un franc succès, la journée portes ouvertes de la MSA a accueilli trois cents assurés.",
        "J'ai été mutée à Saint-Germain-en-Laye, puis à Saint Germain dans l'Ain.",
        "Le lycée Aimé Césaire et le centre social Pierre Sémard accueillent une permanence de la CAF.",
        "La Pierre de Rosette orne le calendrier ; nos vieux programmes sont écrits en Pascal.",
        "Joyeux Noël à toute l'équipe de la Carsat Bretagne ; Noël approche et rien n'est versé.",
        "Maxime du service : un dossier traité vaut mieux que deux en attente.",
    ],
)
def test_the_same_words_alone_stay(text: str, with_ner: Pseudonymiser) -> None:
    assert Pseudonymiser(use_ner=False).replace(text) == text
    assert with_ner.replace(text) == text


def test_the_issue_sentence_with_spacy() -> None:
    text = "Notre manageuse, Claire Vasseur-Roux, passe ses journées en comité de pilotage."
    assert Pseudonymiser().replace(text) == "Notre manageuse, [Personne 1], passe ses journées en comité de pilotage."


def test_the_same_person_keeps_one_placeholder_through_an_export(cli, tmp_path: Path) -> None:
    source = tmp_path / "verbatims.csv"
    rows = [
        "Claire Vasseur-Roux a encore annulé le point d'équipe.",
        "Mme Vasseur-Roux dit qu'elle n'a pas le temps ; Rose Le Goff non plus.",
        "Réponse de Claire VASSEUR-ROUX : une eau claire et la pierre du hall.",
    ]
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id", "texte"], *[[str(i), text] for i, text in enumerate(rows)]])
    status, out, _ = cli("pseudonymise", source, "--text-column", "texte", "--out", tmp_path / "net.csv")
    assert status == 0 and "3 lignes pseudonymisées (2 personne)" in out
    with (tmp_path / "net.csv").open(encoding="utf-8", newline="") as handle:
        assert [row["texte"] for row in csv.DictReader(handle)] == [
            "[Personne 1] a encore annulé le point d'équipe.",
            "[Personne 1] dit qu'elle n'a pas le temps ; [Personne 2] non plus.",
            "Réponse de [Personne 1] : une eau claire et la pierre du hall.",
        ]


def test_common_word_given_names_are_listed_apart() -> None:
    assert {"claire", "rose", "pierre", "pascal", "germain", "aime"} <= word_names()
    assert not word_names() & given_names()
    assert {"aurelie", "karim", "sylvie"} <= given_names()


def test_the_test_set_holds_common_word_names_alone_and_with_a_family_name() -> None:
    rows = [json.loads(line) for line in (DATA / "pseudonymisation.jsonl").read_text(encoding="utf-8").splitlines()]

    def named_with_a_common_word(row: dict) -> bool:
        return any(fold(e["text"].split()[0].split("-")[0]) in word_names() for e in row["entities"])

    def holds_a_common_word(row: dict) -> bool:
        return any(fold(word.strip(",.:;")) in word_names() for word in row["text"].split())

    assert sum(map(named_with_a_common_word, rows)) >= 25
    assert sum(not row["entities"] and holds_a_common_word(row) for row in rows) >= 25
