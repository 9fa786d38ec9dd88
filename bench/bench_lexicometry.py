"""Speed of the lexicometric analyses at about 1,000 and 10,000 segments (sentences).

Ingests a Grand Débat file of ../shared/data (default: the « tamis » answers)
into a temporary workspace, analyses it (the project's sentences), then times,
at each size: word tokens with spaCy (``tokens``), lexical statistics by
question, Lafon specificities by question (lemmas, frequency ≥ 3) and their
correspondence analysis, similitudes (co-occurrence in sentences, 100 forms).
The first documents make up 1,000 sentences; 10,000 sentences repeat the
file's documents as new ones (this measures speed, not quality).

    python bench/bench_lexicometry.py [--file tamis|mel] [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from textmine.analysis.preprocess import analyse_corpus
from textmine.ingest import ingest
from textmine.lexicometry.ca import correspondence_analysis
from textmine.lexicometry.similitudes import similitudes
from textmine.lexicometry.specificities import lexical_table, scores
from textmine.lexicometry.stats import summarise
from textmine.lexicometry.tokens import _tokenise, active_forms
from textmine.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FILES = {"tamis": "granddebat_tamis_reponses.csv", "mel": "granddebat_mel_commentaires.csv"}


def documents_for(documents: list, size: int) -> list:
    """Documents (repeated under new ids when needed) holding about ``size`` sentences."""
    chosen, sentences, step, i = [], 0, max(d for d, _, _ in documents) + 1, 0
    while sentences < size:
        doc_id, text, rows = documents[i % len(documents)]
        chosen.append((doc_id + (i // len(documents)) * step, text, rows))
        sentences += len(rows)
        i += 1
    return chosen


def timed(function, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", choices=list(FILES), default="tamis")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    path = DATA / FILES[args.file]
    if not path.is_file():
        raise SystemExit(f"{path} absent : ce banc d'essai lit les fichiers de ../shared/data.")
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(Path(tmp))
        store = workspace.open_store()
        ingest(store, [path], "gd", id_column="id")
        _, seconds = timed(analyse_corpus, store, "gd")
        print(f"Analyse spaCy du corpus (phrases, une fois) : {seconds:.1f} s")
        documents = [(d, text, rows) for d, text, boiler, _, rows in store.analysed_documents("gd") if not boiler]
        questions = {d: m.get("question") for d, m in store.document_metadata("gd").items()}
        step = max(questions) + 1
        scores(pd.DataFrame({"a": [1, 2], "b": [2, 1]}))  # load scipy's distributions before timing
        print("| segments | documents | mots | tokens (s) | stats (s) | spécificités (s) | AFC (s) | "
              "similitudes (s) |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in args.sizes:
            chosen = documents_for(documents, size)
            tokens, t_tokens = timed(_tokenise, chosen, None)
            parts = tokens["document_id"].map(lambda d: questions[d % step])
            _, t_stats = timed(lambda: [summarise(g, str(k)) for k, g in tokens.groupby(parts)] + [summarise(tokens)])
            (table, sizes), t_table = timed(lexical_table, tokens, parts)
            frequent = table[table.sum(axis=1) >= 3]
            _, t_spec = timed(scores, frequent, "lafon", sizes)
            _, t_ca = timed(correspondence_analysis, frequent)
            forms = active_forms(tokens)
            _, t_simi = timed(similitudes, tokens, forms, "cooccurrence", "phrases", 100)
            sentences = sum(len(rows) for _, _, rows in chosen)
            print(f"| {sentences} | {len(chosen)} | {len(tokens)} | {t_tokens:.1f} | {t_stats:.2f} | "
                  f"{t_table + t_spec:.2f} | {t_ca:.2f} | {t_simi:.2f} |", flush=True)


if __name__ == "__main__":
    main()
