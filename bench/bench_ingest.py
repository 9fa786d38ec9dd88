"""Ingestion benchmark: throughput and peak memory on generated CSV files.

    .venv/bin/python bench/bench_ingest.py [--sizes 10000 100000 1000000] [--repeat 3]

Each run ingests one generated CSV of short, distinct French answers (with five
metadata columns) into a fresh workspace, in its own process, and reports its
wall time and peak resident memory. A run on a 10-row file gives the baseline
memory of the process itself. Streaming means peak memory stays flat as files grow.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

WORDS = (
    "charge travail indicateurs reporting équipe cadre agents dossiers usagers délais "
    "objectifs sens collectif télétravail automatisation départs épuisement reconnaissance "
    "salaires tableaux bord pression effectifs plateforme accueil accompagnement"
).split()
ORGS = ["CPAM", "CAF", "Urssaf", "Carsat", "MSA", "CNAV"]
ROLES = ["agent", "technicien", "conseiller", "cadre de proximité", "direction"]

CHILD = """
import json, resource, sys, time
from pathlib import Path
from textmine.ingest import ingest
from textmine.store import Store
path, db = sys.argv[1], sys.argv[2]
start = time.perf_counter()
report = ingest(Store(Path(db)), [path], "bench")
seconds = time.perf_counter() - start
print(json.dumps({"added": report.added, "seconds": seconds,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_csv(path: Path, rows: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "texte", "organisme", "fonction", "annee", "date"])
        for i in range(rows):
            words = " ".join(rng.choices(WORDS, k=rng.randint(6, 14)))
            writer.writerow(
                [
                    i,
                    f"Réponse {i} : {words}.",
                    rng.choice(ORGS),
                    rng.choice(ROLES),
                    rng.randint(2018, 2025),
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2023",
                ]
            )


def run_once(path: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), str(Path(tmp) / "ws.sqlite")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        baseline_file = Path(tmp) / "baseline.csv"
        make_csv(baseline_file, 10)
        baseline = statistics.median(run_once(baseline_file)["peak_mib"] for _ in range(args.repeat))
        print(f"baseline (10 lignes) : pic mémoire {baseline:.0f} Mio")
        print(f"{'lignes':>10} {'Mo':>7} {'secondes':>9} {'docs/s':>9} {'pic Mio':>8} {'vs base':>8}")
        for size in args.sizes:
            path = Path(tmp) / f"{size}.csv"
            make_csv(path, size)
            repeat = args.repeat if size <= 100_000 else 1
            runs = [run_once(path) for _ in range(repeat)]
            assert all(r["added"] == size for r in runs), runs
            seconds = statistics.median(r["seconds"] for r in runs)
            peak = statistics.median(r["peak_mib"] for r in runs)
            megabytes = path.stat().st_size / 1e6
            print(
                f"{size:>10} {megabytes:>7.1f} {seconds:>9.2f} {size / seconds:>9.0f} "
                f"{peak:>8.0f} {peak / baseline:>7.2f}x"
            )
            path.unlink()


if __name__ == "__main__":
    main()
