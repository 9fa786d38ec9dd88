"""A Reinert classification of a corpus, from its words to a recorded run, and reading it back.

``classify`` does the computation on tokens (segmentation, binary table,
simple or double CHD, profiles); ``run_reinert`` reads the corpus from the
workspace and records the result with ``runs.save_run``; ``load_reinert``
reads a recorded run for the CLI and the app.

A run folder (``analyses/reinert/<name>/``) holds:

- ``documents.csv``: ``document_id,classe``, the class most of the document's
  classified segments belong to (ties: the smaller number), empty when none is;
- ``segments.parquet``: ``segment, document_id, start, end, words, unit, classe``
  (``classe`` empty when unclassified);
- ``profils_formes.csv``, ``profils_variables.csv``: class profiles (see ``profiles``);
- ``segments_caracteristiques.csv``: the best-scored segments of each class;
- ``arbre.json``: the dendrogram (nodes with parent, children, size, χ² of the
  split and terminal class) and, for a double classification, its crossed classes;
- ``formes_actives.txt``: the active forms the table was built on.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import TextmineError
from ..workspace import Workspace
from . import profiles as prof
from .reinert import UNCLASSIFIED, ReinertCHD, drop_small_classes, merge_segments, segment_table, unit_table
from .reinert_double import best_partition, crossed_classes
from .runs import Run, load_run, save_run
from .segmentation import segment_tokens

ACTIVE_POS = ("NOUN", "VERB", "ADJ", "ADV")  # as tokens.ACTIVE_POS, without loading spaCy here

Progress = Callable[[str, int, int], None]
KIND = "reinert"


@dataclass(frozen=True)
class ReinertOptions:
    """Parameters of a Reinert classification (all recorded with the run).

    Args:
        k: number of terminal classes wanted.
        double: cross two simple classifications (rainette2) instead of one.
        min_forms: merge consecutive segments of a document until each unit has this many active
            forms; None: 0 (segments as they are) for a simple classification, 10 for a double one.
        min_forms2: unit size of the second classification of a double one (default ``min_forms + 5``).
        segment_words: target words per segment (IRaMuTeQ: 40).
        min_split_members: a class with fewer units is not split.
        min_freq: an active form occurs at least this many times in the corpus.
        cc_test, tsj: rainette's form selection after each split.
        min_members, min_chi2: a crossed class of a double classification has more segments than
            ``min_members`` and an association χ² above ``min_chi2``.
        min_class_size: once the classes are made (simple or double), a terminal class with fewer
            segments is dropped: its segments become unclassified and the other classes are renumbered
            1, 2, … in their order. 0 (the default) is automatic: ``max(5, ⌈1 % of the classified
            segments⌉)`` (see ``class_size_floor``), except that classes are kept (with a message)
            when fewer than two would remain; 1 keeps every class. IRaMuTeQ's automatic
            ``mincl`` (classified units / k, / 2k in double) is not used: IRaMuTeQ pairs it with
            replacing a too small class by its mother class, and dropping classes below the mean
            size would leave about half of them out. 5 is the smallest count for which a class's χ²
            profile is usable (expected counts of 5, Cochran's rule); 1 % scales it with large corpora.
        keep, drop: lemmas forced into or removed from the active forms (``tokens.active_forms``).
    """

    k: int = 10
    double: bool = False
    min_forms: int | None = None
    min_forms2: int | None = None
    segment_words: int = 40
    min_split_members: int = 5
    min_freq: int = 3
    cc_test: float = 0.3
    tsj: int = 3
    min_members: int = 10
    min_chi2: float = 3.84
    min_class_size: int = 0
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("keep", "drop"):
            words = (w.strip().lower() for w in getattr(self, name))
            object.__setattr__(self, name, tuple(dict.fromkeys(w for w in words if w)))
        if self.k < 2:
            raise TextmineError(
                f"Le nombre de classes doit être au moins 2 (reçu : {self.k}) : indiquez --k 2 ou plus.")
        if self.segment_words < 5:
            raise TextmineError("Les segments doivent compter au moins 5 mots (--segment-words).")
        for name in ("min_forms", "min_forms2"):
            value = getattr(self, name)
            if value is not None and value < 0:
                option = name.replace("_", "-")
                raise TextmineError(f"Le nombre minimal de formes par unité ne peut pas être négatif (--{option}).")
        if self.min_split_members < 3:
            raise TextmineError("Une classe à diviser doit compter au moins 3 unités (--min-split-members 3 ou plus).")
        if self.min_freq < 1:
            raise TextmineError("La fréquence minimale des formes actives doit être au moins 1 (--min-freq).")
        if self.min_class_size < 0:
            raise TextmineError("La taille minimale d'une classe ne peut pas être négative (--min-class-size ; "
                                "0 : automatique).")

    def class_size_floor(self, classified: int) -> int:
        """The smallest class kept, given the number of classified segments (see ``min_class_size``).

        Examples:
            >>> ReinertOptions().class_size_floor(300), ReinertOptions().class_size_floor(1234)
            (5, 13)
            >>> ReinertOptions(min_class_size=2).class_size_floor(1234)
            2
        """
        if self.min_class_size > 0:
            return self.min_class_size
        return max(5, math.ceil(0.01 * classified))

    @property
    def sizes(self) -> tuple[int, int]:
        """Minimum active forms per unit of the first and second classification."""
        first = self.min_forms if self.min_forms is not None else (10 if self.double else 0)
        return first, self.min_forms2 if self.min_forms2 is not None else first + 5


@dataclass
class ReinertResult:
    """What ``classify`` computes; ``write`` stores it in a run folder."""

    segments: pd.DataFrame
    forms: list[str]
    form_profiles: pd.DataFrame
    metadata_profiles: pd.DataFrame
    characteristic: pd.DataFrame
    tree: dict[str, Any]
    summary: dict[str, Any] = field(default_factory=dict)
    document_ids: list[int] = field(default_factory=list)

    @property
    def documents(self) -> pd.DataFrame:
        """``document_id, classe``: each document's majority class (NA when none of its segments is classified)."""
        seg = self.segments
        ids = pd.Series(sorted(set(self.document_ids) | set(seg["document_id"])), name="document_id", dtype="int64")
        known = seg.dropna(subset=["classe"])
        counts = known.groupby(["document_id", "classe"]).size().reset_index(name="n")
        counts = counts.sort_values(["document_id", "n", "classe"], ascending=[True, False, True])
        majority = counts.drop_duplicates("document_id")[["document_id", "classe"]]
        frame = ids.to_frame().merge(majority, on="document_id", how="left")
        frame["classe"] = frame["classe"].astype("Int64")
        return frame

    def write(self, folder: Path) -> dict[str, Any]:
        self.documents.to_csv(folder / "documents.csv", index=False)
        self.segments.to_parquet(folder / "segments.parquet", index=False)
        self.form_profiles.to_csv(folder / "profils_formes.csv", index=False)
        self.metadata_profiles.to_csv(folder / "profils_variables.csv", index=False)
        self.characteristic.to_csv(folder / "segments_caracteristiques.csv", index=False)
        (folder / "arbre.json").write_text(json.dumps(self.tree, ensure_ascii=False, indent=1), encoding="utf-8")
        (folder / "formes_actives.txt").write_text("\n".join(self.forms) + "\n", encoding="utf-8")
        return self.summary


def classify(tokens: pd.DataFrame, texts: dict[int, str], metadata: dict[int, dict[str, Any]], forms: list[str],
             options: ReinertOptions = ReinertOptions(), progress: Progress | None = None) -> ReinertResult:
    """Segment, build the binary table on ``forms`` (lemmas) and classify.

    Args:
        tokens: word tokens (``document_id, sentence, start, end, form, lemma``) in text order.
        texts: document id → text.
        metadata: document id → metadata, for the profiles.
        forms: the active forms (lemmas) the table is built on.
    """
    began = time.perf_counter()
    if not forms:
        raise TextmineError(
            "Aucune forme active après filtrage : baissez la fréquence minimale (--min-freq) ou gardez "
            "plus de catégories de mots.")
    if progress:
        progress("segments", 0, 1)
    cut = segment_tokens(tokens, texts, options.segment_words)
    segments = cut.segments
    token_form = _form_index(tokens, forms)
    table = segment_table(cut.token_segment, token_form, len(segments), len(forms))
    documents = segments["document_id"].to_numpy()
    if progress:
        progress("segments", 1, 1)
    size1, size2 = options.sizes
    if options.double:
        labels, units, tree, messages = _double(table, documents, options, size1, size2, progress)
    else:
        labels, units, tree, messages = _simple(table, documents, options, size1, progress)
    found = int(labels.max()) if len(labels) else 0
    floor = options.class_size_floor(int((labels != UNCLASSIFIED).sum()))
    kept, numbers = drop_small_classes(labels, floor)
    dropped = [old for old, new in numbers.items() if new == UNCLASSIFIED]
    dropped_segments = int(((labels != UNCLASSIFIED) & (kept == UNCLASSIFIED)).sum())
    if dropped and len(numbers) - len(dropped) < 2 and not options.min_class_size:
        messages.append(f"Classes gardées bien que de moins de {floor} segments (taille automatique) : il n'en "
                        "resterait pas deux ; interprétez-les avec prudence ou ajoutez des textes.")
        kept, numbers, dropped, dropped_segments = labels, {c: c for c in numbers}, [], 0
    if dropped:
        if len(numbers) - len(dropped) < 2:
            raise TextmineError(
                f"Moins de deux classes d'au moins {floor} segments : baissez --min-class-size (1 garde toutes les "
                "classes), demandez moins de classes (--k) ou ajoutez des textes.")
        messages.append(
            f"{len(dropped)} classe{'s' if len(dropped) > 1 else ''} de moins de {floor} segments écartée"
            f"{'s' if len(dropped) > 1 else ''} ({dropped_segments} segments, comptés non classés) ; "
            "--min-class-size 1 garde toutes les classes.")
        _renumber_tree(tree, numbers)
    labels = kept
    segments = segments.assign(unit=units, classe=pd.array(np.where(labels == UNCLASSIFIED, None, labels),
                                                            dtype="Int64"))
    if progress:
        progress("profils", 0, 1)
    form_profiles = prof.form_profiles(table, labels, forms)
    meta_profiles = prof.metadata_profiles(documents, labels, metadata)
    characteristic = prof.characteristic_segments(table, labels, form_profiles, forms)
    k = int(labels.max()) if len(labels) else 0
    if found < options.k:
        messages.append(f"{k} classes au lieu des {options.k} demandées : le corpus est trop petit ou trop homogène "
                        "pour plus ; baissez --k, --min-split-members ou --min-forms, ou ajoutez des textes.")
    sizes = {str(c): int((labels == c).sum()) for c in range(1, k + 1)}
    summary = {
        "k": k, "classes": sizes, "segments": len(segments), "formes_actives": len(forms),
        "non_classes": int((labels == UNCLASSIFIED).sum()),
        "part_non_classes": float((labels == UNCLASSIFIED).mean()) if len(labels) else 0.0,
        "taille_min_classe": floor, "classes_ecartees": len(dropped), "segments_ecartes": dropped_segments,
        "messages": messages, "secondes": round(time.perf_counter() - began, 3),
    }
    if progress:
        progress("profils", 1, 1)
    return ReinertResult(segments, list(forms), form_profiles, meta_profiles, characteristic, tree, summary,
                         sorted(texts))


def _renumber_tree(tree: dict[str, Any], numbers: dict[int, int]) -> None:
    """Give the tree the classes' new numbers; a dropped terminal class keeps its node, marked « ecartee »."""
    if tree["type"] == "simple":
        for node in tree["nodes"]:
            if node["classe"]:
                new = numbers.get(node["classe"], UNCLASSIFIED)
                node["classe"] = new or None
                node["ecartee"] = not new
    else:
        crossed = []
        for item in tree["classes_croisees"]:
            new = numbers.get(item["classe"], UNCLASSIFIED)
            if new:
                crossed.append({**item, "classe": new})
        tree["classes_croisees"] = crossed


def _form_index(tokens: pd.DataFrame, forms: list[str]) -> np.ndarray:
    """Column of each token in the table, -1 when it does not count.

    A lemma counts where it is a noun, verb, adjective or adverb (« être » as a
    verb, not as an auxiliary); a lemma made active although it never is one
    (a kept proper noun) counts everywhere.
    """
    index = {form: i for i, form in enumerate(forms)}
    column = np.array(tokens["lemma"].map(index).fillna(-1), dtype=np.int64)
    if "pos" in tokens:
        active = tokens["pos"].isin(ACTIVE_POS).to_numpy()
        with_active_pos = set(tokens.loc[active, "lemma"])
        column[~active & tokens["lemma"].isin(with_active_pos).to_numpy()] = -1
    return column


def _simple(table: sp.csr_matrix, documents: np.ndarray, options: ReinertOptions, size: int,
            progress: Progress | None) -> tuple[np.ndarray, np.ndarray, dict, list[str]]:
    units = merge_segments(table, documents, size)
    chd = _chd(options).fit(unit_table(table, units), progress)
    return chd.labels_[units], units, {"type": "simple", "min_forms": size, "nodes": chd.nodes_}, list(chd.messages_)


def _double(table: sp.csr_matrix, documents: np.ndarray, options: ReinertOptions, size1: int, size2: int,
            progress: Progress | None) -> tuple[np.ndarray, np.ndarray, dict, list[str]]:
    runs, messages = [], []
    for number, size in enumerate((size1, size2), 1):
        units = merge_segments(table, documents, size)
        step = (lambda s, d, t, n=number: progress(f"classification {n}/2", d, t)) if progress else None
        chd = _chd(options).fit(unit_table(table, units), step)
        runs.append((units, chd))
        messages += [f"Classification {number} (unités de {size} formes) : {m}" for m in chd.messages_]
    (units1, chd1), (units2, chd2) = runs
    levels1 = [level[units1] for level in chd1.levels_]
    levels2 = [level[units2] for level in chd2.levels_]
    crossed = crossed_classes(levels1, levels2, options.min_members, options.min_chi2)
    result = best_partition(crossed, len(documents), options.k)
    messages += result.messages
    tree = {
        "type": "double", "min_forms": [size1, size2],
        "classifications": [{"min_forms": size1, "nodes": chd1.nodes_}, {"min_forms": size2, "nodes": chd2.nodes_}],
        "classes_croisees": [{"classe": i, "croisement": c.name, "segments": c.size, "chi2": round(c.chi2, 3)}
                             for i, c in enumerate(result.classes, 1)],
        "candidates": result.candidates, "exhaustive": result.exhaustive,
    }
    return result.labels, units1, tree, messages


def _chd(options: ReinertOptions) -> ReinertCHD:
    return ReinertCHD(k=options.k, min_split_members=options.min_split_members, cc_test=options.cc_test,
                      tsj=options.tsj)


def run_reinert(workspace: Workspace, corpus: str, name: str, options: ReinertOptions, command: list[str],
                replace: bool = False, progress: Progress | None = None) -> Run:
    """Classify a corpus of the workspace and record the run (atomically) under ``name``."""
    from .tokens import active_forms, corpus_tokens

    store = workspace.open_store()
    try:
        store.corpus_info(corpus)
        texts = store.document_texts(corpus)
        metadata = store.document_metadata(corpus)
    finally:
        store.close()
    tokens = corpus_tokens(workspace, corpus, progress=progress)
    forms = active_forms(tokens, min_freq=options.min_freq, keep=options.keep, drop=options.drop)
    result = classify(tokens, texts, metadata, forms, options, progress)
    missing = [w for w in options.keep if w not in forms and w not in options.drop]
    if missing:
        result.summary["messages"].append(
            f"Formes à garder absentes du corpus, donc ignorées (--keep) : {', '.join(missing)}.")
    params = {**asdict(options), "sizes": list(options.sizes), "keep": list(options.keep),
              "drop": list(options.drop)}
    return save_run(workspace, KIND, name, corpus, params, command, result.write, replace=replace)


@dataclass
class ReinertRun:
    """A recorded Reinert classification read back from its folder."""

    run: Run
    segments: pd.DataFrame
    documents: pd.DataFrame
    form_profiles: pd.DataFrame
    metadata_profiles: pd.DataFrame
    characteristic: pd.DataFrame
    tree: dict[str, Any]

    @property
    def summary(self) -> dict[str, Any]:
        return self.run.record.get("summary", {})


def load_reinert(workspace: Workspace, name: str) -> ReinertRun:
    run = load_run(workspace, KIND, name)
    try:
        return ReinertRun(
            run,
            pd.read_parquet(run.file("segments.parquet")),
            pd.read_csv(run.file("documents.csv"), dtype={"classe": "Int64"}),
            pd.read_csv(run.file("profils_formes.csv"), keep_default_na=False, na_values=[]),
            pd.read_csv(run.file("profils_variables.csv"), keep_default_na=False, na_values=[],
                        dtype={"modalite": str}),
            pd.read_csv(run.file("segments_caracteristiques.csv")),
            json.loads(run.file("arbre.json").read_text(encoding="utf-8")),
        )
    except (OSError, ValueError) as exc:
        raise TextmineError(
            f"L'analyse « {name} » est incomplète ou illisible ({exc}) : relancez-la avec --replace.") from exc


def describe_classes(workspace: Workspace, name: str, classe: int | None = None, n_forms: int = 20,
                     n_segments: int = 5) -> list[dict[str, Any]]:
    """Each class of a recorded run: size, over-represented forms and metadata values, characteristic
    segments with their text and citation (the same for the CLI, the app and JSON output).

    Raises:
        TextmineError: ``classe`` is not a class of the run.
    """
    from ..quotes.citations import Citer

    loaded = load_reinert(workspace, name)
    labels = loaded.segments["classe"]
    known = sorted(int(c) for c in labels.dropna().unique())
    if classe is not None and classe not in known:
        raise TextmineError(f"Classe {classe} inconnue dans « {name} » : classes de 1 à {max(known, default=0)}.")
    store = workspace.open_store()
    try:
        citer = Citer.for_corpus(store, loaded.run.corpus)
    finally:
        store.close()
    total = int(labels.notna().sum())
    described = []
    for number in [classe] if classe is not None else known:
        forms = loaded.form_profiles[(loaded.form_profiles["classe"] == number) & (loaded.form_profiles["chi2"] > 0)]
        values = loaded.metadata_profiles[(loaded.metadata_profiles["classe"] == number)
                                          & (loaded.metadata_profiles["chi2"] > 0)]
        best = loaded.characteristic[loaded.characteristic["classe"] == number].head(n_segments)
        quotes = []
        for row in best.itertuples():
            segment = loaded.segments.iloc[int(row.segment)]
            citation = citer.cite(int(segment["document_id"]), int(segment["start"]), int(segment["end"]))
            text = citer.texts.get(int(segment["document_id"]), "")[int(segment["start"]) : int(segment["end"])]
            quotes.append({"segment": int(row.segment), "score": round(float(row.score), 2), "texte": text,
                           "reference": citation.reference(), "document_id": int(segment["document_id"])})
        size = int((labels == number).sum())
        described.append({
            "classe": number, "segments": size, "part": size / total if total else 0.0,
            "formes": _records(forms.head(n_forms), ["forme", "segments_classe", "segments", "chi2", "p"]),
            "variables": _records(values.head(n_forms), ["variable", "modalite", "segments_classe", "chi2", "p"]),
            "segments_caracteristiques": quotes,
        })
    return described


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    rows = frame[columns].to_dict("records")
    for row in rows:
        for key in ("chi2",):
            row[key] = round(float(row[key]), 3)
        row["p"] = float(row["p"])
    return rows


def cross_with_themes(classes: pd.DataFrame, themes: pd.DataFrame,
                      labels: dict[int, str] | None = None) -> tuple[pd.DataFrame, float]:
    """Classes × themes table of the documents having both, and its normalised mutual information.

    Args:
        classes: ``document_id, classe`` (a run's ``documents``).
        themes: ``document_id, topic`` (a topic model's main theme of each document).
        labels: theme id → label, for the columns.
    """
    from sklearn.metrics import normalized_mutual_info_score

    both = classes.dropna(subset=["classe"]).merge(themes[["document_id", "topic"]], on="document_id")
    if both.empty:
        return pd.DataFrame(), float("nan")
    table = pd.crosstab(both["classe"].astype(int), both["topic"].astype(int))
    if labels:
        table.columns = [labels.get(int(t), str(t)) for t in table.columns]
    table.index.name, table.columns.name = "classe", "thème"
    return table, float(normalized_mutual_info_score(both["classe"].astype(int), both["topic"].astype(int)))


def tree_layout(nodes: list[dict[str, Any]]) -> tuple[list[tuple[float, float, float, float]], list[dict[str, Any]]]:
    """Coordinates of a dendrogram: line segments (x0, y0, x1, y1) and the leaves (class, x).

    Terminal nodes sit at y = 0, at x = 1, 2, … from left to right (classes are numbered in that order);
    a node sits one step above its highest child. Only terminal nodes with a class (not dropped as too
    small) are returned as leaves.
    """
    by_id = {n["id"]: n for n in nodes}
    x: dict[int, float] = {}
    y: dict[int, float] = {}

    def place(node_id: int) -> None:
        node = by_id[node_id]
        if not node["children"]:
            x[node_id], y[node_id] = float(len([i for i in x if not by_id[i]["children"]]) + 1), 0.0
            return
        for child in node["children"]:
            place(child)
        x[node_id] = sum(x[c] for c in node["children"]) / len(node["children"])
        y[node_id] = 1.0 + max(y[c] for c in node["children"])

    place(nodes[0]["id"])
    lines = []
    for node in nodes:
        for child in node["children"]:
            lines += [(x[child], y[child], x[child], y[node["id"]]), (x[child], y[node["id"]], x[node["id"]],
                                                                    y[node["id"]])]
    leaves = [{"classe": n["classe"], "x": x[n["id"]], "size": n["size"]} for n in nodes if not n["children"]
              and n["classe"]]
    return lines, leaves


def launch(workspace: Workspace, command: list[str]) -> dict[str, Any]:
    """Run a ``textmine reinert`` command in its own process (the app's background run).

    Returns what ``job_state`` needs: the process id and the log file.
    """
    import os
    import subprocess
    import sys
    import uuid

    folder = workspace.home / "analyses" / KIND
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f".job-{uuid.uuid4().hex[:8]}.log"
    with log.open("w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            [sys.executable, "-c", "import sys; from textmine.cli import main; sys.exit(main(sys.argv[1:]))",
             *command[1:]], stdout=handle, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, env={**os.environ, "TEXTMINE_HOME": str(workspace.home)})
    return {"pid": process.pid, "log": str(log), "started": time.time(), "process": process}


def job_state(job: dict[str, Any]) -> tuple[bool, int | None, str]:
    """(running, exit status, what the command printed) of a job from ``launch``."""
    status = job["process"].poll()
    text = Path(job["log"]).read_text(encoding="utf-8") if Path(job["log"]).is_file() else ""
    if status is not None:
        Path(job["log"]).unlink(missing_ok=True)
        job["finished"] = (status, text)
    if "finished" in job:
        return False, job["finished"][0], job["finished"][1]
    return True, None, text
