"""Theme quality across labelled corpora: textmine's defaults against plain BERTopic, per encoder.

    .venv/bin/python bench/bench_corpora.py [--seeds 5 | --quick] [--corpora mel tamis demo]
        [--encoders e5-small use-multilingual tfidf-svd] [--codebooks auto aucun défaut]
        [--no-baseline] [--keep DIR] [--json results.json]
    .venv/bin/python bench/bench_corpora.py --from-json results.json

Each labelled corpus of ../shared/data, and the demo corpus with its reference
(corpora/demo/themes_reference.csv: each document's main codebook theme, annotated
by reading, « hors codebook » counting as one more label), is ingested into a
temporary workspace (or one kept in --keep DIR and reused, with its embedding cache)
and, for each encoder, modelled two ways over several seeds:

- textmine: ``textmine.pipeline.train`` with its defaults (segments, lexical half,
  default codebook when the corpus fits it, outliers reassigned), sentiment off, no
  stability fits; scored on each document's main theme. ``--codebooks`` runs it
  once per setting (auto: the defaults; aucun: no codebook; défaut: the codebook
  imposed; sans-alignement: files not aligned on one another), named « textmine »
  for auto and « textmine/<setting> » otherwise.
- BERTopic: plain ``BERTopic()`` defaults (UMAP, HDBSCAN with min_topic_size 10,
  CountVectorizer) fitted on the raw document texts with the same encoder's
  vectors of those texts; only UMAP's seed is set. Outliers (-1) stay one class.

Measures: NMI and AMI of the documents' themes against ``question`` (the label
that matters) and ``theme`` (coarser), number of themes, share of units without
theme before reassignment, seconds per run. The textmine embedding cache lives in
the workspace, so only the first seed of an encoder computes segment vectors
(tfidf-svd learns from the corpus and is recomputed each time): its seconds are
shown apart (« 1re s », cold cache) from the mean of the others; the document
vectors of the BERTopic baseline are computed once per encoder, and that pass,
without cache, gives the encoding throughput (texts/s, model loading apart).
The demo corpus has one label (its reference theme), shown in both columns.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from textmine import embeddings
from textmine.analysis.preprocess import analyse_corpus
from textmine.ingest import ingest
from textmine.pipeline import TrainOptions, train
from textmine.themes.metrics import agreement
from textmine.themes.topics import quiet_bertopic
from textmine.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ENCODERS = ("e5-small", "use-multilingual", "tfidf-svd")
METHODS = ("textmine", "BERTopic")
LABEL, OTHER_LABEL = "question", "theme"
BAR = 0.03  # the bar: textmine's defaults beat BERTopic's by this much NMI on the same encoder


@dataclass(frozen=True)
class Corpus:
    file: str
    title: str


CORPORA = {
    "mel": Corpus("granddebat_mel_commentaires.csv", "Grand Débat, commentaires MEL"),
    "tamis": Corpus("granddebat_tamis_reponses.csv", "Grand Débat, réponses Tamis"),
    "demo": Corpus("", "Démonstration, référence thématique"),
}
DEMO_REFERENCE = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "themes_reference.csv"
CODEBOOKS = {"auto": None, "aucun": "aucun", "défaut": "défaut", "sans-alignement": None}


def demo_labels(store) -> dict[int, dict]:  # noqa: ANN001
    """Each demo document's reference theme, keyed like the reference file: (file name, original id or position)."""
    with DEMO_REFERENCE.open(encoding="utf-8") as handle:
        reference = {(r["fichier"], r["id"]): r["theme_principal"] or "hors codebook" for r in csv.DictReader(handle)}
    labels = {}
    for document in store.documents("demo"):
        key = (Path(document["source_file"]).name, document["original_id"] or str(document["position"]))
        labels[document["id"]] = {LABEL: reference[key], OTHER_LABEL: reference[key]}
    return labels


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def scores(labels: dict[int, dict], ids: list[int], topics: list[int]) -> dict[str, float]:
    found = {}
    for column, key in ((LABEL, "q"), (OTHER_LABEL, "t")):
        agreed = agreement([labels[d].get(column) for d in ids], topics)
        found[f"nmi_{key}"], found[f"ami_{key}"] = agreed["nmi"], agreed["ami"]
    found["documents"] = len(ids)
    return found


def encode_documents(encoder: str, texts: list[str]) -> tuple[np.ndarray, dict[str, float]]:
    """The encoder's vectors of whole documents, without cache, and how fast it went."""
    embedder = embeddings.create(encoder)
    clock = time.perf_counter()
    if embedder.cacheable:
        embedder.encode(["Chargement du modèle."])  # loading apart from throughput
    loading = time.perf_counter() - clock
    clock = time.perf_counter()
    vectors = embeddings.embed(embedder.fit(texts), texts)
    seconds = time.perf_counter() - clock
    return vectors, {"loading_s": loading, "encode_s": seconds, "texts_per_s": len(texts) / seconds,
                     "dimensions": vectors.shape[1]}


def run_textmine(workspace: Workspace, corpus: str, encoder: str, seed: int, labels: dict,
                 codebook: str = "auto", fit_sample: int | None = None) -> dict:
    options = TrainOptions(embedding=encoder, seed=seed, sentiment="aucun", stability=1,
                           codebook=CODEBOOKS[codebook], align_sources=codebook != "sans-alignement",
                           **({"fit_sample": fit_sample} if fit_sample else {}))
    clock = time.perf_counter()
    report = train(workspace, corpus, f"{encoder}-{seed}-{codebook}", options, publish=False, replace=True)
    seconds = time.perf_counter() - clock
    documents = pd.read_parquet(workspace.models_dir / report.model / "documents.parquet")
    found = scores(labels, documents["document_id"].tolist(), documents["topic"].tolist())
    return {**found, "themes": report.metrics["themes"], "unassigned": report.metrics["outliers_before"],
            "seconds": seconds, "embedding_s": report.durations["embeddings"],
            "codebook_used": report.codebook.get("used", False),
            "codebook_fit": report.codebook.get("fit", {}).get("share")}


def run_bertopic(ids: list[int], texts: list[str], vectors: np.ndarray, seed: int, labels: dict) -> dict:
    from bertopic import BERTopic
    from umap import UMAP

    # BERTopic's own UMAP settings, with a seed so that runs can be repeated.
    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", low_memory=False, random_state=seed)
    clock = time.perf_counter()
    with quiet_bertopic():
        topics, _ = BERTopic(umap_model=umap).fit_transform(texts, embeddings=vectors)
    seconds = time.perf_counter() - clock
    topics = [int(t) for t in topics]
    return {**scores(labels, ids, topics), "themes": len(set(topics) - {-1}),
            "unassigned": float(np.mean(np.array(topics) == -1)), "seconds": seconds}


def open_corpus(key: str, keep: Path | None) -> tuple[Workspace, dict[int, dict]]:
    """The corpus in a workspace (reused from ``keep`` when it is there), analysed, and its labels."""
    corpus = CORPORA[key]
    if keep:
        home = keep / key
        home.mkdir(parents=True, exist_ok=True)
    else:
        home = Path(tempfile.mkdtemp(prefix=f"bench-{key}-"))
    workspace = Workspace(home)
    store = workspace.open_store()
    if key not in [c.name for c in store.list_corpora()]:
        if key == "demo":
            from textmine.demo import ingest_demo

            ingest_demo(store)
        else:
            ingest(store, [DATA / corpus.file], key, text_column="text", id_column="id")
    clock = time.perf_counter()
    analyse_corpus(store, key)
    log(f"{corpus.title} : analyse spaCy {time.perf_counter() - clock:.0f} s")
    labels = demo_labels(store) if key == "demo" else store.document_metadata(key)
    return workspace, labels


def bench_corpus(key: str, args: argparse.Namespace, rows: list[dict], speeds: list[dict]) -> None:
    workspace, labels = open_corpus(key, args.keep)
    store = workspace.open_store()
    by_id = store.document_texts(key)
    ids = sorted(by_id)
    texts = [by_id[d] for d in ids]
    methods = [("textmine" if c == "auto" else f"textmine/{c}", c, None) for c in args.codebooks]
    methods += [(f"textmine/échantillon-{n}", "auto", n) for n in args.fit_sample or []]
    if not args.no_baseline:
        methods.append(("BERTopic", None, None))
    for encoder in args.encoders:
        if not args.no_baseline:
            vectors, speed = encode_documents(encoder, texts)
            speeds.append({"corpus": key, "encoder": encoder, "texts": len(texts),
                           "words": float(np.mean([len(t.split()) for t in texts])), **speed})
            log(f"{key} {encoder} : {speed['texts_per_s']:.1f} textes/s ({speed['encode_s']:.0f} s)")
        for seed in range(args.seeds):
            for method, codebook, fit_sample in methods:
                if codebook:
                    found = run_textmine(workspace, key, encoder, seed, labels, codebook, fit_sample)
                else:
                    found = run_bertopic(ids, texts, vectors, seed, labels)
                rows.append({"corpus": key, "encoder": encoder, "method": method, "seed": seed, **found})
                log(f"{key} {encoder} {method} graine {seed} : NMI {found['nmi_q']:.3f} AMI {found['ami_q']:.3f} "
                    f"thèmes {found['themes']} sans thème {found['unassigned']:.0%} {found['seconds']:.0f} s")


def markdown(rows: list[dict]) -> str:
    """A Markdown table of dicts sharing their keys (numbers already formatted by the caller)."""
    head = list(rows[0])
    widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in head}
    lines = ["| " + " | ".join(k.ljust(widths[k]) for k in head) + " |",
             "|" + "|".join("-" * (widths[k] + 2) for k in head) + "|"]
    lines += ["| " + " | ".join(str(r[k]).ljust(widths[k]) for k in head) + " |" for r in rows]
    return "\n".join(lines)


def spread(values: list[float], digits: int = 3) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.{digits}f} ± {sd:.{digits}f}"


COLUMNS = (("nmi_q", "NMI question", 3), ("ami_q", "AMI question", 3), ("nmi_t", "NMI thème", 3),
           ("ami_t", "AMI thème", 3), ("themes", "thèmes", 1), ("unassigned", "sans thème", 2),
           ("warm_s", "s/exécution", 1))


def with_timings(frame: pd.DataFrame) -> pd.DataFrame:
    """``first_s``: the first seed's seconds (cold cache); ``warm_s``: the others' (all when only one)."""
    first = frame.groupby(["corpus", "encoder", "method"])["seed"].transform("min") == frame["seed"]
    lone = frame.groupby(["corpus", "encoder", "method"])["seed"].transform("count") == 1
    return frame.assign(first_s=frame["seconds"].where(first), warm_s=frame["seconds"].where(~first | lone))


def print_tables(rows: list[dict], speeds: list[dict]) -> None:
    frame = with_timings(pd.DataFrame(rows))
    groups = ["corpus", "encoder", "method"]
    print(f"Qualité des thèmes (moyenne ± écart-type sur {frame['seed'].nunique()} graines ; "
          "documents : thème principal)\n")
    print(markdown([
        {"corpus": c, "plongement": e, "méthode": m,
         **{title: spread(g[k].dropna().tolist(), d) for k, title, d in COLUMNS}, "1re s": f"{g['first_s'].max():.0f}"}
        for (c, e, m), g in frame.groupby(groups, sort=False)
    ]))

    print("\nMoyenne des corpus (moyenne par corpus, puis entre corpus)\n")
    means = frame.groupby(groups, sort=False)[[k for k, *_ in COLUMNS] + ["first_s"]].mean()
    across = means.groupby(["encoder", "method"], sort=False).mean()
    print(markdown([
        {"plongement": e, "méthode": m, **{title: f"{row[k]:.{d}f}" for k, title, d in COLUMNS},
         "1re s": f"{row['first_s']:.0f}"}
        for (e, m), row in across.iterrows()
    ]))

    print(f"\nÉcart textmine − BERTopic par défaut, même plongement (NMI question ; exigence ≥ {BAR})\n")
    gaps = []
    for (corpus, encoder), group in frame.groupby(["corpus", "encoder"], sort=False):
        nmi = group.groupby("method")["nmi_q"].mean()
        if not {"textmine", "BERTopic"} <= set(nmi.index):
            continue
        gap = nmi["textmine"] - nmi["BERTopic"]
        gaps.append({"corpus": corpus, "plongement": encoder, "écart NMI": f"{gap:+.3f}",
                     "atteint": "oui" if gap >= BAR else "non"})
    if gaps:
        print(markdown(gaps))

    if not speeds:
        return
    print("\nDébit d'encodage (documents entiers, sans cache, dans ce processus ; chargement du modèle à part)\n")
    print(markdown([
        {"corpus": s["corpus"], "plongement": s["encoder"], "textes": s["texts"], "mots/texte": f"{s['words']:.0f}",
         "dimensions": s["dimensions"], "chargement s": f"{s['loading_s']:.1f}", "encodage s": f"{s['encode_s']:.1f}",
         "textes/s": f"{s['texts_per_s']:.1f}"}
        for s in speeds
    ]))
    counts = frame.groupby(["corpus", "method"], sort=False)["documents"].first()
    print("\nDocuments évalués : " + ", ".join(f"{c} {m} {n}" for (c, m), n in counts.items())
          + " (textmine écarte les réponses sans contenu, « RAS », « néant »…)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="graines par corpus, plongement et méthode (5)")
    parser.add_argument("--quick", action="store_true", help="2 graines")
    parser.add_argument("--corpora", nargs="+", choices=sorted(CORPORA), default=list(CORPORA))
    parser.add_argument("--encoders", nargs="+", default=list(ENCODERS))
    parser.add_argument("--codebooks", nargs="+", choices=list(CODEBOOKS), default=["auto"],
                        help="réglages à comparer (auto : les défauts ; sans-alignement : fichiers non alignés)")
    parser.add_argument("--no-baseline", action="store_true", help="sans BERTopic par défaut")
    parser.add_argument("--fit-sample", type=int, nargs="+", metavar="N",
                        help="ajoute textmine avec les thèmes appris sur un échantillon de N segments "
                        "(les autres rattachés au thème le plus proche), pour mesurer ce qu'il coûte")
    parser.add_argument("--keep", type=Path, metavar="DOSSIER",
                        help="garde les espaces de travail (et leurs plongements) dans DOSSIER/<corpus>, réutilisés")
    parser.add_argument("--json", type=Path, help="écrit aussi chaque exécution dans ce fichier JSON")
    parser.add_argument("--from-json", type=Path, metavar="FICHIER",
                        help="réaffiche les tableaux d'un fichier écrit par --json, sans rien recalculer")
    args = parser.parse_args()
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        print_tables(saved["runs"], saved["speeds"])
        return
    if args.quick:
        args.seeds = 2
    missing = [CORPORA[k].file for k in args.corpora if CORPORA[k].file and not (DATA / CORPORA[k].file).exists()]
    if missing:
        sys.exit(f"Fichiers absents de {DATA} : {', '.join(missing)}")
    for encoder in args.encoders:
        embeddings.create(encoder)  # an unknown name fails before any long work
    rows: list[dict] = []
    speeds: list[dict] = []
    start = time.perf_counter()
    for key in args.corpora:
        bench_corpus(key, args, rows, speeds)
        if args.json:  # after each corpus, so that a long run interrupted keeps what it measured
            args.json.write_text(json.dumps({"runs": rows, "speeds": speeds}, ensure_ascii=False, indent=1),
                                 encoding="utf-8")
    print_tables(rows, speeds)
    print(f"\nDurée totale : {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
