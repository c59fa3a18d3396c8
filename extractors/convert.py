"""Turn raw bytes into canonical text: a registry of converters keyed by media type.

Converters are plain functions ``(RawDocument) -> ConvertedDocument`` that know nothing
of Prefect or the database. Each lives in its own module and registers itself with
``@converter("media/type")``; the imports at the bottom of this file load them, so a new
format is one new module plus one import line.

This module also holds what every converter shares, so all of them keep one output
contract: ``text`` is the blocks' texts joined by ``"\\n\\n"`` (``"\\n"`` between
consecutive list items or table rows); inside a block whitespace runs are one space and
there is none at either end; each block's ``[start_char:end_char]`` is exactly its text;
a link's span is its anchor text, or zero-width where a bare URL was cut out.

- :class:`Inline` collects the text of one block from pieces (text nodes, link anchors,
  removed URLs), collapsing whitespace as it goes and keeping link offsets exact;
- :class:`DocBuilder` joins blocks and records each block's span;
- :func:`cut_urls`, :func:`split_authors`, :func:`parse_date`, :func:`dateline_date`,
  :data:`WRITTEN_DATE` (a date written out inside a line);
- :func:`metadata_fields` reads loose ``key: value`` metadata (front matter, sidecars,
  manifests, bold ``**Key:**`` headers) with the keys of ``data/metadata_keys.csv``, and
  :func:`convert` lets what the caller supplies (``RawDocument.metadata``) override what
  the document says about itself;
- :func:`is_notice` and :func:`is_notice_heading`: publisher disclaimers and copyright
  notices (``data/notices.csv``), which are not the document.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources

from claimtrail.schema.records import (
    Block,
    BlockKind,
    ConversionError,
    ConvertedDocument,
    Link,
    RawDocument,
)
from claimtrail.extractors.sniff import sniff_media_type

Converter = Callable[[RawDocument], ConvertedDocument]
_REGISTRY: dict[str, Converter] = {}


def converter(*media_types: str) -> Callable[[Converter], Converter]:
    """Register the decorated function as the converter for ``media_types``."""

    def register(func: Converter) -> Converter:
        for media_type in media_types:
            _REGISTRY[media_type] = func
        return func

    return register


def registered_media_types() -> list[str]:
    return sorted(_REGISTRY)


def convert(raw: RawDocument) -> ConvertedDocument:
    """Sniff ``raw`` and run the converter for its media type.

    Raises :class:`ConversionError` (with a one-line message meant for users) for empty,
    binary, unsupported or unreadable documents.
    """
    media_type = sniff_media_type(raw.content, raw.uri)
    func = _REGISTRY.get(media_type)
    if func is None:
        raise ConversionError(f"unsupported file type ({media_type})")
    doc = func(raw)
    if not doc.text:
        raise ConversionError("no text content")
    for name, value in metadata_fields(raw.metadata or {}).items():
        setattr(doc, name, value)  # a sidecar or manifest knows better than the file itself
    return doc


# --------------------------------------------------------------------------- building text

_WS = re.compile(r"\s+")
# Characters that carry no text: zero-width space/joiners, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# After a removed URL, no space goes before these (``report (<url>).`` -> ``report.``).
_CLOSING = set(".,;:!?)]}”’%")


@dataclass
class Inline:
    """The text of one block, assembled from pieces with whitespace collapsed.

    Spaces are added lazily: a whitespace run in the input becomes one space, but only
    once non-space text follows, so a block never starts or ends with a space and no
    space appears where the source had none (no ``word ,`` from inline markup).
    """

    text: str = ""
    links: list[tuple[str, int, int]] = field(default_factory=list)
    _space: bool = False
    _after_cut: bool = False

    def add(self, piece: str, url: str | None = None) -> None:
        """Append ``piece``; with ``url`` the piece is a link anchor."""
        piece = _WS.sub(" ", _INVISIBLE.sub("", piece))
        if piece.startswith(" "):
            self._space = True
            piece = piece[1:]
        if not piece:
            return
        if self._space and self.text and not (self._after_cut and piece[0] in _CLOSING):
            self.text += " "
        self._after_cut = False
        self._space = piece.endswith(" ")
        piece = piece.rstrip(" ")
        start = len(self.text)
        self.text += piece
        if url:
            self.links.append((url, start, len(self.text)))

    def space(self) -> None:
        """A separator that must not glue words together (``<br>``, table cells...)."""
        self._space = True

    def cut(self, url: str | None) -> None:
        """Mark where a bare URL was removed: a zero-width link at this position."""
        if url:
            self.links.append((url, len(self.text), len(self.text)))
        self._after_cut = True


_BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"’”]")


def cut_urls(text: str) -> Inline:
    """Prose with bare URLs cut out (each kept as a zero-width link where it stood):
    URLs are not prose, and their digits would read as counts and dates."""
    inline, pos = Inline(), 0
    for m in _BARE_URL.finditer(text):
        inline.add(text[pos : m.start()])
        url = m.group(0)
        inline.cut(url if url.startswith("http") else "https://" + url)
        pos = m.end()
    inline.add(text[pos:])
    return inline


@dataclass
class DocBuilder:
    """Accumulates blocks into canonical text; every block span is exactly its text."""

    parts: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    length: int = 0

    def add(self, kind: BlockKind, inline: Inline | str, page: int | None = None) -> Block | None:
        """Append one block (skipped when it has no text); returns the new block."""
        if isinstance(inline, str):
            piece, inline = inline, Inline()
            inline.add(piece)
        if not inline.text:
            return None
        if self.blocks:
            tight = kind == self.blocks[-1].kind and kind in ("list_item", "table_row")
            sep = "\n" if tight else "\n\n"
            self.parts.append(sep)
            self.length += len(sep)
        start = self.length
        self.parts.append(inline.text)
        self.length += len(inline.text)
        block = Block(kind, start, self.length, page)
        self.blocks.append(block)
        for url, s, e in inline.links:
            self.links.append(Link(url, start + s, start + e))
        return block

    def build(self, media_type: str, **meta: object) -> ConvertedDocument:
        return ConvertedDocument(
            text="".join(self.parts),
            media_type=media_type,
            blocks=list(self.blocks),
            links=list(self.links),
            **meta,  # type: ignore[arg-type]
        )


# ---------------------------------------------------------------------- shared metadata

_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\||&|\band\b)\s*", re.IGNORECASE)


def split_authors(value: str) -> list[str]:
    """``"A, B and C"`` -> ``["A", "B", "C"]``, but ``"Fink, Anya L."`` stays one name.

    Commas separate names only when every comma-part has at least two words; otherwise
    they are read as "Last, First".
    """
    names: list[str] = []
    for part in _AUTHOR_SPLIT.split(value):
        part = part.strip(" ,;")
        if not part:
            continue
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
            names.extend(pieces)
        else:
            names.append(part if len(pieces) <= 1 else ", ".join(pieces))
    return [_first_last(re.sub(r"^by\s+", "", n, flags=re.IGNORECASE)) for n in names]


_LAST_FIRST = re.compile(r"^(?P<last>[^\W\d][\w'’-]*),\s*(?P<first>(?:[^\W\d][\w'’.-]*\s*){1,3})$")
_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv|phd|md)\.?$", re.IGNORECASE)


def _first_last(name: str) -> str:
    """``"Feickert, Andrew"`` -> ``"Andrew Feickert"``: catalogues write the surname first,
    readers (and the gold files) do not. ``"Smith, Jr."`` and ``"John Smith, Reuters"``
    (more than one word before the comma) stay as they are."""
    m = _LAST_FIRST.match(name.strip())
    if not m or _SUFFIX.match(m.group("first").strip()):
        return name
    return f"{m.group('first').strip()} {m.group('last')}"


def parse_date(value: str, month_is_enough: bool = False) -> str | None:
    """An absolute date written in English -> ``YYYY-MM-DD`` (never "yesterday").

    With ``month_is_enough`` a month and year (``"March 2025"``) is the first of that
    month: a printed report date or a declared publication date often has no day.
    """
    import dateparser  # slow to import; only converters that need dates pay for it

    value = value.strip()
    iso = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if iso:
        return iso.group(0)
    parsed = dateparser.parse(
        value,
        languages=["en"],
        settings={
            "PARSERS": ["custom-formats", "absolute-time"],
            "PREFER_DAY_OF_MONTH": "first",
            "REQUIRE_PARTS": ["month", "year"] if month_is_enough else ["day", "month", "year"],
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return parsed.date().isoformat() if parsed else None


# "November 20, 2019", "20 Nov. 2019", "2019-11-20" inside a line
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
WRITTEN_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:1[89]|20)\d\d"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?:1[89]|20)\d\d"
    r"|(?:1[89]|20)\d\d-\d\d-\d\d)\b", re.I)

_DATELINE = re.compile(
    r"^(?:(?:published|updated|last updated|posted|issued|dated?)\s*:?\s*(?:on\s+)?)?"
    r"(?P<d>.{4,40}?)\s*(?:\([^)]*\))?$",
    re.IGNORECASE,
)


def dateline_date(line: str, month_is_enough: bool = False) -> str | None:
    """The date of a line that is only a date ("Sep 11, 2023", "Updated April 9, 2026",
    "Published: 12 February 2025 (IF123)", with ``month_is_enough`` also "March 2025"),
    else None."""
    m = _DATELINE.match(line.strip())
    if not m or not re.search(r"\b(?:1[89]|20)\d\d\b", m.group("d")) or len(m.group("d").split()) > 5:
        return None
    return parse_date(m.group("d"), month_is_enough)


# ------------------------------------------------------------------- declared metadata


@cache
def _metadata_keys() -> dict[str, tuple[int, str]]:
    """``data/metadata_keys.csv``: a folded key -> (its rank, the field it fills)."""
    data = resources.files("claimtrail.extractors").joinpath("data/metadata_keys.csv")
    with data.open(encoding="utf-8") as f:
        return {row["key"]: (rank, row["field"]) for rank, row in enumerate(csv.DictReader(f))}


def _metadata_key(key: object) -> tuple[int, str] | None:
    """The rank and field of a metadata key (``"Publication Date"``, ``pubDate``, ``Author(s)``)."""
    return _metadata_keys().get(re.sub(r"\(s\)|[^a-z0-9]", "", str(key).lower()))


def _declared_date(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return parse_date(str(value), month_is_enough=True) if isinstance(value, str) and value.strip() else None


def _declared_authors(value: object) -> list[str]:
    if isinstance(value, Mapping):  # {name: ..., email: ...}
        value = value.get("name") or ""
    if isinstance(value, (list, tuple)):
        return [name for item in value for name in _declared_authors(item)]
    return split_authors(str(value)) if isinstance(value, str) else []


def is_metadata_key(key: object) -> bool:
    """Whether a key names a metadata field (``Publication Date``, ``pubDate``, ``Author(s)``)."""
    return _metadata_key(key) is not None


def metadata_fields(values: Mapping[str, object]) -> dict[str, object]:
    """Loose metadata -> the ConvertedDocument fields it gives (``title``, ``published``,
    ``authors``, ``source_url``); keys are matched case-insensitively through
    ``data/metadata_keys.csv``, and of two keys for one field the one listed higher there
    wins when its value is usable (``date`` before ``updated``). Dates may be dates,
    datetimes or text in any common format; authors a string ("A, B and C", "Last,
    First") or a list; a source URL counts only when it is http(s)."""
    fields: dict[str, object] = {}
    known = [(rank_field, value) for key, value in values.items() if (rank_field := _metadata_key(key))]
    for (_, name), value in sorted(known, key=lambda item: item[0][0]):
        if name in fields or value is None:
            continue
        parsed: object = None
        if name == "published":
            parsed = _declared_date(value)
        elif name == "authors":
            parsed = _declared_authors(value) or None
        elif name == "title":
            parsed = " ".join(str(value).split()) or None
        elif isinstance(value, str) and re.match(r"https?://\S+$", value.strip()):
            parsed = value.strip()
        if parsed:
            fields[name] = parsed
    return fields


# ------------------------------------------------------------ furniture and notices


@cache
def _boilerplate() -> list[re.Pattern]:
    """The patterns of ``data/html_boilerplate.csv``: a block that one matches is dropped."""
    data = resources.files("claimtrail.extractors").joinpath("data/html_boilerplate.csv")
    with data.open(encoding="utf-8") as f:
        return [re.compile(row["pattern"]) for row in csv.DictReader(f)]


_ONLY_URL = re.compile(r"^(?:https?://|www\.)?[\w.-]+\.[a-z]{2,}(?:/\S*)?$", re.I)


def is_boilerplate(kind: BlockKind, inline: Inline) -> bool:
    """A block that is a widget's label, a credit, a bare URL, a link to another story, a
    file-size download link, a version-history entry or a category tag line (the patterns
    of ``data/html_boilerplate.csv``, shared by the HTML and text converters)."""
    if kind not in ("paragraph", "heading", "list_item"):
        return False
    text = inline.text.rstrip(" .:!…»›>|-–—")
    if not any(ch.isalnum() for ch in text) or _ONLY_URL.match(text):
        return True
    if any(pattern.match(text) for pattern in _boilerplate()):
        return True
    linked = sum(end - start for _, start, end in inline.links)
    return kind == "paragraph" and len(text) < 150 and linked >= 0.9 * len(inline.text)



@cache
def _notices() -> tuple[frozenset[str], re.Pattern[str]]:
    data = resources.files("claimtrail.extractors").joinpath("data/notices.csv")
    with data.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    headings = frozenset(r["value"] for r in rows if r["kind"] == "heading")
    phrases = "|".join(r["value"] for r in rows if r["kind"] == "phrase")
    return headings, re.compile(rf"\b(?:{phrases})\b", re.IGNORECASE)


def is_notice_heading(text: str) -> bool:
    """A heading such as "Disclaimer:" that introduces a publisher's notice."""
    return text.strip(" :.").lower() in _notices()[0]


def is_notice(text: str) -> bool:
    """A disclaimer or copyright notice ("... not subject to copyright ...", "All rights
    reserved"): the publisher's boilerplate, removed at conversion so that its names and
    numbers are never read as the document's."""
    return bool(_notices()[1].search(text))


# The converter modules register themselves on import. Keep these lines at the bottom:
# the modules import ``converter`` from here.
from claimtrail.extractors import textdoc  # noqa: E402,F401
from claimtrail.extractors import htmldoc  # noqa: E402,F401
from claimtrail.extractors import pdfdoc  # noqa: E402,F401
