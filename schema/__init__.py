"""Typed records passed between claimtrail's stages (see :mod:`claimtrail.schema.records`)."""

from claimtrail.schema.records import (
    Block,
    Claim,
    ConversionError,
    ConvertedDocument,
    Extraction,
    ExtractionError,
    Link,
    Mention,
    RawDocument,
)

__all__ = [
    "Block",
    "Claim",
    "ConversionError",
    "ConvertedDocument",
    "Extraction",
    "ExtractionError",
    "Link",
    "Mention",
    "RawDocument",
]
