"""CSV and TSV: encoding detected, delimiter sniffed, rows streamed, unquoted separators repaired."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import CorpusFormatError
from .columns import free_text_columns
from .records import Overlong, Table
from .sniff import UNDECODABLE, detect_encoding, encoding_error, ensure_text, read_head
from .values import clean_header

DELIMITERS = (",", ";", "\t", "|")
NO_DELIMITER = "\x1f"
FIELD_LIMIT = 50 * 1024 * 1024
# Rows that fit the header needed to judge which columns hold free text.
_MIN_WELL_FORMED = 3
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
    raw = _records(path, columns, rows, delimiter)
    return Table(columns=columns, rows=_refuse_overlong(raw, path.name, len(columns)), raw_rows=raw)


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
) -> Iterator[tuple[int, dict[str, Any] | Overlong]]:
    width = len(columns)
    # Row 1 is the header: positions are the row numbers a spreadsheet shows.
    for position, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        while len(row) > width and not row[-1].strip():
            del row[-1]  # trailing separators, as spreadsheets write after empty cells
        if len(row) > width:
            yield position, Overlong(row, delimiter)
            continue
        if len(row) < width:
            raise CorpusFormatError(
                f"{path.name}, ligne {position} : {_fields(len(row))} au lieu de {width} "
                f"(séparateur {_DELIMITER_NAMES[delimiter]}). Il manque un séparateur ou une valeur : "
                "complétez la ligne pour qu'elle ait un champ par colonne de l'en-tête "
                "(un champ vide suffit)."
            )
        yield position, dict(zip(columns, row))


def _refuse_overlong(
    rows: Iterator[tuple[int, dict[str, Any] | Overlong]], file_name: str, width: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    for position, row in rows:
        if isinstance(row, Overlong):
            raise CorpusFormatError(_check_quotes(file_name, position, row, width))
        yield position, row


def repair_overlong(
    rows: Iterable[tuple[int, dict[str, Any] | Overlong]],
    columns: list[str],
    text_column: str,
    well_formed: list[dict[str, Any]],
    file_name: str,
    on_repair: Callable[[int], None],
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows that fit the header, over-long ones rebuilt around an unquoted separator.

    A hand-made CSV often leaves a text such as « à la machine ; il ne reste »
    unquoted, which splits it. When the text column is the only column of free
    text, the split is undone: the fields before the text column are taken from
    the left, those after it from the right, and the text is the fields in
    between joined with the separator. ``on_repair`` is told each rebuilt row.

    The repair is refused with the line number when it would be a guess: fewer
    than 3 well-formed rows to judge the columns from, or another column of free
    text (see :func:`textmine.ingest.columns.free_text_columns`), which could be
    the one holding the separator.

    Args:
        rows: ``(position, values)`` from :attr:`Table.raw_rows`.
        columns: the header.
        text_column: the column the import takes the text from.
        well_formed: rows that fitted the header, read before this call (the sample).
        file_name: for messages.
        on_repair: called with the position of each rebuilt row.

    Raises:
        CorpusFormatError: at the first over-long row that cannot be rebuilt.
    """
    before = columns.index(text_column)
    after = len(columns) - before - 1
    # Copies: downstream, the text and id are popped from the rows this sample shares.
    sample = [dict(r) for r in well_formed]
    rivals: list[str] | None = None  # judged at the first over-long row, once
    for position, row in rows:
        if not isinstance(row, Overlong):
            yield position, row
            continue
        if len(sample) < _MIN_WELL_FORMED:
            raise CorpusFormatError(_check_quotes(file_name, position, row, len(columns)))
        if rivals is None:
            rivals = [c for c in free_text_columns(columns, sample, row.separator) if c != text_column]
        if rivals:
            raise CorpusFormatError(_ambiguous(file_name, position, row, len(columns), text_column, rivals))
        cells = row.cells
        end = len(cells) - after
        text = row.separator.join(cells[before:end])
        on_repair(position)
        yield position, dict(zip(columns, [*cells[:before], text, *cells[end:]]))


def _fields(n: int) -> str:
    return f"{n} champ{'s' if n > 1 else ''}"


def _check_quotes(file_name: str, position: int, row: Overlong, width: int) -> str:
    return (
        f"{file_name}, enregistrement {position} : {len(row.cells)} champs au lieu de "
        f"{width} (séparateur {_DELIMITER_NAMES[row.separator]}). Vérifiez les "
        "guillemets autour des textes qui contiennent le séparateur."
    )


def _ambiguous(
    file_name: str, position: int, row: Overlong, width: int, text_column: str, rivals: list[str]
) -> str:
    named = ", ".join(f"« {c} »" for c in rivals)
    verb = "contient" if len(rivals) == 1 else "contiennent"
    return (
        f"{file_name}, ligne {position} : {len(row.cells)} champs au lieu de {width} "
        f"(séparateur {_DELIMITER_NAMES[row.separator]}). Réparation impossible : le séparateur "
        f"en trop peut venir de « {text_column} » comme de {named}, qui {verb} aussi du texte libre. "
        "Mettez ces textes entre guillemets, ou enregistrez de nouveau le fichier en CSV depuis "
        "votre tableur."
    )


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
