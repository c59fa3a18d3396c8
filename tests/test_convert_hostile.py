"""Documents that are odd but legitimate convert to their real text; garbage fails cleanly.

- text in a legacy or wide encoding (Shift-JIS, cp1252, Latin-1, UTF-16 with or without
  its BOM, GB18030, KOI8-R...) is read in that encoding, never stored as mojibake; bytes
  that no encoding reads as text fail with a one-line reason;
- HTML nested thousands of elements deep (past libxml2's limit of 2,048) keeps its text;
- a PDF whose pages hold a single similar line each is not taken for running headers.
"""

import random

import pytest
from fpdf import FPDF

from claimtrail.extractors.convert import convert
from claimtrail.extractors.pdfdoc import convert_pdf_parts
from claimtrail.extractors.sniff import decode_text
from claimtrail.schema.records import ConversionError, ConvertedDocument, RawDocument

from contract import assert_contract

# A paragraph each (a single short sentence is too little for detection to tell Shift-JIS
# from Korean cp949: every byte pair reads as some Hangul syllable).
ENGLISH = ("The monitoring mission\u2019s \u201cweekly tally\u201d \u2014 compiled in Montr\u00e9al "
           "\u2014 counted 40 displaced families na\u00efvely left off earlier lists.")
JAPANESE = ("監視団は2021年3月3日、避難した40世帯が以前の名簿から漏れていたと報告した。"
            "調査は東部の三つの町で行われ、住民の多くは仮設の避難所で冬を越した。"
            "団長によると、食料と医薬品の不足が続いており、国際機関に追加の支援を求めている。")
RUSSIAN = ("Миссия наблюдателей сообщила 3 марта 2021 года, что 40 перемещённых семей "
           "не были включены в прежние списки. Обследование проводилось в трёх городах на востоке.")
CHINESE = ("观察团于2021年3月3日报告说，有40个流离失所的家庭未被列入先前的名单。"
           "调查在东部三个城镇进行，许多居民在临时避难所度过了冬天。"
           "团长表示，食品和药品短缺的情况仍在持续，已请求国际机构提供更多援助。")


def convert_doc(content: bytes, uri: str) -> ConvertedDocument:
    doc = convert(RawDocument(uri=uri, content=content))
    assert_contract(doc)
    return doc


def failure(content: bytes, uri: str = "notes.txt") -> str:
    with pytest.raises(ConversionError) as info:
        convert(RawDocument(uri=uri, content=content))
    return str(info.value)


# ---------------------------------------------------------------------------- encodings


ENCODED = {  # test id -> (sentence, encoding)
    "english-cp1252": (ENGLISH, "cp1252"),
    "english-latin1": (ENGLISH.translate({0x2019: "'", 0x201C: '"', 0x201D: '"', 0x2014: "-"}), "latin-1"),
    "english-utf16-bom": (ENGLISH, "utf-16"),
    "english-utf16le": (ENGLISH, "utf-16-le"),  # no BOM: NULs in every other byte, still text
    "english-utf16be": (ENGLISH, "utf-16-be"),
    "japanese-shift_jis": (JAPANESE, "shift_jis"),
    "japanese-euc_jp": (JAPANESE, "euc_jp"),
    "japanese-utf16le": (JAPANESE, "utf-16-le"),
    "russian-cp1251": (RUSSIAN, "cp1251"),
    "russian-koi8_r": (RUSSIAN, "koi8_r"),
    "chinese-gb18030": (CHINESE, "gb18030"),
    "chinese-utf16be": (CHINESE, "utf-16-be"),
}


@pytest.mark.parametrize(("sentence", "encoding"), ENCODED.values(), ids=ENCODED.keys())
def test_text_in_a_legacy_or_wide_encoding_is_read_in_that_encoding(sentence, encoding):
    doc = convert_doc(f"Field report\n\n{sentence}".encode(encoding), "report.txt")
    assert doc.text == f"Field report\n\n{sentence}"


@pytest.mark.parametrize("case", ["japanese-shift_jis", "russian-koi8_r", "chinese-gb18030"])
def test_html_without_a_declared_charset_is_detected_the_same_way(case):
    sentence, encoding = ENCODED[case]
    page = f"<html><body><h1>Field report</h1><p>{sentence}</p></body></html>"
    doc = convert_doc(page.encode(encoding), "report.html")
    assert doc.media_type == "text/html" and sentence in doc.text


def test_valid_utf8_is_utf8_even_when_another_reading_exists():
    # Every UTF-8 byte sequence is also valid cp1252 ("Ã©" for "é"): UTF-8 wins, undetected.
    assert decode_text("Montr\u00e9al, na\u00efve".encode("utf-8")) == "Montr\u00e9al, na\u00efve"


def test_short_western_text_ties_go_to_cp1252():
    # Too short for detection to choose between cp1250, cp1252 and others: browsers' default.
    assert decode_text(b"Caf\xe9 \x93open\x94") == "Caf\u00e9 \u201copen\u201d"


def test_bytes_that_no_encoding_reads_fail_instead_of_becoming_mojibake():
    noise = bytes(b | 0x80 for b in random.Random(7).randbytes(4000))  # no control bytes
    assert failure(noise) == "not text: undetectable encoding"
    assert failure(noise, "page.html") == "not text: undetectable encoding"


def test_random_bytes_fail_as_binary_data():
    noise = random.Random(11).randbytes(4000)
    assert failure(noise) == "unsupported file type (binary data)"
    assert failure(b"\x00" * 2000) == "unsupported file type (binary data)"


# ---------------------------------------------------------------------- deep HTML markup

PARAGRAPH = ("<p>The observers counted 40 displaced families in Kharkiv on 3 March 2021 "
             "&amp; asked for shelter.</p>")
SENTENCE = "The observers counted 40 displaced families in Kharkiv on 3 March 2021 & asked for shelter."


@pytest.mark.parametrize("depth", [5_000, 50_000])
def test_html_nested_far_past_the_parser_limit_keeps_its_text(depth):
    page = "<html><body>" + "<div>" * depth + PARAGRAPH + "</div>" * depth + "</body></html>"
    assert convert_doc(page.encode(), "deep.html").text == SENTENCE


def test_deep_html_keeps_text_after_the_deep_part_and_hides_scripts_inside_it():
    page = ("<html><body><h1>Shelter needs in the east</h1>" + "<div class='a>b'>" * 5_000
            + PARAGRAPH + "<script>var box = '<div>hidden</div>';</script><button>Share</button>"
            + "</div>" * 5_000 + "<p>A second convoy is expected next week, the mission said.</p>"
            + "</body></html>")
    doc = convert_doc(page.encode(), "deep.html")
    assert SENTENCE in doc.text and "A second convoy is expected next week" in doc.text
    assert "hidden" not in doc.text and "Share" not in doc.text and "var box" not in doc.text


def test_unclosed_inline_tags_and_stray_end_tags_do_not_lose_text():
    unclosed = "<html><body>" + "<b>" * 20_000 + PARAGRAPH + "</body></html>"
    stray = "<html><body>" + "<div></span>" * 6_000 + PARAGRAPH + "</body></html>"
    for page in (unclosed, stray):
        assert convert_doc(page.encode(), "deep.html").text == SENTENCE


# ------------------------------------------------------------------- PDF running lines


def pdf_pages(pages: list[list[str]], *, page_numbers: bool = False) -> bytes:
    """A PDF of ``pages``' lines: the first line of a page at its top, where a running
    header would be, the others in the body (from 40 mm down); a "Page N" footer if asked."""
    pdf = FPDF(format="A4")
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for n, line in enumerate(lines):
            pdf.text(20, 12 if n == 0 else 40 + 6 * n, line)
        if page_numbers:
            pdf.set_font("Helvetica", size=9)
            pdf.text(100, 287, f"Page {number}")
    return bytes(pdf.output())


DAYS = [f"Situation report: day {n}, no new displacement recorded" for n in range(1, 6)]


@pytest.mark.parametrize("page_numbers", [False, True])
def test_a_similar_line_that_is_all_each_page_says_is_text_not_a_running_header(page_numbers):
    parts = convert_pdf_parts(RawDocument(uri="sitreps.pdf", content=pdf_pages(
        [[day] for day in DAYS], page_numbers=page_numbers)))
    assert parts.document.text == "\n\n".join(DAYS)
    assert [b.page for b in parts.document.blocks] == [1, 2, 3, 4, 5]
    assert [f.kind for f in parts.furniture] == ["page number"] * 5 * page_numbers


def test_a_running_header_still_goes_where_the_pages_have_other_text():
    header = "Field Office Bulletin"
    pages = [[header, f"Convoy {n} reached the northern camps with food for 400 families."]
             for n in range(1, 4)] + [[header]]  # the last page: nothing but the header
    parts = convert_pdf_parts(RawDocument(uri="bulletin.pdf", content=pdf_pages(pages, page_numbers=True)))
    texts = [(b.page, parts.document.text[b.start_char : b.end_char]) for b in parts.document.blocks]
    assert texts == [
        (1, "Convoy 1 reached the northern camps with food for 400 families."),
        (2, "Convoy 2 reached the northern camps with food for 400 families."),
        (3, "Convoy 3 reached the northern camps with food for 400 families."),
        (4, header),  # the only text of its page stays
    ]
    assert [(f.page, f.kind, f.text) for f in parts.furniture if f.kind == "running"] == [
        (1, "running", header), (2, "running", header), (3, "running", header)]
