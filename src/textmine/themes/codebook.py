"""Codebooks: named themes with a definition and seed terms, in the users' words.

A codebook is a YAML file (``themes:`` list of ``nom``, ``definition``,
``termes``) or a CSV file (columns ``nom``, ``definition``, ``termes`` with
terms separated by « ; »). textmine ships a default one for social-protection
work (``textmine/data/codebook.yaml``); users edit it or pass their own.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import TextmineError

DEFAULT = "défaut"
NONE = "aucun"
# A codebook guides training on its own only when at least this share of the corpus's
# segments contains one of its seed terms. Measured with the default codebook: 0.63 on the
# demo corpus (social-protection work), 0.04 to 0.19 on Grand Débat answers and comments,
# TV-series reviews and political tweets; 0.35 sits between the two groups.
FIT_THRESHOLD = 0.35


@dataclass(frozen=True, slots=True)
class Theme:
    """One codebook theme."""

    name: str
    definition: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Codebook:
    """An ordered list of themes, and where it came from."""

    source: str
    themes: tuple[Theme, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "themes": [
                {"nom": t.name, "definition": t.definition, "termes": list(t.terms)} for t in self.themes
            ],
        }


def load(spec: str | None) -> Codebook:
    """The default codebook (``None`` or « défaut »), none (« aucun »), or a file."""
    if spec in (None, DEFAULT, "defaut"):
        text = resources.files("textmine.data").joinpath("codebook.yaml").read_text(encoding="utf-8")
        return _from_yaml(text, "codebook par défaut")
    if spec == NONE:
        return Codebook(source=NONE)
    path = Path(spec)
    if not path.is_file():
        raise TextmineError(f"Codebook introuvable : {path}.")
    if path.suffix.lower() in (".qdc", ".qdpx"):  # REFI-QDA, from NVivo, ATLAS.ti, MAXQDA, Taguette…
        from ..exchange.refiqda import read_qdc

        return read_qdc(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    if path.suffix.lower() in (".yaml", ".yml"):
        return _from_yaml(text, path.name)
    if path.suffix.lower() == ".csv":
        return _from_csv(text, path.name)
    raise TextmineError(f"{path.name} : un codebook est un fichier .yaml ou .csv.")


def _from_yaml(text: str, name: str) -> Codebook:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", ligne {mark.line + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or "syntaxe YAML invalide"
        raise TextmineError(f"{name}{where} : {reason}. Vérifiez l'indentation et les deux-points.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        raise TextmineError(f"{name} : le fichier doit contenir une liste « themes: ».")
    themes = []
    for number, item in enumerate(data["themes"], start=1):
        if not isinstance(item, dict):
            raise TextmineError(f"{name}, thème {number} : attendu « nom », « definition » et « termes ».")
        terms = item.get("termes") or []
        if isinstance(terms, str):
            terms = [t for t in terms.split(";")]
        themes.append(_theme(name, number, item.get("nom"), item.get("definition"), terms))
    return _checked(Codebook(source=name, themes=tuple(themes)))


def _from_csv(text: str, name: str) -> Codebook:
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",") else ",")
    missing = {"nom", "termes"} - set(reader.fieldnames or [])
    if missing:
        raise TextmineError(
            f"{name} : colonnes manquantes : {', '.join(sorted(missing))} (attendu : nom, definition, termes)."
        )
    themes = []
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise TextmineError(
                f"{name}, ligne {number} : trop de champs. Mettez les termes entre guillemets, "
                'séparés par « ; » : "stock;dossier en retard".'
            )
        themes.append(
            _theme(name, number, row.get("nom"), row.get("definition"), (row.get("termes") or "").split(";"))
        )
    return _checked(Codebook(source=name, themes=tuple(themes)))


def _theme(source: str, number: int, name, definition, terms) -> Theme:  # noqa: ANN001
    if not isinstance(name, str) or not name.strip():
        raise TextmineError(f"{source}, thème {number} : « nom » manquant.")
    cleaned = tuple(str(t).strip().lower() for t in terms if str(t).strip())
    if not cleaned:
        raise TextmineError(f"{source}, thème « {name.strip()} » : aucun terme dans « termes ».")
    return Theme(name.strip(), str(definition or "").strip(), cleaned)


def _checked(codebook: Codebook) -> Codebook:
    names = [t.name for t in codebook.themes]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise TextmineError(f"{codebook.source} : thème en double : {', '.join(duplicates)}.")
    if not codebook.themes:
        raise TextmineError(f"{codebook.source} : aucun thème.")
    return codebook


def seed_terms(codebook: Codebook) -> list[list[str]]:
    """Each theme's seed terms turned into theme terms (lemmas, expressions joined)."""
    from ..analysis.preprocess import load_nlp, theme_terms

    nlp = load_nlp()
    seeds = []
    for theme in codebook.themes:
        # A multi-word seed that is not a known expression keeps its terms joined by
        # spaces: the vectorizer's n-grams of terms then match it.
        terms = (" ".join(theme_terms(doc, keep_any_pos=True)) for doc in nlp.pipe(theme.terms))
        seeds.append(list(dict.fromkeys(t for t in terms if t)))
    return seeds


@dataclass(frozen=True, slots=True)
class Match:
    """The codebook theme a topic matches, and how well."""

    theme: str | None
    score: float


def match_topics(
    topic_terms: dict[int, list[tuple[str, float]]],
    seeds: list[list[str]],
    codebook: Codebook,
    similarity: np.ndarray | None = None,
    threshold: float = 0.12,
) -> dict[int, Match]:
    """Match each topic to the codebook theme it is about, if any.

    Two signals: the share of the topic's c-TF-IDF weight (top terms) carried
    by terms containing one of the theme's seed terms (lexical), and, when
    ``similarity`` (topics × themes, cosine of the topic's centre with the
    theme's seed terms) is given, how much closer the topic is to this theme
    than to the others (a z-score across themes). A topic matches a theme when
    the lexical share reaches ``threshold``, or when it is clearly closest to
    the theme (z ≥ 2) with some of its words (share ≥ threshold / 2).
    """
    matches = {}
    for row, (topic, terms) in enumerate(topic_terms.items()):
        total = sum(w for _, w in terms) or 1.0
        lexical = np.array(
            [
                sum(w for term, w in terms if _contains_seed(term, set(theme_seeds))) / total
                for theme_seeds in seeds
            ]
        )
        z = np.zeros(len(seeds))
        if similarity is not None and len(seeds) > 2:
            sims = similarity[row]
            z = (sims - sims.mean()) / (sims.std() or 1.0)
        combined = lexical + 0.05 * np.clip(z, 0, None)
        best = int(np.argmax(combined))
        if lexical[best] >= threshold or (z[best] >= 2.0 and lexical[best] >= threshold / 2):
            matches[topic] = Match(codebook.themes[best].name, round(float(combined[best]), 3))
        else:
            matches[topic] = Match(None, round(float(combined[best]), 3))
    return matches


def _contains_seed(term: str, seeds: set[str]) -> bool:
    if term in seeds:
        return True
    words = term.split()
    return any(" ".join(words[i : i + k]) in seeds for k in (1, 2, 3) for i in range(len(words) - k + 1))


@dataclass(frozen=True, slots=True)
class Fit:
    """How much of a corpus a codebook speaks about: the share of segments with a seed term."""

    share: float
    per_theme: dict[str, float]
    threshold: float = FIT_THRESHOLD

    @property
    def fits(self) -> bool:
        return self.share >= self.threshold

    def to_json(self) -> dict:
        return {"share": round(self.share, 3), "threshold": self.threshold, "fits": self.fits,
                "per_theme": {name: round(v, 3) for name, v in self.per_theme.items()}}


def fit(codebook: Codebook, seeds: list[list[str]], segment_terms: list[str]) -> Fit:
    """The share of segments whose theme terms contain a seed term, overall and per codebook theme.

    ``seeds`` are the themes' seed terms as theme terms (``seed_terms``); a segment's
    terms are matched as single terms and as runs of two or three consecutive terms,
    so that a multi-word seed counts only when its words follow each other.

    Examples:
        >>> book = Codebook("test", (Theme("Sens", "", ("perte de sens",)), Theme("Chiffres", "", ("indicateur",))))
        >>> found = fit(book, [["perte sens"], ["indicateur"]], ["perte sens travail", "indicateur délai", "repas"])
        >>> round(found.share, 2), found.per_theme["Sens"] > 0
        (0.67, True)
    """
    hits = np.zeros((len(segment_terms), len(seeds)), dtype=bool)
    for row, terms in enumerate(segment_terms):
        words = terms.split()
        runs = set(words) | {" ".join(words[i : i + k]) for k in (2, 3) for i in range(len(words) - k + 1)}
        hits[row] = [any(seed in runs for seed in theme_seeds) for theme_seeds in seeds]
    share = float(hits.any(axis=1).mean()) if len(segment_terms) else 0.0
    per_theme = {t.name: float(hits[:, i].mean()) if len(segment_terms) else 0.0 for i, t in enumerate(codebook.themes)}
    return Fit(share, per_theme)
