"""What every screen shares: the workspace, the chosen model, the global filters.

Loading is cached across reruns and sessions (``st.cache_resource``) and keyed
by the files' modification times, so an edit or a new model shows at once
while a page load never recomputes anything.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from textmine.errors import TextmineError
from textmine.quotes.filters import Filters
from textmine.quotes.index import QuoteIndex
from textmine.store import Store
from textmine.themes.model import TrainedModel
from textmine.themes.registry import Registry
from textmine.workspace import Workspace

#: Metadata columns offered as global filters, when the corpus has them.
FILTER_COLUMNS = ("organisme", "fonction", "source", "branche", "annee")
_LABELS = {"organisme": "Organismes", "fonction": "Fonctions", "source": "Types de source", "branche": "Branches",
           "annee": "Années"}


def workspace() -> Workspace:
    return Workspace.from_env()


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(Path(path))


def store() -> Store:
    """The workspace's store, opened once per process (SQLite in WAL mode: reads never block)."""
    try:
        return _store(str(workspace().db_path))
    except TextmineError as exc:
        st.error(str(exc))
        st.stop()


def registry() -> Registry:
    return Registry(workspace().models_dir)


def _stamp(path: Path) -> float:
    """Changes whenever the model is retrained or its themes are edited."""
    files = [path / "card.json", path / "edits.json"]
    return sum(f.stat().st_mtime_ns for f in files if f.exists())


@st.cache_resource(show_spinner="Chargement du modèle…", max_entries=4)
def _index(home: str, name: str, stamp: float) -> QuoteIndex:  # noqa: ARG001 - stamp keys the cache
    ws = Workspace(Path(home))
    model = TrainedModel.load(Registry(ws.models_dir), name)
    return QuoteIndex(_store(str(ws.db_path)), model, ws.home / "cache" / "embeddings")


def index_of(name: str) -> QuoteIndex:
    """The quote index (model, sentences, metadata) of a model, cached until the model changes."""
    path = registry().require(name)
    return _index(str(workspace().home), name, _stamp(path))


def choose_model() -> QuoteIndex:
    """The model the screens show: the published model of the corpus chosen in the sidebar.

    Stops the page with a helpful message when there is nothing to show yet.
    """
    corpora = [c.name for c in store().list_corpora()]
    if not corpora:
        st.info("Aucun corpus dans cet espace de travail. Ouvrez « Corpus et modèles » pour importer des fichiers "
                "ou charger le corpus de démonstration.")
        st.page_link("app_pages/corpus.py", label="Aller à « Corpus et modèles »", icon=":material/library_books:")
        st.stop()
    published = registry().published()
    shown = [c for c in corpora if c in published]
    if not shown:
        st.info("Aucun modèle de thèmes n'est encore publié : entraînez-en un dans « Corpus et modèles » "
                "(ou avec « textmine train »).")
        st.page_link("app_pages/corpus.py", label="Aller à « Corpus et modèles »", icon=":material/library_books:")
        st.stop()
    default = st.session_state.get("corpus") if st.session_state.get("corpus") in shown else shown[0]
    corpus = st.sidebar.selectbox("Corpus", shown, index=shown.index(default), key="corpus_choice")
    st.session_state["corpus"] = corpus
    try:
        return index_of(published[corpus])
    except TextmineError as exc:
        st.error(str(exc))
        st.stop()


def global_filters(index: QuoteIndex) -> Filters:
    """Sidebar filters on organisme, fonction, source, branche, années, applied on every screen."""
    where: dict[str, tuple[str, ...]] = {}
    st.sidebar.markdown("**Filtres**")
    for column in FILTER_COLUMNS:
        if column not in index.columns:
            continue
        values = sorted({str(m[column]) for m in index.metadata.values() if m.get(column) not in (None, "")})
        if len(values) < 2:
            continue
        chosen = st.sidebar.multiselect(_LABELS[column], values, key=f"filtre_{column}_{index.corpus}",
                                        placeholder="Tous")
        if chosen:
            where[column] = tuple(chosen)
    filters = Filters(where=where)
    if filters:
        st.sidebar.caption(f"Filtres actifs : {filters.describe()}")
    return filters


def kept_documents(index: QuoteIndex, filters: Filters) -> set[int] | None:
    """Ids of the documents passing the metadata filters (None: all of them)."""
    return filters.documents(index.metadata, index.columns)


def pick_column(index: QuoteIndex, label: str, key: str) -> str | None:
    """A metadata column to compare groups by (organisme first), or None, said on the page, when there is none."""
    from textmine.views.overview import breakdown_columns

    columns = breakdown_columns(index)
    if not columns:
        st.info("Ce corpus n'a pas de colonne de métadonnées à au moins deux valeurs : rien à comparer.")
        return None
    default = columns.index("organisme") if "organisme" in columns else 0
    return st.selectbox(label, columns, index=default, key=key)


def show_quote(quote, details: list[str]) -> None:  # noqa: ANN001 - a quotes.index.Quote
    """One quote, shown the same way on every screen and in every export: « text » — source,
    in a block ready to copy (button at its top right), with ``details`` on a caption line."""
    with st.container(border=True):
        st.code(quote.cited(), language=None, wrap_lines=True)
        if details:
            st.caption(" · ".join(details))
