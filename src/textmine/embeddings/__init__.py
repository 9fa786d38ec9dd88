"""Embedding backends behind one interface, and their on-disk cache."""

from .base import DEFAULT, Embedder, create, restore
from .cache import EmbeddingCache, embed

__all__ = ["DEFAULT", "Embedder", "EmbeddingCache", "create", "embed", "restore"]
