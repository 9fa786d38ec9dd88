"""``textmine export KIND``: one sub-command per file format other tools read.

Each kind registers its own options here; the modules of other command groups
add theirs through a ``register_export(kinds)`` function.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..workspace import Workspace
from . import exchange_commands, lexicometry_commands
from ._common import registry


def cmd_assignments(args: argparse.Namespace) -> int:
    from ..exchange.files import check_writable, write_csv
    from ..themes.model import TrainedModel, assignment_rows

    check_writable(Path(args.out))
    model = TrainedModel.load(registry(), args.model)
    header, rows = assignment_rows(model, Workspace.from_env().open_store())
    count = write_csv(Path(args.out), header, rows)
    print(f"{count} documents exportés dans {args.out}.")
    return 0


def register(commands) -> None:  # noqa: ANN001 - argparse's subparsers action
    """Add ``textmine export`` and its kinds to the ``textmine`` parser."""
    p = commands.add_parser(
        "export",
        prog="textmine export",
        help="exporte les résultats vers d'autres outils",
        description="Exporte les résultats d'un modèle ou d'un corpus dans un format que d'autres outils lisent.",
    )
    kinds = p.add_subparsers(dest="kind", title="formats", metavar="FORMAT", required=True)
    q = kinds.add_parser(
        "assignments",
        prog="textmine export assignments",
        help="affectations des documents (CSV)",
        description="Exporte les affectations : une ligne par document (id, thème, libellé, part, sentiment, "
        "métadonnées).",
    )
    q.add_argument("--model", required=True, metavar="NOM", help="modèle")
    q.add_argument("--out", required=True, metavar="FICHIER.csv", help="fichier CSV à écrire")
    q.set_defaults(handler=cmd_assignments)
    exchange_commands.register_export(kinds)
    lexicometry_commands.register_export(kinds)
