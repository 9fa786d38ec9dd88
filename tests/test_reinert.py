"""Reinert classification: rainette's own small cases, invariants on a built corpus, the commands."""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from textmine.errors import TextmineError
from textmine.lexicometry.classification import ReinertOptions, classify
from textmine.lexicometry.reinert import (
    ReinertCHD,
    best_cut,
    ca_order,
    grouped_chi2,
    merge_segments,
    select_forms,
    switch_rows,
)
from textmine.lexicometry.reinert_double import Crossed, association_chi2, best_partition

# rainette tests/testthat/test_rainette1.R: the 7 × 5 binary matrix
MINI = np.array([[1, 1, 1, 0, 0], [0, 0, 1, 1, 0], [1, 0, 0, 0, 0], [1, 1, 1, 1, 0],
                 [1, 1, 1, 1, 1], [1, 0, 0, 0, 0], [1, 1, 1, 0, 0]])


def mask(rows: list[int]) -> np.ndarray:
    """Boolean mask of 1-based row numbers, as rainette's tests write them."""
    found = np.zeros(len(MINI), dtype=bool)
    found[np.array(rows) - 1] = True
    return found


def test_rainette_mini_ca_order_and_best_split() -> None:
    order = ca_order(MINI)
    assert (order + 1).tolist() == [3, 6, 1, 7, 4, 5, 2]
    cuts = []
    for i in range(1, 7):
        group = mask((order[:i] + 1).tolist())
        table = np.vstack([MINI[group].sum(axis=0), MINI[~group].sum(axis=0)])
        expected = chi2_contingency(table, correction=False)[0]
        assert grouped_chi2(MINI, group) == pytest.approx(expected, rel=1e-9)
        cuts.append(expected)
    size, chi2 = best_cut(MINI, order)
    assert size == int(np.argmax(cuts)) + 1 == 2  # rows 3 and 6
    assert chi2 == pytest.approx(max(cuts), rel=1e-6)


def test_rainette_mini_switches_from_a_wrong_split() -> None:
    # rainette's switch_docs test: the split after row 1 (rows 3, 6, 1) with a χ² of 4.5
    group, chi2 = switch_rows(MINI, mask([3, 6, 1]), 4.5)
    assert (np.flatnonzero(group) + 1).tolist() == [3, 6]
    assert chi2 == pytest.approx(best_cut(MINI, ca_order(MINI))[1], rel=1e-9)


def test_rainette_mini_select_features() -> None:
    keep1, keep2 = select_forms(MINI, mask([3, 6]))
    assert not keep1.any() and (np.flatnonzero(keep2) + 1).tolist() == [2, 3, 4]
    keep1, keep2 = select_forms(MINI, mask([4, 3, 5, 6, 2]))
    assert (np.flatnonzero(keep1) + 1).tolist() == [1, 3, 4] and not keep2.any()


def test_rainette_mini_classification() -> None:
    chd = ReinertCHD(k=2, min_split_members=3).fit(MINI)
    assert chd.labels_.tolist() == [2, 2, 1, 2, 2, 1, 2]
    root = chd.nodes_[0]
    assert root["chi2"] == pytest.approx(best_cut(MINI, ca_order(MINI))[1], rel=1e-9)
    assert [chd.nodes_[c]["size"] for c in root["children"]] == [2, 5]
    assert [chd.nodes_[c]["classe"] for c in root["children"]] == [1, 2]


def test_stops_with_a_message_when_too_small() -> None:
    chd = ReinertCHD(k=5, min_split_members=3).fit(MINI)
    assert chd.labels_.max() < 5 and chd.messages_
    with pytest.raises(TextmineError, match="trop petit"):
        ReinertCHD(k=2, min_split_members=3).fit(MINI[:2])
    with pytest.raises(TextmineError, match="au moins 2"):
        ReinertCHD(k=1).fit(MINI)


def test_merge_segments_within_documents() -> None:
    import scipy.sparse as sp

    table = sp.csr_matrix(np.array([[1, 0, 0], [0, 1, 0], [1, 1, 1], [1, 0, 0], [0, 0, 1], [1, 0, 0]]))
    documents = np.array([1, 1, 1, 2, 3, 3])
    assert merge_segments(table, documents, 2).tolist() == [0, 0, 1, 2, 3, 3]
    # rows 4-6 hold only 2 forms: the end of the document joins the unit before it
    assert merge_segments(table, np.array([1, 1, 1, 1, 1, 1]), 3).tolist() == [0, 0, 0, 0, 0, 0]
    assert merge_segments(table, np.array([1, 1, 1, 1, 1, 1]), 2).tolist() == [0, 0, 1, 2, 2, 2]
    assert merge_segments(table, documents, 0).tolist() == list(range(6))


def test_rainette2_association_chi2() -> None:
    table = np.array([[45, 121 - 45], [257 - 45, 1213 - 121 - 257 + 45]])
    assert association_chi2(45, 121, 257, 1213) == pytest.approx(chi2_contingency(table)[0])
    table = np.array([[0, 12], [25, 121 - 12 - 25]])
    assert association_chi2(0, 12, 25, 121) == pytest.approx(-chi2_contingency(table)[0])


def test_rainette2_best_partitions() -> None:
    # rainette's get_optimal_partitions case (members 1-based there)
    crossed = [Crossed(2, i, 2, i, np.array(m) - 1, chi2)
               for i, (chi2, m) in enumerate([(4, [1, 2, 3]), (5, [4, 5, 6]), (10, [1, 2]), (4, [7])], 1)]
    two = best_partition(crossed, 7, 2)
    assert sorted(c.class1 for c in two.classes) == [2, 3] and two.exhaustive
    assert two.labels.tolist() == [2, 2, 0, 1, 1, 1, 0]
    three = best_partition(crossed, 7, 3)
    assert sorted(c.class1 for c in three.classes) == [2, 3, 4]
    with pytest.raises(TextmineError, match="moins de deux classes croisées"):
        best_partition(crossed[:1], 7, 2)


POOLS = {
    "a": "dossier retard allocation caisse délai paiement attente courrier réclamation versement".split(),
    "b": "indicateur objectif reporting tableau chiffre direction pression évaluation performance statistique".split(),
    "c": "collègue équipe entraide soutien solidarité ambiance confiance accueil écoute partage".split(),
}
COMMON = "travail jour semaine service agent public".split()


def built_corpus(n_docs: int = 90, seed: int = 0) -> tuple[pd.DataFrame, dict, dict]:
    """Documents on three vocabularies, with tokens as ``corpus_tokens`` gives them (no spaCy)."""
    rng = np.random.default_rng(seed)
    texts, rows, meta = {}, [], {}
    for doc in range(1, n_docs + 1):
        theme = "abc"[doc % 3]
        sentences = []
        for _ in range(int(rng.integers(3, 7))):
            words = [rng.choice(POOLS[theme]) if rng.random() < 0.7 else rng.choice(COMMON)
                     for _ in range(int(rng.integers(6, 12)))]
            sentences.append(" ".join(words).capitalize() + ".")
        texts[doc] = " ".join(sentences)
        meta[doc] = {"original_id": f"d{doc}", "theme": theme, "annee": str(2020 + doc % 2)}
        for match in re.finditer(r"[^ .]+", texts[doc]):
            word = match.group().lower()
            rows.append((doc, texts[doc][: match.start()].count(".") + 1, match.start(), match.end(), word, word,
                         "NOUN"))
    tokens = pd.DataFrame(rows, columns=["document_id", "sentence", "start", "end", "form", "lemma", "pos"])
    return tokens, texts, meta


def forms_of(tokens: pd.DataFrame) -> list[str]:
    counts = tokens["lemma"].value_counts()
    return sorted(counts.index[counts >= 3])


@pytest.fixture(scope="module")
def corpus() -> tuple[pd.DataFrame, dict, dict]:
    return built_corpus()


def test_simple_classification_invariants(corpus) -> None:
    tokens, texts, meta = corpus
    began = time.perf_counter()
    result = classify(tokens, texts, meta, forms_of(tokens), ReinertOptions(k=3, segment_words=20))
    assert time.perf_counter() - began < 3
    seg = result.segments
    assert 150 <= len(seg) <= 400
    labels = seg["classe"].fillna(0).astype(int).to_numpy()
    summary = result.summary
    assert summary["k"] == 3 and set(labels) <= {0, 1, 2, 3}
    assert sum(summary["classes"].values()) + summary["non_classes"] == len(seg)
    assert summary["part_non_classes"] == pytest.approx(summary["non_classes"] / len(seg))
    # three vocabularies, three classes: each class holds the segments of one vocabulary
    themes = seg["document_id"].map(lambda d: meta[d]["theme"])
    assert pd.crosstab(labels, themes).gt(0).sum(axis=1).max() == 1
    # profiles: a form's segments summed over classes is its number of classified segments
    profile = result.form_profiles
    totals = profile.groupby("forme").agg(inside=("segments_classe", "sum"), total=("segments", "first"))
    assert (totals["inside"] == totals["total"]).all()
    assert (profile["p"].between(0, 1)).all()
    over = profile[profile["chi2"] > 0]
    assert ((over["part"] * pd.Series(summary["classes"]).astype(int).reindex(over["classe"].astype(str)).to_numpy())
            .round().astype(int) == over["segments_classe"]).all()
    values = result.metadata_profiles
    top = values[values["variable"] == "theme"].sort_values("chi2", ascending=False).drop_duplicates("classe")
    assert sorted(top["modalite"]) == ["a", "b", "c"] and (top["chi2"] > 3.84).all()
    # characteristic segments belong to their class and are ranked by score
    for number, rows in result.characteristic.groupby("classe"):
        assert (labels[rows["segment"]] == number).all()
        assert rows["score"].is_monotonic_decreasing
    documents = result.documents
    assert sorted(documents["document_id"]) == sorted(texts)


def test_deterministic_and_too_many_classes(corpus) -> None:
    tokens, texts, meta = corpus
    options = ReinertOptions(k=4, segment_words=20)
    first = classify(tokens, texts, meta, forms_of(tokens), options)
    second = classify(tokens, texts, meta, forms_of(tokens), options)
    assert first.segments["classe"].equals(second.segments["classe"])
    small = tokens[tokens["document_id"] <= 6]
    result = classify(small, texts, meta, forms_of(small), ReinertOptions(k=8, segment_words=20))
    assert result.summary["k"] < 8
    assert any("au lieu des 8 demandées" in m and "--k" in m for m in result.summary["messages"])


def test_double_classification(corpus) -> None:
    tokens, texts, meta = corpus
    result = classify(tokens, texts, meta, forms_of(tokens),
                      ReinertOptions(k=3, double=True, segment_words=20, min_forms=4, min_members=3))
    seg, summary = result.segments, result.summary
    assert 2 <= summary["k"] <= 3
    assert sum(summary["classes"].values()) + summary["non_classes"] == len(seg)
    crossed = result.tree["classes_croisees"]
    assert [c["segments"] for c in crossed] == [summary["classes"][str(c["classe"])] for c in crossed]
    assert all(c["chi2"] > 3.84 for c in crossed)


def test_small_classes_become_unclassified(corpus) -> None:
    tokens, texts, meta = corpus
    forms = forms_of(tokens)
    every = classify(tokens, texts, meta, forms, ReinertOptions(k=5, segment_words=20, min_class_size=1))
    sizes = {int(c): n for c, n in every.summary["classes"].items()}
    assert len(sizes) == 5 and every.summary["classes_ecartees"] == 0
    floor = sorted(sizes.values())[1]  # the two smallest sizes (or more, when tied) are below it
    small = sorted(c for c, n in sizes.items() if n < floor)
    result = classify(tokens, texts, meta, forms, ReinertOptions(k=5, segment_words=20, min_class_size=floor))
    before = every.segments["classe"].fillna(0).astype(int).to_numpy()
    after = result.segments["classe"].fillna(0).astype(int).to_numpy()
    summary = result.summary
    assert summary["k"] == 5 - len(small) and sorted(set(after) - {0}) == list(range(1, summary["k"] + 1))
    assert (after[np.isin(before, small)] == 0).all()
    # the classes kept are the same segments, renumbered in their order
    kept = [c for c in sorted(sizes) if c not in small]
    for new, old in enumerate(kept, 1):
        assert ((after == new) == (before == old)).all()
    assert summary["classes_ecartees"] == len(small) and summary["taille_min_classe"] == floor
    assert summary["segments_ecartes"] == sum(sizes[c] for c in small)
    assert summary["non_classes"] == every.summary["non_classes"] + summary["segments_ecartes"]
    assert any(f"de moins de {floor} segments écartée" in m for m in summary["messages"])
    leaves = [n for n in result.tree["nodes"] if not n["children"]]
    assert sorted(n["classe"] for n in leaves if n["classe"]) == list(range(1, summary["k"] + 1))
    assert sum(n["ecartee"] for n in leaves) == len(small)
    assert set(result.form_profiles["classe"]) == set(range(1, summary["k"] + 1))
    # the automatic size: 5, or 1 % of the classified segments
    assert ReinertOptions().class_size_floor(200) == 5 and ReinertOptions().class_size_floor(2001) == 21
    with pytest.raises(TextmineError, match="--min-class-size"):
        classify(tokens, texts, meta, forms, ReinertOptions(k=3, segment_words=20, min_class_size=10_000))


def test_double_classification_drops_small_classes(corpus) -> None:
    tokens, texts, meta = corpus
    options = dict(k=3, double=True, segment_words=20, min_forms=4, min_members=3)
    every = classify(tokens, texts, meta, forms_of(tokens), ReinertOptions(**options, min_class_size=1))
    sizes = sorted(every.summary["classes"].values())
    if len(sizes) < 3 or sizes[0] == sizes[1]:
        pytest.skip("no single smallest crossed class on this corpus")
    result = classify(tokens, texts, meta, forms_of(tokens), ReinertOptions(**options, min_class_size=sizes[1]))
    assert result.summary["k"] == 2 and result.summary["segments_ecartes"] == sizes[0]
    assert [c["classe"] for c in result.tree["classes_croisees"]] == [1, 2]


def test_bad_input_messages(corpus) -> None:
    tokens, texts, meta = corpus
    with pytest.raises(TextmineError, match="Aucune forme active"):
        classify(tokens, texts, meta, [], ReinertOptions(k=3))
    with pytest.raises(TextmineError, match="au moins 2"):
        ReinertOptions(k=1)


CSV_ROWS = 36


@pytest.fixture
def small_corpus(workspace, cli, tmp_path):
    rng = np.random.default_rng(1)
    lines = ["id,organisme,texte"]
    for i in range(CSV_ROWS):
        theme = "abc"[i % 3]
        words = " ".join(rng.choice(POOLS[theme] + COMMON, 30))
        lines.append(f'{i},{"CAF" if i % 2 else "CPAM"},"Les agents parlent de {words}. Le {words[:40]}."')
    path = tmp_path / "corpus.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    status, _, err = cli("ingest", path, "--corpus", "petit", "--text-column", "texte", "--id-column", "id")
    assert status == 0, err
    return workspace


def test_cli_reinert_records_a_run(small_corpus, cli) -> None:
    status, out, err = cli("reinert", "--corpus", "petit", "--name", "r", "--k", "3", "--segment-words", "20")
    assert status == 0, err
    assert "Classification simple « r » du corpus « petit »" in out and "non classés" in out
    folder = small_corpus.home / "analyses" / "reinert" / "r"
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert record["command"][:6] == ["textmine", "reinert", "--corpus", "petit", "--name", "r"]
    assert record["params"]["k"] == 3 and record["summary"]["k"] >= 2
    documents = pd.read_csv(folder / "documents.csv")
    assert list(documents.columns) == ["document_id", "classe"] and len(documents) == CSV_ROWS
    for name in ("segments.parquet", "profils_formes.csv", "profils_variables.csv", "arbre.json"):
        assert (folder / name).is_file()
    status, out, _ = cli("reinert-profil", "--name", "r", "--format", "json", "--classe", "1")
    data = json.loads(out)
    assert status == 0 and data["classes"][0]["classe"] == 1 and data["classes"][0]["formes"]
    assert data["classes"][0]["segments_caracteristiques"][0]["reference"]
    status, out, _ = cli("reinert-profil", "--name", "r")
    assert status == 0 and "Classe 1 :" in out and "« " in out


def test_cli_reinert_errors_store_nothing(small_corpus, cli) -> None:
    assert cli("reinert", "--corpus", "petit", "--name", "r", "--k", "2")[0] == 0
    before = (small_corpus.home / "analyses" / "reinert" / "r" / "run.json").read_bytes()
    status, _, err = cli("reinert", "--corpus", "petit", "--name", "r", "--k", "3")
    assert status == 1 and err.startswith("Erreur : L'analyse « r »") and "--replace" in err
    assert (small_corpus.home / "analyses" / "reinert" / "r" / "run.json").read_bytes() == before
    status, _, err = cli("reinert", "--corpus", "petit", "--name", "s", "--k", "1")
    assert status == 1 and "indiquez --k 2 ou plus" in err
    status, _, err = cli("reinert", "--corpus", "petit", "--name", "s", "--min-freq", "1000")
    assert status == 1 and "Aucune forme active" in err
    status, _, err = cli("reinert", "--corpus", "absent", "--name", "s")
    assert status == 1 and "Traceback" not in err
    assert not (small_corpus.home / "analyses" / "reinert" / "s").exists()
    status, _, err = cli("reinert-profil", "--name", "r", "--classe", "9")
    assert status == 1 and "Classe 9 inconnue" in err


def test_cli_reinert_active_form_edits_and_recorded_command(small_corpus, cli) -> None:
    status, _, err = cli("reinert", "--corpus", "petit", "--name", "r", "--k", "3", "--segment-words", "20")
    assert status == 0, err
    folder = small_corpus.home / "analyses" / "reinert"
    plain = (folder / "r" / "formes_actives.txt").read_text(encoding="utf-8").split()
    assert "dossier" in plain and "le" not in plain
    status, _, err = cli("reinert", "--corpus", "petit", "--name", "e", "--k", "3", "--segment-words", "20",
                         "--drop", "dossier", "--keep", "le", "--keep", "Introuvable", "--min-class-size", "2")
    assert status == 0, err
    assert "introuvable" in err and "ignorées" in err
    edited = (folder / "e" / "formes_actives.txt").read_text(encoding="utf-8").split()
    assert "dossier" not in edited and "le" in edited
    profiles = pd.read_csv(folder / "e" / "profils_formes.csv", keep_default_na=False)
    assert "dossier" not in set(profiles["forme"]) and "le" in set(profiles["forme"])
    record = json.loads((folder / "e" / "run.json").read_text(encoding="utf-8"))
    assert record["params"]["keep"] == ["le", "introuvable"] and record["params"]["drop"] == ["dossier"]
    assert record["params"]["min_class_size"] == 2 and record["summary"]["taille_min_classe"] == 2
    command = record["command"]
    assert command[command.index("--min-class-size") + 1] == "2"
    assert command.count("--keep") == 2 and command[command.index("--drop") + 1] == "dossier"
    # the recorded command, run again under another name, gives the same classes
    command[command.index("--name") + 1] = "e2"
    status, _, err = cli(*command[1:])
    assert status == 0, err
    again = json.loads((folder / "e2" / "run.json").read_text(encoding="utf-8"))
    assert again["params"] == record["params"]
    first = pd.read_parquet(folder / "e" / "segments.parquet")
    second = pd.read_parquet(folder / "e2" / "segments.parquet")
    assert first["classe"].equals(second["classe"])
    assert (folder / "e2" / "formes_actives.txt").read_bytes() == (folder / "e" / "formes_actives.txt").read_bytes()
