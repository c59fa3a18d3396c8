"""Kinds of date language beyond day, month and year, each read as one interval.

Quarters and halves of calendar and fiscal years, parts of months and decades, lists of
fiscal years, and the year-less "second half of the year", checked with plain
``find_dates`` calls on sentences written for these tests. The last tests show what must
stay out: quarter labels with no date around them and identifiers that look like years.
"""

from __future__ import annotations

from datetime import date

import pytest

from claimtrail.extractors.dates import find_dates

PUBLISHED = date(2026, 3, 10)


def found(text: str, published: date | None = PUBLISHED, **options) -> list[tuple[str, str]]:
    return [(text[d.start_char : d.end_char], d.norm) for d in find_dates(text, published, **options)]


def only(text: str, **options) -> str:
    """The one interval a sentence names, checking that it names exactly one."""
    spans = found(text, **options)
    assert len(spans) == 1, spans
    return spans[0][1]


@pytest.mark.parametrize(("text", "expected"), [
    ("Exports fell in Q3 2025.", "2025-07-01/2025-09-30"),
    ("Exports fell in 3Q 2025.", "2025-07-01/2025-09-30"),
    ("Exports fell in Q4 of 2024.", "2024-10-01/2024-12-31"),
    ("Exports fell in the final quarter of 2024.", "2024-10-01/2024-12-31"),
    ("Exports fell from Q3 2025 to Q1 2026.", "2025-07-01/2026-03-31"),
])
def test_a_calendar_quarter_is_three_months(text: str, expected: str) -> None:
    assert only(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Outlays peaked in Q1 FY2026.", "2025-10-01/2025-12-31"),
    ("Outlays peaked in FY2024 Q3.", "2024-04-01/2024-06-30"),
    ("Outlays peaked in the fourth quarter of fiscal year 2025.", "2025-07-01/2025-09-30"),
    ("Outlays peaked in H1 FY2025.", "2024-10-01/2025-03-31"),
    ("Outlays peaked in the second half of FY2025.", "2025-04-01/2025-09-30"),
])
def test_a_quarter_or_half_of_a_fiscal_year_is_counted_from_its_start(text: str, expected: str) -> None:
    assert only(text) == expected


def test_a_fiscal_quarter_follows_the_configured_fiscal_year() -> None:
    # A UK fiscal year starts on 1 April: its first quarter of FY2025 is April-June 2024.
    assert only("Receipts rose in Q1 FY2025.", fiscal_year_start=(4, 1)) == "2024-04-01/2024-06-30"


@pytest.mark.parametrize(("text", "expected"), [
    ("Arrests doubled in the first half of 2024.", "2024-01-01/2024-06-30"),
    ("Arrests doubled in H2 2023.", "2023-07-01/2023-12-31"),
    ("Arrests doubled in 1H 2023.", "2023-01-01/2023-06-30"),
    ("Arrests doubled in the latter half of 2022.", "2022-07-01/2022-12-31"),
    ("Arrests doubled in the first six months of 2021.", "2021-01-01/2021-06-30"),
])
def test_a_half_year_is_six_months(text: str, expected: str) -> None:
    assert only(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Raids resumed in early March 2022.", "2022-03-01/2022-03-10"),
    ("Raids resumed in mid-March 2023.", "2023-03-11/2023-03-20"),
    ("Raids resumed in late February 2024.", "2024-02-21/2024-02-29"),
])
def test_early_mid_and_late_narrow_a_month(text: str, expected: str) -> None:
    assert only(text) == expected


def test_a_part_of_a_month_without_year_takes_it_from_its_paragraph() -> None:
    assert ("late May", "2019-05-21/2019-05-31") in found("In 2019 the militia regrouped, and in late May it struck.")


@pytest.mark.parametrize(("text", "expected"), [
    ("Cells spread in the 1990s.", "1990-01-01/1999-12-31"),
    ("Cells spread in the '90s.", "1990-01-01/1999-12-31"),
    ("Cells spread in the early 2000s.", "2000-01-01/2003-12-31"),
    ("Cells spread in the mid-1990s.", "1993-01-01/1996-12-31"),
    ("Cells spread in the late 1980s.", "1987-01-01/1989-12-31"),
])
def test_a_decade_and_its_parts(text: str, expected: str) -> None:
    assert only(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Budgets shrank in calendar year 2023.", "2023-01-01/2023-12-31"),
    ("Budgets shrank in CY2024.", "2024-01-01/2024-12-31"),
    ("Budgets shrank by the end of 2025.", "2025-10-01/2025-12-31"),
    ("Budgets shrank in the summer of 2022.", "2022-06-01/2022-08-31"),
])
def test_calendar_years_and_their_parts(text: str, expected: str) -> None:
    assert only(text) == expected


def test_a_list_of_fiscal_years_names_each_year() -> None:
    # Years named one by one are not a span: 2025 is not in "fiscal years 2024 and 2026".
    assert found("Grants for fiscal years 2024, 2025, and 2026 were cut.") == [
        ("2024", "2023-10-01/2024-09-30"), ("2025", "2024-10-01/2025-09-30"), ("2026", "2025-10-01/2026-09-30"),
    ]


def test_between_two_fiscal_years_is_one_interval_even_with_an_editors_bracket() -> None:
    assert found("Three units arrive between fiscal [years] 2027 and 2029, one more in fiscal [year] 2027.") == [
        ("between fiscal [years] 2027 and 2029", "2026-10-01/2029-09-30"),
        ("fiscal [year] 2027", "2026-10-01/2027-09-30"),
    ]


def test_the_second_half_of_the_year_is_of_the_paragraphs_year() -> None:
    text = "In 2021 the ministry reorganised; in the second half of the year it hired 300 staff."
    assert ("the second half of the year", "2021-07-01/2021-12-31") in found(text)


def test_the_end_of_the_year_looks_ahead_from_where_the_text_speaks() -> None:
    # No year in the paragraph: a speech dated March 2026 means the end of 2026.
    assert only("We will finish the wall by the end of the year.") == "2026-10-01/2026-12-31"


def test_a_year_less_quarter_label_is_a_date_only_where_the_sentence_makes_it_one() -> None:
    assert ("Q3", "2025-07-01/2025-09-30") in found("In 2025 sales stalled, and in Q3 they fell.")
    assert found("Q1 | Q2 | Q3 | Q4") == []  # a table header: labels, not dates


@pytest.mark.parametrize("text", [
    "Section 1990 of the code applies.",
    "Pub. L. 2020-15 amended it.",
    "Form H2 was filed.",
    "The 90s of the series are rare.",
])
def test_look_alikes_are_not_dates(text: str) -> None:
    assert found(text) == []


def test_a_quotation_introduced_by_a_dated_lead_in_speaks_from_its_date() -> None:
    text = "In June 2023, the Army reported,\n\nThe battery fired a missile earlier this year, proving the launcher.\n"
    assert ("earlier this year", "2023-01-01/2023-06-01") in found(text)


def test_a_paragraph_that_only_follows_a_dated_one_speaks_from_publication() -> None:
    # The first paragraph ends with a full stop: it introduces no quotation.
    text = "In June 2023, the Army fired a missile.\nA test had failed earlier this year.\n"
    assert ("earlier this year", "2026-01-01/2026-03-10") in found(text)
