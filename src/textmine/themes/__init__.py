"""Themes: BERTopic on the embeddings, the codebook that names them, metrics, and trained models on disk."""
