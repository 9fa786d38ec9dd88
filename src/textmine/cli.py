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


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"nombre entier positif attendu, pas « {text} »")
    return int(text)


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
    from .model import TrainedModel
    from .pipeline import train

    workspace = Workspace.from_env()
    store = workspace.open_store()
    print("\n".join(ingest_demo(store).summary_lines()))
    print()
    print("\n".join(describe_corpus_lines(store, "demo")))
    registry = _registry()
    if not registry.exists("demo"):
        print("\nEntraînement du modèle de thèmes « demo » (quelques minutes la première fois)…", flush=True)
        progress = _stage_printer() if sys.stderr.isatty() else None
        train(workspace, "demo", "demo", progress=progress)
    themes = TrainedModel.load(registry, "demo").themes()
    print(f"\nThèmes du modèle « demo » ({len(themes)}) :")
    rows = [("thème", "libellé", "segments", "termes clés")]
    rows += [(str(r.topic), r.label, str(r.segments), ", ".join(r.terms[:5])) for r in themes.itertuples()]
    print(_table(rows, numeric={0, 2}))
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


def _registry():
    from .registry import Registry

    return Registry(Workspace.from_env().models_dir)


def cmd_train(args: argparse.Namespace) -> int:
    from .embeddings import default_backend
    from .pipeline import TrainOptions, train

    options = TrainOptions(
        embedding=args.embedding or default_backend(), codebook=args.codebook, min_topic_size=args.min_topic_size,
        seed=args.seed, segment_mode=args.segments, segment_words=args.segment_words,
        lexical_weight=args.lexical_weight,
        eval_label=args.eval_label,
    )
    progress = _stage_printer() if sys.stderr.isatty() else None
    report = train(Workspace.from_env(), args.corpus, args.model, options, replace=args.replace,
                   publish=args.publish, progress=progress)
    for warning in report.warnings:
        print(f"Attention : {warning}", file=sys.stderr)
    m = report.metrics
    print(
        f"Modèle « {report.model} » entraîné sur « {report.corpus} » : {m['themes']} thèmes, "
        f"{m['segments']} segments de {m['documents']} documents."
    )
    print(
        f"Segments sans thème : {m['outliers_before']:.0%} avant réduction, {m['outliers_after']:.0%} après. "
        f"Diversité {m['diversity']:.2f}, cohérence NPMI {m['coherence_npmi']:.2f}, "
        f"{m['codebook_matched']} thèmes reliés au codebook."
    )
    if "nmi" in m:
        print(f"Accord avec « {args.eval_label} » : NMI {m['nmi']:.3f}, AMI {m['ami']:.3f}, ARI {m['ari']:.3f}.")
    durations = ", ".join(f"{k} {v:.1f} s" for k, v in report.durations.items())
    print(f"Durées : {durations}.")
    print("Publié : c'est ce modèle que l'application montre pour ce corpus." if report.published
          else f"Non publié (textmine publish {report.model} pour le montrer dans l'application).")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from .model import TrainedModel, compare

    registry = _registry()
    if args.compare:
        a, b = (TrainedModel.load(registry, n) for n in args.compare)
        rows = [("", a.name, b.name)]
        for key in ("themes", "segments", "outliers_after", "diversity", "coherence_npmi", "nmi", "ami", "ari"):
            if key in a.card["metrics"] or key in b.card["metrics"]:
                rows.append((key, str(a.card["metrics"].get(key, "—")), str(b.card["metrics"].get(key, "—"))))
        print(_table(rows, numeric={1, 2}))
        print()
        mapping = [(f"thème de {a.name}", f"thème le plus proche dans {b.name}", "documents communs")]
        mapping += [(x, y, f"{share:.0%}") for x, y, share in compare(a, b)]
        print(_table(mapping, numeric={2}))
        return 0
    names = registry.names()
    if not names:
        print("Aucun modèle dans cet espace de travail. Entraînez-en un avec « textmine train ».")
        return 0
    published = set(registry.published().values())
    rows = [("modèle", "corpus", "publié", "thèmes", "sans thème", "diversité", "NPMI", "NMI", "AMI", "créé le")]
    for name in names:
        card = registry.card(name)
        m = card["metrics"]
        rows.append((name, card["corpus"]["name"], "oui" if name in published else "", str(m["themes"]),
                     f"{m['outliers_after']:.0%}", f"{m['diversity']:.2f}", f"{m['coherence_npmi']:.2f}",
                     str(m.get("nmi", "")), str(m.get("ami", "")), card["created_at"][:16].replace("T", " ")))
    print(_table(rows, numeric={3, 4, 5, 6, 7, 8}))
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from .model import TrainedModel

    model = TrainedModel.load(_registry(), args.model)
    if args.by:
        return _topics_by(model, args)
    themes = model.themes()
    if args.format == "json":
        records = themes.to_dict(orient="records")
        print(json.dumps(records, ensure_ascii=False, indent=2, default=int))
        return 0
    rows = [("thème", "libellé", "codebook", "segments", "documents", "termes clés")]
    rows += [
        (str(r.topic), r.label, r.codebook or "", str(r.segments), str(r.documents), ", ".join(r.terms[:6]))
        for r in themes.itertuples()
    ]
    if args.format == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerows(rows)
        return 0
    print(_table(rows, numeric={0, 3, 4}))
    return 0


def _topics_by(model, args: argparse.Namespace) -> int:  # noqa: ANN001
    from .model import themes_by

    table = themes_by(model, Workspace.from_env().open_store(), args.by)
    if args.format == "json":
        print(table.reset_index().to_json(orient="records", force_ascii=False, indent=2))
    elif args.format == "csv":
        print(table.to_csv(), end="")
    else:
        rows = [(args.by, "segments", *table.columns[1:])]
        rows += [(str(v), str(r["n"]), *(f"{x:.0%}" for x in r.iloc[1:])) for v, r in table.iterrows()]
        print(_table(rows, numeric=set(range(1, len(rows[0])))))
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    from .export import check_writable, write_csv
    from .model import TrainedModel
    from .pipeline import apply

    check_writable(Path(args.out))
    workspace = Workspace.from_env()
    frame = apply(workspace, args.model, args.corpus)
    labels = TrainedModel.load(_registry(), args.model).label_of()
    meta = workspace.open_store().document_metadata(args.corpus)
    rows = ([meta[d]["original_id"] or d, t, labels.get(t, ""), round(s, 3), p]
            for d, t, s, p in frame[["document_id", "topic", "share", "profile"]].itertuples(index=False))
    count = write_csv(Path(args.out), ["id", "topic", "topic_label", "probability", "profil"], rows)
    print(f"{count} documents de « {args.corpus} » classés avec « {args.model} » : {args.out}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import check_writable, write_csv
    from .model import TrainedModel, assignment_rows

    check_writable(Path(args.out))
    model = TrainedModel.load(_registry(), args.model)
    header, rows = assignment_rows(model, Workspace.from_env().open_store())
    count = write_csv(Path(args.out), header, rows)
    print(f"{count} documents exportés dans {args.out}.")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    corpus = _registry().publish(args.model)
    print(f"« {args.model} » est désormais le modèle publié du corpus « {corpus} ».")
    return 0


def cmd_themes(args: argparse.Namespace) -> int:
    from .model import TrainedModel

    model = TrainedModel.load(_registry(), args.model)
    if args.action == "rename":
        model.rename(args.topic, args.label)
        print(f"Thème {args.topic} renommé « {' '.join(args.label.split())} ».")
    elif args.action == "merge":
        target = model.merge(args.topics, args.label)
        print(f"Thèmes {', '.join(map(str, args.topics))} fusionnés dans le thème {target}.")
    else:
        model.delete(args.topic)
        print(f"Thème {args.topic} supprimé : ses segments sont désormais sans thème.")
    return 0


def _stage_printer() -> Callable[[str, int, int], None]:
    def show(stage: str, done: int, total: int) -> None:
        print(f"\r{stage} : {done}/{total}   ", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


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
        "« demo » s'il n'y est pas déjà, entraîne le modèle de thèmes « demo » s'il n'existe pas, "
        "puis affiche le résumé du corpus et ses thèmes.",
    )
    p.set_defaults(handler=cmd_demo)

    p = commands.add_parser(
        "train", prog="textmine train", help="entraîne un modèle de thèmes sur un corpus",
        description="Analyse le corpus (spaCy), le découpe en segments, calcule les plongements "
        "(gardés en cache), trouve les thèmes (BERTopic guidé par le codebook) et enregistre le "
        "modèle dans models/NOM. Un entraînement interrompu ne laisse aucun modèle partiel.",
    )
    p.add_argument("--corpus", required=True, metavar="NOM", help="corpus à modéliser")
    p.add_argument("--model", required=True, metavar="NOM", help="nom du modèle à créer")
    p.add_argument("--embedding", metavar="MODÈLE",
                   help="e5-small (défaut, hors ligne ; ou la variable TEXTMINE_EMBEDDING), "
                   "tfidf-svd (rapide, sans modèle) ou sentence-transformers:NOM")
    p.add_argument("--codebook", metavar="FICHIER",
                   help="codebook YAML ou CSV (défaut : celui de textmine ; « aucun » pour s'en passer)")
    p.add_argument("--min-topic-size", type=_positive, metavar="N", help="taille minimale d'un thème, en segments (adaptée au corpus par défaut)")
    p.add_argument("--seed", type=int, default=42, metavar="N", help="graine aléatoire (42 par défaut)")
    p.add_argument("--segments", choices=["segments", "documents"], default="segments",
                   help="unité modélisée : segments d'environ --segment-words mots (défaut) ou documents entiers")
    p.add_argument("--segment-words", type=_positive, default=40, metavar="N", help="taille visée des segments (40 mots par défaut)")
    p.add_argument("--lexical-weight", type=float, default=0.3, metavar="P",
                   help="poids du vocabulaire (TF-IDF des lemmes) à côté du sens (0.3 par défaut, 0 : sens seul)")
    p.add_argument("--eval-label", metavar="COL", help="colonne de référence pour mesurer NMI, AMI et ARI")
    p.add_argument("--replace", action="store_true", help="remplace un modèle du même nom")
    p.add_argument("--publish", action=argparse.BooleanOptionalAction, default=None,
                   help="publie le modèle (par défaut : seulement si le corpus n'en a pas encore)")
    p.set_defaults(handler=cmd_train)

    p = commands.add_parser("models", prog="textmine models", help="liste les modèles et leurs mesures",
                            description="Liste les modèles entraînés avec leurs mesures de qualité, ou en compare deux.")
    p.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare deux modèles thème par thème")
    p.set_defaults(handler=cmd_models)

    p = commands.add_parser("topics", prog="textmine topics", help="affiche les thèmes d'un modèle",
                            description="Affiche les thèmes d'un modèle : libellé, thème du codebook, tailles, termes clés.")
    p.add_argument("--model", required=True, metavar="NOM", help="modèle")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="format de sortie")
    p.add_argument("--by", metavar="COL", help="part de chaque thème selon une métadonnée (annee, organisme…)")
    p.set_defaults(handler=cmd_topics)

    p = commands.add_parser("apply", prog="textmine apply", help="classe les documents d'un corpus avec un modèle",
                            description="Prédit le thème principal et le profil de thèmes de chaque document d'un corpus.")
    p.add_argument("--model", required=True, metavar="NOM", help="modèle entraîné")
    p.add_argument("--corpus", required=True, metavar="NOM", help="corpus à classer")
    p.add_argument("--out", required=True, metavar="FICHIER.csv", help="fichier CSV à écrire")
    p.set_defaults(handler=cmd_apply)

    p = commands.add_parser("export", prog="textmine export", help="exporte les résultats d'un modèle",
                            description="Exporte les affectations : une ligne par document (id, thème, libellé, part, sentiment, métadonnées).")
    p.add_argument("what", choices=["assignments"], metavar="assignments", help="ce qu'il faut exporter")
    p.add_argument("--model", required=True, metavar="NOM", help="modèle")
    p.add_argument("--out", required=True, metavar="FICHIER.csv", help="fichier CSV à écrire")
    p.set_defaults(handler=cmd_export)

    p = commands.add_parser("publish", prog="textmine publish", help="publie un modèle dans l'application",
                            description="Fait du modèle celui que l'application montre pour son corpus.")
    p.add_argument("model", metavar="MODÈLE", help="modèle à publier")
    p.set_defaults(handler=cmd_publish)

    p = commands.add_parser("themes", prog="textmine themes", help="renomme, fusionne ou supprime des thèmes",
                            description="Modifie les thèmes d'un modèle ; les modifications sont gardées avec le modèle.")
    actions = p.add_subparsers(dest="action", title="actions", metavar="ACTION", required=True)
    a = actions.add_parser("rename", prog="textmine themes rename", help="renomme un thème", description="Renomme un thème.")
    a.add_argument("--model", required=True, metavar="NOM", help="modèle")
    a.add_argument("topic", type=int, metavar="THÈME", help="numéro du thème")
    a.add_argument("label", metavar="LIBELLÉ", help="nouveau libellé")
    a = actions.add_parser("merge", prog="textmine themes merge", help="fusionne des thèmes", description="Fusionne des thèmes dans le premier.")
    a.add_argument("--model", required=True, metavar="NOM", help="modèle")
    a.add_argument("topics", type=int, nargs="+", metavar="THÈME", help="thèmes à fusionner (le premier reste)")
    a.add_argument("--label", metavar="LIBELLÉ", help="libellé du thème fusionné")
    a = actions.add_parser("delete", prog="textmine themes delete", help="supprime un thème", description="Supprime un thème : ses segments deviennent sans thème.")
    a.add_argument("--model", required=True, metavar="NOM", help="modèle")
    a.add_argument("topic", type=int, metavar="THÈME", help="numéro du thème")
    p.set_defaults(handler=cmd_themes)

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
