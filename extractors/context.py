"""What the spaCy components share about a document beyond its text.

Components read the document's publication date (to anchor "August 28"), its authors
(bylines are metadata, not actors) and its blocks (headings are not prose; a quote is a
sentence clipped to its block) from ``doc._.ct``, and write their spans to
``doc.spans[kind]`` with the normalised value in ``span._.norm``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span

from claimtrail.schema import Block, Claim, ConvertedDocument


@dataclass(slots=True)
class DocContext:
    published: date | None = None
    title: str | None = None  # a year in it anchors partial dates ("Country Reports on Terrorism 2019")
    authors: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, converted: ConvertedDocument) -> DocContext:
        published = date.fromisoformat(converted.published) if converted.published else None
        return cls(published=published, title=converted.title, authors=list(converted.authors), blocks=list(converted.blocks))

    def __post_init__(self) -> None:
        self.blocks.sort(key=lambda b: b.start_char)
        self._starts = [b.start_char for b in self.blocks]

    def index_of(self, block: Block) -> int:
        return bisect_right(self._starts, block.start_char) - 1

    def block_at(self, offset: int) -> Block | None:
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.blocks[i].end_char:
            return self.blocks[i]
        return None


if not Doc.has_extension("ct"):
    Doc.set_extension("ct", default=None)
if not Span.has_extension("norm"):
    Span.set_extension("norm", default=None)
if not Span.has_extension("nationality"):
    Span.set_extension("nationality", default=False)  # "Tajik nationals": who, not where
if not Span.has_extension("town"):
    Span.set_extension("town", default=False)  # "Bosso": a country found through one of its towns
if not Span.has_extension("count"):
    Span.set_extension("count", default=None)


TEXT_KEY = "claimtrail_text"


def text_of(doc: Doc) -> str:
    """``doc.text``, built once per document: spaCy joins every token again on each read,
    which inside a per-mention rule makes extraction quadratic in the document's length."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def context(doc: Doc) -> DocContext:
    """The document's context; an empty one for a bare string run through the pipeline."""
    if doc._.ct is None:
        doc._.ct = DocContext()
    return doc._.ct


def block_kind(doc: Doc, span: Span) -> str | None:
    block = context(doc).block_at(span.start_char)
    return block.kind if block else None
