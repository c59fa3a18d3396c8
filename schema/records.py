"""Typed records passed between the pipeline stages.

Data flows one way: a :class:`Source` is fetched into a :class:`RawDocument`, converted to a
:class:`ConvertedDocument` (canonical text plus structure), extracted into
:class:`Mention` and :class:`Claim` records, and stored. No stage reaches back into an
earlier one, so each stage can be tested and replaced on its own.

All offsets are 0-based Python string indices into ``ConvertedDocument.text``, end
exclusive, exactly as the public SQL views expose them.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal[
    "title", "byline", "dateline", "heading", "paragraph", "list_item", "table_row", "caption",
    "footnote",
]
MentionKind = Literal["date", "country", "count", "actor", "region"]
Modality = Literal["asserted", "negated", "hypothetical", "reported"]


@dataclass(frozen=True, slots=True)
class RawDocument:
    """Bytes as they arrived, before anything interprets them.

    ``metadata`` is what the caller knows about the document from elsewhere (a sidecar
    file or a folder's manifest: ``title``, ``published``, ``authors``, ``url``...); the
    converter lets it override what the document says about itself.
    """

    uri: str
    content: bytes
    source_url: str | None = None
    media_type_hint: str | None = None
    metadata: dict[str, object] | None = field(default=None, hash=False)


@dataclass(frozen=True, slots=True)
class Block:
    """A structural unit of the text: the span a quote may point to."""

    kind: BlockKind
    start_char: int
    end_char: int
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink whose anchor text stays in the text and whose target is kept here.

    A link without anchor text (a bare URL removed from the prose) has
    ``start_char == end_char``: it marks the position it was cut from.
    """

    url: str
    start_char: int
    end_char: int


@dataclass(slots=True)
class ConvertedDocument:
    """Canonical text of one document with its structure and metadata."""

    text: str
    media_type: str
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    authors: list[str] = field(default_factory=list)
    source_url: str | None = None
    language: str | None = None

    def block_at(self, offset: int) -> Block | None:
        """The block containing ``offset``, or None between blocks."""
        starts = [b.start_char for b in self.blocks]
        i = bisect_right(starts, offset) - 1
        if i >= 0 and self.blocks[i].start_char <= offset < self.blocks[i].end_char:
            return self.blocks[i]
        return None

    def page_at(self, offset: int) -> int | None:
        block = self.block_at(offset)
        return block.page if block else None


@dataclass(frozen=True, slots=True)
class Mention:
    kind: MentionKind
    text: str
    start_char: int
    end_char: int
    norm: str | None
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A count of something, with what its sentence or list item attaches to it."""

    value: float
    unit: str | None
    quote: str
    start_char: int
    end_char: int
    actor: str | None = None
    action: str | None = None
    qualifier: str | None = None
    country: str | None = None
    date_start: str | None = None
    date_end: str | None = None
    page: int | None = None
    modality: Modality | None = None


@dataclass(slots=True)
class Extraction:
    mentions: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    pipeline_version: str = ""


class ConversionError(Exception):
    """A document that cannot become text; the message is shown to users as is."""


class ExtractionError(ConversionError):
    """Text that cannot be extracted within the limits (time, memory, mentions); shown as is."""
