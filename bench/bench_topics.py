"""Topic quality and speed.

    .venv/bin/python bench/bench_topics.py granddebat [--seeds 5] [--embedding e5-small]
    .venv/bin/python bench/bench_topics.py demo
    .venv/bin/python bench/bench_topics.py scale [--documents 10000] [--embedding tfidf-svd]
    .venv/bin/python bench/bench_topics.py stability [--seeds 5] [--embedding e5-small]

granddebat: the Grand Débat comments (../shared/data) as a corpus, default settings,
NMI/AMI/ARI of the documents' main themes against the 29 questions, over several
seeds (the first run fills the embedding cache, the others reuse it).
demo: the demo corpus, first run with a cold embedding cache then a retraining with
a warm one, the stage durations, and which codebook themes come out.
scale: a corpus of N documents made by repeating the demo texts (each copy made
distinct by a numbered sentence), end-to-end time per stage.
stability: the Grand Débat comments trained once with ``--stability N`` (the model's
seed and N-1 more fits on the same vectors): the model-level ARI between runs (mean ±
sd over pairs), the spread of per-theme stability, and what the extra fits cost next
to the first training (time until the model is saved).
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
from textmine.themes.stability import FRAGILE, STABLE
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
        options = TrainOptions(  # each seed is a model of its own here: no extra stability fits
            embedding=args.embedding, seed=seed, eval_label="question", codebook=args.codebook, stability=1
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
            f"{key}: moyenne {statistics.mean(values):.3f}, écart-type {spread:.3f}, min {min(values):.3f}, "
            f"max {max(values):.3f}"
        )
    print("Thèmes (graine 0) :")
    show_themes(workspace, "gd-0", 15)


def stability(args: argparse.Namespace) -> None:
    path = DATA / "granddebat_mel_commentaires.csv"
    if not path.exists():
        sys.exit(f"{path} absent")
    workspace = Workspace(Path(tempfile.mkdtemp()))
    ingest(workspace.open_store(), [path], "gd", text_column="text", id_column="id")
    start = time.perf_counter()
    saved: list[float] = []

    def progress(stage: str, done: int, total: int) -> None:  # noqa: ARG001
        if stage == "stabilité" and not saved:
            saved.append(time.perf_counter() - start)

    options = TrainOptions(embedding=args.embedding, seed=args.seed, stability=args.seeds, codebook=args.codebook)
    report = train(workspace, "gd", "gd", options, progress=progress)
    block = report.stability
    values = sorted(block["per_theme"].values())
    sizes = TrainedModel.load(Registry(workspace.models_dir), "gd").trained_segments["topic"].value_counts()
    in_stable = sum(sizes.get(int(t), 0) for t, v in block["per_theme"].items() if v >= STABLE) / sizes.sum()
    first, extra = saved[0], block["seconds"]
    print(
        f"Grand Débat (commentaires MEL), {report.metrics['segments']} segments, {args.embedding}, "
        f"graines {block['seeds'][0]}…{block['seeds'][-1]} ({block['runs']} ajustements)"
    )
    print(f"ARI entre ajustements : {block['ari_mean']:.3f} ± {block['ari_sd']:.3f} (moyenne ± écart-type des paires)")
    print(
        f"stabilité par thème ({len(values)} thèmes du modèle) : min {values[0]:.2f}, "
        f"médiane {statistics.median(values):.2f}, max {values[-1]:.2f} ; "
        f"≥ {STABLE} : {sum(v >= STABLE for v in values) / len(values):.0%} des thèmes, "
        f"{in_stable:.0%} des segments ; < {FRAGILE} : {sum(v < FRAGILE for v in values) / len(values):.0%} des thèmes"
    )
    print(
        f"premier entraînement (modèle enregistré) : {first:.1f} s {report.durations} ; "
        f"{block['runs'] - 1} ajustements de plus : {extra:.1f} s "
        f"({extra / first:.2f} × le premier entraînement, {extra / (block['runs'] - 1):.1f} s chacun, "
        f"{report.durations['topics']:.1f} s pour l'ajustement du modèle lui-même)"
    )
    steady = dict(block["per_theme"])
    themes = TrainedModel.load(Registry(workspace.models_dir), "gd").themes()
    for row in themes.head(15).itertuples():
        print(f"  {row.topic:>3} {row.segments:>5}  {steady[str(row.topic)]:.2f}  {row.label[:45]:<45}")


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
    parser.add_argument("what", choices=["granddebat", "demo", "scale", "stability"])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42, help="stability: the first seed")
    parser.add_argument("--embedding", default="e5-small")
    parser.add_argument("--codebook", default=None)
    parser.add_argument("--documents", type=int, default=10_000)
    args = parser.parse_args()
    {"granddebat": granddebat, "demo": demo, "scale": scale, "stability": stability}[args.what](args)


if __name__ == "__main__":
    main()
