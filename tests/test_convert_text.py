"""Plain text and markdown conversion, on the real seed page and on small examples."""

import re
from pathlib import Path

import pytest

from claimtrail.extractors.convert import convert
from claimtrail.schema.records import ConvertedDocument, RawDocument

from contract import assert_contract

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "iskp-goes-global.txt"


def text_doc(text: str | bytes, uri: str = "doc.txt", **kw) -> ConvertedDocument:
    content = text.encode("utf-8") if isinstance(text, str) else text
    doc = convert(RawDocument(uri=uri, content=content, **kw))
    assert_contract(doc)
    return doc


def block_texts(doc: ConvertedDocument, kind: str) -> list[str]:
    return [doc.text[b.start_char : b.end_char] for b in doc.blocks if b.kind == kind]


# ------------------------------------------------------------------------ the seed page


@pytest.fixture(scope="module")
def seed() -> ConvertedDocument:
    return text_doc(SEED.read_bytes(), uri=str(SEED))


def test_seed_metadata_matches_the_gold(seed):
    assert seed.title == "ISKP Goes Global: External Operations from Afghanistan"
    assert seed.published == "2023-09-11"
    assert seed.authors == ["Aaron Y. Zelin"]
    assert seed.media_type == "text/plain"


def test_seed_starts_with_title_byline_and_dateline_kept_in_the_text(seed):
    first = [(b.kind, seed.text[b.start_char : b.end_char]) for b in seed.blocks[:3]]
    assert first == [
        ("title", "ISKP Goes Global: External Operations from Afghanistan"),
        ("byline", "by Aaron Y. Zelin"),
        ("dateline", "Sep 11, 2023"),
    ]


def test_seed_has_no_markup_urls_or_image_debris(seed):
    for debris in ("http", "(/", "\\(", "\\)", "](", "(#)", "*", "2023-09", "JPG", "iskp-", "  "):
        assert debris not in seed.text, debris


def test_seed_furniture_is_gone(seed):
    for furniture in ("Also available in", "RECOMMENDED", "TOPICS", "Oman", "Jul 26, 2024",
                      "1500 GMT", "Pari Ibrahim", "Military & Security"):
        assert furniture not in seed.text, furniture
    assert not re.search("[\u0600-\u06ff]", seed.text)  # the Arabic language link
    assert seed.text.endswith("founder of Jihadology.net. \u2756")


def test_seed_sentences_broken_by_blank_lines_and_removed_urls_read_cleanly(seed):
    assert "issued a report in March 2022 noting that ISKP had grown" in seed.text
    assert "the GDI posted a tweet calling the news" in seed.text
    assert "free of terrorist threats upon its takeover\u2014a goal" in seed.text
    assert "Islamic State Select Worldwide Activity interactive map project" in seed.text
    assert "intelligence networks in place that they had prior to the withdrawal" in seed.text


def test_seed_link_anchor_text_stays_and_the_url_becomes_a_link(seed):
    assert "and the Islamic State (e.g., in Syria and Libya)." in seed.text
    libya = next(link for link in seed.links if "manchester" in link.url)
    assert seed.text[libya.start_char : libya.end_char] == "Libya"
    recognition = next(link for link in seed.links if "legitimacy" in link.url)
    assert seed.text[recognition.start_char : recognition.end_char] == "official recognition"


def test_seed_bare_url_becomes_a_zero_width_link_where_it_was_cut(seed):
    centcom = next(link for link in seed.links if "centcom.mil" in link.url)
    assert centcom.start_char == centcom.end_char
    assert seed.text[centcom.start_char - 15 : centcom.start_char + 14] == "issued a report in March 2022"


def test_seed_emphasis_markers_go_but_editorial_brackets_stay(seed):
    assert "\u201cThe khawarij [referring to ISKP] was an intelligence project" in seed.text
    assert "Pashto magazine Khorasan Ghag (Voice of Khorasan)" in seed.text


def test_seed_attack_list_is_five_separate_list_items(seed):
    items = block_texts(seed, "list_item")
    assert items == [
        "August 2018-19: 400 attacks",
        "August 2019-20: 157 attacks",
        "August 2020-21: 275 attacks",
        "August 2021-22: 314 attacks",
        "August 2022-23: 69 attacks",
    ]
    assert "\n".join(items) in seed.text  # one list: items joined by single newlines


def test_seed_section_titles_are_headings(seed):
    headings = block_texts(seed, "heading")
    for heading in ("ISKP Degraded Inside Afghanistan", "ISKP External Operations",
                    "ISKP Attack, Recruitment, and Financing Networks Abroad", "Policy Implications"):
        assert heading in headings


def test_relative_links_are_resolved_against_the_source_url():
    doc = text_doc(SEED.read_bytes(), source_url="https://www.washingtoninstitute.org/policy-analysis/iskp")
    byline = doc.blocks[1]
    link = next(l for l in doc.links if l.start_char >= byline.start_char)
    assert link.url == "https://www.washingtoninstitute.org/experts/aaron-y-zelin"
    assert doc.source_url == "https://www.washingtoninstitute.org/policy-analysis/iskp"


# ------------------------------------------------------------------------- small examples


def test_markdown_structure_becomes_blocks():
    doc = text_doc(
        "# Raids in 2023\n\nThe *Taliban* conducted **36** raids, per [the UN](https://un.org/r).\n\n"
        "## By province\n\n- Kabul: 20\n- Herat: 16\n\n1. first\n2. second\n\n"
        "| Province | Raids |\n|---|---:|\n| Kabul | 20 |\n\n---\n\nEnd.",
        uri="raids.md",
    )
    assert doc.media_type == "text/markdown"
    assert [(b.kind, doc.text[b.start_char : b.end_char]) for b in doc.blocks] == [
        ("title", "Raids in 2023"),
        ("paragraph", "The Taliban conducted 36 raids, per the UN."),
        ("heading", "By province"),
        ("list_item", "Kabul: 20"),
        ("list_item", "Herat: 16"),
        ("list_item", "first"),
        ("list_item", "second"),
        ("table_row", "Province | Raids"),
        ("table_row", "Kabul | 20"),
        ("paragraph", "End."),
    ]
    (link,) = doc.links
    assert (link.url, doc.text[link.start_char : link.end_char]) == ("https://un.org/r", "the UN")


def test_a_removed_url_leaves_no_space_before_punctuation():
    doc = text_doc("Title\n\nCENTCOM issued a report (<https://centcom.mil/r>). It said so.")
    assert "issued a report. It said so." in doc.text
    (link,) = doc.links
    assert link.url == "https://centcom.mil/r" and link.start_char == link.end_char


def test_bare_urls_in_prose_are_cut_out_because_their_digits_are_not_facts():
    doc = text_doc("Title\n\nSee https://example.org/status/1505480161113919491 for 36 raids.")
    assert "See for 36 raids." in doc.text
    assert doc.links[0].url == "https://example.org/status/1505480161113919491"


def test_empty_link_text_disappears():
    doc = text_doc("Title\n\nRead more here. [\\(/policy-analysis/x\\)](#)")
    assert doc.text.endswith("Read more here.")


@pytest.mark.parametrize(
    ("first", "second", "joined"),
    [
        ("the threat grew under", "the Taliban.", True),  # lowercase continuation
        ("a report", "(<https://x.org/r>) in March.", True),  # a URL continuing the sentence
        ("the threat grew.", "the Taliban acted.", False),  # terminal punctuation
        ("Background", "The Taliban acted.", False),  # capital letter: a new paragraph
    ],
)
def test_paragraphs_broken_by_a_blank_line_are_rejoined(first, second, joined):
    doc = text_doc(f"Title\n\n{first}\n\n{second}")
    assert (len(doc.blocks) == 2) == joined


def test_image_path_split_over_paragraphs_is_dropped():
    doc = text_doc("Title\n\nThe map below.\n\n(/sites/files/2021-\n\n04/map-\n\nfinal.png)\n\nMore text.")
    assert block_texts(doc, "paragraph") == ["The map below.", "More text."]
    assert "2021" not in doc.text


def test_text_after_a_dropped_image_path_is_kept():
    doc = text_doc("Title\n\n(/img/a-\n\nb.png) The report said so.")
    assert block_texts(doc, "paragraph") == ["The report said so."]


def test_furniture_scopes_rest_next_and_line():
    body = "A paragraph that is long enough to be the article body of this page. " * 3
    doc = text_doc(
        f"Title\n\nALSO AVAILABLE IN\n\n[Fran\u00e7ais](/fr/x)\n\n{body}\n\nShare\n\n{body}\n\n"
        "Related Analysis\n\nOther story about Oman, Jul 26, 2024"
    )
    assert "Fran\u00e7ais" not in doc.text and "Share" not in doc.text
    assert "Oman" not in doc.text and "Related" not in doc.text
    assert len(block_texts(doc, "paragraph")) == 2


def test_a_rest_heading_near_the_top_drops_only_its_line():
    doc = text_doc("Title\n\nTopics\n\n" + "The body of the article goes on here. " * 10)
    assert "Topics" not in doc.text and doc.text.count("goes on here") == 10


def test_byline_with_several_authors():
    doc = text_doc("A Title\n\nBy Aaron Y. Zelin, Devorah Margolin and Elizabeth Dent\n\nJuly 24, 2024\n\nText.")
    assert doc.authors == ["Aaron Y. Zelin", "Devorah Margolin", "Elizabeth Dent"]
    assert doc.published == "2024-07-24"


@pytest.mark.parametrize("line", ["2023", "Yesterday", "Updated 3 days ago", "Brief Analysis"])
def test_only_a_full_absolute_date_is_a_dateline(line):
    doc = text_doc(f"A Title\n\n{line}\n\nText.")
    assert doc.published is None
    assert "dateline" not in [b.kind for b in doc.blocks]


def test_unwrapped_lines_are_paragraphs_but_hard_wrapped_lines_are_joined():
    long_line = "This line is longer than any hard-wrapped text would ever be (over 100 characters), so it is a paragraph."
    assert len(long_line) > 100
    doc = text_doc(f"Title\n\n{long_line} One.\n{long_line} Two.")
    assert len(block_texts(doc, "paragraph")) == 2
    doc = text_doc("Title\n\nA hard-wrapped paragraph\ncontinues on this line.")
    assert block_texts(doc, "paragraph") == ["A hard-wrapped paragraph continues on this line."]


def test_cp1252_is_decoded_without_mojibake():
    doc = text_doc("Title\n\nThe group\u2019s \u201cstrategic silence\u201d \u2014 caf\u00e9.".encode("cp1252"))
    assert "The group\u2019s \u201cstrategic silence\u201d \u2014 caf\u00e9." in doc.text


def test_utf8_bom_is_not_part_of_the_text():
    doc = text_doc("\ufeffTitle\n\nText.".encode("utf-8"))
    assert doc.text == "Title\n\nText." and doc.title == "Title"


def test_markdown_fields_give_metadata():
    doc = text_doc(
        "# Russia\u2019s Nuclear Weapons\n\n**Publication Date:** 04/22/2026\n**Author(s):** Fink, Anya L.\n"
        "**Source:** https://www.congress.gov/crs-product/IF12672\n\nBody.",
        uri="if12672.md",
    )
    assert doc.published == "2026-04-22"
    assert doc.authors == ["Anya L. Fink"]  # catalogue order "Last, First" turned round
    assert doc.source_url == "https://www.congress.gov/crs-product/IF12672"
    assert doc.text == "Russia’s Nuclear Weapons\n\nBody."  # the header is metadata, not text


def test_real_crs_markdown_conversion():
    path = SHARED / "corpus/policy/crs/IF12672v12-russia-s-nuclear-weapons.md"
    doc = text_doc(path.read_bytes(), uri=str(path))
    assert doc.title == "Russia\u2019s Nuclear Weapons"
    assert doc.published == "2026-04-22"
    assert doc.source_url.startswith("https://www.congress.gov/crs-product/IF12672")
    assert "Russia has around 1,718 deployed nuclear warheads" in doc.text
    assert "](" not in doc.text and "http" not in doc.text
