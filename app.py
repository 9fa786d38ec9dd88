"""textmine in the browser: navigation and layout only; each screen is in app_pages/."""

import streamlit as st

st.set_page_config(page_title="textmine", page_icon=":material/manage_search:", layout="wide")

pages = {
    "Explorer": [
        st.Page("app_pages/themes.py", title="Thèmes", icon=":material/hub:", default=True),
        st.Page("app_pages/theme.py", title="Thème", icon=":material/topic:"),
        st.Page("app_pages/citations.py", title="Citations", icon=":material/format_quote:"),
        st.Page("app_pages/documents.py", title="Documents", icon=":material/description:"),
    ],
    "Analyser": [
        st.Page("app_pages/corpus.py", title="Corpus et modèles", icon=":material/library_books:"),
    ],
}
st.navigation(pages).run()
