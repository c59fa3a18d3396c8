"""Plain text and markdown -> canonical text.

Text files in the wild are often web pages saved as text: markdown-ish link syntax
(``[text \\(url\\)](#)``), URLs cut out of sentences, paragraphs broken mid-sentence,
image paths split over several lines, and page furniture (language switchers,
"RECOMMENDED" teasers, tag lists). This module turns such text into clean prose while
keeping every link target as a :class:`Link`, so nothing of the source is lost.

Steps: decode -> take off YAML front matter -> split into blank-line separated chunks ->
drop split image paths -> drop furniture (rules in ``data/furniture.csv``) -> lines to
units (paragraph, heading, list item, table row) -> rejoin paragraphs broken mid-sentence
-> classify title, byline, dateline and headings -> build the text with exact block and
link offsets.

Metadata is never body text. Front matter (``---`` / ``title: ...`` / ``---``) and a
header of bold ``**Key:** value`` lines or ``| **Key:** | value |`` rows before the first
body text (as research-service pages saved as markdown have) are read as metadata and left
out of the text, as are a repeat of the title and a masthead line that is the title plus
its date. Declared values win over what is inferred from the text (first line, byline,
dateline). Publisher notices (``data/notices.csv``) and link-only, download and category
lines (``data/html_boilerplate.csv``) are furniture.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlparse

import frontmatter
import yaml

from claimtrail.extractors.convert import (
    WRITTEN_DATE,
    DocBuilder,
    Inline,
    converter,
    dateline_date,
    is_boilerplate,
    is_metadata_key,
    is_notice,
    is_notice_heading,
    metadata_fields,
    parse_date,
    split_authors,
)
from claimtrail.extractors.sniff import decode_text
from claimtrail.schema.records import BlockKind, ConversionError, ConvertedDocument, RawDocument

# ------------------------------------------------------------------------------ inline

_URL = r"(?:https?://|www\.|/)"
_TOKEN = re.compile(
    r"(?P<img>!\[(?:\\.|[^\]\\])*\]\([^)\s]*\))"
    r"|\[(?P<lt>(?:\\.|[^\]\\])*)\]\((?P<lu>(?:[^()\s]|\([^()\s]*\))*)(?:\s+\"[^\"]*\")?\)"
    rf"|\\\((?P<esc>{_URL}[^\s\\]*)\\\)"
    rf"|\(\s*<?(?P<par>{_URL}[^\s<>()]*?)>?\s*\)"
    r"|<(?P<ang>https?://[^\s>]+)>"
    r"|(?P<bare>(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"’”])"
)
# A link text ending in its own URL, as in ``[Aaron Y. Zelin \(/experts/a\)](#)``.
_TEXT_URL = re.compile(rf"\s*\\?\((?P<u>{_URL}[^\s\\()]*)\\?\)\s*$")
_EMPH_STAR = re.compile(r"(?<![\w*\\])(\*{1,3})(?=\S)(.+?)(?<=[^\s\\])\1(?![\w*])")
_EMPH_UNDER = re.compile(r"(?<![\w\\])(_{1,2})(?=\S)(.+?)(?<=[^\s\\])\1(?!\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~\"'])")
_PRIVATE = re.compile("[\ue000-\uf8ff]")
_CITATION = re.compile(r"\[(?:\d{1,3}|edit|citation needed)\](?!\()")  # wiki markers: "2016.[1][2]", "Background[edit]"


def _strip_markup(s: str) -> str:
    """Remove emphasis markers and backslash escapes: ``*khawarij*`` -> ``khawarij``."""
    for _ in range(3):  # nested emphasis such as ***x*** or *a **b** c*
        s2 = _EMPH_UNDER.sub(r"\2", _EMPH_STAR.sub(r"\2", s))
        if s2 == s:
            break
        s = s2
    s = re.sub(r"\*{2,}", " ", s)  # empty emphasis such as "of****strategic"
    return _ESCAPE.sub(r"\1", s)


def _inline(s: str, out: Inline, base: str | None) -> Inline:
    """Markdown-ish inline text -> prose in ``out``; link targets become Links."""
    tokens: list[re.Match[str]] = []

    def hold(m: re.Match[str]) -> str:
        tokens.append(m)
        return chr(0xE000 + len(tokens) - 1)

    held = _strip_markup(_TOKEN.sub(hold, _CITATION.sub("", _PRIVATE.sub("", s))))
    for piece in re.split("([\ue000-\uf8ff])", held):
        if not piece:
            continue
        if not _PRIVATE.fullmatch(piece):
            out.add(piece)
            continue
        m = tokens[ord(piece) - 0xE000]
        if m.group("img") is not None:
            out.cut(None)
        elif m.group("lt") is not None:
            text, url = m.group("lt"), m.group("lu")
            inner = _TEXT_URL.search(text)
            if inner:
                text = text[: inner.start()]
                if url in ("", "#"):
                    url = inner.group("u")
            url = None if url in ("", "#") else _absolute(url, base)
            text = _strip_markup(text)
            if text.strip():
                out.add(text, url)
            else:
                out.cut(url)
        else:
            url = m.group("esc") or m.group("par") or m.group("ang") or m.group("bare")
            out.cut(_absolute(url, base))
    return out


def _absolute(url: str, base: str | None) -> str:
    if url.startswith("www."):
        return "https://" + url
    return urljoin(base, url) if base else url


def _plain(s: str) -> str:
    return _inline(s, Inline(), None).text


# ------------------------------------------------------------------------ front matter

_YAML = frontmatter.YAMLHandler()
_LOOSE_FIELD = re.compile(r"^([A-Za-z][\w .()-]{0,40}?)\s*:\s*(.*)$")
_LOOSE_ITEM = re.compile(r"^\s*-\s+(.*)$")


def _front_matter(text: str) -> tuple[dict[str, object], str]:
    """YAML front matter -> (its mapping, the text after it); ``({}, text)`` without one.

    YAML that does not parse (an unquoted colon in a title is the usual slip) is read line
    by line as ``key: value`` and ``- item`` lines, so one slip does not lose the rest. A
    block that yields no mapping was not front matter but text between two rules: it
    stays text.
    """
    stripped = text.lstrip("\ufeff \t\r\n")
    if not _YAML.detect(stripped):
        return {}, text
    try:
        head, body = _YAML.split(stripped)
    except ValueError:  # no closing ---
        return {}, text
    try:
        data = yaml.safe_load(head)
    except yaml.YAMLError:
        data = _loose_mapping(head)
    if not isinstance(data, dict) or not data:
        return {}, text
    return {str(k): v for k, v in data.items()}, body


def _loose_mapping(head: str) -> dict[str, object]:
    data: dict[str, object] = {}
    key = None
    for line in head.splitlines():
        if key is not None and (item := _LOOSE_ITEM.match(line)):
            previous = data.get(key)
            data[key] = [*(previous if isinstance(previous, list) else []), item.group(1).strip(" \"'")]
        elif m := _LOOSE_FIELD.match(line.strip()):
            key = m.group(1)
            data[key] = m.group(2).strip(" \"'")
    return data


# ------------------------------------------------------------------------------ chunks


def _chunks(text: str) -> list[list[str]]:
    """Blank-line separated groups of non-empty, right-stripped lines."""
    chunks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            chunks[-1].append(line.rstrip())
        elif chunks[-1]:
            chunks.append([])
    return [c for c in chunks if c]


def _drop_path_debris(chunks: list[list[str]]) -> list[list[str]]:
    """Drop a path or URL in parentheses that was broken over several chunks.

    ``(/sites/default/files/2023-`` / ``09/iskp-`` / ... / ``v2.JPG)`` is an image path
    that a page-to-text tool wrapped into many short paragraphs. A chunk opening with
    ``(/`` or ``(http`` and not closing it consumes the following chunks until a ``)``;
    when the joined result is a single path/URL it is dropped (text after the ``)`` is
    kept). Anything else is left as it was.
    """
    out: list[list[str]] = []
    i = 0
    while i < len(chunks):
        first = chunks[i][0].strip()
        if len(chunks[i]) == 1 and re.match(r"\(<?(?:/|https?://)", first) and ")" not in first:
            joined, j = first, i + 1
            while j < len(chunks) and j - i <= 30 and ")" not in joined:
                joined += " ".join(line.strip() for line in chunks[j])
                j += 1
            inside, _, tail = joined.partition(")")
            if ")" in joined and not re.search(r"\s", inside):
                if tail.strip():
                    out.append([tail.strip()])
                i = j
                continue
        out.append(chunks[i])
        i += 1
    return out


@cache
def _furniture() -> dict[str, str]:
    """Furniture headings (lower case) -> scope: ``rest``, ``next`` or ``line``."""
    data = resources.files("claimtrail.extractors").joinpath("data/furniture.csv")
    with data.open(encoding="utf-8") as f:
        return {row["heading"].strip().lower(): row["scope"].strip() for row in csv.DictReader(f)}


def _furniture_key(line: str) -> str:
    return re.sub(r"\s+", " ", _plain(line.lstrip("#"))).strip(" :*_#").lower()


def _drop_furniture(chunks: list[list[str]]) -> list[list[str]]:
    """Apply ``data/furniture.csv`` to whole lines (case-insensitive).

    ``rest`` ends the document there, but only past the first third of the text, so a
    stray "Topics" label above an article cannot wipe it out (it is then dropped as a
    single line). ``next`` drops the line and the block after it; ``line`` the line.
    """
    rules = _furniture()
    total = sum(len(line) for c in chunks for line in c) or 1
    seen, out, skip_next = 0, [], False
    for chunk in chunks:
        if skip_next:
            skip_next = False
            continue
        kept: list[str] = []
        for k, line in enumerate(chunk):
            seen += len(line)
            scope = rules.get(_furniture_key(line))
            if scope == "rest" and (seen - len(line)) / total >= 1 / 3:
                if kept:
                    out.append(kept)
                return out
            if scope == "next":
                skip_next = k == len(chunk) - 1
                break
            if scope is None:
                kept.append(line)
        if kept:
            out.append(kept)
    return out


# ------------------------------------------------------------------------------- units


@dataclass
class _Unit:
    kind: str  # paragraph, heading (marked with #), list_item, table_row, field
    text: str
    single_line: bool = True


_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*$")
_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_LIST = re.compile(r"^(?:(?:[-*+•▪◦]|\d{1,3}[.)])\s+)+(.*)$")
_TABLE_SEP = re.compile(r"^\|?(?:\s*:?-{2,}:?\s*\|)+\s*(?::?-{2,}:?)?\s*$")
_FIELD = re.compile(r"^\*\*[^*]{1,40}:\*\*")


def _units(chunks: list[list[str]]) -> list[_Unit]:
    """Lines -> units. Lines of a chunk are one paragraph when the text is hard-wrapped
    (no line longer than 100 characters); otherwise every line is a paragraph."""
    units: list[_Unit] = []
    for chunk in chunks:
        lines: list[str] = []
        wrapped = max(len(line) for line in chunk) <= 100

        def flush() -> None:
            if lines:
                units.append(_Unit("paragraph", " ".join(lines), len(lines) == 1))
                lines.clear()

        for raw in chunk:
            line = raw.strip()
            if m := _MD_HEADING.match(line):
                flush()
                units.append(_Unit("heading", m.group(1)))
            elif _RULE.match(line) or _TABLE_SEP.match(line):
                flush()
            elif line.startswith("|"):
                flush()
                units.append(_Unit("table_row", line))
            elif m := _LIST.match(line):
                flush()
                units.append(_Unit("list_item", m.group(1)))
            elif _FIELD.match(line):
                flush()
                units.append(_Unit("field", line))
            elif not lines and units and units[-1].kind == "list_item" and raw[:1].isspace():
                units[-1].text += " " + line  # indented continuation of a list item
            else:
                if not wrapped:
                    flush()
                lines.append(line)
        flush()
    return units


_TERMINAL = tuple(".!?:;”\"’')]…")
_BYLINE = re.compile(r"^[Bb][Yy]\s+([A-Z].{0,150})$")  # "by Aaron Y. Zelin", not "By province"


def _rejoin(units: list[_Unit]) -> list[_Unit]:
    """Join paragraphs split mid-sentence by a blank line.

    A paragraph that does not end in terminal punctuation, followed by one starting
    lowercase or with "(" (a URL that continues the sentence), is the same paragraph.
    The first unit (the title) and a byline ("by ...") are never joined.
    """
    out: list[_Unit] = []
    for unit in units:
        prev = out[-1] if out else None
        if (
            prev is not None
            and len(out) > 1
            and prev.kind == unit.kind == "paragraph"
            and not _BYLINE.match(_plain(unit.text))
            and not _plain(prev.text).endswith(_TERMINAL)
            and (unit.text[:1].islower() or unit.text.startswith("("))
        ):
            prev.text += " " + unit.text
            prev.single_line = False
        else:
            out.append(unit)
    return out


# ----------------------------------------------------------------------- classification

_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of",
                "on", "or", "the", "to", "vs", "with", "via", "over", "under", "after"}
def _looks_like_heading(text: str) -> bool:
    """A standalone line without closing punctuation: up to four words starting with a
    capital ("See also"), or up to twelve in Title Case or ALL CAPS."""
    if not text or len(text) > 100 or len(text.split()) > 12 or text.endswith(tuple(".!?:;,")):
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    if len(text.split()) <= 4:
        return True
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if w.lower() not in _SMALL_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.75


def _field(text: str) -> tuple[str, str]:
    key, _, value = text.partition(":")
    return re.sub(r"\(s\)|[^a-z ]", "", key.lower()).strip(), value.strip()


def _is_navigation(inline: Inline) -> bool:
    """A line of three or more links and little else is a menu or breadcrumb trail."""
    anchors = [(s, e) for _, s, e in inline.links if e > s]
    return len(anchors) >= 3 and sum(e - s for s, e in anchors) >= 0.8 * len(inline.text)


_BODY_KINDS = ("paragraph", "list_item", "table_row")
_BOLD_KEY = re.compile(r"^\*\*([^*]{1,40}?):?\*\*:?$")


def _cells(row: str) -> list[str]:
    """The non-empty cells of a ``| a | b |`` row (``\\|`` is a literal bar)."""
    return [c for c in re.split(r"(?<!\\)\|", row.strip().strip("|")) if c.strip()]


def _header_field(unit: _Unit) -> tuple[str, str] | None:
    """``**Key:** value`` or a ``| **Key:** | value |`` row -> (key, value), else None.

    Only a metadata key (``data/metadata_keys.csv``) or a short value ("Version: 14",
    "Topics: Foreign Affairs") makes a header field: "**Summary:** In 2024, ..." is prose.
    """
    pair = None
    if unit.kind == "field":
        key, _, value = _strip_markup(unit.text).partition(":")
        pair = key.strip(), value.strip()
    elif unit.kind == "table_row":
        cells = [c.strip() for c in _cells(unit.text)]
        if len(cells) <= 2 and (m := _BOLD_KEY.match(cells[0])):
            pair = m.group(1).strip(), _strip_markup(cells[1]) if len(cells) == 2 else ""
    if pair and (is_metadata_key(pair[0]) or len(pair[1]) <= 100 and not pair[1].endswith(".")):
        return pair
    return None


def _unglue(text: str) -> str:
    """``"ListenRussia's"`` -> ``"Listen Russia's"``: words a page-to-text tool ran together."""
    return re.sub(r"([a-z])([A-Z])", r"\1 \2", text)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", _unglue(text).lower())


def _masthead_date(text: str, title: str) -> str | bool:
    """A repeat of the title (True), or the title run together with its date as a page
    prints it ("Listen" + title + "Updated April 10, 2026 (IF10491)" -> that date);
    else False. Near-repeats count (curly quotes, a lost superscript "th")."""
    words, wanted = set(_words(text)), _words(title)
    if len(text) > len(title) + 100 or not wanted or sum(w in words for w in wanted) < 0.8 * len(wanted):
        return False
    found = WRITTEN_DATE.search(_unglue(text))
    return (parse_date(found.group(0)) or True) if found else len(words) <= len(set(wanted)) + 1


_CAPS_RUN = re.compile(r"\b[A-Z0-9][A-Z0-9'’.&-]*(?:\s+[A-Z0-9][A-Z0-9'’.&-]*)+\b")


def _lead_subject(text: str, uri: str) -> str | None:
    """The title of an encyclopedia article saved as plain text without its heading.

    Wikipedia's plain-text mirrors print the article's bold subject in capitals ("The
    NOVEMBER 2016 KABUL SUICIDE BOMBING occurred on ..."); when that run of capitals is the
    page name the file is named after (``November_2016_Kabul_suicide_bombing.md``), the
    page name, in its own case, is the title.
    """
    name = " ".join(re.split(r"[_\s]+", PurePosixPath(unquote(urlparse(uri).path)).stem)).strip()
    for m in _CAPS_RUN.finditer(text[:300]):
        if re.search(r"[A-Z]{2}", m.group(0)) and m.group(0).casefold() == name.casefold():
            return name
    return None


@converter("text/plain", "text/markdown")
def convert_text(raw: RawDocument) -> ConvertedDocument:
    """Plain text or markdown -> :class:`ConvertedDocument` (see the module docstring)."""
    decoded = decode_text(raw.content)
    if decoded is None:
        raise ConversionError("unsupported file type (binary data)")
    base = raw.source_url
    declared, decoded = _front_matter(decoded)
    units = _rejoin(_units(_drop_furniture(_drop_path_debris(_chunks(decoded)))))
    media_type = "text/markdown" if raw.uri.lower().endswith((".md", ".markdown")) else "text/plain"

    doc = DocBuilder()
    meta: dict = {"title": None, "published": None, "authors": [], "source_url": None}
    in_notice = False
    for i, unit in enumerate(units):
        header = not any(b.kind in _BODY_KINDS for b in doc.blocks)
        if header and (pair := _header_field(unit)):
            declared.setdefault(*pair)
            continue
        inline = Inline()
        if unit.kind == "table_row":
            for n, cell in enumerate(_cells(unit.text)):
                if n:
                    inline.add(" | ")
                _inline(cell, inline, base)
        else:
            _inline(unit.text, inline, base)
        text = inline.text
        if _is_navigation(inline):
            continue
        if header and meta["title"] and (masthead := _masthead_date(text, meta["title"])):
            meta["published"] = meta["published"] or (masthead if isinstance(masthead, str) else None)
            continue
        kind: BlockKind = "paragraph"
        if unit.kind in ("list_item", "table_row"):
            kind = unit.kind  # type: ignore[assignment]
        elif not doc.blocks and unit.kind in ("paragraph", "heading") and unit.single_line \
                and len(text) <= 200 and not text.endswith(tuple(".:;,")):
            kind = "title"
            meta["title"] = text
        elif unit.kind == "field":
            key, value = _field(text)
            if key in ("source", "url", "canonical url") and inline.links:
                meta["source_url"] = meta["source_url"] or inline.links[0][0]
            elif key in ("author", "authors", "by") and value:
                meta["authors"] = meta["authors"] or split_authors(value)
            elif key in ("date", "published", "publication date") and value:
                meta["published"] = meta["published"] or parse_date(value)
        elif i < 8 and unit.kind == "paragraph" and (m := _BYLINE.match(text)) and not meta["authors"]:
            kind = "byline"
            meta["authors"] = split_authors(m.group(1))
        elif i < 8 and not meta["published"] and (date := dateline_date(text)):
            kind = "dateline"
            meta["published"] = date
        elif unit.kind == "heading" or (unit.single_line and _looks_like_heading(text)):
            kind = "heading"
        if kind != "title" and is_notice_heading(text):
            in_notice = True  # a publisher's notice runs to the next heading: dropped with it
            continue
        if in_notice and kind != "heading":
            continue
        in_notice = False
        if kind != "title" and (is_boilerplate("paragraph" if kind != "table_row" else kind, inline)
                                or is_notice(text)):
            continue
        doc.add(kind, inline)
    if not meta["title"] and doc.blocks:
        first = doc.blocks[0]
        meta["title"] = _lead_subject(doc.parts[0][: first.end_char - first.start_char], raw.uri)
    meta.update(metadata_fields(declared))
    meta["source_url"] = meta["source_url"] or raw.source_url
    return doc.build(media_type, **meta)
