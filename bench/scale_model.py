"""A cost model of textmine's training, fitted on bench_scale measurements, and its extrapolation.

    .venv/bin/python bench/scale_model.py MESURES.json [MESURES.json ...] [--target 2000000]
        [--workers 16 64] [--json FILE]

Model, per engine and stage, in documents n:

    T(n) = fixed + per_document × n

fitted by least squares on the sizes measured (with one size: per_document = T / n, no
fixed cost). The stages that treat each text on its own (analysis, embeddings, tone) are
spread over W Dask workers; the others (themes, stability) run on the client, and above
the sampling threshold (50,000 segments) the themes are fitted on a sample, so their cost
stops growing (the nearest-theme assignment of the others is a matrix product, counted
as its measured share). Parallel efficiency: how much faster the per-text stages ran on
the Dask run's workers than one worker would, from the same-size local run:
``efficiency = T_local × threads_local / (T_dask × workers)``; it is applied again for
every doubling of workers beyond those measured (a cautious choice: per-partition costs
do not grow with the cluster, but the client reads every shard).

Checks: each model is fitted on all sizes but the largest, and must predict the
largest within ±20 %; the report prints the error either way.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

PER_TEXT = ("analyse", "embeddings", "sentiment")
CLIENT = ("topics", "stability")
SAMPLE = 50_000


def load(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        for entry in json.loads(path.read_text(encoding="utf-8"))["mesures"]:
            if "etapes" not in entry:
                continue
            card = entry.get("carte", {})
            options = " ".join(entry.get("options_train", []))
            rows.append({
                "engine": entry["moteur"] if entry["moteur"] != "défaut" else "local",
                "fast": "tfidf-svd" in options,
                "documents": card.get("corpus", {}).get("documents", entry["taille"]),
                "segments": card.get("metrics", {}).get("segments"),
                "stages": {k: float(v) for k, v in entry["etapes"].items() if isinstance(v, (int, float))},
                "train": entry["entrainement"]["seconds"],
                "import": entry["import"]["seconds"],
                "workers": (card.get("engine") or {}).get("workers", 1),
            })
    return rows


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """(fixed, per unit) of T = fixed + per_unit × n; proportional with one point; fixed ≥ 0."""
    if len(points) == 1:
        n, t = points[0]
        return 0.0, t / n
    n = np.array([p[0] for p in points], dtype=float)
    t = np.array([p[1] for p in points], dtype=float)
    slope, fixed = np.polyfit(n, t, 1)
    if fixed < 0:
        return 0.0, float(t @ n / (n @ n))
    return float(fixed), float(slope)


def models(rows: list[dict], engine: str) -> dict[str, tuple[float, float]]:
    chosen = sorted((r for r in rows if r["engine"] == engine and not r["fast"]), key=lambda r: r["documents"])
    stages = sorted({s for r in chosen for s in r["stages"]})
    return {s: fit([(r["documents"], r["stages"][s]) for r in chosen if s in r["stages"]]) for s in stages} | {
        "import": fit([(r["documents"], r["import"]) for r in chosen])}


def check(rows: list[dict], engine: str) -> list[str]:
    chosen = sorted((r for r in rows if r["engine"] == engine and not r["fast"]), key=lambda r: r["documents"])
    if len(chosen) < 2:
        return [f"{engine} : une seule taille mesurée, pas de vérification possible."]
    largest = chosen[-1]
    fitted = models([r for r in rows if r is not largest], engine)
    lines = []
    for stage, measured in {**largest["stages"], "import": largest["import"]}.items():
        if stage not in fitted:
            continue
        fixed, per = fitted[stage]
        predicted = fixed + per * largest["documents"]
        error = (predicted - measured) / measured if measured else 0.0
        mark = "ok" if abs(error) <= 0.2 else "HORS ±20 %"
        lines.append(f"{engine} {largest['documents']} docs, {stage} : prédit {predicted:.1f} s, mesuré "
                     f"{measured:.1f} s ({error:+.0%}, {mark})")
    return lines


def efficiency(rows: list[dict]) -> dict[str, float]:
    """Per per-text stage: speed-up per worker of the Dask run over the local run of the same size."""
    found = {}
    for dask in (r for r in rows if r["engine"] == "dask" and not r["fast"]):
        local = next((r for r in rows if r["engine"] == "local" and not r["fast"]
                      and r["documents"] == dask["documents"]), None)
        if local is None:
            continue
        for stage in PER_TEXT:
            if stage in dask["stages"] and stage in local["stages"] and dask["stages"][stage] > 0:
                found[stage] = local["stages"][stage] / (dask["stages"][stage] * dask["workers"])
    return found


def extrapolate(rows: list[dict], target: int, workers: list[int]) -> list[str]:
    local, dask = models(rows, "local"), models(rows, "dask")
    measured = next((r for r in sorted(rows, key=lambda r: -r["documents"]) if r["engine"] == "dask"), None)
    if not dask or measured is None:
        return ["Pas de mesure Dask : pas d'extrapolation."]
    base_workers = measured["workers"]
    segments_per_doc = measured["segments"] / measured["documents"]
    capped_docs = min(target, SAMPLE / segments_per_doc)
    eff = efficiency(rows)
    lines = [f"Segments par document : {segments_per_doc:.2f} ; thèmes appris sur au plus {SAMPLE} segments "
             f"(≈ {capped_docs:.0f} documents)."]
    for w in workers:
        total, parts = 0.0, []
        for stage, (fixed, per) in dask.items():
            if stage in PER_TEXT:
                doublings = max(0.0, math.log2(w / base_workers))
                factor = (base_workers / w) / (eff.get(stage, 1.0) ** doublings if eff.get(stage, 1.0) < 1 else 1)
                seconds = fixed + per * target * factor
            elif stage in CLIENT:
                fixed_l, per_l = local.get(stage, (fixed, per))
                seconds = fixed_l + per_l * capped_docs
            else:  # import: one process reading the files and writing the store
                seconds = fixed + per * target
            parts.append(f"{stage} {seconds / 3600:.2f} h")
            total += seconds
        lines.append(f"{target} documents, {w} travailleurs : {total / 3600:.1f} h ({', '.join(parts)})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--target", type=int, default=2_000_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[16, 64])
    args = parser.parse_args()
    rows = load(args.files)
    for engine in sorted({r["engine"] for r in rows}):
        print(f"Modèle {engine} (fixe s + s par document) :")
        for stage, (fixed, per) in models(rows, engine).items():
            print(f"  {stage:<11} {fixed:8.1f} s + {per * 1000:8.2f} ms × documents")
        print("\n".join("  " + line for line in check(rows, engine)))
    eff = efficiency(rows)
    if eff:
        print("Efficacité parallèle (Dask / local, par travailleur) : "
              + ", ".join(f"{k} {v:.2f}" for k, v in eff.items()))
    print("\n".join(extrapolate(rows, args.target, args.workers)))


if __name__ == "__main__":
    main()
