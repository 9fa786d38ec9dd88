"""Errors a user can cause, each with a French message that says what to fix.

The CLI and the app show ``str(error)`` as it is: one line, no traceback.
"""

from __future__ import annotations

import errno

_OS_REASONS = {
    errno.ENOSPC: "le disque est plein",
    errno.EACCES: "droits insuffisants",
    errno.EPERM: "droits insuffisants",
    errno.EROFS: "le disque est en lecture seule",
    errno.ENOENT: "ce chemin ne peut pas recevoir de fichier",
    errno.EISDIR: "c'est un dossier",
    errno.ENAMETOOLONG: "le nom est trop long",
}


def os_reason(error: OSError) -> str:
    """Why a file operation failed, in French when the cause is a common one."""
    return _OS_REASONS.get(error.errno, error.strerror or str(error))


class TextmineError(Exception):
    """Base class of every error caused by user input or workspace state."""


class InputFileError(TextmineError):
    """A file given to ingest is missing, unreadable or not of the announced format."""


class CorpusFormatError(TextmineError):
    """A file was read but its content cannot become documents (columns, quoting, rows)."""


class WorkspaceError(TextmineError):
    """The workspace store cannot be opened, is busy, or was written by a newer version."""


class InvalidNameError(TextmineError):
    """A corpus or model name contains characters that are not allowed."""


class NotFoundError(TextmineError):
    """A named corpus, model or column does not exist."""
