"""JSON Lines: one JSON object per line, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

from ..errors import CorpusFormatError
from .records import Table
from .sniff import UNDECODABLE, detect_encoding, encoding_error, ensure_text, read_head
from .values import clean_header

_HEADER_PEEK = 200
MAX_LINE_CHARS = 50_000_000


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
    with path.open(encoding=encoding, errors="surrogateescape") as handle:
        for line_no, line in enumerate(iter(lambda: handle.readline(MAX_LINE_CHARS), ""), 1):
            if len(line) == MAX_LINE_CHARS and not line.endswith("\n"):
                raise CorpusFormatError(
                    f"{path.name}, ligne {line_no} : ligne de plus de 50 millions de caractères ; "
                    "un fichier JSONL doit avoir un objet par ligne."
                )
            if not line.strip():
                continue
            if UNDECODABLE.search(line):
                raise encoding_error(path, line_no, encoding)
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
