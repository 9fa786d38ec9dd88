"""Which reader reads which file, and which files a folder holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputFileError
from .delimited import read_delimited
from .iramuteq import read_iramuteq
from .jsonl import read_jsonl
from .pdf import read_pdf
from .plaintext import is_iramuteq, read_text_file
from .records import Documents, Table
from .sniff import check_file, read_head
from .spreadsheet import read_xlsx
from .word import read_docx

Reader = Callable[..., Table | Documents]

READERS: dict[str, tuple[str, Reader]] = {
    ".csv": ("CSV", read_delimited),
    ".tsv": ("TSV", read_delimited),
    ".tab": ("TSV", read_delimited),
    ".txt": ("TXT", read_text_file),
    ".xlsx": ("XLSX", read_xlsx),
    ".xlsm": ("XLSX", read_xlsx),
    ".docx": ("DOCX", read_docx),
    ".pdf": ("PDF", read_pdf),
    ".jsonl": ("JSONL", read_jsonl),
    ".ndjson": ("JSONL", read_jsonl),
}

_HINTS = {
    ".xls": "enregistrez-le au format .xlsx ou .csv depuis votre tableur",
    ".ods": "enregistrez-le au format .xlsx ou .csv depuis votre tableur",
    ".doc": "enregistrez-le au format .docx depuis votre traitement de texte",
    ".odt": "enregistrez-le au format .docx depuis votre traitement de texte",
    ".rtf": "enregistrez-le au format .docx ou .txt",
    ".json": "convertissez-le en JSONL (un objet JSON par ligne, extension .jsonl)",
}

SUPPORTED = "CSV, TSV, TXT, IRaMuTeQ (.txt), XLSX, DOCX, PDF, JSONL"


def unsupported_reason(path: Path) -> str | None:
    """Why this file cannot be read, from its extension; None when it can."""
    suffix = path.suffix.lower()
    if suffix in READERS:
        return None
    hint = _HINTS.get(suffix)
    if hint:
        return f"{path.name} : format {suffix} non pris en charge, {hint}."
    shown = suffix or "sans extension"
    return f"{path.name} : format « {shown} » non pris en charge. Formats acceptés : {SUPPORTED}."


def open_source(path: Path, sheet: str | None = None) -> tuple[str, Table | Documents]:
    """The format name and the rows or documents of one file."""
    check_file(path)
    reason = unsupported_reason(path)
    if reason:
        raise InputFileError(reason)
    fmt, reader = READERS[path.suffix.lower()]
    if fmt == "TXT" and is_iramuteq(read_head(path, 4096)):
        fmt, reader = "IRaMuTeQ", read_iramuteq
    options: dict[str, Any] = {"sheet": sheet} if sheet is not None else {}
    if sheet is not None and fmt != "XLSX":
        raise InputFileError(f"--sheet ne s'applique qu'aux classeurs XLSX, pas à {path.name}.")
    return fmt, reader(path, **options)


def collect_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Files to read (folders expanded, sorted) and the reasons others were left aside.

    A missing path or an unsupported file named explicitly is an error; inside a
    folder, unsupported files are only reported.
    """
    files: dict[Path, None] = {}
    ignored: list[str] = []
    for path in paths:
        if not path.exists():
            raise InputFileError(f"Fichier ou dossier introuvable : {path}.")
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith((".", "~$")) for part in p.relative_to(path).parts)
            )
            for candidate in found:
                reason = unsupported_reason(candidate)
                if reason:
                    ignored.append(reason)
                else:
                    files[candidate.resolve()] = None
            if not any(unsupported_reason(p) is None for p in found):
                raise InputFileError(
                    f"Le dossier {path} ne contient aucun fichier importable ({SUPPORTED})."
                )
        else:
            reason = unsupported_reason(path)
            if reason:
                raise InputFileError(reason)
            files[path.resolve()] = None
    return list(files), ignored
