"""The report's charts: matplotlib figures (Agg, no display) returned as PNG bytes.

Each function takes numbers already computed by :mod:`textmine.views.overview`
and only draws them, so that the report shows what the app shows. Figures are
built with ``matplotlib.figure.Figure`` (no pyplot global state), so several
reports can be drawn at once from threads of the app.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Width of every chart, in inches (fits an A4 page with margins at 150 dpi).
WIDTH = 7.0
DPI = 150
#: Theme labels longer than this are shortened on the charts (the tables keep them whole).
LABEL_CHARS = 48
#: Colours of the tones, negative to positive.
TONE_COLOURS = ("#c0392b", "#bdc3c7", "#2e86c1")
#: The years chart draws at most this many themes (the largest), to stay readable.
MAX_LINES = 6


def short(label: str, limit: int = LABEL_CHARS) -> str:
    """A label cut at ``limit`` characters, with « … » when cut."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _figure(height: float):  # noqa: ANN202 - a matplotlib Figure
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    return figure


def _png(figure) -> bytes:  # noqa: ANN001
    buffer = io.BytesIO()
    # No « Software » metadata: the same numbers give the same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _percent_axis(axis, which: str = "x") -> None:  # noqa: ANN001
    from matplotlib.ticker import FuncFormatter

    formatter = FuncFormatter(lambda v, _: f"{v * 100:.0f}\u202f%")
    (axis.xaxis if which == "x" else axis.yaxis).set_major_formatter(formatter)


def theme_sizes(labels: Sequence[str], shares: Sequence[float]) -> bytes:
    """Horizontal bars: each theme's share of the segments, the largest at the top."""
    figure = _figure(max(2.5, 0.28 * len(labels) + 1.0))
    axis = figure.add_subplot()
    positions = np.arange(len(labels))
    axis.barh(positions, shares, color="#4c72b0")
    axis.set_yticks(positions, [short(label) for label in labels], fontsize=8)
    axis.invert_yaxis()
    for y, share in zip(positions, shares):
        axis.text(share, y, f" {share * 100:.1f}\u202f%".replace(".", ","), va="center", fontsize=7)
    axis.set_xlim(0, max(shares, default=0.0) * 1.18 or 1.0)
    _percent_axis(axis)
    axis.set_xlabel("Part des segments")
    axis.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def representation(shares: pd.DataFrame, contrast: pd.DataFrame, column: str) -> bytes:
    """Heat map of themes (rows) × values of a column: the theme's share of each group's segments
    written in the cell, red when the theme is over-represented in the group, blue when under."""
    from matplotlib.colors import TwoSlopeNorm

    themes, values = list(shares.columns), [str(v) for v in shares.index]
    figure = _figure(max(3.0, 0.3 * len(themes) + 1.6))
    axis = figure.add_subplot()
    image = axis.imshow(contrast.T.to_numpy(dtype=float), cmap="RdBu_r", aspect="auto",
                        norm=TwoSlopeNorm(vcenter=0.0, vmin=-2.0, vmax=2.0))
    size = 6 if len(values) > 10 else 7
    for i, row in enumerate(shares.T.to_numpy(dtype=float)):
        for j, share in enumerate(row):
            strong = abs(float(contrast.iat[j, i])) > 1.2
            axis.text(j, i, f"{share * 100:.0f}", ha="center", va="center", fontsize=size,
                      color="white" if strong else "black")
    axis.set_yticks(range(len(themes)), [short(t, 40) for t in themes], fontsize=7)
    axis.set_xticks(range(len(values)), [short(v, 18) for v in values], fontsize=7, rotation=45, ha="left")
    axis.xaxis.tick_top()
    axis.set_xlabel(column)
    bar = figure.colorbar(image, ax=axis, shrink=0.6, ticks=[-2, -1, 0, 1, 2])
    bar.ax.set_yticklabels(["÷4", "÷2", "=", "×2", "×4"], fontsize=7)
    bar.set_label("Représentation", fontsize=8)
    return _png(figure)


def over_time(shares: pd.DataFrame, column: str) -> bytes:
    """Lines: each theme's share of the segments of each year (the columns of ``shares`` are drawn)."""
    figure = _figure(3.8)
    axis = figure.add_subplot()
    years = [int(y) if float(y).is_integer() else y for y in shares.index]
    for label in shares.columns:
        axis.plot(years, shares[label].to_numpy(dtype=float), marker="o", markersize=3, label=short(label, 40))
    _percent_axis(axis, "y")
    axis.set_ylim(bottom=0)
    axis.set_xticks(years, [str(y) for y in years], fontsize=8)
    axis.set_xlabel("Année" if column in ("annee", "date") else column)
    axis.set_ylabel("Part des segments de l'année")
    axis.spines[["top", "right"]].set_visible(False)
    figure.legend(loc="outside lower center", ncols=2, fontsize=7, frameon=False)
    return _png(figure)


def tones(labels: Sequence[str], parts: Sequence[Sequence[float]], scores: Sequence[float]) -> bytes:
    """Stacked bars: each theme's shares of negative, neutral and positive segments, with its mean score."""
    figure = _figure(max(2.5, 0.28 * len(labels) + 1.3))
    axis = figure.add_subplot()
    positions = np.arange(len(labels))
    left = np.zeros(len(labels))
    values = np.array(parts, dtype=float).reshape(len(labels), 3)
    for k, (name, colour) in enumerate(zip(("négatif", "neutre", "positif"), TONE_COLOURS)):
        axis.barh(positions, values[:, k], left=left, color=colour, label=name)
        left += values[:, k]
    for y, score in zip(positions, scores):
        axis.text(1.01, y, f"{score:+.2f}".replace(".", ",").replace("-", "\u2212"), va="center", fontsize=7)
    axis.set_yticks(positions, [short(label) for label in labels], fontsize=8)
    axis.invert_yaxis()
    axis.set_xlim(0, 1.12)
    axis.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    _percent_axis(axis)
    axis.set_xlabel("Part des segments (à droite : ton moyen, de −1 à +1)")
    axis.spines[["top", "right"]].set_visible(False)
    figure.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    return _png(figure)
