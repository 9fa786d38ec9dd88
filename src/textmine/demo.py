"""The fictional demo corpus shipped in ``corpora/demo``, described by its manifest."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import NotFoundError
from .ingest import IngestReport, ingest
from .ingest.core import Progress
from .store import Store

_REPO_DEMO = Path(__file__).resolve().parents[2] / "corpora" / "demo"


def demo_dir() -> Path:
    """The demo corpus folder: ``TEXTMINE_DEMO_DIR``, else ``corpora/demo`` of the source tree."""
    folder = Path(os.environ.get("TEXTMINE_DEMO_DIR", _REPO_DEMO))
    if not (folder / "manifest.json").is_file():
        raise NotFoundError(
            f"Corpus de démonstration introuvable dans {folder} : lancez textmine depuis son "
            "dépôt (pip install -e .) ou indiquez le dossier avec TEXTMINE_DEMO_DIR."
        )
    return folder


def ingest_demo(store: Store, progress: Progress | None = None) -> IngestReport:
    """Ingest every file of the demo manifest; files already there are skipped.

    Each file is its own transaction, so an interrupted run resumes where it stopped.
    """
    folder = demo_dir()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    reports = [
        ingest(
            store,
            [folder / item["path"]],
            manifest["corpus"],
            text_column=item.get("text_column"),
            id_column=item.get("id_column"),
            metadata=item.get("metadata"),
            progress=progress,
        )
        for item in manifest["files"]
    ]
    return IngestReport.combine(reports)


DEMO_MODEL = "demo"


def prepare_demo(workspace, progress=None) -> str:  # noqa: ANN001
    """Ingest the demo corpus and train its model « demo » when absent; returns what was done, in French."""
    from .pipeline import train
    from .themes.registry import Registry

    report = ingest_demo(workspace.open_store())
    done = f"Corpus « demo » : {report.added} documents ajoutés."
    if not Registry(workspace.models_dir).exists(DEMO_MODEL):
        train(workspace, "demo", DEMO_MODEL, progress=progress)
        done += " Modèle « demo » entraîné et publié."
    return done
