"""Number words that count nothing (issue 9, section 1): the indefinite "one", multipliers,
labels and elided periods; and the counts of the same words that must stay.

"one" is a count when it says how many of a thing took part in an event; used as an
article or a pronoun it counts nothing. The sentences are our own wording.
"""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_counts import counted, nlp  # noqa: F401 - the module's pipeline fixture


@pytest.mark.parametrize("text", [
    # a member picked out of a set nobody counted
    "The tariff dispute is just one of the burdens facing exporters.",
    "The agreement resolved one of the leading maritime disputes of the decade.",
    "Later, one of her aides described the evacuation as chaotic.",
    # a pronoun, or one of a correlative pair
    "Voters may pick a party with old ideas, or one with a plan for the ports.",
    "The two delegations accused one another of stalling.",
    "Convoys moved aid from one border crossing to another.",
    "The ministry lurched from one budget crisis to the next.",
    "Nobody was hurt, and not one shot was fired.",
    # identity and manner
    "The islanders voted to govern themselves as one nation.",
    "The envoy insisted that both sides are one people.",
    # a name right after it
    "Fighting paused except for one Friday in 2019.",
    "One Senator welcomed the decision.",
    "They marched as one column, serving one Republic.",
    # an abstract noun of discourse, time or manner
    "At one point the talks nearly collapsed.",
    "One reason for the delay is the shortage of engineers.",
    "The committee has one question for the minister.",
    "The parties spoke with one voice on the budget.",
    # the indefinite source of a report
    "According to one estimate, the harbour handled 40 tankers a week.",
    "Per one local media report, the governor resigned.",
    "One diplomat said the ceasefire was fragile.",
])
def test_the_indefinite_one_counts_nothing(nlp: Language, text: str) -> None:
    assert all(value != 1 for value, _ in counted(nlp, text))


@pytest.mark.parametrize("text", [
    "Exports reached nearly four times the quota set in the treaty.",
    "The navy now fields three times as many patrol boats.",
    "Drone production grew five-fold after the factory opened.",
])
def test_a_multiplier_counts_nothing(nlp: Language, text: str) -> None:
    assert counted(nlp, text) == []


@pytest.mark.parametrize("text", [
    "Soldiers of the 4 Field Artillery Regiment arrived at the base.",
    "The assembly adopted its 14 Five-Year Plan in March.",  # a superscript "th" lost in conversion
])
def test_a_plural_number_before_a_singular_name_is_its_label(nlp: Language, text: str) -> None:
    assert counted(nlp, text) == []


def test_a_designation_with_a_spaced_hyphen_counts_nothing(nlp: Language) -> None:
    """PDF text can space out the hyphen of "SM-6"; "ISIS - 50 fighters" still counts fighters."""
    assert counted(nlp, "The battery held an SM - 6 live fire in July.") == []
    assert counted(nlp, "ISIS - 50 fighters were killed.") == [(50, "fighters")]


def test_a_number_of_years_left_unsaid_after_in_counts_nothing(nlp: Language) -> None:
    assert counted(nlp, "We import less coal than we have in fifteen.") == []


def test_the_first_day_of_a_day_range_counts_nothing(nlp: Language) -> None:
    assert counted(nlp, "Militants held the airfield between 11-13 Dec. 2016.") == []


def test_a_temperature_counts_nothing(nlp: Language) -> None:
    assert counted(nlp, "The gas is stored at -420 degrees Fahrenheit.") == []


def test_a_number_of_years_left_unsaid_counts_nothing(nlp: Language) -> None:
    """"the past three" (years) does not borrow "jobs" from the count before it."""
    assert counted(nlp, "Factories have added about 20,000 jobs over the past three.") == [(20000, "jobs")]


@pytest.mark.parametrize(("text", "unit"), [
    ("Near Kobani, one strike destroyed a fighting position.", "strike"),
    ("The air force flew one C-17 to the island.", "C-17"),
    ("One such tanker, the MV Orion, was seized in the Gulf.", "tanker"),
    ("The brigade will field one rocket battery next year.", "rocket battery"),
    ("The rebels killed one soldier at the checkpoint.", "soldier"),
    ("Uranium-235 is one of the two isotopes used in reactors.", "isotopes"),
])
def test_one_thing_taking_part_in_an_event_is_counted(nlp: Language, text: str, unit: str) -> None:
    assert (1, unit) in counted(nlp, text)


def test_occasions_are_counted_where_times_ends_the_phrase(nlp: Language) -> None:
    assert (3, "times") in counted(nlp, "The two leaders have met three times since the summit.")


@pytest.mark.parametrize("text", [
    "The top three buyers of the bonds are pension funds.",
    "The levy falls on the top one percent of earners.",
    "One out of every four farm jobs depends on exports.",
    "Annex 2 describes the inspection regime.",
])
def test_ranks_shares_and_labels_count_nothing(nlp: Language, text: str) -> None:
    assert counted(nlp, text) == []


def test_a_verb_top_before_a_number_still_counts(nlp: Language) -> None:
    assert (100, "toll") in counted(nlp, "Five people died, and the toll could top 100.")
