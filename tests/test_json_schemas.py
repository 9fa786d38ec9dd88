"""Every ``--format json`` output has a published JSON Schema, and what the commands print matches it.

The outputs are read strictly (``NaN`` is not JSON) and checked against the
schemas shipped in ``textmine/data/schemas``, on the demo model, and for the
lexicometry commands on a small corpus with its analyses recorded once.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lexicometry_corpus import build, demo_tokens

from textmine.cli import build_parser, main
from textmine.exchange import schemas
from textmine.lexicometry.tokens import cache_path
from textmine.workspace import Workspace


def _strict_json(text: str):  # noqa: ANN202 - any JSON value
    def reject(constant: str) -> None:
        raise ValueError(f"{constant} n'est pas du JSON")

    return json.loads(text, parse_constant=reject)


def valid(name: str, out: str):  # noqa: ANN201 - any JSON value
    """The output of command ``name``, parsed and checked against its schema."""
    data = _strict_json(out)
    validator = Draft202012Validator(schemas.load(name), format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))} : {e.message}" for e in validator.iter_errors(data)]
    assert not errors, "\n".join(errors[:10])
    return data


def _json_commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    """Every command (sub-commands joined with « - ») with a --format option that offers json."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _json_commands(sub, (*prefix, name))
        elif "--format" in action.option_strings and "json" in (action.choices or ()):
            yield "-".join(prefix)


def _schema_nodes(node) -> Iterator[dict]:  # noqa: ANN001
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _schema_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_nodes(value)


def _description(schema: dict, node: dict) -> str | None:
    """A node's description, or that of the definition it refers to (« #/$defs/… »)."""
    if "$ref" in node and "description" not in node:
        node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node.get("description")


def test_every_json_output_has_a_schema_and_every_schema_a_command() -> None:
    assert sorted(set(_json_commands(build_parser()))) == schemas.names()
    assert schemas.names() == ["analyses", "corpora", "kwic", "models", "quotes", "reinert-profil",
                               "sentiment-summary", "similitudes", "specificites", "stats", "topics"]


@pytest.mark.parametrize("name", schemas.names())
def test_each_schema_is_valid_closed_and_described(name: str) -> None:
    schema = schemas.load(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:textmine:schema:{name}:1"
    assert schema["title"] == f"textmine {name} --format json" and schema["description"]
    for node in _schema_nodes(schema):
        if "properties" in node:
            undescribed = [key for key, sub in node["properties"].items() if not _description(schema, sub)]
            assert not undescribed, f"propriétés sans description : {undescribed}"
            assert "additionalProperties" in node, f"objet ni fermé ni ouvert : {list(node['properties'])}"
        if node.get("type") == "object" and "required" in node:
            assert set(node["required"]) <= set(node.get("properties", {}))


def test_schema_files_ship_with_the_package_and_print_through_the_command(cli) -> None:
    assert schemas.path("quotes").parent.parts[-3:] == ("textmine", "data", "schemas")
    status, out, _ = cli("schema", "quotes")
    assert status == 0 and out == schemas.path("quotes").read_text(encoding="utf-8")
    status, out, _ = cli("schema")
    assert status == 0 and out.splitlines()[0].split() == ["commande", "schéma", "JSON"]
    assert [line.split()[0] for line in out.splitlines()[1:]] == schemas.names()
    status, out, err = cli("schema", "train")
    assert (status, out) == (1, "")
    assert err == ("Erreur : Schéma « train » inconnu. Schémas : analyses, corpora, kwic, models, quotes, "
                   "reinert-profil, sentiment-summary, similitudes, specificites, stats, topics.\n")


def _first_topic(cli) -> int:  # noqa: ANN001
    return _strict_json(cli("topics", "--model", "demo", "--format", "json")[1])[0]["topic"]


def test_quotes_json_by_topic_query_and_pseudonymised(cli, demo_copy) -> None:
    topic = _first_topic(cli)
    status, out, err = cli("quotes", "--model", "demo", "--topic", topic, "--n", "3", "--format", "json")
    assert status == 0, err
    pack = valid("quotes", out)
    (section,) = pack["sections"]
    assert pack["titre"] == "Citations par thème — demo" and pack["pseudonymise"] is False
    assert len(section["citations"]) == 3 and section["termes"]
    for quote in section["citations"]:
        assert quote["citation"] == f"« {quote['texte']} » — {quote['source']['reference']}"
    validator = Draft202012Validator(schemas.load("quotes"))
    section["citations"][0]["sujet"] = topic  # drift: a key the schema does not document
    assert not validator.is_valid(pack)
    del section["citations"][0]["sujet"], section["citations"][0]["source"]["document_id"]
    assert not validator.is_valid(pack)

    status, out, _ = cli("quotes", "--model", "demo", "--topic", "tous", "--n", "1", "--format", "json")
    pack = valid("quotes", out)
    assert status == 0 and len(pack["sections"]) == len(_strict_json(cli("topics", "--model", "demo",
                                                                          "--format", "json")[1]))

    status, out, _ = cli("quotes", "--model", "demo", "--query", "reporting", "--n", "2", "--format", "json")
    pack = valid("quotes", out)
    (section,) = pack["sections"]
    assert status == 0 and section["titre"] == "Requête : « reporting »" and len(section["citations"]) == 2
    assert (section["definition"], section["termes"]) == (None, [])

    status, out, _ = cli("quotes", "--model", "demo", "--query", "Mme", "--n", "3", "--pseudonymise",
                         "--mask", "reporting", "--format", "json")
    pack = valid("quotes", out)
    texts = [q["texte"] for q in pack["sections"][0]["citations"]]
    assert status == 0 and pack["pseudonymise"] is True
    assert any("[Personne 1]" in t for t in texts) and not any("reporting" in t.lower() for t in texts)


def test_quotes_json_when_filters_leave_few_or_no_quotes(cli, demo_copy) -> None:
    status, out, err = cli("quotes", "--model", "demo", "--topic", "tous", "--n", "1", "--sentiment", "positif",
                           "--where", "organisme=CAF", "--format", "json")
    pack = valid("quotes", out)
    empty = [s["titre"] for s in pack["sections"] if not s["citations"]]
    assert status == 0 and empty and len(empty) < len(pack["sections"])
    assert err.count("Attention : Aucune citation trouvée pour le thème") == len(empty)

    status, out, err = cli("quotes", "--model", "demo", "--query", "reporting", "--where", "organisme=Nulle",
                           "--format", "json")
    assert (status, out) == (1, "")  # no half document on stdout: the reason, in one line, on stderr
    assert err.startswith("Erreur : Aucune citation trouvée") and err.count("\n") == 1


def test_topics_json_is_strict_json_with_and_without_by(cli, demo_copy) -> None:
    status, out, _ = cli("topics", "--model", "demo", "--format", "json")
    themes = valid("topics", out)
    assert status == 0 and "NaN" not in out
    assert any(t["codebook"] is None for t in themes) and any(t["codebook"] for t in themes)
    assert sum(t["segments"] for t in themes) <= _strict_json(cli("models", "--format", "json")[1])[0]["metrics"][
        "segments"]
    for column in ("annee", "organisme", "date"):
        status, out, err = cli("topics", "--model", "demo", "--by", column, "--format", "json")
        groups = valid("topics", out)
        assert status == 0, err
        assert groups and all(set(g) - {"value", "n"} <= {t["label"] for t in themes} | {"Sans thème"} for g in groups)


def _sentiment_examples(path: Path) -> Path:
    rows = [("C'est épuisant, on n'en peut plus.", "negatif"), ("Je suis à bout, tout va mal.", "negatif"),
            ("Nous sommes démoralisés et tristes.", "negatif"), ("Une vraie souffrance au travail.", "negatif"),
            ("Merci, l'équipe est formidable.", "positif"), ("Quelle joie de travailler ici !", "positif"),
            ("Nous sommes fiers de ce service.", "positif"), ("Une belle réussite collective.", "positif"),
            ("La réunion a lieu mardi.", "neutre"), ("Le dossier compte trois pages.", "neutre"),
            ("Le service ouvre à neuf heures.", "neutre"), ("Le formulaire est en ligne.", "neutre")]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("text", "label"), *((f"{t} ({i})", label) for i in (1, 2) for t, label in rows)])
    return path


def test_models_json_lists_theme_and_sentiment_models(cli, demo_copy, tmp_path: Path) -> None:
    status, _, err = cli("sentiment-train", _sentiment_examples(tmp_path / "tons.csv"), "--model", "tons")
    assert status == 0, err
    status, out, _ = cli("models", "--format", "json")
    demo, tons = valid("models", out)
    assert status == 0
    assert (demo["name"], demo["kind"], demo["corpus"], demo["published"]) == ("demo", "themes", "demo", True)
    assert demo["metrics"]["themes"] == len(_strict_json(cli("topics", "--model", "demo", "--format", "json")[1]))
    assert (tons["name"], tons["kind"], tons["corpus"], tons["published"]) == ("tons", "sentiment", None, False)
    assert tons["metrics"]["examples"] == 24 and tons["metrics"]["classes"] == {"negatif": 8, "positif": 8,
                                                                                 "neutre": 8}
    status, out, err = cli("models", "--compare", "demo", "demo", "--format", "json")
    assert (status, out, err) == (1, "", "Erreur : --compare s'affiche en tableau seulement : retirez --format json.\n")


def test_models_and_corpora_json_on_an_empty_workspace(cli) -> None:
    for command in ("models", "corpora"):
        status, out, _ = cli(command, "--format", "json")
        assert status == 0 and valid(command, out) == []


def test_sentiment_summary_json_by_theme_and_by_column(cli, demo_copy) -> None:
    status, out, _ = cli("sentiment-summary", "--model", "demo", "--format", "json")
    by_theme = valid("sentiment-summary", out)
    assert status == 0 and [g["score"] for g in by_theme] == sorted(g["score"] for g in by_theme)
    status, table, _ = cli("sentiment-summary", "--model", "demo")
    assert [line.split("  ")[0] for line in table.splitlines()[1:]] == [g["group"] for g in by_theme]
    for column in ("fonction", "annee"):
        status, out, err = cli("sentiment-summary", "--model", "demo", "--by", column, "--format", "json")
        assert status == 0, err
        assert valid("sentiment-summary", out)


def test_corpora_json(cli, demo_copy) -> None:
    status, out, _ = cli("corpora", "--format", "json")
    (corpus,) = valid("corpora", out)
    assert status == 0 and corpus["name"] == "demo" and corpus["columns"]["annee"] == "entier"


def test_kwic_json_with_a_corpus_or_a_model(cli, demo_copy, tmp_path: Path) -> None:
    status, out, _ = cli("kwic", "reporting", "--corpus", "demo", "--limit", "3", "--format", "json")
    result = valid("kwic", out)
    assert status == 0 and result["terme"] == "reporting" and len(result["lignes"]) == 3
    assert result["total"] >= 3 and result["partiel"] is False
    assert all(line["occurrence"].lower() == "reporting" and line["theme"] is None for line in result["lignes"])

    status, out, _ = cli("kwic", "dossier", "--model", "demo", "--lemma", "--limit", "2", "--format", "json")
    result = valid("kwic", out)
    assert status == 0 and all(line["theme"] and line["ton"] for line in result["lignes"])

    status, out, _ = cli("kwic", "reporting", "--corpus", "demo", "--format", "json", "--out", tmp_path / "k.json")
    assert status == 0 and valid("kwic", (tmp_path / "k.json").read_text(encoding="utf-8"))["total"] >= 3


# -- lexicometry: stats, specificites, similitudes, reinert-profil, analyses ----------------------------


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory) -> Workspace:
    """The small lexicometry corpus « petit » with one recorded run of each kind, built once for the module."""
    workspace = build(tmp_path_factory.mktemp("lexique") / "espace")
    runs = [("reinert", "--corpus", "petit", "--name", "r", "--k", "3", "--segment-words", "20"),
            ("specificites", "--corpus", "petit", "--by", "organisme", "--name", "orgs"),
            ("similitudes", "--corpus", "petit", "--index", "jaccard", "--keep", "reporting", "--name", "simi")]
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        patch.setenv("TEXTMINE_HOME", str(workspace.home))
        for run in runs:
            assert main(list(run)) == 0, run
    return workspace


@pytest.fixture
def lexi(lexicon: Workspace, cli, monkeypatch):  # noqa: ANN001, ANN201
    """``cli`` on the small corpus (its recorded runs must not be changed)."""
    monkeypatch.setenv("TEXTMINE_HOME", str(lexicon.home))
    return cli


def test_stats_json_whole_corpus_and_by_column(lexi) -> None:
    status, out, _ = lexi("stats", "--corpus", "petit", "--top", "3", "--format", "json")
    stats = valid("stats", out)
    assert status == 0 and (stats["corpus"], stats["by"]) == ("petit", None)
    (whole,) = stats["summary"]
    assert whole["group"] == "ensemble" and whole["documents"] == 18
    assert len(stats["forms"]) == len(stats["lemmas"]) == 3
    status, out, _ = lexi("stats", "--corpus", "petit", "--by", "annee", "--format", "json")
    stats = valid("stats", out)
    assert status == 0 and [g["group"] for g in stats["summary"]] == ["ensemble", "2021", "2022", "2023"]
    assert sum(g["occurrences"] for g in stats["summary"][1:]) == stats["summary"][0]["occurrences"]


def test_specificites_json_by_column(lexi) -> None:
    status, out, _ = lexi("specificites", "--corpus", "petit", "--by", "organisme", "--n", "2", "--format", "json")
    result = valid("specificites", out)
    assert status == 0 and (result["by"], result["model"], result["method"]) == ("organisme", None, "lafon")
    assert {t["part"] for t in result["terms"]} == {"CAF", "CPAM", "Urssaf"} and result["values"] == []
    best = max((t for t in result["terms"] if t["part"] == "CAF"), key=lambda t: t["score"])
    assert best["term"] == "reporting" and best["label"] is None
    status, csv_out, _ = lexi("specificites", "--corpus", "petit", "--by", "organisme", "--n", "2", "--format", "csv")
    assert csv_out.splitlines()[0] == "part,term,count,total,expected,score"  # the CSV keeps its columns
    assert len(csv_out.splitlines()) == len(result["terms"]) + 1
    status, out, _ = lexi("specificites", "--corpus", "petit", "--by", "annee", "--method", "chi2", "--unit",
                          "forme", "--format", "json")
    assert status == 0 and {t["part"] for t in valid("specificites", out)["terms"]} == {"2021", "2022", "2023"}


def test_similitudes_json(lexi) -> None:
    status, out, _ = lexi("similitudes", "--corpus", "petit", "--unit", "segments", "--format", "json")
    result = valid("similitudes", out)
    assert status == 0 and (result["index"], result["unit"], result["theme"]) == ("cooccurrence", "segments", None)
    forms = {n["form"] for n in result["nodes"]}
    assert {e["source"] for e in result["edges"]} | {e["target"] for e in result["edges"]} == forms
    assert len(result["edges"]) < len(forms)  # a tree, or a forest: never a cycle
    assert all(e["weight"] == int(e["weight"]) <= result["units"] for e in result["edges"])


def test_reinert_profil_json(lexi) -> None:
    status, out, _ = lexi("reinert-profil", "--name", "r", "--n", "3", "--segments", "1", "--format", "json")
    profile = valid("reinert-profil", out)
    assert status == 0 and profile["analyse"] == "r" and len(profile["classes"]) >= 2
    assert sum(c["part"] for c in profile["classes"]) == pytest.approx(1)
    assert any(v["variable"] == "organisme" for c in profile["classes"] for v in c["variables"])
    status, out, _ = lexi("reinert-profil", "--name", "r", "--classe", "1", "--format", "json")
    (classe,) = valid("reinert-profil", out)["classes"]
    assert status == 0 and classe["classe"] == 1 and classe["segments_caracteristiques"][0]["reference"]


def test_analyses_json_lists_each_kind(lexi, cli, monkeypatch, tmp_path: Path) -> None:
    status, out, _ = lexi("analyses", "--format", "json")
    runs = valid("analyses", out)
    assert status == 0 and sorted((r["kind"], r["name"]) for r in runs) == [
        ("reinert", "r"), ("similitudes", "simi"), ("specificites", "orgs")]
    assert all(r["corpus"] == "petit" and r["command"][:2] == ["textmine", r["kind"]] for r in runs)
    status, out, _ = lexi("analyses", "--kind", "similitudes", "--format", "json")
    (simi,) = valid("analyses", out)
    assert simi["params"]["keep"] == ["reporting"] and simi["params"]["index"] == "jaccard"
    drifted = [{**simi, "params": {**simi["params"], "seuil": 2}}]  # a parameter the schema does not document
    assert not Draft202012Validator(schemas.load("analyses")).is_valid(drifted)
    monkeypatch.setenv("TEXTMINE_HOME", str(tmp_path / "vide"))
    status, out, _ = cli("analyses", "--format", "json")
    assert status == 0 and valid("analyses", out) == []


def test_specificites_and_similitudes_json_by_theme(cli, demo_copy, demo_workspace) -> None:
    path = cache_path(demo_copy, "demo")
    path.parent.mkdir(parents=True, exist_ok=True)
    demo_tokens(demo_workspace).to_parquet(path)  # what corpus_tokens would compute, without running spaCy again
    themes = {t["topic"]: t["label"] for t in _strict_json(cli("topics", "--model", "demo", "--format", "json")[1])}
    status, out, err = cli("specificites", "--corpus", "demo", "--model", "demo", "--n", "2", "--format", "json")
    result = valid("specificites", out)
    assert status == 0, err
    assert result["model"] == "demo" and result["terms"] and result["values"]
    assert all(themes[int(t["part"])] == t["label"] for t in result["terms"] + result["values"])
    topic = next(iter(themes))
    status, out, err = cli("similitudes", "--corpus", "demo", "--model", "demo", "--theme", topic, "--format", "json")
    result = valid("similitudes", out)
    assert status == 0, err
    assert (result["model"], result["theme"]) == ("demo", topic)
