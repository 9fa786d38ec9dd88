"""Specificities: textometry's reference values, the sign convention, chi², segment classes, bad inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import hypergeom

from textmine.errors import TextmineError
from textmine.lexicometry.specificities import (
    MAX_MODALITIES,
    check_column,
    chi2,
    lafon,
    lexical_table,
    segment_parts,
    segment_specificities,
    specific_terms,
)

# Lafon's Robespierre table as shipped by the R package textometry (data(robespierre)): 5 forms and the
# other forms in 10 discourses; the expected scores are its tests/specificities.Rout (4 decimals).
ROBESPIERRE = Path(__file__).parent / "data" / "robespierre.csv"
EXPECTED = {
    "de": [1.2477, 2.6891, -0.5534, 1.6471, -0.5096, -0.2909, -0.6132, -0.8098, 0.3884, -2.2050],
    "peuple": [0.6161, 1.1466, -0.6709, -4.1743, 2.1122, 1.2906, -0.7980, 1.3632, -0.3977, -0.8410],
    "republique": [0.9753, 0.4424, 0.6038, 0.9023, 0.4706, -1.2797, -2.2003, 1.9736, -0.5366, -0.6335],
    "ennemi": [1.2133, 1.6778, 0.3146, 0.3091, 0.3364, -0.5024, -2.0550, 0.4965, -0.3552, -0.4359],
    "patrie": [-4.2432, -0.4160, 1.4491, -2.0903, 0.6178, -0.3834, 1.5961, 0.8409, 0.2942, 0.6414],
    "others": [-1.2657, -3.6429, 0.3542, -0.5984, -0.5387, 0.3333, 1.2439, -0.5569, 0.3377, 2.4355],
}


@pytest.fixture(scope="module")
def robespierre() -> pd.DataFrame:
    return pd.read_csv(ROBESPIERRE, index_col=0)


def test_lafon_reproduces_textometry_on_robespierre(robespierre):
    got = lafon(robespierre).round(4)
    for form, values in EXPECTED.items():
        assert got.loc[form].tolist() == pytest.approx(values, abs=1e-4), form
    assert got.at["de", "D1"] == 1.2477 and got.at["peuple", "D4"] == -4.1743 and got.at["patrie", "D1"] == -4.2432


def test_sign_convention_is_pinned(robespierre):
    """Over-represented: +(−log10 P(X ≥ k)); under-represented: −(−log10 P(X ≤ k))."""
    T, f, t = robespierre.to_numpy().sum(), robespierre.loc["peuple"].sum(), robespierre["D4"].sum()
    k = robespierre.at["peuple", "D4"]
    assert k < f * t / T
    assert lafon(robespierre).at["peuple", "D4"] == pytest.approx(np.log10(hypergeom.cdf(k, T, f, t)))
    k = robespierre.at["peuple", "D5"]
    assert k > f * robespierre["D5"].sum() / T
    assert lafon(robespierre).at["peuple", "D5"] == pytest.approx(-np.log10(hypergeom.sf(k - 1, T, f,
                                                                                         robespierre["D5"].sum())))


def test_filtered_table_keeps_true_margins(robespierre):
    sizes = robespierre.sum(axis=0)
    assert lafon(robespierre.drop(index="others"), sizes).round(4).loc["patrie"].tolist() == pytest.approx(
        EXPECTED["patrie"], abs=1e-4)


def test_tails_agree_with_scipy_on_a_random_table():
    rng = np.random.default_rng(3)
    table = pd.DataFrame(rng.poisson(rng.integers(1, 40, (60, 1)), (60, 7)))
    counts = table.to_numpy()
    T, f, t = counts.sum(), counts.sum(axis=1)[:, None], counts.sum(axis=0)[None, :]
    over = counts >= f * t / T
    expected = np.where(over, -np.log10(hypergeom.sf(counts - 1, T, f, t)), np.log10(hypergeom.cdf(counts, T, f, t)))
    np.testing.assert_allclose(lafon(table).to_numpy(), expected, atol=1e-8)


def test_extreme_scores_stay_finite():
    table = pd.DataFrame({"A": [3000, 0], "B": [0, 100000]}, index=["x", "autres"])
    got = lafon(table)
    assert np.isfinite(got.to_numpy()).all()
    assert got.at["x", "A"] > 300 and got.at["x", "B"] < -100


def test_chi2_signed_and_equal_to_scipy(robespierre):
    from scipy.stats import chi2_contingency

    got = chi2(robespierre)
    a = robespierre.at["patrie", "D1"]
    f, t, T = robespierre.loc["patrie"].sum(), robespierre["D1"].sum(), robespierre.to_numpy().sum()
    two_by_two = [[a, f - a], [t - a, T - f - t + a]]
    assert got.at["patrie", "D1"] == pytest.approx(-chi2_contingency(two_by_two, correction=False)[0])
    assert (np.sign(got) == np.sign(lafon(robespierre))).to_numpy().all()


def test_specific_terms_long_table(robespierre):
    top = specific_terms(robespierre, robespierre.sum(axis=0), n=2, min_freq=1)
    d4 = top[top["part"] == "D4"]
    assert d4.iloc[-1]["term"] == "peuple" or "peuple" in set(d4["term"])
    row = top[(top["part"] == "D1") & (top["term"] == "patrie")].iloc[0]
    assert row["count"] == 6 and row["total"] == 153 and row["score"] == -4.2432
    assert (top.groupby("part").size() <= 4).all()
    with pytest.raises(TextmineError, match="baissez la fréquence minimale"):
        specific_terms(robespierre, robespierre.sum(axis=0), min_freq=10**6)


def test_bad_tables_and_methods():
    with pytest.raises(TextmineError, match="vide"):
        lafon(pd.DataFrame())
    with pytest.raises(TextmineError, match="positifs"):
        lafon(pd.DataFrame({"A": [-1, 2], "B": [1, 1]}))
    with pytest.raises(TextmineError, match="lemme"):
        lexical_table(pd.DataFrame({"lemma": ["a"]}), pd.Series(["x"]), unit="racine")


def test_check_column_messages():
    meta = {1: {"region": "Nord", "id": "a"}, 2: {"region": "Nord", "id": "b"}}
    with pytest.raises(TextmineError, match="absente du corpus « c ». Colonnes : region, id"):
        check_column(meta, "annee", ["region", "id"], "c")
    with pytest.raises(TextmineError, match="n'a qu'une modalité \\(« Nord »\\)"):
        check_column(meta, "region", ["region", "id"], "c")
    many = {i: {"id": f"x{i}"} for i in range(MAX_MODALITIES + 5)}
    with pytest.raises(TextmineError, match=f"{MAX_MODALITIES + 5} modalités .*regroupez"):
        check_column(many, "id", ["id"], "c")
    meta[3] = {"region": "Sud"}
    assert check_column(meta, "region", ["region"], "c").to_dict() == {1: "Nord", 2: "Nord", 3: "Sud"}


def _tokens(rows):
    return pd.DataFrame(rows, columns=["document_id", "sentence", "start", "end", "form", "lemma", "pos"])


def test_segment_parts_and_class_profiles():
    words = ["travail", "sens", "perte", "travail", "collectif", "équipe", "équipe", "soutien"]
    tokens = _tokens([(1 + i // 4, 1, (i % 4) * 10, (i % 4) * 10 + 5, w, w, "NOUN") for i, w in enumerate(words)])
    segments = pd.DataFrame({"document_id": [1, 1, 2], "start": [0, 20, 0], "end": [15, 40, 40],
                             "part": ["A", "A", "B"]})
    parts = segment_parts(tokens, segments)
    assert parts.tolist() == ["A", "A", "A", "A", "B", "B", "B", "B"]
    segments.loc[1, "part"] = None
    assert segment_parts(tokens, segments).isna().tolist() == [False, False, True, True] + [False] * 4
    segments.loc[1, "part"] = "A"
    meta = {1: {"org": "CAF"}, 2: {"org": "CPAM"}}
    terms, values = segment_specificities(tokens, segments, meta, ["org"], min_freq=1)
    a = terms[terms["part"] == "A"].set_index("term")
    assert a.at["travail", "score"] > 0 and a.at["équipe", "score"] < 0
    caf = values[(values["part"] == "A") & (values["value"] == "CAF")].iloc[0]
    assert caf["count"] == 2 and caf["score"] > 0
    one = segments.assign(part="A")
    with pytest.raises(TextmineError, match="au moins deux classes"):
        segment_specificities(tokens, one)
    with pytest.raises(TextmineError, match="Colonnes manquantes"):
        segment_parts(tokens, segments.drop(columns="part"))


def test_theme_specificities_on_the_demo_model(demo_workspace):
    from lexicometry_corpus import demo_tokens

    from textmine.lexicometry.specificities import theme_specificities
    from textmine.themes.model import TrainedModel
    from textmine.themes.registry import Registry

    model = TrainedModel.load(Registry(demo_workspace.models_dir), "demo")
    words, values = theme_specificities(demo_workspace, "demo", n=5, tokens=demo_tokens(demo_workspace))
    live = {str(t) for t in model.themes()["topic"]}
    assert set(words["part"]) <= live and "-1" not in set(words["part"])
    assert (words["count"] <= words["total"]).all()
    labels = model.label_of()
    assert all(labels[int(p)] == label for p, label in zip(words["part"], words["label"]))
    positive = words[words["score"] > 0]
    assert (positive["count"] > positive["expected"]).all()
    assert (positive.groupby("part").size() <= 5).all()
    assert not values.empty and set(values.columns) >= {"part", "label", "variable", "value", "score"}
    assert set(values["part"]) <= live
