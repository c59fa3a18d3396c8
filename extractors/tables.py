"""Tables: what a number alone in a table cell counts, and when.

Converters hand a table over as a run of ``table_row`` blocks whose cells are joined by
" | ", the first row being the header. A number alone in its cell ("58", "$25 million")
counts what its column header names ("Plots"). When that header is a period ("July 2025",
"Q3 2025 total"), a place dimension ("Country") or a total, the table counts what its
corner cell names ("Attacks recorded"), else what the caption or title just above the
table names ("Table 1. Attacks by country and month"): an analyst reads a table's cells
through its caption. A column headed by coordinates, codes, pages or dates counts
nothing (``not_counts.csv``). A scale written over the table or its column ("In
Trillions of Dollars", "Amount Held ($ billions)") multiplies its cells. A cell's period
is its column header's date, and a column headed "Fiscal Year" holds fiscal years, so its
year cells are dated as such. The words are data: ``data/table_words.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from claimtrail.extractors.context import DocContext, context, text_of
from claimtrail.extractors.gazetteer import read_csv
from claimtrail.extractors.identifiers import cues
from claimtrail.schema import Block

SEPARATOR = " | "
CAPTION_KINDS = {"caption", "heading", "paragraph"}
CAPTION_BLOCKS = 2  # a caption and a subtitle line ("In Trillions of Dollars")
CAPTION_CHARS = 240  # longer than this, the block above is prose, not a title
FIGURE = re.compile(r"[$€£]?\s*\d[\d,.]*\s*(?:thousand|million|billion|trillion)?[a-z]?\s*%?")  # "58", "$25 million", "12.8%"
LONE = re.compile(r"[^\w%]*(?:[a-z])?[^\w%]*")  # what may sit beside the number: "$", a footnote mark
NUMBER_OF = re.compile(r"\s*(?:number|no\.?)\s+of\s+\w", re.IGNORECASE)  # "Number of raids" counts raids
SCALE = re.compile(r"(?:\(|\bin\s)[^)]*?\b(thousand|million|billion|trillion)s\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Cell:
    """What a number alone in a table cell counts (``unit`` None: nothing) and its scale."""

    unit: str | None
    scale: float = 1.0


@lru_cache(maxsize=1)
def words() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {"label": set(), "total": set(), "dimension": set(), "fiscal": set()}
    for row in read_csv("table_words.csv"):
        found[row["role"]].add(row["word"])
    return {role: frozenset(ws) for role, ws in found.items()}


@lru_cache(maxsize=1)
def scales() -> dict[str, float]:
    return {r["phrase"]: float(r["value"]) for r in read_csv("numbers.csv") if r["kind"] == "scale"}


def rows_of(ctx: DocContext, text: str, block: Block) -> list[Block]:
    """The table ``block`` belongs to, header first: its run of table rows, cut where a
    header row follows figures (two tables printed one under the other)."""
    i = ctx.index_of(block)
    start, end = i, i + 1
    while start > 0 and ctx.blocks[start - 1].kind == "table_row" \
            and not (is_header(text, ctx.blocks[start]) and not is_header(text, ctx.blocks[start - 1])):
        start -= 1
    while end < len(ctx.blocks) and ctx.blocks[end].kind == "table_row" \
            and not (is_header(text, ctx.blocks[end]) and not is_header(text, ctx.blocks[end - 1])):
        end += 1
    return ctx.blocks[start:end]


def is_header(text: str, row: Block) -> bool:
    """A row with no cell opening with a figure: "Country | July 2025", not "Mali | 58"."""
    return not any(FIGURE.match(text[a:b].strip()) for a, b in cell_bounds(text, row))


def cell_bounds(text: str, block: Block) -> list[tuple[int, int]]:
    bounds, start = [], block.start_char
    while (cut := text.find(SEPARATOR, start, block.end_char)) >= 0:
        bounds.append((start, cut))
        start = cut + len(SEPARATOR)
    bounds.append((start, block.end_char))
    return bounds


def column_of(text: str, block: Block, offset: int) -> int:
    return sum(1 for start, _ in cell_bounds(text, block) if start <= offset) - 1


def header_rows(text: str, rows: list[Block]) -> list[Block]:
    """The leading header rows ("December 2025 | December 2021" over "Country | Amount
    Held"), at least the first."""
    count = 0
    while count < len(rows) and is_header(text, rows[count]):
        count += 1
    return rows[: max(count, 1)]


def over(text: str, header: Block, column: int, width: int) -> tuple[int, int] | None:
    """The header cell over ``column`` of a row of ``width`` cells; a header of fewer
    cells spans equal groups of columns ("December 2025" over three columns of six)."""
    bounds = cell_bounds(text, header)
    if len(bounds) < width and width % len(bounds) == 0:
        column //= width // len(bounds)
    return bounds[column] if column < len(bounds) else None


@dataclass(frozen=True, slots=True)
class Place:
    """Where a cell sits: its table's rows, header rows, its row and column."""

    rows: list[Block]
    headers: list[Block]
    row: Block
    column: int
    width: int

    def header_bounds(self, text: str) -> list[tuple[int, int]]:
        """The cells over this one, nearest header row first."""
        found = (over(text, h, self.column, self.width) for h in reversed(self.headers))
        return [b for b in found if b is not None]


def place(doc: Doc, text: str, offset: int) -> Place | None:
    """The cell at ``offset`` when it sits in a table row below the header rows."""
    ctx = context(doc)
    block = ctx.block_at(offset)
    if block is None or block.kind != "table_row":
        return None
    rows = rows_of(ctx, text, block)
    headers = header_rows(text, rows)
    if block in headers:
        return None
    return Place(rows, headers, block, column_of(text, block, offset), len(cell_bounds(text, block)))


def captions(ctx: DocContext, first_row: Block) -> list[Block]:
    """The short caption, heading or paragraph lines right above the table, nearest first."""
    found = []
    for other in reversed(ctx.blocks[: ctx.index_of(first_row)][-CAPTION_BLOCKS:]):
        if other.kind not in CAPTION_KINDS or other.end_char - other.start_char > CAPTION_CHARS:
            break
        found.append(other)
    return found


def is_period(span: Span) -> bool:
    return any(d.start_char < span.end_char and span.start_char < d.end_char for d in span.doc.spans.get("date", []))


def named_thing(tokens: list[Token]) -> str | None:
    """The noun a header or caption names ("Attacks recorded" -> "attacks", "Number of
    plots" -> "plots"), past a caption label ("Table 1."); none for a place or period."""
    content = [t for t in tokens if t.is_alpha and t.lower_ not in words()["label"] | words()["total"]
               and t.lower_.removesuffix("s") not in scales()]
    for k, token in enumerate(content):
        if token.lower_ in words()["dimension"] or token.lower_ in cues()["header"]:
            if token.lower_ == "number" and k + 2 < len(content) and content[k + 1].lower_ == "of":
                return content[k + 2].lower_
            return None
        if token.pos_ in {"NOUN", "PROPN"}:
            run = [token]  # "Permanent Layoff", "Foreign Holdings": the compound, up to its head
            for following in content[k + 1 :]:
                if following.i != run[-1].i + 1 or following.pos_ not in {"NOUN", "PROPN"} \
                        or following.lower_ in words()["dimension"] or following.lower_ in cues()["header"]:
                    break
                run.append(following)
            return " ".join(t.lower_ for t in run)
    return None


def names_nothing(span: Span) -> bool:
    """A header of coordinates, codes, pages or dates, or one with figures in it."""
    lowered = span.text.lower()
    named = set(lowered.split()) | set(lowered.replace(".", " ").split())
    return any(c.isdigit() for c in lowered) or bool(named & cues()["header"].keys())


def scale_over(lines: list[str]) -> float:
    for line in lines:
        m = SCALE.search(line)
        if m:
            return scales()[m.group(1).lower()]
    return 1.0


def cell(doc: Doc, text: str, group: Span) -> Cell | None:
    """What ``group`` counts when it stands alone in a table cell below the header; None
    when it is no such number, so the sentence rules read it."""
    where = place(doc, text, group.start_char)
    if where is None:
        return None
    start, end = cell_bounds(text, where.row)[where.column]
    beside = text[start : group.start_char] + text[group.end_char : end]
    if not LONE.fullmatch(beside):
        return Cell(None) if any(c.isdigit() for c in beside) else None  # a collapsed column: "18,870 209 2,303"
    heads = [h for b in where.header_bounds(text) if (h := doc.char_span(*b, alignment_mode="contract")) is not None]
    if not heads:
        return Cell(None)
    head = heads[0]
    above = [doc.char_span(b.start_char, b.end_char, alignment_mode="contract") for b in captions(context(doc), where.rows[0])]
    above = [s for s in above if s is not None]
    scale = 1.0 if "%" in text[start:end] else scale_over([h.text for h in heads] + [s.text for s in above])
    if not is_period(head):
        if names_nothing(head) and not NUMBER_OF.match(head.text):
            return Cell(None)
        unit = named_thing(list(head))
        if unit is None and all(t.is_alpha and t.lower_ not in words()["dimension"] | words()["total"] for t in head):
            unit = head.text.strip().lower() or None  # "Killed", "Wounded": the parse sees no noun
        if unit is not None:
            return Cell(unit, scale)
    corner = doc.char_span(*cell_bounds(text, where.headers[-1])[0], alignment_mode="contract") if where.column else None
    lines = [corner] if corner is not None and not is_period(corner) else []
    unit = next((u for line in (*lines, *above) if (u := named_thing(list(line))) is not None), None)
    return Cell(unit, scale)


def column_dates(span: Span, dates: list[Span]) -> list[Span]:
    """The date heading the column of a table cell: "July 2025" over "58"."""
    doc = span.doc
    block = context(doc).block_at(span.start_char)
    if block is None or block.kind != "table_row":
        return []
    text = text_of(doc)
    where = place(doc, text, span.start_char)
    for start, end in where.header_bounds(text) if where is not None else []:
        found = [d for d in dates if start <= d.start_char and d.end_char <= end]
        if found:
            return found[:1]
    return []


def row_country(span: Span, countries: list[Span]) -> str | None:
    """The country of a table cell: the nearest one named to its left in its row."""
    block = context(span.doc).block_at(span.start_char)
    if block is None or block.kind != "table_row":
        return None
    left = [c for c in countries if block.start_char <= c.start_char and c.end_char <= span.start_char]
    return left[-1]._.norm if left else None


def fiscal_year_cells(doc: Doc, dates: list[Span]) -> Iterator[Span]:
    """Year cells of a column headed "Fiscal Year": each states a fiscal year."""
    text = text_of(doc)
    for date in dates:
        where = place(doc, text, date.start_char) if date.text.isdigit() else None
        if where is not None and any(text[a:b].strip().lower() in words()["fiscal"] for a, b in where.header_bounds(text)):
            yield date
