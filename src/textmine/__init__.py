"""textmine: what a corpus of French testimonies about work keeps saying.

The package follows the data flow::

    ingest/       files → documents and metadata in the store (one reader per format)
    analysis/     spaCy French analysis (sentences, lemmas) and segments
    embeddings/   embedding backends behind one interface, with their cache
    themes/       BERTopic topics, labels, stability, codebook, metrics, trained models and models/
    sentiment/    tone and emotions, backends behind one interface
    quotes/       quotes for a theme or a query, citations, filters, concordance, pseudonymisation
    lexicometry/  IRaMuTeQ's analyses, each run recorded: Reinert classes (segmentation, reinert, reinert_double,
                  profiles, classification); tokens (forms, lemmas, POS, cached), stats, specificities
                  (Lafon, chi², themes and classes), ca (correspondence analysis), similitudes (graph, communities)
    exchange/     files written for users and other tools (quote packs, CSV, JSON Schemas)
      refiqda       REFI-QDA projects (.qdpx) and codebooks (.qdc) out, codebooks in, XSD-validated
      qda_sheets    spreadsheets QDA tools import: coded segments, NVivo classification, MAXQDA codes
      iramuteq      IRaMuTeQ corpus out: **** lines, *variable_modalite, *theme_N or *classe_N
    views/        what the app screens show, computed from a trained model
    report/       a study report of a model (method, themes, charts, quotes) as DOCX or HTML
    engines/      where the per-text stages run: local (this process or a pool) or dask (workers, Parquet shards)
    cli/          the ``textmine`` command, a thin layer over the library

At the root: ``pipeline`` (the only module that knows the order of the stages), ``store``
(all SQL), ``workspace``, ``folders`` (results written whole), ``errors``, ``normalize`` (one
definition of "the same text"), ``names``, ``jobs`` (background tasks), ``progress`` (time remaining) and ``demo``.
"""

from .errors import TextmineError
from .ingest import IngestReport, ingest
from .store import Store
from .workspace import Workspace

__version__ = "0.1.0"

__all__ = ["IngestReport", "Store", "TextmineError", "Workspace", "__version__", "ingest"]
