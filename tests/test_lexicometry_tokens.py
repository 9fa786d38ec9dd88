"""Word tokens for lexicometry: columns, offsets, sentences, lemmas, the disk cache, active forms."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from textmine.errors import NotFoundError, TextmineError
from textmine.ingest.core import ingest
from textmine.lexicometry.tokens import ACTIVE_POS, COLUMNS, active_forms, cache_path, corpus_tokens
from textmine.workspace import Workspace

TEXTS = [
    ("1", "L’équipe est à bout. On ne fait plus que du reporting, 35 dossiers par jour !", "CPAM"),
    ("2", "Qu'il pleuve ou non, Marie travaille chez nous depuis 2010. Le métier s’efface.", "CAF"),
    ("3", "R.A.S.", "CAF"),
]


def write_corpus(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "texte", "organisme"])
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Workspace, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("tokens")
    workspace = Workspace(folder / "espace")
    ingest(workspace.open_store(), [write_corpus(folder / "t.csv", TEXTS)], "c")
    return workspace, corpus_tokens(workspace, "c")


def test_columns_and_types(small):
    _, tokens = small
    assert list(tokens.columns) == COLUMNS
    assert tokens["document_id"].dtype == "int64" and tokens["start"].dtype == "int64"


def test_offsets_point_at_the_words(small):
    workspace, tokens = small
    texts = workspace.open_store().document_texts("c")
    for row in tokens.itertuples():
        written = texts[row.document_id][row.start : row.end].lower().replace("’", "'")
        assert written == row.form


def test_punctuation_is_not_a_token_and_boilerplate_has_none(small):
    workspace, tokens = small
    assert not tokens["form"].isin([".", ",", "!", "'"]).any()
    store = workspace.open_store()
    boiler = [d["id"] for d in store.documents("c") if d["boilerplate"]]
    assert boiler and not tokens["document_id"].isin(boiler).any()


def test_sentences_are_the_store_sentence_numbers(small):
    workspace, tokens = small
    spans = {(doc, n): (start, end) for doc, n, start, end, _ in workspace.open_store().sentences("c")}
    for row in tokens.itertuples():
        start, end = spans[(row.document_id, row.sentence)]
        assert start <= row.start and row.end <= end
    first = tokens[tokens["document_id"] == tokens["document_id"].min()]
    assert first.loc[first["form"] == "équipe", "sentence"].item() == 1
    assert first.loc[first["form"] == "reporting", "sentence"].item() == 2


def test_forms_and_lemmas_are_lower_cased_with_elisions_normalised(small):
    _, tokens = small
    by_form = dict(zip(tokens["form"], tokens["lemma"]))
    assert by_form["l'"] == "le" and by_form["qu'"] == "que" and by_form["s'"] == "se"
    assert by_form["dossiers"] == "dossier" and by_form["travaille"] == "travailler"
    assert (tokens["form"] == tokens["form"].str.lower()).all()
    assert not tokens["form"].str.contains("’").any()


def test_second_call_reads_the_cache_and_a_changed_corpus_recomputes(small, tmp_path):
    workspace, tokens = small
    path = cache_path(workspace, "c")
    assert path.is_file() and path.name.startswith("tokens-") and path.suffix == ".parquet"
    assert not list(path.parent.glob(".*.tmp"))
    pd.testing.assert_frame_equal(corpus_tokens(workspace, "c"), tokens)
    ingest(workspace.open_store(), [write_corpus(tmp_path / "u.csv", [("4", "Une nouvelle réponse.", "MSA")])], "c")
    assert cache_path(workspace, "c") != path
    again = corpus_tokens(workspace, "c")
    assert "nouvelle" in set(again["form"]) and len(again) > len(tokens)


def test_active_forms_follow_iramuteq_and_the_edits(small):
    _, tokens = small
    active = active_forms(tokens, min_freq=1)
    assert {"équipe", "dossier", "travailler", "métier"} <= set(active)
    assert "marie" not in active  # proper noun: supplementary
    assert "être" not in active and "ne" not in active and "35" not in active
    assert set(tokens.loc[tokens["lemma"].isin(active), "pos"]) <= set(ACTIVE_POS)
    assert active_forms(tokens) == []  # nothing occurs three times
    edited = active_forms(tokens, min_freq=1, keep=["Marie", "absent"], drop=["jour"])
    assert "marie" in edited and "absent" not in edited and "jour" not in edited
    assert "ne" in active_forms(tokens, min_freq=1, supplementary=())


def test_bad_inputs(small):
    workspace, tokens = small
    with pytest.raises(TextmineError, match="au moins 1"):
        active_forms(tokens, min_freq=0)
    with pytest.raises(NotFoundError):
        corpus_tokens(workspace, "absent")
