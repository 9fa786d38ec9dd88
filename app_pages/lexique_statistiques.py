"""Statistiques: lexical counts of a corpus (whole and per value of a column), frequent forms, Zipf plot,
and the editable list of active forms used by the other lexical screens."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from app_pages import common
from app_pages import lexique_commun as lex
from textmine.errors import TextmineError
from textmine.lexicometry.stats import TITLES, lexical_stats
from textmine.lexicometry.tokens import active_forms

st.title("Statistiques lexicales")
st.caption("Occurrences, formes, lemmes et hapax du corpus, comme l'écran « Statistiques » d'IRaMuTeQ. "
           "La ponctuation n'est pas comptée ; les réponses sans contenu (« RAS ») sont écartées.")

corpus = lex.choose_corpus("lexique_corpus_stats")
tokens = lex.tokens(corpus)
columns = lex.metadata_columns(corpus)
by = st.selectbox("Comparer selon la colonne", ["(aucune)", *columns], key="stats_by")
try:
    stats = lexical_stats(common.workspace(), corpus, None if by == "(aucune)" else by, top=50, tokens=tokens)
except TextmineError as exc:
    st.error(str(exc))
    st.stop()

summary = stats.summary.rename(columns=TITLES)
summary["part des hapax"] = (100 * summary["part des hapax"]).round(1)
st.dataframe(summary.rename(columns={"part des hapax": "part des hapax (%)"}), hide_index=True,
             use_container_width=True)

left, right = st.columns(2)
with left:
    st.subheader("Formes les plus fréquentes")
    st.dataframe(stats.forms.rename(columns=TITLES), hide_index=True, height=360, use_container_width=True)
with right:
    st.subheader("Lemmes les plus fréquents")
    st.dataframe(stats.lemmas.rename(columns=TITLES), hide_index=True, height=360, use_container_width=True)

st.subheader("Loi de Zipf")
figure = px.scatter(stats.zipf, x="rank", y="frequency", log_x=True, log_y=True,
                    labels={"rank": "rang (échelle log)", "frequency": "fréquence (échelle log)"})
figure.update_traces(marker={"size": 4})
figure.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10})
st.plotly_chart(figure, use_container_width=True)
st.caption("Chaque point est une forme : sa fréquence selon son rang. Une droite descendante est la "
           "distribution habituelle d'un texte.")

st.subheader("Formes actives")
st.caption("Lemmes des noms, verbes, adjectifs et adverbes (hors mots outils), comme IRaMuTeQ. La liste "
           "modifiée ici sert aux écrans « Spécificités », « Classification » et « Similitudes » pendant la session.")
settings = lex.active_settings(corpus)
settings["min_freq"] = int(st.number_input("Fréquence minimale", min_value=1, max_value=1000,
                                           value=settings["min_freq"], key="actives_min"))
base = active_forms(tokens, settings["min_freq"])
keep_text = st.text_input("Formes à ajouter (lemmes séparés par des virgules)", value=", ".join(settings["keep"]),
                          key="actives_keep")
settings["keep"] = [w.strip().lower() for w in keep_text.split(",") if w.strip()]
settings["drop"] = st.multiselect("Formes à retirer", sorted(set(base) | set(settings["drop"])),
                                  default=[d for d in settings["drop"] if d in set(base) | set(settings["drop"])],
                                  key="actives_drop")
chosen = active_forms(tokens, settings["min_freq"], keep=settings["keep"], drop=settings["drop"])
missing = [k for k in settings["keep"] if k not in chosen]
if missing:
    st.warning(f"Absentes du corpus, donc ignorées : {', '.join(missing)}.")
st.metric("Formes actives", len(chosen))
st.write(", ".join(chosen[:200]) + (" …" if len(chosen) > 200 else ""))
