"""Thème: one theme in depth — what it is, quotes to cite, its tone, where and when it appears,
its documents — and the edits a user makes to it (rename, merge, delete)."""

import re
from collections.abc import Callable

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from app_pages.common import choose_model, global_filters, kept_documents, pick_column, show_quote
from textmine.errors import TextmineError
from textmine.quotes.filters import TONES
from textmine.views import overview

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """Text from the corpus or the user, shown literally inside Markdown elements."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def edit(change: Callable[[], object], message: str) -> None:
    """Apply a theme edit, then rerun so that every label shows the change at once."""
    try:
        change()
    except TextmineError as exc:
        st.error(str(exc))
        return
    st.session_state["theme_message"] = message
    st.rerun()


st.title("Thème")
index = choose_model()
filters = global_filters(index)
documents = kept_documents(index, filters)

if message := st.session_state.pop("theme_message", None):
    st.success(message)

table = overview.theme_table(index, documents)
if table.empty:
    st.info("Ce modèle n'a plus aucun thème : tous ont été supprimés.")
    st.stop()
names = {int(t): label for t, label in zip(table["topic"], table["label"])}
order = list(names)
wanted = st.session_state.get("topic")
topic = st.selectbox("Thème", order, index=order.index(wanted) if wanted in order else 0, format_func=names.get)
st.session_state["topic"] = topic
row = table.set_index("topic").loc[topic]
info = index.theme_info(topic)

# -- what the theme is ------------------------------------------------------------------

st.header(plain(names[topic]), anchor=False)
if info["codebook"]:
    st.markdown(f"**Thème du codebook :** {plain(info['codebook'])}")
    if info["definition"]:
        st.caption(plain(info["definition"]))
else:
    st.caption("Thème découvert dans le corpus, sans correspondance dans le codebook.")
st.markdown(f"**Mots-clés :** {plain(', '.join(info['terms']))}")
share, segments, docs = st.columns(3)
share.metric("Part des segments", overview.percent(row["share"]))
segments.metric("Segments", int(row["segments"]))
docs.metric("Documents", int(row["documents"]), help="Documents dont c'est le thème principal")
if steadiness := overview.theme_stability(index, topic):
    st.markdown(steadiness, help=overview.stability_help(index))
if filters:
    st.caption(f"Filtres : {plain(filters.describe())}")

# -- quotes ---------------------------------------------------------------------------------

st.subheader("Citations représentatives", anchor=False)
n = st.slider("Nombre de citations", min_value=1, max_value=30, value=5, key="theme_quotes")
try:
    result = index.for_theme(topic, n, filters)
except TextmineError as exc:
    st.error(str(exc))
else:
    if result.message:
        st.info(result.message)
    if result.quotes:
        st.caption("Chaque bloc est prêt à copier (bouton en haut à droite) : citation et source.")
    for quote in result.quotes:
        show_quote(quote, [f"Ton : {TONES[quote.sentiment]}"] if quote.sentiment in TONES else [])

# -- tone -----------------------------------------------------------------------------------

st.subheader("Ton et émotions", anchor=False)
tone = overview.theme_sentiment(index, topic, documents)
if tone is None:
    st.info(overview.no_sentiment_message(index))
elif tone.segments == 0:
    st.info("Aucun segment de ce thème dans les documents retenus.")
else:
    st.metric("Ton moyen", overview.signed(tone.score), help="De -1 (négatif) à +1 (positif)")
    tones, scores = st.columns(2)
    names_fr = [TONES[t] for t in tone.tones["tone"]]
    figure = go.Figure([
        go.Bar(name="Ce thème", x=names_fr, y=tone.tones["share"]),
        go.Bar(name="Tous les thèmes", x=names_fr, y=tone.tones["overall_share"]),
    ])
    figure.update_layout(title="Ton des segments", yaxis={"tickformat": ".0%"}, barmode="group")
    tones.plotly_chart(figure)
    figure = px.histogram(x=tone.scores, nbins=20, labels={"x": "Score de ton (-1 à +1)"}, title="Scores")
    figure.update_layout(yaxis_title="Segments")
    scores.plotly_chart(figure)
    if tone.emotions.empty:
        st.caption("Aucune émotion repérée dans les segments de ce thème.")
    else:
        figure = px.bar(tone.emotions, x="segments", y="emotion", orientation="h", title="Émotions repérées",
                        labels={"segments": "Segments", "emotion": ""})
        figure.update_layout(yaxis={"autorange": "reversed"})
        st.plotly_chart(figure)

# -- where and when ------------------------------------------------------------------------

st.subheader("Répartition", anchor=False)
column = pick_column(index, "Selon la colonne", key="theme_column")
if column is not None:
    spread = overview.theme_by_column(index, topic, column, documents)
    if spread.empty:
        st.info(f"Aucun des documents retenus n'a de valeur pour « {column} ».")
    else:
        figure = px.bar(
            spread.assign(value=spread["value"].astype(str)), x="value", y="share", color="contrast",
            color_continuous_scale="RdBu_r", range_color=(-2, 2),
            hover_data={"segments": True, "theme_segments": True, "ratio": ":.2f", "contrast": False},
            labels={"value": column, "share": "Part des segments du groupe", "ratio": "× ensemble",
                    "segments": "Segments du groupe", "theme_segments": "Segments du thème"},
        )
        figure.update_layout(yaxis={"tickformat": ".0%"}, xaxis={"type": "category"},
                             coloraxis_colorbar={"title": "Représentation", "tickvals": [-2, -1, 0, 1, 2],
                                                 "ticktext": ["÷4", "÷2", "=", "×2", "×4"]})
        st.plotly_chart(figure)
        st.caption("Couleur : rouge quand le thème est plus fréquent dans ce groupe que dans l'ensemble, "
                   "bleu quand il l'est moins (pour les petits groupes, l'écart est atténué).")

year = overview.year_column(index)
if year is None:
    st.info(f"Le corpus « {index.corpus} » n'a ni colonne « annee » ni colonne de date : "
            "l'évolution dans le temps n'est pas disponible.")
else:
    evolution = overview.theme_by_column(index, topic, year, documents)
    if not evolution.empty:
        figure = px.line(evolution, x="value", y="share", markers=True, title="Dans le temps",
                         hover_data={"theme_segments": True, "segments": True},
                         labels={"value": "Année", "share": "Part des segments de l'année",
                                 "theme_segments": "Segments du thème", "segments": "Segments de l'année"})
        figure.update_layout(yaxis={"tickformat": ".0%", "rangemode": "tozero"}, xaxis={"dtick": 1})
        st.plotly_chart(figure)

# -- documents ------------------------------------------------------------------------------

st.subheader("Documents", anchor=False)
holding = overview.theme_documents(index, topic, documents)
st.caption(f"{len(holding)} documents contiennent ce thème.")
st.dataframe(
    holding,
    hide_index=True,
    placeholder="—",
    column_config={
        "document_id": st.column_config.NumberColumn("Doc", format="%d"),
        "original_id": st.column_config.TextColumn("Id d'origine"),
        "share": st.column_config.ProgressColumn("Part du document", format="percent", min_value=0.0,
                                                 max_value=1.0),
        "main": st.column_config.TextColumn("Thème principal"),
        "excerpt": st.column_config.TextColumn("Début du texte", width="large"),
    },
)

# -- edits ----------------------------------------------------------------------------------

st.subheader("Modifier ce thème", anchor=False)
st.caption("Les modifications sont enregistrées avec le modèle ; l'entraînement d'origine reste intact.")
rename, merge, delete = st.tabs(["Renommer", "Fusionner", "Supprimer"])
with rename:
    label = st.text_input("Nouveau libellé", value=names[topic], key=f"theme_label_{topic}")
    if st.button("Renommer"):
        edit(lambda: index.model.rename(topic, label), f"Thème renommé en « {plain(' '.join(label.split()))} ».")
with merge:
    others = st.multiselect("Fusionner avec", [t for t in order if t != topic], format_func=names.get,
                            key=f"theme_merge_{topic}", placeholder="Choisissez un ou plusieurs thèmes")
    merged = st.text_input("Libellé du thème fusionné (facultatif)", key=f"theme_merged_label_{topic}")
    if st.button("Fusionner", disabled=not others):
        edit(lambda: index.model.merge([topic, *others], merged or None),
             f"{len(others) + 1} thèmes fusionnés.")
with delete:
    confirmed = st.checkbox("Je confirme : les segments de ce thème deviendront « sans thème ».",
                            key=f"theme_delete_{topic}")
    if st.button("Supprimer ce thème", disabled=not confirmed):
        st.session_state["topic"] = None
        edit(lambda: index.model.delete(topic), f"Thème « {plain(names[topic])} » supprimé.")
