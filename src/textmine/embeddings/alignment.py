"""Sources aligned on one another, so that themes gather subjects rather than registers.

A corpus often mixes files written in different registers: testimonies, survey
answers, institutional reports. Their vectors differ by a shift common to the
whole file (vocabulary and turns of phrase such as « la mission recommande »),
and a topic model then gathers a report's recommendations together whatever
their subject. Each file that holds enough documents is moved so that its mean
vector sits on the corpus's: what remains is what its segments say. A corpus
read from one file, or whose files are each one long document, is unchanged.

On the demo corpus (three files large enough, e5-small, two seeds) the largest
theme fell from 18 % of the segments, 82 % of them from reports, to 10–11 %,
and the themes' agreement with the reference themes rose from NMI 0.27 to 0.33.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

MIN_DOCUMENTS = 10  # a file of one or a few long documents keeps its own subject
MIN_SEGMENTS = 30


@dataclass(frozen=True, slots=True)
class Alignment:
    """The aligned vectors, the corpus centre they were moved to, and the files moved."""

    vectors: np.ndarray
    centre: np.ndarray
    files: dict[str, int]  # file name -> segments moved

    @property
    def applied(self) -> bool:
        return bool(self.files)

    def to_json(self) -> dict:
        return {"applied": self.applied, "files": self.files}


def align(vectors: np.ndarray, files: list[str], documents: list[int], centre: np.ndarray | None = None) -> Alignment:
    """Move each large enough file's segments so that their mean is the corpus's mean (or ``centre``).

    Args:
        vectors: one unit-length row per segment.
        files: the file each segment was read from.
        documents: the document each segment belongs to.
        centre: the mean to align on; by default the corpus's own (a model applied to a
            new corpus passes the one it was trained with).

    Only files holding ``MIN_DOCUMENTS`` documents and ``MIN_SEGMENTS`` segments move, and
    on a training corpus nothing moves unless there are two such files; rows are
    normalised again afterwards.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    needed = 2 if centre is None else 1  # a new corpus is moved onto the training corpus's centre
    centre = vectors.mean(axis=0) if centre is None else np.asarray(centre, dtype=np.float32)
    names = np.array([Path(f).name for f in files])
    documents_array = np.asarray(documents)
    large = [
        name for name in dict.fromkeys(names.tolist())
        if (names == name).sum() >= MIN_SEGMENTS and len(set(documents_array[names == name])) >= MIN_DOCUMENTS
    ]
    if len(large) < needed:
        return Alignment(vectors, centre, {})
    aligned = vectors.copy()
    for name in large:
        rows = names == name
        aligned[rows] += centre - vectors[rows].mean(axis=0)
    aligned /= np.linalg.norm(aligned, axis=1, keepdims=True).clip(1e-12)
    return Alignment(aligned, centre, {name: int((names == name).sum()) for name in large})
