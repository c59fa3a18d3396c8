"""Who is an actor: the rules of ``extractors/actors.py`` as an analyst would state them.

Every sentence here is written for these tests. Each example is converted and extracted
as an ingested plain-text document would be; the pipeline is loaded once for the module.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from claimtrail.extractors.convert import convert
from claimtrail.extractors.pipeline import extract, load_pipeline
from claimtrail.schema import RawDocument


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def actors(text: str) -> list[tuple[str, str]]:
    """(surface text, canonical name) of every actor mention, in order."""
    extraction = extract(convert(RawDocument(uri="note.txt", content=text.encode())))
    return [(m.text, m.norm) for m in extraction.mentions if m.kind == "actor"]


def names(text: str) -> set[str]:
    return {norm for _, norm in actors(text)}


# Not actors ----------------------------------------------------------------------------

@pytest.mark.usefixtures("nlp")
@pytest.mark.parametrize("text", [
    "Planners want to field the Mid-Range Capability before the Golden Dome reaches orbit.",
    "The battalion trained on the Typhon system and on Patriot interceptors near the coast.",
    "Synagogues applied to the Nonprofit Security Grant Program for cameras last spring.",
    "The Annual Threat Assessment repeats what the National Defense Authorization Act required.",
    "Analysts compare the standoff with the Cuban Missile Crisis of an earlier generation.",
    "Operation Northern Lantern ended in March after months of raids.",
    "The USS Mason shot down two drones in the Red Sea.",
])
def test_weapons_programmes_documents_events_and_ships_are_not_actors(text: str) -> None:
    assert actors(text) == []


@pytest.mark.usefixtures("nlp")
def test_boilerplate_bylines_citations_and_headings_are_not_actors() -> None:
    text = (
        "What Are Hypersonic Glide Vehicles?\n\n"
        "Hezbollah moved its launchers north (see CRS Report R10001, Rockets in Lebanon, by Mara Quill).\n\n"
        "Mara Quill, Specialist in Middle Eastern Affairs\n\n"
        "Disclaimer\n\n"
        "This note is a work of the United States Government, prepared for Members of Congress."
    )
    assert names(text) == {"Hezbollah"}


# Actors the gazetteer and the patterns know -------------------------------------------

@pytest.mark.usefixtures("nlp")
def test_numbered_units_and_task_forces_are_actors() -> None:
    text = ("The 321st Field Artillery Regiment joined the 1st Multi-Domain Task Force, "
            "while CTF-50 escorted tankers; CTF 50 later handed over to Combined Task Force 50.")
    assert actors(text) == [
        ("321st Field Artillery Regiment", "321st Field Artillery Regiment"),
        ("1st Multi-Domain Task Force", "1st Multi-Domain Task Force"),
        ("CTF-50", "Combined Task Force 50"),
        ("CTF 50", "Combined Task Force 50"),
        ("Combined Task Force 50", "Combined Task Force 50"),
    ]


@pytest.mark.usefixtures("nlp")
def test_commands_missions_and_intergovernmental_bodies() -> None:
    text = ("USCENTCOM said NAVCENT ships helped; the African Union asked AMISOM and MINUSMA "
            "to share notes, and Resolute Support briefed UNAMA.")
    assert names(text) == {
        "U.S. Central Command", "U.S. Naval Forces Central Command", "African Union",
        "African Union Mission in Somalia", "United Nations Multidimensional Integrated Stabilization Mission in Mali",
        "Resolute Support Mission", "United Nations Assistance Mission in Afghanistan"}


@pytest.mark.usefixtures("nlp")
def test_news_agencies_are_sources() -> None:
    text = "Reuters and the Associated Press confirmed it; AFP, TASS and IRNA carried denials."
    assert names(text) == {"Reuters", "Associated Press", "Agence France-Presse", "TASS",
                           "Islamic Republic News Agency"}


@pytest.mark.usefixtures("nlp")
def test_a_syllable_acronym_defined_in_the_text_links_both_forms() -> None:
    text = "The Northern Watch Command (NORWATCOM) moved east. Later NORWATCOM denied it."
    assert actors(text) == [("Northern Watch Command", "Northern Watch Command"),
                            ("NORWATCOM", "Northern Watch Command"), ("NORWATCOM", "Northern Watch Command")]


# People --------------------------------------------------------------------------------

@pytest.mark.usefixtures("nlp")
def test_people_named_by_surname_after_a_full_mention() -> None:
    text = ("Prime Minister Haider al-Abadi met Kim Jong-un in the spring. "
            "Later Abadi said the talks went well, and Kim agreed.")
    assert actors(text) == [("Haider al-Abadi", "Haider al-Abadi"), ("Kim Jong-un", "Kim Jong-un"),
                            ("Abadi", "Haider al-Abadi"), ("Kim", "Kim Jong-un")]


@pytest.mark.usefixtures("nlp")
def test_surname_spellings_fold_together() -> None:
    text = "Bashar al-Assad spoke first. Assad then left, and Asad's aides stayed."
    assert {norm for _, norm in actors(text)} == {"Bashar al-Assad"}
    assert len(actors(text)) == 3


# Which body ----------------------------------------------------------------------------

@pytest.mark.usefixtures("nlp")
def test_country_qualified_institutions_stay_distinct() -> None:
    text = ("Russia's Ministry of Defence and the U.S. Department of Defense disagreed. "
            "Turkey's National Security Council met while the National Security Council in Washington waited. "
            "The Ministry of Foreign Affairs of Pakistan spoke later.")
    assert names(text) == {
        "Ministry of Defence (Russia)", "U.S. Department of Defense", "National Security Council (Turkey)",
        "U.S. National Security Council", "Ministry of Foreign Affairs (Pakistan)"}


@pytest.mark.usefixtures("nlp")
def test_a_bare_ministry_belongs_to_the_only_country_of_its_sentence() -> None:
    assert names("Pakistan condemned the bombing, the foreign ministry said.") == {
        "Ministry of Foreign Affairs (Pakistan)"}


@pytest.mark.usefixtures("nlp")
def test_affiliates_stay_distinct_from_their_parent() -> None:
    text = ("ISIS-Sinai Province (ISIS-SP) struck a checkpoint; ISIS-SP later lost ground. "
            "ISWAP and the ISIS affiliate in Mozambique grew, as did ISIS itself.")
    assert names(text) == {"Islamic State Sinai Province", "Islamic State West Africa Province",
                           "Islamic State Mozambique Province", "Islamic State"}
    assert ("ISIS", "Islamic State") in actors(text)


@pytest.mark.usefixtures("nlp")
def test_a_known_name_at_the_end_of_another_name_is_that_other_body() -> None:
    text = ("The Liberal-National Parties Coalition won the vote. Chatham House hosted a debate. "
            "Later the Coalition struck oil wells near Raqqa.")
    assert names(text) == {"Liberal-National Parties Coalition", "Chatham House", "Global Coalition to Defeat ISIS"}


def test_a_name_broken_across_a_line_break_is_one_name(nlp: Language) -> None:
    doc = nlp("Strikes were claimed by the Islamic Revolutionary\nGuard Corps on Sunday.")
    assert [(s.text, s._.norm) for s in doc.spans["actor"]] == [
        ("Islamic Revolutionary\nGuard Corps", "Islamic Revolutionary Guard Corps")]


@pytest.mark.usefixtures("nlp")
def test_a_name_before_a_lowercase_body_word_is_that_body() -> None:
    text = "The al-Furqan office moved the money, the Corvo cartel laundered it, and an American company paid."
    assert names(text) == {"al-Furqan office", "Corvo cartel"}
