"""Rapport: the study report of a model in one click, as a Word document or a web page, to download."""

import re
import time

import streamlit as st

from app_pages.common import choose_model, index_of, registry
from textmine.errors import TextmineError
from textmine.quotes.citations import fold
from textmine.report import FORMATS, MAX_QUOTES, gather, render
from textmine.views.overview import breakdown_columns

FORMAT_LABELS = {"docx": "Word (DOCX)", "html": "Page web (HTML)"}


def topic_models(corpus: str) -> list[str]:
    """The corpus's theme models (sentiment models left out), by name."""
    found = []
    for name in registry().names():
        path = registry().path(name)
        try:
            if (path / "themes.json").is_file() and registry().card(name)["corpus"]["name"] == corpus:
                found.append(name)
        except (KeyError, OSError, ValueError):
            continue  # a model folder being written or from another version: not offered
    return found


def file_name(model: str, fmt: str) -> str:
    return f"rapport-{re.sub(r'[^a-z0-9]+', '-', fold(model)).strip('-') or 'modele'}.{fmt}"


def size_text(size: int) -> str:
    return f"{max(1, round(size / 1000))} ko" if size < 1e6 else f"{size / 1e6:.1f} Mo".replace(".", ",")


st.title("Rapport")
st.caption("Le rapport d'étude d'un modèle, prêt à relire et à compléter : page de titre, méthode vérifiable, "
           "synthèse des thèmes avec graphiques, puis une section par thème avec ses citations et leur source.")

published = choose_model()
models = topic_models(published.corpus) or [published.model.name]
model = st.selectbox("Modèle", models, index=models.index(published.model.name) if published.model.name in models
                     else 0, help="Par défaut, le modèle publié du corpus.", key="report_model")
try:
    index = index_of(model)
except TextmineError as exc:
    st.error(str(exc))
    st.stop()

columns = breakdown_columns(index)
left, right = st.columns(2)
if columns:
    by = left.selectbox("Répartition des thèmes selon", columns,
                        index=columns.index("organisme") if "organisme" in columns else 0, key="report_by")
else:
    by = None
    left.info("Ce corpus n'a pas de colonne de métadonnées à au moins deux valeurs : le rapport le dira.")
n = right.number_input("Citations par thème", min_value=1, max_value=MAX_QUOTES, value=5, step=1, key="report_n")
left, right = st.columns(2)
pseudonymise = left.checkbox("Pseudonymiser", value=True, key="report_pseudonymise",
                             help="Noms, courriels, téléphones, NIR et adresses remplacés par des marques "
                                  "(« [Personne 1] ») dans les citations, les libellés et les valeurs citées ; "
                                  "le choix est écrit dans la méthode du rapport.")
fmt = right.radio("Format", list(FORMATS), format_func=FORMAT_LABELS.get, horizontal=True, key="report_format")
if not pseudonymise:
    st.warning("Rapport non pseudonymisé : les citations seront reproduites telles qu'elles ont été écrites.")

options = (model, by, int(n), pseudonymise, fmt)
if st.button("Construire le rapport", type="primary", icon=":material/description:"):
    started = time.perf_counter()
    try:
        with st.spinner("Construction du rapport : thèmes, graphiques et citations…"):
            report = gather(index, pseudonymise, int(n), by)
            data = render(report, fmt)
    except TextmineError as exc:
        st.error(str(exc))
        st.stop()
    st.session_state["report_built"] = {
        "options": options, "data": data, "sections": report.sections, "themes": len(report.themes),
        "seconds": time.perf_counter() - started,
    }

built = st.session_state.get("report_built")
if built and built["options"] == options:
    seconds = f"{built['seconds']:.1f}".replace(".", ",")
    st.success(f"Rapport prêt : {built['sections']} sections dont {built['themes']} thèmes, "
               f"{size_text(len(built['data']))}, construit en {seconds} s.")
    st.download_button(f"Télécharger le rapport ({FORMAT_LABELS[fmt]})", built["data"], file_name=file_name(model, fmt),
                       mime=FORMATS[fmt][1], type="primary", icon=":material/download:")
elif built:
    st.caption("Les options ont changé : construisez de nouveau le rapport pour le télécharger.")
