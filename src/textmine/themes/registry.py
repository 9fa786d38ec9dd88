"""The models/ folder: trained models written atomically, listed, published.

A model is written whole (``folders.written_whole``): an interrupted run leaves
no half model, and the published model is never touched by a training run. ``published.json`` says which model
of each corpus the app shows; it is replaced atomically too, and so is a
card that gains a block after training (theme stability).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from ..errors import NotFoundError, TextmineError
from ..folders import locked, written_whole
from ..names import validate_name

CARD = "card.json"
PUBLISHED = "published.json"


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON next to ``path`` then rename it over: readers see old or new, never half."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


class Registry:
    """Trained models of a workspace.

    Examples:
        >>> import tempfile, pathlib
        >>> Registry(pathlib.Path(tempfile.mkdtemp())).names()
        []
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, name: str) -> Path:
        return self.folder / validate_name(name, "modèle")

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if (p / CARD).is_file() and not p.name.startswith("."))

    def exists(self, name: str) -> bool:
        return (self.path(name) / CARD).is_file()

    def require(self, name: str) -> Path:
        if not self.exists(name):
            known = ", ".join(self.names()) or "aucun"
            raise NotFoundError(f"Modèle « {name} » introuvable. Modèles présents : {known}.")
        return self.path(name)

    def card(self, name: str) -> dict[str, Any]:
        return json.loads((self.require(name) / CARD).read_text(encoding="utf-8"))

    def creating(self, name: str, replace: bool = False):  # noqa: ANN201 - a context manager
        """A temporary folder to write a model into; renamed to ``models/<name>`` on success."""
        self.path(name)  # checks the name
        if self.exists(name) and not replace:
            raise TextmineError(
                f"Le modèle « {name} » existe déjà : choisissez un autre nom ou ajoutez --replace."
            )
        return written_whole(self.folder, name, replace,
                             f"Le modèle « {name} » a été créé entre-temps par une autre opération : "
                             "choisissez un autre nom ou ajoutez --replace.")

    def add_to_card(self, name: str, key: str, value: Any, created_at: str) -> bool:
        """Add ``key`` to the card of a model already in place, atomically, touching nothing else.

        Only if the folder still holds the model created at ``created_at`` (the
        card's timestamp): a model replaced or deleted meanwhile is left as it
        is, and False returned.
        """
        path = self.path(name) / CARD
        with self._lock():
            try:
                card = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                return False
            if card.get("created_at") != created_at:
                return False
            card[key] = value
            write_json_atomic(path, card)
        return True

    def delete(self, name: str) -> None:
        path = self.require(name)
        with self._lock():
            trash = self.folder / f".old-{name}-{uuid.uuid4().hex[:8]}"
            os.rename(path, trash)
            published = self._read_published()
            kept = {corpus: model for corpus, model in published.items() if model != name}
            if kept != published:
                write_json_atomic(self.folder / PUBLISHED, kept)
        shutil.rmtree(trash, ignore_errors=True)

    # -- publication --------------------------------------------------------

    def published(self) -> dict[str, str]:
        """Corpus name -> the model the app shows for it."""
        return {c: m for c, m in self._read_published().items() if self.exists(m)}

    def publish(self, name: str) -> str:
        """Make ``name`` the model shown for its corpus; returns the corpus name."""
        card = self.card(name)
        if card.get("kind") == "sentiment":
            raise TextmineError(f"« {name} » est un modèle de sentiment : seul un modèle de thèmes se publie.")
        corpus = card["corpus"]["name"]
        with self._lock():
            published = self._read_published()
            published[corpus] = name
            write_json_atomic(self.folder / PUBLISHED, published)
        return corpus

    def _read_published(self) -> dict[str, str]:
        path = self.folder / PUBLISHED
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise TextmineError(f"{path} est illisible : supprimez-le puis republiez un modèle.") from exc
        return data if isinstance(data, dict) else {}

    def _lock(self):  # noqa: ANN202 - a context manager
        return locked(self.folder)
