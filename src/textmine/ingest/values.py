"""Metadata values: typed on the fly (integer, decimal, date, text), per column.

While a file streams, each value is stored typed: numbers as numbers, dates in
ISO form. Once the whole file is read, each column gets one type from the kinds
of its values; in a column that turns out mixed, ``coerce`` turns the numbers
back into text, so that a column holds one type only.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

INTEGER, DECIMAL, DATE, TEXT = "entier", "décimal", "date", "texte"

_INT = re.compile(r"-?(?:0|[1-9]\d{0,17})")
_DEC = re.compile(r"-?\d+[.,]\d+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")
_DMY_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?")
_YMD_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_SPACES = re.compile(r"\s\s|[^\S ]")


def parse_date(text: str) -> str | None:
    """ISO form of a date written ISO-style or day-first (French), else None.

    Examples:
        >>> parse_date("03/04/2023"), parse_date("2023-04-03 10:30"), parse_date("31/02/2023")
        ('2023-04-03', '2023-04-03T10:30:00', None)
    """
    if m := _ISO_DATE.fullmatch(text):
        y, mo, d, h, mi, s = m.groups()
    elif m := _DMY_DATE.fullmatch(text):
        d, mo, y, h, mi, s = m.groups()
    elif m := _YMD_SLASH.fullmatch(text):
        (y, mo, d), h, mi, s = m.groups(), None, None, None
    else:
        return None
    try:
        if h is None:
            return date(int(y), int(mo), int(d)).isoformat()
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0)).isoformat()
    except ValueError:
        return None


def classify(value: Any) -> tuple[Any, str] | None:
    """The value to store and its kind; None for an empty value.

    Integers and decimals become numbers, recognised dates their ISO form
    (French day-first order); the rest is text. Codes with leading zeros
    (« 01000 ») stay text.

    Examples:
        >>> classify(" 2021 "), classify("3,5"), classify("03/04/2021"), classify("01000")
        ((2021, 'entier'), (3.5, 'décimal'), ('2021-04-03', 'date'), ('01000', 'texte'))
    """
    if isinstance(value, str):
        return _classify_text(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return ("oui" if value else "non"), TEXT
    if isinstance(value, int):
        return value, INTEGER
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return value, DECIMAL
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat(), DATE
        return value.isoformat(timespec="seconds"), DATE
    if isinstance(value, date):
        return value.isoformat(), DATE
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False), TEXT
    return _classify_text(str(value))


def _classify_text(text: str) -> tuple[Any, str] | None:
    text = text.strip()
    if not text:
        return None
    if _SPACES.search(text):
        text = " ".join(text.split())
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    first = text[0]
    if first.isdigit() or first == "-":
        if _INT.fullmatch(text):
            return int(text), INTEGER
        if _DEC.fullmatch(text):
            return float(text.replace(",", ".")), DECIMAL
        if iso := parse_date(text):
            return iso, DATE
    return text, TEXT


def column_type(kinds: Iterable[str]) -> str:
    """One type for a column from the kinds of its values (or of two ingests)."""
    kinds = set(kinds)
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= {INTEGER, DECIMAL}:
        return DECIMAL
    return TEXT


def needs_coercion(kinds: set[str], type_: str) -> bool:
    """Whether stored values of these kinds must change for a column of ``type_``.

    Only a text column holding some numbers needs it: its numbers become text.
    """
    return type_ == TEXT and bool(kinds & {INTEGER, DECIMAL})


def coerce(value: Any, type_: str) -> Any:
    """``value`` as stored for a column of type ``type_`` (idempotent)."""
    if type_ == TEXT and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def coercer(types: dict[str, str]):
    """A function rewriting a metadata JSON object to the given column types."""

    def rewrite(meta_json: str) -> str:
        meta = json.loads(meta_json)
        for name, type_ in types.items():
            if name in meta:
                meta[name] = coerce(meta[name], type_)
        return json.dumps(meta, ensure_ascii=False)

    return rewrite


def clean_header(names: Iterable[Any]) -> list[str]:
    """Column names: trimmed, never empty, unique (« nom », « nom_2 »…)."""
    result: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(names, start=1):
        name = " ".join(unicodedata.normalize("NFC", str(raw if raw is not None else "")).split())
        name = name.lstrip("\ufeff") or f"colonne_{index}"
        unique, n = name, 2
        while unique in seen:
            unique, n = f"{name}_{n}", n + 1
        seen.add(unique)
        result.append(unique)
    return result
