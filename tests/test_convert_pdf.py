"""PDF conversion: pages, paragraphs, running headers, metadata and every way to fail."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from fpdf import FPDF

from claimtrail.extractors.convert import convert
from claimtrail.schema.records import ConversionError, ConvertedDocument, RawDocument

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def pdf_doc(path: Path, **kw) -> ConvertedDocument:
    doc = convert(RawDocument(uri=str(path), content=path.read_bytes(), **kw))
    assert doc.media_type == "application/pdf"
    assert_contract(doc)
    return doc


def assert_contract(doc: ConvertedDocument) -> None:
    """Blocks tile the text exactly, and in a PDF every block knows its page."""
    pos = 0
    for block in doc.blocks:
        piece = doc.text[block.start_char : block.end_char]
        assert piece and piece == piece.strip() and "  " not in piece and "\n" not in piece
        assert doc.text[pos : block.start_char] in ("", "\n", "\n\n")
        assert doc.media_type != "application/pdf" or (block.page or 0) >= 1
        pos = block.end_char
    assert pos == len(doc.text)


def conversion_error(content: bytes) -> str:
    with pytest.raises(ConversionError) as info:
        convert(RawDocument(uri="x.pdf", content=content))
    return str(info.value)


def make_pdf(path: Path, pages: list[list[str]], *, header: str | None = "Policy Brief Series",
             title: str | None = None, author: str | None = None,
             created: datetime | None = None) -> Path:
    """Write ``pages`` (lists of lines; "" is a blank line) at fixed positions, like a
    typeset report: a running header, a "Page N" footer and 11pt body lines."""
    pdf = FPDF(format="A4")
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    pdf.set_creation_date(created or datetime(2025, 2, 12, 9, 30, tzinfo=timezone.utc))
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        if header:
            pdf.text(20, 12, header)
        pdf.text(100, 287, f"Page {number}")
        pdf.set_font("Helvetica", size=11)
        y = 40.0
        for line in lines:
            if line:
                pdf.text(20, y, line)
            y += 5.5
    pdf.output(str(path))
    return path


BODY = [
    "Published 12 February 2025",
    "",
    "ISKP has expanded its external operations, and the organi-",
    "zation now plots attacks far beyond Afghanistan. Analysts",
    "link the network to al-",
    "Qaeda veterans and count attacks in 2018-",
    "19 and later years.",
    "",
    "A second paragraph starts after a wider gap.",
]


def test_paragraphs_pages_and_hyphenation(tmp_path):
    path = make_pdf(tmp_path / "brief.pdf", [BODY, ["The second page has its own paragraph."]])
    doc = pdf_doc(path)
    assert [(b.page, doc.text[b.start_char : b.end_char]) for b in doc.blocks] == [
        (1, "Published 12 February 2025"),
        (1, "ISKP has expanded its external operations, and the organization now plots attacks far "
            "beyond Afghanistan. Analysts link the network to al-Qaeda veterans and count attacks in "
            "2018-19 and later years."),
        (1, "A second paragraph starts after a wider gap."),
        (2, "The second page has its own paragraph."),
    ]
    assert doc.page_at(doc.text.index("second page")) == 2


def test_running_headers_and_page_numbers_are_dropped(tmp_path):
    pages = [[f"Body text of page {n} about the Taliban."] for n in range(1, 5)]
    doc = pdf_doc(make_pdf(tmp_path / "four.pdf", pages))
    assert "Policy Brief Series" not in doc.text
    assert "Page" not in doc.text
    assert [b.page for b in doc.blocks] == [1, 2, 3, 4]


def test_metadata_title_author_and_printed_date_wins_over_creation_date(tmp_path):
    path = make_pdf(tmp_path / "meta.pdf", [["Updated April 9, 2026", "", "Text of the report."]],
                    title="ISKP Goes Global", author="Aaron Y. Zelin and Elizabeth Dent")
    doc = pdf_doc(path)
    assert doc.title == "ISKP Goes Global"
    assert doc.authors == ["Aaron Y. Zelin", "Elizabeth Dent"]
    assert doc.published == "2026-04-09"


def test_creation_date_is_used_when_no_date_is_printed(tmp_path):
    doc = pdf_doc(make_pdf(tmp_path / "d.pdf", [["Only body text, no date."]]))
    assert doc.published == "2025-02-12"


def test_title_falls_back_to_the_largest_type_on_page_one(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=20)
    pdf.text(20, 30, "Afghanistan After the Takeover")
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 45, "Body text follows the title on this page.")
    pdf.output(str(tmp_path / "t.pdf"))
    doc = pdf_doc(tmp_path / "t.pdf")
    assert doc.title == "Afghanistan After the Takeover"
    assert doc.blocks[0].kind == "title"


def test_two_columns_are_read_left_then_right(tmp_path):
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for i in range(12):
        pdf.text(15, 40 + 5 * i, f"Left column line {i:02d} about plots in Germany.")
        pdf.text(110, 40 + 5 * i, f"Right column line {i:02d} about arrests in Iran.")
    pdf.output(str(tmp_path / "cols.pdf"))
    doc = pdf_doc(tmp_path / "cols.pdf")
    left = doc.text.index("Left column line 11")
    right = doc.text.index("Right column line 00")
    assert left < right
    assert "Germany. Left column line 01" in doc.text  # no right-column text in between


def test_urls_are_cut_from_the_text(tmp_path):
    doc = pdf_doc(make_pdf(tmp_path / "u.pdf", [["See https://crsreports.congress.gov/IF12672 for more."]]))
    assert "See for more." in doc.text
    assert doc.links[0].url == "https://crsreports.congress.gov/IF12672"


def test_no_text_layer_is_an_error(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 100, style="F")  # a page that is only a picture
    pdf.output(str(tmp_path / "scan.pdf"))
    assert conversion_error((tmp_path / "scan.pdf").read_bytes()) == "no text layer (scanned document?)"


def test_broken_pdf_is_a_one_line_error(tmp_path):
    good = make_pdf(tmp_path / "g.pdf", [["Some text."]]).read_bytes()
    message = conversion_error(b"%PDF-1.4\n" + b"garbage " * 50)
    assert message.startswith("broken PDF: ") and "\n" not in message
    message = conversion_error(good[: len(good) // 3])
    assert message.startswith(("broken PDF: ", "no text layer")) and "\n" not in message


def test_password_protected_pdf_from_the_corpus():
    content = (CORPUS / "pdf/password-example.pdf").read_bytes()
    assert conversion_error(content) == "encrypted: password required"


def test_empty_file_from_the_corpus():
    assert conversion_error((CORPUS / "pdf/empty.pdf").read_bytes()) == "empty file"


def test_encrypted_with_an_empty_password_opens():
    doc = pdf_doc(CORPUS / "pdf/pr-138-example.pdf")
    assert doc.title == "Home Loan Interest Rates"
    assert doc.published == "2019-04-04"  # CreationDate: "Effective as at ..." is no publication date


def test_real_two_column_crs_report():
    doc = pdf_doc(CORPUS / "policy/crs/IF12672v12-russia-s-nuclear-weapons.pdf")
    assert doc.title == "Russia\u2019s Nuclear Weapons"
    assert doc.authors == ["Anya L. Fink"]
    assert doc.published == "2026-04-22"  # "Updated April 22, 2026" on page 1
    assert ("According to the Pentagon\u2019s 2026 National Defense Strategy, Russia \u201cpossesses "
            "the world\u2019s largest nuclear arsenal") in doc.text
    assert "crsreports.congress.gov" not in doc.text
    assert {b.page for b in doc.blocks} == {1, 2, 3}


@pytest.mark.parametrize("path", sorted((CORPUS / "pdf-malformed").glob("*.pdf")), ids=lambda p: p.name)
def test_malformed_pdfs_convert_or_fail_with_a_clear_one_line_error(path):
    try:
        doc = convert(RawDocument(uri=str(path), content=path.read_bytes()))
    except ConversionError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 250
    else:  # a few are not PDFs at all by their bytes (no header, no objects): text then
        assert_contract(doc)
