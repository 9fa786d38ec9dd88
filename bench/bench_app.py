"""How fast the app's screens render, cold and warm, on a trained workspace.

    .venv/bin/python bench/bench_app.py WORKSPACE [--runs 5]

Renders each screen through Streamlit's AppTest in this process: the first
run loads the model (cold), the next ones use the app's caches (warm), as a
browser reload does. Prints the median of the warm runs per screen.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = {
    "Thèmes": "app_pages/themes.py",
    "Thème": "app_pages/theme.py",
    "Citations": "app_pages/citations.py",
    "Documents": "app_pages/documents.py",
    "Corpus et modèles": "app_pages/corpus.py",
}


def render(page: str, app_file: str = APP, timeout: float = 300) -> tuple[float, list[str]]:
    """Seconds to render one screen in a fresh AppTest, and the errors it shows; stops on an exception."""
    start = time.perf_counter()
    app = AppTest.from_file(app_file, default_timeout=timeout)
    app.switch_page(page)
    app.run()
    elapsed = time.perf_counter() - start
    if app.exception:
        raise SystemExit(f"{page} : {app.exception[0].value}")
    return elapsed, [str(e.value) for e in app.error]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ["TEXTMINE_HOME"] = str(Path(args.workspace).resolve())
    for name, page in PAGES.items():
        cold = render(page)[0]
        warm = [render(page)[0] for _ in range(args.runs)]
        print(f"{name:<20} premier affichage {cold:6.2f} s   à chaud : médiane {statistics.median(warm):5.2f} s "
              f"(min {min(warm):.2f}, max {max(warm):.2f})")


if __name__ == "__main__":
    main()
