"""Classification: run a Reinert classification (CHD) in the background or open a recorded one.

The screen shows the dendrogram with class sizes, then for each class its
over-represented forms and metadata values and its characteristic segments
with their source, and the classes crossed with the themes of the corpus's
published model (with their normalised mutual information).
"""

from __future__ import annotations

import time

import plotly.graph_objects as go
import streamlit as st

from app_pages import common
from app_pages import lexique_commun as lex
from textmine.errors import TextmineError
from textmine.lexicometry import classification as chd
from textmine.lexicometry.runs import list_runs
from textmine.themes.model import TrainedModel

st.title("Classification de Reinert")
st.caption("Classification descendante hiérarchique des segments de texte, comme IRaMuTeQ : chaque classe "
           "réunit des segments qui emploient le même vocabulaire.")

ws = common.workspace()
corpora = [c.name for c in common.store().list_corpora()]
if not corpora:
    st.info("Aucun corpus dans l'espace de travail : importez-en un depuis « Corpus et modèles ».")
    st.stop()

with st.expander("Lancer une classification", expanded=not list_runs(ws, chd.KIND)):
    with st.form("reinert"):
        corpus = st.selectbox("Corpus", corpora)
        name = st.text_input("Nom de l'analyse", value="reinert")
        left, middle, right = st.columns(3)
        k = left.number_input("Nombre de classes", min_value=2, max_value=30, value=10)
        words = middle.number_input("Mots par segment", min_value=5, max_value=200, value=40)
        min_forms = right.number_input("Formes actives par unité (0 : segments tels quels)", min_value=0,
                                       max_value=50, value=0)
        min_class = st.number_input("Segments au moins par classe (0 : automatique, 5 ou 1 % des segments "
                                    "classés ; les classes plus petites sont écartées)", min_value=0,
                                    max_value=10_000, value=0)
        double = st.checkbox("Classification double (unités de 10 et 15 formes si 0 ci-dessus)")
        replace = st.checkbox("Remplacer une analyse du même nom")
        st.caption("Formes actives : celles de l'écran « Statistiques » pour ce corpus (fréquence minimale, "
                   "formes ajoutées ou retirées pendant la session).")
        started = st.form_submit_button("Lancer", type="primary")
    if started:
        settings = lex.active_settings(corpus)
        command = ["textmine", "reinert", "--corpus", corpus, "--name", name.strip(), "--k", str(k),
                   "--segment-words", str(words), "--min-class-size", str(min_class),
                   "--min-freq", str(settings["min_freq"])] + (["--double"] if double else [])
        for option in ("keep", "drop"):
            for form in settings[option]:
                command += [f"--{option}", form]
        command += ["--min-forms", str(min_forms)] if min_forms or not double else []
        command += ["--replace"] if replace else []
        st.session_state["reinert_job"] = chd.launch(ws, command) | {"name": name.strip()}


@st.fragment(run_every=1)
def job_progress() -> None:
    """The background run, refreshed every second without reloading the page."""
    job = st.session_state.get("reinert_job")
    if not job:
        return
    running, status, text = chd.job_state(job)
    if running:
        st.info(f"Classification « {job['name']} » en cours… {time.time() - job['started']:.0f} s",
                icon=":material/hourglass_top:")
    elif status == 0:
        st.success(text.strip().splitlines()[0] if text.strip() else "Classification terminée.")
        st.session_state["reinert_open"] = job["name"]
        del st.session_state["reinert_job"]
        st.rerun()
    else:
        st.error(text.strip().splitlines()[-1] if text.strip() else "La classification a échoué.")
        del st.session_state["reinert_job"]


job_progress()

runs = list_runs(ws, chd.KIND)
if not runs:
    st.info("Aucune classification enregistrée : lancez-en une ci-dessus.")
    st.stop()
names = [r.name for r in reversed(runs)]
wanted = st.session_state.get("reinert_open")
chosen = st.selectbox("Classification enregistrée", names, index=names.index(wanted) if wanted in names else 0)
try:
    loaded = chd.load_reinert(ws, chosen)
    classes = chd.describe_classes(ws, chosen, n_forms=30, n_segments=5)
except TextmineError as exc:
    st.error(str(exc))
    st.stop()

summary = loaded.summary
cols = st.columns(4)
cols[0].metric("Classes", summary["k"])
cols[1].metric("Segments", f"{summary['segments']:,}".replace(",", "\u202f"))
cols[2].metric("Non classés", f"{100 * summary['part_non_classes']:.1f} %".replace(".", ","))
cols[3].metric("Durée", f"{summary['secondes']:.1f} s".replace(".", ","))
for message in summary.get("messages", []):
    st.warning(message)
st.caption(f"Corpus « {loaded.run.corpus} », {loaded.run.created_at}. Pour la reproduire : "
           f"`{' '.join(loaded.run.command)}`")

st.subheader("Dendrogramme")
sizes = {int(c): n for c, n in summary["classes"].items()}
total = sum(sizes.values()) or 1
figure = go.Figure()
if loaded.tree["type"] == "simple":
    lines, leaves = chd.tree_layout(loaded.tree["nodes"])
    for x0, y0, x1, y1 in lines:
        figure.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", line={"color": "#555"},
                                    hoverinfo="skip", showlegend=False))
    figure.add_trace(go.Bar(x=[leaf["x"] for leaf in leaves], y=[-sizes.get(leaf["classe"], 0) / total * 3
                                                                  for leaf in leaves],
                            text=[f"{sizes.get(leaf['classe'], 0)} ({100 * sizes.get(leaf['classe'], 0) / total:.0f} %)"
                                  for leaf in leaves], marker_color="#4c78a8", showlegend=False,
                            hovertemplate="Classe %{x}<extra></extra>"))
    figure.update_xaxes(tickvals=[leaf["x"] for leaf in leaves], ticktext=[f"Classe {leaf['classe']}"
                                                                             for leaf in leaves])
    figure.update_yaxes(visible=False)
else:
    st.caption("Classification double : les classes sont des croisements des deux classifications simples.")
    st.dataframe(loaded.tree["classes_croisees"], hide_index=True)
    figure.add_trace(go.Bar(x=[f"Classe {c}" for c in sizes], y=list(sizes.values()), marker_color="#4c78a8",
                            text=list(sizes.values())))
figure.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10}, plot_bgcolor="white")
st.plotly_chart(figure, width="stretch")

st.subheader("Profils des classes")
tabs = st.tabs([f"Classe {c['classe']} ({c['segments']})" for c in classes])
for tab, described in zip(tabs, classes):
    with tab:
        left, right = st.columns(2)
        left.markdown("**Formes sur-représentées**")
        left.dataframe(described["formes"], hide_index=True,
                       column_config={"forme": "Forme", "segments_classe": "Segments de la classe",
                                      "segments": "Segments",
                                      "chi2": st.column_config.NumberColumn("χ²", format="%.1f"),
                                      "p": st.column_config.NumberColumn("p", format="%.1e")})
        right.markdown("**Modalités sur-représentées**")
        right.dataframe(described["variables"], hide_index=True,
                        column_config={"variable": "Variable", "modalite": "Modalité", "segments_classe": "Segments",
                                       "chi2": st.column_config.NumberColumn("χ²", format="%.1f"),
                                       "p": st.column_config.NumberColumn("p", format="%.1e")})
        st.markdown("**Segments caractéristiques**")
        for quote in described["segments_caracteristiques"]:
            st.markdown(f"> {' '.join(quote['texte'].split())}\n>\n> — *{quote['reference']}*")

st.subheader("Classes et thèmes du modèle publié")
published = common.registry().published().get(loaded.run.corpus)
if not published:
    st.info("Aucun modèle de thèmes publié pour ce corpus : entraînez-en un pour comparer classes et thèmes.")
else:
    model = TrainedModel.load(common.registry(), published)
    table, nmi = chd.cross_with_themes(loaded.documents, model.documents(), model.label_of())
    shown = f"{nmi:.2f}".replace(".", ",")
    st.caption(f"Documents par classe majoritaire et thème principal du modèle « {published} ». Information "
               f"mutuelle normalisée : {shown} (0 : indépendants, 1 : identiques).")
    st.dataframe(table)
