"""What the « Analyse lexicale » screens share: the corpus choice and the cached word tokens.

Tokens are cached per corpus fingerprint (``st.cache_data``), so a page load
recomputes nothing until the corpus changes; the edited list of active forms
(Statistiques) is kept in the session for the other screens.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from textmine.errors import TextmineError
from textmine.lexicometry.tokens import corpus_tokens


def choose_corpus(key: str) -> str:
    """A corpus chosen in the sidebar; the corpus of the published model comes first."""
    corpora = [c.name for c in common.store().list_corpora()]
    if not corpora:
        st.info("Aucun corpus dans cet espace de travail. Ouvrez « Corpus et modèles » pour importer des fichiers "
                "ou charger le corpus de démonstration.")
        st.stop()
    published = [c for c in corpora if c in common.registry().published()]
    ordered = published + [c for c in corpora if c not in published]
    remembered = st.session_state.get("corpus")
    default = ordered.index(remembered) if remembered in ordered else 0
    return st.sidebar.selectbox("Corpus", ordered, index=default, key=key)


def published_model(corpus: str) -> str | None:
    return common.registry().published().get(corpus)


@st.cache_data(show_spinner="Découpage en mots et lemmatisation du corpus…", max_entries=4)
def _tokens(home: str, corpus: str, fingerprint: str) -> pd.DataFrame:  # noqa: ARG001 - fingerprint keys the cache
    return corpus_tokens(common.workspace(), corpus)


def tokens(corpus: str) -> pd.DataFrame:
    """The corpus's word tokens, cached until its content changes; stops the page on an error."""
    try:
        fingerprint = common.store().corpus_fingerprint(corpus)
        return _tokens(str(common.workspace().home), corpus, fingerprint)
    except TextmineError as exc:
        st.error(str(exc))
        st.stop()


def fingerprint(corpus: str) -> str:
    return common.store().corpus_fingerprint(corpus)


def active_settings(corpus: str) -> dict:
    """The user's edits of the active forms of ``corpus`` (minimum frequency, kept and dropped forms)."""
    return st.session_state.setdefault("formes_actives", {}).setdefault(
        corpus, {"min_freq": 3, "keep": [], "drop": []})


def metadata_columns(corpus: str) -> list[str]:
    """Metadata columns with at least two values, as choices."""
    summaries = common.store().column_summaries(corpus)
    return [s.name for s in summaries if s.distinct >= 2]
