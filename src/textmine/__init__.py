"""textmine: what a corpus of French testimonies about work keeps saying."""

from .errors import TextmineError
from .ingest import IngestReport, ingest
from .store import Store
from .workspace import Workspace

__version__ = "0.1.0"

__all__ = ["IngestReport", "Store", "TextmineError", "Workspace", "__version__", "ingest"]
