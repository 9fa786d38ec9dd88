"""How textmine scales: the whole pipeline, step by step, on corpora of growing size.

    .venv/bin/python bench/bench_scale.py --sizes 1000 10000 100000
    .venv/bin/python bench/bench_scale.py --sizes 300 --embedding tfidf-svd --sentiment lexique --stability 1
    .venv/bin/python bench/bench_scale.py --sizes 10000 --engine local dask --workers 2 --json scale.json
    .venv/bin/python bench/bench_scale.py --sizes 10000 --repo ../baseline --keep /tmp/scale-baseline
    .venv/bin/python bench/bench_scale.py --sizes 100000 --build-only

Corpus: for each size N, N distinct documents recombined from the sentences of the demo
corpus and (unless ``--no-shared``) of the Grand Débat files in ``shared/data``; see
``bench/scale_corpus.py``. The same ``--seed`` (0 by default) gives the same corpus, and a
smaller corpus is the start of a larger one. It is written as a UTF-8 CSV with columns
``id``, ``texte``, ``source``, ``fichier`` and the source documents' metadata.

For each size, and for each ``--engine`` given (else once, with the CLI's default engine),
a fresh workspace (``TEXTMINE_HOME``, with ``HF_HUB_OFFLINE=1``) goes through these steps,
each in its own process of the ``textmine`` command:

- ``textmine ingest CSV --corpus scale --text-column texte --id-column id``;
- ``textmine train --corpus scale --model m1`` with the options given: wall time, and the
  stage durations of the model card (``durations``: analyse, embeddings, topics,
  sentiment, and whatever else the card holds; stability from its ``stability`` block);
- ``textmine train --corpus scale --model m2 --seed 43``, same options: a retraining that
  finds the spaCy analyses and the embeddings in the workspace's caches;
- the app's « Thèmes » screen rendered through Streamlit's AppTest (as
  ``bench/bench_app.py`` does), in a fresh process: the first render loads the model
  (cold), then the median of ``--app-runs`` renders (warm); then the « Thème » screen the
  same way, in the same process (its first render finds the model already loaded).

Every step's peak memory is the largest sum of the resident memory (RSS) of its process
and all its children, sampled every 0.2 s (pages shared between processes count once per
process). After the steps: the size of the workspace, of its SQLite store
(``textmine.sqlite`` with its WAL), of the embedding cache and of the models.

Output: two tables in French on stdout (durations; memory and disk), and with ``--json
FILE`` every raw figure, written after each size. « hors étapes » is the training's wall
time less its card's stage durations: start-up, imports, reading and writing the model.
``--keep DIR`` keeps the corpora, the workspaces and the steps' logs in DIR (a corpus CSV
already there is reused; a workspace of an earlier run is replaced); without it everything
goes to a temporary folder, removed at the end.

``--repo PATH`` measures another checkout (its ``src`` on PYTHONPATH, its ``app.py``) and
``--python PATH`` another interpreter, so that a baseline is measured in the same session
on the same machine (the JSON records the checkout's commit). ``--engine``, ``--workers``
and ``--scheduler`` are passed to ``textmine train`` only when given here (and refused,
clearly, when the measured CLI lacks them); with ``--ingest-engine`` to ``textmine ingest``
too, which then does the linguistic analysis (it moves from the training to the import).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO = Path(__file__).resolve().parents[1]
CORPUS, FIRST, SECOND = "scale", "m1", "m2"
MIB = 1024 * 1024
APP_PAGES = {"Thèmes": "app_pages/themes.py", "Thème": "app_pages/theme.py"}
_CLI_MAIN = "import sys; from textmine.cli import main; sys.exit(main())"
_MARKER = ".bench_scale"


@dataclass(slots=True)
class Step:
    """One measured process."""

    seconds: float
    peak_rss_mib: float
    returncode: int
    log: str


@dataclass(slots=True)
class Target:
    """The textmine being measured: how to run its CLI and its app."""

    cli: list[str]
    python: str
    app: Path
    env: dict[str, str] = field(default_factory=dict)
    commit: str | None = None

    def textmine(self, *args: str) -> list[str]:
        return [*self.cli, *args]


# ---------------------------------------------------------------------------- processes


def _tree_rss(process) -> int:  # noqa: ANN001
    import psutil

    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_step(command: list[str], env: dict[str, str], cwd: Path, log: Path) -> Step:
    """Run ``command`` to its end, its output in ``log``: wall time and peak RSS of its process tree."""
    import psutil

    peak = 0
    done = threading.Event()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        watched = psutil.Process(process.pid)

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(watched))
                done.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            returncode = process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait()
            raise
        finally:
            elapsed = time.perf_counter() - start
            done.set()
            sampler.join()
    return Step(round(elapsed, 2), round(peak / MIB, 1), returncode, str(log))


def _check(step: Step, what: str) -> None:
    if step.returncode != 0:
        tail = Path(step.log).read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        raise StepFailed(f"{what} a échoué (code {step.returncode}). Fin du journal {step.log} :\n" + "\n".join(tail))


class StepFailed(Exception):
    """A measured step exited with an error: the message is in French."""


def _help(target: Target, command: str, env: dict[str, str]) -> str:
    done = subprocess.run(target.textmine(command, "--help"), env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"« textmine {command} --help » a échoué avec {' '.join(target.cli)} :\n{done.stderr[-2000:]}")
    return done.stdout


# ---------------------------------------------------------------------------- sizes on disk


def folder_bytes(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except FileNotFoundError:
                continue
    return total


def disk_usage(home: Path) -> dict[str, float]:
    """Workspace, store (with its WAL and shared memory), embedding cache and models, in MiB."""
    store = sum(p.stat().st_size for p in home.glob("textmine.sqlite*") if p.is_file())
    return {
        "espace_mib": round(folder_bytes(home) / MIB, 1),
        "base_mib": round(store / MIB, 1),
        "cache_plongements_mib": round(folder_bytes(home / "cache" / "embeddings") / MIB, 1),
        "cache_mib": round(folder_bytes(home / "cache") / MIB, 1),
        "modeles_mib": round(folder_bytes(home / "models") / MIB, 1),
    }


# ---------------------------------------------------------------------------- the app


def app_timing(argv: list[str]) -> None:
    """In a child process: render the app's screens, write the timings as JSON.

    argv: APP_FILE OUT_JSON RUNS; TEXTMINE_HOME names the workspace.
    """
    from bench_app import render  # this script's folder is on the path: it runs as a script

    app_file, out, runs = argv[0], Path(argv[1]), int(argv[2])
    result: dict[str, Any] = {}
    for name, page in APP_PAGES.items():
        cold, errors = render(page, app_file, timeout=3600)
        warm = [render(page, app_file, timeout=3600)[0] for _ in range(runs)]
        result[name] = {"froid_s": round(cold, 2), "chaud_s": round(statistics.median(warm), 2),
                        "chaud_tous_s": [round(w, 2) for w in warm], "erreurs": errors}
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------------------- one workspace


def _card(home: Path, model: str) -> dict[str, Any]:
    path = home / "models" / model / "card.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StepFailed(f"Carte du modèle absente : {path}") from None


def _durations(card: dict[str, Any]) -> dict[str, float]:
    found = dict(card.get("durations", {}))
    stability = card.get("stability")
    if isinstance(stability, dict) and "seconds" in stability:
        found.setdefault("stability", stability["seconds"])
    return found


def _fresh_workspace(home: Path) -> None:
    if home.exists():
        if not (home / _MARKER).exists():
            raise SystemExit(f"{home} existe et n'a pas été créé par ce banc : choisissez un autre dossier --keep.")
        shutil.rmtree(home)
    home.mkdir(parents=True)
    (home / _MARKER).write_text("espace de travail de bench/bench_scale.py\n", encoding="utf-8")


def measure(target: Target, csv_path: Path, home: Path, logs: Path, train_options: list[str],
            ingest_options: list[str], app_runs: int) -> dict[str, Any]:
    """Every step on one corpus in a fresh workspace (``logs`` beside it); the raw figures."""
    _fresh_workspace(home)
    logs.mkdir(parents=True, exist_ok=True)
    env = {**target.env, "TEXTMINE_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    result: dict[str, Any] = {"espace": str(home), "journaux": str(logs)}

    step = run_step(target.textmine("ingest", str(csv_path), "--corpus", CORPUS, "--text-column", "texte",
                                    "--id-column", "id", *ingest_options), env, home, logs / "ingest.log")
    result["import"] = asdict(step)
    _check(step, "L'import")

    step = run_step(target.textmine("train", "--corpus", CORPUS, "--model", FIRST, *train_options),
                    env, home, logs / "train.log")
    result["entrainement"] = asdict(step)
    _check(step, "L'entraînement")
    card = _card(home, FIRST)
    result["etapes"] = _durations(card)
    result["carte"] = {"corpus": card.get("corpus"), "metrics": card.get("metrics"),
                       "parameters": card.get("parameters"), "sentiment_backend": card.get("sentiment_backend"),
                       "versions": card.get("versions")}
    result["disque_apres_entrainement"] = disk_usage(home)

    step = run_step(target.textmine("train", "--corpus", CORPUS, "--model", SECOND, "--seed", "43", *train_options),
                    env, home, logs / "retrain.log")
    result["reentrainement"] = asdict(step)
    _check(step, "Le réentraînement")
    result["etapes_reentrainement"] = _durations(_card(home, SECOND))

    timings = logs / "app.json"
    step = run_step([target.python, str(Path(__file__).resolve()), "--app-timing", str(target.app), str(timings),
                     str(app_runs)], env, target.app.parent, logs / "app.log")
    result["app"] = asdict(step)
    _check(step, "L'affichage de l'app")
    result["ecrans"] = json.loads(timings.read_text(encoding="utf-8"))
    result["disque"] = disk_usage(home)
    return result


# ---------------------------------------------------------------------------- tables


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


KNOWN_STAGES = ("analyse", "embeddings", "topics", "sentiment", "stability")


def tables(results: list[dict[str, Any]]) -> str:
    done = [r for r in results if "etapes" in r]
    if not done:
        return "Aucune mesure complète."
    durations, memory, extra = [], [], []
    for r in done:
        stages, card = r.get("etapes", {}), r.get("carte", {})
        train_s = r["entrainement"]["seconds"]
        retrain_s = r.get("reentrainement", {}).get("seconds")
        screens = r.get("ecrans", {})
        durations.append([
            str(r["taille"]), r["moteur"], _f((card.get("corpus") or {}).get("documents")),
            _f((card.get("metrics") or {}).get("segments")), _f(r["import"]["seconds"]),
            *(_f(stages.get(k)) for k in KNOWN_STAGES),
            _f(train_s - sum(v for v in stages.values() if isinstance(v, (int, float)))), _f(train_s), _f(retrain_s),
            _f(retrain_s / train_s, 2) if retrain_s and train_s else "—",
            _f(screens.get("Thèmes", {}).get("froid_s"), 2), _f(screens.get("Thèmes", {}).get("chaud_s"), 2),
            _f(screens.get("Thème", {}).get("froid_s"), 2), _f(screens.get("Thème", {}).get("chaud_s"), 2),
        ])
        disk = r.get("disque") or r.get("disque_apres_entrainement", {})
        memory.append([
            str(r["taille"]), r["moteur"], _f(r["import"]["peak_rss_mib"], 0), _f(r["entrainement"]["peak_rss_mib"], 0),
            _f(r.get("reentrainement", {}).get("peak_rss_mib"), 0), _f(r.get("app", {}).get("peak_rss_mib"), 0),
            _f(disk.get("base_mib")), _f(disk.get("cache_plongements_mib")), _f(disk.get("cache_mib")),
            _f(disk.get("modeles_mib")), _f(disk.get("espace_mib")),
        ])
        others = {k: v for k, v in stages.items() if k not in KNOWN_STAGES}
        if others:
            extra.append(f"  {r['taille']} / {r['moteur']} : " + ", ".join(f"{k} {v} s" for k, v in others.items()))
        for name, screen in screens.items():
            if screen.get("erreurs"):
                extra.append(f"  {r['taille']} / {r['moteur']} : l'écran « {name} » affiche une erreur : "
                             + " | ".join(screen["erreurs"]))
    out = ["Durées (secondes ; hors étapes : démarrage, lecture et écriture du modèle ; ratio : réentraînement / "
           "entraînement ; écrans : 1er affichage, puis médiane à chaud)",
           _table(["docs", "moteur", "documents", "segments", "import", "analyse", "plongements", "thèmes",
                   "tonalité", "stabilité", "hors étapes", "entraînement", "réentraînement", "ratio", "Thèmes 1er",
                   "Thèmes chaud", "Thème 1er", "Thème chaud"], durations),
           "",
           "Mémoire (pic RSS de l'arbre de processus, Mio) et disque (Mio)",
           _table(["docs", "moteur", "RSS import", "RSS entraînement", "RSS réentraînement", "RSS app", "base",
                   "cache plongements", "cache total", "modèles", "espace total"], memory)]
    if extra:
        out += ["", "Autres durées et remarques :", *extra]
    return "\n".join(out)


# ---------------------------------------------------------------------------- main


def _target(args: argparse.Namespace) -> Target:
    env = dict(os.environ)
    repo = Path(args.repo).resolve() if args.repo else REPO
    if args.repo:
        if not (repo / "src" / "textmine").is_dir():
            raise SystemExit(f"{repo} n'est pas un dépôt textmine (src/textmine absent).")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repo / "src"), env.get("PYTHONPATH")]))
    venv_python = repo / ".venv" / "bin" / "python"
    python = args.python or (str(venv_python) if venv_python.exists() else str(REPO / ".venv" / "bin" / "python"))
    if not Path(python).exists():
        raise SystemExit(f"Interpréteur Python introuvable : {python}")
    script = REPO / ".venv" / "bin" / "textmine"
    cli = [python, "-c", _CLI_MAIN] if (args.repo or args.python or not script.exists()) else [str(script)]
    return Target(cli, python, repo / "app.py", env, _commit(repo))


def _commit(repo: Path) -> str | None:
    """The checkout's commit, with « +modifications » when tracked files differ from it."""
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        return None
    changed = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                             capture_output=True, text=True)
    return head.stdout.strip() + (" +modifications" if changed.stdout.strip() else "")


def _options(args: argparse.Namespace, target: Target) -> tuple[list[list[str]], list[list[str]], list[str]]:
    """Per engine: train options and ingest options; and the engine names for the table."""
    common: list[str] = []
    for flag, value in (("--embedding", args.embedding), ("--sentiment", args.sentiment),
                        ("--stability", args.stability), ("--min-topic-size", args.min_topic_size)):
        if value is not None:
            common += [flag, str(value)]
    engines = args.engine or [None]
    distributed: list[str] = []
    for flag, value in (("--workers", args.workers), ("--scheduler", args.scheduler)):
        if value is not None:
            distributed += [flag, str(value)]
    if args.engine or distributed:
        helps = {"train": _help(target, "train", target.env)}
        if args.ingest_engine:
            helps["ingest"] = _help(target, "ingest", target.env)
        for command, text in helps.items():
            for flag in (["--engine"] if args.engine else []) + distributed[::2]:
                if flag not in text:
                    raise SystemExit(f"Ce textmine ({' '.join(target.cli)}) n'a pas l'option {flag} "
                                     f"de « textmine {command} ».")
    per_engine = [(["--engine", e] if e else []) + distributed for e in engines]
    ingest = per_engine if args.ingest_engine else [[] for _ in engines]
    return [common + p for p in per_engine], ingest, [e or "défaut" for e in engines]


def _corpus(size: int, args: argparse.Namespace, folder: Path, built: dict[str, Any]) -> Path:
    """The CSV of ``size`` documents, reused from ``folder`` when there."""
    from scale_corpus import generate, load_sources, write_csv

    path = folder / f"corpus-{size}-graine{args.seed}{'-demo' if args.no_shared else ''}.csv"
    if path.exists():
        return path
    if "rows" not in built:
        built["sources"] = load_sources(shared=not args.no_shared)
        built["rows"], built["stats"] = generate(built["sources"], max(args.sizes), args.seed)
    write_csv(built["rows"][:size], path)
    return path


def _write_json(path: Path, data: dict[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temporary, path)


def build_only(args: argparse.Namespace, folder: Path) -> None:
    from scale_corpus import describe, generate, load_sources, write_csv

    start = time.perf_counter()
    sources = load_sources(shared=not args.no_shared)
    loaded = time.perf_counter()
    rows, stats = generate(sources, max(args.sizes), args.seed)
    print(f"Sources lues en {loaded - start:.1f} s : " + ", ".join(f"{f.name} ({len(f.documents)})" for f in sources))
    for size in sorted(args.sizes):
        print(f"\n--- {size} documents")
        print("\n".join(describe(sources, rows[:size], stats.prefix(size))))
    clock = time.perf_counter()
    for size in args.sizes:
        path = folder / f"corpus-{size}-graine{args.seed}{'-demo' if args.no_shared else ''}.csv"
        write_csv(rows[:size], path)
        print(f"{path} : {path.stat().st_size / MIB:.1f} Mio")
    print(f"\nCSV écrits en {time.perf_counter() - clock:.1f} s ; total {time.perf_counter() - start:.1f} s.")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], metavar="N",
                        help="nombres de documents (1000 10000 par défaut)")
    parser.add_argument("--seed", type=int, default=0, help="graine du corpus généré (0 par défaut)")
    parser.add_argument("--no-shared", action="store_true", help="phrases du corpus de démonstration seulement")
    parser.add_argument("--embedding", help="passé à textmine train (défaut de la CLI sinon)")
    parser.add_argument("--sentiment", help="passé à textmine train")
    parser.add_argument("--stability", type=int, help="passé à textmine train")
    parser.add_argument("--min-topic-size", type=int, help="passé à textmine train")
    parser.add_argument("--engine", nargs="+", help="moteur(s) de textmine train, une mesure par moteur")
    parser.add_argument("--workers", type=int, help="passé à textmine train")
    parser.add_argument("--scheduler", help="passé à textmine train (planificateur Dask déjà lancé)")
    parser.add_argument("--ingest-engine", action="store_true",
                        help="passe aussi --engine (et --workers, --scheduler) à textmine ingest : "
                             "l'analyse linguistique se fait alors à l'import")
    parser.add_argument("--app-runs", type=int, default=3, help="affichages à chaud par écran (3 par défaut)")
    parser.add_argument("--repo", help="autre dépôt textmine à mesurer (son src/ et son app.py)")
    parser.add_argument("--python", help="interpréteur Python qui lance textmine")
    parser.add_argument("--keep", type=Path, help="dossier où garder corpus et espaces de travail")
    parser.add_argument("--json", type=Path, help="fichier JSON des mesures brutes")
    parser.add_argument("--build-only", action="store_true", help="construit les corpus et décrit leurs longueurs")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.sizes):
        parser.error("--sizes : chaque taille doit être au moins 1.")
    if args.ingest_engine and not args.engine:
        parser.error("--ingest-engine va avec --engine.")
    if args.app_runs < 1:
        parser.error("--app-runs doit être au moins 1.")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--app-timing"]:
        app_timing(argv[1:])
        return 0
    args = parse_args(argv)
    folder = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="bench-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if args.build_only:
            build_only(args, folder)
            return 0
        return run(args, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> int:
    target = _target(args)
    train_options, ingest_options, engines = _options(args, target)
    data: dict[str, Any] = {
        "commande": sys.argv, "cible": {"cli": target.cli, "app": str(target.app), "commit": target.commit},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "corpus": {"graine": args.seed, "grand_debat": not args.no_shared}, "mesures": [],
    }
    built: dict[str, Any] = {}
    status = 0
    for size in args.sizes:
        clock = time.perf_counter()
        csv_path = _corpus(size, args, folder, built)
        print(f"Corpus de {size} documents : {csv_path} ({time.perf_counter() - clock:.1f} s)", flush=True)
        for engine, train, ingest in zip(engines, train_options, ingest_options):
            label = engine if engine != "défaut" else "defaut"
            home, logs = folder / f"espace-{size}-{label}", folder / f"journaux-{size}-{label}"
            entry: dict[str, Any] = {"taille": size, "moteur": engine, "corpus_csv": str(csv_path),
                                     "options_train": train, "options_import": ingest}
            data["mesures"].append(entry)
            print(f"  {size} documents, moteur {engine} : {' '.join(train) or 'options par défaut'}…", flush=True)
            try:
                entry.update(measure(target, csv_path, home, logs, train, ingest, args.app_runs))
            except StepFailed as error:
                entry["erreur"] = str(error)
                hint = "" if args.keep else "\n  (les journaux sont supprimés à la fin : --keep DIR pour les garder)"
                print(f"  {error}{hint}", file=sys.stderr)
                status = 1
            if args.json:
                _write_json(args.json, data)
    print()
    print(tables(data["mesures"]))
    if args.json:
        print(f"\nMesures brutes : {args.json}")
    return status


if __name__ == "__main__":
    sys.exit(main())
