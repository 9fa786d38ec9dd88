"""Model commands: train, models, topics, apply, publish, themes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..themes.stability import DEFAULT_RUNS as STABILITY_RUNS
from ..themes.stability import STABLE
from ..themes.topics import FIT_SAMPLE
from ..workspace import Workspace
from ._common import add_engine_arguments, positive_int, registry, stage_printer, table


def _decimal(value: float | None) -> str:
    """0.82 written the French way (« 0,82 »), « — » when absent."""
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def cmd_train(args: argparse.Namespace) -> int:
    from ..embeddings import default_backend
    from ..engines import default_engine as default_engine_name
    from ..pipeline import StabilityInterrupted, TrainOptions, train
    from ..sentiment import default_backend as default_sentiment

    options = TrainOptions(
        embedding=args.embedding or default_backend(),
        codebook=args.codebook,
        min_topic_size=args.min_topic_size,
        seed=args.seed,
        segment_mode=args.segments,
        segment_words=args.segment_words,
        lexical_weight=args.lexical_weight,
        sentiment=args.sentiment or default_sentiment(),
        eval_label=args.eval_label,
        stability=args.stability,
        align_sources=args.align_sources,
        fit_sample=args.fit_sample,
        engine=args.engine or default_engine_name(),
        scheduler=args.scheduler,
        workers=args.workers,
    )
    progress = stage_printer() if sys.stderr.isatty() else None
    try:
        report = train(
            Workspace.from_env(),
            args.corpus,
            args.model,
            options,
            replace=args.replace,
            publish=args.publish,
            progress=progress,
        )
    except StabilityInterrupted as stop:
        print(f"\nInterrompu pendant la mesure de stabilité : le modèle « {stop.model} » est enregistré et "
              "utilisable, sans mesure de stabilité.", file=sys.stderr)
        return 130
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
    book = report.codebook
    if "fit" in book:
        print(
            f"Codebook : {book['fit']['share']:.0%} des segments contiennent un de ses termes "
            f"(seuil {book['fit']['threshold']:.0%}) ; "
            + ("il a guidé les thèmes." if book["used"]
               else "il n'a pas guidé les thèmes (--codebook défaut l'impose).")
        )
    if "nmi" in m:
        print(
            f"Accord avec « {args.eval_label} » : NMI {m['nmi']:.3f}, AMI {m['ami']:.3f}, ARI {m['ari']:.3f}."
        )
    if report.stability:
        block = report.stability
        stable = sum(v >= STABLE for v in block["per_theme"].values())
        print(
            f"Stabilité sur {block['runs']} entraînements (graines {block['seeds'][0]} à {block['seeds'][-1]}) : "
            f"ARI moyen {_decimal(block['ari_mean'])}, {stable} thèmes sur {len(block['per_theme'])} retrouvés "
            f"à {STABLE:.0%} ou plus."
        )
    durations = ", ".join(f"{k} {v:.1f} s" for k, v in report.durations.items())
    print(f"Durées : {durations}.")
    print(
        "Publié : c'est ce modèle que l'application montre pour ce corpus."
        if report.published
        else f"Non publié (textmine publish {report.model} pour le montrer dans l'application)."
    )
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from ..themes.model import TrainedModel, compare

    models = registry()
    if args.format == "json":
        return _models_json(models, args)
    if args.compare:
        a, b = (TrainedModel.load(models, n) for n in args.compare)
        rows = [("", a.name, b.name)]
        for key in (
            "themes",
            "segments",
            "outliers_after",
            "diversity",
            "coherence_npmi",
            "nmi",
            "ami",
            "ari",
        ):
            if key in a.card["metrics"] or key in b.card["metrics"]:
                rows.append((key, str(a.card["metrics"].get(key, "—")), str(b.card["metrics"].get(key, "—"))))
        print(table(rows, numeric={1, 2}))
        print()
        mapping = [(f"thème de {a.name}", f"thème le plus proche dans {b.name}", "documents communs")]
        mapping += [(x, y, f"{share:.0%}") for x, y, share in compare(a, b)]
        print(table(mapping, numeric={2}))
        return 0
    names = models.names()
    if not names:
        print("Aucun modèle dans cet espace de travail. Entraînez-en un avec « textmine train ».")
        return 0
    published = set(models.published().values())
    cards = {name: models.card(name) for name in names}
    rows = [
        ("modèle", "corpus", "publié", "thèmes", "sans thème", "diversité", "NPMI", "stabilité", "NMI", "AMI",
         "créé le")
    ]
    sentiment_rows = [("modèle de sentiment", "exemples", "exactitude", "F1 macro", "créé le")]
    for name, card in cards.items():
        m = card["metrics"]
        created = card["created_at"][:16].replace("T", " ")
        if card.get("kind") == "sentiment":
            sentiment_rows.append(
                (name, str(m["examples"]), f"{m['accuracy']:.3f}", f"{m['macro_f1']:.3f}", created)
            )
            continue
        rows.append(
            (
                name,
                card["corpus"]["name"],
                "oui" if name in published else "",
                str(m["themes"]),
                f"{m['outliers_after']:.0%}",
                f"{m['diversity']:.2f}",
                f"{m['coherence_npmi']:.2f}",
                _decimal((card.get("stability") or {}).get("ari_mean")),
                str(m.get("nmi", "")),
                str(m.get("ami", "")),
                created,
            )
        )
    if len(rows) > 1:
        print(table(rows, numeric={3, 4, 5, 6, 7, 8, 9}))
    if len(sentiment_rows) > 1:
        print(("\n" if len(rows) > 1 else "") + table(sentiment_rows, numeric={1, 2, 3}))
    return 0


def _models_json(models, args: argparse.Namespace) -> int:  # noqa: ANN001
    from ..errors import TextmineError
    from ..exchange.schemas import dumps

    if args.compare:
        raise TextmineError("--compare s'affiche en tableau seulement : retirez --format json.")
    published = set(models.published().values())
    records = []
    for name in models.names():
        card = models.card(name)
        records.append(
            {
                "name": name,
                "kind": card.get("kind", "themes"),
                "corpus": card["corpus"]["name"],
                "published": name in published,
                "created_at": card["created_at"],
                "metrics": card["metrics"],
            }
        )
    print(dumps(records))
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from ..themes.model import TrainedModel

    model = TrainedModel.load(registry(), args.model)
    if args.by:
        return _topics_by(model, args)
    themes = model.themes()
    if args.format == "json":
        from ..exchange.schemas import dumps

        print(dumps(themes.to_dict(orient="records")))
        return 0
    steady = model.theme_stability()
    cell = (lambda v: "" if v is None else str(v)) if args.format == "csv" else _decimal
    rows = [("thème", "libellé", "codebook", "segments", "documents", "stabilité", "termes clés")]
    rows += [
        (str(r.topic), r.label, r.codebook if isinstance(r.codebook, str) else "",  # None reads as NaN in pandas 3
         str(r.segments), str(r.documents), cell(steady.get(r.topic)), ", ".join(r.terms[:6]))
        for r in themes.itertuples()
    ]
    if args.format == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerows(rows)
        return 0
    print(table(rows, numeric={0, 3, 4, 5}))
    return 0


def _topics_by(model, args: argparse.Namespace) -> int:  # noqa: ANN001
    from ..themes.model import themes_by

    shares = themes_by(model, Workspace.from_env().open_store(), args.by)
    if args.format == "json":
        from ..exchange.schemas import dumps

        print(dumps(shares.reset_index().to_dict(orient="records")))
    elif args.format == "csv":
        print(shares.to_csv(), end="")
    else:
        rows = [(args.by, "segments", *shares.columns[1:])]
        rows += [(str(v), str(r["n"]), *(f"{x:.0%}" for x in r.iloc[1:])) for v, r in shares.iterrows()]
        print(table(rows, numeric=set(range(1, len(rows[0])))))
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    from ..exchange.files import check_writable, write_csv
    from ..pipeline import apply
    from ..themes.model import TrainedModel

    check_writable(Path(args.out))
    workspace = Workspace.from_env()
    frame = apply(workspace, args.model, args.corpus)
    labels = TrainedModel.load(registry(), args.model).label_of()
    meta = workspace.open_store().document_metadata(args.corpus)
    rows = (
        [meta[d]["original_id"] or d, t, labels.get(t, ""), round(s, 3), p]
        for d, t, s, p in frame[["document_id", "topic", "share", "profile"]].itertuples(index=False)
    )
    count = write_csv(Path(args.out), ["id", "topic", "topic_label", "probability", "profil"], rows)
    print(f"{count} documents de « {args.corpus} » classés avec « {args.model} » : {args.out}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    corpus = registry().publish(args.model)
    print(f"« {args.model} » est désormais le modèle publié du corpus « {corpus} ».")
    return 0


def cmd_themes(args: argparse.Namespace) -> int:
    from ..themes.model import TrainedModel

    model = TrainedModel.load(registry(), args.model)
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


def register(commands) -> None:  # noqa: ANN001 - argparse's subparsers action
    """Add the model commands to the ``textmine`` parser."""
    p = commands.add_parser(
        "train",
        prog="textmine train",
        help="entraîne un modèle de thèmes sur un corpus",
        description="Analyse le corpus (spaCy), le découpe en segments, calcule les plongements "
        "(gardés en cache), trouve les thèmes (BERTopic guidé par le codebook) et enregistre le "
        "modèle dans models/NOM. Un entraînement interrompu ne laisse aucun modèle partiel.",
    )
    p.add_argument("--corpus", required=True, metavar="NOM", help="corpus à modéliser")
    p.add_argument("--model", required=True, metavar="NOM", help="nom du modèle à créer")
    p.add_argument(
        "--embedding",
        metavar="MODÈLE",
        help="e5-small (défaut, hors ligne ; ou la variable TEXTMINE_EMBEDDING), "
        "use-multilingual (hors ligne, 3 à 10 fois plus rapide), tfidf-svd (mots seulement, très rapide) "
        "ou sentence-transformers:NOM",
    )
    p.add_argument(
        "--codebook",
        metavar="FICHIER",
        help="« défaut » (celui de textmine), « aucun » ou un fichier YAML ou CSV ; sans l'option, le codebook "
        "par défaut guide les thèmes seulement si le corpus en parle (35 %% des segments ou plus)",
    )
    p.add_argument(
        "--min-topic-size",
        type=positive_int,
        metavar="N",
        help="taille minimale d'un thème, en segments (adaptée au corpus par défaut)",
    )
    p.add_argument("--seed", type=int, default=42, metavar="N", help="graine aléatoire (42 par défaut)")
    p.add_argument(
        "--segments",
        choices=["segments", "documents"],
        default="segments",
        help="unité modélisée : segments d'environ --segment-words mots (défaut) ou documents entiers",
    )
    p.add_argument(
        "--segment-words",
        type=positive_int,
        default=40,
        metavar="N",
        help="taille visée des segments (40 mots par défaut)",
    )
    p.add_argument(
        "--lexical-weight",
        type=float,
        default=0.3,
        metavar="P",
        help="poids du vocabulaire (TF-IDF des lemmes) à côté du sens (0.3 par défaut, 0 : sens seul)",
    )
    p.add_argument(
        "--sentiment",
        metavar="MODÈLE",
        help="modèle de sentiment des segments et documents (defaut ; « aucun » pour s'en passer)",
    )
    p.add_argument("--eval-label", metavar="COL", help="colonne de référence pour mesurer NMI, AMI et ARI")
    p.add_argument(
        "--stability",
        type=positive_int,
        default=STABILITY_RUNS,
        metavar="N",
        help=f"entraînements (graines --seed, --seed+1…) comparés pour mesurer la stabilité des thèmes, "
        f"faits une fois le modèle enregistré ({STABILITY_RUNS} par défaut ; 1 : pas de mesure)",
    )
    p.add_argument(
        "--align-sources",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="aligne les fichiers du corpus (témoignages, enquête, rapports…) les uns sur les autres pour que "
        "les thèmes réunissent des sujets plutôt que des façons d'écrire (par défaut ; --no-align-sources "
        "pour s'en passer)",
    )
    p.add_argument(
        "--fit-sample",
        type=positive_int,
        default=FIT_SAMPLE,
        metavar="N",
        help=f"au-delà de N segments ({FIT_SAMPLE} par défaut), les thèmes sont appris sur un échantillon de N "
        "segments tiré dans chaque fichier, et chaque autre segment reçoit le thème le plus proche",
    )
    add_engine_arguments(p)
    p.add_argument("--replace", action="store_true", help="remplace un modèle du même nom")
    p.add_argument(
        "--publish",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="publie le modèle (par défaut : seulement si le corpus n'en a pas encore)",
    )
    p.set_defaults(handler=cmd_train)

    p = commands.add_parser(
        "models",
        prog="textmine models",
        help="liste les modèles et leurs mesures",
        description="Liste les modèles entraînés avec leurs mesures de qualité, ou en compare deux.",
    )
    p.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare deux modèles thème par thème")
    p.add_argument("--format", choices=["table", "json"], default="table", help="format de sortie (défaut table)")
    p.set_defaults(handler=cmd_models)

    p = commands.add_parser(
        "topics",
        prog="textmine topics",
        help="affiche les thèmes d'un modèle",
        description="Affiche les thèmes d'un modèle : libellé, thème du codebook, tailles, termes clés.",
    )
    p.add_argument("--model", required=True, metavar="NOM", help="modèle")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="format de sortie")
    p.add_argument(
        "--by", metavar="COL", help="part de chaque thème selon une métadonnée (annee, organisme…)"
    )
    p.set_defaults(handler=cmd_topics)

    p = commands.add_parser(
        "apply",
        prog="textmine apply",
        help="classe les documents d'un corpus avec un modèle",
        description="Prédit le thème principal et le profil de thèmes de chaque document d'un corpus.",
    )
    p.add_argument("--model", required=True, metavar="NOM", help="modèle entraîné")
    p.add_argument("--corpus", required=True, metavar="NOM", help="corpus à classer")
    p.add_argument("--out", required=True, metavar="FICHIER.csv", help="fichier CSV à écrire")
    p.set_defaults(handler=cmd_apply)

    p = commands.add_parser(
        "publish",
        prog="textmine publish",
        help="publie un modèle dans l'application",
        description="Fait du modèle celui que l'application montre pour son corpus.",
    )
    p.add_argument("model", metavar="MODÈLE", help="modèle à publier")
    p.set_defaults(handler=cmd_publish)

    p = commands.add_parser(
        "themes",
        prog="textmine themes",
        help="renomme, fusionne ou supprime des thèmes",
        description="Modifie les thèmes d'un modèle ; les modifications sont gardées avec le modèle.",
    )
    actions = p.add_subparsers(dest="action", title="actions", metavar="ACTION", required=True)
    a = actions.add_parser(
        "rename", prog="textmine themes rename", help="renomme un thème", description="Renomme un thème."
    )
    a.add_argument("--model", required=True, metavar="NOM", help="modèle")
    a.add_argument("topic", type=int, metavar="THÈME", help="numéro du thème")
    a.add_argument("label", metavar="LIBELLÉ", help="nouveau libellé")
    a = actions.add_parser(
        "merge",
        prog="textmine themes merge",
        help="fusionne des thèmes",
        description="Fusionne des thèmes dans le premier.",
    )
    a.add_argument("--model", required=True, metavar="NOM", help="modèle")
    a.add_argument(
        "topics", type=int, nargs="+", metavar="THÈME", help="thèmes à fusionner (le premier reste)"
    )
    a.add_argument("--label", metavar="LIBELLÉ", help="libellé du thème fusionné")
    a = actions.add_parser(
        "delete",
        prog="textmine themes delete",
        help="supprime un thème",
        description="Supprime un thème : ses segments deviennent sans thème.",
    )
    a.add_argument("--model", required=True, metavar="NOM", help="modèle")
    a.add_argument("topic", type=int, metavar="THÈME", help="numéro du thème")
    p.set_defaults(handler=cmd_themes)
