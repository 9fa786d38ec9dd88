"""textmine in the browser: navigation and layout only; each screen is in app_pages/."""

import streamlit as st

st.set_page_config(page_title="textmine", page_icon="🔎", layout="wide")

pages = [
    st.Page("app_pages/corpus.py", title="Corpus", icon="📚", default=True),
]
st.navigation(pages).run()
