"""Export a corpus to IRaMuTeQ: ``**** *variable_modalite`` lines, UTF-8, optional themes or Reinert classes.

Each text opens with a line ``**** *variable_modalite …`` holding its
metadata, the way IRaMuTeQ reads a corpus (``ingest.iramuteq`` reads it back):

- a variable name keeps only letters and digits (« code postal » gives
  ``codepostal``): IRaMuTeQ cuts ``*variable_modalite`` at the first « _ »;
- in a modality, spaces and every character other than a letter or digit
  become « _ » (« cadre de proximité » gives ``cadre_de_proximité``, which
  IRaMuTeQ shows as is and textmine reads back as « cadre de proximité »);
- an empty value leaves its variable out of that text's line.

With a model, each text gains ``*theme_N``, N being its main theme after the
model's edits (``*theme_aucun`` for a text without theme); with a Reinert
run, ``*classe_N`` from the run's ``documents.csv`` (``*classe_0``:
unclassified). A text line that would read as a command line (starting with
``****`` or ``-*``) loses its leading asterisks, so that no text splits.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

from ..errors import TextmineError
from ..workspace import Workspace

_NOT_WORD = re.compile(r"[\W_]+")
# metadata an IRaMuTeQ import creates from « -* » lines: not a starred variable
_SKIPPED = {"original_id", "thematiques"}


def variable_name(name: str) -> str:
    """A metadata column name as an IRaMuTeQ variable.

    Examples:
        >>> variable_name("Code postal"), variable_name("année_n-1")
        ('codepostal', 'annéen1')
    """
    return _NOT_WORD.sub("", unicodedata.normalize("NFC", str(name))).lower()


def modality(value: Any) -> str:
    """A metadata value as an IRaMuTeQ modality.

    Examples:
        >>> modality("cadre de proximité"), modality("L’équipe / 2021"), modality(2.5)
        ('cadre_de_proximité', 'L_équipe_2021', '2_5')
    """
    return _NOT_WORD.sub("_", unicodedata.normalize("NFC", str(value)).strip()).strip("_")


def header(metadata: dict[str, Any], extra: dict[str, str] | None = None) -> str:
    """The ``****`` line of one text."""
    stars, seen = [], set()
    for key, value in {**metadata, **(extra or {})}.items():
        if key in _SKIPPED or (extra and key not in extra and variable_name(key) in extra):
            continue
        name, mod = variable_name(key), modality(value) if value is not None else ""
        if not name or not mod or name in seen:
            continue
        seen.add(name)
        stars.append(f"*{name}_{mod}")
    return " ".join(["****", *stars])


def _body(text: str) -> str:
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("****") or stripped.startswith("-*"):
            line = stripped.lstrip("-*").lstrip()
        lines.append(line)
    return "\n".join(lines).strip("\n")


def iramuteq_bytes(workspace: Workspace, corpus: str, model: str | None = None,
                   reinert: str | None = None) -> bytes:
    """The corpus as an IRaMuTeQ text file (UTF-8), with themes (``model``) or Reinert classes (``reinert``).

    Raises:
        TextmineError: unknown corpus, model or run; a model or run made on another corpus; both asked.
    """
    if model and reinert:
        raise TextmineError("Choisissez les thèmes d'un modèle (--model) ou les classes de Reinert (--reinert), "
                            "pas les deux.")
    store = workspace.open_store()
    try:
        documents = list(store.documents(corpus))
    finally:
        store.close()
    extra = _themes(workspace, corpus, model) if model else _classes(workspace, corpus, reinert) if reinert else {}
    parts = []
    for doc in documents:
        added = extra.get(doc["id"]) if extra else None
        parts.append(header(doc["metadata"], added) + "\n" + _body(doc["text"]) + "\n")
    return "\n".join(parts).encode("utf-8")


def _themes(workspace: Workspace, corpus: str, model: str) -> dict[int, dict[str, str]]:
    from ..themes.model import UNASSIGNED, TrainedModel
    from ..themes.registry import Registry

    trained = TrainedModel.load(Registry(workspace.models_dir), model)
    if trained.corpus != corpus:
        raise TextmineError(f"Le modèle « {model} » a été entraîné sur le corpus « {trained.corpus} », "
                            f"pas sur « {corpus} ».")
    main = dict(zip(trained.documents()["document_id"], trained.documents()["topic"]))
    store = workspace.open_store()
    try:
        ids = list(store.document_metadata(corpus))
    finally:
        store.close()
    return {d: {"theme": "aucun" if main.get(d, UNASSIGNED) == UNASSIGNED else str(int(main[d]))} for d in ids}


def _classes(workspace: Workspace, corpus: str, name: str) -> dict[int, dict[str, str]]:
    from ..lexicometry.runs import load_run

    run = load_run(workspace, "reinert", name)
    if run.corpus != corpus:
        raise TextmineError(f"La classification « {name} » porte sur le corpus « {run.corpus} », pas sur « {corpus} ».")
    path = run.file("documents.csv")
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise TextmineError(f"{path} est illisible : relancez la classification « {name} » avec --replace.") from exc
    if not {"document_id", "classe"} <= set(table.columns):
        raise TextmineError(f"{path} doit avoir les colonnes document_id et classe : relancez la classification.")
    classes = {int(d): c for d, c in zip(table["document_id"], table["classe"])}
    store = workspace.open_store()
    try:
        ids = list(store.document_metadata(corpus))
    finally:
        store.close()
    return {d: {"classe": modality(classes.get(d, 0)) if pd.notna(classes.get(d, 0)) else "0"} for d in ids}
