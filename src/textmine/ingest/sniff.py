"""Checks made on a file before reading it: presence, size, real type, encoding."""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from ..errors import CorpusFormatError, InputFileError

SAMPLE_BYTES = 1 << 20

_MAGIC = (
    (b"PK\x03\x04", "une archive ZIP ou un fichier Office (XLSX, DOCX ?)"),
    (b"%PDF", "un PDF"),
    (b"\xd0\xcf\x11\xe0", "un ancien fichier Office (XLS ou DOC ?)"),
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"\x7fELF", "un programme"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"SQLite format 3", "une base SQLite"),
)


def check_file(path: Path) -> int:
    """Raise a French error unless ``path`` is a non-empty readable file; return its size."""
    if not path.exists():
        raise InputFileError(f"Fichier introuvable : {path}.")
    if not path.is_file():
        raise InputFileError(f"{path} n'est pas un fichier ordinaire.")
    if not os.access(path, os.R_OK):
        raise InputFileError(f"Lecture de {path} impossible : vérifiez les droits du fichier.")
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(f"{path.name} est vide : aucun document à importer.")
    return size


def read_head(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def looks_like(head: bytes) -> str | None:
    """What a binary file really is, from its first bytes; None for text."""
    for magic, description in _MAGIC:
        if head.startswith(magic):
            return description
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head[:8192]:
        return "un fichier binaire"
    return None


def ensure_text(path: Path, head: bytes, expected: str) -> None:
    """Refuse a binary file that carries a text extension (``.csv``, ``.txt``…)."""
    actual = looks_like(head)
    if actual:
        raise InputFileError(
            f"{path.name} devrait être {expected} mais c'est {actual} : "
            "vérifiez le fichier ou son extension."
        )


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252 or latin-1.

    A valid UTF-8 sample is decisive: cp1252 accents almost never form valid
    UTF-8 sequences. The last bytes of the sample may cut a character in two,
    so the decoder is not asked to finish.

    Examples:
        >>> detect_encoding("Évaluation".encode("utf-8")), detect_encoding("Évaluation".encode("cp1252"))
        ('utf-8', 'cp1252')
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


# Files are opened with errors="surrogateescape": a byte that does not fit the
# detected encoding becomes a lone surrogate, found line by line, so that the
# error names the right line (the decoder reads far ahead of the parser).
UNDECODABLE = re.compile("[\udc80-\udcff]")


def encoding_error(path: Path, line: int, encoding: str) -> CorpusFormatError:
    return CorpusFormatError(
        f"{path.name}, ligne {line} : encodage incohérent (détecté : {encoding}, d'après le début "
        "du fichier). Enregistrez le fichier entier en UTF-8."
    )
