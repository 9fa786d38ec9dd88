"""The JSON outputs of the ``textmine`` command: their published schemas, and how they are written.

Every command with ``--format json`` has a JSON Schema (draft 2020-12) shipped
in ``textmine/data/schemas/<command>.schema.json``, so that other tools can
check what they read. ``dumps`` is the one way those outputs are written:
strict JSON (a missing value is ``null``, never ``NaN``), UTF-8, indented.

Examples:
    >>> from textmine.exchange import schemas
    >>> schemas.load("quotes")["$id"]
    'urn:textmine:schema:quotes:1'
    >>> print(schemas.dumps({"score": float("nan")}))
    {
      "score": null
    }
"""

from __future__ import annotations

import json
import math
import numbers
from pathlib import Path
from typing import Any

from ..errors import NotFoundError

FOLDER = Path(__file__).resolve().parent.parent / "data" / "schemas"
_SUFFIX = ".schema.json"


def names() -> list[str]:
    """The commands that have a schema, in alphabetical order."""
    return sorted(p.name.removesuffix(_SUFFIX) for p in FOLDER.glob(f"*{_SUFFIX}"))


def path(name: str) -> Path:
    """The schema file of command ``name`` (``quotes``, ``sentiment-summary``…).

    Raises:
        NotFoundError: no command of that name has a JSON output.
    """
    if name not in names():
        raise NotFoundError(f"Schéma « {name} » inconnu. Schémas : {', '.join(names())}.")
    return FOLDER / f"{name}{_SUFFIX}"


def load(name: str) -> dict[str, Any]:
    """The schema of command ``name``, as a dictionary (for ``jsonschema`` or any validator)."""
    return json.loads(path(name).read_text(encoding="utf-8"))


def dumps(data: Any) -> str:
    """``data`` as a ``--format json`` output: NaN and infinities as null, numpy numbers as plain ones."""
    return json.dumps(_plain(data), ensure_ascii=False, indent=2, allow_nan=False)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):  # numpy integers too
        return int(value)
    if isinstance(value, numbers.Real):  # pandas writes a missing value as NaN
        return float(value) if math.isfinite(value) else None
    return value
