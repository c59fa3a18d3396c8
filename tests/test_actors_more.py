"""More of who is an actor (round 2): programmes, places, ships, bylines and series are
not; numbered units by acronym, named ministries, embassies and rulers are.

Every sentence here is written for these tests; each is converted and extracted as an
ingested plain-text document would be.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from claimtrail.extractors.convert import convert
from claimtrail.extractors.pipeline import extract, load_pipeline
from claimtrail.schema import RawDocument


@pytest.fixture(scope="module", autouse=True)
def nlp() -> Language:
    return load_pipeline()


def names(text: str) -> set[str]:
    extraction = extract(convert(RawDocument(uri="note.txt", content=text.encode())))
    return {m.norm for m in extraction.mentions if m.kind == "actor"}


@pytest.mark.parametrize("text", [
    "The Forward Sensor Architecture and the Deep Strike Weapon were funded last year.",
    "Crews flew from Joint Base Ridgeway and Kessler SFB to the coast.",
    "Three vessels were hit: the cargo carrier Ocean Beacon, container ships Blue Heron and "
    "Coral Spire, and tankers Delta Star and Nord Vega. One such vessel, the Delta Star, later sank.",
    "Anna K. Brill, Analyst in Naval Policy Peter O. Lund, Specialist in Maritime Affairs",
    "Funds go to Strategic Command, Control, and Communications (SC3) lines.",
    "The money came from the spending law (P.L. 120-4, Division C) last March.",
    "The Marduk Gate has stood at the entrance of the old city for centuries.",
    "Source: Adapted from Northern Fleet Headquarters Staff, May 2, 2021.",
])
def test_programmes_places_ships_bylines_and_cut_series_are_not_actors(text: str) -> None:
    assert names(text) == set()


def test_a_name_built_on_a_things_acronym_is_a_thing() -> None:
    text = ("The Army tested the Long-Range Sensor (LRS) last spring. "
            "The Vega LRS and two LRS units moved to the island.")
    assert "Vega LRS" not in names(text) and "LRS units" not in names(text)


def test_a_number_before_a_units_acronym_names_one_unit() -> None:
    text = ("The Army fields five Long-Range Task Forces (LRTFs). "
            "Soldiers of the 2 LRTF fired the launcher; the 3rd LRTF watched.")
    assert {"2nd Long-Range Task Force", "3rd Long-Range Task Force"} <= names(text)


def test_a_body_cut_in_two_by_the_ner_across_and_is_one_body() -> None:
    text = "The Army’s Rapid Capabilities and Advanced Systems Office tested a new launcher."
    assert "Rapid Capabilities and Advanced Systems Office" in names(text)


def test_named_ministries_embassies_and_rulers_are_actors() -> None:
    text = ("The Polish Ministry of Cultural Heritage and the U.S. Embassy grant of $40,000 will "
            "restore the palace built under King Sigismund III. The Navy sent a band.")
    assert {"Ministry of Cultural Heritage (Poland)", "Embassy (United States)",
            "Navy"} <= names(text)
    assert any("Sigismund III" in name for name in names(text))
