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

from claimtrail.extractors.context import DocContext, context
from claimtrail.extractors.gazetteer import read_csv
from claimtrail.extractors.identifiers import cues
from claimtrail.schema import Block

SEPARATOR = " | "
CAPTION_KINDS = {"caption", "heading", "paragraph"}
CAPTION_BLOCKS = 2  # a caption and a subtitle line ("In Trillions of Dollars")
CAPTION_CHARS = 240  # longer than this, the block above is prose, not a title
LONE = re.compile(r"[^\w%]*(?:[a-z])?[^\w%]*")  # what may sit beside the number: "$", a footnote mark
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


def rows_of(ctx: DocContext, block: Block) -> list[Block]:
    """The run of table rows ``block`` belongs to, header first."""
    i = ctx.index_of(block)
    start, end = i, i + 1
    while start > 0 and ctx.blocks[start - 1].kind == "table_row":
        start -= 1
    while end < len(ctx.blocks) and ctx.blocks[end].kind == "table_row":
        end += 1
    return ctx.blocks[start:end]


def cell_bounds(text: str, block: Block) -> list[tuple[int, int]]:
    bounds, start = [], block.start_char
    while (cut := text.find(SEPARATOR, start, block.end_char)) >= 0:
        bounds.append((start, cut))
        start = cut + len(SEPARATOR)
    bounds.append((start, block.end_char))
    return bounds


def column_of(text: str, block: Block, offset: int) -> int:
    return sum(1 for start, _ in cell_bounds(text, block) if start <= offset) - 1


def captions(ctx: DocContext, first_row: Block) -> list[Block]:
    """The short caption, heading or paragraph lines right above the table, nearest first."""
    found = []
    for other in reversed(ctx.blocks[: ctx.index_of(first_row)][-CAPTION_BLOCKS:]):
        if other.kind not in CAPTION_KINDS or other.end_char - other.start_char > CAPTION_CHARS:
            break
        found.append(other)
    return found


def header_cell(doc: Doc, text: str, header: Block, column: int) -> Span | None:
    bounds = cell_bounds(text, header)
    if column >= len(bounds):
        return None
    return doc.char_span(*bounds[column], alignment_mode="contract")


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
            return token.lower_
    return None


def names_nothing(span: Span) -> bool:
    """A header of coordinates, codes, pages or dates, or one with figures in it."""
    lowered = span.text.lower()
    return any(c.isdigit() for c in lowered) or bool(set(lowered.replace(".", " ").split()) & cues()["header"].keys())


def scale_over(lines: list[str]) -> float:
    for line in lines:
        m = SCALE.search(line)
        if m:
            return scales()[m.group(1).lower()]
    return 1.0


def cell(doc: Doc, text: str, group: Span) -> Cell | None:
    """What ``group`` counts when it stands alone in a table cell below the header; None
    when it is no such number, so the sentence rules read it."""
    ctx = context(doc)
    block = ctx.block_at(group.start_char)
    if block is None or block.kind != "table_row":
        return None
    rows = rows_of(ctx, block)
    column = column_of(text, block, group.start_char)
    start, end = cell_bounds(text, block)[column]
    if rows[0] is block or not LONE.fullmatch(text[start : group.start_char] + text[group.end_char : end]):
        return None
    head = header_cell(doc, text, rows[0], column)
    if head is None:
        return Cell(None)
    above = [doc.char_span(b.start_char, b.end_char, alignment_mode="contract") for b in captions(ctx, rows[0])]
    above = [s for s in above if s is not None]
    scale = 1.0 if "%" in text[start:end] else scale_over([head.text, *(s.text for s in above)])
    if not is_period(head):
        if names_nothing(head):
            return Cell(None)
        unit = named_thing(list(head))
        if unit is None and not any(t.lower_ in words()["dimension"] | words()["total"] for t in head):
            unit = head.text.strip().lower() or None
        if unit is not None:
            return Cell(unit, scale)
    corner = header_cell(doc, text, rows[0], 0) if column else None
    lines = [corner] if corner is not None and not is_period(corner) else []
    unit = next((u for line in (*lines, *above) if (u := named_thing(list(line))) is not None), None)
    return Cell(unit, scale)


def column_dates(span: Span, dates: list[Span]) -> list[Span]:
    """The date heading the column of a table cell: "July 2025" over "58"."""
    doc = span.doc
    ctx = context(doc)
    block = ctx.block_at(span.start_char)
    if block is None or block.kind != "table_row":
        return []
    rows = rows_of(ctx, block)
    if rows[0] is block:
        return []
    text = doc.text
    bounds = cell_bounds(text, rows[0])
    column = column_of(text, block, span.start_char)
    if column >= len(bounds):
        return []
    start, end = bounds[column]
    return [d for d in dates if start <= d.start_char and d.end_char <= end][:1]


def fiscal_year_cells(doc: Doc, dates: list[Span]) -> Iterator[Span]:
    """Year cells of a column headed "Fiscal Year": each states a fiscal year."""
    ctx = context(doc)
    text = doc.text
    for date in dates:
        block = ctx.block_at(date.start_char)
        if block is None or block.kind != "table_row" or not date.text.isdigit():
            continue
        rows = rows_of(ctx, block)
        column = column_of(text, block, date.start_char)
        bounds = cell_bounds(text, rows[0])
        if rows[0] is not block and column < len(bounds) \
                and text[slice(*bounds[column])].strip().lower() in words()["fiscal"]:
            yield date
