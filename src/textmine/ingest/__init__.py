"""Reading corpora from files: one reader per format, one ingest function."""

from .core import FileReport, IngestReport, ingest
from .formats import SUPPORTED, open_source

__all__ = ["FileReport", "IngestReport", "SUPPORTED", "ingest", "open_source"]
