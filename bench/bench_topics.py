"""Topic quality and speed.

    .venv/bin/python bench/bench_topics.py granddebat [--seeds 5] [--embedding e5-small]
    .venv/bin/python bench/bench_topics.py demo
    .venv/bin/python bench/bench_topics.py scale [--documents 10000] [--embedding tfidf-svd]

granddebat: the Grand Débat comments (../shared/data) as a corpus, default settings,
NMI/AMI/ARI of the documents' main themes against the 29 questions, over several
seeds (the first run fills the embedding cache, the others reuse it).
demo: the demo corpus, first run with a cold embedding cache then a retraining with
a warm one, the stage durations, and which codebook themes come out.
scale: a corpus of N documents made by repeating the demo texts (each copy made
distinct by a numbered sentence), end-to-end time per stage.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textmine.demo import ingest_demo
from textmine.ingest import ingest
from textmine.pipeline import TrainOptions, train
from textmine.themes.model import TrainedModel
from textmine.themes.registry import Registry
from textmine.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def show_themes(workspace: Workspace, name: str, n: int = 12) -> None:
    themes = TrainedModel.load(Registry(workspace.models_dir), name).themes()
    for row in themes.head(n).itertuples():
        print(f"  {row.topic:>3} {row.segments:>5}  {row.label[:45]:<45} | {', '.join(row.terms[:6])}")


def granddebat(args: argparse.Namespace) -> None:
    path = DATA / "granddebat_mel_commentaires.csv"
    if not path.exists():
        sys.exit(f"{path} absent")
    workspace = Workspace(Path(tempfile.mkdtemp()))
    store = workspace.open_store()
    ingest(store, [path], "gd", text_column="text", id_column="id")
    results = []
    for seed in range(args.seeds):
        start = time.perf_counter()
        options = TrainOptions(
            embedding=args.embedding, seed=seed, eval_label="question", codebook=args.codebook
        )
        report = train(workspace, "gd", f"gd-{seed}", options)
        m = report.metrics
        results.append(m)
        print(
            f"seed {seed}: thèmes {m['themes']:>3}  NMI {m['nmi']:.3f}  AMI {m['ami']:.3f}  ARI {m['ari']:.3f}  "
            f"sans thème avant/après {m['outliers_before']:.0%}/{m['outliers_after']:.0%}  "
            f"diversité {m['diversity']:.2f}  NPMI {m['coherence_npmi']:.3f}  {time.perf_counter() - start:.1f} s "
            f"{report.durations}"
        )
    for key in ("themes", "nmi", "ami", "ari", "outliers_after"):
        values = [r[key] for r in results]
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        print(
            f"{key}: moyenne {statistics.mean(values):.3f}, écart-type {spread:.3f}, min {min(values):.3f}, max {max(values):.3f}"
        )
    print("Thèmes (graine 0) :")
    show_themes(workspace, "gd-0", 15)


def demo(args: argparse.Namespace) -> None:
    workspace = Workspace(Path(tempfile.mkdtemp()))
    ingest_demo(workspace.open_store())
    for run in ("premier entraînement (cache vide)", "réentraînement (cache plein)"):
        start = time.perf_counter()
        report = train(workspace, "demo", "demo", TrainOptions(embedding=args.embedding), replace=True)
        total = time.perf_counter() - start
        m = report.metrics
        print(
            f"{run} : {total:.1f} s, {m['segments']} segments ({m['segments'] / total:.1f} segments/s), "
            f"étapes {report.durations}"
        )
    print(
        f"{m['themes']} thèmes, {m['codebook_matched']} reliés au codebook, sans thème {m['outliers_after']:.0%}, "
        f"diversité {m['diversity']:.2f}, NPMI {m['coherence_npmi']:.3f}"
    )
    show_themes(workspace, "demo", 40)


def scale(args: argparse.Namespace) -> None:
    source = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "temoignages.csv"
    rows = list(csv.DictReader(source.open(encoding="utf-8")))
    workspace = Workspace(Path(tempfile.mkdtemp()))
    path = workspace.home / "grand.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["texte", "organisme", "annee"])
        for i in range(args.documents):
            row = rows[i % len(rows)]
            writer.writerow(
                [f"{row['texte']} (Témoignage recueilli sous le numéro {i}.)", row["organisme"], row["annee"]]
            )
    start = time.perf_counter()
    ingest(workspace.open_store(), [path], "grand")
    print(f"import : {time.perf_counter() - start:.1f} s")
    for run in ("premier entraînement", "réentraînement"):
        start = time.perf_counter()
        report = train(workspace, "grand", "grand", TrainOptions(embedding=args.embedding), replace=True)
        total = time.perf_counter() - start
        m = report.metrics
        print(
            f"{run} : {total:.1f} s, {m['segments']} segments, {m['themes']} thèmes, étapes {report.durations}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["granddebat", "demo", "scale"])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--embedding", default="e5-small")
    parser.add_argument("--codebook", default=None)
    parser.add_argument("--documents", type=int, default=10_000)
    args = parser.parse_args()
    {"granddebat": granddebat, "demo": demo, "scale": scale}[args.what](args)


if __name__ == "__main__":
    main()
