"""Files sent through the browser: checked, given safe names, kept inside the workspace."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

from ..errors import TextmineError
from ..workspace import Workspace

ALLOWED = ("csv", "tsv", "txt", "xlsx", "docx", "pdf", "jsonl", "yaml", "yml")
MAX_BYTES = 200 * 1024 * 1024


def safe_name(name: str) -> str:
    """A file name without folders, odd characters or leading dots (« ../../x.csv » → « x.csv »)."""
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\-]+", "_", base).lstrip("._")[:120]
    if not cleaned or "." not in cleaned:
        raise TextmineError(f"Nom de fichier inutilisable : « {name} ».")
    return cleaned


def save(workspace: Workspace, files: list[tuple[str, bytes]], allowed: tuple[str, ...] = ALLOWED) -> Path:
    """Write uploaded files into a fresh folder ``<workspace>/uploads/<id>/``; returns that folder.

    Raises a French error (and writes nothing) for a type not in ``allowed``,
    an empty file, or more than ``MAX_BYTES`` in all.
    """
    if not files:
        raise TextmineError("Aucun fichier reçu : choisissez au moins un fichier.")
    total = sum(len(data) for _, data in files)
    if total > MAX_BYTES:
        raise TextmineError(f"Fichiers trop volumineux ({total / 2**20:.0f} Mo, {MAX_BYTES // 2**20} Mo au plus) : "
                            "importez-les avec la commande « textmine ingest ».")
    names = []
    for name, data in files:
        clean = safe_name(name)
        extension = clean.rsplit(".", 1)[-1].lower()
        if extension not in allowed:
            raise TextmineError(f"Type de fichier refusé : « {name} ». Types acceptés : {', '.join(allowed)}.")
        if not data:
            raise TextmineError(f"Le fichier « {name} » est vide.")
        names.append(clean)
    folder = workspace.home / "uploads" / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True)
    for clean, (_, data) in zip(_unique(names), files):
        (folder / clean).write_bytes(data)
    return folder


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        stem, _, extension = name.rpartition(".")
        result.append(name if count == 0 else f"{stem}-{count}.{extension}")
    return result
