"""The workspace store: every SQL statement of textmine lives in this module.

SQLite in WAL mode, so the app can read while an ingest or a training run
writes. Writers take the write lock up front (``BEGIN IMMEDIATE``) and hold it
for one whole operation: an ingest is one transaction, committed entirely or
not at all.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import NotFoundError, WorkspaceError, os_reason

SCHEMA_VERSION = 4

# Sentences are indexed for search under rowid = document id << 20 | sentence number.
_SENTENCE_BITS = 20

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE corpora (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        name        TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE ingests (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        corpus_id   INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
        started_at  TEXT NOT NULL,
        summary     TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE source_files (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        corpus_id      INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
        ingest_id      INTEGER NOT NULL REFERENCES ingests(id) ON DELETE CASCADE,
        path           TEXT NOT NULL,
        sha256         TEXT NOT NULL,
        format         TEXT NOT NULL,
        position_kind  TEXT NOT NULL,
        UNIQUE (corpus_id, sha256)
    );
    CREATE TABLE documents (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        corpus_id       INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
        ingest_id       INTEGER NOT NULL REFERENCES ingests(id) ON DELETE CASCADE,
        source_file_id  INTEGER NOT NULL REFERENCES source_files(id) ON DELETE CASCADE,
        position        INTEGER,
        original_id     TEXT,
        text            TEXT NOT NULL,
        content_hash    TEXT NOT NULL,
        metadata        TEXT NOT NULL DEFAULT '{}',
        spans           TEXT,
        boilerplate     INTEGER NOT NULL DEFAULT 0,
        UNIQUE (corpus_id, content_hash)
    );
    CREATE INDEX documents_original_id ON documents (corpus_id, original_id);
    CREATE INDEX documents_ingest ON documents (ingest_id);
    CREATE TABLE corpus_columns (
        corpus_id  INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        type       TEXT NOT NULL,
        position   INTEGER NOT NULL,
        PRIMARY KEY (corpus_id, name)
    );
    """,
    2: """
    CREATE TABLE analyses (
        document_id  INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        pipeline     TEXT NOT NULL,
        french       INTEGER NOT NULL
    );
    CREATE TABLE sentences (
        document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        n            INTEGER NOT NULL,
        start        INTEGER NOT NULL,
        end          INTEGER NOT NULL,
        terms        TEXT NOT NULL,
        PRIMARY KEY (document_id, n)
    ) WITHOUT ROWID;
    """,
    3: """
    CREATE TABLE sentiments (
        document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start        INTEGER NOT NULL,
        end          INTEGER NOT NULL,
        backend      TEXT NOT NULL,
        label        TEXT NOT NULL,
        score        REAL NOT NULL,
        confidence   REAL NOT NULL,
        emotions     TEXT NOT NULL DEFAULT '{}',
        triggers     TEXT NOT NULL DEFAULT '',
        flags        TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (document_id, start, end, backend)
    ) WITHOUT ROWID;
    """,
    4: """
    CREATE VIRTUAL TABLE sentence_search USING fts5(
        text, terms, tokenize = "unicode61 remove_diacritics 2"
    );
    INSERT INTO sentence_search (rowid, text, terms)
        SELECT (s.document_id << 20) | s.n, substr(d.text, s.start + 1, s.end - s.start), s.terms
        FROM sentences s JOIN documents d ON d.id = s.document_id;
    """,
}


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    """A corpus as listed by ``textmine corpora``."""

    name: str
    created_at: str
    documents: int
    boilerplate: int
    files: int
    columns: dict[str, str]


@dataclass(frozen=True, slots=True)
class ColumnSummary:
    """What a metadata column of a corpus holds."""

    name: str
    type: str
    documents: int
    distinct: int
    top: list[tuple[Any, int]]
    minimum: Any
    maximum: Any


@dataclass(frozen=True, slots=True)
class SentenceRow:
    """A sentence of a document: character offsets and its theme terms."""

    start: int
    end: int
    terms: str


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, (int, float)) else (1, str(value))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """Connection to a workspace database; creates and migrates it on open.

    Args:
        path: the SQLite file (created with its folder when missing).
        busy_timeout: seconds a writer waits for another writer to finish.

    Examples:
        >>> import tempfile, pathlib
        >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "textmine.sqlite")
        >>> store.list_corpora()
        []
    """

    def __init__(self, path: Path, busy_timeout: float | None = None) -> None:
        self.path = Path(path)
        if busy_timeout is None:
            busy_timeout = float(os.environ.get("TEXTMINE_BUSY_TIMEOUT", "600"))
        self.busy_timeout = busy_timeout
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(_describe(exc, self.path)) from exc
        except OSError as exc:
            raise WorkspaceError(
                f"Impossible de créer l'espace de travail {self.path.parent} : {os_reason(exc)}."
            ) from exc

    def close(self) -> None:
        self._conn.close()

    # -- transactions -------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside is committed or nothing is."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise WorkspaceError(_describe(exc, self.path)) from exc
        try:
            yield self._conn
        except sqlite3.DatabaseError as exc:
            self._conn.execute("ROLLBACK")
            raise WorkspaceError(_describe(exc, self.path)) from exc
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            self._conn.execute("ROLLBACK")
            raise WorkspaceError(_describe(exc, self.path)) from exc

    def _migrate(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"L'espace de travail {self.path} a été créé par une version plus récente de "
                f"textmine (schéma {version}) : mettez textmine à jour."
            )
        if version == SCHEMA_VERSION:
            return
        with self.writing() as conn:
            # Re-read under the write lock: another process may have migrated meanwhile.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[target].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")

    # -- corpora ------------------------------------------------------------

    def corpus_id(self, name: str) -> int | None:
        row = self._conn.execute("SELECT id FROM corpora WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def ensure_corpus(self, name: str) -> int:
        corpus_id = self.corpus_id(name)
        if corpus_id is None:
            cursor = self._conn.execute(
                "INSERT INTO corpora (name, created_at) VALUES (?, ?)", (name, _now())
            )
            corpus_id = cursor.lastrowid
        return corpus_id

    def list_corpora(self) -> list[CorpusInfo]:
        rows = self._conn.execute(
            """
            SELECT c.id, c.name, c.created_at,
                   (SELECT count(*) FROM documents d WHERE d.corpus_id = c.id),
                   (SELECT count(*) FROM documents d WHERE d.corpus_id = c.id AND d.boilerplate),
                   (SELECT count(*) FROM source_files f WHERE f.corpus_id = c.id)
            FROM corpora c ORDER BY c.name
            """
        ).fetchall()
        return [
            CorpusInfo(name, created, docs, boiler, files, self.corpus_columns(cid))
            for cid, name, created, docs, boiler, files in rows
        ]

    def corpus_info(self, name: str) -> CorpusInfo:
        for info in self.list_corpora():
            if info.name == name:
                return info
        known = ", ".join(c.name for c in self.list_corpora()) or "aucun"
        raise NotFoundError(f"Corpus « {name} » introuvable. Corpus présents : {known}.")

    def corpus_columns(self, corpus_id: int) -> dict[str, str]:
        rows = self._conn.execute(
            "SELECT name, type FROM corpus_columns WHERE corpus_id = ? ORDER BY position",
            (corpus_id,),
        )
        return dict(rows.fetchall())

    def set_corpus_column(self, corpus_id: int, name: str, type_: str) -> None:
        self._conn.execute(
            """
            INSERT INTO corpus_columns (corpus_id, name, type, position)
            VALUES (?, ?, ?, (SELECT count(*) FROM corpus_columns WHERE corpus_id = ?))
            ON CONFLICT (corpus_id, name) DO UPDATE SET type = excluded.type
            """,
            (corpus_id, name, type_, corpus_id),
        )

    # -- ingests and source files ------------------------------------------

    def start_ingest(self, corpus_id: int) -> int:
        cursor = self._conn.execute(
            "INSERT INTO ingests (corpus_id, started_at) VALUES (?, ?)", (corpus_id, _now())
        )
        return cursor.lastrowid

    def finish_ingest(self, ingest_id: int, summary: dict[str, Any]) -> None:
        self._conn.execute(
            "UPDATE ingests SET summary = ? WHERE id = ?",
            (json.dumps(summary, ensure_ascii=False), ingest_id),
        )

    def file_ingested(self, corpus_id: int, sha256: str) -> str | None:
        """The path under which this exact file was already ingested, if it was."""
        row = self._conn.execute(
            "SELECT path FROM source_files WHERE corpus_id = ? AND sha256 = ?",
            (corpus_id, sha256),
        ).fetchone()
        return row[0] if row else None

    def add_source_file(
        self, corpus_id: int, ingest_id: int, path: str, sha256: str, fmt: str, position_kind: str
    ) -> int:
        cursor = self._conn.execute(
            """INSERT INTO source_files (corpus_id, ingest_id, path, sha256, format, position_kind)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (corpus_id, ingest_id, path, sha256, fmt, position_kind),
        )
        return cursor.lastrowid

    # -- documents ----------------------------------------------------------

    def insert_document(
        self,
        corpus_id: int,
        ingest_id: int,
        source_file_id: int,
        position: int | None,
        original_id: str | None,
        text: str,
        digest: str,
        metadata_json: str,
        spans_json: str | None,
        boilerplate: bool,
    ) -> bool:
        """Insert one document; False when the corpus already holds the same text."""
        cursor = self._conn.execute(
            """INSERT OR IGNORE INTO documents
               (corpus_id, ingest_id, source_file_id, position, original_id, text,
                content_hash, metadata, spans, boilerplate)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (corpus_id, ingest_id, source_file_id, position, original_id, text,
             digest, metadata_json, spans_json, int(boilerplate)),
        )
        return cursor.rowcount == 1

    def duplicate_origin(self, corpus_id: int, digest: str) -> int:
        """The ingest that stored the text with this hash."""
        return self._conn.execute(
            "SELECT ingest_id FROM documents WHERE corpus_id = ? AND content_hash = ?",
            (corpus_id, digest),
        ).fetchone()[0]

    def count_original_id_clashes(self, corpus_id: int) -> int:
        """Original ids used by more than one document of the corpus."""
        return self._conn.execute(
            """SELECT count(*) FROM (SELECT original_id FROM documents
               WHERE corpus_id = ? AND original_id IS NOT NULL
               GROUP BY original_id HAVING count(*) > 1)""",
            (corpus_id,),
        ).fetchone()[0]

    def rewrite_metadata(
        self, corpus_id: int, rewrite: Callable[[str], str], ingest_id: int | None = None
    ) -> None:
        """Apply ``rewrite`` to the metadata JSON of a corpus (or of one ingest), in SQL."""
        self._conn.create_function("textmine_rewrite", 1, rewrite, deterministic=True)
        if ingest_id is None:
            self._conn.execute(
                "UPDATE documents SET metadata = textmine_rewrite(metadata) WHERE corpus_id = ?",
                (corpus_id,),
            )
        else:
            self._conn.execute(
                "UPDATE documents SET metadata = textmine_rewrite(metadata) WHERE ingest_id = ?",
                (ingest_id,),
            )

    def column_summaries(self, corpus: str, top: int = 6) -> list[ColumnSummary]:
        """Per metadata column: documents that have it, distinct values, top values, range."""
        info = self.corpus_info(corpus)
        rows = self._conn.execute(
            """SELECT j.key, j.value, count(*) AS n
               FROM documents d, json_each(d.metadata) j
               WHERE d.corpus_id = (SELECT id FROM corpora WHERE name = ?)
               GROUP BY j.key, j.value ORDER BY j.key, n DESC, j.value""",
            (corpus,),
        )
        grouped: dict[str, list[tuple[Any, int]]] = {name: [] for name in info.columns}
        for key, value, n in rows:
            grouped.setdefault(key, []).append((value, n))
        return [
            ColumnSummary(
                name=name,
                type=info.columns.get(name, "texte"),
                documents=sum(n for _, n in values),
                distinct=len(values),
                top=values[:top],
                minimum=min((v for v, _ in values), default=None, key=_sort_key),
                maximum=max((v for v, _ in values), default=None, key=_sort_key),
            )
            for name, values in grouped.items()
        ]

    # -- linguistic analyses ------------------------------------------------

    def unanalysed(self, corpus: str, pipeline: str) -> list[tuple[int, str]]:
        """(id, text) of the corpus documents not yet analysed by ``pipeline``."""
        corpus_id = self._require_corpus(corpus)
        return self._conn.execute(
            """SELECT d.id, d.text FROM documents d
               LEFT JOIN analyses a ON a.document_id = d.id AND a.pipeline = ?
               WHERE d.corpus_id = ? AND a.document_id IS NULL ORDER BY d.id""",
            (pipeline, corpus_id),
        ).fetchall()

    def save_analyses(
        self, pipeline: str, analyses: list[tuple[int, bool, list[SentenceRow]]]
    ) -> None:
        """Store the sentences of analysed documents, replacing older analyses (one transaction)."""
        with self.writing() as conn:
            for document_id, french, sentences in analyses:
                conn.execute("DELETE FROM sentences WHERE document_id = ?", (document_id,))
                first = document_id << _SENTENCE_BITS
                conn.execute(
                    "DELETE FROM sentence_search WHERE rowid BETWEEN ? AND ?",
                    (first, first + (1 << _SENTENCE_BITS) - 1),
                )
                (text,) = conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
                conn.execute(
                    "INSERT OR REPLACE INTO analyses (document_id, pipeline, french) VALUES (?, ?, ?)",
                    (document_id, pipeline, int(french)),
                )
                conn.executemany(
                    "INSERT INTO sentences (document_id, n, start, end, terms) VALUES (?, ?, ?, ?, ?)",
                    [(document_id, n, s.start, s.end, s.terms) for n, s in enumerate(sentences, 1)],
                )
                conn.executemany(
                    "INSERT INTO sentence_search (rowid, text, terms) VALUES (?, ?, ?)",
                    [(first | n, text[s.start : s.end], s.terms) for n, s in enumerate(sentences, 1)],
                )

    def analysed_documents(self, corpus: str) -> Iterator[tuple[int, str, bool, bool, list[SentenceRow]]]:
        """(id, text, boilerplate, french, sentences) of every analysed document, in order."""
        corpus_id = self._require_corpus(corpus)
        rows = self._conn.execute(
            """SELECT d.id, d.text, d.boilerplate, a.french, s.start, s.end, s.terms
               FROM documents d JOIN analyses a ON a.document_id = d.id
               JOIN sentences s ON s.document_id = d.id
               WHERE d.corpus_id = ? ORDER BY d.id, s.n""",
            (corpus_id,),
        )
        current, sentences = None, []
        for doc_id, text, boiler, french, start, end, terms in rows:
            if current is not None and current[0] != doc_id:
                yield (*current, sentences)
                sentences = []
            current = (doc_id, text, bool(boiler), bool(french))
            sentences.append(SentenceRow(start, end, terms))
        if current is not None:
            yield (*current, sentences)

    def sentences(self, corpus: str) -> list[tuple[int, int, int, int, str]]:
        """(document id, number, start, end, theme terms) of every analysed sentence, in order."""
        corpus_id = self._require_corpus(corpus)
        return self._conn.execute(
            """SELECT s.document_id, s.n, s.start, s.end, s.terms
               FROM sentences s JOIN documents d ON d.id = s.document_id
               WHERE d.corpus_id = ? ORDER BY s.document_id, s.n""",
            (corpus_id,),
        ).fetchall()

    def search_sentences(self, corpus: str, match: str, limit: int) -> list[tuple[int, int, float]]:
        """(document id, sentence number, relevance) of the sentences matching an FTS5 expression.

        Relevance is BM25 (higher is better); ``match`` must be a valid FTS5
        query, built by the caller from quoted tokens only.
        """
        corpus_id = self._require_corpus(corpus)
        rows = self._conn.execute(
            f"""SELECT f.rowid, -bm25(sentence_search) AS relevance
                FROM sentence_search f JOIN documents d ON d.id = (f.rowid >> {_SENTENCE_BITS})
                WHERE sentence_search MATCH ? AND d.corpus_id = ?
                ORDER BY relevance DESC LIMIT ?""",
            (match, corpus_id, limit),
        ).fetchall()
        mask = (1 << _SENTENCE_BITS) - 1
        return [(rowid >> _SENTENCE_BITS, rowid & mask, relevance) for rowid, relevance in rows]

    def sentence_spans(self, keys: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, int]]:
        """(document id, sentence number) -> (start, end) character offsets."""
        found = {}
        for i in range(0, len(keys), 400):
            chunk = keys[i : i + 400]
            marks = " OR ".join("(document_id = ? AND n = ?)" for _ in chunk)
            params = [v for key in chunk for v in key]
            for doc, n, start, end in self._conn.execute(
                f"SELECT document_id, n, start, end FROM sentences WHERE {marks}", params
            ):
                found[(doc, n)] = (start, end)
        return found

    def document_sources(self, corpus: str) -> dict[int, tuple[str | None, str, list | None]]:
        """Document id -> (original id, position kind, page or paragraph spans), for citations."""
        corpus_id = self._require_corpus(corpus)
        rows = self._conn.execute(
            """SELECT d.id, d.original_id, f.position_kind, d.spans
               FROM documents d JOIN source_files f ON f.id = d.source_file_id WHERE d.corpus_id = ?""",
            (corpus_id,),
        )
        return {doc: (original, kind, json.loads(spans) if spans else None) for doc, original, kind, spans in rows}

    # -- sentiment ------------------------------------------------------------

    def sentiment_rows(self, corpus: str, backend: str) -> dict[tuple[int, int, int], dict[str, Any]]:
        """Stored sentiment of a corpus's spans for one backend, keyed by (document, start, end)."""
        corpus_id = self._require_corpus(corpus)
        rows = self._conn.execute(
            """SELECT s.document_id, s.start, s.end, s.label, s.score, s.confidence, s.emotions,
                      s.triggers, s.flags
               FROM sentiments s JOIN documents d ON d.id = s.document_id
               WHERE d.corpus_id = ? AND s.backend = ?""",
            (corpus_id, backend),
        )
        return {
            (doc, start, end): {"label": label, "score": score, "confidence": confidence,
                                "emotions": json.loads(emotions), "triggers": triggers, "flags": flags}
            for doc, start, end, label, score, confidence, emotions, triggers, flags in rows
        }

    def save_sentiments(self, backend: str, rows: list[tuple]) -> None:
        """Store (document, start, end, label, score, confidence, emotions, triggers, flags) rows."""
        with self.writing() as conn:
            conn.executemany(
                """INSERT OR REPLACE INTO sentiments
                   (document_id, start, end, backend, label, score, confidence, emotions, triggers, flags)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [(d, s, e, backend, label, score, conf, json.dumps(emo, ensure_ascii=False), trig, flags)
                 for d, s, e, label, score, conf, emo, trig, flags in rows],
            )

    def document_files(self, corpus: str) -> dict[int, str]:
        """Document id -> path of the file it was read from."""
        corpus_id = self._require_corpus(corpus)
        rows = self._conn.execute(
            """SELECT d.id, f.path FROM documents d JOIN source_files f ON f.id = d.source_file_id
               WHERE d.corpus_id = ?""",
            (corpus_id,),
        )
        return dict(rows.fetchall())

    def document_ids(self, corpus: str) -> list[int]:
        """Ids of the corpus's documents, in order."""
        corpus_id = self._require_corpus(corpus)
        return [i for (i,) in self._conn.execute("SELECT id FROM documents WHERE corpus_id = ? ORDER BY id",
                                                   (corpus_id,))]

    def document_texts(self, corpus: str) -> dict[int, str]:
        corpus_id = self._require_corpus(corpus)
        return dict(self._conn.execute("SELECT id, text FROM documents WHERE corpus_id = ?", (corpus_id,)))

    def document_metadata(self, corpus: str) -> dict[int, dict[str, Any]]:
        """Document id -> (original id, metadata) for a whole corpus."""
        corpus_id = self._require_corpus(corpus)
        rows = self._conn.execute(
            "SELECT id, original_id, metadata FROM documents WHERE corpus_id = ? ORDER BY id",
            (corpus_id,),
        )
        return {doc_id: {"original_id": original, **json.loads(meta)} for doc_id, original, meta in rows}

    def corpus_fingerprint(self, corpus: str) -> str:
        """A hash of the corpus content: changes whenever a document is added or removed."""
        import hashlib

        corpus_id = self._require_corpus(corpus)
        digest = hashlib.sha256()
        for (content_hash,) in self._conn.execute(
            "SELECT content_hash FROM documents WHERE corpus_id = ? ORDER BY id", (corpus_id,)
        ):
            digest.update(content_hash.encode())
        return digest.hexdigest()[:16]

    def _require_corpus(self, corpus: str) -> int:
        corpus_id = self.corpus_id(corpus)
        if corpus_id is None:
            self.corpus_info(corpus)  # raises the French "not found" message
        return corpus_id

    def documents(
        self, corpus: str, contains: str | None = None, limit: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Documents of a corpus in ingest order, with their metadata decoded.

        Args:
            corpus: corpus name.
            contains: keep only texts containing this string (case-insensitive for ASCII).
            limit: at most this many documents.
        """
        corpus_id = self._require_corpus(corpus)
        where, params = "d.corpus_id = ?", [corpus_id]
        if contains:
            escaped = contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where += " AND d.text LIKE ? ESCAPE '\\'"
            params.append(f"%{escaped}%")
        cursor = self._conn.execute(
            f"""SELECT d.id, d.original_id, d.text, d.metadata, f.path, f.position_kind,
                       d.position, d.spans, d.boilerplate
                FROM documents d JOIN source_files f ON f.id = d.source_file_id
                WHERE {where} ORDER BY d.id LIMIT ?""",
            (*params, -1 if limit is None else limit),
        )
        for doc_id, original, text, meta, path, kind, position, spans, boiler in cursor:
            yield {
                "id": doc_id,
                "original_id": original,
                "text": text,
                "metadata": json.loads(meta),
                "source_file": path,
                "position_kind": kind,
                "position": position,
                "spans": json.loads(spans) if spans else None,
                "boilerplate": bool(boiler),
            }


def _describe(exc: sqlite3.DatabaseError, path: Path) -> str:
    message = str(exc)
    if "locked" in message or "busy" in message:
        return (
            "L'espace de travail est occupé par une autre opération (importation ou "
            "entraînement) : réessayez quand elle sera terminée."
        )
    if "full" in message:
        return f"Disque plein : l'espace de travail {path.parent} ne peut plus grandir ; rien n'a été enregistré."
    if "not a database" in message or "malformed" in message:
        return f"{path} n'est pas une base textmine valide (fichier endommagé ou d'un autre logiciel)."
    if "readonly" in message or "unable to open" in message:
        return f"Impossible d'écrire dans l'espace de travail {path.parent} : vérifiez les droits."
    return f"Erreur de la base de l'espace de travail {path} : {message}."
