"""CSV and TSV: encoding detected, delimiter sniffed, rows streamed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CorpusFormatError
from .records import Table
from .sniff import UNDECODABLE, detect_encoding, encoding_error, ensure_text, read_head
from .values import clean_header

DELIMITERS = (",", ";", "\t", "|")
NO_DELIMITER = "\x1f"
FIELD_LIMIT = 50 * 1024 * 1024
_DELIMITER_NAMES = {",": "« , »", ";": "« ; »", "\t": "tabulation", "|": "« | »", NO_DELIMITER: "aucun"}


def sniff_delimiter(sample: str, prefer_tab: bool = False) -> str:
    """The delimiter that splits the sample's rows into the most consistent columns.

    Examples:
        >>> sniff_delimiter('id;texte\\n1;"Bonjour, madame"\\n2;Trop de reporting\\n')
        ';'
    """
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last row
    text = "".join(lines[:200])
    # A one-column file (a header such as « texte », then one text per line) has no
    # delimiter: commas in its texts must not split them.
    best, best_score = NO_DELIMITER, (0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width)
        score = (consistent, width + (1 if prefer_tab and delimiter == "\t" else 0))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_delimited(path: Path, **_: Any) -> Table:
    """Read a CSV/TSV file as a table; the first row is the header."""
    head = read_head(path)
    ensure_text(path, head, "un fichier texte CSV")
    encoding = detect_encoding(head)
    sample = head.decode(encoding.replace("-sig", ""), errors="ignore").lstrip("\ufeff")
    delimiter = sniff_delimiter(sample, prefer_tab=path.suffix.lower() in {".tsv", ".tab"})
    csv.field_size_limit(FIELD_LIMIT)
    rows = _rows(path, encoding, delimiter)
    header = next(rows)
    if not header:
        raise CorpusFormatError(f"{path.name} ne contient aucune ligne d'en-tête.")
    columns = clean_header(header)
    return Table(columns=columns, rows=_records(path, columns, rows, delimiter))


def _rows(path: Path, encoding: str, delimiter: str) -> Iterator[list[str]]:
    with path.open(encoding=encoding, errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        start = 1
        try:
            for row in reader:
                if UNDECODABLE.search("\x1f".join(row)):
                    raise encoding_error(path, start, encoding)
                start = reader.line_num + 1
                yield row
        except csv.Error as exc:
            raise CorpusFormatError(
                f"{path.name}, ligne {reader.line_num} : CSV mal formé ({_csv_reason(exc)}). "
                "Vérifiez les guillemets autour des textes."
            ) from exc


def _records(
    path: Path, columns: list[str], rows: Iterator[list[str]], delimiter: str
) -> Iterator[tuple[int, dict[str, Any]]]:
    width = len(columns)
    # Row 1 is the header: positions are the row numbers a spreadsheet shows.
    for position, row in enumerate(rows, start=2):
        if len(row) > width:
            if not any(cell.strip() for cell in row[width:]):
                row = row[:width]
            else:
                raise CorpusFormatError(
                    f"{path.name}, enregistrement {position} : {len(row)} champs au lieu de "
                    f"{width} (séparateur {_DELIMITER_NAMES[delimiter]}). Vérifiez les "
                    "guillemets autour des textes qui contiennent le séparateur."
                )
        if not any(cell.strip() for cell in row):
            continue
        yield position, dict(zip(columns, row))


def _csv_reason(exc: csv.Error) -> str:
    message = str(exc)
    if "unexpected end of data" in message:
        return "guillemet ouvert jamais refermé"
    if "expected after" in message:
        return "guillemet suivi d'autre chose que le séparateur"
    if "field larger" in message:
        return "champ de plus de 50 Mo, sans doute un guillemet non refermé"
    if "NUL" in message:
        return "caractère nul"
    return message
