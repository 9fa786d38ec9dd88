"""Corpus commands: ingest, corpora, demo, app."""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path

from ..ingest import SUPPORTED, ingest
from ..store import Store
from ..workspace import Workspace
from ._common import (
    add_engine_arguments,
    key_value,
    port_number,
    progress_printer,
    registry,
    stage_printer,
    table,
    workspace_store,
)


def cmd_ingest(args: argparse.Namespace) -> int:
    store = workspace_store()
    progress = progress_printer() if sys.stderr.isatty() else None
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
    if args.engine:
        _analyse_now(store, args)
    return 0


def _analyse_now(store: Store, args: argparse.Namespace) -> None:
    """The linguistic analysis of the new documents at once, on the engine asked (--engine)."""
    from ..analysis.preprocess import analyse_corpus
    from ..engines import create

    home = Workspace.from_env().home
    with create(args.engine, scheduler=args.scheduler, workers=args.workers, runs_dir=home / "runs") as engine:
        run = f"{args.corpus}-{store.corpus_fingerprint(args.corpus)[:12]}"
        done = analyse_corpus(store, args.corpus, stage_printer() if sys.stderr.isatty() else None, engine)
        engine.finish(run)
    print(f"Analyse linguistique : {done} document(s) analysés (moteur {args.engine}).")


def cmd_corpora(args: argparse.Namespace) -> int:
    corpora = workspace_store().list_corpora()
    if args.format == "json":
        print(json.dumps([asdict(c) for c in corpora], ensure_ascii=False, indent=2))
        return 0
    if not corpora:
        print("Aucun corpus dans cet espace de travail. Importez des fichiers avec « textmine ingest ».")
        return 0
    rows = [("corpus", "documents", "sans contenu", "fichiers", "métadonnées")]
    rows += [
        (c.name, str(c.documents), str(c.boilerplate), str(c.files), ", ".join(c.columns)) for c in corpora
    ]
    print(table(rows, numeric={1, 2, 3}))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ..demo import ingest_demo
    from ..pipeline import train
    from ..themes.model import TrainedModel

    workspace = Workspace.from_env()
    store = workspace.open_store()
    print("\n".join(ingest_demo(store).summary_lines()))
    print()
    print("\n".join(describe_corpus_lines(store, "demo")))
    models = registry()
    if not models.exists("demo"):
        print("\nEntraînement du modèle de thèmes « demo » (quelques minutes la première fois)…", flush=True)
        progress = stage_printer() if sys.stderr.isatty() else None
        train(workspace, "demo", "demo", progress=progress)
    themes = TrainedModel.load(models, "demo").themes()
    print(f"\nThèmes du modèle « demo » ({len(themes)}) :")
    rows = [("thème", "libellé", "segments", "termes clés")]
    rows += [(str(r.topic), r.label, str(r.segments), ", ".join(r.terms[:5])) for r in themes.itertuples()]
    print(table(rows, numeric={0, 2}))
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


#: Where ``textmine app`` listens unless ``--host`` says otherwise: this machine only.
LOCAL_HOST = "127.0.0.1"
_EVERY_INTERFACE = ("0.0.0.0", "::")


def cmd_app(args: argparse.Namespace) -> int:
    from ..errors import NotFoundError

    app = Path(__file__).resolve().parents[3] / "app.py"
    if not app.is_file():
        raise NotFoundError(
            f"Application introuvable ({app}) : installez textmine depuis son dépôt (pip install -e .)."
        )
    warning = exposure_warning(args.host, args.port)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    print(f"Application textmine : {app_url(args.host, args.port)} (Ctrl+C pour arrêter)", flush=True)
    os.execve(sys.executable, streamlit_command(app, args.port, args.host), streamlit_environment(os.environ))
    return 0  # not reached: execve replaces this process


def streamlit_command(app: Path, port: int, host: str = LOCAL_HOST) -> list[str]:
    """The ``streamlit run`` command line of ``textmine app``, listening on ``host`` only.

    Streamlit sends no usage statistics and prints no banner: when it listens on every
    interface, its banner asks checkip.amazonaws.com for the machine's public address
    (``cmd_app`` prints the address itself).

    Examples:
        >>> streamlit_command(Path("app.py"), 8501)[5:9]
        ['--server.address', '127.0.0.1', '--server.port', '8501']
    """
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--logger.hideWelcomeMessage", "true",
        "--server.maxUploadSize", "200",
    ]


def streamlit_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` for the app's process, Hugging Face's telemetry turned off.

    Not HF_HUB_OFFLINE: a training started from the app with a
    ``sentence-transformers:`` model must still be able to download it.
    """
    return {**environ, "HF_HUB_DISABLE_TELEMETRY": "1"}


def exposure_warning(host: str, port: int) -> str | None:
    """The warning printed when other machines can reach the app; None on a loopback address."""
    if is_loopback(host):
        return None
    where = f"{host} (toutes les adresses de cette machine)" if host in _EVERY_INTERFACE else host
    return (
        f"Attention : l'application écoute sur {where}, port {port}, sans mot de passe : quiconque atteint "
        "cette adresse peut lire tout le corpus. Pour le protéger, placez l'application derrière un proxy "
        "inverse avec authentification (exemple nginx dans le README, section « Partager l'application »)."
    )


def is_loopback(host: str) -> bool:
    """True when only this machine can reach ``host``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_url(host: str, port: int) -> str:
    """The address to open in a browser on this machine."""
    if host in _EVERY_INTERFACE:
        host = "localhost"
    elif ":" in host:  # IPv6
        host = f"[{host}]"
    return f"http://{host}:{port}"


def host_address(text: str) -> str:
    """``--host``: an IP address or a machine name."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        if re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?", text):
            return text
    raise argparse.ArgumentTypeError(
        f"adresse invalide « {text} » (une adresse IP comme 127.0.0.1 ou 0.0.0.0, ou un nom de machine)"
    )


def register(commands) -> None:  # noqa: ANN001 - argparse's subparsers action
    """Add the corpus commands to the ``textmine`` parser."""
    p = commands.add_parser(
        "ingest",
        prog="textmine ingest",
        help="importe des fichiers dans un corpus",
        description=f"Importe des fichiers ou des dossiers dans un corpus. Formats : {SUPPORTED}. "
        "Toutes les colonnes autres que le texte et l'identifiant sont gardées comme métadonnées. "
        "Un import est tout ou rien : en cas d'erreur, rien n'est enregistré.",
    )
    p.add_argument("paths", nargs="+", metavar="CHEMIN", help="fichier ou dossier à importer")
    p.add_argument("--corpus", required=True, metavar="NOM", help="corpus à compléter ou à créer")
    p.add_argument("--text-column", metavar="COL", help="colonne du texte (devinée si évidente)")
    p.add_argument("--id-column", metavar="COL", help="colonne de l'identifiant d'origine")
    p.add_argument("--sheet", metavar="FEUILLE", help="feuille d'un classeur XLSX (nom ou numéro)")
    p.add_argument(
        "--meta",
        action="append",
        type=key_value,
        metavar="CLÉ=VALEUR",
        help="métadonnée ajoutée à chaque document (répétable), ex. --meta source=rapport",
    )
    add_engine_arguments(p)
    p.epilog = ("Avec --engine, l'analyse linguistique des nouveaux documents est faite tout de suite sur ce "
                "moteur (sinon au premier entraînement).")
    p.set_defaults(handler=cmd_ingest)

    p = commands.add_parser(
        "corpora",
        prog="textmine corpora",
        help="liste les corpus et leurs effectifs",
        description="Liste les corpus de l'espace de travail.",
    )
    p.add_argument("--format", choices=["table", "json"], default="table", help="format de sortie")
    p.set_defaults(handler=cmd_corpora)

    p = commands.add_parser(
        "demo",
        prog="textmine demo",
        help="importe le corpus de démonstration et le résume",
        description="Importe le corpus fictif de démonstration (corpora/demo) dans le corpus "
        "« demo » s'il n'y est pas déjà, entraîne le modèle de thèmes « demo » s'il n'existe pas, "
        "puis affiche le résumé du corpus et ses thèmes.",
    )
    p.set_defaults(handler=cmd_demo)

    p = commands.add_parser(
        "app",
        prog="textmine app",
        help="lance l'application dans le navigateur",
        description="Lance l'application Streamlit sur l'espace de travail courant. Elle n'écoute que sur "
        "127.0.0.1 : seule cette machine peut l'ouvrir, sauf avec --host.",
    )
    p.add_argument("--port", type=port_number, default=8501, metavar="N", help="port (8501 par défaut)")
    p.add_argument(
        "--host",
        type=host_address,
        default=LOCAL_HOST,
        metavar="ADRESSE",
        help="adresse d'écoute (127.0.0.1 par défaut) ; 0.0.0.0 rend le corpus lisible par quiconque atteint "
        "cette machine : mettez alors l'application derrière un proxy inverse avec authentification",
    )
    p.set_defaults(handler=cmd_app)
