"""Citations: extracts ready to cite for a theme or a query, pseudonymised, and exported for authors."""

import re
from functools import partial

import streamlit as st

from app_pages.common import choose_model, global_filters, show_quote
from textmine.errors import TextmineError
from textmine.exchange.quote_pack import QuotePack, query_section, render, theme_section
from textmine.quotes.citations import fold
from textmine.quotes.filters import SENTIMENTS, TONES, Filters
from textmine.quotes.index import MODES
from textmine.quotes.pseudonymise import Pseudonymiser
from textmine.themes.model import UNASSIGNED
from textmine.views.document import escape_markdown

#: Export format -> (button label, MIME type).
EXPORTS = {
    "csv": ("CSV", "text/csv"),
    "xlsx": ("Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "md": ("Markdown", "text/markdown"),
    "docx": ("Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
MODE_LABELS = {"hybride": "hybride (mots et sens)", "semantique": "sémantique (sens proche)",
               "lexical": "lexical (mots exacts)"}


def slug(text: str) -> str:
    """A file-name part: lower-case ASCII words joined by dashes, short."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:40].strip("-") or "citations"


st.title("Citations")
st.caption("Des extraits prêts à citer, chacun avec sa source, pour un thème ou pour une requête.")

index = choose_model()
metadata_filters = global_filters(index)
labels = index.labels()
themes = [t for t in sorted(labels) if t != UNASSIGNED]

by_theme = st.radio("Chercher", ["Par thème", "Par requête"], horizontal=True, key="citations_by") == "Par thème"
if by_theme:
    if not themes:
        st.info("Ce modèle n'a aucun thème : cherchez plutôt par requête.")
        st.stop()
    topic = st.selectbox("Thème", themes, format_func=labels.get, key="citations_theme")
else:
    query_column, mode_column = st.columns([3, 2])
    query = query_column.text_input("Requête", placeholder="ex. reporting, perte de sens, télétravail",
                                    key="citations_query")
    mode = mode_column.selectbox("Mode de recherche", MODES, format_func=MODE_LABELS.get, key="citations_mode")
    within = st.selectbox("Dans le thème", [None, *themes], key="citations_within",
                          format_func=lambda t: "Tous les thèmes" if t is None else labels[t])

count_column, per_doc_column, tone_column = st.columns(3)
n = count_column.number_input("Nombre de citations", min_value=1, max_value=50, value=10, step=1,
                              key="citations_n")
per_document = per_doc_column.number_input("Au plus, par document", min_value=1, max_value=10, value=1, step=1,
                                           key="citations_per_document")
if index.model.sentiment_backend():
    tones = tone_column.multiselect("Ton", SENTIMENTS, format_func=TONES.get, placeholder="Tous",
                                    key="citations_tones")
else:
    tone_column.multiselect("Ton", SENTIMENTS, format_func=TONES.get, placeholder="Indisponible", disabled=True)
    tone_column.caption("Ce modèle n'a pas de sentiment : le filtre de ton est indisponible.")
    tones = []

mask_column, terms_column = st.columns([1, 2])
pseudonymise = mask_column.toggle("Pseudonymiser", value=True, key="citations_pseudonymise",
                                  help="Noms, courriels, téléphones, NIR et adresses remplacés par des marques "
                                       "(« [Personne 1] »), à l'écran comme dans les exports.")
extra_terms = terms_column.text_input("Autres termes à masquer (séparés par des virgules)", key="citations_terms",
                                      disabled=not pseudonymise, placeholder="ex. projet Horizon, Saint-Omer")

if not by_theme and not query.strip():
    st.info("Saisissez une requête : un mot, une expression ou une question (ex. « reporting »).")
    st.stop()

filters = Filters(sentiment=tuple(tones), where=metadata_filters.where)
try:
    if by_theme:
        section, result = theme_section(index, topic, int(n), filters, int(per_document))
    else:
        section, result = query_section(index, query, int(n), filters, mode, int(per_document), within)
    searched = labels[topic] if by_theme else f"requete {query}"
    pack = QuotePack(f"Citations — {section.title}", [section])
    if result.quotes and pseudonymise:
        pseudonymiser = Pseudonymiser([t for t in extra_terms.split(",") if t.strip()])
        pack = pack.pseudonymise(pseudonymiser)
        # Titles may name someone too (a query, a theme label): they go through the same pseudonymiser,
        # and a query is left out of the file name, where a name the patterns miss would stay visible.
        searched = pseudonymiser.replace(searched) if by_theme else "requete"
        pack.title = pseudonymiser.replace(pack.title)
        pack.sections[0].title = pseudonymiser.replace(pack.sections[0].title)
except TextmineError as exc:
    st.error(str(exc))
    st.stop()

if by_theme:
    if section.definition:
        st.caption(escape_markdown(section.definition))
    if section.terms:
        st.caption("Termes clés : " + escape_markdown(", ".join(section.terms)))
if not result.quotes:
    st.warning(result.message or "Aucune citation trouvée : assouplissez les filtres.")
    st.stop()

quotes = pack.sections[0].quotes
plural = "s" if len(quotes) > 1 else ""
st.subheader(f"{len(quotes)} citation{plural}" + (f" pseudonymisée{plural}" if pack.pseudonymised else ""))
st.caption("Chaque bloc est prêt à copier (bouton en haut à droite) : citation et source.")
for quote in quotes:
    details = [] if by_theme else [f"Thème : {escape_markdown(quote.theme or '—')}"]
    if quote.sentiment:
        details.append(f"Ton : {TONES.get(quote.sentiment, quote.sentiment)}")
    if quote.duplicates:
        s = "s" if quote.duplicates > 1 else ""
        details.append(f"{quote.duplicates} passage{s} presque identique{s} regroupé{s} ici")
    show_quote(quote, details)

st.subheader("Exporter")
name = f"citations-{slug(searched)}"
for column, (fmt, (label, mime)) in zip(st.columns(len(EXPORTS)), EXPORTS.items()):
    column.download_button(label, data=partial(render, pack, fmt), file_name=f"{name}.{fmt}", mime=mime,
                           on_click="ignore", key=f"citations_export_{fmt}", icon=":material/download:")
