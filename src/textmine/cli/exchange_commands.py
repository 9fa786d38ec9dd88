"""Exchange with qualitative-analysis tools: ``textmine export qdpx|qdc|segments|nvivo|maxqda`` and
``textmine codebook import``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ..workspace import Workspace

#: kind -> (library module, function, extension, what is written, help, description).
KINDS: dict[str, tuple[str, str, str, str, str, str]] = {
    "qdpx": ("refiqda", "qdpx_bytes", "qdpx", "Projet REFI-QDA",
             "projet REFI-QDA (NVivo, ATLAS.ti, MAXQDA, QualCoder)",
             "Exporte le modèle en projet REFI-QDA (.qdpx) : documents, codes des thèmes, segments codés, "
             "métadonnées en variables, fiche du modèle, stabilité et ton en mémos."),
    "qdc": ("refiqda", "qdc_bytes", "qdc", "Codebook REFI-QDA",
            "codebook REFI-QDA des thèmes",
            "Exporte les thèmes en codebook REFI-QDA (.qdc) : un code par thème, sous le thème du codebook "
            "qu'il rejoint ; définition et termes clés dans la description."),
    "segments": ("qda_sheets", "coded_segments_xlsx", "xlsx", "Segments codés",
                 "segments codés (XLSX)",
                 "Exporte les segments codés : une ligne par segment (document, thème, texte, début, fin, ton, "
                 "métadonnées), à importer comme données codées ou d'enquête."),
    "nvivo": ("qda_sheets", "nvivo_classification_xlsx", "xlsx", "Feuille de classification NVivo",
              "feuille de classification NVivo (XLSX)",
              "Exporte la feuille de classification NVivo : une ligne par cas (document), une colonne par "
              "attribut (métadonnées, thème principal, ton)."),
    "maxqda": ("qda_sheets", "maxqda_codebook_xlsx", "xlsx", "Table de codes MAXQDA",
               "table de codes MAXQDA (XLSX)",
               "Exporte la table de codes MAXQDA : colonnes Code (sous-codes séparés par « \\ ») et Memo "
               "(définition et termes)."),
}


def _exporter(kind: str) -> Callable[[argparse.Namespace], int]:
    module_name, function, _, title, _, _ = KINDS[kind]

    def run(args: argparse.Namespace) -> int:
        from importlib import import_module

        from ..exchange.files import check_writable, replacing

        out = check_writable(Path(args.out))
        data = getattr(import_module(f"textmine.exchange.{module_name}"), function)(Workspace.from_env(), args.model)
        with replacing(out) as tmp:
            tmp.write_bytes(data)
        print(f"{title} du modèle « {args.model} » : {out} ({_size(len(data))}).")
        return 0

    return run


def _size(n: int) -> str:
    return f"{n / 1024:.0f} Ko".replace(".", ",") if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} Mo".replace(".", ",")


def register_export(kinds) -> None:  # noqa: ANN001 - the subparsers of ``textmine export``
    """Add the REFI-QDA and spreadsheet kinds to ``textmine export``."""
    for kind, (_, _, extension, _, help_, description) in KINDS.items():
        p = kinds.add_parser(kind, prog=f"textmine export {kind}", help=help_, description=description)
        p.add_argument("--model", required=True, metavar="NOM", help="modèle")
        p.add_argument("--out", required=True, metavar=f"FICHIER.{extension}", help="fichier à écrire")
        p.set_defaults(handler=_exporter(kind))


def cmd_codebook_import(args: argparse.Namespace) -> int:
    from ..exchange.refiqda import import_codebook

    out, book = import_codebook(Path(args.file), Path(args.out) if args.out else None)
    plural = "s" if len(book.themes) > 1 else ""
    print(f"Codebook importé : {len(book.themes)} thème{plural} écrit{plural} dans {out}.")
    print(f"Pour guider un entraînement : textmine train --corpus CORPUS --model MODELE --codebook {out}")
    return 0


def register(commands) -> None:  # noqa: ANN001 - argparse's subparsers action
    """Add ``textmine codebook import`` to the ``textmine`` parser."""
    p = commands.add_parser(
        "codebook",
        prog="textmine codebook",
        help="codebooks échangés avec NVivo, ATLAS.ti, MAXQDA, Taguette",
        description="Codebooks venus d'autres logiciels d'analyse qualitative.",
    )
    actions = p.add_subparsers(dest="action", title="actions", metavar="ACTION", required=True)
    q = actions.add_parser(
        "import",
        prog="textmine codebook import",
        help="convertit un codebook REFI-QDA (.qdc ou .qdpx) en codebook YAML",
        description="Convertit un codebook REFI-QDA (.qdc, ou le codebook d'un projet .qdpx) en codebook YAML "
        "que « textmine train --codebook » accepte : un thème par code, la description comme définition, "
        "les termes de sa ligne « Termes : a, b, c » (à défaut, le nom du code).",
    )
    q.add_argument("file", metavar="FICHIER.qdc", help="codebook REFI-QDA (.qdc) ou projet (.qdpx)")
    q.add_argument("--out", metavar="FICHIER.yaml", help="codebook YAML à écrire (par défaut : à côté, en .yaml)")
    q.set_defaults(handler=cmd_codebook_import)
