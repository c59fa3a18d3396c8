"""The output contract every converter keeps (see extractors/convert.py), for the tests."""

from __future__ import annotations

from claimtrail.schema.records import ConvertedDocument


def assert_contract(doc: ConvertedDocument) -> None:
    """Blocks tile the text exactly, with only separators between them; links lie inside
    the text on trimmed anchors; in a PDF every block knows its page."""
    pos = 0
    for block in doc.blocks:
        piece = doc.text[block.start_char : block.end_char]
        assert piece and piece == piece.strip() and "  " not in piece and "\n" not in piece
        assert doc.text[pos : block.start_char] in ("", "\n", "\n\n")
        assert doc.media_type != "application/pdf" or (block.page or 0) >= 1
        pos = block.end_char
    assert pos == len(doc.text)
    for link in doc.links:
        assert 0 <= link.start_char <= link.end_char <= len(doc.text)
        anchor = doc.text[link.start_char : link.end_char]
        assert anchor == anchor.strip()
