"""JSON Lines: one JSON object per line, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

from ..errors import CorpusFormatError
from .records import Table
from .sniff import detect_encoding, ensure_text, read_head
from .values import clean_header

_HEADER_PEEK = 200


def read_jsonl(path: Path, **_: Any) -> Table:
    """Read a JSONL file as a table; its columns are the keys of the first objects."""
    head = read_head(path)
    ensure_text(path, head, "un fichier texte JSONL")
    objects = _objects(path, detect_encoding(head))
    peek = list(islice(objects, _HEADER_PEEK))
    if not peek:
        raise CorpusFormatError(f"{path.name} ne contient aucun objet JSON.")
    keys: dict[str, None] = {}
    for _, obj in peek:
        keys.update(dict.fromkeys(obj))
    return Table(columns=clean_header(keys), rows=chain(peek, objects))


def _objects(path: Path, encoding: str) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding=encoding) as handle:
        line_no = 0
        try:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line.strip())
                except json.JSONDecodeError as exc:
                    raise CorpusFormatError(
                        f"{path.name}, ligne {line_no} : JSON invalide ({exc.msg}, colonne "
                        f"{exc.colno}). Chaque ligne doit être un objet JSON complet."
                    ) from exc
                if not isinstance(obj, dict):
                    raise CorpusFormatError(
                        f"{path.name}, ligne {line_no} : un objet JSON {{…}} est attendu."
                    )
                yield line_no, {" ".join(str(k).split()) or "colonne": v for k, v in obj.items()}
        except UnicodeDecodeError as exc:
            raise CorpusFormatError(
                f"{path.name}, ligne {line_no + 1} : encodage incohérent. "
                "Enregistrez le fichier en UTF-8."
            ) from exc
