"""The study report as one self-contained HTML page: inline CSS, charts as base64 PNG, no script.

Every text that comes from the corpus or the user (quotes, labels, metadata
values, codebook definitions) goes through :func:`html.escape`; the page has
no script and loads nothing, so it opens the same offline, in a mail client or
printed (each main part starts on a new page).
"""

from __future__ import annotations

import base64
from html import escape

from .content import Report, Table, ThemeSection
from .method import Part

_CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 15px; line-height: 1.5;
       color: #1c1c1c; background: #fff; max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem; }
header.cover { border-bottom: 3px solid #2c5f8a; padding: 3rem 0 2rem; margin-bottom: 2rem; }
header.cover h1 { font-size: 2.1rem; margin: 0 0 1rem; color: #2c5f8a; }
header.cover p { font-size: 1.1rem; margin: .3rem 0; }
h2 { color: #2c5f8a; border-bottom: 1px solid #c9d6e3; padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { margin-top: 1.8rem; }
h4 { margin: 1.2rem 0 .4rem; color: #444; }
nav ol { columns: 2; font-size: .9rem; }
nav ul { list-style: none; padding-left: 0; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .88rem; }
th, td { border: 1px solid #c9d6e3; padding: .25rem .45rem; text-align: left; vertical-align: top; }
thead th { background: #e8eef5; }
table.facts th { width: 32%; background: #f4f7fa; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
figure { margin: 1rem 0 1.6rem; }
figure img { max-width: 100%; height: auto; }
figcaption, p.note { font-size: .85rem; color: #555; font-style: italic; }
.definition { font-style: italic; }
blockquote { margin: .7rem 0; padding: .4rem .9rem; border-left: 4px solid #2c5f8a; background: #f6f8fa; }
blockquote cite { display: block; font-size: .85rem; color: #555; font-style: normal; margin-top: .2rem; }
section.part, section.theme { break-inside: auto; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  section.main { break-before: page; }
  section.theme { break-before: page; }
  tr, blockquote, figure { break-inside: avoid; }
  thead { display: table-header-group; }
}
"""


def render(report: Report) -> bytes:
    """The report as the bytes of a UTF-8 .html file."""
    out = ["<!DOCTYPE html>", '<html lang="fr">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(report.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>"]
    out += ['<header class="cover">', f"<h1>{escape(report.title)}</h1>"]
    out += [f"<p>{escape(line)}</p>" for line in report.cover]
    out.append("</header>")
    out += _contents(report)
    out += ['<section class="main" id="methode">', "<h2>Méthode</h2>"]
    for part in report.method:
        out += _part(part)
    out.append("</section>")
    out += ['<section class="main" id="synthese">', "<h2>Synthèse des thèmes</h2>", *_table(report.summary)]
    out += [f'<p class="note">{escape(note)}</p>' for note in report.summary_notes]
    for figure in report.figures:
        out.append(f"<h3>{escape(figure.title)}</h3>")
        if figure.png is None:
            out.append(f'<p class="note">{escape(figure.caption)}</p>')
            continue
        data = base64.b64encode(figure.png).decode("ascii")
        out += ["<figure>", f'<img src="data:image/png;base64,{data}" alt="{escape(figure.title)}">',
                f"<figcaption>{escape(figure.caption)}</figcaption>", "</figure>"]
    out.append("</section>")
    out += ['<section class="main" id="themes">', "<h2>Les thèmes</h2>",
            "<p>Chaque thème, du plus grand au plus petit : sa définition quand il relève du codebook, ses mots-clés, "
            "sa place dans le corpus et des citations représentatives avec leur source.</p>"]
    for theme in report.themes:
        out += _theme(theme, report.column)
    out += ["</section>", "</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")


def _contents(report: Report) -> list[str]:
    """A table of contents (plain links: no script)."""
    themes = [f'<li><a href="#theme-{t.topic}">{escape(t.label)}</a></li>' for t in report.themes]
    return ['<nav aria-label="Sommaire">', "<h2>Sommaire</h2>", "<ul>",
            '<li><a href="#methode">Méthode</a></li>', '<li><a href="#synthese">Synthèse des thèmes</a></li>',
            '<li><a href="#themes">Les thèmes</a>', "<ol>", *themes, "</ol>", "</li>", "</ul>", "</nav>"]


def _part(part: Part) -> list[str]:
    out = ['<section class="part">', f"<h3>{escape(part.title)}</h3>"]
    out += [f"<p>{escape(text)}</p>" for text in part.text if text]
    if part.facts:
        out.append('<table class="facts">')
        out += [f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in part.facts]
        out.append("</table>")
    out.append("</section>")
    return out


def _numeric(text: str) -> bool:
    return bool(text) and (text[0].isdigit() or text[0] in "+\u2212×—")


def _table(data: Table) -> list[str]:
    out = ["<table>", "<thead><tr>", *(f'<th scope="col">{escape(h)}</th>' for h in data.header), "</tr></thead>",
           "<tbody>"]
    for row in data.rows:
        cells = "".join(f'<td class="num">{escape(c)}</td>' if _numeric(c) else f"<td>{escape(c)}</td>" for c in row)
        out.append(f"<tr>{cells}</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _theme(theme: ThemeSection, column: str | None) -> list[str]:
    out = [f'<section class="theme" id="theme-{theme.topic}">', f"<h3>{theme.number}. {escape(theme.label)}</h3>"]
    if theme.definition:
        out.append(f'<p class="definition">{escape(theme.definition)}</p>')
    facts = ([("Mots-clés", ", ".join(theme.terms))] if theme.terms else []) + theme.facts
    out.append('<table class="facts">')
    out += [f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in facts]
    out.append("</table>")
    if theme.stability:
        out.append(f"<p>{escape(theme.stability)}</p>")
    out.append(f"<h4>Selon « {escape(column)} »</h4>" if column else "<h4>Selon une métadonnée</h4>")
    if theme.spread is not None:
        out += _table(theme.spread)
    if theme.spread_note:
        out.append(f'<p class="note">{escape(theme.spread_note)}</p>')
    out.append("<h4>Citations</h4>")
    if theme.quotes_note:
        out.append(f"<p>{escape(theme.quotes_note)}</p>")
    for quote in theme.quotes:
        text = " ".join(quote.text.split())
        out.append(f"<blockquote><p>« {escape(text)} »</p><cite>— {escape(quote.citation.reference())}</cite>"
                   "</blockquote>")
    out.append("</section>")
    return out
