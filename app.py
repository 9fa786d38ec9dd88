"""textmine in the browser: navigation and layout only; each screen is in app_pages/."""

import streamlit as st

st.set_page_config(page_title="textmine", page_icon=":material/manage_search:", layout="wide")

pages = {
    "Explorer": [
        st.Page("app_pages/themes.py", title="Thèmes", icon=":material/hub:", default=True),
        st.Page("app_pages/theme.py", title="Thème", icon=":material/topic:"),
        st.Page("app_pages/citations.py", title="Citations", icon=":material/format_quote:"),
        st.Page("app_pages/documents.py", title="Documents", icon=":material/description:"),
        st.Page("app_pages/report.py", title="Rapport", icon=":material/summarize:"),
    ],
    "Analyser": [
        st.Page("app_pages/corpus.py", title="Corpus et modèles", icon=":material/library_books:"),
        st.Page("app_pages/exports.py", title="Exports", icon=":material/ios_share:"),
    ],
    "Analyse lexicale": [
        st.Page("app_pages/lexique_statistiques.py", title="Statistiques", icon=":material/bar_chart:"),
        st.Page("app_pages/lexique_specificites.py", title="Spécificités", icon=":material/compare_arrows:"),
        st.Page("app_pages/lexique_classification.py", title="Classification", icon=":material/account_tree:"),
        st.Page("app_pages/lexique_similitudes.py", title="Similitudes", icon=":material/scatter_plot:"),
    ],
}
st.navigation(pages).run()
