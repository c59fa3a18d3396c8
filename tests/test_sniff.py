"""The media type comes from the bytes; the file name only tells markdown from text."""

from pathlib import Path

import pytest

from claimtrail.extractors.sniff import decode_text, sniff_media_type
from claimtrail.schema.records import ConversionError

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_pdf_is_recognised_by_its_header_whatever_the_name():
    assert sniff_media_type(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.txt") == "application/pdf"


def test_pdf_header_may_follow_some_junk_within_the_first_kilobyte():
    assert sniff_media_type(b"\x00" * 500 + b"%PDF-1.4\n", "x.bin") == "application/pdf"


def test_html_is_recognised_after_a_bom_and_whitespace():
    content = "\ufeff\n\n  <!DOCTYPE html><html><body>x</body></html>".encode("utf-8")
    assert sniff_media_type(content, "page.pdf") == "text/html"


@pytest.mark.parametrize("start", ["<html lang='en'>", "<HEAD>", "<body>", "<article>", "<div>"])
def test_html_is_recognised_by_its_first_tag(start):
    assert sniff_media_type(f"{start}<p>Hello</p>".encode(), "saved.txt") == "text/html"


def test_html_after_an_xml_declaration_and_a_comment():
    content = b'<?xml version="1.0"?>\n<!-- saved -->\n<html><p>x</p></html>'
    assert sniff_media_type(content, "a") == "text/html"


def test_markdown_needs_both_the_extension_and_text_bytes():
    assert sniff_media_type(b"# Title\n\nBody", "brief.md") == "text/markdown"
    assert sniff_media_type(b"# Title\n\nBody", "brief.txt") == "text/plain"


def test_text_mentioning_html_is_still_text():
    assert sniff_media_type(b"Use <html> tags to start a page.", "note.txt") == "text/plain"


def test_cp1252_text_is_text():
    assert sniff_media_type("Caf\u00e9 \u201cquoted\u201d".encode("cp1252"), "a.txt") == "text/plain"


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n"])
def test_empty_file_is_an_error(content):
    with pytest.raises(ConversionError, match="^empty file$"):
        sniff_media_type(content, "empty.txt")


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",  # an image
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",  # a .docx / zip
        bytes(range(256)) * 4,  # junk
    ],
)
def test_binary_data_is_an_error(content):
    with pytest.raises(ConversionError, match=r"^unsupported file type \(binary data\)$"):
        sniff_media_type(content, "brief.md")


def test_decode_text_prefers_bom_then_utf8_then_cp1252():
    assert decode_text("\ufeffAl-Qa\u2019ida".encode("utf-8")) == "Al-Qa\u2019ida"
    assert decode_text("na\u00efve".encode("utf-8")) == "na\u00efve"
    assert decode_text(b"na\xefve \x93q\x94") == "na\u00efve \u201cq\u201d"
    assert decode_text("hi".encode("utf-16")) == "hi"  # with its BOM


def test_real_corpus_files():
    assert sniff_media_type((CORPUS / "pdf/password-example.pdf").read_bytes(), "x") == "application/pdf"
    with pytest.raises(ConversionError, match="^empty file$"):
        sniff_media_type((CORPUS / "pdf/empty.pdf").read_bytes(), "empty.pdf")
    html = CORPUS / "html-benchmark/trafilatura_subset/nymag.com.polarization.html"
    assert sniff_media_type(html.read_bytes(), html.name) == "text/html"
