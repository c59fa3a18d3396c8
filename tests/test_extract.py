"""What extraction finds in a sentence, kind by kind: the rules as a user would state them.

Each example is converted and extracted exactly as an ingested document would be; the
publication date, when a test needs one, comes from a dateline as in a real brief.
"""

from __future__ import annotations

import pytest

from claimtrail.extractors.convert import convert
from claimtrail.extractors.pipeline import extract
from claimtrail.schema import Claim, Extraction, RawDocument


def header(published: str | None) -> str:
    return f"A Brief\n\n{published}\n\n" if published else ""


def run(body: str, published: str | None = "Sep 11, 2023") -> Extraction:
    return extract(convert(RawDocument(uri="brief.txt", content=(header(published) + body).encode())))


def norms(body: str, kind: str, published: str | None = "Sep 11, 2023") -> list[tuple[str, str]]:
    """Mentions of ``kind`` in the body (the header's own dateline left out)."""
    skip = len(header(published))
    return [(m.text, m.norm) for m in run(body, published).mentions if m.kind == kind and m.start_char >= skip]


def claims(body: str, **kw) -> list[Claim]:
    return run(body, **kw).claims


# Dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("It began on Sep 11, 2023.", ("Sep 11, 2023", "2023-09-11/2023-09-11")),
    ("It began on 11 September 2023.", ("11 September 2023", "2023-09-11/2023-09-11")),
    ("It began on 2023-09-11.", ("2023-09-11", "2023-09-11/2023-09-11")),
    ("It began in July 2022.", ("July 2022", "2022-07-01/2022-07-31")),
    ("It began in 1994.", ("1994", "1994-01-01/1994-12-31")),
    ("Attacks fell in August 2018-19.", ("August 2018-19", "2018-08-01/2019-07-31")),
    ("Attacks fell in 2022-23.", ("2022-23", "2022-01-01/2023-12-31")),
    ("It ran between March and May 2021.", ("between March and May 2021", "2021-03-01/2021-05-31")),
    ("It ran from 2019 to 2021.", ("from 2019 to 2021", "2019-01-01/2021-12-31")),
    ("Documents leaked in spring and fall 2020.", ("spring and fall 2020", "2020-03-01/2020-11-30")),
    ("It peaked in the first half of 2022.", ("the first half of 2022", "2022-01-01/2022-06-30")),
    ("It peaked in Q3 2021.", ("Q3 2021", "2021-07-01/2021-09-30")),
    ("It peaked in late 2020.", ("late 2020", "2020-09-01/2020-12-31")),
])
def test_absolute_dates_become_iso_intervals(text: str, expected: tuple[str, str]) -> None:
    assert expected in norms(text, "date")


@pytest.mark.parametrize(("text", "expected"), [
    ("The August 28 issue claimed it.", ("August 28", "2023-08-28/2023-08-28")),
    ("Arrests began in March.", ("March", "2023-03-01/2023-03-31")),
    ("Arrests rose last year.", ("last year", "2022-01-01/2022-12-31")),
    ("It struck two years ago.", ("two years ago", "2021-01-01/2021-12-31")),
    ("Raids grew earlier this month.", ("earlier this month", "2023-09-01/2023-09-11")),
])
def test_partial_and_relative_dates_are_anchored_to_publication(text: str, expected: tuple[str, str]) -> None:
    assert expected in norms(text, "date")


def test_a_partial_date_without_publication_date_is_not_guessed() -> None:
    assert norms("The August 28 issue claimed it.", "date", published=None) == []


def test_coordinated_months_share_their_year() -> None:
    found = norms("The group attacked the Maldives (February and April 2020).", "date")
    assert found == [("February", "2020-02-01/2020-02-29"), ("April 2020", "2020-04-01/2020-04-30")]


@pytest.mark.parametrize("text", [
    "Two decades after the 9/11 attacks the threat remains.",
    "It hijacked Air France Flight 8969 in Algiers.",
    "The event starts at 1500 GMT.",
    "See Resolution 2049 for details.",
])
def test_identifiers_and_times_are_not_dates(text: str) -> None:
    assert norms(text, "date") == []


# Countries -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "iso3"), [
    ("Officials in Britain agreed.", "GBR"),
    ("Officials in the UK agreed.", "GBR"),
    ("Officials in the U.S. agreed.", "USA"),
    ("Officials in the UAE agreed.", "ARE"),
    ("Officials in Türkiye agreed.", "TUR"),
    ("Officials in the DPRK agreed.", "PRK"),
    ("Officials in the Maldives agreed.", "MDV"),
    ("Tajik nationals were involved.", "TJK"),
    ("Iranian officials denied it.", "IRN"),
    ("The strikes hit Mosul again.", "IRQ"),
])
def test_country_names_demonyms_and_cities(text: str, iso3: str) -> None:
    assert iso3 in {norm for _, norm in norms(text, "country")}


def test_a_small_town_counts_only_where_its_country_is_named() -> None:
    assert ("Manbij", "SYR") in norms("Fighting in Syria reached Manbij.", "country")
    assert norms("Manbij was quiet.", "country") == []


def test_languages_are_not_countries() -> None:
    assert norms("It publishes in Arabic, Pashto, Tajik, Urdu, and Uzbek.", "country") == []


def test_regions_are_their_own_kind() -> None:
    text = "Its reach extends to North Africa and the Middle East."
    assert norms(text, "country") == []
    assert [n for _, n in norms(text, "region")] == ["North Africa", "Middle East"]


def test_a_name_inside_a_longer_name_is_not_a_place() -> None:
    assert "USA" not in {n for _, n in norms("He is a fellow at the Washington Institute in Iraq.", "country")}


# Counts --------------------------------------------------------------------------------

def test_number_words_qualifiers_and_units() -> None:
    [raids] = claims("Since July 2022, the Taliban has conducted thirty-six counterterrorism raids against the group.")
    assert (raids.value, raids.unit, raids.actor, raids.action) == (36, "counterterrorism raids", "Taliban", "conduct")
    [plots] = claims("At least fifteen other plots were interdicted.")
    assert (plots.value, plots.qualifier, plots.unit) == (15, "at least", "plots")
    assert [(c.value, c.unit) for c in claims("Police detained a dozen men and 1.2 million people fled.")] == [
        (12, "men"), (1_200_000, "people")]


def test_a_breakdown_gives_one_claim_per_country_with_the_total_unit() -> None:
    found = claims("At least fifteen plots were interdicted in India (3), Iran (4), and the Maldives (1).")
    assert [(c.value, c.unit, c.country) for c in found] == [
        (15, "plots", None), (3, "plots", "IND"), (4, "plots", "IRN"), (1, "plots", "MDV")]


def test_list_items_take_their_period() -> None:
    found = claims("Attacks by year:\n\n- August 2018-19: 400 attacks\n- August 2019-20: 157 attacks")
    assert [(c.value, c.unit, c.date_start, c.date_end) for c in found] == [
        (400, "attacks", "2018-08-01", "2019-07-31"), (157, "attacks", "2019-08-01", "2020-07-31")]


def test_elliptic_counts_take_the_unit_of_their_antecedent() -> None:
    text = ("Four of these plots emerged before the takeover, but the other eleven unfolded "
            "under its watch: five in 2022 and six so far in 2023.")
    found = [(c.value, c.unit, c.date_start) for c in claims(text)]
    assert found == [(4, "plots", None), (11, "plots", None), (5, "plots", "2022-01-01"), (6, "plots", "2023-01-01")]


@pytest.mark.parametrize("text", [
    "Two decades after the 9/11 attacks the threat remains.",
    "It hijacked Air France Flight 8969.",
    "The first prong is propaganda.",
    "It was announced in 2019.",
    "The call starts at 1500 GMT.",
])
def test_identifiers_ordinals_years_times_and_durations_are_not_counts(text: str) -> None:
    assert claims(text) == []


def test_money_percentages_and_measures_have_their_own_units() -> None:
    found = claims("The network moved $5 million, about 40 percent of its budget, over 300 km.")
    assert [(c.value, c.unit) for c in found] == [(5_000_000, "USD"), (40, "percent"), (300, "km")]


def test_a_count_is_placed_where_the_sentence_places_it() -> None:
    [designated] = claims("In July 2023, the U.S. Treasury Department designated thirteen individuals in the Maldives.")
    assert (designated.country, designated.actor, designated.date_start) == (
        "MDV", "U.S. Treasury Department", "2023-07-01")
    [migrants] = claims("More than one million Tajik citizens worked in Russia in 2023.")
    assert migrants.country == "RUS"  # where they worked, not their nationality


def test_every_quote_is_the_sentence_of_its_count() -> None:
    extraction = run("Nothing happened. Then three attacks hit Kabul. Calm returned.")
    [claim] = extraction.claims
    assert claim.quote == "Then three attacks hit Kabul."


@pytest.mark.parametrize(("text", "modality"), [
    ("The group conducted three attacks.", "asserted"),
    ("The group did not conduct three attacks.", "negated"),
    ("The group could conduct three attacks.", "hypothetical"),
    ("According to officials, the group conducted three attacks.", "reported"),
])
def test_modality(text: str, modality: str) -> None:
    [claim] = claims(text)
    assert claim.modality == modality


# Actors --------------------------------------------------------------------------------

def test_aliases_resolve_to_canonical_names() -> None:
    text = "ISIS-K and the Islamic State's Khorasan Province are one group; al-Qa'ida and Daesh are not."
    assert {n for _, n in norms(text, "actor")} == {"Islamic State Khorasan Province", "al-Qaeda", "Islamic State"}


def test_an_acronym_defined_in_the_text_links_both_forms() -> None:
    text = "The Karimov Liberation Front (KLF) attacked twice. The KLF denied it."
    assert [n for _, n in norms(text, "actor")] == ["Karimov Liberation Front"] * 3


def test_the_byline_author_is_not_an_actor() -> None:
    extraction = run("by Jane Roe\n\nJane Roe reports that Hamas fired rockets.")
    assert {m.norm for m in extraction.mentions if m.kind == "actor"} == {"Hamas"}


def test_governments_and_forces_of_a_country_are_actors() -> None:
    text = "The Iraqi government and Afghan security forces met the government of Pakistan."
    assert {n for _, n in norms(text, "actor")} == {
        "Government of Iraq", "Afghan security forces", "Government of Pakistan"}


def test_the_group_stands_for_the_last_named_actor() -> None:
    [claim] = claims("Hamas rebuilt its tunnels. The group fired 40 rockets.")
    assert claim.actor == "Hamas"
