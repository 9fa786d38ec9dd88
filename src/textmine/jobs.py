"""Long tasks run outside the app: training a model, preparing the demo.

The app writes a job file under ``<workspace>/jobs/`` and starts
``python -m textmine.jobs <workspace> <job id>`` as a separate process, which
records its progress in that file; every page only reads it. The browser
never freezes, other users are not blocked, and closing the page does not
stop the work.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import TextmineError
from .progress import Pace
from .themes.registry import write_json_atomic
from .workspace import Workspace

KINDS = ("train", "demo")
RUNNING, DONE, FAILED, INTERRUPTED = "en cours", "terminé", "échec", "interrompu"
_STAGES = {"analyse": "Analyse linguistique", "plongements": "Plongements", "thèmes": "Thèmes",
           "sentiment": "Sentiment", "import": "Import",
           "stabilité": "Stabilité des thèmes (le modèle est déjà enregistré et utilisable)"}


def _folder(workspace: Workspace) -> Path:
    folder = workspace.home / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def start(workspace: Workspace, kind: str, params: dict[str, Any] | None = None) -> str:
    """Start a job in its own process; returns its id at once."""
    if kind not in KINDS:
        raise TextmineError(f"Tâche inconnue « {kind} ».")
    params = params or {}
    if kind == "train":
        _check_train(workspace, params)
    for job in jobs(workspace):
        if job["status"] == RUNNING and job["kind"] == kind and job["params"].get("name") == params.get("name"):
            raise TextmineError("Une tâche identique est déjà en cours : attendez qu'elle se termine.")
    job_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    folder = _folder(workspace)
    write_json_atomic(folder / f"{job_id}.json", {
        "id": job_id, "kind": kind, "params": params, "status": RUNNING, "stage": "démarrage", "done": 0,
        "total": 0, "message": "", "started_at": _now(), "finished_at": None, "pid": None,
    })
    with (folder / f"{job_id}.log").open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "textmine.jobs", str(workspace.home), job_id],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            env={**os.environ, "TEXTMINE_HOME": str(workspace.home)},
        )
    _update(folder / f"{job_id}.json", pid=process.pid)
    return job_id


def _check_train(workspace: Workspace, params: dict[str, Any]) -> None:
    """Refuse bad parameters before starting a process (the same checks as ``train``)."""
    from .names import validate_name
    from .pipeline import TrainOptions
    from .themes.registry import Registry

    validate_name(params.get("name", ""), "modèle")
    workspace.open_store().corpus_info(params.get("corpus", ""))
    TrainOptions(**params.get("options", {}))
    if Registry(workspace.models_dir).exists(params["name"]) and not params.get("replace"):
        raise TextmineError(
            f"Le modèle « {params['name']} » existe déjà : choisissez un autre nom ou cochez « remplacer »."
        )


def read(workspace: Workspace, job_id: str) -> dict[str, Any]:
    path = _folder(workspace) / f"{job_id}.json"
    if not path.is_file():
        raise TextmineError(f"Tâche « {job_id} » introuvable.")
    job = json.loads(path.read_text(encoding="utf-8"))
    if job["status"] == RUNNING and job.get("pid") and not _alive(job["pid"]):
        message = "La tâche s'est arrêtée sans finir (processus interrompu) : relancez-la."
        if job["stage"] == "stabilité":
            message = ("La tâche s'est arrêtée pendant la mesure de stabilité : le modèle est enregistré et "
                       "utilisable, sans mesure de stabilité.")
        job = _update(path, status=INTERRUPTED, finished_at=_now(), message=message)
    return job


def jobs(workspace: Workspace) -> list[dict[str, Any]]:
    """Every job of the workspace, the most recent first."""
    found = []
    for path in sorted(_folder(workspace).glob("*.json"), reverse=True):
        try:
            found.append(read(workspace, path.stem))
        except (ValueError, OSError):
            continue
    return found


def describe(job: dict[str, Any]) -> str:
    """« Plongements : 120 / 880 — reste ≈ 3 min 20 s » — the job's stage in words."""
    from .progress import duration

    stage = _STAGES.get(job["stage"], job["stage"])
    if not job["total"]:
        return stage
    text = f"{stage} : {job['done']} / {job['total']}"
    if job.get("remaining") is not None and job["done"] < job["total"]:
        text += f" — reste ≈ {duration(job['remaining'])}"
    return text


def fraction(job: dict[str, Any]) -> float:
    order = ["démarrage", "import", "analyse", "plongements", "thèmes", "sentiment", "stabilité"]
    if job["status"] == DONE:
        return 1.0
    step = order.index(job["stage"]) if job["stage"] in order else 0
    within = job["done"] / job["total"] if job["total"] else 0.0
    return min(0.99, (step + within) / len(order))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a finished child not yet reaped is a zombie: not alive
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _update(path: Path, **changes: Any) -> dict[str, Any]:
    job = json.loads(path.read_text(encoding="utf-8"))
    job.update(changes)
    write_json_atomic(path, job)
    return job


def run(home: Path, job_id: str) -> int:
    """The job process: does the work and records progress and outcome."""
    workspace = Workspace(home)
    path = _folder(workspace) / f"{job_id}.json"
    job = json.loads(path.read_text(encoding="utf-8"))
    last = [0.0]
    pace = Pace()

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        remaining = pace.remaining(stage, done, total)
        if now - last[0] >= 0.5 or done == total:
            last[0] = now
            _update(path, stage=stage, done=done, total=total,
                    remaining=None if remaining is None else round(remaining))

    try:
        if job["kind"] == "demo":
            message = _run_demo(workspace, progress)
        else:
            message = _run_train(workspace, job["params"], progress)
    except TextmineError as exc:
        _update(path, status=FAILED, message=str(exc), finished_at=_now())
        return 1
    except Exception as exc:  # noqa: BLE001 - recorded for the user, with the log for details
        _update(path, status=FAILED, message=f"Erreur inattendue : {exc} (détails dans jobs/{job_id}.log).",
                finished_at=_now())
        raise
    _update(path, status=DONE, message=message, finished_at=_now())
    return 0


def _run_train(workspace: Workspace, params: dict[str, Any], progress) -> str:  # noqa: ANN001
    from .pipeline import TrainOptions, train

    report = train(workspace, params["corpus"], params["name"], TrainOptions(**params.get("options", {})),
                   replace=params.get("replace", False), publish=params.get("publish"), progress=progress)
    shown = " et publié" if report.published else ""
    steady = ""
    if report.stability:
        steady = f", stabilité {report.stability['ari_mean']:.2f}".replace(".", ",")
    return f"Modèle « {report.model} » entraîné{shown} : {report.metrics['themes']} thèmes{steady}."


def _run_demo(workspace: Workspace, progress) -> str:  # noqa: ANN001
    from .demo import prepare_demo

    return prepare_demo(workspace, progress)


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]), sys.argv[2]))
