"""Corpus screen: what the workspace holds, column by column, and the documents."""

import pandas as pd
import streamlit as st

from textmine.errors import TextmineError
from textmine.workspace import Workspace

SHOWN = 200

st.title("Corpus")
try:
    store = Workspace.from_env().open_store()
    corpora = store.list_corpora()
except TextmineError as exc:
    st.error(str(exc))
    st.stop()

if not corpora:
    st.info(
        "Aucun corpus dans cet espace de travail. Importez des fichiers avec "
        "« textmine ingest FICHIER --corpus NOM », ou le corpus de démonstration avec « textmine demo »."
    )
    st.stop()

name = st.selectbox("Corpus", [c.name for c in corpora])
info = next(c for c in corpora if c.name == name)
documents, files, boilerplate = st.columns(3)
documents.metric("Documents", info.documents)
files.metric("Fichiers importés", info.files)
boilerplate.metric("Réponses sans contenu", info.boilerplate)

st.subheader("Métadonnées")
summaries = store.column_summaries(name)
if summaries:
    st.dataframe(
        pd.DataFrame(
            {
                "colonne": [c.name for c in summaries],
                "type": [c.type for c in summaries],
                "documents": [c.documents for c in summaries],
                "valeurs distinctes": [c.distinct for c in summaries],
                "valeurs les plus fréquentes": [
                    ", ".join(f"{v} ({n})" for v, n in c.top) for c in summaries
                ],
            }
        ),
        hide_index=True,
        use_container_width=True,
    )
else:
    st.caption("Ce corpus n'a pas de métadonnées.")

st.subheader("Documents")
query = st.text_input("Rechercher un mot ou une expression dans les textes")
docs = list(store.documents(name, contains=query or None, limit=SHOWN))
if not docs:
    st.warning(f"Aucun document ne contient « {query} ». Essayez un mot plus court ou sans accent.")
    st.stop()
table = pd.DataFrame(
    [
        {
            "doc": d["id"],
            "id d'origine": d["original_id"],
            "texte": d["text"],
            **d["metadata"],
            "sans contenu": d["boilerplate"],
        }
        for d in docs
    ]
)
st.caption(f"{len(docs)} premiers documents" if len(docs) == SHOWN else f"{len(docs)} documents")
st.dataframe(table, hide_index=True, use_container_width=True)
