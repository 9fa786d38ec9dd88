"""Where textmine keeps its data: a folder with the store and trained models."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .store import Store

DB_NAME = "textmine.sqlite"


@dataclass(frozen=True, slots=True)
class Workspace:
    """A workspace folder: ``textmine.sqlite`` and ``models/``.

    Examples:
        >>> Workspace(Path("/tmp/ws")).db_path
        PosixPath('/tmp/ws/textmine.sqlite')
    """

    home: Path

    @classmethod
    def from_env(cls, home: str | os.PathLike[str] | None = None) -> "Workspace":
        """The workspace named by ``home``, else ``TEXTMINE_HOME``, else the current folder."""
        chosen = home or os.environ.get("TEXTMINE_HOME") or Path.cwd()
        return cls(Path(chosen).expanduser().resolve())

    @property
    def db_path(self) -> Path:
        return self.home / DB_NAME

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    def open_store(self) -> Store:
        return Store(self.db_path)
