"""XLSX workbooks, read in streaming mode; one sheet per ingest."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CorpusFormatError, InputFileError
from .records import Table
from .values import clean_header


def read_xlsx(path: Path, sheet: str | None = None, **_: Any) -> Table:
    """Read one sheet (the first by default) of an XLSX workbook as a table."""
    import openpyxl  # heavy: loaded only when a workbook is read
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputFileError(
            f"{path.name} n'est pas un classeur XLSX lisible : ouvrez-le dans votre tableur "
            "et enregistrez-le au format .xlsx."
        ) from exc
    names = book.sheetnames
    worksheet = book[_sheet_name(path, names, sheet)]
    rows = worksheet.iter_rows(values_only=True)
    header_row = 0
    for header_row, values in enumerate(rows, start=1):
        if any(v is not None and str(v).strip() for v in values):
            break
    else:
        book.close()
        others = (
            f" Feuilles du classeur : {', '.join(names)} ; choisissez-en une avec --sheet."
            if len(names) > 1
            else ""
        )
        raise CorpusFormatError(f"{path.name} : la feuille « {worksheet.title} » est vide.{others}")
    width = max(i for i, v in enumerate(values, start=1) if v is not None and str(v).strip())
    columns = clean_header(values[:width])
    return Table(columns=columns, rows=_records(book, rows, columns, header_row))


def _sheet_name(path: Path, names: list[str], sheet: str | None) -> str:
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    raise CorpusFormatError(
        f"{path.name} : feuille « {sheet} » introuvable. Feuilles du classeur : {', '.join(names)}."
    )


def _records(book, rows, columns: list[str], header_row: int) -> Iterator[tuple[int, dict[str, Any]]]:
    width = len(columns)
    try:
        for position, values in enumerate(rows, start=header_row + 1):
            values = values[:width]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            yield position, dict(zip(columns, values))
    finally:
        book.close()
