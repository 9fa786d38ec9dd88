"""Choosing the text and id columns of a table."""

from __future__ import annotations

from typing import Any

from ..errors import CorpusFormatError
from ..normalize import fold

# Folded names that announce the text of a document.
TEXT_NAMES = (
    "texte", "text", "textes", "verbatim", "reponse", "reponses", "response", "answer",
    "commentaire", "commentaires", "comment", "contenu", "content", "temoignage",
    "temoignages", "message", "body", "description", "remarque", "remarques",
    "observation", "observations", "expression", "extrait", "corps",
)


def find_column(columns: list[str], wanted: str, file_name: str, option: str) -> str:
    """The column the user named, matched exactly or without case and accents."""
    if wanted in columns:
        return wanted
    loose = [c for c in columns if fold(c).strip() == fold(wanted).strip()]
    if len(loose) == 1:
        return loose[0]
    raise CorpusFormatError(
        f"{file_name} : colonne « {wanted} » introuvable. Colonnes présentes : "
        f"{', '.join(columns)}. Corrigez {option}."
    )


def choose_text_column(
    columns: list[str], sample: list[dict[str, Any]], file_name: str, exclude: set[str]
) -> str:
    """The text column when it is obvious, by name or by content, else a French error.

    Obvious means: one column only; or exactly one column named like a text
    (« texte », « réponse », « commentaire »…); or among those, or among all
    columns, one whose values are long prose, at least twice as long on average
    as the next.
    """
    candidates = [c for c in columns if c not in exclude]
    if len(candidates) == 1:
        return candidates[0]
    named = [c for c in candidates if _text_like_name(c)]
    if len(named) == 1:
        return named[0]
    chosen = _longest(named or candidates, sample)
    if chosen:
        return chosen
    raise CorpusFormatError(
        f"{file_name} : impossible de deviner la colonne du texte. Colonnes présentes : "
        f"{', '.join(columns)}. Indiquez-la avec --text-column."
    )


def _text_like_name(column: str) -> bool:
    words = fold(column).replace("_", " ").replace("-", " ").split()
    return bool(words) and (words[0] in TEXT_NAMES or fold(column) in TEXT_NAMES)


def _longest(columns: list[str], sample: list[dict[str, Any]]) -> str | None:
    if not sample or not columns:
        return None
    means = sorted(
        ((sum(len(str(r.get(c) or "")) for r in sample) / len(sample), c) for c in columns),
        reverse=True,
    )
    best_mean, best = means[0]
    runner_up = means[1][0] if len(means) > 1 else 0.0
    if best_mean >= 25 and best_mean >= 2 * runner_up:
        return best
    return None


# Prose, as opposed to names, codes, dates and amounts: average non-empty value.
PROSE_WORDS = 6
PROSE_CHARS = 30


def free_text_columns(columns: list[str], sample: list[dict[str, Any]], separator: str) -> list[str]:
    """The columns whose values are free text, judged from well-formed rows.

    A column holds free text when one of its values contains the separator (the
    file had to quote it there), or when its non-empty values read like prose:
    on average at least 6 words and 30 characters. Names of organisations,
    codes, dates and amounts stay below; answers to an open question do not.

    Examples:
        >>> rows = [{"org": "CAF", "avis": "Les dossiers simples partent à la machine désormais"}]
        >>> free_text_columns(["org", "avis"], rows, ";")
        ['avis']
    """
    found = []
    for column in columns:
        cells = [str(v) for v in (row.get(column) for row in sample) if v is not None and str(v).strip()]
        if not cells:
            continue
        words = sum(len(c.split()) for c in cells) / len(cells)
        chars = sum(len(c) for c in cells) / len(cells)
        if any(separator in c for c in cells) or (words >= PROSE_WORDS and chars >= PROSE_CHARS):
            found.append(column)
    return found
