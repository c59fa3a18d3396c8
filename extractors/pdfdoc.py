"""PDF -> canonical text with a page number on every block (pdfplumber).

Per page: small raised digits right after a word (footnote references, ``law,⁸``) are
dropped; tables found by pdfplumber's table finder (ruled cells, at least two rows with
two filled cells; a table ruled only horizontally is not found) become ``table_row``
blocks, cells joined by ``" | "``, and their words are taken out of the running text; the
other words are grouped into rows; a row is cut where a wide horizontal gap separates two
columns, and when most of the page's text sits left or right of one vertical gutter the
page is read as two columns (full-width rows such as titles stay in place). Lines then
become paragraphs where the vertical gap grows, the font size changes or bold starts or
ends: larger type, or a bold line without a sentence end, is a heading; "Figure 2. ..."
is a caption. A paragraph cut by the column break (no sentence end before it) goes on in
the next column.

Page furniture is taken out of the text and kept aside (:class:`Furniture`, returned by
:func:`convert_pdf_parts`): margin lines that repeat on most pages (running headers and
footers, and the last page's longer variant of a small-type one; not on a page that has
no other text, where such a line is the text), margin lines that are only a page number, and small-type margin lines that are a printed URL or a document code
("IF12672"). Footnotes — the run of smaller-type lines at the foot of a page that starts
at a note mark ("12 See ...") or under a short rule — become ``footnote`` blocks, one per
note, without their mark.

Hyphenation, kept simple: a line ending in ``letter-`` followed by a line starting in
lower case is one word split in two (``organi-`` + ``zation``) unless the document
itself says otherwise: the hyphenated form occurs elsewhere, or both halves occur as
words and the joined form does not (``second-`` + ``largest``), or the part before the
hyphen is a prefix that keeps it (``al-``, ``self-``, ``non-``...). Before an upper-case
letter or a digit the hyphen stays and no space is added (``al-`` + ``Qaeda``,
``2018-`` + ``19``).

Failures are one-line :class:`ConversionError` messages: ``encrypted: password
required`` (the empty password is always tried first), ``broken PDF: ...`` with what is
wrong in words, ``no text layer (scanned document?)`` for pages with pictures and no
text. ``MemoryError`` is not wrapped: the caller's memory guard reports it.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from statistics import median
from typing import Literal

import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException

from claimtrail.extractors.convert import (
    WRITTEN_DATE,
    DocBuilder,
    Inline,
    converter,
    cut_urls,
    dateline_date,
    is_notice,
    is_notice_heading,
    parse_date,
    split_authors,
)
from claimtrail.schema.records import BlockKind, ConversionError, ConvertedDocument, RawDocument

_MARGIN = 0.1  # top and bottom tenth of a page: where running headers and footers live
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I
)
_URL_START = re.compile(r"^(?:https?://|www\.)\S")
_DOC_CODE = re.compile(r"^[A-Z]{1,5}[-\s]?\d{3,}[A-Za-z0-9.-]*$")  # "IF12672", "RL-33110"
_KEEP_HYPHEN = {"al", "el", "self", "non", "anti", "cross", "quasi", "well", "ex"}
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st",
                            "ﬆ": "st", "\u2010": "-", "\u2011": "-"})
_CID = re.compile(r"\(cid:\d+\)")
_LEADER = re.compile(r"[.…·]{4,}")  # table-of-contents dot leaders
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_PRINTED_DATE = re.compile(
    r"\b(?:published|updated|dated?|issued|released|posted)\b:?\s+(?:on\s+)?"
    rf"(\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{4}}-\d\d-\d\d"
    r"|\d{1,2}/\d{1,2}/\d{4})",
    re.IGNORECASE,
)
_NOTE_MARK = re.compile(r"^(?:\d{1,3}|[*†‡§¶]{1,3})\s+(?=\S)")
_CAPTION = re.compile(r"(?:Figure|Fig\.|Table|Map|Chart|Exhibit|Box|Graph)\s+[A-Z]?\d+[.:]\s", re.IGNORECASE)
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)  # in the font's name
_SENTENCE_END = re.compile(r"[.!?:;][\"”’)\]]*$")
_SUPERSCRIPT = set("0123456789*†‡")  # what a footnote reference starts with
_SUPERSCRIPT_MORE = set("0123456789,-–")  # and what may follow ("12,13", "4-6")

FurnitureKind = Literal["running", "page number", "url", "code"]


@dataclass(frozen=True, slots=True)
class Furniture:
    """A line taken out of the text because it is page furniture, not content."""

    page: int
    text: str
    kind: FurnitureKind  # running header/footer, page number, printed URL, document code


@dataclass(slots=True)
class PdfParts:
    """A converted PDF and the furniture taken out of its text."""

    document: ConvertedDocument
    furniture: list[Furniture] = field(default_factory=list)


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    rows: list[list[str]] | None = None  # a table: its rows of cells (cells may hold "\n")
    bold: bool = False  # every word set in a bold face


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line]  # in reading order
    rules: list[float]  # tops of short thin horizontal rules (footnote separators)
    drawn: bool  # images or vector graphics: something is on the page


@dataclass
class _Para:
    kind: Literal["text", "table_row", "footnote"]
    text: str
    size: float
    cells: list[str] | None = None
    bold: bool = False


# ------------------------------------------------------------------------------ layout


def _rows(words: list[dict]) -> list[list[dict]]:
    """Words -> rows (same baseline), each cut at wide gaps into segments."""
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - word["top"]) <= 2.5:
            rows[-1].append(word)
        else:
            rows.append([word])
    segments: list[list[dict]] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        current = [row[0]]
        for word in row[1:]:
            if word["x0"] - current[-1]["x1"] > 1.5 * max(word["size"], 6):
                segments.append(current)
                current = []
            current.append(word)
        segments.append(current)
    return segments


def _line(words: list[dict]) -> _Line:
    return _Line(
        text=" ".join(w["text"] for w in words),
        x0=min(w["x0"] for w in words), x1=max(w["x1"] for w in words),
        top=min(w["top"] for w in words), bottom=max(w["bottom"] for w in words),
        size=median(w["size"] for w in words), bold=all(w.get("bold") for w in words),
    )


def _gutter(lines: list[_Line], width: float) -> float | None:
    """An x between 30% and 70% of the page that few lines cross and that has prose
    (lines at least a quarter of the page wide) on both sides, else None."""
    if len(lines) < 10:
        return None
    best: tuple[int, float] | None = None
    for x in range(int(0.3 * width), int(0.7 * width), 2):
        crossing = sum(1 for ln in lines if ln.x0 < x < ln.x1)
        if best is None or crossing < best[0]:
            best = (crossing, float(x))
    if best is None or best[0] > 0.15 * len(lines):
        return None
    x = best[1]
    for side in ([ln for ln in lines if ln.x1 <= x], [ln for ln in lines if ln.x0 >= x]):
        if len(side) < 5 or median(ln.x1 - ln.x0 for ln in side) < 0.25 * width:
            return None
    return x


def _reading_order(segments: list[_Line], width: float, height: float) -> list[_Line]:
    """Top-to-bottom; on a two-column page the left column of each band before its right.
    Full-width lines, and large type near the top (a title set in one column), end the
    band above them."""
    segments.sort(key=lambda ln: (ln.top, ln.x0))
    x = _gutter(segments, width)
    if x is None:
        return _merge_rows(segments)
    body = median(ln.size for ln in segments)
    ordered: list[_Line] = []
    left: list[_Line] = []
    right: list[_Line] = []
    for ln in segments:
        if ln.x0 < x < ln.x1 or (ln.size > 1.3 * body and ln.top < 0.25 * height):
            ordered += _merge_rows(left) + _merge_rows(right) + [ln]
            left, right = [], []
        else:
            (left if ln.x1 <= x else right).append(ln)
    return ordered + _merge_rows(left) + _merge_rows(right)


def _merge_rows(lines: list[_Line]) -> list[_Line]:
    """Segments of one row in one column (table cells) -> one line."""
    merged: list[_Line] = []
    for ln in lines:
        last = merged[-1] if merged else None
        if last and last.rows is None and ln.rows is None and abs(last.top - ln.top) <= 2.5:
            merged[-1] = _Line(f"{last.text} {ln.text}", min(last.x0, ln.x0), max(last.x1, ln.x1),
                               min(last.top, ln.top), max(last.bottom, ln.bottom),
                               max(last.size, ln.size), bold=last.bold and ln.bold)
        else:
            merged.append(ln)
    return merged


def _superscript_refs(chars: list[dict]) -> set[int]:
    """ids of the chars of footnote references: small digits (or * † ‡) set above the
    baseline right after a word, in content-stream order. A note's own mark at the start
    of its line follows the previous line, not a word, and stays."""
    found: set[int] = set()
    base: dict | None = None
    last: dict | None = None
    for c in chars:
        text = c["text"]
        if not text.strip():
            continue
        if base is not None and last is not None and text in (_SUPERSCRIPT if last is base else _SUPERSCRIPT_MORE):
            size = base["size"]
            if (c["size"] <= 0.8 * size and c["bottom"] < base["bottom"] - 0.2 * size
                    and c["top"] > base["top"] - 0.6 * size and -1 <= c["x0"] - last["x1"] <= 0.6 * size):
                found.add(id(c))
                last = c
                continue
        base = last = c
    return found


def _cell(text: str | None) -> str:
    return _CID.sub("", text or "").translate(_LIGATURES).strip()


def _tables(page: pdfplumber.page.Page) -> list[tuple[tuple[float, float, float, float], list[list[str]]]]:
    """Ruled tables with at least two rows of two filled cells, outermost first: (bbox, rows).
    Columns and rows that are empty everywhere are dropped; a boxed paragraph (one filled
    column) is not a table."""
    if not (page.rects or page.lines):
        return []
    found = sorted(page.find_tables(), key=lambda t: -(t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]))
    kept: list[tuple[tuple[float, float, float, float], list[list[str]]]] = []
    for table in found:
        x0, top, x1, bottom = table.bbox
        if any(k[0] - 1 <= x0 and x1 <= k[2] + 1 and k[1] - 1 <= top and bottom <= k[3] + 1
               for k, _ in kept):
            continue  # a table inside a table (pdfplumber also reports header cells)
        rows = [[_cell(c) for c in row] for row in table.extract()]
        filled = [i for i in range(max((len(r) for r in rows), default=0))
                  if any(i < len(r) and r[i] for r in rows)]
        rows = [[r[i] if i < len(r) else "" for i in filled] for r in rows]
        rows = [r for r in rows if any(r)]
        if sum(1 for r in rows if sum(1 for c in r if c) >= 2) >= 2:
            kept.append((table.bbox, rows))
    return kept


def _page(page: pdfplumber.page.Page, number: int) -> _Page:
    chars = page.chars
    seen = {(c["text"], round(c["x0"]), round(c["top"])) for c in chars}
    if len(seen) < 0.95 * len(chars):  # text drawn twice (fake bold): "DDÉÉSSOORRDDRREE"
        page = page.dedupe_chars()
        chars = page.chars
    refs = _superscript_refs(chars)
    if refs:
        page = page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) not in refs)
    width, height = float(page.width), float(page.height)
    rules = [float(r["top"]) for r in page.lines + page.rects
             if abs(r["bottom"] - r["top"]) <= 1.5 and 0.08 * width <= r["x1"] - r["x0"] <= 0.5 * width]
    drawn = bool(page.images or page.rects or page.lines or page.curves)
    if not chars:
        return _Page(number, width, height, [], rules, drawn)

    tables = _tables(page)
    words = page.extract_words(x_tolerance_ratio=0.15, extra_attrs=["size"])  # size-relative gaps
    faces = {(round(c["x0"], 1), round(c["top"], 1)): c.get("fontname") or "" for c in page.chars}
    for w in words:
        w["text"] = _CID.sub("", w["text"]).translate(_LIGATURES)
        w["bold"] = _BOLD.search(faces.get((round(w["x0"], 1), round(w["top"], 1)), "")) is not None
    words = [w for w in words if w["text"].strip() and not _LEADER.fullmatch(w["text"])]
    lines: list[_Line] = []
    for (x0, top, x1, bottom), rows in tables:
        inside = [w for w in words
                  if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom]
        if inside:
            taken = {id(w) for w in inside}
            words = [w for w in words if id(w) not in taken]
        size = median(w["size"] for w in inside) if inside else 0.0
        lines.append(_Line(" | ".join(c for r in rows for c in r if c), x0, x1, top, bottom, size, rows))
    lines += [_line(seg) for seg in _rows(words)] if words else []
    if not lines:
        return _Page(number, width, height, [], rules, drawn)
    return _Page(number, width, height, _reading_order(lines, width, height), rules, drawn)


# -------------------------------------------------------------------------- paragraphs


@dataclass
class _Vocabulary:
    """The document's own words, to tell ``organi-zation`` from ``second-largest``."""

    words: set[str]
    compounds: set[str]

    @classmethod
    def of(cls, pages: list[_Page]) -> _Vocabulary:
        text = "\n".join(ln.text for page in pages for ln in page.lines).lower()
        return cls(set(re.findall(r"(?<![\w-])[a-z]+(?![\w-])", text)),
                   set(re.findall(r"[a-z]+-[a-z]+", text)))

    def keeps_hyphen(self, left: str, right: str) -> bool:
        left, right = left.lower(), right.lower()
        if left in _KEEP_HYPHEN or f"{left}-{right}" in self.compounds:
            return True
        if left + right in self.words:
            return False
        return left in self.words and right in self.words


def _join(text: str, nxt: str, vocab: _Vocabulary) -> str:
    """Join two lines of one paragraph, undoing line-end hyphenation (module docstring)."""
    m = re.search(r"([A-Za-z]+)[-\u00ad]$", text)
    right = re.match(r"[a-z]+", nxt)
    if m and right and not vocab.keeps_hyphen(m.group(1), right.group(0)):
        return text[:-1] + nxt
    if m or text.endswith(("-", "/")):
        return text + nxt
    return f"{text} {nxt}"


def _join_lines(text: str, vocab: _Vocabulary) -> str:
    """A table cell's lines -> one line."""
    out = ""
    for piece in (p.strip() for p in text.split("\n")):
        if piece:
            out = _join(out, piece, vocab) if out else piece
    return out


_BULLET = re.compile(r"(?:[•▪◦●■*–-]|\d{1,2}[.)])\s+(?=\S)")


def _paragraphs(lines: list[_Line], vocab: _Vocabulary, width: float) -> list[_Para]:
    """Lines -> paragraphs: break at a wider vertical gap, a change of font size or a
    bullet; a column break only where the sentence ended. A table gives one row each."""
    text_lines = [ln for ln in lines if ln.rows is None]
    # Line spacing relative to font size, so a 20pt title's wider leading is no break.
    steps = [(b.top - a.top) / a.size for a, b in zip(text_lines, text_lines[1:])
             if 0 < b.top - a.top < 3 * a.size]
    leading = median(steps) if steps else 1.2
    paragraphs: list[_Para] = []
    current: _Para | None = None
    prev: _Line | None = None
    for ln in lines:
        if ln.rows is not None:
            if current:
                paragraphs.append(current)
            current, prev = None, None
            for row in ln.rows:
                cells = [c for c in (_join_lines(cell, vocab) for cell in row) if c]
                paragraphs.append(_Para("table_row", " | ".join(cells), ln.size, cells))
            continue
        if current is None or prev is None:
            current, prev = _Para("text", ln.text, ln.size, bold=ln.bold), ln
            continue
        step = ln.top - prev.top
        same_size = abs(ln.size - prev.size) <= 0.15 * prev.size and ln.bold == prev.bold
        bullet = _BULLET.match(ln.text) is not None
        column_break = step < 0 and ln.x0 > prev.x0 + 0.25 * width
        if column_break and same_size and not bullet and not _SENTENCE_END.search(current.text):
            new = False  # the paragraph goes on at the top of the next column
        else:
            new = step > 1.4 * leading * prev.size or step < 0 or not same_size or bullet
        if new:
            paragraphs.append(current)
            current = _Para("text", ln.text, ln.size, bold=ln.bold)
        else:
            current.text = _join(current.text, ln.text, vocab)
        prev = ln
    if current:
        paragraphs.append(current)
    return paragraphs


def _footnote_start(lines: list[_Line], rules: list[float], body: float, height: float) -> int:
    """Index of the page's first footnote line (``len(lines)`` when there is none): the
    run of smaller-type lines at the foot of the page, from its first note mark, or from
    its start when a short rule separates it from the text above."""
    i = len(lines)
    while i and lines[i - 1].rows is None and lines[i - 1].size <= 0.92 * body and lines[i - 1].top > 0.4 * height:
        i -= 1
    marks = [k for k, ln in enumerate(lines[i:]) if _NOTE_MARK.match(ln.text)]
    if not marks:
        return len(lines)
    above = lines[i - 1].bottom if i else 0.0
    ruled = any(above - 1 <= top <= lines[i].top + 1 for top in rules)
    return i if ruled else i + marks[0]


def _footnotes(lines: list[_Line], vocab: _Vocabulary) -> list[_Para]:
    """Footnote lines -> one footnote per note mark (the mark itself is dropped)."""
    notes: list[_Para] = []
    for ln in lines:
        mark = _NOTE_MARK.match(ln.text)
        if mark or not notes:
            notes.append(_Para("footnote", ln.text[mark.end():] if mark else ln.text, ln.size))
        else:
            notes[-1].text = _join(notes[-1].text, ln.text, vocab)
    return notes


def _furniture(pages: list[_Page]) -> set[str]:
    """Normalised margin lines that repeat on at least half the pages (and on 2+)."""
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_key(ln.text) for ln in page.lines if ln.rows is None and _in_margin(ln, page.height)})
    need = max(2, len(pages) / 2)
    return {key for key, n in counts.items() if n >= need}


def _furniture_kind(ln: _Line, height: float, repeated: set[str], body: float) -> FurnitureKind | None:
    if ln.rows is not None or not _in_margin(ln, height):
        return None
    text = ln.text.strip()
    if _PAGE_NUMBER.match(text):
        return "page number"
    key = _key(text)
    if key in repeated:
        return "running"
    if ln.size >= 0.95 * body:
        return None
    words = _words(key)
    if any(len(w := _words(r)) >= 2 and words[: len(w)] == w for r in repeated):
        return "running"  # the last page's longer variant: "Congressional Research Service R48903 · VERSION 3"
    if _URL_START.match(text):
        return "url"
    if _DOC_CODE.match(text):
        return "code"
    return None


def _words(key: str) -> list[str]:
    return re.findall(r"[a-z]{2,}", key)


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def _in_margin(ln: _Line, height: float) -> bool:
    return ln.bottom < _MARGIN * height or ln.top > (1 - _MARGIN) * height


# ---------------------------------------------------------------------------- metadata


def _meta_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    value = value.strip().strip("\x00")
    return value or None


def _junk_title(title: str) -> bool:
    """A title field left by the tool, not the author: a file name ("10811.exe",
    "905_Precinct_NoOU", "Microsoft Word - draft.doc") or a placeholder."""
    return (not re.search(r"[A-Za-z]{3}", title) or title.lower() in ("untitled", "title")
            or bool(re.search(r"\.[a-z0-9]{2,4}$", title, re.IGNORECASE))
            or " " not in title and "_" in title
            or title.lower().startswith("microsoft word"))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _title(info_title: str | None, page_one: list[_Para], body: float) -> str | None:
    """The printed title wins over the PDF's Title field unless that field is printed on
    page one too (then it is the cleaner copy). The printed title is the page's largest
    short text; a one-word line (a letterhead or logo such as "INSIGHTi") only when no
    longer line is set larger than the body text."""
    candidates = [p for p in page_one
                  if p.kind == "text" and re.search(r"[A-Za-z]{3}", p.text) and len(p.text) <= 200
                  and not dateline_date(p.text, month_is_enough=True)]
    printed = max(candidates, key=lambda p: p.size) if candidates else None
    worded = [p for p in candidates if len(p.text.split()) > 1 and p.size >= 1.15 * body]
    if printed and len(printed.text.split()) == 1 and worded:
        printed = max(worded, key=lambda p: p.size)
    if info_title and not _junk_title(info_title):
        wanted, seen = _words(info_title), set(_words(" ".join(p.text for p in page_one)))
        if sum(w in seen for w in wanted) >= 0.6 * len(wanted) or printed is None or printed.size < 1.15 * body:
            return info_title
    return printed.text if printed else None


def _printed_date(page_one: list[_Para]) -> str | None:
    """The report's date as page one prints it: a labelled date ("Updated April 9,
    2026"), else a line that is only a date ("April 16, 2026", "March 2025"), else a date
    in one of the first short lines (a masthead such as "District Office April 6, 2016
    1309 Main St")."""
    texts = [p.text for p in page_one if p.kind == "text"]
    if printed := _PRINTED_DATE.search("\n".join(texts)):
        return parse_date(printed.group(1))
    for text in texts:
        if found := dateline_date(text, month_is_enough=True):
            return found
    for text in texts[:4]:
        if len(text) <= 200 and (found := WRITTEN_DATE.search(text)):
            return parse_date(found.group(0))
    return None


_SIGNATURE = re.compile(r"^(?P<name>(?:[A-Z][\w'’-]*\.?\s+){1,3}[A-Z][\w'’-]+),\s+(?P<role>[A-Z][a-z]+)\b[^,]{0,90}$")


@cache
def _roles() -> frozenset[str]:
    data = resources.files("claimtrail.extractors").joinpath("data/author_roles.csv")
    with data.open(encoding="utf-8") as f:
        return frozenset(row["role"].strip() for row in csv.DictReader(f))


def _signature(text: str) -> str | None:
    """The name of a line that signs a report: "Jared G. Tupuola, Analyst in Foreign
    Affairs" (roles in ``data/author_roles.csv``)."""
    m = _SIGNATURE.match(text)
    return m.group("name") if m and m.group("role").lower() in _roles() else None


def _info_authors(author: str | None) -> list[str]:
    """The Author field's names; a single word there is an account name ("JOHNSCA",
    "e516160"), not an author."""
    return [name for name in split_authors(author or "") if len(name.split()) > 1]


def _creation_date(value: str | None) -> str | None:
    m = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", value or "")
    return parse_date(f"{m.group(1)}-{m.group(2)}-{m.group(3)}") if m else None


# --------------------------------------------------------------------------- converter


def _read(raw: RawDocument) -> tuple[dict[str, str | None], list[_Page], bool]:
    """The PDF's info dictionary, its pages laid out, and whether it is encrypted."""
    opened = False
    try:
        with pdfplumber.open(io.BytesIO(raw.content)) as pdf:
            opened = True
            encrypted = getattr(pdf.doc, "encryption", None) is not None
            info = {k: _meta_text(v) for k, v in (pdf.metadata or {}).items()}
            pages = [_page(page, number) for number, page in enumerate(pdf.pages, start=1)]
    except (ConversionError, MemoryError):
        raise
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        if isinstance(cause, MemoryError):
            raise cause from None  # for the caller's memory guard, not a broken PDF
        raise _error(cause, raw.content, opened) from exc
    except Exception as exc:  # pdfminer raises anything from KeyError to RecursionError
        raise _error(exc, raw.content, opened) from exc
    return info, pages, encrypted


def convert_pdf_parts(raw: RawDocument) -> PdfParts:
    """PDF -> the document and its furniture; every failure is a one-line ConversionError."""
    info, pages, encrypted = _read(raw)
    if not pages:
        raise ConversionError("broken PDF: no pages found")
    if not any(page.lines for page in pages):
        raise _no_text(pages, encrypted)

    sizes = [ln.size for page in pages for ln in page.lines if ln.rows is None for _ in range(len(ln.text))]
    body = median(sizes) if sizes else 0.0
    repeated = _furniture(pages) if len(pages) > 1 else set()
    vocab = _Vocabulary.of(pages)
    furniture: list[Furniture] = []
    per_page: list[list[_Para]] = []
    for page in pages:
        kept: list[_Line] = []
        kinds = [_furniture_kind(ln, page.height, repeated, body) for ln in page.lines]
        if all(kinds):  # a line on every page is furniture only where the page has other text
            kinds = [None if kind == "running" else kind for kind in kinds]
        for ln, kind in zip(page.lines, kinds):
            if kind:
                furniture.append(Furniture(page.number, ln.text, kind))
            else:
                kept.append(ln)
        notes = _footnote_start(kept, page.rules, body, page.height)
        per_page.append(_paragraphs(kept[:notes], vocab, page.width) + _footnotes(kept[notes:], vocab))

    title = _title(info.get("Title"), per_page[0], body)
    doc = DocBuilder()
    signed: list[str] = []
    in_notice = False
    for number, paragraphs in enumerate(per_page, start=1):
        for para in paragraphs:
            text = para.text
            kind: BlockKind = "paragraph"
            if para.kind == "table_row":
                doc.add("table_row", _row(para.cells or []), page=number)
                continue
            if is_notice_heading(text):
                in_notice = True  # a publisher's notice runs to the next heading: dropped with it
                continue
            heading = (para.size > 1.15 * body or para.bold and not _SENTENCE_END.search(text)) and len(text) <= 150
            if is_notice(text) or in_notice and not heading and para.kind != "footnote":
                continue
            in_notice = False
            if para.kind == "footnote":
                kind = "footnote"
            elif number == 1 and title and text == title and not any(b.kind == "title" for b in doc.blocks):
                kind = "title"
            elif number == 1 and dateline_date(text):
                kind = "dateline"
            elif signer := _signature(text):
                kind = "byline"
                signed.append(signer)
            elif _CAPTION.match(text) and len(text) <= 300:
                kind = "caption"
            elif heading:
                kind = "heading"
            elif bullet := _BULLET.match(text):
                kind, text = "list_item", text[bullet.end():]
            doc.add(kind, cut_urls(text), page=number)
    if not doc.blocks:
        raise _no_text(pages, encrypted)

    document = doc.build(
        "application/pdf",
        title=re.sub(r"\b(\d+) (st|nd|rd|th)\b", r"\1\2", title) if title else None,  # a raised "th"
        published=_printed_date(per_page[0]) or _creation_date(info.get("CreationDate")),
        authors=_info_authors(info.get("Author")) or signed,
        source_url=raw.source_url,
    )
    return PdfParts(document, furniture)


@converter("application/pdf")
def convert_pdf(raw: RawDocument) -> ConvertedDocument:
    """PDF -> :class:`ConvertedDocument`; every failure is a one-line ConversionError."""
    return convert_pdf_parts(raw).document


def _row(cells: list[str]) -> Inline:
    """Table cells -> one row, ``" | "`` between cells; URLs cut out cell by cell, and a
    cell that was only a URL is left out, so every row keeps one separator per cell."""
    row = Inline()
    for cell in cells:
        piece = cut_urls(cell)
        if not piece.text:
            continue
        if row.text:
            row.add(" | ")
        row.add(piece.text)
        start = len(row.text) - len(piece.text)
        row.links += [(url, start + s, start + e) for url, s, e in piece.links]
    return row


# ------------------------------------------------------------------------------ errors


def _no_text(pages: list[_Page], encrypted: bool) -> ConversionError:
    if encrypted:
        return ConversionError("encrypted: no readable text (blank pages, or decryption failed)")
    if any(page.drawn for page in pages):
        return ConversionError("no text layer (scanned document?)")
    return ConversionError("no text: the pages are blank or their content cannot be read")


_CLEAN_DETAIL = re.compile(r"[\w .,:;'()/-]{1,60}")


def _error(exc: BaseException, content: bytes = b"", opened: bool = True) -> ConversionError:
    """A pdfminer/pdfplumber exception -> one line a user understands."""
    name = type(exc).__name__
    detail = (str(exc).strip().splitlines() or [""])[0]
    if "Password" in name or "encrypt" in detail.lower() and "password" in detail.lower():
        return ConversionError("encrypted: password required")
    if name == "PDFEncryptionError" or (not opened and b"/Encrypt" in content):
        return ConversionError(f"encrypted: unsupported or damaged encryption ({name})")
    if isinstance(exc, RecursionError):
        return ConversionError("broken PDF: circular or too deeply nested references")
    if name == "PSEOF":
        return ConversionError("broken PDF: the file ends unexpectedly (truncated?)")
    if "/Root" in detail:
        return ConversionError("broken PDF: no document catalog (/Root), not a readable PDF")
    if name in ("PSSyntaxError", "PDFSyntaxError", "PSTypeError", "PDFTypeError", "PDFValueError"):
        what = "invalid syntax"
    elif name in ("ValueError", "PDFNotImplementedError", "error", "UnicodeDecodeError"):
        what = "damaged or unsupported data"
    else:
        what = "damaged internal structure"
    if _CLEAN_DETAIL.fullmatch(detail) and not detail.startswith(("'", "(")):
        return ConversionError(f"broken PDF: {what} ({name}: {detail})")
    return ConversionError(f"broken PDF: {what} ({name})")
