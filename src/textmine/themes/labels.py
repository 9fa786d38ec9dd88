"""Theme labels in the corpus's own words: the phrase a researcher would write.

For a theme not matched to a codebook theme, candidates are the noun phrases
(a noun, its adjectives and participles, « de/d'/des/du/en/à/au/aux (le/la/l')
noun » complements) and the project's expressions found in its most
characteristic segments. A phrase is scored by the theme's c-TF-IDF terms it
holds, times how much more often it occurs in this theme's segments than in
the other themes' (and how often). A longer phrase containing the best one is
preferred when it is nearly as frequent (« document unique d'évaluation des
risques » over « document unique »). The label is the phrase as most often
written, first letter capitalised, at most six words, no lemma repeated,
possibly followed by a second phrase sharing no lemma; labels are unique.
The key terms serve only when no phrase qualifies.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PER_THEME = 30  # characteristic segments read per theme
MAX_TEXTS = 1200  # for all themes together: spaCy's share of a training stays small
MAX_CHARS = 600  # of each segment
MAX_WORDS = 6
NEARLY = 0.6  # a longer phrase wins when at least this share as frequent as the best one
SECOND = 0.5  # a second phrase joins when it scores at least this share of the first
_COMPONENTS = {"tok2vec", "morphologizer", "attribute_ruler", "lemmatizer"}  # no sentences needed
_HEADS = {"NOUN", "PROPN"}
_MODIFIERS = {"ADJ", "PART"}
_PREPOSITIONS = {"de", "d'", "des", "du", "en", "à", "au", "aux"}
_ARTICLES = {"le", "la", "l'", "les"}
_ELIDED = {"d'": "de", "l'": "le"}  # spaCy leaves « d’ » (curly apostrophe) unlemmatised
_GOVERNED = {"à", "au", "aux"}  # « lié à », « simple à traiter »: the adjective is not the end
_FUNCTION_POS = {"DET", "ADP", "ADV", "PUNCT", "CCONJ", "SCONJ", "PRON", "AUX", "NUM", "SYM"}
_ENDS = {".", "!", "?", "…", ":", ";", "«", '"', "—", "-", "(", "•"}


@dataclass(frozen=True, slots=True)
class Phrase:
    """A candidate label found in a text: its lemmas (identity), content lemmas, and text as written."""

    lemmas: tuple[str, ...]
    content: frozenset[str]
    text: str


@dataclass(frozen=True, slots=True)
class _Unit:
    start: int
    end: int
    lower: str
    lemma: str
    pos: str  # spaCy's, with past participles of verbs as "PART" and hyphenated words as "NOUN"
    opens: bool  # first word of the text or of a sentence


@dataclass(frozen=True, slots=True)
class Candidate:
    """A theme's phrase with its most frequent form, how many of the theme's texts hold it, and its score."""

    lemmas: tuple[str, ...]
    content: frozenset[str]
    text: str
    words: int
    count: int
    score: float


def characteristic_segments(topics: Sequence[int], similarity: Sequence[float],
                            per_theme: int = PER_THEME, total: int = MAX_TEXTS) -> dict[int, list[int]]:
    """Indices of each theme's segments nearest its centre, nearest first (outliers, -1, left out).

    Examples:
        >>> characteristic_segments([0, 1, 0, 0, -1], [0.2, 0.9, 0.8, 0.5, 0.9], per_theme=2)
        {0: [2, 3], 1: [1]}
    """
    members: dict[int, list[int]] = {}
    for i, topic in enumerate(topics):
        if topic != -1:
            members.setdefault(topic, []).append(i)
    keep = min(per_theme, max(5, total // max(1, len(members))))
    return {t: sorted(idx, key=lambda i: (-similarity[i], i))[:keep] for t, idx in sorted(members.items())}


def find_phrases(texts: Iterable[str], nlp=None) -> list[list[Phrase]]:  # noqa: ANN001
    """The candidate phrases of each text (each text cut to ``MAX_CHARS``), by spaCy's parts of speech."""
    from ..analysis.preprocess import expressions, load_nlp

    nlp = nlp or load_nlp()
    skip = [name for name in nlp.pipe_names if name not in _COMPONENTS]
    index, found = expressions(), []
    cut = (t if len(t) <= MAX_CHARS else t[:MAX_CHARS].rsplit(None, 1)[0] for t in texts)
    for doc in nlp.pipe(cut, batch_size=64, disable=skip):
        units = _units(doc)
        spans = {(i, end) for i in range(len(units)) for end in _phrase_ends(units, i)}
        spans |= _expression_spans(units, index)
        phrases = (_phrase(doc.text, units[i:end]) for i, end in sorted(spans))
        found.append([p for p in phrases if p])
    return found


def _units(doc) -> list[_Unit]:  # noqa: ANN001
    """Tokens without spaces, « turn - over » glued back into one noun « turn-over »."""
    units: list[_Unit] = []
    tokens = [t for t in doc if not t.is_space]
    for k, token in enumerate(tokens):
        lower = token.lower_.replace("’", "'")
        previous = units[-1] if units else None
        if previous and token.idx == previous.end and (previous.lower.endswith("-") or lower == "-"):
            if lower == "-" and (k + 1 == len(tokens) or tokens[k + 1].idx != token.idx + 1):
                units.append(_Unit(token.idx, token.idx + 1, "-", "-", "PUNCT", False))  # a dash, not a hyphen
                continue
            word = previous.lower + lower
            pos = "NOUN" if any(c.isalpha() for c in word) else "NUM"  # « turn-over », not « 2020-2021 »
            units[-1] = _Unit(previous.start, token.idx + len(token), word, word, pos, previous.opens)
            continue
        opens = not previous or previous.lower in _ENDS or "\n" in doc.text[previous.end : token.idx]
        pos = token.pos_ if any(c.isalpha() for c in lower) else "PUNCT"  # spaCy tags a lone « - » PROPN
        if pos == "VERB" and "Part" in token.morph.get("VerbForm") and "Past" in token.morph.get("Tense"):
            pos = "PART"
        lemma = (token.lemma_ or token.text).lower().replace("’", "'")
        lemma = _ELIDED.get(lemma, lemma)
        units.append(_Unit(token.idx, token.idx + len(token), lower, lemma, pos, opens))
    return units


def _phrase_ends(units: list[_Unit], i: int) -> list[int]:
    """Ends (exclusive) of the noun phrases headed by ``units[i]``, shortest first.

    A noun may be followed by one noun in apposition (« complémentaire santé »); an
    adjective followed by « à » is not an end (« risques liés » of « risques liés aux… »);
    a bare noun after « avoir » belongs to the verb (« avoir besoin », « avoir peur »).
    """
    if units[i].pos not in _HEADS or (i and units[i - 1].lemma == "avoir"):
        return []
    ends, j = [i + 1], i + 1
    if j < len(units) and units[i].pos == "NOUN" and units[j].pos == "NOUN":
        j += 1
        ends.append(j)
    while j < len(units):
        if units[j].pos in _MODIFIERS:
            j += 1
        elif units[j].lower == "non" and j + 1 < len(units) and units[j + 1].pos in _MODIFIERS:
            j += 2
        elif units[j].lower in _PREPOSITIONS:
            k = j + 1
            if k < len(units) and units[k].lower in _ARTICLES and units[j].lower in ("de", "d'", "à"):
                k += 1
            if k >= len(units) or units[k].pos not in _HEADS:
                break
            j = k + 1
        else:
            break
        if j == len(units) or units[j].lower not in _GOVERNED or units[j - 1].pos in _HEADS:
            ends.append(j)
    return ends


def _expression_spans(units: list[_Unit], index) -> set[tuple[int, int]]:  # noqa: ANN001
    """Where the project's expressions occur, by lemmas or by words (as ``preprocess`` matches them)."""
    lemmas, words = [u.lemma for u in units], [u.lower for u in units]
    spans = set()
    for i in range(len(units)):
        for sequence, _ in [*index.get(lemmas[i], ()), *index.get(words[i], ())]:
            end = i + len(sequence)
            if tuple(lemmas[i:end]) == sequence or tuple(words[i:end]) == sequence:
                spans.add((i, end))
    return spans


def _phrase(text: str, units: list[_Unit]) -> Phrase | None:
    """The phrase these units form, or None past ``MAX_WORDS`` words or with a content lemma repeated."""
    surface = " ".join(text[units[0].start : units[-1].end].split())
    content = [u.lemma for u in units if u.lower not in _PREPOSITIONS | _ARTICLES and u.pos not in _FUNCTION_POS]
    if not content or len(surface.split()) > MAX_WORDS or len(set(content)) < len(content):
        return None
    if units[0].opens and units[0].pos != "PROPN" and not surface.split()[0].isupper():
        surface = surface[:1].lower() + surface[1:]  # « Départs » opening a sentence is « départs »
    return Phrase(tuple(u.lemma for u in units), frozenset(content), surface)


def rank_phrases(theme: list[list[Phrase]], others: list[list[Phrase]],
                 weights: dict[str, float]) -> list[Candidate]:
    """The theme's phrases that hold one of its terms, best first.

    Args:
        theme: the phrases of each of the theme's texts.
        others: the phrases of each text of the other themes.
        weights: the theme's c-TF-IDF terms (lemmas; « _ » joins an expression, « » an n-gram).

    A phrase scores the summed weight of the terms it holds (relative to the best
    term), times its share of occurrences in this theme (rates per text), times
    log(1 + the number of the theme's texts holding it), which must be 2 or more.
    """
    top = max(weights.values(), default=0.0) or 1.0
    terms = [(set(term.replace("_", " ").split()), w / top) for term, w in weights.items()]
    elsewhere = Counter(lemmas for phrases in others for lemmas in {p.lemmas for p in phrases})
    forms: dict[tuple[str, ...], Counter] = {}  # lemmas -> texts as written
    for phrase in (p for phrases in theme for p in phrases):
        forms.setdefault(phrase.lemmas, Counter())[phrase.text] += 1
    content = {p.lemmas: p.content for phrases in theme for p in phrases}
    ranked = []
    for lemmas, n in Counter(lemmas for phrases in theme for lemmas in {p.lemmas for p in phrases}).items():
        words = set(lemmas) | {w.lower().replace("’", "'") for form in forms[lemmas] for w in form.split()}
        coverage = sum(w for needed, w in terms if needed <= words)
        if n >= (2 if len(theme) >= 4 else 1) and coverage > 0:
            rate, rate_elsewhere = n / len(theme), elsewhere[lemmas] / len(others) if others else 0.0
            score = coverage * rate / (rate + rate_elsewhere) * math.log1p(n)
            text = min(forms[lemmas].items(), key=lambda f: (-f[1], f[0]))[0]
            ranked.append(Candidate(lemmas, content[lemmas], text, len(text.split()), n, score))
    return sorted(ranked, key=lambda c: (-c.score, c.lemmas))


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    return any(longer[i : i + len(shorter)] == shorter for i in range(len(longer) - len(shorter) + 1))


def _options(ranked: list[Candidate], keys: list[str], stops: frozenset[str]) -> list[str]:
    """A theme's possible labels, best first: its phrase (with a second one), then variants for uniqueness."""
    if not ranked:
        return [_capitalised(o) for o in _term_options(keys, stops)]
    best = ranked[0]
    longer = [c for c in ranked if _contains(c.lemmas, best.lemmas) and c.count >= NEARLY * best.count]
    first = max(longer, key=lambda c: (c.words, c.count, c.score))
    seconds = [c for c in ranked if not c.content & first.content and first.words + c.words <= MAX_WORDS]
    pairs = [f"{first.text}, {c.text}" for c in seconds]
    terms = [f"{first.text}, {t}" for t in _term_options(keys, stops, first.content, MAX_WORDS - first.words)]
    close = pairs[:1] if seconds and seconds[0].score >= SECOND * best.score else []
    options = [*close, first.text, *pairs, *terms, *(c.text for c in ranked)]
    return [_capitalised(o) for o in dict.fromkeys(options)]


def _term_options(keys: list[str], stops: frozenset[str], used: Iterable[str] = (),
                  room: int = MAX_WORDS) -> list[str]:
    """Key terms joined by « , » without a repeated lemma, at most three and ``room`` words; then each alone."""
    chosen: list[str] = []
    seen, terms = set(used), [key.replace("_", " ") for key in keys]
    for term in terms:
        content = {w for w in term.split() if w not in stops} or set(term.split())
        if not content & seen and len(chosen) < 3 and len(" ".join(chosen + [term]).split()) <= room:
            chosen.append(term)
            seen |= content
    alone = [term for term in terms if not set(term.split()) & set(used) and len(term.split()) <= room]
    return list(dict.fromkeys([", ".join(chosen)] * bool(chosen) + alone))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def label_themes(texts: dict[int, list[str]], weights: dict[int, dict[str, float]],
                 keys: dict[int, list[str]], taken: Iterable[str] = ()) -> dict[int, str]:
    """Labels of the themes in ``weights`` from their characteristic texts.

    Args:
        texts: each theme's characteristic texts; themes absent from ``weights``
            (e.g. matched to a codebook) still count as the rest of the corpus.
        weights: per theme to label, its c-TF-IDF terms and weights.
        keys: per theme, its key terms, used when no phrase qualifies.
        taken: labels already given (codebook names): never given again.

    Returns:
        Theme id -> label, unique (ignoring case) among themselves and ``taken``.

    Examples:
        >>> texts = {0: ["Le télétravail isole.", "Le télétravail fatigue."], 1: ["Les délais courent."] * 2}
        >>> label_themes(texts, {0: {"télétravail": 1.0}}, {0: ["télétravail"]})
        {0: 'Télétravail'}
    """
    from ..analysis.preprocess import stop_words

    themes = sorted(texts)
    found = iter(find_phrases([text for t in themes for text in texts[t]]))
    by_theme = {t: [next(found) for _ in texts[t]] for t in themes}
    ranked = {
        t: rank_phrases(by_theme.get(t, []), [p for o in themes if o != t for p in by_theme[o]], weights[t])
        for t in weights
    }
    used = {label.lower() for label in taken}
    labels = {}
    for t in sorted(weights, key=lambda t: (-(ranked[t][0].score if ranked[t] else 0.0), t)):
        options = _options(ranked[t], keys.get(t, []), stop_words()) + [f"Thème {t}"]
        labels[t] = next((o for o in options if o.lower() not in used), f"Thème n° {t}")
        used.add(labels[t].lower())
    return labels
