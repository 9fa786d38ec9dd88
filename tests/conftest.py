"""Shared fixtures: a fresh workspace per test, and the CLI called in-process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from textmine.cli import main
from textmine.workspace import Workspace

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    home = tmp_path / "espace"
    monkeypatch.setenv("TEXTMINE_HOME", str(home))
    return Workspace(home)


@pytest.fixture
def cli(workspace: Workspace, capsys: pytest.CaptureFixture[str]):
    """Run ``textmine`` in-process: returns (exit status, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            status = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors and --help
            status = exc.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


def textmine_executable() -> str:
    """The real console script installed with the package."""
    candidate = Path(sys.executable).parent / "textmine"
    return str(candidate) if candidate.exists() else shutil.which("textmine") or "textmine"


@pytest.fixture
def real_cli(workspace: Workspace):
    """Run the installed ``textmine`` command in a subprocess."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [textmine_executable(), *map(str, args)],
            capture_output=True, text=True, cwd=cwd, env={**os.environ}, timeout=120,
        )

    return run


DEMO_OPTIONS = dict(embedding="tfidf-svd", seed=3, sentiment="lexique", stability=2)


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory) -> Workspace:
    """The whole demo corpus with its model « demo » (fast tfidf-svd vectors, lexicon tone), built once.

    Tests must not change it: copy it first (see ``demo_copy``).
    """
    from textmine.demo import ingest_demo
    from textmine.pipeline import TrainOptions, train

    workspace = Workspace(tmp_path_factory.mktemp("demo"))
    ingest_demo(workspace.open_store())
    train(workspace, "demo", "demo", TrainOptions(**DEMO_OPTIONS))
    return workspace


@pytest.fixture
def demo_copy(demo_workspace: Workspace, workspace: Workspace, tmp_path: Path, monkeypatch) -> Workspace:
    """A private copy of the demo workspace, as TEXTMINE_HOME."""
    home = tmp_path / "demo-copie"
    shutil.copytree(demo_workspace.home, home)
    monkeypatch.setenv("TEXTMINE_HOME", str(home))
    return Workspace(home)
