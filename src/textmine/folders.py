"""Folders written whole: a model or a recorded analysis appears complete, or not at all.

The result is written into a hidden temporary folder beside its place, then renamed
into place under a lock: an interrupted run leaves nothing, and a reader never sees
half a result. A folder replaced is renamed away first and removed afterwards.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import TextmineError


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` (its ``.lock`` file), across processes."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def written_whole(folder: Path, name: str, replace: bool, raced: str) -> Iterator[Path]:
    """A temporary folder to write into, renamed to ``folder/name`` when the block ends without error.

    ``raced`` is the French message raised when ``folder/name`` appeared meanwhile and
    ``replace`` is false; the caller checks beforehand whether the name is free.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    tmp = folder / f".tmp-{name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        yield tmp
        old = None
        with locked(folder):
            if target.exists():
                if not replace:
                    raise TextmineError(raced)
                old = folder / f".old-{name}-{uuid.uuid4().hex[:8]}"
                os.rename(target, old)
            os.rename(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
