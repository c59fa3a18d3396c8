"""Tables: a number alone in a cell is read through the table's header, corner cell and
caption, and dated by its column (extractors/tables.py); sentences that define how to
count state no count (extractors/counts.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from claimtrail.extractors.convert import convert
from claimtrail.extractors.pipeline import extract
from claimtrail.schema import Claim, Extraction, RawDocument

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

BULLETIN = """---
title: Lakes Region Monitor: Spring 2024
authors: Test Author
byline: Test Author
published: 2024-05-15
series: Monitor
publisher: Test Institute
---

## Overview

Cross-border raids continued through the spring of 2024.

*Table 1. Raids by country and month, spring 2024*

| Raids reported | March 2024 | April 2024 | Total |
|---|---|---|---|
| Kenya | 4 | 6 | 10 |
| Uganda | 2 | 3 | 5 |
| Both countries | 6 | 9 | 15 |

*Table 2. Field offices and their positions*

| Office | Latitude | Longitude |
|---|---|---|
| Garissa, Kenya | 0.45 | 39.65 |
| Gulu, Uganda | 2.78 | 32.30 |
"""


def bulletin_pdf(path: Path) -> Path:
    """A PDF bulletin built by the same script as the shipped samples."""
    spec = importlib.util.spec_from_file_location("make_pdf", SAMPLES / "make_pdf.py")
    make_pdf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_pdf)
    make_pdf.build(*make_pdf.parse_source(BULLETIN)).output(str(path))
    return path


def run(text: str, uri: str = "brief.md") -> Extraction:
    return extract(convert(RawDocument(uri=uri, content=text.encode())))


def table_claims(extraction: Extraction) -> list[Claim]:
    return [c for c in extraction.claims if " | " in c.quote]


def test_a_pdf_table_counts_what_its_corner_cell_names_by_row_country_and_column_month(tmp_path: Path) -> None:
    path = bulletin_pdf(tmp_path / "monitor.pdf")
    claims = table_claims(extract(convert(RawDocument(uri=path.name, content=path.read_bytes()))))
    found = {(c.value, c.country, c.date_start) for c in claims}
    assert {(4, "KEN", "2024-03-01"), (6, "KEN", "2024-04-01"), (2, "UGA", "2024-03-01"),
            (3, "UGA", "2024-04-01")} <= found
    assert {c.unit for c in claims} == {"raids"}
    # The totals row and column are counts too; "Both countries" places them nowhere.
    assert {(15, None), (10, "KEN"), (5, "UGA")} <= {(c.value, c.country) for c in claims}
    # Coordinates of the second table count nothing.
    assert not {0.45, 39.65, 2.78, 32.3} & {c.value for c in claims}
    # A cell quotes its whole row.
    assert next(c for c in claims if c.value == 2).quote == "Uganda | 2 | 3 | 5"


def test_a_caption_names_what_a_table_counts_when_its_header_names_only_periods() -> None:
    text = ("# Monitor\n\nTable 3. Abductions recorded by country, 2023\n\n"
            "| Country | 2022 | 2023 |\n| --- | --- | --- |\n| Chad | 12 | 17 |\n")
    claims = table_claims(run(text))
    assert {(c.value, c.unit, c.country, c.date_start) for c in claims} == {
        (12, "abductions", "TCD", "2022-01-01"), (17, "abductions", "TCD", "2023-01-01")}


def test_a_fiscal_year_column_dates_its_rows_as_fiscal_years_and_money_keeps_its_currency() -> None:
    text = ("# Grants\n\nTable 1. Programme funding\n\n| Fiscal Year | Appropriation |\n| --- | --- |\n"
            "| 2019 | $12 million |\n| 2020 | $40 millionb |\n\nb. Includes a supplemental.\n")
    extraction = run(text)
    years = {m.text: m.norm for m in extraction.mentions if m.kind == "date"}
    assert years["2019"] == "2018-10-01/2019-09-30"
    assert {(c.value, c.unit, c.date_start, c.date_end) for c in table_claims(extraction)} == {
        (12e6, "USD", "2018-10-01", "2019-09-30"), (40e6, "USD", "2019-10-01", "2020-09-30")}


def test_a_scale_over_the_table_or_its_column_multiplies_its_cells_but_not_its_shares() -> None:
    text = ("# Debt\n\nTable 2. Holdings by country\n\n"
            "| Country | Amount Held ($ billions) | Share |\n| --- | --- | --- |\n| Japan | $1,185.5 | 12.8% |\n")
    assert {(c.value, c.unit) for c in table_claims(run(text))} == {(1185.5e9, "USD"), (12.8, "percent")}
    text = ("# Debt\n\nTable 1. Ownership of securities\n\nIn Trillions of Dollars\n\n"
            "| End of Month | Total Debt |\n| --- | --- |\n| Dec. 2025 | $30.1 |\n")
    assert [(c.value, c.unit, c.date_start) for c in table_claims(run(text))] == [(30.1e12, "USD", "2025-12-01")]


def test_a_table_of_codes_counts_nothing() -> None:
    text = "# Stations\n\n| Station code | Sensors |\n| --- | --- |\n| KE-17 | 4 |\n| UG-02 | 3 |\n"
    assert [(c.value, c.unit) for c in table_claims(run(text))] == [(4, "sensors"), (3, "sensors")]
    text = "# Stations\n\n| Site | Grid code |\n| --- | --- |\n| Lodwar | 1714 |\n"
    assert table_claims(run(text)) == []


def test_a_sentence_that_defines_how_to_count_states_no_count() -> None:
    text = ("# Method\n\nAn incursion, as defined in these reports, means one or more crossings by armed men "
            "at one place on one day. So a single patrol crossing the line twice is one incursion. "
            "Border guards recorded 14 incursions in March 2024.\n")
    assert [(c.value, c.unit) for c in run(text).claims] == [(14, "incursions")]


def test_a_header_over_groups_of_columns_dates_each_group_and_each_cell_takes_the_country_to_its_left() -> None:
    text = ("# Reserves\n\nTable 4. Largest holders, by country\n\n"
            "| March 2024 | March 2020 |\n| --- | --- |\n"
            "| Country | Held ($ billions) | Country | Held ($ billions) |\n"
            "| Norway | $12.5 | Chile | $7.0 |\n")
    assert {(c.value, c.country, c.date_start) for c in table_claims(run(text))} == {
        (12.5e9, "NOR", "2024-03-01"), (7e9, "CHL", "2020-03-01")}


def test_two_tables_printed_one_under_the_other_each_read_through_their_own_header() -> None:
    text = ("# Notices\n\n| Date | Company | Workers |\n| --- | --- | --- |\n| 03/02/2016 | Acme Bakery | 40 |\n"
            "| Summary by Month | Notices | Permanent Layoff |\n| March 2016 | 12 | 7 |\n")
    assert {(c.value, c.unit, c.date_start) for c in table_claims(run(text))} == {
        (40, "workers", "2016-03-02"), (12, "notices", "2016-03-01"), (7, "permanent layoff", "2016-03-01")}
