"""Who, where, when and how sure: what a claim attaches to its count, rule by rule.

Plain calls of the extraction pipeline on short texts of our own; a line starting with
"- " is a list item, as the converters mark bullets, and one without a full stop a heading.
"""

from __future__ import annotations

import pytest

from claimtrail.extractors.pipeline import extract
from claimtrail.schema import Block, Claim, ConvertedDocument


def document(text: str) -> ConvertedDocument:
    """One block per line: "- " lines are list items, lines without a full stop headings, the rest paragraphs."""
    blocks, offset = [], 0
    for line in text.split("\n"):
        kind = "list_item" if line.startswith("- ") else "paragraph" if "." in line or ":" in line else "heading"
        if line:
            blocks.append(Block(kind, offset, offset + len(line)))
        offset += len(line) + 1
    return ConvertedDocument(text=text, media_type="text/plain", blocks=blocks, published="2024-06-01")


def claims(text: str) -> list[Claim]:
    return extract(document(text)).claims


def claim(text: str, value: float) -> Claim:
    [found] = [c for c in claims(text) if c.value == value]
    return found


# Actor: the doer of the count's verb ----------------------------------------------------

def test_the_subject_of_the_verb_is_the_actor() -> None:
    assert claim("The Space Force has requested $1.9 billion for launch services.", 1.9e9).actor == "U.S. Space Force"  # the gazetteer's canonical name


def test_the_name_heading_the_subject_wins_over_its_possessor() -> None:
    text = "ISKP's al-Azaim Media Foundation released 60 videos in 2024."
    assert claim(text, 60).actor == "al-Azaim Media Foundation"


def test_the_passive_by_agent_is_the_actor() -> None:
    assert claim("Five soldiers were killed by al-Shabaab near Mogadishu.", 5).actor == "al-Shabab"


def test_coordinated_verbs_share_their_subject() -> None:
    text = "The Taliban conducted 12 raids and arrested 40 suspects."
    assert [(c.value, c.actor) for c in claims(text)] == [(12, "Taliban"), (40, "Taliban")]


def test_the_subject_beats_an_actor_qualifying_the_counted_noun() -> None:
    text = "The Taliban killed 27 ISKP members in a single month."
    assert claim(text, 27).actor == "Taliban"


def test_a_verb_reporting_the_clause_lends_its_subject() -> None:
    text = "Europol reported flagging more than 3,000 items of propaganda during 2023."
    assert claim(text, 3000).actor == "Europol"


def test_it_in_a_reported_clause_is_the_reporter() -> None:
    text = "Hamas said in a statement that it had fired 40 rockets."
    assert claim(text, 40).actor == "Hamas"


def test_a_relative_pronoun_stands_for_the_name_it_follows() -> None:
    text = "The ISIS affiliate is led by Hezbollah, which fired 40 rockets at Haifa."
    assert claim(text, 40).actor == "Hezbollah"


def test_according_to_names_the_source_when_the_clause_has_no_doer() -> None:
    text = "According to the United Nations, 300 children were displaced in Syria in 2022."
    found = claim(text, 300)
    assert (found.actor, found.modality) == ("United Nations", "reported")


def test_a_list_item_takes_the_actor_of_its_lead_sentence() -> None:
    text = ("Hezbollah fired rockets at the following towns:\n"
            "- Near Haifa, 12 rockets hit houses.\n"
            "- Near Safed, 4 rockets hit a school.")
    assert [(c.value, c.actor) for c in claims(text)] == [(12, "Hezbollah"), (4, "Hezbollah")]


def test_the_group_stands_for_the_one_actor_just_named_but_the_two_groups_for_none() -> None:
    assert claim("Hezbollah rebuilt its depots. That group then fired 40 rockets.", 40).actor == "Hezbollah"
    assert claim("Hezbollah and its allies were weakened. The two groups lost 40 fighters.", 40).actor is None


def test_a_count_with_no_named_doer_has_no_actor() -> None:
    assert claim("Four gunmen stormed the venue and killed 140 people.", 140).actor is None


# Country: where it happened ---------------------------------------------------------------

def test_the_location_phrase_places_the_count_not_the_actor_nationality() -> None:
    assert claim("Iraqi security forces killed 20 fighters in Syria.", 20).country == "SYR"


def test_a_nationality_alone_places_nothing() -> None:
    assert claim("Russian forces fired 40 missiles overnight.", 40).country is None


def test_a_town_places_the_count_in_the_country_the_document_names() -> None:
    text = "Coalition forces conducted 5 strikes near Tadmur, and Syria condemned them."
    assert claim(text, 5).country == "SYR"


def test_a_large_town_after_a_locative_word_needs_no_other_context() -> None:
    assert claim("Coalition forces conducted 5 strikes near Raqqa.", 5).country == "SYR"
    assert claim("Three rockets hit a base in Kandahar.", 3).country == "AFG"  # not the small Indian namesake


def test_a_province_is_placed_by_the_country_the_document_names() -> None:
    assert claim("The army of Nigeria is stretched. Militants killed 30 soldiers in Borno.", 30).country == "NGA"
    assert claim("Militants killed 30 soldiers in Borno.", 30).country is None


def test_a_town_with_namesakes_of_similar_size_stays_unplaced() -> None:
    assert claim("Police detained 12 people in Reading.", 12).country is None  # England or Pennsylvania


def test_a_list_item_takes_the_country_of_its_lead_sentence() -> None:
    text = ("Government troops in Mali conducted these operations:\n"
            "- 12 raids on markets.\n"
            "- 4 raids on camps.")
    assert [(c.value, c.country) for c in claims(text)] == [(12, "MLI"), (4, "MLI")]


def test_a_section_under_a_country_heading_is_in_that_country() -> None:
    text = "Iraq\nNear the border, two strikes destroyed a bridge."
    assert claim(text, 2).country == "IRQ"


# Period: the date that governs the clause --------------------------------------------------

def test_a_temporal_phrase_of_the_verb_dates_the_count() -> None:
    text = "In March 2023, the army said that rebels had burned 30 villages."
    assert claim(text, 30).date_start == "2023-03-01"


def test_a_date_of_another_clause_does_not_date_the_count() -> None:
    text = "The court refused to release ten prisoners after the rebels claimed the January 2019 bombing."
    assert claim(text, 10).date_start is None


def test_a_date_identifying_a_document_dates_nothing() -> None:
    text = "The order, dated September 5, 2025, sets aside $370 million for border security."
    assert claim(text, 370e6).date_start is None


def test_a_citation_in_brackets_dates_nothing_but_a_bare_date_in_brackets_does() -> None:
    assert claim("The law (Public Law 118-31, 2023) funds 40 patrol boats.", 40).date_start is None
    assert claim("Pyongyang sent 90 soldiers to Russia (August 2026).", 90).date_start == "2026-08-01"


def test_a_list_item_takes_the_period_of_its_lead_sentence() -> None:
    text = ("In 2023 the police made these arrests:\n"
            "- 12 arrests in Ankara.\n"
            "- 4 arrests in Izmir.")
    assert [(c.value, c.date_start) for c in claims(text)] == [(12, "2023-01-01"), (4, "2023-01-01")]


def test_a_paragraph_opening_with_a_date_dates_its_undated_sentences() -> None:
    text = "On 8 January 2024, the army conducted 34 strikes. In the north, it conducted 23 strikes."
    assert [(c.value, c.date_start) for c in claims(text)] == [(34, "2024-01-08"), (23, "2024-01-08")]


# Modality ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "modality"), [
    ("The rebels reportedly burned 30 villages.", "reported"),
    ("The rebels allegedly burned 30 villages.", "reported"),
    ("The rebels claimed to have burned 30 villages.", "reported"),
    ("The rebels are said to have burned 30 villages.", "reported"),
    ("The rebels are believed to have burned 30 villages.", "reported"),
    ("The rebels burned 30 villages, the governor said.", "reported"),
    ("The rebels burned 30 villages.", "asserted"),
    ("The rebels did not burn 30 villages.", "negated"),
    ("If the rebels burned 30 villages, aid would stop.", "hypothetical"),
])
def test_modality(text: str, modality: str) -> None:
    assert claim(text, 30).modality == modality
