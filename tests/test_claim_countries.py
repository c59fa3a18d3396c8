"""Where a claim happened: the country a count is placed in, kind of language by kind.

A country that names an organisation, a flag or a make is not a place; a town, even one
opening a facility's name, places its sentence; a month is never a town. Plain calls of
the extraction pipeline on sentences of our own (see tests/test_claims.py for the format).
"""

from __future__ import annotations

from claimtrail.extractors.pipeline import extract
from claimtrail.schema import Block, Claim, ConvertedDocument
from test_claims import claim, claims


def test_a_country_inside_an_organisation_name_does_not_place_the_count() -> None:
    text = "The Canadian-run U.K. Maritime Safety Office has logged 23 incidents on tankers this year."
    assert claim(text, 23).country is None


def test_a_flag_or_backing_joined_by_a_hyphen_is_not_a_place() -> None:
    assert claim("The blockade has stranded six U.S.-flagged freighters in the Red Sea.", 6).country is None
    assert claim("Iran-backed militias fired 12 rockets at the airfield.", 12).country is None
    text = "The closure has trapped six tankers in the Red Sea and U.S.-flagged ferries in port."
    assert claim(text, 6).country is None  # the flag hangs off a conjunct of the place, still no place


def test_a_town_opening_a_facility_name_places_the_count() -> None:
    text = "On May 4, transport planes carried 30 armoured trucks into Erbil Air Base for partner units."
    assert claim(text, 30).country == "IRQ"


def test_a_month_is_not_the_town_of_the_same_name() -> None:
    # "March" is also a town in England; the United Kingdom is named elsewhere in the text.
    text = ("The United Kingdom sent aircraft to the coalition. "
            "On March 12, the Treasury listed four financiers of militant cells in Syria and Iraq.")
    assert claim(text, 4).country is None


def test_a_country_heading_on_its_own_line_places_its_section() -> None:
    text = "Niger\nOn 9 May, gunmen killed 21 herders in raids near a small village."
    assert claim(text, 21).country == "NER"


def test_a_list_of_countries_read_as_one_name_is_still_a_list_of_places() -> None:
    text = "The pact, signed by Mali, Burkina Faso and Niger, set up a joint force of 4,000 troops."
    assert claim(text, 4000).country is None  # three countries: no single place


def test_a_relative_clause_takes_the_place_of_its_antecedent() -> None:
    text = "Russia blamed Kyiv for the blasts in the Iranian city of Kerman that killed 80 people."
    assert claim(text, 80).country == "IRN"


def test_money_spent_where_a_clause_of_its_own_says() -> None:
    text = "The agency raised its aid by £9 million, bringing its total pledge to £41 million, supporting families across Iraq."
    assert claim(text, 41e6).country == "IRQ"


def test_money_in_a_phrase_about_a_country_is_not_placed_there() -> None:
    text = "Officials may request as much as $80 billion in extra funding related to the war with Iran."
    assert claim(text, 80e9).country is None


def test_after_to_a_possessor_is_not_a_destination() -> None:
    text = "China voted for 7 resolutions responding to North Korea's missile launches."
    assert claim(text, 7).country is None


def test_a_share_belongs_to_the_country_that_holds_it() -> None:
    assert claim("Qatar accounts for about 30% of the world's helium output.", 30).country == "QAT"
    text = "Gulf states take over 20% of the United States' exports of cars and 15% of trucks."
    assert [(c.value, c.country) for c in claims(text)] == [(20, "USA"), (15, "USA")]


def test_nationality_of_the_actor_does_not_place_an_event_located_by_a_town() -> None:
    assert claim("Iraqi security forces killed 20 fighters in Mosul.", 20).country == "IRQ"
    assert claim("Syrian troops shelled 3 villages near Kirkuk.", 3).country == "IRQ"


def test_a_share_held_by_a_subject_beside_another_country_has_no_place() -> None:
    text = "Iran earned $3 billion from supplying Russia's army with drones."
    assert claim(text, 3e9).country is None


def titled(title: str, body: str) -> list[Claim]:
    """A document with a title block above one paragraph, as the HTML converter marks <title>."""
    text = f"{title}\n{body}"
    blocks = [Block("title", 0, len(title)), Block("paragraph", len(title) + 1, len(text))]
    return extract(ConvertedDocument(text=text, media_type="text/html", blocks=blocks, published="2024-06-01")).claims


def test_a_title_naming_one_town_places_what_the_text_leaves_unplaced() -> None:
    [found] = titled("2021 Kirkuk checkpoint bombing", "The blast at the checkpoint killed 14 people.")
    assert found.country == "IRQ"


def test_a_title_naming_a_country_is_a_topic_not_a_place() -> None:
    [found] = titled("Iran and Nuclear Weapons", "Reactor fuel typically contains less than 5% of the isotope.")
    assert found.country is None


def test_the_place_of_what_the_subject_is_a_series_of() -> None:
    text = "A wave of drone strikes in northern Syria's Idlib province this week killed 15 fighters, officials said."
    assert claim(text, 15).country == "SYR"
