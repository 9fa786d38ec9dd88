"""Lexicometry commands: stats, specificites, similitudes, analyses; and ``textmine export iramuteq``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ..errors import TextmineError
from ..exchange import schemas
from ..workspace import Workspace
from ._common import positive_int, stage_printer, table


def _progress():  # noqa: ANN202
    return stage_printer() if sys.stderr.isatty() else None


def _number(value) -> str:  # noqa: ANN001
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(",.").replace(".", ",") if value != int(value) else str(int(value))
    return str(value)


def _print_frame(frame: pd.DataFrame, fmt: str, titles: dict[str, str] | None = None) -> None:
    """A result in the chosen format: aligned French table or CSV."""
    if fmt == "csv":
        print(frame.to_csv(index=False), end="")
        return
    titles = titles or {}
    rows = [[titles.get(c, c) for c in frame.columns]]
    rows += [[_number(v) for v in row] for row in frame.itertuples(index=False)]
    numeric = {i for i, c in enumerate(frame.columns) if pd.api.types.is_numeric_dtype(frame[c])}
    print(table(rows, numeric))


def _command(args: argparse.Namespace, name: str, options: list[tuple[str, object]]) -> list[str]:
    """The command line that reproduces a run (recorded with it)."""
    command = ["textmine", name, "--corpus", args.corpus]
    for flag, value in options:
        if value is True:
            command.append(flag)
        elif value not in (None, False):
            command += [flag, str(value)]
    return command + ["--name", args.name, "--replace"]


# -- stats ---------------------------------------------------------------------


def cmd_stats(args: argparse.Namespace) -> int:
    from ..lexicometry.stats import TITLES, lexical_stats

    stats = lexical_stats(Workspace.from_env(), args.corpus, args.by, top=args.top, progress=_progress())
    if args.format == "json":
        print(schemas.dumps({"corpus": stats.corpus, "by": stats.by,
                             "summary": stats.summary.to_dict(orient="records"),
                             "forms": stats.forms.to_dict(orient="records"),
                             "lemmas": stats.lemmas.to_dict(orient="records")}))
        return 0
    if args.format == "csv":
        _print_frame(stats.summary, "csv")
        return 0
    _print_frame(stats.summary, "table", TITLES)
    print(f"\nFormes les plus fréquentes ({len(stats.forms)}) :")
    _print_frame(stats.forms, "table", TITLES)
    return 0


# -- specificites ---------------------------------------------------------------


def cmd_specificites(args: argparse.Namespace) -> int:
    from ..lexicometry import specificities as spec
    from ..lexicometry.runs import save_run

    if not args.by and not args.model:
        raise TextmineError("Indiquez la colonne à comparer (--by COLONNE) ou un modèle de thèmes (--model NOM).")
    unit = spec.UNIT_COLUMNS[args.unit]
    workspace = Workspace.from_env()
    if args.model:
        words, values = spec.theme_specificities(workspace, args.model, args.method, unit, args.min_freq, args.n,
                                                 columns=[args.by] if args.by else None, progress=_progress())
        _check_model_corpus(workspace, args.model, args.corpus)
    else:
        result = spec.column_specificities(workspace, args.corpus, args.by, args.method, unit, args.min_freq,
                                           args.n, progress=_progress())
        words, values = result.top, pd.DataFrame()
    if args.name:
        params = {"by": args.by, "model": args.model, "method": args.method, "unit": args.unit,
                  "min_freq": args.min_freq, "n": args.n}
        command = _command(args, "specificites", [("--by", args.by), ("--model", args.model),
                                                  ("--method", args.method), ("--unit", args.unit),
                                                  ("--min-freq", args.min_freq), ("--n", args.n)])

        def write(folder: Path) -> dict:
            words.to_csv(folder / "termes.csv", index=False)
            if not values.empty:
                values.to_csv(folder / "modalites.csv", index=False)
            return {"parts": int(words["part"].nunique()), "rows": int(len(words))}

        save_run(workspace, "specificites", args.name, args.corpus, params, command, write, replace=args.replace)
    if args.format == "json":  # one document: the terms and, with --model, the metadata values of each theme
        terms = words if args.model else words.assign(label=None)[["part", "label", *words.columns[1:]]]
        print(schemas.dumps({"corpus": args.corpus, "by": args.by, "model": args.model, "method": args.method,
                             "unit": args.unit, "terms": terms.to_dict(orient="records"),
                             "values": values.to_dict(orient="records")}))
    else:
        _print_frame(words, args.format, TITLES)
    if not values.empty and args.format == "table":
        print("\nModalités caractéristiques :")
        _print_frame(values, "table", TITLES)
    if args.name:
        print(f"Analyse « {args.name} » enregistrée (textmine analyses).", file=sys.stderr)
    return 0


def _check_model_corpus(workspace: Workspace, model: str, corpus: str) -> None:
    from ..themes.model import TrainedModel
    from ..themes.registry import Registry

    trained = TrainedModel.load(Registry(workspace.models_dir), model)
    if trained.corpus != corpus:
        raise TextmineError(f"Le modèle « {model} » a été entraîné sur le corpus « {trained.corpus} », "
                            f"pas sur « {corpus} ».")


TITLES = {"part": "partie", "label": "thème", "term": "terme", "count": "effectif", "total": "total",
          "expected": "attendu", "score": "score", "variable": "variable", "value": "modalité",
          "source": "forme 1", "target": "forme 2", "weight": "poids", "form": "forme", "frequency": "fréquence",
          "units": "unités", "community": "communauté"}


# -- similitudes ----------------------------------------------------------------


def cmd_similitudes(args: argparse.Namespace) -> int:
    from ..lexicometry.runs import save_run
    from ..lexicometry.similitudes import corpus_similitudes

    if args.theme is not None and not args.model:
        raise TextmineError("--theme demande le modèle qui définit les thèmes : ajoutez --model NOM.")
    workspace = Workspace.from_env()
    result = corpus_similitudes(workspace, args.corpus, args.index, args.unit, args.min_freq, args.max_forms,
                                keep=args.keep or (), drop=args.drop or (), model=args.model, theme=args.theme,
                                progress=_progress())
    if args.name:
        params = {"index": args.index, "unit": args.unit, "min_freq": args.min_freq, "max_forms": args.max_forms,
                  "keep": args.keep or [], "drop": args.drop or [], "model": args.model, "theme": args.theme}
        options = [("--index", args.index), ("--unit", args.unit), ("--min-freq", args.min_freq),
                   ("--max-forms", args.max_forms), ("--model", args.model), ("--theme", args.theme)]
        options += [("--keep", k) for k in args.keep or []] + [("--drop", d) for d in args.drop or []]
        command = _command(args, "similitudes", options)

        def write(folder: Path) -> dict:
            result.nodes.to_csv(folder / "noeuds.csv", index=False)
            result.edges.to_csv(folder / "liens.csv", index=False)
            return {"forms": int(len(result.nodes)), "links": int(len(result.edges)), "units": result.units,
                    "communities": int(result.nodes["community"].nunique())}

        save_run(workspace, "similitudes", args.name, args.corpus, params, command, write, replace=args.replace)
    if args.format == "json":
        print(schemas.dumps({"corpus": args.corpus, "model": args.model, "theme": args.theme, "index": args.index,
                             "unit": args.unit, "units": result.units,
                             "nodes": result.nodes.to_dict(orient="records"),
                             "edges": result.edges.to_dict(orient="records")}))
        return 0
    if args.format == "csv":
        _print_frame(result.edges, "csv")
        return 0
    print(f"{len(result.nodes)} formes, {len(result.edges)} liens de l'arbre maximum, "
          f"{result.nodes['community'].nunique()} communautés ({result.units} {args.unit}).")
    _print_frame(result.edges, "table", TITLES)
    print("\nCommunautés :")
    for community, group in result.nodes.groupby("community"):
        print(f"  {community} : {', '.join(group['form'])}")
    if args.name:
        print(f"Analyse « {args.name} » enregistrée (textmine analyses).", file=sys.stderr)
    return 0


# -- analyses -------------------------------------------------------------------


def cmd_analyses(args: argparse.Namespace) -> int:
    from ..lexicometry.runs import KINDS, list_runs

    runs = list_runs(Workspace.from_env(), args.kind)
    if args.format == "json":
        print(schemas.dumps([{"kind": r.kind, "name": r.name, "corpus": r.corpus, "params": r.params,
                              "created_at": r.created_at, "command": r.command} for r in runs]))
        return 0
    if not runs:
        print("Aucune analyse enregistrée (ajoutez --name NOM à textmine specificites, similitudes ou reinert).")
        return 0
    rows = [["type", "nom", "corpus", "paramètres", "date", "commande"]]
    for r in runs:
        params = ", ".join(f"{k}={v}" for k, v in r.params.items() if v not in (None, [], ""))
        rows.append([KINDS.get(r.kind, r.kind), r.name, r.corpus, params, r.created_at[:16].replace("T", " "),
                     " ".join(r.command)])
    print(table(rows, set()))
    return 0


def register(commands) -> None:  # noqa: ANN001 - argparse's subparsers action
    """Add ``stats``, ``specificites``, ``similitudes`` and ``analyses`` to the ``textmine`` parser."""
    from ..lexicometry.runs import KINDS
    from ..lexicometry.similitudes import INDEXES, UNITS
    from ..lexicometry.specificities import METHODS, UNIT_COLUMNS

    p = commands.add_parser("stats", prog="textmine stats", help="statistiques lexicales d'un corpus",
                            description="Occurrences, formes, lemmes, hapax et longueur moyenne, pour le corpus "
                            "et par modalité d'une colonne ; formes les plus fréquentes avec leur catégorie.")
    p.add_argument("--corpus", required=True, metavar="NOM", help="corpus")
    p.add_argument("--by", metavar="COLONNE", help="une ligne par modalité de cette colonne de métadonnées")
    p.add_argument("--top", type=positive_int, default=30, metavar="N", help="formes fréquentes affichées (30)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="format de sortie")
    p.set_defaults(handler=cmd_stats)

    p = commands.add_parser("specificites", prog="textmine specificites",
                            help="spécificités des formes par modalité ou par thème",
                            description="Formes sur- et sous-représentées dans chaque modalité d'une colonne "
                            "(score de Lafon : −log10 de la probabilité hypergéométrique, négatif quand la forme "
                            "est sous-employée ; ou chi² signé), ou dans chaque thème d'un modèle.")
    p.add_argument("--corpus", required=True, metavar="NOM", help="corpus")
    p.add_argument("--by", metavar="COLONNE", help="colonne de métadonnées dont les modalités sont comparées")
    p.add_argument("--model", metavar="NOM", help="caractériser les thèmes de ce modèle (formes et modalités)")
    p.add_argument("--method", choices=METHODS, default="lafon", help="score (défaut lafon)")
    p.add_argument("--unit", choices=list(UNIT_COLUMNS), default="lemme", help="lemmes ou formes (défaut lemme)")
    p.add_argument("--min-freq", type=positive_int, default=3, metavar="N", help="fréquence minimale (3)")
    p.add_argument("--n", type=positive_int, default=20, metavar="N",
                   help="formes sur- et sous-représentées gardées par partie (20)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="format de sortie")
    p.add_argument("--name", metavar="ANALYSE", help="enregistre l'analyse sous ce nom")
    p.add_argument("--replace", action="store_true", help="remplace l'analyse de même nom")
    p.set_defaults(handler=cmd_specificites)

    p = commands.add_parser("similitudes", prog="textmine similitudes", help="analyse de similitudes",
                            description="Cooccurrences des formes actives dans les phrases ou les segments, "
                            "arbre maximum et communautés.")
    p.add_argument("--corpus", required=True, metavar="NOM", help="corpus")
    p.add_argument("--index", choices=INDEXES, default="cooccurrence", help="indice de lien (défaut cooccurrence)")
    p.add_argument("--unit", choices=UNITS, default="phrases", help="unité de cooccurrence (défaut phrases)")
    p.add_argument("--min-freq", type=positive_int, default=3, metavar="N", help="fréquence minimale (3)")
    p.add_argument("--max-forms", type=positive_int, default=100, metavar="N", help="formes au plus (100)")
    p.add_argument("--keep", action="append", metavar="FORME", help="forme active imposée (répétable)")
    p.add_argument("--drop", action="append", metavar="FORME", help="forme retirée (répétable)")
    p.add_argument("--model", metavar="NOM", help="modèle de thèmes (avec --theme)")
    p.add_argument("--theme", type=int, metavar="N", help="restreint aux segments de ce thème")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="format de sortie")
    p.add_argument("--name", metavar="ANALYSE", help="enregistre l'analyse sous ce nom")
    p.add_argument("--replace", action="store_true", help="remplace l'analyse de même nom")
    p.set_defaults(handler=cmd_similitudes)

    p = commands.add_parser("analyses", prog="textmine analyses", help="analyses lexicales enregistrées",
                            description="Liste les analyses enregistrées : type, corpus, paramètres, date et la "
                            "commande qui les refait.")
    p.add_argument("--kind", choices=list(KINDS), help="un seul type d'analyse")
    p.add_argument("--format", choices=["table", "json"], default="table", help="format de sortie")
    p.set_defaults(handler=cmd_analyses)


# -- export iramuteq ------------------------------------------------------------


def cmd_export_iramuteq(args: argparse.Namespace) -> int:
    from ..exchange.files import check_writable, replacing
    from ..exchange.iramuteq import iramuteq_bytes

    out = check_writable(Path(args.out))
    data = iramuteq_bytes(Workspace.from_env(), args.corpus, model=args.model, reinert=args.reinert)
    with replacing(out) as tmp:
        tmp.write_bytes(data)
    texts = data.count(b"\n**** ") + data.startswith(b"**** ")
    print(f"Corpus IRaMuTeQ « {args.corpus} » : {texts} textes écrits dans {out}.")
    return 0


def register_export(kinds) -> None:  # noqa: ANN001 - the subparsers of ``textmine export``
    """Add ``textmine export iramuteq``."""
    p = kinds.add_parser("iramuteq", prog="textmine export iramuteq", help="corpus IRaMuTeQ (texte UTF-8)",
                         description="Exporte un corpus au format IRaMuTeQ : chaque texte ouvert par une ligne "
                         "« **** *variable_modalite … », avec sur demande le thème (*theme_N) d'un modèle ou la "
                         "classe (*classe_N) d'une classification de Reinert.")
    p.add_argument("--corpus", required=True, metavar="NOM", help="corpus")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--model", metavar="NOM", help="ajoute le thème principal de chaque texte (*theme_N)")
    group.add_argument("--reinert", metavar="ANALYSE", help="ajoute la classe de Reinert de chaque texte (*classe_N)")
    p.add_argument("--out", required=True, metavar="FICHIER.txt", help="fichier à écrire")
    p.set_defaults(handler=cmd_export_iramuteq)
