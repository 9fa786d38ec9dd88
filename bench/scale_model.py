"""A cost model of textmine's first training, fitted on bench_scale measurements, and its extrapolation.

    .venv/bin/python bench/scale_model.py MESURES.json [MESURES.json ...] [--target 2000000]
        [--workers 16 64]

Per-text stages (analysis, embeddings, tone) cost ``c`` core-seconds per document: the
stage's time in the largest local run (e5-small, default options) times the cores it
is counted on (2 threads for the encoder, 1 for the analysis), divided by the documents:
an upper bound, since it counts the local run's imperfect threading as work. On W Dask
workers they take ``n × c / (W × η)``, where η, the parallel efficiency,
is measured on the Dask run against the local run of the same size (η = 1: two
single-threaded workers as fast as the local run on two cores).

Client stages (themes, stability) are modelled per segment, ``fixed + per_segment ×
min(segments, 50 000)``: above 50,000 segments the themes are fitted on a sample, and the
other segments are assigned by a matrix product (negligible). Import is serial:
``per_document × n``.

Check: the per-text stages fitted on the smallest local size must predict the largest
within ±20 %, and the whole model must predict the Dask runs' per-text stages within
±20 % (with η measured on the smallest Dask run only, when there are two).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

PER_TEXT = ("analyse", "embeddings", "sentiment")
CLIENT = ("topics", "stability")
SAMPLE = 50_000


def load(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data["mesures"]:
            if "etapes" not in entry:
                continue
            card = entry.get("carte", {})
            rows.append({
                "engine": "dask" if entry["moteur"] == "dask" else "local",
                "default": not any(o in entry.get("options_train", []) for o in ("--embedding", "--sentiment")),
                "documents": (card.get("corpus") or {}).get("documents", entry["taille"]),
                "segments": (card.get("metrics") or {}).get("segments"),
                "stages": {k: float(v) for k, v in entry["etapes"].items() if isinstance(v, (int, float))},
                "import": entry["import"]["seconds"],
                "workers": _workers(entry),
                "cpus": data.get("machine", {}).get("cpus") or 2,
            })
    return rows


def _workers(entry: dict) -> int:
    options = entry.get("options_train", [])
    return int(options[options.index("--workers") + 1]) if "--workers" in options else 1


def cores(row: dict, stage: str) -> int:
    """Cores a local run's per-text stage is counted on: the encoder's threads; one for the
    analysis, whose process pool was measured to bring little on two cores (1.1×)."""
    return 1 if stage == "analyse" else row["cpus"]


def per_document(row: dict) -> dict[str, float]:
    """Core-seconds per document of each per-text stage, from a local run."""
    return {s: row["stages"][s] * cores(row, s) / row["documents"] for s in PER_TEXT if s in row["stages"]}


def client_model(rows: list[dict]) -> dict[str, tuple[float, float]]:
    """(fixed, per segment) of the client stages, fitted on the local runs."""
    found = {}
    for stage in CLIENT:
        points = [(min(r["segments"], SAMPLE), r["stages"][stage]) for r in rows
                  if r["engine"] == "local" and r["default"] and stage in r["stages"]]
        if len(points) >= 2:
            slope, fixed = np.polyfit([p[0] for p in points], [p[1] for p in points], 1)
            found[stage] = (max(0.0, float(fixed)), float(slope))
        elif points:
            found[stage] = (0.0, points[0][1] / points[0][0])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--target", type=int, default=2_000_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[16, 64])
    args = parser.parse_args()
    rows = load(args.files)
    local = sorted((r for r in rows if r["engine"] == "local" and r["default"]), key=lambda r: r["documents"])
    dask = sorted((r for r in rows if r["engine"] == "dask" and r["default"]), key=lambda r: r["documents"])
    if not local:
        raise SystemExit("Il faut au moins une mesure locale avec les options par défaut.")
    largest = local[-1]
    cost = per_document(largest)
    print(f"Coût par document ({largest['documents']} documents, local) : "
          + ", ".join(f"{s} {c * 1000:.1f} ms·cœur" for s, c in cost.items()))
    if len(local) >= 2:
        small = per_document(local[0])
        for stage, c in small.items():
            predicted = c * largest["documents"] / cores(largest, stage)
            measured = largest["stages"][stage]
            error = predicted / measured - 1
            print(f"  vérification {stage} : {local[0]['documents']} → {largest['documents']} documents, prédit "
                  f"{predicted:.0f} s, mesuré {measured:.0f} s ({error:+.0%}, "
                  f"{'ok' if abs(error) <= 0.2 else 'hors ±20 %'})")
    client = client_model(rows)
    for stage, (fixed, slope) in client.items():
        print(f"Client {stage} : {fixed:.1f} s + {slope * 1000:.2f} ms × segments (au plus {SAMPLE})")
    imports = max(rows, key=lambda r: r["documents"])["import"] / max(r["documents"] for r in rows)
    efficiency = 1.0
    if dask:
        first = dask[0]
        spent = sum(first["stages"][s] for s in PER_TEXT if s in first["stages"])
        ideal = sum(cost[s] for s in PER_TEXT if s in first["stages"]) * first["documents"] / first["workers"]
        efficiency = ideal / spent
        print(f"Efficacité parallèle η (Dask, {first['workers']} travailleurs, {first['documents']} documents) : "
              f"{efficiency:.2f}")
        for row in dask[1:]:
            predicted = sum(cost.values()) * row["documents"] / (row["workers"] * efficiency)
            measured = sum(row["stages"][s] for s in PER_TEXT if s in row["stages"])
            error = predicted / measured - 1
            print(f"  vérification Dask {row['documents']} documents : prédit {predicted:.0f} s, mesuré "
                  f"{measured:.0f} s ({error:+.0%}, {'ok' if abs(error) <= 0.2 else 'hors ±20 %'})")
    segments = largest["segments"] / largest["documents"] * args.target
    fixed_client = sum(f + s * min(segments, SAMPLE) for f, s in client.values())
    count = f"{segments:,.0f}".replace(",", "\u202f")
    print(f"\n{args.target} documents (≈ {count} segments), import {imports * args.target / 60:.0f} min, "
          f"thèmes et stabilité {fixed_client / 60:.0f} min :")
    for w in [1, *args.workers]:
        spread = sum(cost.values()) * args.target / (w * (efficiency if w > 1 else 1.0))
        if w == 1:
            spread = sum(cost[s] / cores(largest, s) for s in cost) * args.target
        total = spread + fixed_client + imports * args.target
        where = "cette machine (2 cœurs, local)" if w == 1 else f"{w} travailleurs Dask"
        print(f"  {where} : {total / 3600:.1f} h (étapes par texte {spread / 3600:.1f} h)")


if __name__ == "__main__":
    main()
