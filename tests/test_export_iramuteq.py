"""IRaMuTeQ export: **** lines, normalised modalities, *theme_N and *classe_N, round trip through the import."""

from __future__ import annotations

import pandas as pd
import pytest
from lexicometry_corpus import build

from textmine.errors import NotFoundError, TextmineError
from textmine.exchange.iramuteq import header, iramuteq_bytes, modality, variable_name
from textmine.ingest.core import ingest
from textmine.lexicometry.runs import save_run


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return build(tmp_path_factory.mktemp("iramuteq") / "espace")


def test_names_and_modalities_are_normalised():
    assert variable_name("Code postal") == "codepostal" and variable_name("type_contrat") == "typecontrat"
    assert modality("cadre de proximité") == "cadre_de_proximité"
    assert modality(" a*b  c ") == "a_b_c" and modality("2021") == "2021"
    line = header({"organisme": "CAF", "vide": "", "rien": None, "fonction": "cadre de proximité",
                   "original_id": "R1", "theme": "ancien"}, {"theme": "3"})
    assert line == "**** *organisme_CAF *fonction_cadre_de_proximité *theme_3"


def test_round_trip_through_the_iramuteq_import(small, tmp_path):
    data = iramuteq_bytes(small, "petit")
    text = data.decode("utf-8")
    assert text.startswith("**** *organisme_CAF *annee_") and text.count("\n**** ") == 17
    path = tmp_path / "export.txt"
    path.write_bytes(data)
    store = small.open_store()
    ingest(store, [path], "retour")
    before = list(store.documents("petit"))
    after = list(store.documents("retour"))
    assert [d["text"] for d in after] == [d["text"] for d in before]
    for old, new in zip(before, after):
        expected = {**old["metadata"], "agent": old["metadata"]["agent"].replace("-", " ")}  # « - » is not allowed
        assert new["metadata"] == expected


def test_text_lines_that_look_like_commands_do_not_split_a_text(tmp_path):
    from textmine.workspace import Workspace

    source = tmp_path / "c.csv"
    source.write_text('id,texte,org\n1,"Premier.\n**** pas une ligne de variables\n-*pas un thème",A\n2,Second.,B\n',
                      encoding="utf-8")
    workspace = Workspace(tmp_path / "ws")
    workspace.home.mkdir()
    ingest(workspace.open_store(), [source], "c")
    data = iramuteq_bytes(workspace, "c").decode("utf-8")
    assert data.count("****") == 2 and "\npas une ligne de variables\npas un thème\n" in data


def test_themes_of_a_model(demo_workspace, tmp_path):
    from textmine.themes.model import TrainedModel
    from textmine.themes.registry import Registry

    data = iramuteq_bytes(demo_workspace, "demo", model="demo").decode("utf-8")
    headers = [line for line in data.splitlines() if line.startswith("**** ")]
    model = TrainedModel.load(Registry(demo_workspace.models_dir), "demo")
    main = dict(zip(model.documents()["document_id"], model.documents()["topic"]))
    ids = list(demo_workspace.open_store().document_metadata("demo"))
    assert len(headers) == len(ids)
    for doc, line in zip(ids, headers):
        theme = [s for s in line.split() if s.startswith("*theme_")]
        assert len(theme) == 1
        expected = main.get(doc, -1)
        assert theme[0] == ("*theme_aucun" if expected == -1 else f"*theme_{expected}")
    with pytest.raises(TextmineError, match="pas les deux"):
        iramuteq_bytes(demo_workspace, "demo", model="demo", reinert="x")


def test_classes_of_a_reinert_run(small):
    ids = list(small.open_store().document_metadata("petit"))

    def write(folder):
        pd.DataFrame({"document_id": ids[:-1], "classe": [1 + i % 3 for i in range(len(ids) - 1)]}).to_csv(
            folder / "documents.csv", index=False)

    save_run(small, "reinert", "cl", "petit", {"k": 3}, ["textmine", "reinert"], write, replace=True)
    lines = [line for line in iramuteq_bytes(small, "petit", reinert="cl").decode().splitlines()
             if line.startswith("****")]
    assert lines[0].endswith("*classe_1") and lines[1].endswith("*classe_2") and lines[-1].endswith("*classe_0")
    with pytest.raises(NotFoundError, match="introuvable"):
        iramuteq_bytes(small, "petit", reinert="absente")


def test_cli_export(small, cli, monkeypatch, tmp_path):
    monkeypatch.setenv("TEXTMINE_HOME", str(small.home))
    out = tmp_path / "corpus.txt"
    status, stdout, err = cli("export", "iramuteq", "--corpus", "petit", "--out", out)
    assert status == 0, err
    assert stdout == f"Corpus IRaMuTeQ « petit » : 18 textes écrits dans {out}.\n"
    assert out.read_bytes() == iramuteq_bytes(small, "petit")
    status, _, err = cli("export", "iramuteq", "--corpus", "absent", "--out", tmp_path / "x.txt")
    assert status == 1 and err.startswith("Erreur : ") and not (tmp_path / "x.txt").exists()
    status, _, err = cli("export", "iramuteq", "--corpus", "petit", "--out", tmp_path / "non" / "x.txt")
    assert status == 1 and "n'existe pas" in err
    status, _, err = cli("export", "iramuteq", "--corpus", "petit", "--model", "m", "--reinert", "r", "--out", out)
    assert status == 2 and "incompatible" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.txt"]
