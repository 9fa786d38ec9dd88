"""``textmine reinert`` and ``textmine reinert-profil``: Reinert classification (CHD) as IRaMuTeQ does it."""

from __future__ import annotations

import argparse
import csv
import sys

from ..exchange import schemas
from ..workspace import Workspace
from ._common import positive_int, stage_printer, table


def _number(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")


def _count(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def command_line(args: argparse.Namespace) -> list[str]:
    """The command that reproduces a run, every option written out."""
    command = ["textmine", "reinert", "--corpus", args.corpus, "--name", args.name, "--k", str(args.k)]
    if args.double:
        command.append("--double")
    for option in ("min_forms", "min_forms2"):
        if getattr(args, option) is not None:
            command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
    command += ["--segment-words", str(args.segment_words), "--min-freq", str(args.min_freq),
                "--min-split-members", str(args.min_split_members), "--min-class-size", str(args.min_class_size)]
    for option in ("keep", "drop"):
        for form in getattr(args, option):
            command += [f"--{option}", form]
    return command + (["--replace"] if args.replace else [])


def cmd_reinert(args: argparse.Namespace) -> int:
    from ..lexicometry.classification import ReinertOptions, run_reinert

    options = ReinertOptions(k=args.k, double=args.double, min_forms=args.min_forms, min_forms2=args.min_forms2,
                             segment_words=args.segment_words, min_freq=args.min_freq,
                             min_split_members=args.min_split_members, min_class_size=args.min_class_size,
                             keep=tuple(args.keep), drop=tuple(args.drop))
    progress = stage_printer() if sys.stderr.isatty() else None
    run = run_reinert(Workspace.from_env(), args.corpus, args.name, options, command_line(args),
                      replace=args.replace, progress=progress)
    summary = run.record["summary"]
    kind = "double" if args.double else "simple"
    print(f"Classification {kind} « {run.name} » du corpus « {run.corpus} » : {summary['k']} classes, "
          f"{_count(summary['segments'])} segments, {_count(summary['formes_actives'])} formes actives, "
          f"{_number(summary['secondes'])} s.")
    rows = [["classe", "segments", "part"]]
    rows += [[c, _count(n), f"{_number(100 * n / summary['segments'])} %"] for c, n in summary["classes"].items()]
    rows.append(["non classés", _count(summary["non_classes"]), f"{_number(100 * summary['part_non_classes'])} %"])
    print(table(rows, {1, 2}))
    for message in summary["messages"]:
        print(f"Attention : {message}", file=sys.stderr)
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    from ..lexicometry.classification import describe_classes

    classes = describe_classes(Workspace.from_env(), args.name, args.classe, n_forms=args.n, n_segments=args.segments)
    if args.format == "json":
        print(schemas.dumps({"analyse": args.name, "classes": classes}))
    elif args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["classe", "type", "forme_ou_variable", "modalite", "segments_classe", "chi2", "p"])
        for c in classes:
            writer.writerows([c["classe"], "forme", f["forme"], "", f["segments_classe"], f["chi2"], f"{f['p']:.3g}"]
                             for f in c["formes"])
            writer.writerows([c["classe"], "variable", v["variable"], v["modalite"], v["segments_classe"], v["chi2"],
                              f"{v['p']:.3g}"] for v in c["variables"])
    else:
        for c in classes:
            print(f"Classe {c['classe']} : {_count(c['segments'])} segments ({_number(100 * c['part'])} % des classés)")
            rows = [["forme", "segments", "chi2", "p"]]
            rows += [[f["forme"], _count(f["segments_classe"]), _number(f["chi2"], 2), f"{f['p']:.2g}"]
                     for f in c["formes"]]
            print(table(rows, {1, 2, 3}))
            if c["variables"]:
                rows = [["variable", "modalité", "segments", "chi2"]]
                rows += [[v["variable"], v["modalite"], _count(v["segments_classe"]), _number(v["chi2"], 2)]
                         for v in c["variables"]]
                print(table(rows, {2, 3}))
            for quote in c["segments_caracteristiques"]:
                print(f"  « {' '.join(quote['texte'].split())} » — {quote['reference']}")
            print()
    return 0


def register(commands) -> None:  # noqa: ANN001 - argparse's subparsers action
    """Add ``textmine reinert`` and ``textmine reinert-profil`` to the ``textmine`` parser."""
    p = commands.add_parser(
        "reinert", prog="textmine reinert", help="classification de Reinert (CHD) des segments d'un corpus",
        description="Classification descendante hiérarchique de Reinert, comme IRaMuTeQ : segments d'environ "
        "40 mots, tableau segments × formes actives, partitions successives au χ² maximal. La classification "
        "est enregistrée sous analyses/reinert/NOM avec ses paramètres et la commande qui la reproduit.",
    )
    p.add_argument("--corpus", required=True, metavar="NOM", help="corpus à classer")
    p.add_argument("--name", required=True, metavar="NOM", help="nom de l'analyse enregistrée")
    p.add_argument("--k", type=positive_int, default=10, metavar="N", help="nombre de classes terminales (défaut 10)")
    p.add_argument("--double", action="store_true",
                   help="classification double : croise deux classifications faites avec deux tailles d'unités")
    p.add_argument("--min-forms", type=int, default=None, metavar="N",
                   help="formes actives au moins par unité : les segments consécutifs d'un texte sont réunis "
                   "jusque-là (défaut 0 en simple, 10 en double)")
    p.add_argument("--min-forms2", type=int, default=None, metavar="N",
                   help="taille des unités de la seconde classification double (défaut --min-forms + 5)")
    p.add_argument("--segment-words", type=positive_int, default=40, metavar="N",
                   help="taille visée des segments, en mots (défaut 40)")
    p.add_argument("--min-freq", type=positive_int, default=3, metavar="N",
                   help="fréquence minimale d'une forme active (défaut 3)")
    p.add_argument("--min-split-members", type=positive_int, default=5, metavar="N",
                   help="une classe de moins de N unités n'est plus divisée (défaut 5)")
    p.add_argument("--min-class-size", type=int, default=0, metavar="N",
                   help="une classe terminale de moins de N segments est écartée, ses segments comptés non classés "
                   "(défaut 0 : automatique, 5 ou 1 %% des segments classés si c'est plus ; 1 : toutes gardées)")
    p.add_argument("--keep", action="append", default=[], metavar="FORME",
                   help="lemme ajouté aux formes actives quelle que soit sa fréquence (option répétable)")
    p.add_argument("--drop", action="append", default=[], metavar="FORME",
                   help="lemme retiré des formes actives (option répétable)")
    p.add_argument("--replace", action="store_true", help="remplace une analyse du même nom")
    p.set_defaults(handler=cmd_reinert)

    q = commands.add_parser(
        "reinert-profil", prog="textmine reinert-profil", help="profils des classes d'une classification de Reinert",
        description="Pour chaque classe : formes et modalités de métadonnées sur-représentées (χ² signé, p), "
        "et segments caractéristiques cités avec leur source.",
    )
    q.add_argument("--name", required=True, metavar="NOM", help="analyse de Reinert enregistrée")
    q.add_argument("--classe", type=positive_int, default=None, metavar="N", help="une seule classe")
    q.add_argument("--n", type=positive_int, default=15, metavar="N", help="formes et modalités par classe (défaut 15)")
    q.add_argument("--segments", type=int, default=3, metavar="N",
                   help="segments caractéristiques par classe (défaut 3)")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help="format de sortie (défaut table)")
    q.set_defaults(handler=cmd_profile)
