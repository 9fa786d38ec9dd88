"""REFI-QDA exchange: a trained model as a project (``.qdpx``) or a codebook (``.qdc``), and codebooks back in.

REFI-QDA is the open exchange standard of qualitative-analysis software
(NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette…). A project is a zip holding
``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and one plain-text
file per document under ``sources/``; a codebook is one XML file (namespace
``urn:QDA-XML:codebook:1.0``). Both are validated against the official XSDs
shipped in ``textmine/data/refiqda/`` before they are handed out, and every
file read back is validated the same way.

What a model becomes:

- one code per theme (its label, its codebook definition and key terms, a
  colour), under a parent code for the codebook theme it matches, if any;
- one selection per coded segment, positions in Unicode code points, end
  excluded (``text[start:end]`` is the segment), coded with its theme's code;
- the corpus metadata as typed variables with a value per document;
- the model card, and each theme's stability and tone, as notes.

GUIDs are derived (uuid5) from the model's name and creation time and from each
object's key, so two exports of the same model give the same identifiers.

Descriptions carry seed terms on one line of their own, ``Termes : a, b, c``
(also read: « Termes clés », « Mots-clés », « Keywords », « Terms », separated
by commas or semicolons); the rest of the description is the definition.

Examples:
    >>> codes = read_codes(qdc_bytes(workspace, "demo"))     # doctest: +SKIP
    >>> [c.name for c in codes][:2]                           # doctest: +SKIP
    ['Perte de sens', 'Charge de travail et effectifs']
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import TextmineError
from ..themes.codebook import Codebook, Theme

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_SCHEMAS = {"project": ("Project.xsd", PROJECT_NS, "Project"), "codebook": ("Codebook.xsd", CODEBOOK_NS, "CodeBook")}
TERMS_LABEL = "Termes"
_TERMS_LINE = re.compile(
    r"^\s*(?:termes(?: clés| cles)?|mots[- ]clés|mots[- ]cles|keywords|key terms|terms|seed terms)\s*:\s*(.*)$",
    re.IGNORECASE,
)
#: Colours of the top-level codes, in order (children take their parent's colour).
PALETTE = ("#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F",
           "#BCBD22", "#17BECF", "#393B79", "#AD494A", "#637939", "#8C6D31", "#843C39", "#7B4173")
#: Metadata column types (see ``ingest.values``) -> REFI-QDA variable types.
VARIABLE_TYPES = {"texte": "Text", "entier": "Integer", "décimal": "Float", "date": "Date"}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MAX_XML = 200 * 1024 * 1024


@dataclass
class Code:
    """A code of a REFI-QDA codebook: its name, definition, seed terms and sub-codes."""

    name: str
    definition: str = ""
    terms: tuple[str, ...] = ()
    color: str | None = None
    children: list[Code] = field(default_factory=list)
    key: str = ""
    topic: int | None = None

    @property
    def description(self) -> str:
        lines = [self.definition] if self.definition else []
        if self.terms:
            lines.append(f"{TERMS_LABEL} : {', '.join(self.terms)}")
        return "\n".join(lines)

    def walk(self, parent: Code | None = None):  # noqa: ANN201 - yields (code, parent)
        yield self, parent
        for child in self.children:
            yield from child.walk(self)


# -- a model's codes ---------------------------------------------------------------------


def model_codes(index, table=None) -> list[Code]:  # noqa: ANN001 - a QuoteIndex, its overview.theme_table
    """The model's live themes as codes, under their codebook theme when they match one, largest first."""
    from ..views.overview import labels, theme_table

    table = theme_table(index, None) if table is None else table
    names = labels(index)
    book = {t["nom"]: t for t in (index.model.card.get("codebook") or {}).get("themes", [])}
    trained = {t["id"]: t for t in index.model.trained_themes}
    roots: list[Code] = []
    parents: dict[str, Code] = {}
    for topic in table["topic"]:
        matched = trained[topic]["codebook"]
        entry = book.get(matched, {})
        code = Code(names[topic], entry.get("definition", ""), tuple(trained[topic]["terms"]),
                    key=f"topic:{topic}", topic=int(topic))
        if matched is None:
            roots.append(code)
            continue
        if matched not in parents:
            parents[matched] = Code(matched, entry.get("definition", ""), tuple(entry.get("termes", [])),
                                    key=f"codebook:{matched}")
            roots.append(parents[matched])
        parents[matched].children.append(code)
    for number, root in enumerate(roots):
        for code, _ in root.walk():
            code.color = PALETTE[number % len(PALETTE)]
    return roots


def _namespace(card: dict[str, Any]) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"textmine:model:{card['name']}:{card['created_at']}")


def _guid(space: uuid.UUID, key: str) -> str:
    return str(uuid.uuid5(space, key))


def _clean(text: Any) -> str:
    """Text an XML file can hold (control characters dropped)."""
    return _NOT_XML.sub("", str(text))


def _code_element(parent, code: Code, space: uuid.UUID, ns: str, notes: dict[str, str] | None = None):  # noqa: ANN001, ANN202
    from lxml import etree

    attrs = {"guid": _guid(space, f"code:{code.key or code.name}"), "name": _clean(code.name), "isCodable": "true"}
    if code.color:
        attrs["color"] = code.color
    element = etree.SubElement(parent, f"{{{ns}}}Code", attrs)
    if code.description:
        etree.SubElement(element, f"{{{ns}}}Description").text = _clean(code.description)
    if notes and code.key in notes:
        etree.SubElement(element, f"{{{ns}}}NoteRef", targetGUID=notes[code.key])
    for child in code.children:
        _code_element(element, child, space, ns, notes)
    return element


def _serialise(root) -> bytes:  # noqa: ANN001
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def codebook_xml(codes: list[Code], space: uuid.UUID, origin: str) -> bytes:
    """A REFI-QDA codebook document (``.qdc``) holding ``codes``."""
    from lxml import etree

    if not codes:
        raise TextmineError("Aucun thème à exporter : le codebook REFI-QDA doit contenir au moins un code.")
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", origin=origin, nsmap={None: CODEBOOK_NS})
    holder = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    for code in codes:
        _code_element(holder, code, space, CODEBOOK_NS)
    data = _serialise(root)
    validate(data, "codebook")
    return data


def qdc_bytes(workspace, model: str) -> bytes:  # noqa: ANN001 - a Workspace
    """The model's themes as a REFI-QDA codebook (``.qdc``), validated against ``Codebook.xsd``."""
    from ..quotes.index import load_index

    return codebook_document(load_index(workspace, model))


def codebook_document(index) -> bytes:  # noqa: ANN001 - a quotes.index.QuoteIndex
    """The ``.qdc`` bytes of a loaded model (see :func:`qdc_bytes`)."""
    from .. import __version__

    return codebook_xml(model_codes(index), _namespace(index.model.card), f"textmine {__version__}")


def qdpx_bytes(workspace, model: str) -> bytes:  # noqa: ANN001 - a Workspace
    """The model and its corpus as a REFI-QDA project (``.qdpx``), validated against ``Project.xsd``."""
    from ..quotes.index import load_index

    return project_archive(load_index(workspace, model))


def project_archive(index) -> bytes:  # noqa: ANN001 - a quotes.index.QuoteIndex
    """The ``.qdpx`` bytes of a loaded model (see :func:`qdpx_bytes`)."""
    from ..views.overview import theme_table

    table = theme_table(index, None)
    xml, sources = _project(index, model_codes(index, table), table, _namespace(index.model.card))
    validate(xml, "project")
    stamp = _zip_time(index.model.card["created_at"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", stamp), xml, zipfile.ZIP_DEFLATED)
        for name, text in sources:
            archive.writestr(zipfile.ZipInfo(f"sources/{name}", stamp), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _project(index, codes: list[Code], table, space: uuid.UUID) -> tuple[bytes, list[tuple[str, str]]]:  # noqa: ANN001
    """``project.qde`` and the source files (name, text) of a model's project."""
    from lxml import etree

    from .. import __version__

    card, ns = index.model.card, PROJECT_NS
    user = _guid(space, "user:textmine")
    stamp = {"creatingUser": user, "creationDateTime": card["created_at"]}
    root = etree.Element(f"{{{ns}}}Project", name=_clean(f"textmine — {card['name']}"),
                         origin=f"textmine {__version__}", creatingUserGUID=user,
                         creationDateTime=card["created_at"], nsmap={None: ns})
    etree.SubElement(etree.SubElement(root, f"{{{ns}}}Users"), f"{{{ns}}}User", guid=user, name="textmine")
    themes = [code for top in codes for code, _ in top.walk() if code.topic is not None]
    notes = {code.key: _guid(space, f"note:{code.key}") for code in themes}
    holder = etree.SubElement(etree.SubElement(root, f"{{{ns}}}CodeBook"), f"{{{ns}}}Codes")
    for code in codes:
        _code_element(holder, code, space, ns, notes)
    variables = _variables(root, index, space)
    files = _sources(root, index, codes, space, variables, stamp)
    holder = etree.SubElement(root, f"{{{ns}}}Notes")
    card_note = _guid(space, "note:card")
    _note(holder, card_note, f"Fiche du modèle « {card['name']} »", card_text(card), stamp)
    rows = {int(row["topic"]): row for row in table.to_dict("records")}
    for code in themes:
        _note(holder, notes[code.key], f"Stabilité et ton — {code.name}", theme_text(rows[code.topic], card), stamp)
    etree.SubElement(root, f"{{{ns}}}Description").text = _clean(
        f"Thèmes du modèle « {card['name']} » (corpus « {card['corpus']['name']} »), exportés par textmine."
    )
    etree.SubElement(root, f"{{{ns}}}NoteRef", targetGUID=card_note)
    return _serialise(root), files


def _note(parent, guid: str, name: str, text: str, stamp: dict[str, str]) -> None:  # noqa: ANN001
    from lxml import etree

    note = etree.SubElement(parent, f"{{{PROJECT_NS}}}Note", guid=guid, name=_clean(name), **stamp)
    etree.SubElement(note, f"{{{PROJECT_NS}}}PlainTextContent").text = _clean(text)


def _variables(root, index, space: uuid.UUID) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    """Declare one variable per metadata column: column -> (guid, REFI-QDA type)."""
    from lxml import etree

    found = {}
    for column, type_ in index.columns.items():
        kind = VARIABLE_TYPES.get(type_, "Text")
        values = [m.get(column) for m in index.metadata.values() if m.get(column) not in (None, "")]
        if kind != "Text" and any(typed_value(v, kind) is None for v in values):
            kind = "Text"  # one value the type cannot hold: the column travels as text
        found[column] = (_guid(space, f"variable:{column}"), kind)
    if found:
        holder = etree.SubElement(root, f"{{{PROJECT_NS}}}Variables")
        for column, (guid, kind) in found.items():
            variable = etree.SubElement(holder, f"{{{PROJECT_NS}}}Variable", guid=guid, name=_clean(column),
                                        typeOfVariable=kind)
            etree.SubElement(variable, f"{{{PROJECT_NS}}}Description").text = (
                f"Colonne « {_clean(column)} » du corpus « {_clean(index.corpus)} »."
            )
    return found


def _sources(root, index, codes: list[Code], space: uuid.UUID, variables, stamp) -> list[tuple[str, str]]:  # noqa: ANN001
    """One TextSource per document, with its coded segments and metadata; returns the source files."""
    from lxml import etree

    from ..themes.model import UNASSIGNED

    ns = PROJECT_NS
    code_guid = {c.topic: _guid(space, f"code:{c.key}") for top in codes for c, _ in top.walk() if c.topic is not None}
    segments = index.model.segments()
    segments = segments[segments["topic"] != UNASSIGNED].sort_values(["document_id", "start"])
    by_document = {int(d): part for d, part in segments.groupby("document_id")}
    names, files = source_names(index), []
    holder = etree.SubElement(root, f"{{{ns}}}Sources")
    for doc_id in sorted(index.texts):
        guid = _guid(space, f"source:{doc_id}")
        text, position = plain_text(index.texts[doc_id])
        source = etree.SubElement(holder, f"{{{ns}}}TextSource", guid=guid, name=_clean(names[doc_id]),
                                  plainTextPath=f"internal://{guid}.txt", **stamp)
        part = by_document.get(doc_id)
        for start, end, topic in ([] if part is None else zip(part["start"], part["end"], part["topic"])):
            key = f"{doc_id}:{start}:{end}"
            selection = etree.SubElement(source, f"{{{ns}}}PlainTextSelection", guid=_guid(space, f"selection:{key}"),
                                         startPosition=str(position(int(start))),
                                         endPosition=str(position(int(end))), **stamp)
            coding = etree.SubElement(selection, f"{{{ns}}}Coding", guid=_guid(space, f"coding:{key}"), **stamp)
            etree.SubElement(coding, f"{{{ns}}}CodeRef", targetGUID=code_guid[int(topic)])
        meta = index.metadata.get(doc_id, {})
        for column, (variable, kind) in variables.items():
            value = typed_value(meta.get(column), kind)
            if value is not None:
                element = etree.SubElement(source, f"{{{ns}}}VariableValue")
                etree.SubElement(element, f"{{{ns}}}VariableRef", targetGUID=variable)
                etree.SubElement(element, f"{{{ns}}}{kind}Value").text = value
        files.append((f"{guid}.txt", text))
    return files


def plain_text(text: str):  # noqa: ANN201 - (str, position mapper)
    """The text as a source file wants it (no BOM, ``\\n`` line endings), and old position -> new position.

    Texts are normalised at ingest, so this is almost always the identity; it
    keeps selections exact for a store written otherwise.
    """
    if "\r" not in text and not text.startswith("\ufeff"):
        return text, lambda i: i
    import bisect

    dropped = [i for i, c in enumerate(text)
               if (c == "\r" and text[i + 1 : i + 2] == "\n") or (i == 0 and c == "\ufeff")]
    gone = set(dropped)
    plain = "".join(c for i, c in enumerate(text) if i not in gone).replace("\r", "\n")
    return plain, lambda i: i - bisect.bisect_left(dropped, i)


def card_text(card: dict[str, Any]) -> str:
    """The model card as a note a reader can check: corpus, parameters, measures, versions."""
    corpus, lines = card["corpus"], []
    lines.append(f"Modèle « {card['name']} », entraîné le {card['created_at']} par textmine.")
    lines.append(f"Corpus « {corpus['name']} » : {corpus.get('documents', '?')} documents "
                 f"(empreinte {corpus.get('fingerprint', '?')}).")
    book = card.get("codebook") or {}
    if book.get("themes"):
        lines.append(f"Codebook : {book.get('source')} ({len(book['themes'])} thèmes).")
    lines.append(f"Ton : {card.get('sentiment_backend') or 'non mesuré (entraînement sans sentiment)'}.")
    lines.append("Paramètres :")
    lines += [f"  {key} : {'—' if value is None else value}" for key, value in card.get("parameters", {}).items()]
    lines.append("Mesures :")
    lines += [f"  {key} : {'—' if value is None else value}" for key, value in card.get("metrics", {}).items()]
    stability = card.get("stability")
    if stability:
        lines.append(f"Stabilité : ARI moyen {stability.get('ari_mean')} sur {stability.get('runs')} entraînements "
                     f"(graines {', '.join(str(s) for s in stability.get('seeds', []))}).")
    lines.append("Versions : " + ", ".join(f"{k} {v}" for k, v in card.get("versions", {}).items()))
    return "\n".join(lines)


def theme_text(row: dict[str, Any], card: dict[str, Any]) -> str:
    """A theme's size, stability and tone, as the app shows them (``views.overview.theme_table``)."""
    from ..themes.stability import level
    from ..views.overview import percent, signed

    lines = [f"Thème « {row['label']} » (n° {row['topic']}) : {row['segments']} segments "
             f"({percent(row['share'])}), thème principal de {row['documents']} documents."]
    stability = row.get("stability")
    if stability is None or stability != stability:
        lines.append("Stabilité : non mesurée (entraînement sans mesure de stabilité).")
    else:
        lines.append(f"Stabilité : {percent(stability, 0)} ({level(stability)}) : part des segments du thème "
                     "retrouvés ensemble dans les entraînements faits avec d'autres graines.")
    score = row.get("score")
    if not card.get("sentiment_backend"):
        lines.append("Ton : non mesuré (modèle entraîné sans analyse du ton).")
    elif score is None or score != score:
        lines.append("Ton : aucun segment de ce thème n'a de ton mesuré.")
    else:
        shares = ", ".join(f"{name} {percent(row[key])}" for key, name in
                           (("negatif", "négatif"), ("neutre", "neutre"), ("positif", "positif")))
        lines.append(f"Ton moyen : {signed(score)} (de −1 à +1) ; {shares}.")
    return "\n".join(lines)


def _zip_time(created: str) -> tuple[int, int, int, int, int, int]:
    """The model's creation time as a zip entry date: the same model gives the same bytes."""
    digits = [int(p) for p in re.findall(r"\d+", created)[:6]]
    return (max(1980, digits[0]), *digits[1:6]) if len(digits) >= 6 else (1980, 1, 1, 0, 0, 0)


def source_names(index) -> dict[int, str]:  # noqa: ANN001 - a quotes.index.QuoteIndex
    """Each document's name in other tools: its original id, else « Document N »; unique."""
    names = {d: str(m.get("original_id") or f"Document {d}") for d, m in index.metadata.items()}
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    return {d: f"{n} (n° {d})" if seen[n] > 1 else n for d, n in names.items()}


def typed_value(value: Any, type_: str) -> str | None:
    """A metadata value written as the REFI-QDA variable type wants it; None when it cannot be."""
    if value is None or value == "":
        return None
    if type_ == "Integer":
        return str(int(value)) if isinstance(value, int) or str(value).lstrip("-").isdigit() else None
    if type_ == "Float":
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return format(number, "f") if number.is_finite() else None
    if type_ == "Date":
        try:
            return date.fromisoformat(str(value)[:10]).isoformat()
        except ValueError:
            return None
    return _clean(value)


# -- validation --------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _schema(kind: str):  # noqa: ANN202
    from lxml import etree

    name = _SCHEMAS[kind][0]
    with resources.files("textmine.data").joinpath("refiqda").joinpath(name).open("rb") as handle:
        return etree.XMLSchema(etree.parse(handle))


def _parse(data: bytes, name: str):  # noqa: ANN202
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:  # its error_log also holds earlier parses' errors: msg is this one's
        raise TextmineError(f"{name}, ligne {exc.lineno} : XML mal formé : {_french(exc.msg or str(exc))}.") from exc


def validate(xml_bytes: bytes, kind: str, name: str = "document REFI-QDA") -> None:
    """Check a REFI-QDA document against its official schema (``kind``: « project » or « codebook »).

    Raises:
        TextmineError: not XML, another root element or namespace, or not valid
            against the XSD; the message gives the line and the reason in French.
    """
    if kind not in _SCHEMAS:
        raise TextmineError(f"Type de document REFI-QDA inconnu « {kind} » : project ou codebook.")
    _checked_root(_parse(xml_bytes, name), kind, name)


def _checked_root(root, kind: str, name: str):  # noqa: ANN001, ANN202
    from lxml import etree

    _, ns, tag = _SCHEMAS[kind]
    found = etree.QName(root)
    if found.namespace != ns or found.localname != tag:
        other = found.namespace or "aucun"
        raise TextmineError(
            f"{name}, ligne {root.sourceline} : élément racine « {found.localname} » (espace de noms « {other} ») : "
            f"un {'projet' if kind == 'project' else 'codebook'} REFI-QDA commence par « {tag} » "
            f"dans l'espace de noms « {ns} »."
        )
    schema = _schema(kind)
    if not schema.validate(root):
        entry = schema.error_log[0]
        raise TextmineError(
            f"{name}, ligne {entry.line} : non conforme au schéma REFI-QDA ({_SCHEMAS[kind][0]}) : "
            f"{_french(entry.message)}."
        )
    return root


_FRENCH = [
    (r"Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)",
     r"balise « \3 » fermée alors que « \1 » (ligne \2) est ouverte"),
    (r"Premature end of data in tag (\S+) line (\d+)", r"fin du fichier avant la fermeture de « \1 » (ligne \2)"),
    (r"EndTag: '</' not found", "fin du fichier avant la dernière balise fermante"),
    (r"Start tag expected, '<' not found", "aucune balise XML : ce n'est pas un fichier XML"),
    (r"Document is empty", "fichier vide"),
    (r"Extra content at the end of the document", "contenu après la fin du document"),
    (r"Couldn't find end of Start Tag (\S+).*", r"balise « \1 » non terminée"),
    (r"(?:xmlParseEntityRef: no name|EntityRef: expecting ';')", "caractère « & » non échappé (écrivez &amp;)"),
    (r"AttValue: \" or ' expected", "valeur d'attribut sans guillemets"),
    (r"Specification mandates value for attribute (\S+)", r"attribut « \1 » sans valeur"),
    (r"Element '(\w+)': The attribute '(\w+)' is required but missing\.",
     r"élément « \1 » : attribut obligatoire « \2 » manquant"),
    (r"Element '(\w+)', attribute '(\w+)': The attribute '\w+' is not allowed\.",
     r"élément « \1 » : attribut « \2 » non autorisé"),
    (r"Element '(\w+)', attribute '(\w+)': \[facet 'pattern'\] The value '(.*)' is not accepted by the pattern .*",
     r"élément « \1 », attribut « \2 » : valeur « \3 » au mauvais format"),
    (r"Element '(\w+)', attribute '(\w+)': '(.*)' is not a valid value of the atomic type '(?:xs:)?(\w+)'\.",
     r"élément « \1 », attribut « \2 » : « \3 » n'est pas une valeur de type \4"),
    (r"Element '(\w+)': '(.*)' is not a valid value of the atomic type '(?:xs:)?(\w+)'\.",
     r"élément « \1 » : « \2 » n'est pas une valeur de type \3"),
    (r"Element '(\w+)': This element is not expected\. Expected is(?: one of)? \( (.*) \)\.",
     r"élément « \1 » inattendu à cet endroit (attendu : \2)"),
    (r"Element '(\w+)': This element is not expected\.", r"élément « \1 » inattendu à cet endroit"),
    (r"Element '(\w+)': Missing child element\(s\)\. Expected is(?: one of)? \( (.*) \)\.",
     r"élément « \1 » incomplet (il manque : \2)"),
    (r"Element '(\w+)': No matching global declaration available for the validation root\.",
     r"élément racine « \1 » inconnu du schéma"),
]


def _french(message: str) -> str:
    """An lxml/libxml2 message in French, element names without their namespace."""
    message = re.sub(r"\{[^}]*\}", "", message.strip()).rstrip()
    message = re.sub(r", line \d+, column \d+$", "", message)
    for pattern, replacement in _FRENCH:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return f"message de l'analyseur XML : {message}"


# -- reading codebooks -------------------------------------------------------------------


def _read_source(source: str | Path | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), name or "codebook"
    path = Path(source)
    if not path.is_file():
        raise TextmineError(f"Fichier introuvable : {path}.")
    if path.stat().st_size > _MAX_XML:
        raise TextmineError(f"{path.name} : fichier de plus de 200 Mo, trop gros pour un codebook.")
    return path.read_bytes(), name or path.name


def _codes_root(data: bytes, name: str):  # noqa: ANN202
    """The element holding the codes: a .qdc's CodeBook, or the CodeBook of a .qdpx's project.qde."""
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".qdpx"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                entries = [i for i in archive.infolist()
                           if i.filename.lower().endswith(".qde") and "/" not in i.filename]
                if not entries:
                    raise TextmineError(f"{name} : l'archive ne contient pas de projet REFI-QDA (« project.qde »).")
                if entries[0].file_size > _MAX_XML:
                    raise TextmineError(f"{name} : projet de plus de 200 Mo, trop gros pour être lu.")
                xml = archive.read(entries[0])
        except zipfile.BadZipFile as exc:
            raise TextmineError(f"{name} : ce n'est pas une archive REFI-QDA (.qdpx) : le fichier n'est pas un zip "
                                "valide. Exportez à nouveau le projet depuis votre logiciel.") from exc
        where = f"{name} (project.qde)"
        root = _checked_root(_parse(xml, where), "project", where)
        book = root.find(f"{{{PROJECT_NS}}}CodeBook")
        if book is None:
            raise TextmineError(f"{name} : le projet ne contient pas de codebook (élément « CodeBook » absent).")
        return book, PROJECT_NS
    return _checked_root(_parse(data, name), "codebook", name), CODEBOOK_NS


def read_codes(source: str | Path | bytes, name: str | None = None) -> list[Code]:
    """The code tree of a REFI-QDA codebook (``.qdc``) or project (``.qdpx``), validated first.

    Args:
        source: a path, or the file's bytes.
        name: the file name used in messages (default: the path's name).
    """
    data, name = _read_source(source, name)
    book, ns = _codes_root(data, name)

    def code(element) -> Code:  # noqa: ANN001
        description = element.findtext(f"{{{ns}}}Description") or ""
        definition, terms = split_description(description)
        children = [code(child) for child in element.findall(f"{{{ns}}}Code")]
        return Code(element.get("name").strip(), definition, terms, element.get("color"), children,
                    element.get("guid"))

    return [code(element) for element in book.find(f"{{{ns}}}Codes").findall(f"{{{ns}}}Code")]


def split_description(description: str) -> tuple[str, tuple[str, ...]]:
    """A code description -> (definition, seed terms): terms from a « Termes : a, b, c » line."""
    definition, terms = [], []
    for line in description.replace("\r\n", "\n").split("\n"):
        found = _TERMS_LINE.match(line)
        if found:
            terms += [t.strip() for t in re.split(r"[;,]", found.group(1)) if t.strip()]
        else:
            definition.append(line.strip())
    return "\n".join(definition).strip(), tuple(dict.fromkeys(terms))


def flatten(codes: list[Code], source: str) -> tuple[Codebook, dict[str, str | None]]:
    """A training codebook: one theme per code, depth first, and each theme's parent name.

    A code without seed terms gets its own name as its only term. A name
    already taken by another code is followed by its parent's name, in brackets.
    """
    themes, parents, taken = [], {}, set()
    for root in codes:
        for code, parent in root.walk():
            name = " ".join(code.name.split())
            if not name:
                raise TextmineError(f"{source} : un code n'a pas de nom.")
            if name in taken and parent is not None:
                above = " ".join(parent.name.split())
                name = f"{name} ({above if above != name else 'sous-code'})"
            number = 2
            while name in taken:
                name, number = f"{' '.join(code.name.split())} ({number})", number + 1
            taken.add(name)
            terms = tuple(dict.fromkeys(t.strip().lower() for t in code.terms if t.strip())) or (name.lower(),)
            themes.append(Theme(name, code.definition, terms))
            parents[name] = " ".join(parent.name.split()) if parent is not None else None
    if not themes:
        raise TextmineError(f"{source} : aucun code.")
    return Codebook(source=source, themes=tuple(themes)), parents


def read_qdc(path_or_bytes: str | Path | bytes, name: str | None = None) -> Codebook:
    """A REFI-QDA codebook (``.qdc``, or the codebook of a ``.qdpx``) as a codebook training accepts."""
    data, name = _read_source(path_or_bytes, name)
    return flatten(read_codes(data, name), name)[0]


def codebook_yaml(codes: list[Code], source: str) -> str:
    """The YAML codebook (``themes:`` of ``nom``, ``definition``, ``termes``, ``parent``) made of ``codes``."""
    import yaml

    book, parents = flatten(codes, source)
    themes = []
    for theme in book.themes:
        item = {"nom": theme.name, "definition": theme.definition, "termes": list(theme.terms)}
        if parents[theme.name]:
            item["parent"] = parents[theme.name]
        themes.append(item)
    header = (
        f"# Codebook importé de « {source} » par textmine : un thème par code du fichier REFI-QDA.\n"
        "# « termes » vient de la ligne « Termes : … » de la description (à défaut, le nom du code) ;\n"
        "# « parent » rappelle le code qui le contenait. Modifiez-le librement, puis :\n"
        "#   textmine train --corpus CORPUS --model MODELE --codebook ce-fichier.yaml\n"
    )
    return header + yaml.safe_dump({"themes": themes}, allow_unicode=True, sort_keys=False, width=100)


def import_codebook(source: Path, out: Path | None = None) -> tuple[Path, Codebook]:
    """Convert a ``.qdc`` (or ``.qdpx``) into a YAML codebook next to it, or at ``out``; written atomically.

    Without ``out``, an existing YAML file of the same name is never replaced.
    """
    from .files import replacing

    source = Path(source)
    data, name = _read_source(source, None)
    if out is None:
        out = source.with_suffix(".yaml")
        if out.exists():
            raise TextmineError(f"{out} existe déjà : indiquez un autre fichier avec --out.")
    codes = read_codes(data, name)
    text = codebook_yaml(codes, name)
    with replacing(Path(out)) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(out), flatten(codes, name)[0]
