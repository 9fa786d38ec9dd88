"""Exports: the published model in the files qualitative-analysis tools open, and REFI-QDA codebooks brought back.

Five downloads (REFI-QDA project and codebook, coded segments, NVivo classification, MAXQDA code table),
each with the tool that opens it; then a converter from a .qdc (or .qdpx) codebook to the YAML codebook
that training accepts.
"""

from functools import partial
from pathlib import Path

import streamlit as st

from app_pages.common import choose_model
from textmine.errors import TextmineError
from textmine.exchange import qda_sheets, refiqda
from textmine.quotes.citations import fold
from textmine.views.document import escape_markdown

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: key -> (title, extension, MIME type, builder over a QuoteIndex, which tool opens it and how).
FORMATS = {
    "qdpx": ("Projet REFI-QDA", "qdpx", "application/zip", refiqda.project_archive,
             "Le corpus avec ses thèmes codés : documents, un code par thème (sous son thème du codebook), "
             "un segment codé par passage, métadonnées en variables, fiche du modèle, stabilité et ton en mémos. "
             "S'ouvre par l'import de projet REFI-QDA (QDPX) de NVivo, ATLAS.ti, MAXQDA et QualCoder."),
    "qdc": ("Codebook REFI-QDA", "qdc", "application/xml", refiqda.codebook_document,
            "Les thèmes seuls, avec leur définition et leurs termes clés, pour coder à la main de nouveaux "
            "entretiens. S'importe dans NVivo, ATLAS.ti, MAXQDA, QualCoder et Taguette (import de codebook)."),
    "segments": ("Segments codés", "xlsx", XLSX, qda_sheets.segments_sheet,
                 "Une ligne par segment codé : document, thème, texte, début, fin, ton et métadonnées. "
                 "S'importe comme données d'enquête dans MAXQDA et ATLAS.ti, ou comme jeu de données dans NVivo ; "
                 "se lit aussi dans un tableur."),
    "nvivo": ("Classification NVivo", "xlsx", XLSX, qda_sheets.classification_sheet,
              "Une ligne par cas (document) et une colonne par attribut : métadonnées, thème principal, ton. "
              "Dans NVivo : Importer › Feuille de classification, après le projet REFI-QDA (mêmes noms de cas)."),
    "maxqda": ("Table de codes MAXQDA", "xlsx", XLSX, qda_sheets.codebook_sheet,
               "Colonnes « Code » (sous-codes séparés par « \\ ») et « Memo » (définition et termes). "
               "Dans MAXQDA : Codes › Importer des codes et mémos depuis un tableau Excel."),
}


def file_stem(text: str) -> str:
    """A file-name part made of lower-case ASCII words joined by dashes."""
    return "-".join("".join(c if c.isalnum() and c.isascii() else " " for c in fold(text)).split())[:40] or "modele"


st.title("Exports")
st.caption("Les thèmes et les passages codés voyagent vers les logiciels d'analyse qualitative que vous utilisez "
           "déjà ; les codebooks faits dans ces logiciels reviennent guider l'entraînement.")

index = choose_model()
st.caption(f"Modèle « {escape_markdown(index.model.name)} » du corpus « {escape_markdown(index.corpus)} »")

stem = file_stem(index.model.name)
for key, (title, extension, mime, build, sentence) in FORMATS.items():
    with st.container(border=True):
        text, button = st.columns([4, 1], vertical_alignment="center")
        text.markdown(f"**{title}** (.{extension})")
        text.caption(sentence)
        button.download_button("Télécharger", data=partial(build, index), file_name=f"{stem}-{key}.{extension}",
                               mime=mime, on_click="ignore", key=f"exports_{key}", icon=":material/download:")

st.subheader("Importer un codebook")
st.caption("Un codebook REFI-QDA (.qdc) ou le codebook d'un projet (.qdpx) exporté de NVivo, ATLAS.ti, MAXQDA, "
           "QualCoder ou Taguette devient un codebook YAML : un thème par code, la description comme définition, "
           "les termes de sa ligne « Termes : a, b, c » (à défaut, le nom du code).")
uploaded = st.file_uploader("Codebook REFI-QDA", type=["qdc", "qdpx"], key="exports_codebook")
if uploaded is not None:
    try:
        codes = refiqda.read_codes(uploaded.getvalue(), uploaded.name)
        text = refiqda.codebook_yaml(codes, uploaded.name)
        book, parents = refiqda.flatten(codes, uploaded.name)
    except TextmineError as exc:
        st.error(str(exc))
        st.stop()
    plural = "s" if len(book.themes) > 1 else ""
    st.success(f"{len(book.themes)} thème{plural} lu{plural} dans « {escape_markdown(uploaded.name)} ».")
    st.dataframe(
        [{"Thème": t.name, "Sous-code de": parents[t.name] or "", "Termes": ", ".join(t.terms)} for t in book.themes],
        hide_index=True,
    )
    st.download_button("Codebook YAML", data=text.encode("utf-8"), file_name=f"{Path(uploaded.name).stem}.yaml",
                       mime="application/x-yaml", on_click="ignore", key="exports_yaml", icon=":material/download:")
    st.caption("Entraînez avec ce codebook dans « Corpus et modèles », ou : "
               "`textmine train --corpus CORPUS --model MODELE --codebook fichier.yaml`.")
