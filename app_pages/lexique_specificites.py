"""Spécificités: forms over- and under-used by each value of a column (or each theme), and the
correspondence analysis (AFC) of that table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import common
from app_pages import lexique_commun as lex
from textmine.errors import TextmineError
from textmine.lexicometry.ca import correspondence_analysis, top_contributors
from textmine.lexicometry.specificities import column_specificities, theme_specificities

st.title("Spécificités et analyse des correspondances")
st.caption("Score de Lafon : −log10 de la probabilité d'observer au moins autant d'occurrences par hasard "
           "(loi hypergéométrique) ; négatif quand la forme est sous-employée. |score| ≥ 2 : une chance sur 100.")

corpus = lex.choose_corpus("lexique_corpus_spec")
model = lex.published_model(corpus)
modes = ["Une colonne de métadonnées"] + (["Les thèmes du modèle publié"] if model else [])
mode = st.radio("Comparer", modes, horizontal=True, key="spec_mode")
left, middle, right = st.columns(3)
method = left.radio("Score", ["lafon", "chi2"], format_func={"lafon": "Lafon", "chi2": "chi² signé"}.get,
                    horizontal=True, key="spec_method")
unit = middle.radio("Unité", ["lemma", "form"], format_func={"lemma": "lemmes", "form": "formes"}.get,
                    horizontal=True, key="spec_unit")
n = right.number_input("Formes par partie", min_value=5, max_value=100, value=15, key="spec_n")
tokens = lex.tokens(corpus)
settings = lex.active_settings(corpus)


@st.cache_data(show_spinner="Calcul des spécificités…", max_entries=8)
def by_column(corpus: str, fingerprint: str, column: str, method: str, unit: str, min_freq: int, n: int):  # noqa: ANN201, ARG001
    return column_specificities(common.workspace(), corpus, column, method, unit, min_freq, n,
                                tokens=lex.tokens(corpus))


@st.cache_data(show_spinner="Calcul des spécificités des thèmes…", max_entries=8)
def by_theme(model: str, stamp: float, method: str, unit: str, min_freq: int, n: int):  # noqa: ANN201, ARG001
    return theme_specificities(common.workspace(), model, method, unit, min_freq, n, tokens=lex.tokens(corpus))


def coloured(frame: pd.DataFrame):  # noqa: ANN201 - a pandas Styler
    """Scores with a diverging colour: red over-represented, blue under-represented."""
    bound = float(np.nanmax(np.abs(frame.to_numpy()))) if frame.size else 1.0
    return frame.style.background_gradient(cmap="RdBu_r", vmin=-bound, vmax=bound, axis=None).format("{:.2f}")


if mode == modes[0]:
    columns = lex.metadata_columns(corpus)
    if not columns:
        st.info("Ce corpus n'a pas de colonne de métadonnées à au moins deux valeurs : rien à comparer.")
        st.stop()
    column = st.selectbox("Colonne", columns, index=columns.index("organisme") if "organisme" in columns else 0,
                          key="spec_column")
    try:
        result = by_column(corpus, lex.fingerprint(corpus), column, method, unit, settings["min_freq"], n)
    except TextmineError as exc:
        st.error(str(exc))
        st.stop()
    terms = list(dict.fromkeys(result.top.sort_values("score", ascending=False)["term"]))
    st.subheader(f"Scores par modalité de « {column} »")
    st.dataframe(coloured(result.scores.loc[terms]), use_container_width=True, height=420)
    part = st.selectbox("Détail d'une modalité", list(result.scores.columns), key="spec_part")
    detail = result.top[result.top["part"] == part].drop(columns="part")
    st.dataframe(detail.rename(columns={"term": "terme", "count": "effectif", "total": "total",
                                        "expected": "attendu", "score": "score"}), hide_index=True,
                 use_container_width=True)

    st.subheader("Analyse des correspondances (AFC)")
    try:
        ca = correspondence_analysis(result.table, n_factors=5)
    except TextmineError as exc:
        st.info(str(exc))
        st.stop()
    eigen = ca.eigen_table()
    shares = eigen["inertie_pct"].round(1).tolist()
    if len(shares) < 2:
        st.info("Deux modalités seulement : un seul facteur, l'AFC se lit sur une droite.")
    forms = top_contributors(ca, n=40)
    x, y = "F1", "F2" if "F2" in ca.rows.columns else "F1"
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=ca.rows.loc[forms, x], y=ca.rows.loc[forms, y], mode="text", text=list(forms),
                                textfont={"size": 12, "color": "#1f4e79"}, name="formes",
                                hovertemplate="%{text}<extra>forme</extra>"))
    figure.add_trace(go.Scatter(x=ca.columns[x], y=ca.columns[y], mode="markers+text",
                                text=list(ca.columns.index), textposition="top center",
                                marker={"size": 12, "color": "#c0392b", "symbol": "diamond"},
                                textfont={"size": 14, "color": "#c0392b"}, name="modalités",
                                hovertemplate="%{text}<extra>modalité</extra>"))
    figure.update_layout(height=600, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                         xaxis_title=f"Facteur 1 ({shares[0]} %)".replace(".", ","),
                         yaxis_title=(f"Facteur 2 ({shares[1]} %)" if len(shares) > 1 else "Facteur 1")
                         .replace(".", ","), legend={"orientation": "h"})
    figure.add_hline(y=0, line_width=1, line_color="#bbbbbb")
    figure.add_vline(x=0, line_width=1, line_color="#bbbbbb")
    st.plotly_chart(figure, use_container_width=True)
    st.caption("Les 40 formes qui contribuent le plus aux deux premiers facteurs, et les modalités. Deux points "
               "proches emploient un vocabulaire semblable.")
    st.dataframe(eigen.rename(columns={"facteur": "facteur", "valeur_propre": "valeur propre",
                                       "inertie_pct": "inertie (%)", "cumul_pct": "cumul (%)"}).round(4),
                 hide_index=True)
else:
    path = common.registry().require(model)
    stamp = sum(f.stat().st_mtime_ns for f in (path / "card.json", path / "edits.json") if f.exists())
    try:
        words, values = by_theme(model, stamp, method, unit, settings["min_freq"], n)
    except TextmineError as exc:
        st.error(str(exc))
        st.stop()
    st.subheader(f"Vocabulaire de chaque thème du modèle « {model} »")
    labels = dict(zip(words["part"], words["label"]))
    theme = st.selectbox("Thème", list(labels), format_func=lambda p: f"{p} — {labels[p]}", key="spec_theme")
    shown = words[words["part"] == theme][["term", "count", "total", "expected", "score"]]
    st.dataframe(shown.rename(columns={"term": "terme", "count": "effectif", "expected": "attendu"})
                 .style.background_gradient(cmap="RdBu_r", subset=["score"], vmin=-10, vmax=10),
                 hide_index=True, use_container_width=True)
    if not values.empty:
        st.subheader("Modalités caractéristiques du thème")
        rows = values[values["part"] == theme][["variable", "value", "count", "total", "score"]]
        st.dataframe(rows.rename(columns={"value": "modalité", "count": "effectif"}), hide_index=True,
                     use_container_width=True)
