"""A user's search text, read once: its words and lemmas, and a safe FTS5 expression."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import TextmineError
from .citations import fold

_TOKEN = re.compile(r"[^\W_]+")
MAX_LENGTH = 500


@lru_cache(maxsize=1)
def _general_stop_words() -> frozenset[str]:
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(fold(w.replace("’", "'")) for w in STOP_WORDS) | {"d", "l", "j", "m", "n", "s", "t", "c", "qu"}


def tokens(text: str) -> list[str]:
    """Words as the search index cuts them: letters and digits, lower case, accents folded."""
    return _TOKEN.findall(fold(text))


@dataclass(frozen=True)
class Query:
    """What a search text asks for."""

    text: str
    words: tuple[str, ...]
    lemmas: tuple[str, ...]

    @property
    def all_tokens(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.words + self.lemmas))

    def fts(self) -> str:
        """Any of the words or lemmas, in the text or the lemmas of a sentence (BM25 ranks)."""
        return " OR ".join(f'"{t}"' for t in self.all_tokens)


def parse(text: str | None) -> Query:
    """Read a search text; French errors for empty texts and texts of stop words only."""
    text = " ".join((text or "").split())
    if not text:
        raise TextmineError("La requête est vide : écrivez une question ou quelques mots (ex. « perte de sens »).")
    if len(text) > MAX_LENGTH:
        raise TextmineError(f"La requête est trop longue ({len(text)} caractères, {MAX_LENGTH} au plus).")
    if not tokens(text):
        raise TextmineError(f"La requête « {text} » ne contient aucun mot : écrivez une question ou quelques mots.")
    stops = _general_stop_words()
    words = tuple(dict.fromkeys(t for t in tokens(text) if t not in stops and (len(t) > 1 or t.isdigit())))
    lemmas = tuple(dict.fromkeys(t for t in tokens(" ".join(_lemmas(text))) if t not in stops and len(t) > 1))
    if not words and not lemmas:
        raise TextmineError(
            f"La requête « {text} » ne contient que des mots vides (le, de, pour…) : ajoutez des mots qui portent le sens."
        )
    return Query(text, words, lemmas)


def _lemmas(text: str) -> list[str]:
    from ..analysis.preprocess import load_nlp, theme_terms

    return [t.replace("_", " ") for t in theme_terms(load_nlp()(text), keep_any_pos=True)]
