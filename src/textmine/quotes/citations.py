"""Citations: where a quote comes from, written for an author.

A citation points at a document and character offsets, never at a theme, so
it stays valid whatever model is trained later.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

# Metadata columns read for each part of a citation, first found wins (names compared without accents).
_FIELDS = {
    "source": ("source", "type", "type_source", "source_type", "genre"),
    "fonction": ("fonction", "role", "poste", "metier", "profession", "statut"),
    "organisme": ("organisme", "organisation", "caisse", "employeur", "institution"),
    "annee": ("annee", "year", "an", "date"),
}
_PLACE = {"page": "p.", "paragraphe": "§"}


def fold(text: str) -> str:
    """Lower case without accents, one character for one character (offsets are kept)."""
    if text.isascii():
        return text.lower()
    return "".join(unicodedata.normalize("NFD", c.lower())[0] for c in text)


@dataclass(frozen=True)
class Citation:
    """The source of a quote: document, offsets, and what the metadata say about it."""

    document_id: int
    document: str
    start: int
    end: int
    source: str | None = None
    fonction: str | None = None
    organisme: str | None = None
    annee: str | None = None
    place: str | None = None

    def reference(self) -> str:
        """« témoignage, cadre de proximité, CAF, 2023, doc 123, § 4 »."""
        parts = [p for p in (self.source, self.fonction, self.organisme, self.annee) if p]
        parts.append(f"doc {self.document}")
        if self.place:
            parts.append(self.place)
        return ", ".join(parts)

    def format(self, text: str) -> str:
        return f"« {text} » — {self.reference()}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reference": self.reference()}


class Citer:
    """Builds citations for the documents of one corpus."""

    def __init__(self, metadata: dict[int, dict[str, Any]], sources: dict[int, tuple], texts: dict[int, str]) -> None:
        self.metadata = metadata
        self.sources = sources
        self.texts = texts

    @classmethod
    def for_corpus(cls, store, corpus: str) -> "Citer":  # noqa: ANN001
        return cls(store.document_metadata(corpus), store.document_sources(corpus), store.document_texts(corpus))

    def cite(self, document_id: int, start: int, end: int) -> Citation:
        meta = self.metadata.get(document_id, {})
        original, kind, spans = self.sources.get(document_id, (None, "", None))
        found = {part: _lookup(meta, names) for part, names in _FIELDS.items()}
        if found["annee"] and len(found["annee"]) > 4 and found["annee"][:4].isdigit():
            found["annee"] = found["annee"][:4]
        return Citation(
            document_id=document_id,
            document=str(original or document_id),
            start=start,
            end=end,
            place=self._place(document_id, start, kind, spans),
            **found,
        )

    def _place(self, document_id: int, start: int, kind: str, spans: list | None) -> str | None:
        if spans:
            offsets = [offset for offset, _ in spans]
            i = max(0, bisect.bisect_right(offsets, start) - 1)
            return f"{_PLACE.get(kind, '§')} {spans[i][1]}"
        text = self.texts.get(document_id, "")
        if "\n\n" in text.strip():
            return f"§ {text.count(chr(10) + chr(10), 0, start) + 1}"
        return None


def _lookup(meta: dict[str, Any], names: tuple[str, ...]) -> str | None:
    folded = {fold(k).replace(" ", "_"): v for k, v in meta.items() if k != "original_id"}
    for name in names:
        value = folded.get(name)
        if value not in (None, ""):
            return str(value)
    return None
