"""How long a quote search takes on a trained workspace, index loaded (warm), as the app runs it.

    .venv/bin/python bench/bench_query.py WORKSPACE [--runs 5]

Loads the quote index of the first published model once (the app keeps it in memory), then times
``QuoteIndex.search`` for a few French queries, in hybrid, semantic and lexical modes, and
``for_theme`` on the largest theme. Prints the median and maximum of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from textmine.quotes.filters import Filters
from textmine.quotes.index import load_index
from textmine.themes.registry import Registry
from textmine.workspace import Workspace

QUERIES = ("perte de sens au travail", "les indicateurs et le reporting", "fermeture des accueils",
           "impôts et justice fiscale")


def timed(call, runs: int) -> tuple[float, float]:  # noqa: ANN001
    found = []
    for _ in range(runs):
        clock = time.perf_counter()
        call()
        found.append(time.perf_counter() - clock)
    return statistics.median(found), max(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    clock = time.perf_counter()
    workspace = Workspace(args.workspace.resolve())
    corpus = next(iter(Registry(workspace.models_dir).published()))
    index = load_index(workspace, corpus=corpus)
    print(f"Chargement de l'index : {time.perf_counter() - clock:.2f} s")
    filters = Filters()
    for mode in ("hybride", "semantique", "lexical"):
        for query in QUERIES:
            median, worst = timed(lambda: index.search(query, 10, filters, mode=mode), args.runs)
            print(f"{mode:<10} « {query} » : médiane {median:.3f} s, max {worst:.3f} s")
    sizes = index.model.trained_segments["topic"].value_counts()
    largest = int(sizes.index[0])
    median, worst = timed(lambda: index.for_theme(largest, 10, filters), args.runs)
    print(f"citations du plus grand thème ({int(sizes.iloc[0])} segments) : médiane {median:.3f} s, max {worst:.3f} s")


if __name__ == "__main__":
    main()
