"""The ``report`` command: a study report of a model, in Word (.docx) or as a web page (.html)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..workspace import Workspace
from ._common import positive_int


def file_size(size: int) -> str:
    """« 620 ko », « 1,2 Mo »."""
    if size < 1000 * 1000:
        return f"{max(1, round(size / 1000))} ko"
    return f"{size / 1e6:.1f} Mo".replace(".", ",")


def cmd_report(args: argparse.Namespace) -> int:
    from ..quotes.index import load_index
    from ..quotes.pseudonymise import Pseudonymiser
    from ..report import check_output, gather, save

    out = Path(args.out)
    fmt = check_output(out)  # before any work: a bad path fails at once
    index = load_index(Workspace.from_env(), args.model)
    report = gather(index, args.pseudonymise, args.n, args.by, Pseudonymiser(args.mask or ()))
    path = save(report, out)
    print(
        f"Rapport écrit dans {path} ({fmt.upper()}, {file_size(path.stat().st_size)}) : {report.sections} sections "
        f"dont {len(report.themes)} thèmes, citations "
        + ("pseudonymisées." if report.pseudonymised else "non pseudonymisées.")
    )
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "report",
        help="rapport d'étude d'un modèle (Word ou page web)",
        description="Écrit le rapport d'étude d'un modèle : méthode, synthèse des thèmes avec graphiques, puis une "
        "section par thème (définition, mots-clés, répartition, citations avec leur source). Les citations sont "
        "pseudonymisées sauf avec --no-pseudonymise.",
    )
    parser.add_argument("--model", required=True, help="nom du modèle")
    parser.add_argument("--out", required=True, metavar="FICHIER", help="fichier à écrire : .docx (Word) ou .html")
    parser.add_argument("--pseudonymise", action=argparse.BooleanOptionalAction, default=True,
                        help="remplace noms, courriels, téléphones, NIR et adresses par des marques (par défaut : oui)")
    parser.add_argument("--n", type=positive_int, default=5, metavar="N",
                        help="citations par thème, de 1 à 50 (5 par défaut)")
    parser.add_argument("--by", metavar="COLONNE",
                        help="colonne de métadonnées de la répartition des thèmes (par défaut : organisme, "
                        "sinon la première colonne à plusieurs valeurs)")
    parser.add_argument("--mask", action="append", metavar="TERME",
                        help="terme de plus à masquer quand le rapport est pseudonymisé (répétable)")
    parser.set_defaults(handler=cmd_report)
