"""Writing result files: clear French errors for paths that cannot be written."""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .errors import TextmineError


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


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a UTF-8 CSV (with BOM, so spreadsheets read accents) atomically; returns the row count."""
    path = check_writable(Path(path))
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    count = 0
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
                count += 1
        os.replace(tmp, path)
    except OSError as exc:
        raise TextmineError(f"Écriture de {path} impossible : {exc.strerror}.") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return count
