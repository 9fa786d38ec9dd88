"""« Corpus et modèles » (analysts): import files, train and compare models, publish one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import registry, store, workspace
from textmine import jobs
from textmine.embeddings.lexical import DEFAULT_WEIGHT
from textmine.errors import TextmineError
from textmine.ingest import ingest, uploads
from textmine.themes.model import TrainedModel, compare

SHOWN = 200
EMBEDDINGS = {
    "e5-small": "e5-small : sens des phrases, recommandé (lent la première fois, puis en cache)",
    "use-multilingual": "use-multilingual : sens des phrases, 3 à 10 fois plus rapide qu'e5-small",
    "tfidf-svd": "tfidf-svd : mots seulement, très rapide",
    "sentence-transformers": "sentence-transformers : un modèle de votre choix (nom ou dossier)",
}
METRICS = {"themes": "thèmes", "segments": "segments", "outliers_after": "part sans thème", "diversity": "diversité",
           "coherence_npmi": "cohérence NPMI", "codebook_matched": "thèmes du codebook", "nmi": "NMI", "ami": "AMI",
           "ari": "ARI"}

st.title("Corpus et modèles")
ws = workspace()
db = store()
corpora = db.list_corpora()


@st.fragment(run_every=2)
def running_jobs() -> None:
    """Jobs in progress, refreshed every two seconds without reloading the page."""
    found = jobs.jobs(ws)[:5]
    active = [j for j in found if j["status"] == jobs.RUNNING]
    for job in found:
        title = "Préparation de la démonstration" if job["kind"] == "demo" else f"Entraînement de « {job['params'].get('name')} »"
        if job["status"] == jobs.RUNNING:
            st.progress(jobs.fraction(job), text=f"{title} — {jobs.describe(job)}")
        elif job["status"] == jobs.DONE:
            st.success(f"{title} : {job['message']}", icon=":material/check_circle:")
        else:
            st.error(f"{title} : {job['message']}")
    if st.session_state.get("had_jobs") and not active:
        st.session_state["had_jobs"] = False
        st.rerun(scope="app")
    st.session_state["had_jobs"] = bool(active)


if not corpora:
    st.info("Cet espace de travail est vide. Commencez par le corpus de démonstration (490 témoignages, réponses "
            "d'enquête et extraits de rapports fictifs), ou importez vos fichiers dans l'onglet « Importer ».")
    if st.button("Charger le corpus de démonstration", type="primary"):
        try:
            jobs.start(ws, "demo")
        except TextmineError as exc:
            st.error(str(exc))
running_jobs()

tab_corpus, tab_import, tab_train, tab_models = st.tabs(["Corpus", "Importer", "Entraîner", "Modèles"])

with tab_corpus:
    if not corpora:
        st.caption("Aucun corpus pour l'instant.")
    else:
        name = st.selectbox("Corpus", [c.name for c in corpora], key="corpus_page_corpus")
        info = next(c for c in corpora if c.name == name)
        documents, files, boilerplate = st.columns(3)
        documents.metric("Documents", info.documents)
        files.metric("Fichiers importés", info.files)
        boilerplate.metric("Réponses sans contenu", info.boilerplate)
        summaries = db.column_summaries(name)
        if summaries:
            st.dataframe(
                pd.DataFrame({
                    "colonne": [c.name for c in summaries],
                    "type": [c.type for c in summaries],
                    "documents": [c.documents for c in summaries],
                    "valeurs distinctes": [c.distinct for c in summaries],
                    "valeurs les plus fréquentes": [", ".join(f"{v} ({n})" for v, n in c.top) for c in summaries],
                }),
                hide_index=True, use_container_width=True,
            )
        else:
            st.caption("Ce corpus n'a pas de métadonnées.")
        query = st.text_input("Rechercher un mot ou une expression dans les textes")
        docs = list(db.documents(name, contains=query or None, limit=SHOWN))
        if not docs:
            st.warning(f"Aucun document ne contient « {query} ». Essayez un mot plus court ou sans accent.")
        else:
            table = pd.DataFrame([
                {"doc": d["id"], "id d'origine": d["original_id"], "texte": d["text"], **d["metadata"],
                 "sans contenu": d["boilerplate"]}
                for d in docs
            ])
            st.caption(f"{len(docs)} premiers documents" if len(docs) == SHOWN else f"{len(docs)} documents")
            st.dataframe(table, hide_index=True, use_container_width=True)

with tab_import:
    st.caption("Formats : CSV, TSV, XLSX, TXT (texte brut ou IRaMuTeQ), DOCX, PDF avec couche texte, JSONL ; "
               f"{uploads.MAX_BYTES // 2**20} Mo au plus par envoi.")
    with st.form("import", clear_on_submit=False):
        sent = st.file_uploader("Fichiers", accept_multiple_files=True,
                                type=[t for t in uploads.ALLOWED if t not in ("yaml", "yml")])
        existing = [c.name for c in corpora]
        target = st.selectbox("Corpus", ["Nouveau corpus…", *existing])
        new_name = st.text_input("Nom du nouveau corpus", placeholder="ex. enquete_2025")
        left, right = st.columns(2)
        text_column = left.text_input("Colonne du texte (facultatif)", help="Devinée si vide.")
        id_column = right.text_input("Colonne de l'identifiant (facultatif)")
        sheet = left.text_input("Feuille XLSX (facultatif)")
        meta = right.text_area("Métadonnées communes (une par ligne : clé=valeur)", placeholder="source=enquête")
        submitted = st.form_submit_button("Importer", type="primary")
    if submitted:
        corpus = new_name.strip() if target == "Nouveau corpus…" else target
        try:
            if not corpus:
                raise TextmineError("Donnez un nom au nouveau corpus.")
            metadata = {}
            for line in meta.splitlines():
                if line.strip():
                    key, sep, value = line.partition("=")
                    if not sep or not key.strip():
                        raise TextmineError(f"Métadonnée « {line} » mal formée : écrivez clé=valeur.")
                    metadata[key.strip()] = value.strip()
            folder = uploads.save(ws, [(f.name, f.getvalue()) for f in sent or []],
                                  tuple(t for t in uploads.ALLOWED if t not in ("yaml", "yml")))
            try:
                with st.spinner("Import en cours…"):
                    report = ingest(db, sorted(folder.iterdir()), corpus, text_column=text_column.strip() or None,
                                    id_column=id_column.strip() or None, sheet=sheet.strip() or None,
                                    metadata=metadata or None)
            finally:
                uploads.discard(folder)
            st.success("Import terminé.")
            st.text("\n".join(report.summary_lines()))
        except TextmineError as exc:
            st.error(str(exc))

with tab_train:
    if not corpora:
        st.caption("Importez d'abord un corpus.")
    else:
        with st.form("train"):
            corpus = st.selectbox("Corpus", [c.name for c in corpora])
            name = st.text_input("Nom du modèle", placeholder="ex. enquete-2025-v1")
            embedding = st.selectbox("Plongements", list(EMBEDDINGS), format_func=EMBEDDINGS.get)
            custom = st.text_input("Modèle sentence-transformers (si choisi)", placeholder="nom ou dossier")
            codebook = st.selectbox("Codebook", ["auto", "défaut", "aucun", "fichier"],
                                    format_func={"auto": "codebook par défaut, s'il correspond au corpus",
                                                 "défaut": "codebook par défaut, imposé (12 thèmes du travail)",
                                                 "aucun": "aucun", "fichier": "mon fichier YAML ou CSV"}.get)
            codebook_file = st.file_uploader("Fichier du codebook", type=["yaml", "yml", "csv"])
            left, right = st.columns(2)
            size = left.number_input("Taille minimale d'un thème (0 = automatique)", min_value=0, max_value=500, value=0)
            mode = right.selectbox("Segmentation", ["segments", "documents"],
                                   format_func={"segments": "segments d'environ 40 mots",
                                                "documents": "documents entiers"}.get)
            sentiment = left.selectbox("Sentiment", ["defaut", "lexique", "aucun"])
            replace = right.checkbox("Remplacer un modèle du même nom")
            publish = right.checkbox("Publier à la fin (le montrer dans l'application)", value=True)
            go = st.form_submit_button("Entraîner", type="primary")
        if go:
            try:
                spec = f"sentence-transformers:{custom.strip()}" if embedding == "sentence-transformers" else embedding
                if embedding == "sentence-transformers" and not custom.strip():
                    raise TextmineError("Indiquez le nom ou le dossier du modèle sentence-transformers.")
                book = {"auto": None, "défaut": "défaut", "aucun": "aucun"}.get(codebook)
                if codebook == "fichier":
                    if codebook_file is None:
                        raise TextmineError("Choisissez le fichier du codebook.")
                    folder = uploads.save(ws, [(codebook_file.name, codebook_file.getvalue())], ("yaml", "yml", "csv"))
                    book = str(next(folder.iterdir()))
                options = {"embedding": spec, "codebook": book, "min_topic_size": int(size) or None,
                           "segment_mode": mode, "sentiment": sentiment, "lexical_weight": DEFAULT_WEIGHT}
                jobs.start(ws, "train", {"corpus": corpus, "name": name.strip(), "options": options,
                                         "replace": replace, "publish": publish})
                st.success("Entraînement lancé en arrière-plan : suivez-le en haut de la page. Vous pouvez "
                           "continuer à utiliser l'application.")
            except TextmineError as exc:
                st.error(str(exc))

def codebook_cell(book: dict) -> str:
    """« a guidé (63 % des segments) », « n'a pas guidé (17 %…) » or « aucun »."""
    fit = book.get("fit")
    if not fit:
        return "aucun"
    share = f"{fit['share']:.0%}".replace("%", " %")
    return f"a guidé ({share} des segments)" if book.get("used") else f"n'a pas guidé ({share} des segments)"


with tab_models:
    models = registry()
    names = [n for n in models.names() if models.card(n).get("kind") != "sentiment"]
    if not names:
        st.caption("Aucun modèle de thèmes. Entraînez-en un dans l'onglet « Entraîner ».")
    else:
        published = models.published()
        rows = []
        for n in names:
            card = models.card(n)
            rows.append({"modèle": n, "corpus": card["corpus"]["name"],
                         "publié": published.get(card["corpus"]["name"]) == n,
                         "plongements": card["parameters"].get("embedding"),
                         "sentiment": card.get("sentiment_backend") or "—",
                         "codebook": codebook_cell(card.get("codebook", {})),
                         **{label: card["metrics"].get(key) for key, label in METRICS.items()},
                         "créé le": card["created_at"][:16].replace("T", " ")})
        st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)
        chosen = st.selectbox("Fiche du modèle", names)
        left, right = st.columns([3, 1])
        with left.expander("Fiche complète (paramètres, mesures, versions)"):
            st.json(models.card(chosen))
        if reason := models.card(chosen).get("codebook", {}).get("reason"):
            left.caption(f"Codebook : {reason}")
        if (sample := models.card(chosen).get("fit_sample", {})).get("applied"):
            left.caption(f"Thèmes appris sur un échantillon de {sample['fitted']:,} segments tirés dans chaque "
                         f"fichier, sur {sample['segments']:,} ; les autres ont reçu le thème le plus proche."
                         .replace(",", "\u202f"))
        if right.button("Publier ce modèle", disabled=chosen in published.values()):
            try:
                corpus = models.publish(chosen)
                st.success(f"« {chosen} » est maintenant le modèle montré pour le corpus « {corpus} ».")
                st.rerun()
            except TextmineError as exc:
                st.error(str(exc))
        if len(names) >= 2:
            st.subheader("Comparer deux modèles")
            a_col, b_col = st.columns(2)
            a = a_col.selectbox("Modèle A", names, key="compare_a")
            b = b_col.selectbox("Modèle B", names, index=1, key="compare_b")
            if a != b:
                try:
                    model_a, model_b = TrainedModel.load(models, a), TrainedModel.load(models, b)
                    st.dataframe(pd.DataFrame({
                        "mesure": list(METRICS.values()),
                        a: [model_a.card["metrics"].get(k) for k in METRICS],
                        b: [model_b.card["metrics"].get(k) for k in METRICS],
                    }).astype(str), hide_index=True)
                    if model_a.corpus == model_b.corpus:
                        st.dataframe(pd.DataFrame(compare(model_a, model_b),
                                                  columns=[f"thème de {a}", f"thème le plus proche dans {b}",
                                                           "part des documents"]),
                                     hide_index=True, use_container_width=True)
                    else:
                        st.caption("Les deux modèles portent sur des corpus différents : seules les mesures se comparent.")
                except TextmineError as exc:
                    st.error(str(exc))
