"""Ingestion: files → normalised, de-duplicated documents in one transaction."""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from ..names import validate_name
from ..normalize import content_hash, is_boilerplate, normalize_text
from ..store import Store
from . import values
from .columns import choose_text_column, find_column
from .delimited import repair_overlong
from .formats import collect_files, open_source
from .records import Documents, Record, Table

Progress = Callable[[int], None]
_SAMPLE_ROWS = 200
_PROGRESS_EVERY = 10_000
_SHOWN_LINES = 10
_to_json = json.JSONEncoder(ensure_ascii=False).encode


@dataclass(slots=True)
class FileReport:
    """What one file brought to the corpus."""

    path: str
    format: str = ""
    read: int = 0
    added: int = 0
    empty: int = 0
    duplicates_in_import: int = 0
    duplicates_in_corpus: int = 0
    boilerplate: int = 0
    text_column: str | None = None
    already_ingested_as: str | None = None
    repaired: int = 0
    repaired_lines: list[int] = field(default_factory=list)

    def note_repaired(self, position: int) -> None:
        """Count a row rebuilt around an unquoted separator; its number is kept for the first few."""
        self.repaired += 1
        if len(self.repaired_lines) < _SHOWN_LINES:
            self.repaired_lines.append(position)


@dataclass(slots=True)
class IngestReport:
    """Summary of one ingest, as shown after ``textmine ingest``."""

    corpus: str
    files: list[FileReport] = field(default_factory=list)
    ignored_files: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    id_clashes: int = 0
    seconds: float = 0.0

    @classmethod
    def combine(cls, reports: list["IngestReport"]) -> "IngestReport":
        """One report for several ingests into the same corpus."""
        combined = cls(corpus=reports[0].corpus)
        for report in reports:
            combined.files += report.files
            combined.ignored_files += report.ignored_files
            combined.columns.update(report.columns)
            combined.id_clashes = max(combined.id_clashes, report.id_clashes)
            combined.seconds += report.seconds
        return combined

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def added(self) -> int:
        return self.total("added")

    def summary_lines(self) -> list[str]:
        """The summary in French, one line per fact."""
        added, empty = self.added, self.total("empty")
        dup_import, dup_corpus = self.total("duplicates_in_import"), self.total("duplicates_in_corpus")
        lines = [f"Corpus « {self.corpus} » : {added} document{_s(added)} ajouté{_s(added)}."]
        for f in self.files:
            name = Path(f.path).name
            if f.already_ingested_as:
                lines.append(f"  {name} : déjà importé dans ce corpus, rien n'a été ajouté.")
            else:
                column = f", colonne du texte « {f.text_column} »" if f.text_column else ""
                lines.append(f"  {name} ({f.format}{column}) : {f.read} lu{_s(f.read)}, {f.added} ajouté{_s(f.added)}.")
        lines += [_repaired_line(f, named=len(self.files) > 1) for f in self.files if f.repaired]
        skipped = empty + dup_import + dup_corpus
        if skipped:
            reasons = [
                f"{n} {label}" for n, label in (
                    (empty, "texte" + _s(empty) + " vide" + _s(empty)),
                    (dup_import, "doublon" + _s(dup_import) + " dans les fichiers importés"),
                    (dup_corpus, "déjà présent" + _s(dup_corpus) + " dans le corpus"),
                ) if n
            ]
            lines.append(f"Ignorés : {skipped} ({', '.join(reasons)}).")
        boiler = self.total("boilerplate")
        if boiler:
            lines.append(
                f"Réponses sans contenu signalées (« RAS », « néant », « sans avis »…) : {boiler}."
            )
        if self.id_clashes:
            lines.append(
                f"Attention : {self.id_clashes} identifiant{_s(self.id_clashes)} d'origine "
                "partagé(s) par plusieurs textes différents."
            )
        for reason in self.ignored_files:
            lines.append(f"Fichier laissé de côté : {reason}")
        if self.columns:
            described = ", ".join(f"{name} ({type_})" for name, type_ in self.columns.items())
            lines.append(f"Métadonnées : {described}.")
        return lines


def _s(n: int) -> str:
    return "s" if n > 1 else ""


def _repaired_line(f: FileReport, named: bool) -> str:
    where = f" dans {Path(f.path).name}" if named else ""
    numbers = ", ".join(map(str, f.repaired_lines)) + (", …" if f.repaired > len(f.repaired_lines) else "")
    return (
        f"Lignes réparées{where} (séparateur dans le texte, sans guillemets) : {f.repaired} "
        f"(ligne{_s(f.repaired)} {numbers})."
    )


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    corpus: str,
    *,
    text_column: str | None = None,
    id_column: str | None = None,
    sheet: str | None = None,
    metadata: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Add the documents of ``paths`` to ``corpus``, creating it when needed.

    Everything happens in one transaction: after any error nothing is stored.

    Args:
        store: the workspace store.
        paths: files or folders (every supported file inside a folder is read).
        corpus: corpus name (see :func:`textmine.names.validate_name`).
        text_column: column holding the text in tabular files; guessed when obvious.
        id_column: column holding the documents' original ids.
        sheet: XLSX sheet name or 1-based number.
        metadata: constant metadata added to every document (e.g. ``{"source": "rapport"}``).
        progress: called with the number of documents read so far, now and then.

    Returns:
        The ingest summary.

    Raises:
        TextmineError: with a French message, for any input the user must fix.

    Examples:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "t.csv").write_text("id,texte\\n1,Trop de reporting.\\n", encoding="utf-8")
        >>> ingest(Store(folder / "ws.sqlite"), [folder / "t.csv"], "demo").added
        1
    """
    validate_name(corpus)
    started = time.perf_counter()
    files, ignored = collect_files([Path(p) for p in paths])
    report = IngestReport(corpus=corpus, ignored_files=ignored)
    constant = {k: values.classify(v) for k, v in (metadata or {}).items()}
    kinds: dict[str, set[str]] = defaultdict(set)
    with store.writing():
        corpus_id = store.ensure_corpus(corpus)
        ingest_id = store.start_ingest(corpus_id)
        counter = _Counter(progress)
        for path in files:
            file_report = FileReport(path=str(path))
            report.files.append(file_report)
            digest = _file_digest(path)
            previous = store.file_ingested(corpus_id, digest)
            if previous:
                file_report.already_ingested_as = previous
                continue
            fmt, source = open_source(path, sheet)
            file_report.format = fmt
            records = _records(source, path, text_column, id_column, file_report)
            position_kind = source.position_kind
            file_id = store.add_source_file(corpus_id, ingest_id, str(path), digest, fmt, position_kind)
            for record in records:
                counter.tick()
                _store_record(store, record, constant, kinds, corpus_id, ingest_id, file_id, file_report)
        report.columns = _settle_columns(store, corpus_id, ingest_id, kinds)
        report.id_clashes = store.count_original_id_clashes(corpus_id) if id_column else 0
        report.seconds = time.perf_counter() - started
        store.finish_ingest(ingest_id, {"lines": report.summary_lines()})
    return report


class _Counter:
    def __init__(self, progress: Progress | None) -> None:
        self.progress, self.n = progress, 0

    def tick(self) -> None:
        self.n += 1
        if self.progress and self.n % _PROGRESS_EVERY == 0:
            self.progress(self.n)


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _records(
    source: Table | Documents,
    path: Path,
    text_column: str | None,
    id_column: str | None,
    file_report: FileReport,
) -> Iterator[Record]:
    if isinstance(source, Documents):
        return _with_original_ids(source.records, id_column) if id_column else source.records
    columns = source.columns
    id_col = find_column(columns, id_column, path.name, "--id-column") if id_column else None
    # CSV rows broken by an unquoted separator come raw: they are rebuilt once the
    # text column is known, from the sample's well-formed rows.
    rows = source.rows if source.raw_rows is None else source.raw_rows
    sample = list(islice(rows, _SAMPLE_ROWS))
    well_formed = [row for _, row in sample if isinstance(row, dict)]
    if text_column:
        text_col = find_column(columns, text_column, path.name, "--text-column")
    else:
        text_col = choose_text_column(columns, well_formed, path.name, {id_col})
    file_report.text_column = text_col
    fitted = repair_overlong(
        chain(sample, rows), columns, text_col, well_formed, path.name, file_report.note_repaired
    )
    return _table_records(fitted, text_col, id_col)


def _with_original_ids(records: Iterator[Record], id_column: str) -> Iterator[Record]:
    """IRaMuTeQ variables can carry ids: ``*id_123`` with ``--id-column id``."""
    for record in records:
        value = record.metadata.pop(id_column, None)
        if value not in (None, ""):
            record.original_id = str(value)
        yield record


def _table_records(
    rows: Iterator[tuple[int, dict[str, Any]]], text_col: str, id_col: str | None
) -> Iterator[Record]:
    for position, row in rows:
        text = row.pop(text_col, None)
        original = row.pop(id_col, None) if id_col else None
        if isinstance(original, float) and original.is_integer():
            original = int(original)
        yield Record(
            text="" if text is None else str(text),
            metadata=row,
            position=position,
            original_id=None if original in (None, "") else str(original).strip(),
        )


def _store_record(
    store: Store,
    record: Record,
    constant: dict[str, tuple[Any, str] | None],
    kinds: dict[str, set[str]],
    corpus_id: int,
    ingest_id: int,
    file_id: int,
    file_report: FileReport,
) -> None:
    file_report.read += 1
    text = normalize_text(record.text)
    if not text:
        file_report.empty += 1
        return
    metadata: dict[str, Any] = {}
    typed_values = ((name, values.classify(raw)) for name, raw in record.metadata.items())
    for name, typed in chain(typed_values, constant.items()):
        if typed is not None:
            metadata[name] = typed[0]
            kinds[name].add(typed[1])
    digest = content_hash(text)
    boilerplate = is_boilerplate(text)
    spans = json.dumps(record.spans) if record.spans else None
    meta_json = _to_json(metadata)
    if store.insert_document(
        corpus_id, ingest_id, file_id, record.position, record.original_id,
        text, digest, meta_json, spans, boilerplate,
    ):
        file_report.added += 1
        file_report.boilerplate += boilerplate
    elif store.duplicate_origin(corpus_id, digest) == ingest_id:
        file_report.duplicates_in_import += 1
    else:
        file_report.duplicates_in_corpus += 1


def _settle_columns(
    store: Store, corpus_id: int, ingest_id: int, kinds: dict[str, set[str]]
) -> dict[str, str]:
    """Give every metadata column one type and bring stored values to it."""
    existing = store.corpus_columns(corpus_id)
    this_ingest: dict[str, str] = {}
    whole_corpus: dict[str, str] = {}
    for name, seen in kinds.items():
        type_ = values.column_type(seen | ({existing[name]} if name in existing else set()))
        store.set_corpus_column(corpus_id, name, type_)
        if name in existing and existing[name] != type_:
            whole_corpus[name] = type_
        elif values.needs_coercion(seen, type_):
            this_ingest[name] = type_
    if whole_corpus:
        store.rewrite_metadata(corpus_id, values.coercer({**this_ingest, **whole_corpus}))
    elif this_ingest:
        store.rewrite_metadata(corpus_id, values.coercer(this_ingest), ingest_id=ingest_id)
    settled = store.corpus_columns(corpus_id)
    return {name: settled[name] for name in kinds}
