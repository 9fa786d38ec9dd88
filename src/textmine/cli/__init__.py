"""The ``textmine`` command: thin French commands over the library.

Each command parses its arguments, calls one library function and prints the
result. User errors end in one French line on stderr and a non-zero exit.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import TextmineError
from . import (
    corpus_commands,
    exchange_commands,
    export_commands,
    lexicometry_commands,
    model_commands,
    quote_commands,
    reinert_commands,
    report_commands,
    sentiment_commands,
)
from ._common import FrenchParser


def build_parser() -> FrenchParser:
    parser = FrenchParser(
        prog="textmine",
        description="Fouille de textes : témoignages, enquêtes et rapports sur le travail "
        "dans la protection sociale. L'espace de travail est le dossier courant, ou celui "
        "que nomme la variable TEXTMINE_HOME.",
    )
    parser.add_argument(
        "--version", action="version", version=f"textmine {__version__}", help="affiche la version et quitte"
    )
    commands = parser.add_subparsers(dest="command", title="commandes", metavar="COMMANDE")
    corpus_commands.register(commands)
    model_commands.register(commands)
    sentiment_commands.register(commands)
    quote_commands.register(commands)
    export_commands.register(commands)
    reinert_commands.register(commands)
    lexicometry_commands.register(commands)
    exchange_commands.register(commands)
    report_commands.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``textmine`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        return args.handler(args)
    except TextmineError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into « head » and the like
        return 0
    except KeyboardInterrupt:
        print("Interrompu : l'opération en cours n'a rien enregistré.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
