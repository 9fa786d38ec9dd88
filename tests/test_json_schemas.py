"""Every ``--format json`` output has a published JSON Schema, and what the commands print matches it.

The outputs are read strictly (``NaN`` is not JSON) and checked against the
schemas shipped in ``textmine/data/schemas``, on the demo model.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from textmine.cli import build_parser
from textmine.exchange import schemas


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
    assert schemas.names() == ["corpora", "kwic", "models", "quotes", "sentiment-summary", "topics"]


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
    assert err == ("Erreur : Schéma « train » inconnu. "
                   "Schémas : corpora, kwic, models, quotes, sentiment-summary, topics.\n")


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
