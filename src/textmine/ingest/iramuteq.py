"""IRaMuTeQ corpora: ``**** *variable_modalite`` lines open texts, streamed.

Modalities are stored with spaces instead of underscores (``*fonction_cadre_de_proximite``
gives ``fonction = "cadre de proximite"``). Thematic lines (``-*theme``) are
removed from the text and kept in the ``thematiques`` metadata.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CorpusFormatError
from .records import Documents, Record
from .sniff import UNDECODABLE, detect_encoding, encoding_error, ensure_text, read_head

MAX_TEXT_CHARS = 50_000_000


def read_iramuteq(path: Path, **_: Any) -> Documents:
    head = read_head(path)
    ensure_text(path, head, "un corpus IRaMuTeQ (texte)")
    return Documents(records=_texts(path, detect_encoding(head)), position_kind="texte")


def parse_header(line: str) -> dict[str, Any]:
    """Metadata of a ``****`` line.

    Examples:
        >>> parse_header("**** *organisme_CPAM *fonction_cadre_de_proximite *annee_2022")
        {'organisme': 'CPAM', 'fonction': 'cadre de proximite', 'annee': '2022'}
    """
    metadata: dict[str, Any] = {}
    for token in line[4:].split():
        token = token.lstrip("*")
        if not token:
            continue
        variable, _, modality = token.partition("_")
        metadata[variable] = modality.replace("_", " ") if modality else "oui"
    return metadata


def _texts(path: Path, encoding: str) -> Iterator[Record]:
    number = 0
    metadata: dict[str, Any] | None = None
    lines: list[str] = []
    themes: list[str] = []
    size = 0
    with path.open(encoding=encoding, errors="surrogateescape") as handle:
        for line_no, line in enumerate(handle, start=1):
            if UNDECODABLE.search(line):
                raise encoding_error(path, line_no, encoding)
            stripped = line.strip()
            if stripped.startswith("****"):
                if metadata is not None:
                    yield _record(number, metadata, lines, themes)
                number += 1
                metadata, lines, themes, size = parse_header(stripped), [], [], 0
            elif stripped.startswith("-*"):
                themes.append(stripped[2:].replace("_", " "))
            elif metadata is None:
                if stripped:
                    raise CorpusFormatError(
                        f"{path.name}, ligne {line_no} : texte avant la première ligne "
                        "« **** » ; un corpus IRaMuTeQ commence par une ligne **** *variable_modalite."
                    )
            else:
                size += len(line)
                if size > MAX_TEXT_CHARS:
                    raise CorpusFormatError(
                        f"{path.name}, texte {number} : plus de 50 millions de caractères ; "
                        "vérifiez qu'une ligne « **** » ne manque pas."
                    )
                lines.append(line)
    if metadata is not None:
        yield _record(number, metadata, lines, themes)


def _record(number: int, metadata: dict[str, Any], lines: list[str], themes: list[str]) -> Record:
    if themes:
        metadata = {**metadata, "thematiques": ", ".join(dict.fromkeys(themes))}
    return Record(text="".join(lines), metadata=metadata, position=number)
