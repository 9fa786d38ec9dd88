"""PDF: the text layer, one document per file, pages kept for citation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import CorpusFormatError, InputFileError
from .records import Documents, Record, join_numbered

_SENTENCE_END = re.compile(r"[.!?:;»…)]$")
_BULLET = re.compile(r"^([-–—•·▪◦*]|\d+[.)]|[a-z][.)])\s")


def read_pdf(path: Path, **_: Any) -> Documents:
    """Read the text layer of a PDF; fails clearly on scanned or encrypted files."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputFileError(
                f"{path.name} est protégé par un mot de passe : enregistrez-en une copie sans "
                "protection avant de l'importer."
            )
        pages = [(n, reflow(page.extract_text() or "")) for n, page in enumerate(reader.pages, 1)]
        info = reader.metadata
    except InputFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputFileError(f"{path.name} n'est pas un PDF lisible ({exc}).") from exc
    text, spans = join_numbered(pages)
    if len(text.replace(" ", "")) < 5 * len(pages):
        raise CorpusFormatError(
            f"{path.name} n'a pas de couche texte (PDF numérisé ?) : une reconnaissance de "
            "caractères (OCR) est nécessaire, par exemple avec ocrmypdf, avant l'import."
        )
    return Documents(
        records=iter([Record(text=text, metadata=_properties(info), position=spans[0][1], spans=spans)]),
        position_kind="page",
    )


def reflow(page: str) -> str:
    """Rebuild paragraphs from a PDF page's lines: join wrapped lines, undo hyphenation.

    A wrapped line is nearly as long as the page's longest line; a clearly
    shorter line ends its paragraph (or is a heading) when it ends a sentence
    or the next line starts with a capital. Bullets and blank lines also start
    a new paragraph.

    Examples:
        >>> reflow("Les agents sont sou-\\nmis à une pression constante qui\\nne faiblit pas.\\nNouveau paragraphe.")
        'Les agents sont soumis à une pression constante qui ne faiblit pas.\\n\\nNouveau paragraphe.'
    """
    lines = [" ".join(line.split()) for line in page.splitlines()]
    width = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current = previous = ""
    for line in lines:
        if not line:
            paragraphs.append(current)
            current = previous = ""
            continue
        short = len(previous) < 0.8 * width
        if current and (
            _BULLET.match(line)
            or (short and (_SENTENCE_END.search(previous) or line[:1].isupper()))
        ):
            paragraphs.append(current)
            current = ""
        if current.endswith("-") and current[-2:-1].isalpha() and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        previous = line
    paragraphs.append(current)
    return "\n\n".join(p for p in paragraphs if p)


def _properties(info) -> dict[str, Any]:
    if not info:
        return {}
    found: dict[str, Any] = {"titre": info.title, "auteur": info.author}
    try:
        found["date"] = info.creation_date
    except (ValueError, TypeError):
        pass
    return {k: v for k, v in found.items() if v not in (None, "")}
