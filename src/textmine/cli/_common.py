"""What every command shares: a French argparse, argument types, tables, progress."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence

from ..store import Store
from ..themes.registry import Registry
from ..workspace import Workspace

_ARGPARSE_FR: list[tuple[str, str]] = [
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (
        r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)",
        r"argument \1 : choix invalide \2 (choix possibles : \3)",
    ),
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
        return super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class FrenchParser(argparse.ArgumentParser):
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


def key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas de la forme clé=valeur")
    return key.strip(), value.strip()


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"nombre entier positif attendu, pas « {text} »")
    return int(text)


def port_number(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"port invalide « {text} » (de 1 à 65535)")
    return int(text)


def workspace_store() -> Store:
    return Workspace.from_env().open_store()


def table(rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def progress_printer() -> Callable[[int], None]:
    def show(n: int) -> None:
        print(f"\r{n:,} documents lus…".replace(",", "\u202f"), end="", file=sys.stderr, flush=True)

    return show


def registry() -> Registry:
    return Registry(Workspace.from_env().models_dir)


def stage_printer(width: int = 24) -> Callable[[str, int, int], None]:
    """A progress bar per stage on standard error: count, share and time remaining at the pace so far."""
    from ..progress import Pace, duration

    pace = Pace()

    def show(stage: str, done: int, total: int) -> None:
        left = pace.remaining(stage, done, total)
        filled = round(width * done / total) if total else width
        eta = f" — reste ≈ {duration(left)}" if left is not None and done < total else ""
        count = f"{done:,}/{total:,}".replace(",", "\u202f")
        line = f"\r{stage:<12} [{'█' * filled}{'·' * (width - filled)}] {count}{eta}"
        print(f"{line:<78}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """--engine, --scheduler, --workers: where the per-text stages run."""
    from ..engines import ENGINES, default_engine

    parser.add_argument(
        "--engine", choices=ENGINES, default=None,
        help=f"où calculer l'analyse, les plongements et le ton : local (ce processus, par défaut) ou dask "
        f"(travailleurs Dask ; pip install 'textmine[dask]') ; défaut TEXTMINE_ENGINE, ici {default_engine()}",
    )
    parser.add_argument(
        "--scheduler", metavar="tcp://HÔTE:PORT",
        help="adresse d'un planificateur Dask déjà lancé (défaut DASK_SCHEDULER_ADDRESS ; sans elle, des "
        "travailleurs sont lancés sur cette machine)",
    )
    parser.add_argument("--workers", type=positive_int, metavar="N",
                        help="travailleurs Dask lancés sur cette machine (un par cœur par défaut)")
