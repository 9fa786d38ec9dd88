"""Similitudes: the graph of the active forms that occur together (maximum spanning tree, communities),
for the whole corpus or one theme of its published model."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from app_pages import common
from app_pages import lexique_commun as lex
from textmine.errors import TextmineError
from textmine.lexicometry.similitudes import corpus_similitudes, layout
from textmine.themes.model import TrainedModel

st.title("Analyse de similitudes")
st.caption("Deux formes sont liées quand elles apparaissent dans les mêmes phrases (ou segments). L'arbre "
           "garde les liens les plus forts qui relient toutes les formes ; les couleurs sont des communautés.")

corpus = lex.choose_corpus("lexique_corpus_simi")
model = lex.published_model(corpus)
settings = lex.active_settings(corpus)
left, middle, right = st.columns(3)
index = left.radio("Indice", ["cooccurrence", "jaccard"], format_func={"cooccurrence": "cooccurrences",
                                                                        "jaccard": "Jaccard"}.get,
                   horizontal=True, key="simi_index")
unit = middle.radio("Unité", ["phrases", "segments"], format_func={"phrases": "phrases",
                                                                  "segments": "segments de 40 mots"}.get,
                    horizontal=True, key="simi_unit")
max_forms = right.slider("Formes au plus", min_value=10, max_value=200, value=80, step=10, key="simi_max")
theme = None
if model:
    labels = TrainedModel.load(common.registry(), model).label_of()
    choices = [None] + sorted(t for t in labels if t >= 0)
    theme = st.selectbox("Restreindre à un thème", choices, key="simi_theme",
                         format_func=lambda t: "Tout le corpus" if t is None else f"{t} — {labels[t]}")


@st.cache_data(show_spinner="Calcul des cooccurrences…", max_entries=8)
def compute(corpus: str, fingerprint: str, index: str, unit: str, max_forms: int, min_freq: int,  # noqa: ANN201, ARG001
            keep: tuple[str, ...], drop: tuple[str, ...], model: str | None, theme: int | None):
    result = corpus_similitudes(common.workspace(), corpus, index, unit, min_freq, max_forms, keep=keep, drop=drop,
                                model=model, theme=theme, tokens=lex.tokens(corpus))
    return result, layout(result)


try:
    result, positions = compute(corpus, lex.fingerprint(corpus), index, unit, max_forms, settings["min_freq"],
                                tuple(settings["keep"]), tuple(settings["drop"]), model if theme is not None else None,
                                theme)
except TextmineError as exc:
    st.warning(str(exc))
    st.stop()

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#7f7f7f"]
where = positions.set_index("form")
nodes = result.nodes.join(where, on="form")
top = float(result.edges["weight"].max())
figure = go.Figure()
for edge in result.edges.itertuples(index=False):
    a, b = where.loc[edge.source], where.loc[edge.target]
    figure.add_trace(go.Scatter(x=[a.x, b.x], y=[a.y, b.y], mode="lines", hoverinfo="skip", showlegend=False,
                                line={"width": 1 + 7 * edge.weight / top, "color": "#9aa5b1"}))
for community, group in nodes.groupby("community"):
    colour = COLOURS[(community - 1) % len(COLOURS)]
    sizes = 10 + 30 * (group["frequency"] / nodes["frequency"].max()) ** 0.5
    figure.add_trace(go.Scatter(x=group["x"], y=group["y"], mode="markers+text", text=group["form"],
                                textposition="top center", name=f"communauté {community}",
                                marker={"size": sizes, "color": colour, "opacity": 0.8},
                                textfont={"size": 13, "color": colour},
                                customdata=group["frequency"],
                                hovertemplate="%{text} : %{customdata} occurrences<extra></extra>"))
figure.update_layout(height=700, margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend={"orientation": "h"},
                     xaxis={"visible": False}, yaxis={"visible": False}, plot_bgcolor="white")
st.plotly_chart(figure, use_container_width=True)
st.caption(f"{len(result.nodes)} formes, {len(result.edges)} liens, {result.nodes['community'].nunique()} "
           f"communautés, {result.units} {'phrases' if unit == 'phrases' else 'segments'}. Épaisseur d'un lien : "
           f"{'nombre de cooccurrences' if index == 'cooccurrence' else 'indice de Jaccard'}.")
with st.expander("Liens de l'arbre"):
    st.dataframe(result.edges.rename(columns={"source": "forme 1", "target": "forme 2", "weight": "poids"}),
                 hide_index=True, use_container_width=True)
