"""Names of corpora and models: safe as folder names and in URLs."""

from __future__ import annotations

import re

from .errors import InvalidNameError

_NAME = re.compile(r"[^\W_][\w.-]{0,62}")


def validate_name(name: str, what: str = "corpus") -> str:
    """Return ``name`` if it is a valid corpus or model name, else raise a French error.

    Letters (accents allowed), digits, « _ », « - » and « . », 63 characters at most,
    starting with a letter or digit: no spaces, no « / », no « .. ».

    Examples:
        >>> validate_name("enquête-2024")
        'enquête-2024'
    """
    if not _NAME.fullmatch(name) or ".." in name:
        raise InvalidNameError(
            f"Nom de {what} invalide : « {name} ». Utilisez des lettres, chiffres, « _ », « - » "
            "ou « . » (63 caractères au plus, sans espace ni « / »), par exemple enquete-2024."
        )
    return name
