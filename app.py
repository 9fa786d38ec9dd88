"""textmine in the browser: navigation and layout only; each screen is in app_pages/."""

import streamlit as st

st.set_page_config(page_title="textmine", page_icon="🔎", layout="wide")

pages = {
    "Explorer": [
        st.Page("app_pages/themes.py", title="Thèmes", icon="🧭", default=True),
        st.Page("app_pages/theme.py", title="Thème", icon="🔍"),
        st.Page("app_pages/citations.py", title="Citations", icon="💬"),
        st.Page("app_pages/documents.py", title="Documents", icon="📄"),
    ],
    "Analyser": [
        st.Page("app_pages/corpus.py", title="Corpus et modèles", icon="📚"),
    ],
}
st.navigation(pages).run()
