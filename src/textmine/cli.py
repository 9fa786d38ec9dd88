"""The ``textmine`` command: thin French commands over the library.

Each command parses its arguments, calls one library function and prints the
result. User errors end in one French line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from . import __version__
from .errors import TextmineError
from .ingest import SUPPORTED, ingest
from .store import Store
from .workspace import Workspace

_ARGPARSE_FR: list[tuple[str, str]] = [
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)", r"argument \1 : choix invalide \2 (choix possibles : \3)"),
    (r"argument (.*?): expected one argument", r"argument \1 : une valeur est attendue"),
    (r"argument (.*?): expected at least one argument", r"argument \1 : au moins une valeur est attendue"),
    (r"argument (.*?): invalid (\w+) value: (.*)", r"argument \1 : valeur invalide \3"),
    (r"argument (.*?): not allowed with argument (.*)", r"argument \1 : incompatible avec \2"),
    (r"one of the arguments (.*) is required", r"un des arguments \1 est obligatoire"),
    (r"ambiguous option: (.*?) could match (.*)", r"option ambiguë : \1 (possibilités : \2)"),
    (r"argument (.*?): (.*)", r"argument \1 : \2"),  # our own ArgumentTypeError messages
]


class _FrenchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001 - argparse API
        return super().add_usage(usage, actions, groups, prefix or "utilisation : ")


class _Parser(argparse.ArgumentParser):
    """ArgumentParser speaking French, with one-line errors."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - argparse API
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("formatter_class", _FrenchHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")

    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, replacement in _ARGPARSE_FR:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, replacement, message)
                break
        self.exit(2, f"Erreur : {message} (voir « {self.prog} --help »).\n")


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas de la forme clé=valeur")
    return key.strip(), value.strip()


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"port invalide « {text} » (de 1 à 65535)")
    return int(text)


def _workspace_store():
    return Workspace.from_env().open_store()


# -- commands ---------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace) -> int:
    store = _workspace_store()
    progress = _progress_printer() if sys.stderr.isatty() else None
    report = ingest(
        store,
        args.paths,
        args.corpus,
        text_column=args.text_column,
        id_column=args.id_column,
        sheet=args.sheet,
        metadata=dict(args.meta or []),
        progress=progress,
    )
    if progress:
        print(file=sys.stderr)
    print("\n".join(report.summary_lines()))
    return 0


def cmd_corpora(args: argparse.Namespace) -> int:
    corpora = _workspace_store().list_corpora()
    if args.format == "json":
        print(json.dumps([asdict(c) for c in corpora], ensure_ascii=False, indent=2))
        return 0
    if not corpora:
        print("Aucun corpus dans cet espace de travail. Importez des fichiers avec « textmine ingest ».")
        return 0
    rows = [("corpus", "documents", "sans contenu", "fichiers", "métadonnées")]
    rows += [
        (c.name, str(c.documents), str(c.boilerplate), str(c.files), ", ".join(c.columns))
        for c in corpora
    ]
    print(_table(rows, numeric={1, 2, 3}))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import ingest_demo

    store = _workspace_store()
    print("\n".join(ingest_demo(store).summary_lines()))
    print()
    print("\n".join(describe_corpus_lines(store, "demo")))
    return 0


def describe_corpus_lines(store: Store, name: str) -> list[str]:
    info = store.corpus_info(name)
    lines = [
        f"Corpus « {info.name} » : {info.documents} documents issus de {info.files} fichiers "
        f"({info.boilerplate} réponses sans contenu signalées)."
    ]
    for column in store.column_summaries(name):
        if column.type in ("entier", "décimal", "date"):
            shown = f"de {column.minimum} à {column.maximum}"
        else:
            shown = ", ".join(f"{value} ({n})" for value, n in column.top)
            if column.distinct > len(column.top):
                shown += f"… ({column.distinct} valeurs)"
        lines.append(f"  {column.name} [{column.type}, {column.documents} documents] : {shown}")
    return lines


def _table(rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _progress_printer() -> Callable[[int], None]:
    def show(n: int) -> None:
        print(f"\r{n:,} documents lus…".replace(",", "\u202f"), end="", file=sys.stderr, flush=True)

    return show


def cmd_app(args: argparse.Namespace) -> int:
    from .errors import NotFoundError

    app = Path(__file__).resolve().parents[2] / "app.py"
    if not app.is_file():
        raise NotFoundError(
            f"Application introuvable ({app}) : installez textmine depuis son dépôt (pip install -e .)."
        )
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(args.port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]
    print(f"Application textmine : http://localhost:{args.port} (Ctrl+C pour arrêter)", flush=True)
    os.execv(sys.executable, command)
    return 0  # not reached: execv replaces this process


# -- parser -----------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="textmine",
        description="Fouille de textes : témoignages, enquêtes et rapports sur le travail "
        "dans la protection sociale. L'espace de travail est le dossier courant, ou celui "
        "que nomme la variable TEXTMINE_HOME.",
    )
    parser.add_argument("--version", action="version", version=f"textmine {__version__}",
                        help="affiche la version et quitte")
    commands = parser.add_subparsers(dest="command", title="commandes", metavar="COMMANDE")

    p = commands.add_parser(
        "ingest", prog="textmine ingest", help="importe des fichiers dans un corpus",
        description=f"Importe des fichiers ou des dossiers dans un corpus. Formats : {SUPPORTED}. "
        "Toutes les colonnes autres que le texte et l'identifiant sont gardées comme métadonnées. "
        "Un import est tout ou rien : en cas d'erreur, rien n'est enregistré.",
    )
    p.add_argument("paths", nargs="+", metavar="CHEMIN", help="fichier ou dossier à importer")
    p.add_argument("--corpus", required=True, metavar="NOM", help="corpus à compléter ou à créer")
    p.add_argument("--text-column", metavar="COL", help="colonne du texte (devinée si évidente)")
    p.add_argument("--id-column", metavar="COL", help="colonne de l'identifiant d'origine")
    p.add_argument("--sheet", metavar="FEUILLE", help="feuille d'un classeur XLSX (nom ou numéro)")
    p.add_argument("--meta", action="append", type=_key_value, metavar="CLÉ=VALEUR",
                   help="métadonnée ajoutée à chaque document (répétable), ex. --meta source=rapport")
    p.set_defaults(handler=cmd_ingest)

    p = commands.add_parser(
        "corpora", prog="textmine corpora", help="liste les corpus et leurs effectifs",
                            description="Liste les corpus de l'espace de travail.")
    p.add_argument("--format", choices=["table", "json"], default="table", help="format de sortie")
    p.set_defaults(handler=cmd_corpora)

    p = commands.add_parser(
        "demo", prog="textmine demo", help="importe le corpus de démonstration et le résume",
        description="Importe le corpus fictif de démonstration (corpora/demo) dans le corpus "
        "« demo » s'il n'y est pas déjà, puis en affiche le résumé.",
    )
    p.set_defaults(handler=cmd_demo)

    p = commands.add_parser(
        "app", prog="textmine app", help="lance l'application dans le navigateur",
        description="Lance l'application Streamlit sur l'espace de travail courant.",
    )
    p.add_argument("--port", type=_port, default=8501, metavar="N", help="port local (8501 par défaut)")
    p.set_defaults(handler=cmd_app)
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
    except KeyboardInterrupt:
        print("Interrompu : l'opération en cours n'a rien enregistré.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
