"""The period and the actor a claim carries when the sentence does not spell them out next
to the count: a dateline before the subject, a common noun standing for a name given
earlier, "its" standing for the group just named, a small clause of a participle.

Plain calls of the extraction pipeline on short texts of our own (one block per line).
"""

from __future__ import annotations

from claimtrail.extractors.pipeline import extract
from claimtrail.schema import Block, Claim, ConvertedDocument


def document(text: str) -> ConvertedDocument:
    """One paragraph per line, dated mid-2024 so that "On 3 May" has a year."""
    blocks, offset = [], 0
    for line in text.split("\n"):
        if line:
            blocks.append(Block("list_item" if line.startswith("- ") else "paragraph", offset, offset + len(line)))
        offset += len(line) + 1
    return ConvertedDocument(text=text, media_type="text/plain", blocks=blocks, published="2024-06-01")


def claim(text: str, value: float) -> Claim:
    [found] = [c for c in extract(document(text)).claims if c.value == value]
    return found


# Actor -------------------------------------------------------------------------------

def test_a_dateline_before_the_subject_is_not_the_doer() -> None:
    text = "KABUL, Afghanistan - NATO forces carried out 14 raids against Taliban positions, officials said."
    assert claim(text, 14).actor == "NATO"


def test_a_common_noun_stands_for_the_name_the_document_gave_in_full() -> None:
    text = ("The U.S. Army opened a new training range in Texas last year.\n"
            "This spring the Army is requesting $85 million for two more ranges.")
    assert claim(text, 85e6).actor == "U.S. Army"


def test_a_qualifying_common_noun_stands_for_the_name_too() -> None:
    text = ("Coalition military forces struck targets near Mosul in May.\n"
            "Later, coalition helicopters flew 40 sorties over the valley.")
    assert claim(text, 40).actor == "Global Coalition to Defeat ISIS"


def test_a_common_noun_naming_two_different_actors_earlier_stays_unresolved() -> None:
    text = ("The U.S. Army and the Nigerian Army met in Abuja.\n"
            "The Army then bought 12 trucks.")
    assert claim(text, 12).actor is None


def test_its_members_are_the_group_named_just_before() -> None:
    text = "Boko Haram remains active near Lake Chad. On 2 May its fighters burned 30 houses in a village."
    assert claim(text, 30).actor == "Boko Haram"


def test_the_wounded_of_a_participle_clause_share_the_doer_of_the_attack() -> None:
    text = "On 4 April, al-Shabaab fighters stormed a hotel in Mogadishu, leaving nearly 20 dead and more than 35 wounded."
    assert (claim(text, 35).actor, claim(text, 35).date_start) == ("al-Shabab", "2024-04-04")


# Period ------------------------------------------------------------------------------

def test_the_date_a_sentence_opens_with_frames_every_coordinated_clause() -> None:
    text = "As of 1 March 2024, 40 ships had joined the first program, and 7 had joined the second."
    assert (claim(text, 40).date_start, claim(text, 7).date_start) == ("2024-03-01", "2024-03-01")


def test_a_date_qualifying_the_subject_dates_the_clause() -> None:
    text = "The FY2023 training plan called for 900 new instructors."
    assert claim(text, 900).date_start == "2022-10-01"  # a fiscal year starts in October


def test_a_date_naming_a_document_does_not_date_the_count() -> None:
    text = "Local police will receive $12 million from the 2021 infrastructure law."
    assert claim(text, 12e6).date_start is None


def test_a_date_of_the_cited_source_does_not_date_the_count() -> None:
    text = "According to FY2025 budget documents, in FY2024 the agency spent $7 million on training."
    assert claim(text, 7e6).date_start == "2023-10-01"


def test_amounts_listed_after_the_first_share_its_clause() -> None:
    text = "The U.S. Army has also requested $4 million for vehicles, $2.2 million for fuel, and $0.8 million for training."
    assert [c.actor for c in extract(document(text)).claims] == ["U.S. Army"] * 3


def test_a_date_of_what_the_source_said_still_dates_the_count() -> None:
    text = "The group could build one bomb within a month, according to a ministry official in May 2023."
    assert claim(text, 1).date_start == "2023-05-01"


def test_a_count_deep_in_a_nominal_phrase_belongs_to_the_clause_above() -> None:
    text = "Boko Haram attacked several villages, resulting in the deaths of 120 farmers and the displacement of 4,000 residents."
    assert [c.actor for c in extract(document(text)).claims] == ["Boko Haram", "Boko Haram"]
