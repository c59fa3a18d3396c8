"""Decide a document's media type from its bytes, not from its name.

File extensions and HTTP headers lie (a ``.pdf`` that is an HTML error page, a ``.txt``
saved from a browser), so the bytes decide. The name is consulted only to tell
markdown from plain text, which bytes alone cannot.
"""

from __future__ import annotations

import re

import charset_normalizer
from charset_normalizer import CharsetMatch, CharsetMatches
from claimtrail.schema.records import ConversionError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),  # before UTF-16's, which it starts with
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|article|main|section|div|p|h[1-6]|meta|title|table)\b",
    re.IGNORECASE | re.DOTALL,
)
_CHAOS_MARGIN = 0.05  # readings this close in charset-normalizer's "chaos" compete on language
_MARKDOWN_SUFFIXES = (".md", ".markdown")
# Control bytes that never occur in text (everything below 0x20 except \t \n \f \r, ESC).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))


def decode_text(content: bytes) -> str | None:
    """Bytes -> text: a BOM decides, then valid UTF-8 is UTF-8; other bytes are read in
    the encoding charset-normalizer detects. None for binary data.

    Detection cannot tell apart single-byte encodings whose reading is equally plausible
    (short texts, or Czech read as cp1250 or cp1252); those ties go to cp1252, as
    undeclared non-UTF-8 text in the wild is almost always Windows-1252 (browsers read
    it so too). Otherwise, of the readings nearly as free of oddities as the best, the
    one most like a known language wins. UTF-16 without a BOM is text although NULs fill
    half its bytes.

    Raises :class:`ConversionError` for bytes that look like text but that no encoding
    reads as text: stored, they would be mojibake.
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                return None
    sample = content[:8192]
    binary = b"\x00" in sample or (
        bool(sample) and sum(sample.count(bytes([c])) for c in _CONTROL) / len(sample) > 0.05)
    if not binary:
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            pass
    matches = charset_normalizer.from_bytes(content)
    best = matches.best()
    if binary and not (best and best.encoding.startswith(("utf_16", "utf_32"))):
        return None  # only a wide encoding reads NULs and control bytes as text
    if best is None:
        raise ConversionError("not text: undetectable encoding")
    if not binary and any(m.chaos <= best.chaos for m in _western(content, matches)):
        encoding = "cp1252"
    else:  # nearly as clean, but reads as a language: KOI8-R Russian, not Shift-JIS symbols
        near = [m for m in matches if m.chaos <= best.chaos + _CHAOS_MARGIN]
        encoding = max(near, key=lambda m: m.coherence).encoding
    # "replace": detection only samples files over 10 MB, a byte it did not see may not decode
    return content.decode(encoding, errors="replace")


def _western(content: bytes, matches: CharsetMatches) -> list[CharsetMatch]:
    """The cp1252 reading of ``content``, if it is a plausible one. charset-normalizer skips
    single-byte encodings once a few byte pairs read as CJK, so two accented letters in a
    page of ASCII would otherwise be taken for one Japanese word."""
    return ([m for m in matches if "cp1252" in m.could_be_from_charset]
            or list(charset_normalizer.from_bytes(content, cp_isolation=["cp1252"])))


def sniff_media_type(content: bytes, uri: str) -> str:
    """``application/pdf``, ``text/html``, ``text/markdown`` or ``text/plain``.

    PDF: ``%PDF`` in the first KB, or an object header (``1 0 obj <<``) there for
    files whose header was lost; readers accept both.

    Raises :class:`ConversionError` for empty files, binary data and text in no
    encoding that detection can tell.
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
