"""Ingest behaviour: de-duplication, typing, boilerplate, atomicity, concurrency."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from fixtures import TEXTS, write_csv, write_jsonl

from textmine.errors import TextmineError
from textmine.ingest import ingest
from textmine.normalize import is_boilerplate, normalize_text
from textmine.store import Store


def snapshot(db: Path) -> list[tuple]:
    """Everything the store holds, table by table."""
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return [(t, conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()) for t in tables]


def test_reingesting_the_same_file_adds_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "ws.sqlite")
    path = write_csv(tmp_path / "r.csv")
    ingest(store, [path], "c")
    data = ("corpus_columns", "documents", "source_files")
    before = [t for t in snapshot(store.path) if t[0] in data]
    report = ingest(store, [path], "c")
    assert report.added == 0
    assert report.files[0].already_ingested_as == str(path.resolve())
    assert store.corpus_info("c").documents == 3
    assert [t for t in snapshot(store.path) if t[0] in data] == before


def test_same_texts_in_another_file_are_counted_as_duplicates(tmp_path: Path) -> None:
    store = Store(tmp_path / "ws.sqlite")
    ingest(store, [write_csv(tmp_path / "r.csv")], "c")
    report = ingest(store, [write_jsonl(tmp_path / "r.jsonl")], "c")
    assert (report.added, report.total("duplicates_in_corpus")) == (0, 3)
    assert "Ignorés : 3 (3 déjà présents dans le corpus)." in report.summary_lines()


def test_duplicates_empty_texts_and_boilerplate_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "texte,org\n"
        f"\"{TEXTS[2]}\",CAF\n"
        f"\"  {TEXTS[2]}  \",CPAM\n"  # the same text once normalised
        "\"   \",CAF\n"
        ",CAF\n"
        "R.A.S.,CAF\n"
        "Néant,CAF\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "ws.sqlite")
    report = ingest(store, [path], "c")
    assert report.summary_lines() == [
        "Corpus « c » : 3 documents ajoutés.",
        "  r.csv (CSV, colonne du texte « texte ») : 6 lus, 3 ajoutés.",
        "Ignorés : 3 (2 textes vides, 1 doublon dans les fichiers importés).",
        "Réponses sans contenu signalées (« RAS », « néant », « sans avis »…) : 2.",
        "Métadonnées : org (texte).",
    ]
    assert [d["boilerplate"] for d in store.documents("c")] == [False, True, True]


@pytest.mark.parametrize(
    "answer, expected",
    [("RAS", True), ("r.a.s", True), ("Néant.", True), ("sans avis", True),
     ("Je ne sais pas !", True), ("NSP", True), ("Rien à signaler", True),
     ("Rien ne va plus", False), ("Pas assez de collègues", False)],
)
def test_boilerplate_answers(answer: str, expected: bool) -> None:
    assert is_boilerplate(answer) is expected


def test_normalisation_keeps_typography_and_paragraphs() -> None:
    raw = "L’équipe\u00a0: « épuisée »\r\n\r\n\r\n\tDeuxième   paragraphe\u200b.  "
    assert normalize_text(raw) == "L’équipe\u00a0: « épuisée »\n\nDeuxième paragraphe."
    assert normalize_text("e\u0301quipe") == "équipe"  # NFC


def test_metadata_types_dates_and_mixed_columns(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "texte;date;note;code;annee\n"
        "Premier;03/04/2021;3,5;01000;2021\n"
        "Deuxième;2022-12-31;4;75011;2022\n"
        "Troisième;;2.25;inconnu;\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "ws.sqlite")
    report = ingest(store, [path], "c")
    assert report.columns == {"date": "date", "note": "décimal", "code": "texte", "annee": "entier"}
    metas = [d["metadata"] for d in store.documents("c")]
    assert metas[0] == {"date": "2021-04-03", "note": 3.5, "code": "01000", "annee": 2021}
    assert metas[1] == {"date": "2022-12-31", "note": 4, "code": "75011", "annee": 2022}
    assert metas[2] == {"note": 2.25, "code": "inconnu"}


def test_a_later_ingest_can_turn_a_column_into_text(tmp_path: Path) -> None:
    store = Store(tmp_path / "ws.sqlite")
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("texte,annee\nUn texte,2021\n", encoding="utf-8")
    second.write_text("texte,annee\nUn autre texte,inconnue\n", encoding="utf-8")
    ingest(store, [first], "c")
    ingest(store, [second], "c")
    assert store.corpus_info("c").columns == {"annee": "texte"}
    assert [d["metadata"]["annee"] for d in store.documents("c")] == ["2021", "inconnue"]


def test_constant_metadata_is_added_to_every_document(tmp_path: Path) -> None:
    store = Store(tmp_path / "ws.sqlite")
    ingest(store, [write_csv(tmp_path / "r.csv")], "c", metadata={"source": "enquête", "vague": "2024"})
    assert {(d["metadata"]["source"], d["metadata"]["vague"]) for d in store.documents("c")} == {("enquête", 2024)}


def test_a_failed_ingest_leaves_the_workspace_unchanged(tmp_path: Path) -> None:
    store = Store(tmp_path / "ws.sqlite")
    ingest(store, [write_csv(tmp_path / "ok.csv")], "c")
    before = snapshot(store.path)
    bad = tmp_path / "bad.csv"
    rows = "".join(f"Texte numéro {i},CAF\n" for i in range(500))
    bad.write_text("texte,org\n" + rows + "\"guillemet jamais fermé,CAF\n", encoding="utf-8")
    good = write_jsonl(tmp_path / "other.jsonl")
    with pytest.raises(TextmineError, match="guillemet ouvert jamais refermé"):
        ingest(store, [good, bad], "c")  # the first file was fine: it is rolled back too
    with pytest.raises(TextmineError):
        ingest(store, [bad], "nouveau")
    assert snapshot(store.path) == before
    assert [c.name for c in store.list_corpora()] == ["c"]


def _ingest_in_process(db: str, path: str, corpus: str) -> int:
    return ingest(Store(Path(db)), [path], corpus).added


def test_two_ingests_at_once_do_not_corrupt_the_store(tmp_path: Path) -> None:
    paths = []
    for n in range(2):
        path = tmp_path / f"lot{n}.csv"
        path.write_text("texte\n" + "".join(f"Lot {n}, témoignage {i}.\n" for i in range(3000)), encoding="utf-8")
        paths.append(str(path))
    db = str(tmp_path / "ws.sqlite")
    Store(Path(db))  # create the schema once; the race below is on the data
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        added = pool.starmap(_ingest_in_process, [(db, paths[0], "c"), (db, paths[1], "c")])
    assert added == [3000, 3000]
    store = Store(Path(db))
    assert store.corpus_info("c").documents == 6000
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_two_processes_creating_a_workspace_at_once(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv")
    db = str(tmp_path / "new" / "ws.sqlite")
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        added = pool.starmap(_ingest_in_process, [(db, str(path), "a"), (db, str(path), "b")])
    assert added == [3, 3]


def test_store_is_in_wal_mode_with_a_schema_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "ws.sqlite")
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA user_version").fetchone() == (4,)


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "ws.sqlite"
    Store(db).close()
    sqlite3.connect(db).execute("PRAGMA user_version = 99")
    with pytest.raises(TextmineError, match="version plus récente"):
        Store(db)


def test_a_runaway_jsonl_line_is_refused_without_reading_it_whole(tmp_path: Path, monkeypatch) -> None:
    from textmine.ingest import jsonl

    monkeypatch.setattr(jsonl, "MAX_LINE_CHARS", 100)
    path = tmp_path / "r.jsonl"
    path.write_text('{"texte": "court"}\n{"texte": "' + "x" * 300 + '"}\n', encoding="utf-8")
    with pytest.raises(TextmineError, match="r.jsonl, ligne 2 : ligne de plus de 50 millions"):
        ingest(Store(tmp_path / "ws.sqlite"), [path], "c")


def test_an_encoding_change_after_the_sample_is_reported(tmp_path: Path, monkeypatch) -> None:
    from textmine.ingest import delimited

    monkeypatch.setattr(delimited, "read_head", lambda path: path.read_bytes()[:30])
    path = tmp_path / "r.csv"
    path.write_bytes("texte\nUne première réponse\n".encode() + "Une réponse en cp1252\n".encode("cp1252"))
    with pytest.raises(TextmineError, match=r"r.csv, ligne 3 : encodage incohérent \(détecté : utf-8, d.après le début du fichier\)"):
        ingest(Store(tmp_path / "ws.sqlite"), [path], "c")


def test_readers_are_not_blocked_while_a_writer_works(tmp_path: Path) -> None:
    """The app reads while an ingest or a training run writes (WAL)."""
    writer = Store(tmp_path / "ws.sqlite")
    ingest(writer, [write_csv(tmp_path / "r.csv")], "c")
    reader = Store(tmp_path / "ws.sqlite", busy_timeout=0.1)
    with writer.writing() as conn:
        conn.execute("DELETE FROM documents")
        assert reader.corpus_info("c").documents == 3  # the reader sees the last committed state
        assert len(list(reader.documents("c"))) == 3
