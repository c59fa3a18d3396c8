"""Attribution kinds of issue 9, section 5 that the older claim tests do not show: a date
naming a law in an "of" phrase dates the law, not the count; "according to" reports.

Plain calls of the extraction pipeline on sentences of our own wording.
"""

from __future__ import annotations

from test_claims import claim


def test_the_year_of_a_law_named_with_of_does_not_date_the_count() -> None:
    found = claim("The ministry imposed a 25% duty under Article 9 of the Customs Act of 1988.", 25)
    assert found.date_start is None


def test_the_clause_date_still_dates_a_count_beside_a_law_name() -> None:
    found = claim("Under the Customs Act of 1988, the ministry imposed a 25% duty in May 2024.", 25)
    assert found.date_start == "2024-05-01"


def test_according_to_makes_a_count_reported() -> None:
    assert claim("According to the governor, rebels burned 30 villages.", 30).modality == "reported"
