"""Thèmes: the published model's themes at a glance, under the global filters.

A table of the themes (size, tone, trend, stability across seeds), then four views: sizes, spread over
a metadata column, evolution over the years, and a map of the themes.
"""

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from app_pages.common import choose_model, global_filters, kept_documents, pick_column
from textmine.errors import TextmineError
from textmine.views import overview

st.title("Thèmes")
index = choose_model()
filters = global_filters(index)
documents = kept_documents(index, filters)
totals = overview.totals(index, documents)

st.caption(
    f"Modèle « {index.model.name} » du corpus « {index.corpus} »"
    + (f" — filtres : {filters.describe()}" if filters else "")
)
if totals.segments == 0:
    st.warning("Aucun document ne passe les filtres : retirez-en dans la barre latérale.")
    st.stop()

themes, docs, segments, unassigned = st.columns(4)
themes.metric("Thèmes", totals.themes)
docs.metric("Documents", totals.documents)
segments.metric("Segments", totals.segments)
unassigned.metric("Sans thème", overview.percent(totals.unassigned, 0))

# -- the table ---------------------------------------------------------------------

table = overview.theme_table(index, documents)
years = table.attrs["years"]
shown = ["label", "codebook", "documents", "segments", "share"]
if totals.sentiment:
    shown += ["score", "tones"]
if years:
    shown.append("trend")
steadiness = overview.stability_help(index)
if steadiness:
    shown.append("stability")
st.dataframe(
    table,
    column_order=[*shown, "terms"],
    hide_index=True,
    placeholder="—",
    column_config={
        "label": st.column_config.TextColumn("Thème", width="medium", pinned=True),
        "codebook": st.column_config.TextColumn("Thème du codebook"),
        "documents": st.column_config.NumberColumn("Documents", help="Documents dont c'est le thème principal"),
        "segments": st.column_config.NumberColumn("Segments", help="Passages du texte rattachés au thème"),
        "share": st.column_config.ProgressColumn(
            "Part", help="Part des segments retenus", format="percent", min_value=0.0,
            max_value=float(table["share"].max() or 1.0),
        ),
        "terms": st.column_config.TextColumn("Mots-clés", width="large"),
        "score": st.column_config.NumberColumn("Ton moyen", help="De -1 (négatif) à +1 (positif)", format="%+.2f"),
        "tones": st.column_config.BarChartColumn(
            "Ton (nég. · neutre · pos.)", help="Parts des segments négatifs, neutres et positifs", y_min=0, y_max=1
        ),
        "trend": st.column_config.LineChartColumn(
            f"Évolution {years[0]}–{years[-1]}" if years else "Évolution",
            help="Part du thème chaque année", y_min=0,
        ),
        "stability": st.column_config.ProgressColumn(
            "Stabilité", help=steadiness, format="percent", min_value=0.0, max_value=1.0
        ),
    },
)
if not totals.sentiment:
    st.info(overview.no_sentiment_message(index))

names = {int(t): label for t, label in zip(table["topic"], table["label"])}
choice, go_button = st.columns([3, 1], vertical_alignment="bottom")
topic = choice.selectbox("Thème à ouvrir", list(names), format_func=names.get)
if go_button.button("Ouvrir ce thème", type="primary"):
    st.session_state["topic"] = int(topic)
    st.switch_page("app_pages/theme.py")

# -- the views -----------------------------------------------------------------------

sizes, spread, over_time, layout = st.tabs(["Tailles", "Par métadonnée", "Dans le temps", "Carte des thèmes"])

with sizes:
    figure = px.bar(
        table, x="segments", y="label", orientation="h", hover_data={"documents": True, "share": ":.1%"},
        labels={"segments": "Segments", "label": "", "documents": "Documents", "share": "Part"},
    )
    figure.update_layout(yaxis={"autorange": "reversed"}, height=max(300, 24 * len(table)), margin={"l": 10})
    st.plotly_chart(figure)

with spread:
    column = pick_column(index, "Colonne", key="themes_column")
    if column is not None:
        breakdown = overview.themes_by_column(index, column, documents)
        if breakdown.message:
            st.info(breakdown.message)
        else:
            values = [str(v) for v in breakdown.shares.index]
            heatmap = go.Heatmap(
                z=breakdown.contrast().T.to_numpy(),
                x=values,
                y=list(breakdown.shares.columns),
                text=[[f"{s:.0%}" for s in row] for row in breakdown.shares.T.to_numpy()],
                customdata=breakdown.ratios.T.to_numpy(),
                texttemplate="%{text}",
                hovertemplate="%{y}<br>%{x} : %{text} des segments<br>× %{customdata:.2f} par rapport à l'ensemble"
                              "<extra></extra>",
                colorscale="RdBu_r",
                zmid=0,
                zmin=-2,
                zmax=2,
                colorbar={"title": "Représentation", "tickvals": [-2, -1, 0, 1, 2],
                          "ticktext": ["÷4", "÷2", "=", "×2", "×4"]},
            )
            figure = go.Figure(heatmap)
            figure.update_layout(yaxis={"autorange": "reversed"}, height=max(350, 26 * len(breakdown.shares.columns)),
                                 xaxis={"type": "category", "side": "top"})
            st.plotly_chart(figure)
            st.caption(
                "Chiffre : part des segments du groupe qui relèvent du thème. Couleur : rouge quand le thème est "
                "plus fréquent dans ce groupe que dans l'ensemble, bleu quand il l'est moins (pour les petits "
                "groupes, l'écart est atténué)."
            )
            if breakdown.hidden:
                st.caption(f"{breakdown.hidden} valeurs peu fréquentes ne sont pas affichées.")

with over_time:
    evolution = overview.themes_over_time(index, documents)
    if evolution.message:
        st.info(evolution.message)
    else:
        labels = list(evolution.shares.columns)
        chosen = st.multiselect("Thèmes affichés", labels, default=labels[:5], key="themes_time")
        figure = px.line(
            evolution.shares[chosen], markers=True,
            labels={"value": "Part des segments", "variable": "Thème", evolution.column: "Année"},
        )
        figure.update_layout(yaxis={"tickformat": ".0%"}, xaxis={"dtick": 1})
        st.plotly_chart(figure)
        st.caption("Segments par année : " + ", ".join(f"{y} : {n}" for y, n in evolution.counts.items()))

with layout:
    try:
        points = overview.intertopic_map(index, documents)
    except TextmineError as exc:
        st.info(str(exc))
    else:
        figure = px.scatter(
            points.fillna({"codebook": "(hors codebook)"}), x="x", y="y", size="segments", color="codebook",
            hover_name="label", size_max=45, hover_data={"x": False, "y": False, "segments": True, "share": ":.1%"},
            color_discrete_sequence=px.colors.qualitative.Dark24, color_discrete_map={"(hors codebook)": "#b0b0b0"},
            labels={"segments": "Segments", "share": "Part", "codebook": "Thème du codebook"},
        )
        figure.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, height=550)
        st.plotly_chart(figure)
        st.caption("Deux thèmes proches sur la carte emploient un vocabulaire proche ; la taille d'un point "
                   "est son nombre de segments.")
