"""PDF conversion: pages, paragraphs, tables, footnotes, furniture, metadata and every way to fail."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from fpdf import FPDF

from claimtrail.extractors.convert import convert
from claimtrail.extractors.pdfdoc import convert_pdf_parts
from claimtrail.schema.records import ConversionError, ConvertedDocument, RawDocument

from contract import assert_contract

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def pdf_doc(path: Path, **kw) -> ConvertedDocument:
    doc = convert(RawDocument(uri=str(path), content=path.read_bytes(), **kw))
    assert doc.media_type == "application/pdf"
    assert_contract(doc)
    return doc


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
    assert {b.page for b in doc.blocks} == {1, 2}  # page 3 holds only the publisher's disclaimer,
    assert "not subject to copyright" not in doc.text  # which is boilerplate, not the report


@pytest.mark.parametrize("path", sorted((CORPUS / "pdf-malformed").glob("*.pdf")), ids=lambda p: p.name)
def test_malformed_pdfs_convert_or_fail_with_a_clear_one_line_error(path):
    try:
        doc = convert(RawDocument(uri=str(path), content=path.read_bytes()))
    except ConversionError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 250
    else:  # a few are not PDFs at all by their bytes (no header, no objects): text then
        assert_contract(doc)


# ------------------------------------------------------------- tables, footnotes, furniture


def make_table_pdf(path: Path) -> Path:
    """A paragraph, a ruled table (header row above data rows), another paragraph."""
    pdf = FPDF(format="A4")
    pdf.set_title("Plots in Europe")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 30, "Plots disrupted by European police, by country, in 2024.")
    pdf.set_xy(20, 40)
    with pdf.table(width=120, col_widths=(50, 35, 35), text_align="LEFT") as table:
        for cells in [("Country", "Plots", "Arrests"), ("Germany", "5", "12"), ("Austria", "3", "7")]:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.text(20, 90, "The table above lists plots disrupted by European police forces.")
    pdf.output(str(path))
    return path


def test_a_ruled_table_becomes_table_rows_and_leaves_the_paragraphs(tmp_path):
    doc = pdf_doc(make_table_pdf(tmp_path / "table.pdf"))
    assert [(b.kind, b.page, doc.text[b.start_char : b.end_char]) for b in doc.blocks] == [
        ("paragraph", 1, "Plots disrupted by European police, by country, in 2024."),
        ("table_row", 1, "Country | Plots | Arrests"),
        ("table_row", 1, "Germany | 5 | 12"),
        ("table_row", 1, "Austria | 3 | 7"),
        ("paragraph", 1, "The table above lists plots disrupted by European police forces."),
    ]
    assert doc.text.count("Germany") == 1  # not repeated in the running text


def test_counts_in_a_table_take_their_column_header_as_unit(tmp_path):
    from claimtrail.extractors.pipeline import extract

    claims = extract(pdf_doc(make_table_pdf(tmp_path / "table.pdf"))).claims
    assert {(c.value, c.unit) for c in claims} >= {
        (5.0, "plots"), (12.0, "arrests"), (3.0, "plots"), (7.0, "arrests")}


def test_a_boxed_paragraph_is_not_a_table(tmp_path):
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.rect(15, 30, 150, 30)
    for i, line in enumerate(["A text box drawn as a rectangle around", "two lines of ordinary prose."]):
        pdf.text(20, 40 + 6 * i, line)
    pdf.output(str(tmp_path / "box.pdf"))
    doc = pdf_doc(tmp_path / "box.pdf")
    assert [b.kind for b in doc.blocks] == ["title"]
    assert doc.text == "A text box drawn as a rectangle around two lines of ordinary prose."


BRIEF = ["European police disrupted 21 plots in 2024, most of them linked to",
         "ISKP. Investigators in Germany and Austria arrested 36 suspects and",
         "seized weapons in several raids."]


def make_footnoted_pdf(path: Path) -> Path:
    """Two pages, each with a superscript reference after its first paragraph, a short
    rule and two footnotes in smaller type (the first one's URL on a line of its own)."""
    pdf = FPDF(format="A4")
    pdf.set_title("Footnoted brief")
    for page in (1, 2):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.text(20, 12, "Policy Brief Series")
        pdf.text(20, 282, "www.example.org/briefs")
        pdf.text(100, 287, f"Page {page}")
        pdf.set_font("Helvetica", size=11)
        for i, line in enumerate(BRIEF):
            pdf.text(20, 40 + 5.5 * i, line)
        width = pdf.get_string_width(BRIEF[-1])
        pdf.set_font("Helvetica", size=7)
        pdf.text(20 + width + 0.3, 40 + 5.5 * 2 - 1.6, str(10 * page))  # raised: a reference
        pdf.set_font("Helvetica", size=11)
        pdf.text(20, 40 + 5.5 * 4, f"A second paragraph about the arrests on page {page}.")
        pdf.line(20, 245, 70, 245)
        pdf.set_font("Helvetica", size=7)
        pdf.text(20, 249.5, str(10 * page))
        pdf.set_font("Helvetica", size=9)
        pdf.text(23, 250, "Europol, EU Terrorism Situation and Trend Report 2024, p. 12,")
        pdf.text(20, 254.5, "https://www.europol.europa.eu/te-sat.")
        pdf.text(20, 259, f"{10 * page + 1} A second note on page {page}.")
    pdf.output(str(path))
    return path


def test_footnotes_are_kept_as_footnote_blocks_and_references_leave_the_text(tmp_path):
    doc = pdf_doc(make_footnoted_pdf(tmp_path / "notes.pdf"))
    body = " ".join(BRIEF)
    assert [(b.kind, b.page, doc.text[b.start_char : b.end_char]) for b in doc.blocks] == [
        (kind, page, text)
        for page in (1, 2)
        for kind, text in [
            ("paragraph", body),  # "raids.10" would read as a count: the reference is gone
            ("paragraph", f"A second paragraph about the arrests on page {page}."),
            ("footnote", "Europol, EU Terrorism Situation and Trend Report 2024, p. 12,."),
            ("footnote", f"A second note on page {page}."),
        ]
    ]
    assert [link.url for link in doc.links] == ["https://www.europol.europa.eu/te-sat"] * 2


def test_page_furniture_is_kept_aside(tmp_path):
    path = make_footnoted_pdf(tmp_path / "notes.pdf")
    parts = convert_pdf_parts(RawDocument(uri=str(path), content=path.read_bytes()))
    assert [(f.page, f.kind, f.text) for f in parts.furniture] == [
        (page, kind, text)
        for page in (1, 2)
        for kind, text in [("running", "Policy Brief Series"), ("running", "www.example.org/briefs"),
                           ("page number", f"Page {page}")]
    ]
    assert "Policy Brief" not in parts.document.text and "example.org" not in parts.document.text


def test_a_paragraph_cut_by_the_column_break_continues_in_the_next_column(tmp_path):
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    left = [f"Left line {i:02d} about plots in Germany and" for i in range(11)] + ["arrests that continue in the"]
    right = ["next column after the break."] + [f"Right line {i:02d} about arrests in Iran." for i in range(1, 12)]
    for i, (a, b) in enumerate(zip(left, right)):
        pdf.text(15, 40 + 5 * i, a)
        pdf.text(110, 40 + 5 * i, b)
    pdf.output(str(tmp_path / "cols.pdf"))
    doc = pdf_doc(tmp_path / "cols.pdf")
    assert "arrests that continue in the next column after the break." in doc.text
    assert doc.text.index("Left line 10") < doc.text.index("Right line 01")


def test_blank_pages_are_no_text_not_a_scan(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.output(str(tmp_path / "blank.pdf"))
    assert conversion_error((tmp_path / "blank.pdf").read_bytes()) == (
        "no text: the pages are blank or their content cannot be read")


def test_real_report_footnotes_and_references():
    doc = pdf_doc(CORPUS / "policy/crs/R48903v3-the-strait-of-hormuz-in-brief-non-oil-shipments-.pdf")
    notes = [b for b in doc.blocks if b.kind == "footnote"]
    assert len(notes) >= 35 and {b.page for b in notes} == {3, 4, 5, 6, 7, 8}
    assert doc.text[notes[0].start_char : notes[0].end_char].startswith(
        "United Nations Conference on Trade and Development (UNCTAD)")
    # Superscript references are gone from the prose: "international law,⁸ as an open waterway".
    assert "long established by international law, as an open waterway" in doc.text
    assert "Congressional Research Service 1" not in doc.text and "VERSION 3" not in doc.text


def test_real_two_column_report_furniture():
    path = CORPUS / "policy/crs/IF12672v12-russia-s-nuclear-weapons.pdf"
    parts = convert_pdf_parts(RawDocument(uri=str(path), content=path.read_bytes()))
    assert {(f.page, f.text) for f in parts.furniture} >= {
        (1, "https://crsreports.congress.gov"), (2, "Russia\u2019s Nuclear Weapons"), (3, "IF12672"),
        (3, "https://crsreports.congress.gov | IF12672 \u00b7 VERSION 12 \u00b7 UPDATED"),
    }
    text = parts.document.text
    assert "IF12672" not in text and "VERSION 12" not in text
    # The paragraph that page 1's left column breaks off goes on at the top of the right one.
    assert ("Admiral Correll stated in March 2026 that Russia had \u201cup to 2,000 warheads\u201d "
            "intended for NSNW") in text


@pytest.mark.parametrize(("name", "message"), [
    ("qpdf__issue-150.pdf", "broken PDF: the file ends unexpectedly (truncated?)"),
    ("qpdf__issue-149.pdf", "broken PDF: circular or too deeply nested references"),
    ("qpdf__bad2.pdf", "broken PDF: no document catalog (/Root), not a readable PDF"),
    ("qpdf__bad4.pdf", "broken PDF: no pages found"),
    ("pdfjs__PDFBOX-4352-0.pdf", "encrypted: unsupported or damaged encryption (PDFEncryptionError)"),
    ("pdfminer__aes-256.pdf", "encrypted: password required"),
    ("pypdf__r6-user-password.pdf", None),  # its owner password is empty: it opens
])
def test_malformed_and_encrypted_pdfs_say_what_is_wrong(name, message):
    content = (CORPUS / "pdf-malformed" / name).read_bytes()
    if message is None:
        assert "pdf encryption test" in pdf_doc(CORPUS / "pdf-malformed" / name).text.lower()
    else:
        assert conversion_error(content) == message


def test_bold_lines_at_body_size_are_headings_and_figure_titles_captions(tmp_path):
    pdf = FPDF(format="A4")
    pdf.set_title("Bold headings")
    pdf.add_page()
    y = 40.0
    for style, line in [("", "A first paragraph of body text about plots."),
                        ("B", "Weaponization"),
                        ("", "At the time the negotiations concluded, Iran would have needed"),
                        ("", "one year to build a weapon."),
                        ("B", "Figure 1. Centrifuges installed, 2015-2025")]:
        pdf.set_font("Helvetica", style=style, size=10)
        pdf.text(20, y, line)
        y += 4.5
    pdf.output(str(tmp_path / "bold.pdf"))
    doc = pdf_doc(tmp_path / "bold.pdf")
    assert [(b.kind, doc.text[b.start_char : b.end_char]) for b in doc.blocks] == [
        ("paragraph", "A first paragraph of body text about plots."),
        ("heading", "Weaponization"),
        ("paragraph", "At the time the negotiations concluded, Iran would have needed one year to build a weapon."),
        ("caption", "Figure 1. Centrifuges installed, 2015-2025"),
    ]
