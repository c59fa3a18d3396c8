"""PDF -> canonical text with a page number on every block (pdfplumber).

Per page: words are grouped into rows; a row is cut where a wide horizontal gap
separates two columns, and when most of the page's text sits left or right of one
vertical gutter the page is read as two columns (full-width rows such as titles stay
in place). Lines then become paragraphs where the vertical gap grows or the font size
changes. Across pages, lines in the top or bottom margin that repeat on most pages
(running headers/footers) and margin lines that are only a page number are dropped.

Hyphenation, kept simple: a line ending in ``letter-`` followed by a line starting in
lower case is one word split in two (``organi-`` + ``zation``) unless the document
itself says otherwise: the hyphenated form occurs elsewhere, or both halves occur as
words and the joined form does not (``second-`` + ``largest``), or the part before the
hyphen is a prefix that keeps it (``al-``, ``self-``, ``non-``...). Before an upper-case
letter or a digit the hyphen stays and no space is added (``al-`` + ``Qaeda``,
``2018-`` + ``19``).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from statistics import median

import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException

from claimtrail.extractors.convert import (
    DocBuilder,
    converter,
    cut_urls,
    dateline_date,
    parse_date,
    split_authors,
)
from claimtrail.schema.records import BlockKind, ConversionError, ConvertedDocument, RawDocument

_MARGIN = 0.1  # top and bottom tenth of a page: where running headers and footers live
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I
)
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


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


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
        size=median(w["size"] for w in words),
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
        if last and abs(last.top - ln.top) <= 2.5:
            merged[-1] = _Line(f"{last.text} {ln.text}", min(last.x0, ln.x0), max(last.x1, ln.x1),
                               min(last.top, ln.top), max(last.bottom, ln.bottom),
                               max(last.size, ln.size))
        else:
            merged.append(ln)
    return merged


def _page_lines(page: pdfplumber.page.Page) -> list[_Line]:
    chars = page.chars
    seen = {(c["text"], round(c["x0"]), round(c["top"])) for c in chars}
    if len(seen) < 0.95 * len(chars):  # text drawn twice (fake bold): "DDÉÉSSOORRDDRREE"
        page = page.dedupe_chars()
    words = page.extract_words(x_tolerance_ratio=0.15, extra_attrs=["size"])  # size-relative gaps
    for w in words:
        w["text"] = _CID.sub("", w["text"]).translate(_LIGATURES)
    words = [w for w in words if w["text"].strip() and not _LEADER.fullmatch(w["text"])]
    if not words:
        return []
    segments = [_line(seg) for seg in _rows(words)]
    return _reading_order(segments, float(page.width), float(page.height))


# -------------------------------------------------------------------------- paragraphs


@dataclass
class _Vocabulary:
    """The document's own words, to tell ``organi-zation`` from ``second-largest``."""

    words: set[str]
    compounds: set[str]

    @classmethod
    def of(cls, pages: list[list[_Line]]) -> _Vocabulary:
        text = "\n".join(ln.text for lines in pages for ln in lines).lower()
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


_BULLET = re.compile(r"(?:[•▪◦●■*–-]|\d{1,2}[.)])\s+(?=\S)")


def _paragraphs(lines: list[_Line], vocab: _Vocabulary) -> list[tuple[str, float]]:
    """Lines -> (paragraph text, font size): break at a wider vertical gap, a change of
    font size or a bullet."""
    if not lines:
        return []
    # Line spacing relative to font size, so a 20pt title's wider leading is no break.
    steps = [(b.top - a.top) / a.size for a, b in zip(lines, lines[1:])
             if 0 < b.top - a.top < 3 * a.size]
    leading = median(steps) if steps else 1.2
    paragraphs: list[tuple[str, float]] = []
    text, size, prev = lines[0].text, lines[0].size, lines[0]
    for ln in lines[1:]:
        step = ln.top - prev.top
        new = (
            step > 1.4 * leading * prev.size or step < 0 or abs(ln.size - prev.size) > 0.15 * prev.size
            or _BULLET.match(ln.text) is not None
        )
        if new:
            paragraphs.append((text, size))
            text, size = ln.text, ln.size
        else:
            text = _join(text, ln.text, vocab)
        prev = ln
    paragraphs.append((text, size))
    return paragraphs


def _furniture(pages: list[list[_Line]], heights: list[float]) -> set[str]:
    """Normalised margin lines that repeat on at least half the pages (and on 2+)."""
    counts: Counter[str] = Counter()
    for lines, height in zip(pages, heights):
        counts.update({_key(ln.text) for ln in lines if _in_margin(ln, height)})
    need = max(2, len(pages) / 2)
    return {key for key, n in counts.items() if n >= need}


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
    return (not re.search(r"[A-Za-z]{3}", title) or title.lower() in ("untitled", "title")
            or title.lower().endswith((".doc", ".docx", ".pdf", ".indd", ".rtf", ".tmp"))
            or title.lower().startswith("microsoft word"))


def _creation_date(value: str | None) -> str | None:
    m = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", value or "")
    return parse_date(f"{m.group(1)}-{m.group(2)}-{m.group(3)}") if m else None


# --------------------------------------------------------------------------- converter


@converter("application/pdf")
def convert_pdf(raw: RawDocument) -> ConvertedDocument:
    """PDF -> :class:`ConvertedDocument`; every failure is a one-line ConversionError."""
    try:
        with pdfplumber.open(io.BytesIO(raw.content)) as pdf:
            info = {k: _meta_text(v) for k, v in (pdf.metadata or {}).items()}
            pages = [_page_lines(page) for page in pdf.pages]
            heights = [float(page.height) for page in pdf.pages]
    except ConversionError:
        raise
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        raise _error(cause) from exc
    except Exception as exc:  # pdfminer raises anything from KeyError to RecursionError
        raise _error(exc) from exc
    if not any(pages):
        raise ConversionError("no text layer (scanned document?)")

    repeated = _furniture(pages, heights) if len(pages) > 1 else set()
    vocab = _Vocabulary.of(pages)
    doc = DocBuilder()
    sizes: list[float] = []
    per_page: list[list[tuple[str, float]]] = []
    for lines, height in zip(pages, heights):
        kept = [ln for ln in lines if not (_in_margin(ln, height) and (
            _key(ln.text) in repeated or _PAGE_NUMBER.match(ln.text.strip())))]
        per_page.append(_paragraphs(kept, vocab))
        sizes += [ln.size for ln in kept for _ in range(len(ln.text))]
    body = median(sizes) if sizes else 0.0

    title = info.get("Title")
    if not title or _junk_title(title):
        first = [p for p in per_page[0] if re.search(r"[A-Za-z]{3}", p[0]) and len(p[0]) <= 200]
        title = max(first, key=lambda p: p[1])[0] if first else None
    for number, paragraphs in enumerate(per_page, start=1):
        for text, size in paragraphs:
            kind: BlockKind = "paragraph"
            if number == 1 and title and text == title and not any(b.kind == "title" for b in doc.blocks):
                kind = "title"
            elif number == 1 and dateline_date(text):
                kind = "dateline"
            elif size > 1.15 * body and len(text) <= 150:
                kind = "heading"
            elif bullet := _BULLET.match(text):
                kind, text = "list_item", text[bullet.end():]
            doc.add(kind, cut_urls(text), page=number)
    if not doc.blocks:
        raise ConversionError("no text layer (scanned document?)")

    page_one = "\n".join(text for text, _ in per_page[0])
    printed = _PRINTED_DATE.search(page_one)
    published = (parse_date(printed.group(1)) if printed else None) or _creation_date(
        info.get("CreationDate"))
    author = info.get("Author")
    return doc.build(
        "application/pdf",
        title=title,
        published=published,
        authors=split_authors(author) if author else [],
        source_url=raw.source_url,
    )


def _error(exc: BaseException) -> ConversionError:
    name = type(exc).__name__
    if "Password" in name or "encrypt" in str(exc).lower() and "password" in str(exc).lower():
        return ConversionError("encrypted: password required")
    first = (str(exc).strip().splitlines() or [""])[0][:160]
    return ConversionError(f"broken PDF: {name}: {first}" if first else f"broken PDF: {name}")
