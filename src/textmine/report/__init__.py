"""A study report in one file: method, summary of the themes with charts, one section per theme with quotes.

``content`` gathers what the report says from a model (through the same views
as the app), ``charts`` draws its figures (matplotlib, PNG), ``docx`` and
``html`` lay it out. The report is pseudonymised by default.

Examples:
    >>> from textmine.report import write                                      # doctest: +SKIP
    >>> write(workspace, "demo", Path("rapport.docx"), by="organisme", n=3)    # doctest: +SKIP
    PosixPath('rapport.docx')
"""

from __future__ import annotations

from pathlib import Path

from ..errors import TextmineError
from ..exchange.files import check_writable, replacing
from .content import MAX_QUOTES, Report, gather

#: Report format -> (file extensions, MIME type).
FORMATS = {
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "html": ((".html", ".htm"), "text/html"),
}

__all__ = ["FORMATS", "MAX_QUOTES", "Report", "build", "check_output", "gather", "render", "save", "write"]


def render(report: Report, fmt: str) -> bytes:
    """The bytes of the report's file in ``fmt`` (docx or html)."""
    if fmt == "docx":
        from .docx import render as docx

        return docx(report)
    if fmt == "html":
        from .html import render as html

        return html(report)
    raise TextmineError(f"Format de rapport inconnu « {fmt} » : docx ou html.")


def build(workspace, model: str, fmt: str, pseudonymise: bool = True, n: int = 5,  # noqa: ANN001
          by: str | None = None) -> bytes:
    """The report of ``model`` as the bytes of a DOCX or HTML file.

    Raises:
        TextmineError: unknown model, format or column; ``n`` out of range.
    """
    from ..quotes.index import load_index

    if fmt not in FORMATS:
        raise TextmineError(f"Format de rapport inconnu « {fmt} » : docx ou html.")
    return render(gather(load_index(workspace, model), pseudonymise, n, by), fmt)


def check_output(out: Path) -> str:
    """The report format named by ``out``'s extension, once sure the file can be written.

    Raises:
        TextmineError: unknown extension, missing folder, no rights (French messages).
    """
    out = Path(out)
    suffix = out.suffix.lower()
    fmt = next((name for name, (suffixes, _) in FORMATS.items() if suffix in suffixes), None)
    if fmt is None:
        raise TextmineError(f"Extension inconnue « {out.suffix or '(aucune)'} » pour {out.name} : le rapport s'écrit "
                            "en .docx (Word) ou en .html (page web).")
    check_writable(out)
    return fmt


def save(report: Report, out: Path) -> Path:
    """Write a gathered report to ``out`` (format from the extension), atomically: no partial file on error."""
    out = Path(out)
    fmt = check_output(out)
    data = render(report, fmt)
    with replacing(out) as tmp:
        tmp.write_bytes(data)
    return out


def write(workspace, model: str, out: Path, pseudonymise: bool = True, n: int = 5,  # noqa: ANN001
          by: str | None = None) -> Path:
    """Write the report of ``model`` to ``out`` (.docx or .html); the path is checked before any work.

    Raises:
        TextmineError: unknown model, extension or column; folder missing or not writable.
    """
    from ..quotes.index import load_index

    check_output(out)
    return save(gather(load_index(workspace, model), pseudonymise, n, by), out)
