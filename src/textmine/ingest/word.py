"""DOCX: one document per file, paragraphs kept and numbered for citation."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from ..errors import CorpusFormatError, InputFileError
from .records import Documents, Record, join_numbered


def read_docx(path: Path, **_: Any) -> Documents:
    """Read a Word document: its paragraphs (tables included) in reading order."""
    import docx  # python-docx, loaded only when a DOCX is read
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputFileError(
            f"{path.name} n'est pas un document DOCX lisible : ouvrez-le dans votre "
            "traitement de texte et enregistrez-le au format .docx."
        ) from exc
    text, spans = join_numbered(enumerate(_nonempty(_paragraphs(document)), start=1))
    if not text:
        raise CorpusFormatError(f"{path.name} ne contient aucun texte.")
    return Documents(
        records=iter([Record(text=text, metadata=_properties(document), position=1, spans=spans)]),
        position_kind="paragraphe",
    )


def _nonempty(texts: list[str]) -> list[str]:
    return [t for t in texts if t.strip()]


def _paragraphs(document) -> list[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    texts: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            texts.append(" ".join(block.text.split()))
        elif isinstance(block, Table):
            for row in block.rows:
                cells = dict.fromkeys(" ".join(c.text.split()) for c in row.cells)
                texts.append(" | ".join(c for c in cells if c))
    return texts


def _properties(document) -> dict[str, Any]:
    props = document.core_properties
    found = {"titre": props.title, "auteur": props.author, "date": props.created}
    return {k: v for k, v in found.items() if v not in (None, "")}
