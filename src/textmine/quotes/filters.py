"""Filters shared by quotes, search and concordance: tone and metadata values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import TextmineError
from ..ingest.values import DATE, DECIMAL, INTEGER

SENTIMENTS = ("negatif", "neutre", "positif")
TONES = {"negatif": "négatif", "neutre": "neutre", "positif": "positif"}  # as a reader sees them
_SENTIMENT_ALIASES = {"négatif": "negatif", "negative": "negatif", "positive": "positif", "neutral": "neutre"}


@dataclass(frozen=True)
class Filters:
    """What to keep: tones (any of), and for each metadata column, any of its values."""

    sentiment: tuple[str, ...] = ()
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def parse(cls, sentiment: Iterable[str] = (), where: Iterable[str] = ()) -> "Filters":
        """From the CLI's ``--sentiment negatif`` and ``--where colonne=valeur`` (repeatable)."""
        tones = []
        for value in sentiment:
            for part in str(value).split(","):
                tone = _SENTIMENT_ALIASES.get(part.strip().lower(), part.strip().lower())
                if tone not in SENTIMENTS:
                    raise TextmineError(f"Ton inconnu « {part.strip()} » : {', '.join(TONES.values())}.")
                tones.append(tone)
        columns: dict[str, list[str]] = {}
        for item in where:
            column, sep, value = str(item).partition("=")
            if not sep or not column.strip() or not value.strip():
                raise TextmineError(f"Filtre « {item} » mal formé : écrivez colonne=valeur (ex. organisme=CAF).")
            columns.setdefault(column.strip(), []).append(value.strip())
        return cls(tuple(dict.fromkeys(tones)), {c: tuple(v) for c, v in columns.items()})

    def __bool__(self) -> bool:
        return bool(self.sentiment or self.where)

    def check_columns(self, columns: dict[str, str], corpus: str) -> None:
        for column in self.where:
            if column not in columns:
                raise TextmineError(
                    f"Colonne « {column} » absente du corpus « {corpus} ». Colonnes : "
                    f"{', '.join(columns) or 'aucune'}."
                )

    def documents(self, metadata: dict[int, dict[str, Any]], columns: dict[str, str]) -> set[int] | None:
        """Ids of the documents whose metadata pass; None when there is no metadata filter."""
        if not self.where:
            return None
        kept = set()
        for doc_id, meta in metadata.items():
            if all(_matches(meta.get(c), values, columns.get(c)) for c, values in self.where.items()):
                kept.add(doc_id)
        return kept

    def describe(self) -> str:
        parts = [f"ton {' ou '.join(TONES[t] for t in self.sentiment)}"] if self.sentiment else []
        parts += [f"{c} = {' ou '.join(v)}" for c, v in self.where.items()]
        return ", ".join(parts)


def _matches(value: Any, wanted: tuple[str, ...], type_: str | None) -> bool:
    if value is None:
        return False
    text = str(value).strip().casefold()
    for item in wanted:
        item = item.casefold()
        if text == item or (type_ == DATE and text.startswith(item)):
            return True
        if type_ in (INTEGER, DECIMAL):
            try:
                if float(text) == float(item.replace(",", ".")):
                    return True
            except ValueError:
                continue
    return False
