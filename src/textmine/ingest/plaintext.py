"""Plain text: one document per file, paragraphs (blank-line separated) numbered."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import CorpusFormatError, InputFileError
from .records import Documents, Record, join_numbered
from .sniff import detect_encoding, ensure_text, read_head

MAX_TEXT_BYTES = 50 * 1024 * 1024
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n")


def read_text_file(path: Path, **_: Any) -> Documents:
    """Read a whole text file as one document."""
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise InputFileError(
            f"{path.name} dépasse 50 Mo, trop pour un seul document : découpez-le en plusieurs "
            "fichiers, ou utilisez le format IRaMuTeQ (lignes ****) ou un CSV."
        )
    head = read_head(path)
    ensure_text(path, head, "un fichier texte")
    encoding = detect_encoding(head)
    try:
        raw = path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise CorpusFormatError(
            f"{path.name} : encodage incohérent (détecté : {encoding}). Enregistrez-le en UTF-8."
        ) from exc
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    text, spans = join_numbered(enumerate(_PARAGRAPH_BREAK.split(raw), start=1))
    records = [Record(text=text, position=1, spans=spans)] if text else []
    return Documents(records=iter(records), position_kind="paragraphe")


def is_iramuteq(head: bytes) -> bool:
    """IRaMuTeQ corpora start with a ``****`` line."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"****")
