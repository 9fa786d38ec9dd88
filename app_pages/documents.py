"""Documents: browse the testimonies, read one in its themes and tones, and search a word in context."""

import json

import pandas as pd
import streamlit as st

from app_pages.common import choose_model, global_filters
from textmine.errors import TextmineError
from textmine.quotes.filters import SENTIMENTS, TONES, Filters
from textmine.quotes.index import QuoteIndex
from textmine.quotes.kwic import concordance
from textmine.themes.model import UNASSIGNED
from textmine.views.document import (
    DocumentBrowser,
    escape_markdown,
    legend_html,
    render_html,
)


@st.cache_resource(show_spinner="Lecture des documents…", max_entries=4)
def _browser(_index: QuoteIndex, model: str, edits: str) -> DocumentBrowser:
    return DocumentBrowser(_index)


def browser(index: QuoteIndex) -> DocumentBrowser:
    """The documents of the chosen model, read once until its themes are edited."""
    return _browser(index, str(index.model.path), json.dumps(index.model.edits, sort_keys=True))


def tone_filter(label: str, key: str, has_sentiment: bool, column=st) -> list[str]:
    """A tone multiselect, or a disabled one with a note when the model has no sentiment."""
    if has_sentiment:
        return column.multiselect(label, SENTIMENTS, format_func=TONES.get, placeholder="Tous", key=key)
    column.multiselect(label, SENTIMENTS, format_func=TONES.get, placeholder="Indisponible", disabled=True,
                       key=f"{key}_off")
    column.caption("Ce modèle n'a pas de sentiment : le filtre de ton est indisponible.")
    return []


def theme_filter(label: str, key: str, labels: dict[int, str], column=st) -> int | None:
    themes = [None, *(t for t in sorted(labels) if t != UNASSIGNED), UNASSIGNED]
    return column.selectbox(label, themes, key=key, format_func=lambda t: "Tous" if t is None else labels[t])


def show_document(documents: DocumentBrowser, document_id: int) -> None:
    view = documents.view(document_id)
    st.subheader(f"Document {escape_markdown(view.original_id)}")
    sheet, legend = st.columns([1, 1])
    sheet.dataframe(pd.DataFrame(view.fields(), columns=["champ", "valeur"]), hide_index=True, width="stretch",
                    column_config={"champ": st.column_config.TextColumn(width="medium"),
                                   "valeur": st.column_config.TextColumn(width="large")})
    legend.markdown("**Thèmes des passages**")
    legend.html(legend_html(view.spans, tones=documents.has_sentiment))
    legend.caption("Chaque passage est surligné de la couleur de son thème, numéroté comme dans la légende"
                   + (", suivi de son ton." if documents.has_sentiment else "."))
    with st.container(border=True):
        st.html(render_html(view.spans))


def browse(index: QuoteIndex, documents: DocumentBrowser, metadata: Filters) -> None:
    search, theme, tone = st.columns([3, 2, 2])
    contains = search.text_input("Rechercher dans les textes", placeholder="ex. reporting, équipe soudée",
                                 key="documents_contains")
    topic = theme_filter("Thème principal", "documents_theme", documents.labels, theme)
    tones = tone_filter("Ton du document", "documents_tones", documents.has_sentiment, tone)
    try:
        table = documents.table(Filters(sentiment=tuple(tones), where=metadata.where), contains, topic)
    except TextmineError as exc:
        st.error(str(exc))
        return
    if table.empty:
        words = f"« {escape_markdown(contains)} »"
        if contains.strip() and not (metadata or tones or topic is not None):
            st.warning(f"Aucun document ne contient {words} : essayez un autre mot ou une expression plus courte.")
        else:
            st.warning("Aucun document ne passe les filtres" + (f" en contenant {words}" if contains.strip() else "")
                       + " : assouplissez les filtres.")
        return
    st.caption(f"{len(table)} document{'s' if len(table) > 1 else ''} sur {len(index.texts)} — "
               "cliquez sur une ligne pour lire le document.")
    event = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="single-row", key="documents_table")
    ids = list(table.index)
    rows = [r for r in (event.selection.rows if event is not None else []) if r < len(ids)]
    picked = ids[rows[0]] if rows else None
    if picked is not None and st.session_state.get("documents_picked") != picked:
        st.session_state["documents_chosen"] = picked  # a click in the table opens that document
    st.session_state["documents_picked"] = picked
    if st.session_state.get("documents_chosen") not in ids:
        st.session_state["documents_chosen"] = ids[0]  # set, not dropped, so that the browser shows it too
    chosen = st.selectbox("Document à lire", ids, key="documents_chosen",
                          format_func=lambda d: table.at[d, "id d'origine"])
    try:
        show_document(documents, int(chosen))
    except TextmineError as exc:
        st.error(str(exc))


def concordance_tab(index: QuoteIndex, documents: DocumentBrowser, metadata: Filters) -> None:
    st.caption("Chaque occurrence d'un mot ou d'une expression, dans son contexte, avec sa source. "
               "Terminez par * pour les mots qui commencent ainsi (ex. « indicat* »).")
    term_column, lemma_column = st.columns([3, 2])
    term = term_column.text_input("Mot ou expression", placeholder="ex. reporting, perte de sens", key="kwic_term")
    lemma = lemma_column.checkbox("Toutes les formes (lemme)", key="kwic_lemma",
                                  help="« dossier » trouve aussi « dossiers » ; « traiter » trouve « traité ».")
    theme_column, tone_column, width_column, limit_column = st.columns(4)
    topic = theme_filter("Thème", "kwic_theme", documents.labels, theme_column)
    tones = tone_filter("Ton", "kwic_tones", documents.has_sentiment, tone_column)
    width = width_column.slider("Contexte (caractères)", min_value=20, max_value=200, value=60, step=10,
                                key="kwic_width")
    limit = limit_column.number_input("Lignes au plus", min_value=10, max_value=1000, value=100, step=10,
                                      key="kwic_limit")
    if not term.strip():
        st.info("Saisissez un mot ou une expression pour voir ses occurrences (ex. « reporting »).")
        return
    try:
        with st.spinner("Recherche des occurrences…"):
            found = concordance(index.store, index.corpus, term, lemma=lemma, index=index, topic=topic,
                                filters=Filters(sentiment=tuple(tones), where=metadata.where),
                                width=int(width), limit=int(limit))
    except TextmineError as exc:
        st.error(str(exc))
        return
    if not found.lines:
        st.warning(found.message or f"« {term.strip()} » n'apparaît dans aucun texte retenu.")
        return
    sentences, shown = found.total, len(found.lines)
    st.caption(f"{'Au moins ' if found.partial else ''}{sentences} phrase{'s' if sentences > 1 else ''} contenant « {escape_markdown(term)} » ; "
               f"{shown} occurrence{'s' if shown > 1 else ''} affichée{'s' if shown > 1 else ''}.")
    lines = pd.DataFrame(
        {
            "gauche": [line.left for line in found.lines],
            "occurrence": [line.match for line in found.lines],
            "droite": [line.right for line in found.lines],
            "thème": [line.theme or "—" for line in found.lines],
            "ton": [TONES.get(line.sentiment or "", "—") for line in found.lines],
            "source": [line.citation.reference() for line in found.lines],
        }
    )
    st.dataframe(lines, hide_index=True, width="stretch", column_config={
        "gauche": st.column_config.TextColumn(width="large", alignment="right"),
        "occurrence": st.column_config.TextColumn(alignment="center"),
        "droite": st.column_config.TextColumn(width="large"),
    })


st.title("Documents")
index = choose_model()
metadata_filters = global_filters(index)
try:
    documents = browser(index)
except TextmineError as exc:
    st.error(str(exc))
    st.stop()

browse_tab, kwic_tab = st.tabs(["Parcourir", "Concordance"])
with browse_tab:
    browse(index, documents, metadata_filters)
with kwic_tab:
    concordance_tab(index, documents, metadata_filters)
