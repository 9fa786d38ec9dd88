"""Commands for authors: quotes, kwic (concordance), pseudonymise; and schema, the JSON Schemas of json outputs."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from ..errors import TextmineError
from ..workspace import Workspace
from ._common import positive_int, table

_TEXT_FORMATS = ("md", "csv", "json")


def _filters(args: argparse.Namespace):  # noqa: ANN202
    from ..quotes.filters import Filters

    return Filters.parse(args.sentiment or (), args.where or ())


def _pseudonymiser(args: argparse.Namespace):  # noqa: ANN202
    from ..quotes.pseudonymise import Pseudonymiser

    terms = list(args.mask or [])
    if getattr(args, "mask_file", None):
        path = Path(args.mask_file)
        if not path.is_file():
            raise TextmineError(f"Fichier de termes introuvable : {path}.")
        terms += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Pseudonymiser(terms)


def cmd_quotes(args: argparse.Namespace) -> int:
    from ..exchange.quote_pack import QuotePack, query_section, render, theme_section, write
    from ..quotes.index import load_index

    if (args.topic is None) == (args.query is None):
        raise TextmineError("Indiquez soit --topic ID (citations d'un thème), soit --query TEXTE (recherche).")
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "md")
    if not args.out and fmt not in _TEXT_FORMATS:
        raise TextmineError(f"Le format {fmt} s'écrit dans un fichier : ajoutez --out FICHIER.{fmt}.")
    index = load_index(Workspace.from_env(), args.model)
    filters = _filters(args)
    sections, messages = [], []
    if args.query is not None:
        section, result = query_section(index, args.query, args.n, filters, args.mode, args.per_document)
        sections.append(section)
        messages.append(result.message)
        title = f"Citations — {index.model.name}"
    else:
        topics = _topics(index, args.topic)
        for topic in topics:
            section, result = theme_section(index, topic, args.n, filters, args.per_document)
            sections.append(section)
            messages.append(result.message)
        title = f"Citations par thème — {index.model.name}"
    if not any(s.quotes for s in sections):
        raise TextmineError(next(m for m in messages if m))
    for message in messages:
        if message:
            print(f"Attention : {message}", file=sys.stderr)
    pack = QuotePack(title, sections)
    if args.pseudonymise:
        pack = pack.pseudonymise(_pseudonymiser(args))
    if args.out:
        path = write(pack, Path(args.out), fmt)
        count = sum(len(s.quotes) for s in sections)
        print(f"{count} citation(s) écrites dans {path}" + (" (pseudonymisées)." if args.pseudonymise else "."))
    else:
        sys.stdout.write(render(pack, fmt).decode("utf-8-sig"))
        sys.stdout.write("\n")
    return 0


def _topics(index, values: list[str]) -> list[int]:  # noqa: ANN001
    themes = [int(t) for t in index.model.themes()["topic"]]
    if any(v.lower() in ("tous", "all") for v in values):
        return themes
    topics = []
    for value in values:
        try:
            topics.append(int(value))
        except ValueError:
            raise TextmineError(f"--topic attend un numéro de thème (ou « tous »), pas « {value} ».") from None
    return topics


def cmd_kwic(args: argparse.Namespace) -> int:
    from ..quotes.index import load_index
    from ..quotes.kwic import concordance

    workspace = Workspace.from_env()
    filters = _filters(args)
    index = load_index(workspace, args.model) if args.model else None
    corpus = index.corpus if index else args.corpus
    if corpus is None:
        raise TextmineError("Indiquez le corpus (--corpus NOM) ou un modèle (--model NOM).")
    store = index.store if index else workspace.open_store()
    result = concordance(store, corpus, args.term, lemma=args.lemma, filters=filters, index=index,
                         topic=args.topic, width=args.width, limit=args.limit)
    if not result.lines:
        raise TextmineError(result.message)
    header = ["gauche", "occurrence", "droite", "citation", "document", "theme", "ton"]
    rows = [[line.left, line.match, line.right, line.citation.reference(), line.citation.document, line.theme,
             line.sentiment] for line in result.lines]
    if args.format == "txt":
        out = io.StringIO()
        for line in result.lines:
            out.write(f"{line.left[-args.width:]:>{args.width}} [{line.match}] {line.right[: args.width]}"
                      f"   ({line.citation.reference()})\n")
        found = f"au moins {result.total}" if result.partial else str(result.total)
        out.write(f"{len(result.lines)} ligne(s) affichée(s) sur {found} phrase(s) trouvée(s).\n")
        text = out.getvalue()
    elif args.format == "json":
        from ..exchange.schemas import dumps

        text = dumps({"terme": args.term, "total": result.total, "partiel": result.partial,
                      "lignes": [dict(zip(header, r)) for r in rows]}) + "\n"
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in r] for r in rows])
        text = out.getvalue()
    if args.out:
        from ..exchange.files import write_csv

        if args.format == "csv":
            write_csv(Path(args.out), header, rows)
        else:
            from ..exchange.files import check_writable

            check_writable(Path(args.out)).write_text(text, encoding="utf-8")
        print(f"{len(rows)} ligne(s) écrites dans {args.out}.")
    else:
        sys.stdout.write(text)
    return 0


def cmd_pseudonymise(args: argparse.Namespace) -> int:
    from ..exchange.files import check_new_file, write_csv
    from ..ingest.columns import find_column
    from ..ingest.delimited import read_delimited
    from ..ingest.sniff import check_file

    path = Path(args.file)
    check_file(path)
    check_new_file(path, Path(args.out))
    source = read_delimited(path)
    columns = [find_column(source.columns, c, path.name, "--text-column") for c in args.text_column]
    pseudonymiser = _pseudonymiser(args)

    def rows() -> Iterator[list]:
        while chunk := list(islice(source.rows, 256)):
            replaced = {c: pseudonymiser.replace_many([row.get(c) or "" for _, row in chunk]) for c in columns}
            for i, (_, row) in enumerate(chunk):
                yield [replaced[c][i] if c in replaced else row.get(c) for c in source.columns]

    count = write_csv(Path(args.out), source.columns, rows())
    found = ", ".join(f"{n} {kind}" for kind, n in sorted(pseudonymiser.counts().items()))
    found = found or "aucune donnée personnelle"
    print(f"{count} ligne{'s' * (count > 1)} pseudonymisée{'s' * (count > 1)} ({found}) : {args.out}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from ..exchange import schemas

    if args.name is None:
        rows = [("commande", "schéma JSON")] + [(name, str(schemas.path(name))) for name in schemas.names()]
        print(table(rows, numeric=set()))
    else:
        sys.stdout.write(schemas.path(args.name).read_text(encoding="utf-8"))
    return 0


def register(commands) -> None:  # noqa: ANN001 - argparse's subparsers action
    def add_filters(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--sentiment", action="append", metavar="TON",
                            help="garder ce ton : negatif, neutre ou positif (répétable)")
        parser.add_argument("--where", action="append", metavar="COLONNE=VALEUR",
                            help="garder les documents dont la colonne vaut cette valeur (répétable)")

    def add_masks(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--mask", action="append", metavar="TERME",
                            help="terme à masquer en plus des noms, coordonnées et numéros (répétable)")
        parser.add_argument("--mask-file", metavar="FICHIER", help="fichier texte : un terme à masquer par ligne")

    p = commands.add_parser("quotes", help="citations représentatives d'un thème ou réponses à une requête",
                            description="Citations prêtes à citer, avec leur source.")
    p.add_argument("--model", required=True, help="nom du modèle de thèmes")
    p.add_argument("--topic", action="append", metavar="ID", help="numéro du thème (répétable, ou « tous »)")
    p.add_argument("--query", metavar="TEXTE", help="question ou expression à chercher")
    p.add_argument("--n", type=positive_int, default=10, help="nombre de citations par thème (défaut 10)")
    p.add_argument("--per-document", type=positive_int, default=1, metavar="K",
                   help="au plus K citations d'un même document (défaut 1)")
    p.add_argument("--mode", choices=["hybride", "semantique", "lexical"], default="hybride",
                   help="recherche par le sens, par les mots, ou les deux (défaut)")
    add_filters(p)
    p.add_argument("--pseudonymise", action="store_true", help="remplacer noms, courriels, téléphones, NIR, adresses")
    add_masks(p)
    p.add_argument("--format", choices=["md", "csv", "json", "docx", "xlsx"],
                   help="format (défaut : extension de --out, sinon md)")
    p.add_argument("--out", metavar="FICHIER", help="fichier à écrire (sinon affichage)")
    p.set_defaults(handler=cmd_quotes)

    p = commands.add_parser("kwic", help="concordance : chaque occurrence d'un mot dans son contexte",
                            description="Concordance (mot en contexte) d'un mot, d'une expression ou d'un lemme.")
    p.add_argument("term", metavar="TERME", help="mot, expression (« perte de sens ») ou début de mot suivi de *")
    p.add_argument("--corpus", help="corpus où chercher")
    p.add_argument("--model", help="modèle du corpus (pour filtrer par thème ou par ton)")
    p.add_argument("--lemma", action="store_true", help="toutes les formes du mot (dossier, dossiers…)")
    p.add_argument("--topic", type=int, metavar="ID", help="seulement les phrases de ce thème (avec --model)")
    add_filters(p)
    p.add_argument("--width", type=positive_int, default=50, help="caractères de contexte de chaque côté (défaut 50)")
    p.add_argument("--limit", type=positive_int, default=100, help="nombre de lignes au plus (défaut 100)")
    p.add_argument("--format", choices=["txt", "csv", "json"], default="txt", help="format (défaut txt)")
    p.add_argument("--out", metavar="FICHIER", help="fichier à écrire (sinon affichage)")
    p.set_defaults(handler=cmd_kwic)

    p = commands.add_parser("pseudonymise", help="pseudonymiser une colonne de texte d'un fichier CSV",
                            description="Écrit une copie pseudonymisée d'un CSV ; l'original n'est pas modifié.")
    p.add_argument("file", metavar="FICHIER.csv")
    p.add_argument("--text-column", action="append", required=True, metavar="COLONNE",
                   help="colonne à pseudonymiser (répétable)")
    p.add_argument("--out", required=True, metavar="FICHIER.csv", help="copie pseudonymisée à écrire")
    add_masks(p)
    p.set_defaults(handler=cmd_pseudonymise)

    p = commands.add_parser("schema", help="schéma JSON d'une sortie --format json",
                            description="Affiche le schéma JSON (draft 2020-12) de la sortie --format json d'une "
                            "commande, ou, sans NOM, la liste des schémas et de leurs fichiers.")
    p.add_argument("name", nargs="?", metavar="NOM", help="commande : quotes, topics, models, corpora…")
    p.set_defaults(handler=cmd_schema)
