"""Text normalisation shared by every reader: one definition of "the same text".

Texts are stored as a reader would quote them: Unicode NFC, typographic
apostrophes and French non-breaking spaces kept, but control characters,
zero-width characters, runs of spaces and runs of blank lines removed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
# Runs of horizontal whitespace, but a single (narrow) no-break space stays:
# French typography puts one before « ; : ! ? » and inside « ».
_SPACE_RUN = re.compile("[ \t\u00a0\u202f\u2000-\u200a\u3000]{2,}|[\t\u2000-\u200a\u3000]")
_SPACE_AROUND_NEWLINE = re.compile(" *\n *")
_BLANK_LINES = re.compile("\n{3,}")
# Anything one of the substitutions above would change.
_IRREGULAR = re.compile(
    "[\r\u2028\u2029\x85\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
    "\t\u2000-\u200a\u3000]|[ \u00a0\u202f]{2}| \n|\n |\n{3}"
)

# Answers that carry no content. Compared after casefolding, accent folding and
# removing punctuation, so « R.A.S. », « Néant. » and « je ne sais pas ! » match.
BOILERPLATE_ANSWERS = frozenset(
    {
        "ras", "rien a signaler", "rien a dire", "rien a ajouter", "rien de plus",
        "neant", "sans avis", "pas d avis", "aucun avis", "sans objet", "sans opinion",
        "je ne sais pas", "ne sais pas", "nsp", "nc", "na", "n a", "non concerne",
        "aucun", "aucune", "aucun commentaire", "pas de commentaire", "sans commentaire",
        "rien", "non", "oui", "idem", "pareil", "voir plus haut", "cf plus haut",
        "x", "xx", "xxx", "0", "test",
    }
)
_NOT_WORD = re.compile(r"[\W_]+")


def normalize_text(text: str) -> str:
    """Return ``text`` in the canonical form stored in the workspace.

    Examples:
        >>> normalize_text("  L’équipe\\u00a0: épuisée\\r\\n\\r\\n\\r\\n  Voilà ")
        'L’équipe\\xa0: épuisée\\n\\nVoilà'
    """
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _IRREGULAR.search(text):  # most short texts need nothing more than strip()
        text = _LINE_BREAKS.sub("\n", text)
        text = _INVISIBLE.sub("", text)
        text = _CONTROL.sub(" ", text)
        text = _SPACE_RUN.sub(" ", text)
        text = _SPACE_AROUND_NEWLINE.sub("\n", text)
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def content_hash(text: str) -> str:
    """Hash of a normalised text: two documents are duplicates when it is equal."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def fold(text: str) -> str:
    """Lower-case, accent-free form of ``text`` used for loose comparisons."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_boilerplate(text: str) -> bool:
    """True for content-free answers such as « RAS », « néant » or « sans avis ».

    Examples:
        >>> is_boilerplate("R.A.S."), is_boilerplate("Néant !"), is_boilerplate("Rien ne va")
        (True, True, False)
    """
    if len(text) > 40:
        return False
    key = " ".join(_NOT_WORD.sub(" ", fold(text)).split())
    if key in BOILERPLATE_ANSWERS:
        return True
    # "R.A.S." and "N.S.P." lose their dots and become single letters.
    return key.replace(" ", "") in {"ras", "nsp"}
