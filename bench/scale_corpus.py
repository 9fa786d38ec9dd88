"""Synthetic corpora of any size, recombined from real sentences, for the scale benchmark.

    .venv/bin/python bench/scale_corpus.py 100000 [--seed 0] [--no-shared] [--out FILE.csv]

Sources: every file of the demo corpus (``corpora/demo``, read through textmine's own
readers as its manifest lists them) and, when present, the Grand Débat files of
``shared/data`` beside the repository (``granddebat_mel_commentaires.csv``,
``granddebat_tamis_reponses.csv``).
Their texts are cut into sentences with a regular expression (no spaCy: 100,000
documents are built in seconds).

A generated document: a source document drawn at random (all source documents equally
likely), a random number of its sentences in their order (half of them to all; 1 to all
when the previous draw was a duplicate; a contiguous run of 100 to 400 words from a
document longer than 400 words), and, for one draw in three, one or two consecutive
sentences of another document of the same file appended. Paragraph breaks of the source
are kept; a document never exceeds 400 words. A text already drawn is drawn again, so the
corpus holds no exact duplicate: in large corpora, where the short source documents come
back many times, most documents end up with sentences from another document.
The metadata of the source document are copied (organisme, branche, fonction, annee,
question, theme…), with ``source`` (the demo's type of text, « grand débat » for the
Grand Débat files) and ``fichier`` (the source file's name); ``id`` numbers the documents.

A fixed seed gives the same corpus every time, and a corpus of N documents is the first
N documents of any larger corpus built with the same seed and sources.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textmine.ingest.formats import open_source
from textmine.ingest.records import Table

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "corpora" / "demo"
SHARED = REPO.parent / "shared" / "data"
SHARED_FILES = ("granddebat_mel_commentaires.csv", "granddebat_tamis_reponses.csv")

MAX_WORDS = 400
EXTRA_SHARE = 1 / 3
TEXT, ID = "texte", "id"
FIRST_COLUMNS = (ID, TEXT, "source", "fichier")
_TEXT_COLUMNS = ("texte", "text")
_PARAGRAPHS = re.compile(r"\n\s*\n")
# A sentence ends with . ! ? or … followed by a space and anything but a lower-case letter.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[^\sa-zà-ÿ])")


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One document of a source file, cut into sentences."""

    sentences: tuple[str, ...]
    opens_paragraph: tuple[bool, ...]
    metadata: dict[str, str]
    words: int


@dataclass(slots=True)
class SourceFile:
    name: str
    documents: list[SourceDocument] = field(default_factory=list)


@dataclass(slots=True)
class BuildStats:
    """How a corpus was drawn: per document, whether it took sentences from another
    document and how many draws were made again (duplicates) before it."""

    extra: list[bool] = field(default_factory=list)
    redrawn: list[int] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def documents(self) -> int:
        return len(self.extra)

    @property
    def with_extra(self) -> int:
        return sum(self.extra)

    @property
    def redraws(self) -> int:
        return sum(self.redrawn)

    def prefix(self, n: int) -> "BuildStats":
        """The figures of the first ``n`` documents (the time is the whole build's)."""
        return BuildStats(self.extra[:n], self.redrawn[:n], self.seconds)


def split_sentences(text: str) -> tuple[list[str], list[bool]]:
    """Sentences of ``text`` and whether each opens a paragraph.

    Examples:
        >>> split_sentences("Trop de tableaux. On ne voit plus les gens.\\n\\nEt après ? rien.")
        (['Trop de tableaux.', 'On ne voit plus les gens.', 'Et après ? rien.'], [True, False, True])
    """
    sentences, opens = [], []
    for paragraph in _PARAGRAPHS.split(text):
        parts = [" ".join(p.split()) for p in _SENTENCE_END.split(paragraph.strip())]
        parts = [p for p in parts if p]
        sentences += parts
        opens += [i == 0 for i in range(len(parts))]
    return sentences, opens


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _document(text: str, metadata: dict[str, Any]) -> SourceDocument | None:
    sentences, opens = split_sentences(text or "")
    if not sentences:
        return None
    kept = {k: _value(v) for k, v in metadata.items() if k not in (ID, *_TEXT_COLUMNS)}
    return SourceDocument(tuple(sentences), tuple(opens), kept, sum(len(s.split()) for s in sentences))


def _read_file(path: Path, constant: dict[str, str]) -> SourceFile:
    """A demo or Grand Débat file, through textmine's readers."""
    found = SourceFile(path.name)
    _, source = open_source(path)
    if isinstance(source, Table):
        text_column = next(c for c in source.columns if c in _TEXT_COLUMNS)
        pairs = ((row.get(text_column), row) for _, row in source.rows)
    else:
        pairs = ((record.text, record.metadata) for record in source.records)
    for text, metadata in pairs:
        document = _document(str(text or ""), {**metadata, **constant, "fichier": path.name})
        if document:
            found.documents.append(document)
    return found


def load_sources(shared: bool = True) -> list[SourceFile]:
    """The demo files (as the demo manifest lists them) and, if ``shared`` and present, the Grand Débat files."""
    manifest = json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))
    files = [_read_file(DEMO / item["path"], item.get("metadata", {})) for item in manifest["files"]]
    if shared:
        files += [_read_file(SHARED / name, {"source": "grand débat"}) for name in SHARED_FILES
                  if (SHARED / name).is_file()]
    return [f for f in files if f.documents]


def _words(sentences: list[str]) -> int:
    return sum(len(s.split()) for s in sentences)


def _pick(document: SourceDocument, rng: random.Random, widen: bool) -> list[int]:
    """Indices of the sentences kept from a source document, in order.

    Half of the sentences to all of them keeps the sources' lengths; ``widen`` (after a
    duplicate) allows any number, for variety where short documents are drawn again and again.
    """
    n = len(document.sentences)
    if document.words <= MAX_WORDS:
        return sorted(rng.sample(range(n), rng.randint(1 if widen else math.ceil(n / 2), n)))
    target = rng.randint(MAX_WORDS // 4, MAX_WORDS)
    start, picked, words = rng.randrange(n), [], 0
    for i in range(start, n):
        words += len(document.sentences[i].split())
        if picked and words > target:
            break
        picked.append(i)
    return picked


def _compose(document: SourceDocument, picked: list[int], extra: list[str]) -> str:
    parts: list[str] = []
    words = 0
    for i in picked:
        sentence = document.sentences[i]
        words += len(sentence.split())
        if parts and words > MAX_WORDS:
            break
        if parts:
            parts.append("\n\n" if document.opens_paragraph[i] else " ")
        parts.append(sentence)
    for sentence in extra:
        words += len(sentence.split())
        if words > MAX_WORDS:
            break
        parts += [" ", sentence]
    text = "".join(parts)
    if words > MAX_WORDS and len(text.split()) > MAX_WORDS:  # one sentence longer than the cap
        text = " ".join(text.split()[:MAX_WORDS])
    return text


def generate(sources: list[SourceFile], n: int, seed: int = 0) -> tuple[list[dict[str, str]], BuildStats]:
    """``n`` distinct documents drawn from ``sources`` (see the module docstring)."""
    rng = random.Random(seed)
    pool = [(f, d) for f in sources for d in f.documents]
    if not pool:
        raise SystemExit("Aucun texte source : le corpus de démonstration est introuvable ou vide.")
    seen: set[str] = set()
    rows: list[dict[str, str]] = []
    stats = BuildStats()
    started = time.perf_counter()
    failures = 0
    while len(rows) < n:
        source_file, document = rng.choice(pool)
        extra: list[str] = []
        if len(source_file.documents) > 1 and rng.random() < EXTRA_SHARE:
            other = rng.choice(source_file.documents)
            while other is document:
                other = rng.choice(source_file.documents)
            start = rng.randrange(len(other.sentences))
            extra = list(other.sentences[start:start + rng.randint(1, 2)])
        text = _compose(document, _pick(document, rng, widen=failures > 0), extra)
        if text in seen:
            failures += 1
            if failures > 100_000:
                raise SystemExit(
                    f"Impossible de tirer {n} documents distincts de ces sources : {len(rows)} obtenus. "
                    "Demandez moins de documents ou ajoutez des sources."
                )
            continue
        seen.add(text)
        stats.extra.append(bool(extra))
        stats.redrawn.append(failures)
        failures = 0
        rows.append({ID: f"D{len(rows) + 1:06d}", TEXT: text, **document.metadata})
    stats.seconds = time.perf_counter() - started
    return rows, stats


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    """A UTF-8 CSV with every column met, written atomically."""
    columns = list(FIRST_COLUMNS)
    for row in rows:
        columns += [k for k in row if k not in columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(rows)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def length_summary(lengths: list[int]) -> dict[str, float]:
    """Mean and quantiles of a list of lengths in words."""
    if not lengths:
        return {"n": 0}
    ordered = sorted(lengths)

    def quantile(q: float) -> int:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"n": len(ordered), "moyenne": round(statistics.fmean(ordered), 1), "p10": quantile(0.10),
            "p25": quantile(0.25), "médiane": quantile(0.5), "p75": quantile(0.75), "p90": quantile(0.9),
            "p99": quantile(0.99), "max": ordered[-1]}


def describe(sources: list[SourceFile], rows: list[dict[str, str]], stats: BuildStats) -> list[str]:
    """French lines comparing the generated documents' lengths with the sources'."""
    lines = [f"{stats.documents} documents tirés en {stats.seconds:.1f} s ({stats.redraws} tirages refaits "
             f"pour éviter un doublon, {stats.with_extra / max(stats.documents, 1):.0%} avec des phrases "
             "d'un autre document)."]
    keys = ("n", "moyenne", "p10", "p25", "médiane", "p75", "p90", "p99", "max")
    lines.append(f"{'longueur en mots':<46}" + "".join(f"{k:>9}" for k in keys))

    def line(label: str, lengths: list[int]) -> None:
        summary = length_summary(lengths)
        lines.append(f"{label:<46}" + "".join(f"{summary.get(k, ''):>9}" for k in keys))

    line("sources (toutes)", [d.words for f in sources for d in f.documents])
    line(f"sources plafonnées à {MAX_WORDS} mots", [min(d.words, MAX_WORDS) for f in sources for d in f.documents])
    line("documents générés", [len(r[TEXT].split()) for r in rows])
    for source_file in sources:
        line(f"  source {source_file.name}", [d.words for d in source_file.documents])
        line(f"  générés {source_file.name}", [len(r[TEXT].split()) for r in rows if r["fichier"] == source_file.name])
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("documents", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-shared", action="store_true", help="le corpus de démonstration seulement")
    parser.add_argument("--out", type=Path, help="fichier CSV à écrire")
    args = parser.parse_args()
    if args.documents < 1:
        sys.exit("Le nombre de documents doit être au moins 1.")
    sources = load_sources(shared=not args.no_shared)
    rows, stats = generate(sources, args.documents, args.seed)
    print("\n".join(describe(sources, rows, stats)))
    if args.out:
        write_csv(rows, args.out)
        print(f"Écrit : {args.out}")


if __name__ == "__main__":
    main()
