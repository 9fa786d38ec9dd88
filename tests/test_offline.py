"""Offline, proven: the default commands and the app work with no network at all, and try none.

Every command is the installed ``textmine`` started by ``unshare --net``: a new network
namespace whose only interface is the loopback, brought up so that the app can serve
localhost (each run checks that ``ip -o link`` shows nothing else). HF_HUB_OFFLINE and
TRANSFORMERS_OFFLINE are removed from the environment: the defaults must not need them.

An audit hook (a ``sitecustomize`` module on PYTHONPATH) records every connection and name
lookup that Python code attempts, in textmine and in every library it loads: the test shows
that nothing *tried* to leave the machine, not only that nothing needed to.

Run with ``-s`` to see the transcript.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import textmine_executable

DEMO_TESTIMONIES = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "temoignages.csv"
HF_OFFLINE_SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")
#: Backends named in the environment would hide the real defaults.
BACKEND_CHOICES = ("TEXTMINE_EMBEDDING", "TEXTMINE_SENTIMENT")

# In the new namespace: loopback up, no other interface, then the command.
NAMESPACE_SHELL = (
    'ip link set lo up || exit 90; '
    'if ip -o link | grep -v "^1: lo:"; then echo "interface réseau inattendue" >&2; exit 91; fi; '
    'exec "$@"'
)

AUDIT_HOOK = '''
import json, os, sys

_LOG = os.environ.get("TEXTMINE_TEST_NETWORK_LOG")
_EVENTS = {"socket.connect", "socket.sendto", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"}


def _write(event, args):
    try:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps({"pid": os.getpid(), "event": event, "args": args}, default=repr) + "\\n")
    except OSError:
        pass


def _record(event, args):
    if event in _EVENTS:
        _write(event, args[1:] if event in ("socket.connect", "socket.sendto") else args)  # not the socket


if _LOG:
    _write("start", sys.orig_argv)  # proves that this process was watched
    sys.addaudithook(_record)
'''

# Run inside the namespace: start the app, ask it for three pages, stop it.
APP_PROBE = '''
import json, subprocess, sys, time, urllib.error, urllib.request

textmine, port, *options = sys.argv[1:]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
server = subprocess.Popen([textmine, "app", "--port", port, *options], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
answers = {}
deadline = time.monotonic() + 90
try:
    for path in ("/_stcore/health", "/", "/_stcore/script-health-check"):
        while path not in answers:
            try:
                with opener.open(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
                    answers[path] = [response.status, response.read().decode("utf-8", "replace")]
            except urllib.error.HTTPError as exc:
                answers[path] = [exc.code, exc.read(300).decode("utf-8", "replace")]
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    answers[path] = [None, "pas de réponse"]
                time.sleep(0.3)
finally:
    server.terminate()
    try:
        output = server.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        server.kill()
        output = server.communicate()[0]
print(json.dumps({"answers": answers, "exit": server.returncode, "output": output[-3000:]}, ensure_ascii=False))
'''


def _unshare_works() -> str | None:
    """Why the namespace cannot be made here, or None when it can."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return "unshare ou ip absent (util-linux, iproute2)"
    try:
        probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unshare --net impossible : {exc}"
    if probe.returncode != 0:
        return (
            f"unshare --net impossible ({probe.stderr.strip()}) : il faut être root ou avoir les espaces "
            "de noms utilisateur"
        )
    return None


_CANNOT_UNSHARE = _unshare_works()
pytestmark = pytest.mark.skipif(_CANNOT_UNSHARE is not None, reason=_CANNOT_UNSHARE or "")


@dataclass
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    attempts: list[dict]


class OfflineMachine:
    """Runs commands in a fresh network namespace each, in one workspace, and keeps a transcript."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "espace"
        hooks = root / "hooks"
        hooks.mkdir(parents=True)
        (hooks / "sitecustomize.py").write_text(AUDIT_HOOK, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in HF_OFFLINE_SWITCHES + BACKEND_CHOICES}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hooks), env.get("PYTHONPATH")]))
        env["TEXTMINE_HOME"] = str(self.home)
        self.env = env
        self.runs = 0

    def run(self, *args: str, timeout: float = 300, env: dict[str, str] | None = None) -> Run:
        self.runs += 1
        log = self.root / f"reseau-{self.runs}.jsonl"
        command = ["unshare", "--net", "sh", "-c", NAMESPACE_SHELL, "sh", *args]
        start = time.monotonic()
        result = subprocess.run(
            command, capture_output=True, text=True, cwd=self.root, timeout=timeout,
            env={**self.env, **(env or {}), "TEXTMINE_TEST_NETWORK_LOG": str(log)},
        )
        attempts = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        return Run(args, result.returncode, result.stdout, result.stderr, time.monotonic() - start, attempts)

    def textmine(self, *args: str) -> Run:
        run = self.run(textmine_executable(), *args)
        show(run, ["textmine", *args], run.stdout.splitlines())
        return run


def show(run: Run, shown: list[str], lines: list[str], limit: int = 8) -> None:
    """One command of the transcript: what ran, its status and duration, its first lines of output."""
    print(f"\n$ unshare --net … {' '.join(shown)}")
    processes = sum(a["event"] == "start" for a in run.attempts)
    print(f"  → code {run.returncode} en {run.seconds:.1f} s ; processus Python observés : {processes} ; "
          f"connexions ou résolutions de noms vers l'extérieur : {len(leaving(run.attempts))}")
    for line in lines[:limit]:
        print(f"  | {line}")
    if len(lines) > limit:
        print(f"  | … ({len(lines) - limit} lignes de plus)")


def leaving(attempts: list[dict]) -> list[dict]:
    """The recorded connections and name lookups aimed at anything but this machine."""
    return [a for a in attempts if a["event"] != "start" and not _is_local(_target(a))]


def watched(run: Run, program: str) -> bool:
    """True when the audit hook was active in a process of ``program`` (so that no attempt means none)."""
    return any(a["event"] == "start" and any(program in arg for arg in a["args"][:4]) for a in run.attempts)


def _target(attempt: dict) -> object:
    address = attempt["args"][0] if attempt["args"] else None
    if attempt["event"] in ("socket.connect", "socket.sendto"):
        # (host, port[, flowinfo, scope]) for IP sockets; a path (str or bytes) for Unix sockets
        return address[0] if isinstance(address, list) else "unix"
    return address


def _is_local(host: object) -> bool:
    if host in (None, "", "localhost", "unix"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def assert_ok(run: Run) -> None:
    assert run.returncode == 0, f"{run.args} → {run.returncode}\n{run.stdout[-2000:]}\n{run.stderr[-3000:]}"
    assert watched(run, "textmine"), "the audit hook did not load in textmine"
    assert leaving(run.attempts) == [], f"{run.args} a tenté de sortir de la machine : {leaving(run.attempts)}"


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> OfflineMachine:
    """A workspace with 60 demo testimonies imported and a model trained, all in namespaces without network."""
    machine = OfflineMachine(tmp_path_factory.mktemp("hors-ligne"))
    with DEMO_TESTIMONIES.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))[:60]
    with (machine.root / "temoignages.csv").open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with (machine.root / "avis.csv").open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=["texte"])
        writer.writeheader()
        writer.writerows({"texte": row["texte"]} for row in rows[:5])

    links = machine.run("ip", "-o", "link")
    show(links, ["ip", "-o", "link"], links.stdout.splitlines())
    assert links.returncode == 0, links.stderr
    assert [line.split(":")[1].strip() for line in links.stdout.splitlines()] == ["lo"]

    assert_ok(machine.textmine("ingest", "temoignages.csv", "--corpus", "hors-ligne"))
    assert_ok(machine.textmine(
        "train", "--corpus", "hors-ligne", "--model", "hors-ligne", "--embedding", "tfidf-svd",
        "--sentiment", "lexique", "--seed", "3",
    ))
    return machine


def test_quotes_by_query_offline(offline: OfflineMachine) -> None:
    run = offline.textmine("quotes", "--model", "hors-ligne", "--query", "charge de travail", "--n", "2")
    assert_ok(run)
    assert "## Requête : « charge de travail »" in run.stdout


def test_default_sentiment_offline(offline: OfflineMachine) -> None:
    run = offline.textmine("sentiment", "avis.csv", "--text-column", "texte", "--out", "avis-ton.csv")
    assert_ok(run)
    assert run.stdout.startswith("5 lignes analysées avec « defaut.")
    with (offline.root / "avis-ton.csv").open(encoding="utf-8") as written:
        assert len(list(csv.DictReader(written))) == 5


# On every interface, Streamlit's banner would ask checkip.amazonaws.com for the public address;
# inside the empty namespace, listening on 0.0.0.0 exposes nothing.
@pytest.mark.parametrize("options", [(), ("--host", "0.0.0.0")], ids=["127.0.0.1", "0.0.0.0"])
def test_app_serves_offline(offline: OfflineMachine, options: tuple[str, ...]) -> None:
    port = "8765"  # any port: the namespace is empty
    # the script health check runs app.py once on the server, the published model included
    run = offline.run(
        sys.executable, "-c", APP_PROBE, textmine_executable(), port, *options, timeout=180,
        env={"STREAMLIT_SERVER_SCRIPT_HEALTH_CHECK_ENABLED": "true"},
    )
    assert run.returncode == 0, run.stderr
    probe = json.loads(run.stdout)
    answers = probe["answers"]
    show(run, ["textmine", "app", "--port", port, *options],
         [f"GET {path} → {status} {text!r}" if len(text) < 20 else f"GET {path} → {status} ({len(text)} caractères)"
          for path, (status, text) in answers.items()]
         + [f"arrêt : code {probe['exit']}"])
    assert answers["/_stcore/health"] == [200, "ok"], probe["output"]
    assert answers["/"][0] == 200 and "<title>Streamlit</title>" in answers["/"][1], probe["output"]
    assert answers["/_stcore/script-health-check"] == [200, "ok"], probe["output"]
    assert probe["exit"] == 0, probe["output"]
    assert watched(run, "streamlit"), "the audit hook did not load in the Streamlit server"
    assert leaving(run.attempts) == [], leaving(run.attempts)
