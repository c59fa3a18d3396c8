"""Document metadata: what a document declares (front matter, a bold ``Key:`` header), what
its page prints, and what a sidecar or manifest beside it says; none of it is body text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimtrail.db import query_readonly
from claimtrail.extractors.convert import convert, split_authors
from claimtrail.files import discover_files
from claimtrail.schema.records import ConvertedDocument, RawDocument
from claimtrail.sidecar import sidecar_metadata

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def text_doc(text: str, uri: str = "note.md", **kw: object) -> ConvertedDocument:
    return convert(RawDocument(uri=uri, content=text.encode("utf-8"), **kw))


# ------------------------------------------------------------------------- front matter

PRESS_RELEASE = """---
title: Ministry Announces New Border Posts
date: 2024-06-05
author: [Ola Nordmann, "Smith, Jane"]
url: https://example.gov/press/border-posts
tags: [security, border]
---
# Ministry Announces New Border Posts

The ministry opened three border posts on Monday.
"""


def test_front_matter_is_metadata_and_not_text() -> None:
    doc = text_doc(PRESS_RELEASE)
    assert doc.title == "Ministry Announces New Border Posts"
    assert doc.published == "2024-06-05"
    assert doc.authors == ["Ola Nordmann", "Jane Smith"]
    assert doc.source_url == "https://example.gov/press/border-posts"
    # The stored text, which every offset points into, starts after the front matter.
    assert doc.text == "Ministry Announces New Border Posts\n\nThe ministry opened three border posts on Monday."
    assert doc.blocks[0].start_char == 0


def test_front_matter_keys_and_dates_are_read_liberally() -> None:
    doc = text_doc("---\nTitle: A Letter\nPubDate: Tue, 4 Jun 2024 10:00:00 GMT\nAuthors: A. Writer and B. Writer\n"
                   "Source: https://example.org/letter\n---\nDear colleagues, nine staff left.\n")
    assert (doc.title, doc.published) == ("A Letter", "2024-06-04")
    assert doc.authors == ["A. Writer", "B. Writer"]
    assert doc.source_url == "https://example.org/letter"
    for written, iso in [("2024-06-05T09:30:00Z", "2024-06-05"), ("June 5, 2024", "2024-06-05"),
                         ("5 June 2024", "2024-06-05"), ("06/05/2024", "2024-06-05"), ("March 2025", "2025-03-01")]:
        assert text_doc(f"---\npublication_date: {written}\n---\nText.\n").published == iso, written


def test_a_non_web_address_is_not_a_source_url() -> None:
    assert text_doc("---\nurl: file:///home/me/letter.md\n---\nText.\n").source_url is None


def test_malformed_front_matter_is_read_line_by_line_and_never_becomes_text() -> None:
    # An unquoted colon in the title is not valid YAML; one slip must not lose the rest, and
    # the block is still metadata, so no "title:" line appears in the text.
    doc = text_doc("---\ntitle: Iran: The Deal Explained\ndate: 12 May 2025\nauthors:\n  - Ana Ruiz\n  - Li Wei\n---\n"
                   "Body of the note.\n")
    assert doc.title == "Iran: The Deal Explained"
    assert doc.published == "2025-05-12"
    assert doc.authors == ["Ana Ruiz", "Li Wei"]
    assert doc.text == "Body of the note."


def test_prose_between_two_rules_is_text_not_front_matter() -> None:
    # YAML reads a sentence as a string, not a mapping: that was never front matter.
    doc = text_doc("---\nA paragraph set off by rules.\n---\nMore text.\n")
    assert "A paragraph set off by rules." in doc.text


# ------------------------------------------------------------- research-service pages

CRS_PAGE = """# Drones in Border Security

**Product Type:** In Focus
**Report No.:** IF99999
**Version:** 4
**Publication Date:** 04/20/2026
**Author(s):** Feickert, Andrew
**Source:** https://www.congress.gov/crs-product/IF99999

---
[Citation](https://crs.example/#citation)[Subscribe](https://crs.example/alerts)[Share](https://crs.example/#share)

# Drones in Border Security

| **CRS Product Type:** | In Focus
| **Publication Date:** | 04/20/2026

[Download PDF (374KB)](https://crs.example/IF99999.4.pdf)    | [PDF Version History](https://crs.example/#)

- [April 20, 2026 (IF99999 - Version: 4)](https://crs.example/IF99999.4.pdf)
- [May 2, 2025 (IF99999 - Version: 3)](https://crs.example/IF99999.3.pdf)
[Listen](https://speak.example/?id=1)Drones in Border Security Updated April 20, 2026   (IF99999)

Overview

Border agencies flew 40 drones in 2025.

Disclaimer:
 These documents were prepared by a research service. As a work of the United States Government, they are not subject to copyright protection in the United States.
"""


def test_bold_key_header_is_metadata_with_first_name_first() -> None:
    doc = text_doc(CRS_PAGE, uri="IF99999.md")
    assert doc.title == "Drones in Border Security"
    assert doc.published == "2026-04-20"
    assert doc.authors == ["Andrew Feickert"]
    assert doc.source_url == "https://www.congress.gov/crs-product/IF99999"


def test_web_furniture_and_publisher_notice_are_not_body() -> None:
    # Kept: the title, the section heading and the prose. Gone: the header fields, the
    # navigation links, the repeated title, the overview table, the download link, the
    # version history, the "Listen" masthead and the disclaimer.
    doc = text_doc(CRS_PAGE, uri="IF99999.md")
    assert doc.text == "Drones in Border Security\n\nOverview\n\nBorder agencies flew 40 drones in 2025."


def test_surname_first_names_are_turned_round_but_other_commas_are_not() -> None:
    assert split_authors("Blanchard, Christopher M.; Thomas, Clayton") == ["Christopher M. Blanchard", "Clayton Thomas"]
    assert split_authors("John Smith, Reuters") == ["John Smith, Reuters"]
    assert split_authors("Smith, Jr.") == ["Smith, Jr."]


# ---------------------------------------------------------------------- encyclopedia

def test_encyclopedia_subject_in_capitals_names_the_article() -> None:
    # A plain-text mirror drops the heading and prints the bold subject in capitals; the
    # file is named after the page, which gives the title its proper case.
    doc = text_doc("The SIEGE OF EXAMPLETOWN lasted from 3 May to 9 June 1901.\n\nAftermath\n\nTwelve houses burned.\n\n"
                   "Category:Sieges Category:1901 events\n", uri="/data/Siege_of_Exampletown.md")
    assert doc.title == "Siege of Exampletown"
    assert "Category" not in doc.text


def test_real_encyclopedia_article_gets_its_title() -> None:
    path = CORPUS / "policy/wikipedia/November_2016_Kabul_suicide_bombing.md"
    doc = convert(RawDocument(uri=str(path), content=path.read_bytes()))
    assert doc.title == "November 2016 Kabul suicide bombing"
    assert "Category:" not in doc.text


# ----------------------------------------------------------------- sidecars, manifests

def test_caller_metadata_overrides_what_the_document_says() -> None:
    doc = text_doc(PRESS_RELEASE, metadata={"Title": "Border Posts (official)", "published": "2024-06-07",
                                            "authors": "Desk, Press"})
    assert (doc.title, doc.published, doc.authors) == ("Border Posts (official)", "2024-06-07", ["Press Desk"])
    assert doc.source_url == "https://example.gov/press/border-posts"  # not given: the document's own


def test_sidecar_beats_manifest_and_either_name_form_is_found(tmp_path: Path) -> None:
    (tmp_path / "briefs").mkdir()
    brief, memo = tmp_path / "briefs" / "brief.txt", tmp_path / "briefs" / "memo.pdf"
    brief.write_text("Five plots were disrupted.")
    (tmp_path / "MANIFEST.tsv").write_text(
        "file\ttitle\tpublished\turl\tauthors\n"
        "briefs/brief.txt\tManifest Title\t2023-01-02\thttps://example.org/b\tAda Lovelace; Grace Hopper\n"
        "memo.pdf\tWrong Folder\t\t\t\n")
    (tmp_path / "briefs" / "brief.meta.json").write_text(json.dumps({"title": "Sidecar Title"}))
    (tmp_path / "briefs" / "memo.pdf.meta.yaml").write_text("title: Memo\ndate: 2022-02-03\n")

    assert sidecar_metadata(brief) == {"title": "Sidecar Title", "published": "2023-01-02",
                                       "url": "https://example.org/b", "authors": "Ada Lovelace; Grace Hopper"}
    # A manifest row names the path from the manifest's folder; "memo.pdf" there is another file.
    assert sidecar_metadata(memo)["title"] == "Memo"


def test_a_broken_sidecar_is_ignored_and_sidecars_are_not_documents(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.")
    (tmp_path / "a.meta.json").write_text("{not json")
    (tmp_path / "MANIFEST.csv").write_text("file,title\na.txt,From The Manifest\n")
    assert sidecar_metadata(tmp_path / "a.txt") == {"title": "From The Manifest"}
    assert [Path(p).name for p in discover_files([str(tmp_path)])] == ["a.txt"]


@pytest.mark.flows
def test_ingest_applies_a_dropped_folders_manifest(tmp_path: Path) -> None:
    from claimtrail.flows.ingest import ingest

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "note.txt").write_text("Three convoys were stopped in 2024.")
    (inbox / "MANIFEST.csv").write_text('file,title,published,url,authors\n'
                                        'note.txt,Convoy Note,12 March 2024,https://example.org/n,"Doe, Jane"\n')
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    summary = ingest([str(inbox)], url)

    assert [Path(o.uri).name for o in summary.outcomes] == ["note.txt"]
    _, rows = query_readonly(url, "select title, published, source_url, authors, text from v_documents")
    assert rows == [("Convoy Note", "2024-03-12", "https://example.org/n", "Jane Doe",
                     "Three convoys were stopped in 2024.")]


# ------------------------------------------------------------------------------ PDFs

def pdf_doc(path: Path) -> ConvertedDocument:
    return convert(RawDocument(uri=str(path), content=path.read_bytes()))


def test_printed_date_on_page_one_wins_over_the_files_date() -> None:
    # Page 1 prints "April 16, 2026" on a line of its own; the file was made a day later.
    doc = pdf_doc(CORPUS / "policy/crs/IF13204v2-china-s-15th-five-year-plan-s-t-and-economic-pri.pdf")
    assert doc.published == "2026-04-16"
    # A masthead line "<district> April 6, 2016 <street address>"; CreationDate says April 5.
    assert pdf_doc(CORPUS / "pdf/cupertino_usd_4-6-16.pdf").published == "2016-04-06"


def test_printed_title_wins_over_a_title_field_not_on_the_page() -> None:
    # The Title field says "PDF avec Structure"; page 1 prints "Titre du document".
    assert pdf_doc(CORPUS / "pdf/pdf_structure.pdf").title == "Titre du document"
    # A Title field that is a file name is no title; an account name is no author.
    scotus = pdf_doc(CORPUS / "pdf/scotus-transcript-p1.pdf")
    assert scotus.title != "10811.exe" and scotus.authors == []


def test_crs_pdf_disclaimer_is_not_text() -> None:
    doc = pdf_doc(CORPUS / "policy/crs/IF11783v7-biometric-technologies-and-global-security.pdf")
    assert "Disclaimer" not in doc.text and "Government" not in doc.text[-400:]


# ------------------------------------------------------------------ encyclopedia HTML

WIKI_PAGE = """<html><head><title>Siege of Exampletown - Wikipedia</title></head><body>
<a class="mw-jump-link" href="#nav">Jump to navigation</a>
<div id="content" role="main"><h1 id="firstHeading">Siege of Exampletown</h1>
<div class="mw-parser-output">
<table class="infobox vevent"><tr><th>Date</th><td>3 May 1901</td></tr><tr><th>Casualties</th><td>120 killed</td></tr></table>
<p>The <b>Siege of Exampletown</b> was a five-week siege in which 120 defenders were killed.<sup class="reference">[1]</sup></p>
<div id="toc" class="toc"><h2>Contents</h2><ul><li><a href="#Aftermath">1 Aftermath</a></li></ul></div>
<h2><span class="mw-headline">Aftermath</span><span class="mw-editsection">[<a href="/w/index.php?action=edit">edit</a>]</span></h2>
<p>After the siege the town was rebuilt, and 35 houses were restored by the provincial government.</p>
<h2><span class="mw-headline">References</span></h2>
<div class="reflist"><ol class="references"><li>Smith, J. (1902). The Siege. p. 44.</li></ol></div>
<div class="navbox"><a href="/wiki/A">Siege of A</a> · <a href="/wiki/B">Siege of B</a></div>
<div id="catlinks" class="catlinks">Categories: <a href="/wiki/Category:Sieges">Sieges</a></div>
</div></div></body></html>"""


def test_encyclopedia_page_chrome_is_not_body_text() -> None:
    doc = text_doc(WIKI_PAGE, uri="Siege_of_Exampletown.html")
    assert doc.title == "Siege of Exampletown"
    assert doc.text == (
        "Siege of Exampletown\n\n"
        "The Siege of Exampletown was a five-week siege in which 120 defenders were killed.\n\n"
        "Aftermath\n\nAfter the siege the town was rebuilt, and 35 houses were restored by the provincial government."
    )


def test_edit_markers_in_saved_wiki_text_are_dropped() -> None:
    doc = text_doc("Siege of Exampletown\n\nAftermath[edit]\n\nThe town was rebuilt.[2]\n", uri="siege.txt")
    assert doc.text == "Siege of Exampletown\n\nAftermath\n\nThe town was rebuilt."


def test_a_bold_lead_in_of_prose_is_body_not_header() -> None:
    doc = text_doc("# Brief\n\n**Summary:** In 2024, customs officers seized 40 tonnes of precursor chemicals.\n",
                   uri="brief.md")
    assert doc.text == "Brief\n\nSummary: In 2024, customs officers seized 40 tonnes of precursor chemicals."


def test_the_declared_date_outranks_an_update_stamp() -> None:
    doc = text_doc("---\nupdated: 2024-07-01\ndate: 2024-06-05\nfrom: Office of the Spokesperson\n---\nText.\n")
    assert (doc.published, doc.authors) == ("2024-06-05", ["Office of the Spokesperson"])


def test_a_signature_line_names_the_author_when_the_pdf_does_not() -> None:
    # No Author field; the report ends "Jared G. Tupuola, Analyst in Foreign Affairs".
    doc = pdf_doc(CORPUS / "policy/crs/IF10491v14-australia-background-and-u-s-relations.pdf")
    assert doc.authors == ["Jared G. Tupuola"]
    china = pdf_doc(CORPUS / "policy/crs/IF13204v2-china-s-15th-five-year-plan-s-t-and-economic-pri.pdf")
    assert china.title == "China\u2019s 15th Five-Year Plan: S&T and Economic Priorities"  # raised "th" joined
    assert china.authors == ["Karen M. Sutter"]


def test_cms_tag_lines_are_not_body_text() -> None:
    page = ("<html><body><article><h1>Ministry Opens Border Posts</h1>"
            "<p>The ministry opened three border posts along the northern frontier on Monday, officials said.</p>"
            "<p>Tags: Border security, Northern province</p></article></body></html>")
    doc = text_doc(page, uri="post.html")
    assert "Tags" not in doc.text and "three border posts" in doc.text
