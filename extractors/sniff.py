"""Decide a document's media type from its bytes, not from its name.

File extensions and HTTP headers lie (a ``.pdf`` that is an HTML error page, a ``.txt``
saved from a browser), so the bytes decide. The name is consulted only to tell
markdown from plain text, which bytes alone cannot.
"""

from __future__ import annotations

import re

from claimtrail.schema.records import ConversionError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|article|main|section|div|p|h[1-6]|meta|title|table)\b",
    re.IGNORECASE | re.DOTALL,
)
_MARKDOWN_SUFFIXES = (".md", ".markdown")
# Control bytes that never occur in text (everything below 0x20 except \t \n \f \r, ESC).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))


def decode_text(content: bytes) -> str | None:
    """Bytes -> text: BOM first, then UTF-8, then cp1252; None for binary data.

    cp1252 is the fallback because undeclared non-UTF-8 text in the wild is almost
    always Windows-1252 (a superset of Latin-1 for printable characters).
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                return None
    sample = content[:8192]
    if b"\x00" in sample:
        return None
    if sample and sum(sample.count(bytes([c])) for c in _CONTROL) / len(sample) > 0.05:
        return None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def sniff_media_type(content: bytes, uri: str) -> str:
    """``application/pdf``, ``text/html``, ``text/markdown`` or ``text/plain``.

    PDF: ``%PDF`` in the first KB, or an object header (``1 0 obj <<``) there for
    files whose header was lost; readers accept both.

    Raises :class:`ConversionError` for empty files and binary data.
    """
    if not content.strip():
        raise ConversionError("empty file")
    if b"%PDF" in content[:1024] or re.search(rb"\d+ \d+ obj\s*<<", content[:1024]):
        return "application/pdf"
    text = decode_text(content)
    if text is None:
        raise ConversionError("unsupported file type (binary data)")
    if _HTML_START.match(text[:4096]):
        return "text/html"
    if uri.lower().endswith(_MARKDOWN_SUFFIXES):
        return "text/markdown"
    return "text/plain"
