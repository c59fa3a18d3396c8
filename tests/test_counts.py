"""Counts: which numbers count things, and what they count (issue 9, sections 1 and 4).

A count is a number of things in the world. Identifiers, designations, page furniture,
list markers, the days of a date and years are numbers too, but count nothing; the rules
recognise each for the kind of language it is. The sentences are our own wording.
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


def counted(nlp: Language, text: str) -> list[tuple[float, str | None]]:
    doc = nlp(text)  # spans live only as long as their Doc
    return [(s._.count.value, s._.count.unit) for s in doc.spans["count"]]


@pytest.mark.parametrize("text", [
    # legal and document identifiers
    "The rule follows P.L. 117-81 and Public Law 118-31, as amended.",
    "It cites § 401, §2301 and 46 U.S.C. 53103(d) of the code.",
    "The President signed E.O. 14347 and Executive Order 14350 after UNSCR 2231 lapsed.",
    "The Senate passed S. 1234 and the House passed H.R. 2670.",
    "See Section 1202, Article 5 and Rule 10 of the charter.",
    "Revised edition: IF12760v7 (Version: 14).",
    "Members may codify DODD 3000.09 in the next bill.",
    "Bills were filed in the 118 Congress.",
    "Work on Pillar 2 objectives of the pact continued.",
    # file sizes and page furniture
    "Download PDF (413KB) | Version History",
    "Materials ........ 3",
    "17",
    "The 1 st battalion joined the 3 rd brigade.",
    "Raids were reported in the north.12 Officials denied it.",
    "14 See the annual report of the ministry for details.",
    # coordinates, phone numbers, times, dates, designations, list markers, ordinals, years
    "The site lies at 33.3152, 44.3661 near the river.",
    "Call the desk on 202-555-0143 before noon.",
    "The convoy left at 0600 local time.",
    "The talks of October 7-8 ended without a deal.",
    "The navy fired SM-6 interceptors while Su-25 jets and a C-17 flew over.",
    "The drones were Shahed-136 and MQ-9 models, escorted by Type 055 destroyers.",
    "The plan has aims: (1) deter, (2) defend and (3) rebuild.",
    "The third convoy arrived in 2019.",
    "Adults aged 30 and children under age 12 were screened.",
    # numbers that size a modifier or belong to an idiom
    "The minister presented a 12-point plan and Iran's 10 point proposal.",
    "Nearly two-thirds of the board resigned, one by one.",
    "One of the worst choices was made early.",
    # shares and labels
    "One in 10 residents still cannot find work, and seven in ten call the city home.",
    "The new forum replaced the earlier 3+1 initiative.",
])
def test_numbers_that_count_nothing_make_no_count(nlp: Language, text: str) -> None:
    assert counted(nlp, text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("The number of displaced families is approximately 3,100.", [(3100, "families")]),
    ("The blast killed two and left nearly 80 dead.", [(2, "killed"), (80, "dead")]),
    ("Officials reported 900 dead after the flood.", [(900, "dead")]),
    ("By evening, casualties had risen to 45.", [(45, "casualties")]),
])
def test_a_number_written_after_what_it_counts(nlp: Language, text: str, expected: list) -> None:
    assert counted(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The Army fields five regionally aligned Multi-Domain Task Forces.", [(5, "Task Forces")]),
    ("Crews capped three oil well heads overnight.", [(3, "well heads")]),
    ("The base received one C-17 Globemaster III in March.", [(1, "C-17")]),
    ("The group posted 12 Tajik-language videos.", [(12, "videos")]),
    ("Pyongyang shipped 120 KN-23 missiles.", [(120, "missiles")]),
    ("The fleet carries around 1,500 deployed strategic warheads.", [(1500, "warheads")]),
])
def test_the_unit_is_the_head_of_the_counted_phrase(nlp: Language, text: str, expected: list) -> None:
    assert counted(nlp, text) == expected


def test_qualifiers_reach_across_currency_signs(nlp: Language) -> None:
    doc = nlp("It costs approximately $274.5 million, nearly €3 billion and more than 40 percent of the budget.")
    assert [(s._.count.value, s._.count.unit, s._.count.qualifier) for s in doc.spans["count"]] == [
        (274_500_000, "USD", "about"), (3_000_000_000, "EUR", "nearly"), (40, "percent", "more than")]


def test_a_nationality_before_a_bracketed_number_is_not_a_list_marker(nlp: Language) -> None:
    found = counted(nlp, "Police arrested 40 men: Tajik (30) and Uzbek (10) nationals.")
    assert [value for value, _ in found] == [40, 30, 10]


def table_counts(text: str) -> list[tuple[float, str | None]]:
    extraction = extract(convert(RawDocument(uri="table.md", content=text.encode())))
    return [(c.value, c.unit) for c in extraction.claims]


def test_a_table_counts_only_what_its_header_names() -> None:
    header = "# Incidents\n\n| Province | {} |\n| --- | --- |\n| Kandahar | 14 |\n| Helmand | 9 |\n"
    assert table_counts(header.format("Attacks")) == [(14, "attacks"), (9, "attacks")]
    assert table_counts(header.format("Grid code")) == []
