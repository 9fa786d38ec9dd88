"""Lexical statistics and the lexicometry commands (stats, specificites, analyses) on a small corpus."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from lexicometry_corpus import build

from textmine.errors import TextmineError
from textmine.lexicometry.stats import lexical_stats, summarise, zipf
from textmine.lexicometry.tokens import corpus_tokens


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    workspace = build(tmp_path_factory.mktemp("stats") / "espace")
    return workspace, corpus_tokens(workspace, "petit")


@pytest.fixture
def home(small, cli, monkeypatch):
    monkeypatch.setenv("TEXTMINE_HOME", str(small[0].home))
    return cli


def test_summary_of_the_corpus_and_by_column(small):
    workspace, tokens = small
    stats = lexical_stats(workspace, "petit", by="organisme", tokens=tokens)
    summary = stats.summary.set_index("group")
    assert list(summary.index) == ["ensemble", "CAF", "CPAM", "Urssaf"]
    whole = summary.loc["ensemble"]
    assert whole["documents"] == 18 and whole["occurrences"] == len(tokens)
    assert summary.loc[["CAF", "CPAM", "Urssaf"], "occurrences"].sum() == whole["occurrences"]
    assert whole["forms"] == tokens["form"].nunique() and whole["lemmas"] == tokens["lemma"].nunique()
    assert whole["hapax"] == (tokens["form"].value_counts() == 1).sum()
    assert whole["hapax_share"] == pytest.approx(whole["hapax"] / whole["forms"], abs=1e-4)
    assert whole["mean_length"] == pytest.approx(len(tokens) / 18, abs=0.01)


def test_frequent_forms_lemmas_and_zipf(small):
    workspace, tokens = small
    stats = lexical_stats(workspace, "petit", top=5, tokens=tokens)
    assert len(stats.forms) == 5 and stats.forms["frequency"].is_monotonic_decreasing
    dossier = stats.lemmas.set_index("lemma").loc["dossier"]
    assert dossier["frequency"] == 7 and dossier["pos"] == "NOUN"
    assert stats.zipf["rank"].tolist() == list(range(1, tokens["form"].nunique() + 1))
    assert stats.zipf["frequency"].sum() == len(tokens) and stats.zipf["frequency"].is_monotonic_decreasing


def test_summarise_empty_and_zipf_empty():
    empty = pd.DataFrame({"document_id": [], "form": [], "lemma": []})
    assert summarise(empty)["occurrences"] == 0 and summarise(empty)["hapax_share"] == 0.0
    assert zipf(empty).empty


def test_bad_columns(small):
    workspace, tokens = small
    with pytest.raises(TextmineError, match="Colonne « region » absente du corpus « petit »"):
        lexical_stats(workspace, "petit", by="region", tokens=tokens)
    with pytest.raises(TextmineError, match="« source » n'a qu'une modalité \\(« enquête »\\)"):
        lexical_stats(workspace, "petit", by="source", tokens=tokens)


def test_cli_stats_formats(home):
    status, out, err = home("stats", "--corpus", "petit", "--by", "organisme", "--top", "3")
    assert status == 0, err
    assert out.splitlines()[0].split() == ["groupe", "documents", "occurrences", "formes", "lemmes", "hapax",
                                           "part", "des", "hapax", "longueur", "moyenne"]
    assert "Formes les plus fréquentes (3) :" in out
    status, out, _ = home("stats", "--corpus", "petit", "--format", "json")
    data = json.loads(out)
    assert data["summary"][0]["group"] == "ensemble" and data["summary"][0]["documents"] == 18
    status, out, _ = home("stats", "--corpus", "petit", "--by", "annee", "--format", "csv")
    assert out.splitlines()[0].startswith("group,documents") and len(out.splitlines()) == 5


def test_cli_errors_are_one_french_line(home):
    status, out, err = home("stats", "--corpus", "absent")
    assert status == 1 and err.startswith("Erreur : ") and "Traceback" not in err
    status, _, err = home("specificites", "--corpus", "petit", "--by", "agent")
    assert status == 0  # 18 values: under the cap
    status, _, err = home("specificites", "--corpus", "petit")
    assert status == 1 and "--by COLONNE" in err
    status, _, err = home("specificites", "--corpus", "petit", "--by", "source")
    assert status == 1 and "qu'une modalité" in err and err.count("\n") == 1


def test_cli_specificites_records_a_run_and_analyses_lists_it(home, small):
    status, out, err = home("specificites", "--corpus", "petit", "--by", "organisme", "--n", "2",
                            "--name", "orgs", "--format", "csv")
    assert status == 0, err
    frame = pd.read_csv(io.StringIO(out))
    caf = frame[frame["part"] == "CAF"].set_index("term")
    assert caf.at["reporting", "score"] > 2 and caf["score"].max() == caf.at["reporting", "score"]
    status, _, err = home("specificites", "--corpus", "petit", "--by", "organisme", "--name", "orgs")
    assert status == 1 and "existe déjà" in err
    status, out, _ = home("analyses")
    assert "spécificités" in out and "orgs" in out and "--by organisme" in out
    status, out, _ = home("analyses", "--format", "json")
    run = [r for r in json.loads(out) if r["name"] == "orgs"][0]
    assert run["params"]["method"] == "lafon" and run["command"][:2] == ["textmine", "specificites"]
    # the recorded command reproduces the run
    status, out2, err = home(*run["command"][1:], "--format", "csv")
    assert status == 0, err
    folder = small[0].home / "analyses" / "specificites" / "orgs"
    assert pd.read_csv(folder / "termes.csv").equals(pd.read_csv(io.StringIO(out2)))
