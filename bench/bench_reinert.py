"""Reinert classification against BERTopic themes on the Grand Débat files, and its speed.

For each labelled Grand Débat file of ../shared/data (see its README): ingest it
into a temporary workspace, train a theme model (``--embedding``, default the
fast offline tfidf-svd), classify it with Reinert (simple and double), and print
the NMI of each document's Reinert class (majority class of its segments) and of
its BERTopic theme against the question it answers. Then time the classification
alone (tokens already computed) at about 1,000 segments (the first documents)
and 10,000 (the file's segments repeated as new documents, which measures speed,
not quality).

    python bench/bench_reinert.py [--k 10] [--embedding tfidf-svd] [--files tamis mel]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd
from sklearn.metrics import normalized_mutual_info_score

from textmine.errors import TextmineError
from textmine.ingest import ingest
from textmine.lexicometry.classification import ReinertOptions, classify
from textmine.lexicometry.tokens import active_forms, corpus_tokens
from textmine.pipeline import TrainOptions, train
from textmine.themes.model import TrainedModel
from textmine.themes.registry import Registry
from textmine.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FILES = {"tamis": "granddebat_tamis_reponses.csv", "mel": "granddebat_mel_commentaires.csv"}


def nmi(labels: pd.DataFrame, questions: dict[int, str], column: str) -> tuple[float, float]:
    """NMI against the questions over the documents with a label, and the share of documents labelled."""
    known = labels.dropna(subset=[column])
    known = known[known[column].astype(int) >= 0] if column == "topic" else known
    truth = [questions[int(d)] for d in known["document_id"]]
    return normalized_mutual_info_score(truth, known[column].astype(int)), len(known) / len(questions)


def scaled(tokens: pd.DataFrame, texts: dict[int, str], factor: int) -> tuple[pd.DataFrame, dict[int, str]]:
    """The corpus repeated ``factor`` times as new documents (for timing only)."""
    frames, all_texts, step = [], {}, max(texts) + 1
    for i in range(factor):
        frames.append(tokens.assign(document_id=tokens["document_id"] + i * step))
        all_texts.update({d + i * step: t for d, t in texts.items()})
    return pd.concat(frames, ignore_index=True), all_texts


def show(row: list[str]) -> list[str]:
    """Print a result as soon as it is measured (a long run keeps what it did)."""
    print(" | ".join(row), flush=True)
    return row


def bench_file(key: str, args: argparse.Namespace) -> list[list[str]]:
    rows = []
    with tempfile.TemporaryDirectory() as home:
        ws = Workspace(Path(home))
        store = ws.open_store()
        ingest(store, [DATA / FILES[key]], key, text_column="text", id_column="id")
        metadata = store.document_metadata(key)
        texts = store.document_texts(key)
        questions = {d: m["question"] for d, m in metadata.items()}
        store.close()
        began = time.perf_counter()
        train(ws, key, "bench", TrainOptions(embedding=args.embedding, seed=3, sentiment="lexique", stability=1))
        topic_seconds = time.perf_counter() - began
        model = TrainedModel.load(Registry(ws.models_dir), "bench")
        score, share = nmi(model.documents(), questions, "topic")
        themes = int((model.themes()["topic"] >= 0).sum())
        rows.append(show([key, f"BERTopic ({args.embedding})", str(themes), f"{score:.3f}", f"{share:.0%}",
                          f"{topic_seconds:.1f}"]))
        began = time.perf_counter()
        tokens = corpus_tokens(ws, key)
        token_seconds = time.perf_counter() - began
        forms = active_forms(tokens)
        for double in (True, False):
            name = f"Reinert {'double' if double else 'simple'} (k={args.k})"
            try:
                result = classify(tokens, texts, metadata, forms, ReinertOptions(k=args.k, double=double))
            except TextmineError as exc:
                rows.append(show([key, name, "", f"échec : {exc}", "", ""]))
                continue
            score, share = nmi(result.documents, questions, "classe")
            rows.append(show([key, name, str(result.summary["k"]), f"{score:.3f}", f"{share:.0%}",
                              f"{result.summary['secondes']:.1f}"]))
        segments = len(result.segments)
        print(f"{key} : {len(texts)} documents, {segments} segments, {len(forms)} formes actives, "
              f"mots étiquetés en {token_seconds:.1f} s")
        for target in (1_000, 10_000):
            if target < segments:  # the first documents, up to about that many segments
                per_document = result.segments.groupby("document_id").size().cumsum()
                kept = set(per_document.index[per_document <= target])
                big_tokens = tokens[tokens["document_id"].isin(kept)]
                big_texts = {d: t for d, t in texts.items() if d in kept}
            else:
                big_tokens, big_texts = scaled(tokens, texts, round(target / segments))
            forms = active_forms(big_tokens)
            for double in (False, True):
                began = time.perf_counter()
                try:
                    timed = classify(big_tokens, big_texts, {}, forms, ReinertOptions(k=args.k, double=double))
                except TextmineError as exc:
                    rows.append(show([key, f"temps {'double' if double else 'simple'}", "", f"échec : {exc}", "", ""]))
                    continue
                rows.append(show([key, f"temps {'double' if double else 'simple'}", str(timed.summary["k"]),
                                  f"{len(timed.segments)} segments", "", f"{time.perf_counter() - began:.1f}"]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--embedding", default="tfidf-svd")
    parser.add_argument("--files", nargs="+", default=list(FILES), choices=list(FILES))
    args = parser.parse_args()
    header = ["fichier", "méthode", "classes", "NMI question", "documents classés", "secondes"]
    rows = [header]
    for key in args.files:
        rows += bench_file(key, args)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
