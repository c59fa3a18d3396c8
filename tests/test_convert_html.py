"""HTML conversion: the article without the page around it, with its metadata."""

import json
from pathlib import Path

import pytest

from claimtrail.extractors.convert import convert
from claimtrail.schema.records import ConvertedDocument, RawDocument

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SUBSET = CORPUS / "html-benchmark" / "trafilatura_subset"


def html_doc(html: str | bytes, **kw) -> ConvertedDocument:
    content = html.encode("utf-8") if isinstance(html, str) else html
    doc = convert(RawDocument(uri=kw.pop("uri", "page.html"), content=content, **kw))
    assert doc.media_type == "text/html"
    assert_contract(doc)
    return doc


def assert_contract(doc: ConvertedDocument) -> None:
    """Blocks tile the text exactly; separators are the only text outside them."""
    pos = 0
    for block in doc.blocks:
        piece = doc.text[block.start_char : block.end_char]
        assert piece and piece == piece.strip() and "  " not in piece and "\n" not in piece
        assert doc.text[pos : block.start_char] in ("", "\n", "\n\n")
        pos = block.end_char
    assert pos == len(doc.text)
    for link in doc.links:
        assert 0 <= link.start_char <= link.end_char <= len(doc.text)


def blocks(doc: ConvertedDocument) -> list[tuple[str, str]]:
    return [(b.kind, doc.text[b.start_char : b.end_char]) for b in doc.blocks]


PAGE = """<!DOCTYPE html>
<html lang="en-US"><head>
<meta charset="utf-8">
<title>ISKP Goes Global | The Washington Institute</title>
<meta property="og:title" content="ISKP Goes Global">
<meta property="article:published_time" content="2023-09-11T12:00:00-04:00">
<meta name="author" content="Aaron Y. Zelin">
<link rel="canonical" href="https://www.example.org/policy-analysis/iskp-goes-global">
<script>var tracking = "Oman";</script><style>p { color: red }</style>
</head><body>
<header><nav><a href="/">Home</a> <a href="/topics">Topics</a> <a href="/experts">Experts</a></nav></header>
<div class="cookie-banner">We use cookies to improve Oman.</div>
<main>
 <article>
  <h1>ISKP Goes Global</h1>
  <div class="byline">By Aaron Y. Zelin</div>
  <div class="social-share"><a href="https://twitter.com/share">Share on Twitter</a></div>
  <p>Today, the <em>Islamic State</em>\u2019s Khorasan Province
     (<abbr>ISKP</abbr>) has <a href="/policy-analysis/strategy">adopted
     the same strategy</a>, in <strong>Afghanistan</strong>.</p>
  <p>Line one<br>line two and a <span>glued</span><span>word</span>.</p>
  <h2>Plots abroad</h2>
  <ul><li>India (3)</li><li>Iran (<b>4</b>)</li></ul>
  <table><tr><th>Country</th><th>Plots</th></tr><tr><td>Germany</td><td>3</td></tr></table>
  <figure><img src="map.jpg" alt="map"><figcaption>ISKP networks abroad</figcaption></figure>
  <blockquote><p>A quoted passage.</p></blockquote>
  <p>Attacks fell<sup>12</sup> sharply.</p>
  <aside>Related: Jul 26, 2024 story</aside>
  <section class="related-posts"><h3>Related analysis</h3><p>Responding to the attack in Oman</p></section>
 </article>
</main>
<footer>Copyright 2024 <a href="/privacy">Privacy</a></footer>
</body></html>"""


@pytest.fixture(scope="module")
def page() -> ConvertedDocument:
    return html_doc(PAGE)


def test_metadata_from_meta_tags(page):
    assert page.title == "ISKP Goes Global"
    assert page.published == "2023-09-11"
    assert page.authors == ["Aaron Y. Zelin"]
    assert page.source_url == "https://www.example.org/policy-analysis/iskp-goes-global"
    assert page.language == "en"


def test_article_blocks_in_order_with_their_kinds(page):
    assert blocks(page) == [
        ("title", "ISKP Goes Global"),
        ("paragraph", "Today, the Islamic State\u2019s Khorasan Province (ISKP) has adopted the same "
                      "strategy, in Afghanistan."),
        ("paragraph", "Line one line two and a gluedword."),
        ("heading", "Plots abroad"),
        ("list_item", "India (3)"),
        ("list_item", "Iran (4)"),
        ("table_row", "Country | Plots"),
        ("table_row", "Germany | 3"),
        ("caption", "ISKP networks abroad"),
        ("paragraph", "A quoted passage."),
        ("paragraph", "Attacks fell sharply."),
    ]


def test_the_h1_that_repeats_the_title_becomes_the_title_block_not_a_duplicate(page):
    assert page.text.count("ISKP Goes Global") == 1


def test_furniture_is_dropped(page):
    for furniture in ("Oman", "Home", "cookies", "Share on Twitter", "By Aaron", "Jul 26, 2024",
                      "Related", "Copyright", "color: red"):
        assert furniture not in page.text, furniture


def test_links_keep_anchor_text_and_absolute_href(page):
    (link,) = page.links
    assert page.text[link.start_char : link.end_char] == "adopted the same strategy"
    assert link.url == "https://www.example.org/policy-analysis/strategy"


def test_inline_markup_adds_no_spaces_and_removes_none():
    doc = html_doc("<html><body><p>The <a href='/r'>report</a>, published <i>today</i>; "
                   "see <b>(p. 3)</b>.</p></body></html>")
    assert doc.text == "The report, published today; see (p. 3)."


def test_title_from_the_title_tag_without_the_site_suffix_is_added_when_there_is_no_h1():
    doc = html_doc("<html><head><title>Raids in Kabul \u2013 Example News</title></head>"
                   "<body><p>The Taliban conducted raids.</p></body></html>")
    assert doc.title == "Raids in Kabul"
    assert blocks(doc) == [("title", "Raids in Kabul"), ("paragraph", "The Taliban conducted raids.")]


def test_metadata_from_json_ld_and_time():
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "headline": "H", "datePublished": "2022-03-05T10:00:00Z",
         "author": [{"@type": "Person", "name": "Ana Ruiz"}, {"@type": "Person", "name": "Bo Li"}]}]}
    doc = html_doc(f"<html><head><script type='application/ld+json'>{json.dumps(ld)}</script></head>"
                   "<body><article><h1>H</h1><p>Text.</p></article></body></html>")
    assert doc.published == "2022-03-05"
    assert doc.authors == ["Ana Ruiz", "Bo Li"]
    doc = html_doc("<html><body><article><h1>H</h1><time datetime='2021-10-02'>2 Oct</time>"
                   "<p>Text.</p></article></body></html>")
    assert doc.published == "2021-10-02"


def test_largest_article_is_the_content_root_not_a_teaser_card():
    body = "<p>" + "The body of the real article. " * 20 + "</p>"
    doc = html_doc(f"<html><body><article><h2>Teaser</h2><p>Other story.</p></article>"
                   f"<article><h1>Real</h1>{body}</article></body></html>")
    assert "Teaser" not in doc.text and doc.text.startswith("Real")


def test_a_furniture_class_on_the_wrapper_of_everything_does_not_delete_the_article():
    doc = html_doc("<html><body><form id='aspnetForm'><div class='page-banner'>"
                   "<h1>Report</h1><p>" + "Important content here. " * 20 + "</p></div></form></body></html>")
    assert "Important content here." in doc.text


def test_menus_made_of_links_are_dropped():
    doc = html_doc("<html><body><div><a href='/a'>News</a> <a href='/b'>Sport</a> <a href='/c'>Travel</a>"
                   "</div><p>The article text is here.</p></body></html>")
    assert "Sport" not in doc.text and "The article text is here." in doc.text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # undeclared, not UTF-8: cp1252 (curly quotes and an e acute)
        ("<html><body><p>\u201cCaf\u00e9\u201d</p></body></html>".encode("cp1252"), "\u201cCaf\u00e9\u201d"),
        # declared Latin-1 is read as cp1252, as browsers do
        (b'<html><head><meta charset="iso-8859-1"></head><body><p>\x93Caf\xe9\x94</p></body></html>',
         "\u201cCaf\u00e9\u201d"),
        # a UTF-8 BOM
        ("\ufeff<html><body><p>\u201cCaf\u00e9\u201d</p></body></html>".encode("utf-8"), "\u201cCaf\u00e9\u201d"),
        # declared UTF-8
        ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>'
         "<body><p>\u201cCaf\u00e9\u201d</p></body></html>".encode("utf-8"), "\u201cCaf\u00e9\u201d"),
    ],
)
def test_encodings(content, expected):
    assert html_doc(content).text.endswith(expected)


def test_real_crs_html_page():
    path = CORPUS / "policy/crs_html/IF12760v7-russia-north-korea-relations.html"
    doc = html_doc(path.read_bytes(), uri=str(path))
    assert doc.title == "Russia-North Korea Relations"
    assert doc.published == "2026-09-18"  # from the "Updated September 18, 2026" line
    assert blocks(doc)[:3] == [
        ("title", "Russia-North Korea Relations"),
        ("dateline", "Updated September 18, 2026 (IF12760)"),
        ("heading", "Overview"),
    ]
    assert "Putin and Kim signed a Comprehensive Strategic Partnership Treaty, later ratified" in doc.text
    assert "Ukraine\u2014reportedly earning billions of dollars in the process\u2014by providing" in doc.text


@pytest.mark.parametrize("name", ["theintercept.com-Gaza.html", "caymancompass.com-prison.html",
                                  "nymag.com.polarization.html", "latimes.com.bloomberg.html"])
def test_real_news_pages_against_the_benchmark_expectations(name):
    truth = next(v | {"url": k} for k, v in json.loads((SUBSET / "evaldata_subset.json").read_text()).items()
                 if v["file"] == name)
    doc = html_doc((SUBSET / name).read_bytes(), uri=name, source_url=truth["url"])
    for snippet in truth["with"]:
        assert snippet in doc.text
    for snippet in truth["without"]:
        assert snippet not in doc.text
    assert doc.published == truth["date"]
    assert doc.authors == [a.strip() for a in truth["author"].split(",")]
