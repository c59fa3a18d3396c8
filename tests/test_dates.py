"""Dates as an analyst reads them: partial dates take their year from context, ranges are
one interval, fiscal years are a government's, and identifiers are not years.

Most tests call ``find_dates`` directly (no model needed); the component tests run it on a
blank English pipeline with the document's context set as the converter would set it.
"""

from __future__ import annotations

from datetime import date

import pytest
import spacy

from claimtrail.extractors.context import DocContext
from claimtrail.extractors.dates import find_dates, report_year
from claimtrail.schema import Block

PUBLISHED = date(2024, 5, 20)


def found(text: str, published: date | None = PUBLISHED, **options) -> list[tuple[str, str]]:
    return [(text[d.start_char : d.end_char], d.norm) for d in find_dates(text, published, **options)]


# Which anchor gives a partial date its year -----------------------------------------------

def test_an_explicit_year_earlier_in_the_paragraph_wins() -> None:
    assert ("March 3", "2021-03-03/2021-03-03") in found("In 2021 the talks resumed; on March 3 they collapsed.")


def test_a_year_naming_an_event_does_not_anchor_the_narrative() -> None:
    text = "Designations rose in 2019, long after the 1994 bombing. In October, two more followed."
    assert ("October", "2019-10-01/2019-10-31") in found(text)


def test_a_year_in_an_aside_does_not_anchor_the_narrative() -> None:
    text = "On February 27, 2024, the order (signed on September 5, 2023) took effect. On March 9 suits followed."
    assert ("March 9", "2024-03-09/2024-03-09") in found(text)


def test_the_report_year_wins_over_publication() -> None:
    assert found("On March 3 the talks collapsed.", report_year=2019) == [("March 3", "2019-03-03/2019-03-03")]


def test_publication_decides_when_nothing_nearer_names_a_year() -> None:
    # The latest such day not after publication: March 2024, but December 2023.
    assert found("On March 3 the talks collapsed.") == [("March 3", "2024-03-03/2024-03-03")]
    assert found("By 12 December the talks collapsed.") == [("12 December", "2023-12-12/2023-12-12")]


def test_a_year_in_an_earlier_paragraph_is_background_not_an_anchor() -> None:
    text = "Many fled after the invasion in February 2022.\nOn March 3 police detained a teenager."
    assert ("March 3", "2024-03-03/2024-03-03") in found(text)


def test_without_publication_date_the_nearest_earlier_year_in_the_document_anchors() -> None:
    text = "Many fled after the invasion in February 2022.\nOn Jan. 8 police detained a teenager."
    assert ("Jan. 8", "2022-01-08/2022-01-08") in found(text, None)


def test_with_no_anchor_at_all_a_partial_date_is_dropped() -> None:
    assert found("On March 3 the talks collapsed.", None) == []


def test_the_report_year_comes_from_the_title() -> None:
    assert report_year("Country Reports on Terrorism 2019: Mozambique") == 2019
    assert report_year("Budget request for FY2026 and Section 1001") is None
    assert report_year(None) is None


# Other written forms -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Filed 04/21/2026 in court.", ("04/21/2026", "2026-04-21/2026-04-21")),  # U.S. order first
    ("Filed 21/04/2026 in court.", ("21/04/2026", "2026-04-21/2026-04-21")),  # where it cannot be
    ("Forts built in the 19th century stand.", ("the 19th century", "1800-01-01/1899-12-31")),
])
def test_numeric_days_and_centuries(text: str, expected: tuple[str, str]) -> None:
    assert found(text) == [expected]


def test_a_century_without_its_article_is_an_adjective_not_a_date() -> None:
    assert found("They gained experience in 21st century warfare.") == []


def test_a_weekday_is_the_latest_such_day_of_its_dateline() -> None:
    text = "ROME, Wednesday, June 7, 2023 — Talks that began on Monday ended."
    assert found(text)[-1] == ("Monday", "2023-06-05/2023-06-05")


def test_a_weekday_written_with_its_date_is_one_date() -> None:
    assert found("Police said on Monday, June 5, 2023 that two fled.") == [("June 5, 2023", "2023-06-05/2023-06-05")]


# Ranges are one interval ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Talks ran October 7-8, 2023 in Doha.", ("October 7-8, 2023", "2023-10-07/2023-10-08")),
    ("Talks ran 7–8 October 2023 in Doha.", ("7–8 October 2023", "2023-10-07/2023-10-08")),
    ("Talks ran from 3 to 5 March 2024 in Doha.", ("from 3 to 5 March 2024", "2024-03-03/2024-03-05")),
    ("Talks ran from March 2021 to June 2022.", ("from March 2021 to June 2022", "2021-03-01/2022-06-30")),
    ("Talks ran from December 28, 2022 to January 3, 2023.",
     ("from December 28, 2022 to January 3, 2023", "2022-12-28/2023-01-03")),
    ("In 2023, talks ran between May 2 and July 15.", ("between May 2 and July 15", "2023-05-02/2023-07-15")),
    ("Talks ran December 30-January 2, 2024.", ("December 30-January 2, 2024", "2023-12-30/2024-01-02")),
])
def test_a_range_is_one_interval(text: str, expected: tuple[str, str]) -> None:
    assert found(text)[-1] == expected


def test_a_range_without_year_takes_it_from_context() -> None:
    assert found("Strikes hit the port on October 7-8.") == [("October 7-8", "2023-10-07/2023-10-08")]


def test_two_dates_joined_by_and_stay_two_dates() -> None:
    assert found("Strikes hit the port on May 2 and July 15, 2023.") == [
        ("May 2", "2023-05-02/2023-05-02"), ("July 15, 2023", "2023-07-15/2023-07-15"),
    ]


# Fiscal years ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("FY2025", "2024-10-01/2025-09-30"),
    ("FY 2026", "2025-10-01/2026-09-30"),
    ("FY26", "2025-10-01/2026-09-30"),
    ("fiscal year 2027", "2026-10-01/2027-09-30"),
    ("Fiscal Year (FY) 2027", "2026-10-01/2027-09-30"),
    ("FY2025-FY2027", "2024-10-01/2027-09-30"),
    ("FY2026–FY2030", "2025-10-01/2030-09-30"),
    ("FY2025-27", "2024-10-01/2027-09-30"),
])
def test_fiscal_years_are_us_federal_by_default(text: str, expected: str) -> None:
    assert found(f"The request for {text} grew.") == [(text, expected)]


def test_fiscal_years_joined_by_and_are_two_years() -> None:
    assert found("Funds for fiscal years 2025 and 2026 grew.") == [
        ("fiscal years 2025", "2024-10-01/2025-09-30"), ("2026", "2025-10-01/2026-09-30"),
    ]


@pytest.mark.parametrize(("start", "expected"), [
    ((4, 1), "2024-04-01/2025-03-31"),  # United Kingdom
    ((7, 1), "2024-07-01/2025-06-30"),  # Australia
    ((1, 1), "2025-01-01/2025-12-31"),  # the calendar year
])
def test_the_fiscal_year_start_is_configurable(start: tuple[int, int], expected: str) -> None:
    assert found("Spending in FY2025 rose.", fiscal_year_start=start) == [("FY2025", expected)]


def test_the_component_takes_the_fiscal_year_start_from_its_config() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("claimtrail_dates", config={"fiscal_year_start": "07-01"})
    doc = nlp("Spending in FY2025 rose.")
    assert [(s.text, s._.norm) for s in doc.spans["date"]] == [("FY2025", "2024-07-01/2025-06-30")]


# Relative dates read against their quotation or paragraph --------------------------------

def test_a_dateline_dates_its_paragraph() -> None:
    text = "KYIV, June 5, 2023 — The minister said strikes rose earlier this year and fell last month."
    assert found(text)[1:] == [
        ("earlier this year", "2023-01-01/2023-06-05"), ("last month", "2023-05-01/2023-05-31"),
    ]


def test_a_paragraph_opening_with_a_date_dates_its_relative_expressions() -> None:
    text = "Background.\nOn 2 February 2022, officials said two years ago the border was calm."
    assert ("two years ago", "2020-01-01/2020-12-31") in found(text)


def test_a_quotation_is_read_against_the_day_it_was_spoken() -> None:
    text = '"We lost ground this week," the commander said on June 5, 2023.'
    assert found(text)[0] == ("this week", "2023-06-05/2023-06-05")


def test_yesterday_is_the_day_before_the_dateline() -> None:
    assert found("AMMAN, March 14, 2025 — Yesterday's raids hit two depots.")[-1] == ("Yesterday", "2025-03-13/2025-03-13")


def test_a_quarter_without_its_year_takes_the_year_of_its_paragraph() -> None:
    assert found("In 2023, attacks rose in the second quarter.")[-1] == ("the second quarter", "2023-04-01/2023-06-30")
    assert found("A quarter of the people fled; the first quarter of the century was calm.") == []


def test_elsewhere_relative_dates_are_read_against_publication() -> None:
    text = "Arrests rose last year, the ministry reported on June 5, 2023."
    assert found(text)[0] == ("last year", "2023-01-01/2023-12-31")


# Numbers that are not years ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Under §2301 and § 2302 the grant is capped.",
    "Section 1001 of the act applies.",
    "See Map 2010 and Sheet 1998 of the survey.",
    "The bill H.R. 2670 passed, as did (H.R. 2012).",
    "It enacted P.L. 117-81 and E.O. 14347.",
    "UNSCR 2231 endorsed the deal; so did Resolution 2231.",
    "Flight 2010 landed; see report IF12760v7.",
    "Case No. 1999 was closed; 1,990 cases remain.",
    "Write to PO Box 2001, Canberra ACT 2600.",
    "Version: 14 of the guidance.",
    "The curfew starts at 2000 GMT and ends at 0600 hours.",
])
def test_identifiers_are_not_years(text: str) -> None:
    assert found(text) == []


# In the pipeline --------------------------------------------------------------------------

def test_the_component_reads_title_and_paragraphs_from_the_document_context() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("claimtrail_dates")
    text = "Attacks rose in 2017. Talks began on 4 May. It ended last year."
    doc = nlp.make_doc(text)
    doc._.ct = DocContext(published=PUBLISHED, title="Annual Report 2019", blocks=[
        Block("paragraph", 0, 21), Block("paragraph", 22, 43), Block("paragraph", 44, len(text)),
    ])
    spans = [(s.text, s._.norm) for s in nlp(doc).spans["date"]]
    # "4 May" is in a paragraph of its own: the title's year, not 2017 nor 2024.
    assert spans == [
        ("2017", "2017-01-01/2017-12-31"), ("4 May", "2019-05-04/2019-05-04"),
        ("last year", "2023-01-01/2023-12-31"),
    ]


def test_a_day_range_is_one_date_and_its_days_are_not_counts() -> None:
    from claimtrail.extractors.pipeline import load_pipeline

    nlp = load_pipeline()
    doc = nlp.make_doc("Talks held on October 7-8 drew 2023 people to Doha.")
    doc._.ct = DocContext(published=PUBLISHED)
    doc = nlp(doc)
    assert [(s.text, s._.norm) for s in doc.spans["date"]] == [("October 7-8", "2023-10-07/2023-10-08")]
    assert [s._.norm for s in doc.spans["count"]] == ["2023"]
