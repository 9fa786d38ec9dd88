"""Writing result files: clear French errors for paths that cannot be written."""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import TextmineError, os_reason


def check_writable(path: Path) -> Path:
    """Raise a French error unless ``path`` can be created or replaced."""
    path = Path(path)
    if path.is_dir():
        raise TextmineError(f"{path} est un dossier : indiquez un nom de fichier.")
    if not path.parent.is_dir():
        raise TextmineError(f"Le dossier {path.parent} n'existe pas : créez-le ou choisissez un autre chemin.")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise TextmineError(f"Impossible d'écrire {path} : vérifiez les droits du dossier.")
    return path


def check_new_file(source: Path, out: Path) -> Path:
    """Raise a French error when ``out`` would overwrite ``source``: an input file is never rewritten."""
    if Path(out).resolve() == Path(source).resolve():
        raise TextmineError(f"--out doit être un autre fichier que {source} (le fichier d'origine n'est jamais modifié).")
    return check_writable(out)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file next to ``path``, renamed over it once fully written: readers, and the
    previous file when anything fails, never see half a file."""
    path = check_writable(Path(path))
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise TextmineError(f"Écriture de {path} impossible : {os_reason(exc)}.") from exc
    finally:
        if tmp.exists():
            tmp.unlink()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a UTF-8 CSV (with BOM, so spreadsheets read accents) atomically; returns the row count."""
    count = 0
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count
