"""Quote search quality, and the speed of quotes, search and concordance.

    .venv/bin/python bench/bench_quotes.py granddebat [--workspace DIR]   # precision@10 of the three search modes
    .venv/bin/python bench/bench_quotes.py latency [--workspace DIR]      # warm latency on ~100k sentences
    .venv/bin/python bench/bench_quotes.py pseudonymisation               # recall / precision on the planted test set

granddebat: the Grand Débat comments (../shared/data) as a corpus and a model
trained with the default settings; for each of the questions with at least 15
answers, the question text is the query; precision@10 is the share of the 10
sentences returned (one per document) whose document answers that question.

latency: a workspace of about 100,000 sentences built from the demo texts
(each document is two demo documents joined, so that none is a duplicate),
a model trained with tfidf-svd vectors (e5-small gives the same search cost,
plus the query's encoding, timed apart); medians of repeated warm calls.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from textmine.ingest import ingest
from textmine.pipeline import TrainOptions, train
from textmine.quotes.filters import Filters
from textmine.quotes.index import load_index
from textmine.quotes.kwic import concordance
from textmine.themes.registry import Registry
from textmine.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def _workspace(args: argparse.Namespace) -> Workspace:
    return Workspace(Path(args.workspace) if args.workspace else Path(tempfile.mkdtemp()))


def granddebat(args: argparse.Namespace) -> None:
    path = DATA / "granddebat_mel_commentaires.csv"
    if not path.exists():
        sys.exit(f"{path} absent")
    workspace = _workspace(args)
    store = workspace.open_store()
    if "gd" not in {c.name for c in store.list_corpora()}:
        ingest(store, [path], "gd", text_column="text", id_column="id")
    if not Registry(workspace.models_dir).exists(args.model):
        start = time.perf_counter()
        train(workspace, "gd", args.model, TrainOptions(seed=0, sentiment="aucun"))
        print(f"modèle entraîné en {time.perf_counter() - start:.0f} s")
    index = load_index(workspace, args.model)
    question_of = {doc: meta.get("question") for doc, meta in index.metadata.items()}
    counts = Counter(question_of.values())
    questions = sorted(q for q, n in counts.items() if q and n >= 15)
    print(f"{len(questions)} questions avec au moins 15 réponses")
    for mode in ("lexical", "semantique", "hybride"):
        precisions, times = [], []
        for question in questions:
            start = time.perf_counter()
            quotes = index.search(question, n=10, mode=mode).quotes
            times.append(time.perf_counter() - start)
            precisions.append(sum(question_of[q.citation.document_id] == question for q in quotes) / 10)
        print(f"{mode:<11} précision@10 {statistics.mean(precisions):.3f}  (min {min(precisions):.1f}, "
              f"médiane {statistics.median(precisions):.2f})  {statistics.median(times) * 1000:.0f} ms par requête")


def _build_large(workspace: Workspace, sentences: int) -> None:
    demo = [row for row in csv.DictReader((ROOT / "corpora" / "demo" / "temoignages.csv").open(encoding="utf-8"))]
    jsonl = [json.loads(line) for line in (ROOT / "corpora" / "demo" / "rapports.jsonl").open(encoding="utf-8")]
    texts = [(r["texte"], r) for r in demo] + [(r["texte"], r) for r in jsonl]
    rng = random.Random(0)
    per_doc = 12  # two documents joined hold about this many sentences
    target = sentences // per_doc
    path = Path(tempfile.mkdtemp()) / "grand.csv"
    seen = set()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "texte", "organisme", "fonction", "annee", "source"])
        while len(seen) < target:
            (a, meta), (b, _) = rng.sample(texts, 2)
            if (a, b) in seen:
                continue
            seen.add((a, b))
            writer.writerow([f"G{len(seen)}", f"{a}\n\n{b}", meta.get("organisme"), meta.get("fonction"),
                             meta.get("annee"), meta.get("source", "témoignage")])
    ingest(workspace.open_store(), [path], "grand", text_column="texte", id_column="id")


def _median_ms(call, repeat: int = 15) -> float:  # noqa: ANN001
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def latency(args: argparse.Namespace) -> None:
    workspace = _workspace(args)
    store = workspace.open_store()
    if "grand" not in {c.name for c in store.list_corpora()}:
        start = time.perf_counter()
        _build_large(workspace, args.sentences)
        print(f"corpus construit en {time.perf_counter() - start:.0f} s")
    if not Registry(workspace.models_dir).exists("grand"):
        start = time.perf_counter()
        train(workspace, "grand", "grand", TrainOptions(embedding="tfidf-svd", sentiment="lexique"))
        print(f"modèle entraîné en {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    index = load_index(workspace, "grand")
    print(f"{len(index.sentences)} phrases citables, {len(index.texts)} documents ; index chargé en "
          f"{time.perf_counter() - start:.1f} s (une fois par processus)")
    topic = int(index.model.themes()["topic"].iloc[0])
    caf = Filters.parse(["negatif"], ["organisme=CAF"])
    cases = {
        "citations d'un thème (10)": lambda: index.for_theme(topic, 10),
        "citations d'un thème, filtres ton + organisme": lambda: index.for_theme(topic, 10, caf),
        "requête hybride « perte de sens »": lambda: index.search("perte de sens", 10),
        "requête hybride longue": lambda: index.search("on ne fait plus que du reporting pour la direction", 10),
        "requête hybride, filtres": lambda: index.search("charge de travail", 10, caf),
        "concordance « reporting » (100 lignes)": lambda: concordance(store, "grand", "reporting", index=index),
        "concordance « indicat* »": lambda: concordance(store, "grand", "indicat*", index=index),
        "concordance « perte de sens »": lambda: concordance(store, "grand", "perte de sens", index=index),
        "concordance lemme « dossier »": lambda: concordance(store, "grand", "dossier", lemma=True, index=index),
    }
    for name, call in cases.items():
        print(f"{name:<48} {_median_ms(call):7.1f} ms (médiane de 15, à chaud)")
    from textmine.embeddings.e5 import E5Small

    e5 = E5Small()
    print(f"{'encodage e5-small d une requête (en plus avec e5)':<48} "
          f"{_median_ms(lambda: e5.encode_query(['perte de sens au travail'])):7.1f} ms")


def pseudonymisation(args: argparse.Namespace) -> None:
    from textmine.quotes.pseudonymise import Pseudonymiser

    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "pseudonymisation.jsonl").open(encoding="utf-8")]
    for use_ner in (True, False):
        pseudonymiser = Pseudonymiser(use_ner=use_ner)
        planted = found = predicted = wrong = 0
        by_kind: Counter = Counter()
        missed: Counter = Counter()
        start = time.perf_counter()
        for row in rows:
            entities = pseudonymiser.find(row["text"])
            predicted += len(entities)
            for expected in row["entities"]:
                planted += 1
                by_kind[expected["kind"]] += 1
                hit = any(e.start <= expected["start"] and e.end >= expected["end"] for e in entities)
                found += hit
                missed[expected["kind"]] += not hit
            wrong += sum(not any(e.start < x["end"] and e.end > x["start"] for x in row["entities"]) for e in entities)
        elapsed = time.perf_counter() - start
        print(f"{'avec' if use_ner else 'sans'} NER spaCy : rappel {found / planted:.3f} ({found}/{planted}), "
              f"précision {(predicted - wrong) / max(1, predicted):.3f} ({wrong} remplacements à tort), "
              f"{len(rows)} phrases en {elapsed:.1f} s ; manqués par type : {dict(missed)} sur {dict(by_kind)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("granddebat")
    p.add_argument("--workspace")
    p.add_argument("--model", default="gd-citations")
    p.set_defaults(run=granddebat)
    p = sub.add_parser("latency")
    p.add_argument("--workspace")
    p.add_argument("--sentences", type=int, default=100_000)
    p.set_defaults(run=latency)
    p = sub.add_parser("pseudonymisation")
    p.set_defaults(run=pseudonymisation)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
