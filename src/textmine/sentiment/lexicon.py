"""A transparent French sentiment lexicon: every score says which words made it.

Terms are lemmas (« épuiser », « décevant ») or expressions as written
(« à bout », « perte de sens », « on nous demande toujours plus »). A term's
score is scaled by the intensifiers or attenuators just before it
(« très », « un peu »), reversed by a negation around it (« ne … pas »,
« jamais », « sans »), and weighted more after a contrast (« mais »,
« pourtant ») than before it. The sum is squashed into [-1, 1].
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..normalize import fold
from .base import Polarity, label_of

_WINDOW_BEFORE = 3
_WINDOW_AFTER = 2
_CLAUSE_END = {".", "!", "?", ";", ":", "…"}
_NE = {"ne", "n'"}
_NEGATION_CLOSERS = {"pas", "plus", "jamais", "rien", "guère", "point", "aucun", "aucune", "nullement", "personne"}
_COMPARATIVES = {"aussi", "autant", "si", "tant"}
# Decrease or absence of what follows: « une baisse de la motivation » names no joy.
_DECREASE = {"baisse", "baisser", "perte", "perdre", "manque", "manquer", "recul", "reculer", "diminution",
             "diminuer", "chute", "chuter", "absence", "disparition", "disparaître", "effondrement", "érosion",
             "déclin", "moins", "faute", "fin", "effriter", "effritement", "s'effriter"}
_DECREASE_WINDOW = 4
_SQUASH = 6.0
_NEUTRAL_BAND = 0.1
_MIN_UNACCENTED = 4  # shorter accent-free forms are too often other words (« a », « ou », « sur »)
_ELISIONS = {
    "l'": "le",
    "d'": "de",
    "qu'": "que",
    "j'": "je",
    "n'": "ne",
    "s'": "se",
    "c'": "ce",
    "m'": "me",
    "t'": "te",
}


@dataclass(frozen=True, slots=True)
class Entries:
    """A lexicon: single words, and expressions indexed by their first word."""

    words: dict[str, float]
    expressions: dict[str, list[tuple[tuple[str, ...], float]]]
    #: Single words by their accent-free form (« genial » → « génial »), for texts typed without
    #: accents; a form two entries share with different values is left out.
    unaccented: dict[str, float] = field(default_factory=dict)


def _rows(name: str) -> list[list[str]]:
    text = (resources.files("textmine") / "data" / "sentiment" / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [row for row in csv.reader(lines[1:], delimiter="\t") if row]


def _entries(pairs: list[tuple[str, object]]) -> Entries:
    """Index a lexicon. Expressions are kept as pairs of forms per position,
    (written word, lemma), so that « enfin reconnu » also matches « enfin reconnus »."""
    from ..analysis.preprocess import load_nlp

    words: dict[str, object] = {}
    multi = [(term, value) for term, value in pairs if len(tokenize_expression(term)) > 1]
    for term, value in pairs:
        tokens = tokenize_expression(term)
        if len(tokens) == 1:
            words[tokens[0]] = value
    expressions: dict[str, list[tuple[tuple[str, ...], object]]] = {}
    docs = load_nlp().pipe([tokens_text(term) for term, _ in multi], batch_size=256)
    for (term, value), doc in zip(multi, docs):
        written = tokenize_expression(term)
        lemmas = [t.lemma for t in tokens_of(doc)]
        forms = (
            tuple(f"{w}|{lemma}" for w, lemma in zip(written, lemmas))
            if len(lemmas) == len(written)
            else tuple(f"{w}|{w}" for w in written)
        )
        for key in {written[0], forms[0].split("|")[1]}:
            expressions.setdefault(key, []).append((forms, value))
    for candidates in expressions.values():
        candidates.sort(key=lambda c: len(c[0]), reverse=True)
    unaccented: dict[str, object] = {}
    clashes = set()
    for word, value in words.items():
        key = fold(word)
        if key == word or key in words:
            continue
        if key in unaccented and unaccented[key] != value:
            clashes.add(key)
        unaccented[key] = value
    for key in clashes:
        del unaccented[key]
    return Entries(words, expressions, unaccented)  # type: ignore[arg-type]


def tokens_text(term: str) -> str:
    return " ".join(tokenize_expression(term))


def tokenize_expression(term: str) -> list[str]:
    """Split a lexicon entry the way texts are split: elisions apart, lower case."""
    term = term.lower().replace("’", "'")
    tokens: list[str] = []
    for piece in term.split():
        head, sep, rest = piece.partition("'")
        if sep and rest:
            tokens += [head + "'", rest]
        else:
            tokens.append(piece)
    return tokens


@lru_cache(maxsize=1)
def polarity_entries() -> Entries:
    return _entries([(term, float(score)) for term, score in _rows("lexique_polarite.tsv")])


@lru_cache(maxsize=1)
def modifiers() -> Entries:
    return _entries([(term, (kind, float(value))) for term, kind, value in _rows("modifieurs.tsv")])


@lru_cache(maxsize=1)
def emotion_entries() -> Entries:
    return _entries(list((term, emotion) for term, emotion in _rows("emotions.tsv")))


@dataclass(frozen=True, slots=True)
class Token:
    word: str
    lemma: str


def tokens_of(doc) -> list[Token]:  # noqa: ANN001 - a spaCy Doc
    result = []
    for t in doc:
        if t.is_space:
            continue
        word = t.lower_.replace("’", "'")
        lemma = (t.lemma_ or t.text).lower().replace("’", "'")
        result.append(Token(word, _ELISIONS.get(lemma, lemma)))
    return result


def find(tokens: list[Token], entries: Entries) -> list[tuple[int, int, str, object]]:
    """Matches of a lexicon in a token list: (start, end, term, value), expressions first."""
    found = []
    i = 0
    while i < len(tokens):
        match = None
        for key in (tokens[i].word, tokens[i].lemma):
            for sequence, value in entries.expressions.get(key, ()):
                end = i + len(sequence)
                if end <= len(tokens) and all(
                    _form_matches(form, t) for form, t in zip(sequence, tokens[i:end])
                ):
                    match = (i, end, " ".join(f.split("|")[0] for f in sequence), value)
                    break
            if match:
                break
        if match is None:
            for key in (tokens[i].word, tokens[i].lemma):
                if key in entries.words:
                    match = (i, i + 1, key, entries.words[key])
                    break
        if match is None and len(tokens[i].word) >= _MIN_UNACCENTED and fold(tokens[i].word) == tokens[i].word:
            # « tres genial », « decu »: a word typed without its accents
            for key in (tokens[i].word, tokens[i].lemma):
                if key in entries.unaccented:
                    match = (i, i + 1, key, entries.unaccented[key])
                    break
        if match:
            found.append(match)
            i = match[1]
        else:
            i += 1
    return found


def _form_matches(form: str, token: Token) -> bool:
    word, lemma = form.split("|")
    return word in (token.word, token.lemma) or lemma in (token.word, token.lemma)


def score_tokens(tokens: list[Token]) -> tuple[float, list[str]]:
    """Raw sum of the text's term scores after modifiers, and the triggering terms."""
    mods = {start: (end, value) for start, end, _, value in find(tokens, modifiers())}
    negations = {i for i, (end, (kind, _)) in mods.items() if kind == "negation" for i in range(i, end)}
    clause_of = _clauses(tokens)
    contrast_after = _contrast_positions(tokens, mods)
    total = 0.0
    triggers = []
    for start, end, term, value in find(tokens, polarity_entries()):
        if start in mods and mods[start][1][0] != "negation":
            continue  # « plus », « bien »… read as modifiers here
        score = float(value)
        for j in range(max(0, start - 2), start):
            kind, factor = mods.get(j, (None, ("", 1.0)))[1]
            if kind in ("intensifieur", "attenuateur") and clause_of[j] == clause_of[start]:
                score *= factor
        window = range(max(0, start - _WINDOW_BEFORE), min(len(tokens), end + _WINDOW_AFTER))
        carries_negation = any(j in negations for j in range(start, end))  # « pas terrible »
        negated = not carries_negation and any(
            j in negations and clause_of[j] == clause_of[start] for j in window if not start <= j < end
        )
        if negated:
            # « pas excellent » is rather negative; « pas en colère » only mildly positive.
            score = -0.7 * score if score > 0 else -0.3 * score
        if start in contrast_after:
            score *= contrast_after[start]
        total += score
        triggers.append(("-" if score < 0 else "+") + ("pas " if negated else "") + term)
    return total, triggers


def _clauses(tokens: list[Token]) -> list[int]:
    clause, result = 0, []
    for token in tokens:
        result.append(clause)
        if token.word in _CLAUSE_END or token.word == ",":
            clause += 1
    return result


def _contrast_positions(tokens: list[Token], mods) -> dict[int, float]:  # noqa: ANN001
    """Weights of positions around the last contrast of each sentence (« mais »…)."""
    weights: dict[int, float] = {}
    sentence_start = 0
    for i, token in enumerate(tokens + [Token(".", ".")]):
        if token.word in _CLAUSE_END or i == len(tokens):
            contrasts = [j for j in range(sentence_start, i) if j in mods and mods[j][1][0] == "opposition"]
            if contrasts:
                pivot = contrasts[-1]
                factor = mods[pivot][1][1]
                for j in range(sentence_start, pivot):
                    weights[j] = 1 / factor
                for j in range(pivot, i):
                    weights[j] = factor
            sentence_start = i + 1
    return weights


def squash(total: float) -> float:
    """Map a raw sum to [-1, 1] (0 stays 0, 3 gives about 0.45, 10 about 0.9)."""
    return total / math.sqrt(total * total + _SQUASH * _SQUASH) if total else 0.0


def emotions_of(tokens: list[Token]) -> dict[str, list[str]]:
    """Emotions named in the text, with the words that named them.

    Left out: a negated trigger (« pas en colère », « les chiffres ne reflètent pas le travail
    bien fait ») and a trigger said to decrease or be missing (« une baisse de la motivation »,
    « le manque de fierté »): neither names the emotion as felt.
    """
    mods = {start: (end, value) for start, end, _, value in find(tokens, modifiers())}
    negations = {j for i, (end, (kind, _)) in mods.items() if kind == "negation" for j in range(i, end)}
    clause_of = _clauses(tokens)
    found: dict[str, list[str]] = {}
    for start, end, term, emotion in find(tokens, emotion_entries()):
        window = range(max(0, start - _WINDOW_BEFORE), start)
        if any(j in negations and not _compares(tokens, j, start) for j in window):
            continue
        if _clause_negated(tokens, clause_of, start) or _decreased(tokens, clause_of, start):
            continue
        found.setdefault(str(emotion), [])
        if term not in found[str(emotion)]:
            found[str(emotion)].append(term)
    return found


def _clause_negated(tokens: list[Token], clause_of: list[int], start: int) -> bool:
    """« ne … pas / plus / jamais / rien » earlier in the trigger's clause, closed before it.

    « ne … que » only restricts (« il n'y a que la fierté du travail bien fait ») and
    « jamais … aussi » compares (« jamais été aussi fiers »): neither negates.
    """
    first = start
    while first > 0 and clause_of[first - 1] == clause_of[start]:
        first -= 1
    for i in range(first, start):
        if tokens[i].word not in _NE:
            continue
        closers = [j for j in range(i + 1, start) if tokens[j].word in _NEGATION_CLOSERS]
        if closers and not _compares(tokens, closers[0], start):
            return True
    return False


def _compares(tokens: list[Token], negation: int, start: int) -> bool:
    """« jamais … aussi » before the trigger: a comparison, not a negation."""
    return tokens[negation].word == "jamais" and any(t.word in _COMPARATIVES for t in tokens[negation + 1 : start])


def _decreased(tokens: list[Token], clause_of: list[int], start: int) -> bool:
    """A word of decrease or absence just before the trigger, in its clause (« baisse de la »)."""
    return any(
        tokens[j].lemma in _DECREASE or tokens[j].word in _DECREASE
        for j in range(max(0, start - _DECREASE_WINDOW), start)
        if clause_of[j] == clause_of[start]
    )


class LexiconBackend:
    """The lexicon alone: fast, transparent, and no training."""

    name = "lexique.v1"

    def predict(self, texts: list[str]) -> list[Polarity]:
        from ..analysis.preprocess import parse

        results = []
        for doc in parse(texts):
            total, triggers = score_tokens(tokens_of(doc))
            score = squash(total)
            results.append(
                Polarity(
                    label_of(score, _NEUTRAL_BAND),
                    round(score, 3),
                    round(min(1.0, abs(score) * 1.5), 3),
                    tuple(triggers),
                )
            )
        return results
