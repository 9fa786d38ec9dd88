"""Embedding backends behind one interface, and their on-disk cache."""

from .base import DEFAULT, Embedder, create, default_backend, restore
from .cache import EmbeddingCache, embed

__all__ = ["DEFAULT", "Embedder", "EmbeddingCache", "create", "default_backend", "embed", "restore"]
