"""Sentiment commands: sentiment (any CSV), sentiment-train, sentiment-summary."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from ..workspace import Workspace
from ._common import registry, table

_CHUNK = 256
ADDED_COLUMNS = [
    "sentiment",
    "sentiment_score",
    "sentiment_confiance",
    "emotions",
    "signalements",
    "mots_du_ton",
]


def cmd_sentiment(args: argparse.Namespace) -> int:
    from ..exchange.files import check_new_file, write_csv
    from ..ingest.columns import find_column
    from ..ingest.delimited import read_delimited
    from ..ingest.sniff import check_file
    from ..sentiment import create, describe_emotions, read_tone

    path = Path(args.file)
    check_file(path)
    check_new_file(path, Path(args.out))
    workspace = Workspace.from_env()
    backend = create(args.backend, workspace.models_dir, workspace.home / "cache" / "embeddings")
    source = read_delimited(path)
    column = find_column(source.columns, args.text_column, path.name, "--text-column")

    def rows() -> Iterator[list]:
        while chunk := list(islice(source.rows, _CHUNK)):
            tones = read_tone([row.get(column) or "" for _, row in chunk], backend)
            for (_, row), tone in zip(chunk, tones):
                p = tone.polarity
                yield [
                    *(row.get(c) for c in source.columns),
                    p.label,
                    p.score,
                    p.confidence,
                    describe_emotions(tone.emotions),
                    ", ".join(tone.flags),
                    " ".join(p.triggers),
                ]

    count = write_csv(Path(args.out), [*source.columns, *ADDED_COLUMNS], rows())
    print(f"{count} ligne{'s' * (count > 1)} analysée{'s' * (count > 1)} avec « {backend.name} » : {args.out}")
    return 0


def cmd_sentiment_train(args: argparse.Namespace) -> int:
    from ..sentiment.trainable import train_from_csv

    card = train_from_csv(
        Workspace.from_env(),
        Path(args.file),
        args.model,
        args.text_column,
        args.label_column,
        replace=args.replace,
    )
    m = card["metrics"]
    classes = ", ".join(f"{label} {n}" for label, n in sorted(m["classes"].items()))
    print(f"Modèle de sentiment « {args.model} » entraîné sur {m['examples']} exemples ({classes}).")
    print(
        f"Validation croisée ({m['folds']} plis) : exactitude {m['accuracy']:.3f}, F1 macro {m['macro_f1']:.3f}."
    )
    print(f"Utilisez-le avec --backend {args.model}.")
    return 0


def cmd_sentiment_summary(args: argparse.Namespace) -> int:
    from ..themes.model import TrainedModel

    model = TrainedModel.load(registry(), args.model)
    summary = model.sentiment_by(Workspace.from_env().open_store(), args.by)
    if args.format == "json":
        from ..exchange.schemas import dumps

        print(dumps(summary.to_dict(orient="records")))
        return 0
    heading = args.by or "thème"
    rows = [(heading, "segments", "score", "négatif", "neutre", "positif", "émotions")]
    rows += [
        (
            str(r.group),
            str(r.n),
            f"{r.score:+.2f}",
            f"{r.negatif:.0%}",
            f"{r.neutre:.0%}",
            f"{r.positif:.0%}",
            r.emotions,
        )
        for r in summary.itertuples()
    ]
    print(table(rows, numeric={1, 2, 3, 4, 5}))
    return 0


def register(commands) -> None:  # noqa: ANN001 - argparse's subparsers action
    """Add the sentiment commands to the ``textmine`` parser."""
    p = commands.add_parser(
        "sentiment",
        prog="textmine sentiment",
        help="ajoute le ton et les émotions à un CSV",
        description="Ajoute à chaque ligne d'un CSV son ton (negatif, neutre, positif), un score de -1 à 1, "
        "une confiance, les émotions repérées avec les mots qui les nomment, et des signalements "
        "(texte vide, autre langue).",
    )
    p.add_argument("file", metavar="FICHIER.csv", help="CSV à analyser")
    p.add_argument("--text-column", required=True, metavar="COL", help="colonne du texte")
    p.add_argument("--out", required=True, metavar="FICHIER.csv", help="CSV à écrire")
    p.add_argument(
        "--backend",
        metavar="MODÈLE",
        help="defaut (lexique + classifieur, hors ligne), lexique, transformers:NOM, ou un modèle entraîné",
    )
    p.set_defaults(handler=cmd_sentiment)

    p = commands.add_parser(
        "sentiment-train",
        prog="textmine sentiment-train",
        help="entraîne un modèle de sentiment sur vos exemples",
        description="Entraîne un modèle de sentiment sur un CSV d'exemples annotés (texte, étiquette "
        "negatif/neutre/positif), mesure sa qualité par validation croisée et l'enregistre dans models/NOM.",
    )
    p.add_argument("file", metavar="FICHIER.csv", help="exemples annotés")
    p.add_argument("--model", required=True, metavar="NOM", help="nom du modèle à créer")
    p.add_argument("--text-column", default="text", metavar="COL", help="colonne du texte (text par défaut)")
    p.add_argument(
        "--label-column", default="label", metavar="COL", help="colonne de l'étiquette (label par défaut)"
    )
    p.add_argument("--replace", action="store_true", help="remplace un modèle du même nom")
    p.set_defaults(handler=cmd_sentiment_train)

    p = commands.add_parser(
        "sentiment-summary",
        prog="textmine sentiment-summary",
        help="ton par thème ou par groupe",
        description="Ton des segments par thème, ou par valeur d'une métadonnée (--by organisme, fonction…) : "
        "score moyen, parts de négatif, neutre, positif et émotions les plus fréquentes.",
    )
    p.add_argument("--model", required=True, metavar="NOM", help="modèle de thèmes")
    p.add_argument("--by", metavar="COL", help="métadonnée de regroupement (par défaut : les thèmes)")
    p.add_argument("--format", choices=["table", "json"], default="table", help="format de sortie (défaut table)")
    p.set_defaults(handler=cmd_sentiment_summary)
