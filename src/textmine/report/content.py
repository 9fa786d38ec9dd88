"""What a study report says, gathered once from a model, then laid out as DOCX or HTML.

:func:`gather` reads the model's quote index and asks the same views as the app
(:mod:`textmine.views.overview`: theme table, breakdowns, years, tones) and the
same quote selection as the quote exports (:mod:`textmine.exchange.quote_pack`),
so that the report and the screens say the same numbers. The result is a
:class:`Report` of French strings, tables and PNG charts that the renderers
(:mod:`.docx`, :mod:`.html`) only lay out.

When pseudonymised (the default), one :class:`~textmine.quotes.pseudonymise.Pseudonymiser`
masks the quotes, the theme labels and the metadata values the report cites,
so that a person keeps one placeholder throughout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd

from ..errors import TextmineError
from ..exchange.quote_pack import QuotePack, Section, theme_section
from ..ingest.values import DATE, DECIMAL, INTEGER
from ..quotes.filters import Filters
from ..quotes.index import Quote, QuoteIndex
from ..quotes.pseudonymise import Pseudonymiser
from ..views import overview
from . import charts
from .method import Part, number, parts

#: Quotes per theme: at most this many.
MAX_QUOTES = 50
#: Over- or under-represented: the representation ratio, small groups drawn towards 1, beyond ×/÷ 2^0.5.
CONTRAST = 0.5


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Figure:
    """A chart and what it shows; ``png`` is None when it cannot be drawn, and ``caption`` says why."""

    title: str
    caption: str
    png: bytes | None = None


@dataclass
class ThemeSection:
    """One theme of the report: who it is, where it is found, and what people say in it."""

    number: int
    topic: int
    label: str
    facts: list[tuple[str, str]]
    definition: str | None
    terms: list[str]
    stability: str | None
    spread: Table | None
    spread_note: str | None
    quotes: list[Quote]
    quotes_note: str | None = None


@dataclass
class Report:
    """A study report, ready to lay out."""

    title: str
    cover: list[str]
    method: list[Part]
    summary: Table
    summary_notes: list[str]
    figures: list[Figure]
    themes: list[ThemeSection]
    pseudonymised: bool
    column: str | None

    @property
    def sections(self) -> int:
        """Headed sections: method and its parts, summary and its charts, the themes and each theme."""
        return 1 + len(self.method) + 1 + len(self.figures) + 1 + len(self.themes)


def gather(index: QuoteIndex, pseudonymise: bool = True, n: int = 5, by: str | None = None,
           pseudonymiser: Pseudonymiser | None = None, now: datetime | None = None) -> Report:
    """The report of a model (its quote index), over the whole corpus.

    Args:
        index: the model's quote index (:func:`textmine.quotes.index.load_index`).
        pseudonymise: mask personal data in quotes, labels and cited metadata values.
        n: quotes per theme (1 to 50).
        by: metadata column the themes are broken down by; None: « organisme » when
            the corpus has it, else its first column with 2 to 50 values.
        pseudonymiser: the one to use (e.g. with extra terms to hide).
        now: the report's date (now by default).

    Raises:
        TextmineError: ``n`` out of range, unknown column (the message lists the columns).
    """
    if not isinstance(n, int) or not 1 <= n <= MAX_QUOTES:
        raise TextmineError(f"Le nombre de citations par thème doit être compris entre 1 et {MAX_QUOTES}.")
    column = _column(index, by)
    now = now or datetime.now(timezone.utc)
    totals = overview.totals(index, None)
    table = overview.theme_table(index, None)
    names = overview.labels(index)
    topics = [int(t) for t in table["topic"]]
    pack, messages = _quote_pack(index, topics, names, n)
    masker = (pseudonymiser or Pseudonymiser()) if pseudonymise else None
    if masker is not None:
        pack = pack.pseudonymise(masker)
    mask = masker.replace if masker is not None else _same
    labels = {t: section.title for t, section in zip(topics, pack.sections)}
    renamed = {names[t]: labels[t] for t in topics}
    value = _value_mask(index, column, mask)
    return Report(
        title=f"Rapport d'étude — corpus « {index.corpus} »",
        cover=_cover(index, totals, pseudonymise, now),
        method=parts(index, totals, column, n, pseudonymise, mask, now),
        summary=_summary(table, labels, totals, index),
        summary_notes=_summary_notes(index),
        figures=_figures(index, table, labels, renamed, column, value),
        themes=[
            _theme(index, i, topic, labels[topic], table, section, message, column, totals, value)
            for i, (topic, section, message) in enumerate(zip(topics, pack.sections, messages), 1)
        ],
        pseudonymised=pseudonymise,
        column=column,
    )


def _same(text: str) -> str:
    return text


def _column(index: QuoteIndex, by: str | None) -> str | None:
    if by is not None:
        overview.column_values(index, by)  # the French error listing the columns
        return by
    columns = overview.breakdown_columns(index)
    if "organisme" in columns:
        return "organisme"
    return columns[0] if columns else None


def _value_mask(index: QuoteIndex, column: str | None, mask: Callable[[str], str]) -> Callable[[object], str]:
    """How a value of the breakdown column is written: numbers and years as they are, text masked."""
    if column is None or index.columns.get(column) in (INTEGER, DECIMAL, DATE):
        return str
    return lambda value: mask(str(value))


def _quote_pack(index: QuoteIndex, topics: list[int], names: dict[int, str], n: int
                ) -> tuple[QuotePack, list[str | None]]:
    sections, messages = [], []
    for topic in topics:
        section, result = theme_section(index, topic, n, Filters())
        sections.append(Section(names[topic], section.quotes, section.definition, section.terms))
        messages.append(result.message)
    return QuotePack(f"Citations par thème — {index.model.name}", sections), messages


def _cover(index: QuoteIndex, totals: overview.Totals, pseudonymise: bool, now: datetime) -> list[str]:
    from .. import __version__
    from .method import french_date

    return [
        f"Modèle « {index.model.name} » : {totals.themes} thèmes dans {number(totals.documents)} documents "
        f"({number(totals.segments)} segments)",
        f"Produit le {french_date(now)} avec textmine {__version__}",
        "Citations pseudonymisées" if pseudonymise else "Citations non pseudonymisées",
    ]


def _summary(table: pd.DataFrame, labels: dict[int, str], totals: overview.Totals, index: QuoteIndex) -> Table:
    tone, steady = totals.sentiment, bool(index.model.stability())
    header = ["N°", "Thème", "Thème du codebook", "Documents", "Part des documents", "Part des segments"]
    header += ["Ton moyen"] * tone + ["Stabilité"] * steady
    rows = []
    for i, row in enumerate(table.itertuples(index=False), 1):
        cells = [str(i), labels[int(row.topic)], row.codebook if isinstance(row.codebook, str) else "—",
                 number(int(row.documents)), overview.percent(row.documents / max(1, totals.documents)),
                 overview.percent(row.share)]
        if tone:
            cells.append(overview.signed(row.score) if pd.notna(row.score) else "—")
        if steady:
            cells.append(_stability_cell(row.stability))
        rows.append(cells)
    return Table(header, rows)


def _stability_cell(value: float | None) -> str:
    from ..themes.stability import level

    if value is None or pd.isna(value):
        return "—"
    return f"{overview.percent(value, 0)} ({level(value)})"


def _summary_notes(index: QuoteIndex) -> list[str]:
    notes = ["Documents : documents dont c'est le thème principal. Part des segments : part des passages du corpus "
             "rattachés au thème (un document peut traiter plusieurs thèmes)."]
    if not overview.has_sentiment(index):
        notes.append(overview.no_sentiment_message(index))
    steadiness = overview.stability_help(index)
    notes.append(f"Stabilité : {steadiness[0].lower()}{steadiness[1:]}" if steadiness else
                 "La stabilité des thèmes n'a pas été mesurée (un seul entraînement).")
    return notes


def _figures(index: QuoteIndex, table: pd.DataFrame, labels: dict[int, str], renamed: dict[str, str],
             column: str | None, value: Callable[[object], str]) -> list[Figure]:
    topics = [int(t) for t in table["topic"]]
    shown = [labels[t] for t in topics]
    figures = [Figure("Taille des thèmes", "Part des segments du corpus rattachés à chaque thème, du plus grand au "
                                           "plus petit.", charts.theme_sizes(shown, list(table["share"])))]
    figures.append(_spread_figure(index, renamed, column, value))
    figures.append(_time_figure(index, renamed))
    if overview.has_sentiment(index):
        # A theme whose segments have no stored tone (trained before its tone was computed) is left out.
        ordered = table.dropna(subset=["score"]).sort_values(["score", "topic"], kind="stable")
        png = charts.tones([labels[int(t)] for t in ordered["topic"]], list(ordered["tones"]), list(ordered["score"]))
        figures.append(Figure("Ton par thème", "Part des segments négatifs, neutres et positifs de chaque thème, du "
                                               "plus négatif au plus positif ; à droite, le ton moyen.", png))
    else:
        figures.append(Figure("Ton par thème", overview.no_sentiment_message(index)))
    return figures


def _spread_figure(index: QuoteIndex, renamed: dict[str, str], column: str | None,
                   value: Callable[[object], str]) -> Figure:
    if column is None:
        return Figure("Thèmes selon une métadonnée", "Le corpus n'a pas de colonne de métadonnées à au moins deux "
                                                     "valeurs : pas de répartition des thèmes à montrer.")
    title = f"Thèmes selon « {column} »"
    breakdown = overview.themes_by_column(index, column, None)
    if breakdown.message:
        return Figure(title, breakdown.message)
    shares = breakdown.shares.rename(columns=renamed, index=value)
    contrast = breakdown.contrast().rename(columns=renamed, index=value)
    caption = ("Chiffre : part (en %) des segments du groupe qui relèvent du thème. Couleur : rouge quand le thème "
               "est plus fréquent dans ce groupe que dans l'ensemble (sur-représenté), bleu quand il l'est moins "
               "(sous-représenté) ; pour les petits groupes, l'écart est atténué.")
    if breakdown.hidden:
        caption += f" {breakdown.hidden} valeurs peu fréquentes ne sont pas affichées."
    return Figure(title, caption, charts.representation(shares, contrast, column))


def _time_figure(index: QuoteIndex, renamed: dict[str, str]) -> Figure:
    evolution = overview.themes_over_time(index, None)
    if evolution.message:
        return Figure("Évolution dans le temps", evolution.message)
    shares = evolution.shares.rename(columns=renamed)
    drawn = shares.iloc[:, : charts.MAX_LINES]
    counts = ", ".join(f"{year} : {number(int(k))}" for year, k in evolution.counts.items())
    caption = (f"Part des segments de chaque année (colonne « {evolution.column} ») pour les "
               f"{len(drawn.columns)} thèmes les plus fréquents. Segments par année : {counts}.")
    return Figure("Évolution dans le temps", caption, charts.over_time(drawn, evolution.column))


def _theme(index: QuoteIndex, number_: int, topic: int, label: str, table: pd.DataFrame, section: Section,
           message: str | None, column: str | None, totals: overview.Totals,
           value: Callable[[object], str]) -> ThemeSection:
    row = table[table["topic"] == topic].iloc[0]
    facts = [
        ("Thème du codebook", row["codebook"] if isinstance(row["codebook"], str) else "aucun (thème découvert)"),
        ("Documents", f"{number(int(row['documents']))} dont c'est le thème principal "
                      f"({overview.percent(row['documents'] / max(1, totals.documents))} des documents)"),
        ("Part des segments", f"{overview.percent(row['share'])} ({number(int(row['segments']))} segments)"),
    ]
    if totals.sentiment and pd.notna(row["score"]):
        shares = ", ".join(f"{name} {overview.percent(row[key], 0)}" for key, name in
                           (("negatif", "négatif"), ("neutre", "neutre"), ("positif", "positif")))
        facts.append(("Ton moyen", f"{overview.signed(row['score'])} ({shares})"))
    spread, note = _theme_spread(index, topic, column, value)
    return ThemeSection(number_, topic, label, facts, section.definition, section.terms,
                        overview.theme_stability(index, topic), spread, note, section.quotes, message)


def _theme_spread(index: QuoteIndex, topic: int, column: str | None,
                  value: Callable[[object], str]) -> tuple[Table | None, str | None]:
    if column is None:
        return None, "Le corpus n'a pas de colonne de métadonnées à au moins deux valeurs."
    frame = overview.theme_by_column(index, topic, column, None)
    if frame.empty:
        return None, f"Aucun document n'a de valeur pour « {column} »."
    rows = []
    for row in frame.itertuples(index=False):
        ratio = "—" if pd.isna(row.ratio) else f"×{number(float(row.ratio), 2)}"
        tag = ("sur-représenté" if row.contrast >= CONTRAST else "sous-représenté" if row.contrast <= -CONTRAST
               else "")
        rows.append([value(row.value), number(int(row.segments)), number(int(row.theme_segments)),
                     overview.percent(row.share), f"{ratio} {tag}".strip()])
    header = [column, "Segments du groupe", "Dont ce thème", "Part", "Par rapport à l'ensemble"]
    note = ("Part : part des segments du groupe qui relèvent du thème ; « ×2 » : deux fois plus fréquent que dans "
            "l'ensemble. Sur- ou sous-représenté : écart d'au moins ×1,4 une fois atténué pour les petits groupes.")
    return Table(header, rows), note
