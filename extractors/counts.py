"""Counts: numbers that count something, with their qualifier and counted unit.

A number becomes a count when it is written as digits or words ("400", "thirty-six",
"1.2 million", "a dozen") and is not a year or date, an ordinal, an identifier ("Flight
8969", "9/11") or a time ("1500 GMT"); the cue words for those live in
``data/not_counts.csv``. The unit is the counted noun from the dependency parse
("thirty-six counterterrorism raids" -> "counterterrorism raids"), or the noun of an
"of" phrase ("Four of these plots"). A parenthesised number after a country
("India (3)") is a breakdown that inherits the unit of the count it breaks down; a
number with no noun ("the other eleven") takes the unit of the count before it.
Durations ("two decades") are not counts of things and are dropped.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from text_to_num import text2num

from claimtrail.extractors.context import context

DATA = Path(__file__).parent / "data"
NUMBER_WORDS = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
    "eighty", "ninety", "hundred",
}
ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
DETERMINERS_BEFORE_PRONOUN_ONE = {"the", "this", "that", "which", "each", "every", "any", "no"}
VAGUE_BEFORE = {"few", "several", "many", "hundreds", "thousands", "tens"}
ANTECEDENT_WINDOW = 2  # sentences an elliptic count may look back for its unit


@dataclass(slots=True)
class CountInfo:
    value: float
    qualifier: str | None = None
    unit: str | None = None
    unit_token: int | None = None  # index of the counted noun, when the parse gives one
    country: str | None = None  # set on breakdown items: "India (3)"
    breakdown: bool = False
    antecedent: int | None = None  # start token of the count this one partitions or breaks down


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def rules() -> dict:
    numbers = read("numbers.csv")
    not_counts = read("not_counts.csv")
    units = read("units.csv")
    return {
        "phrases": {r["phrase"]: float(r["value"]) for r in numbers if r["kind"] == "word"},
        "scales": {r["phrase"]: float(r["value"]) for r in numbers if r["kind"] == "scale"},
        "qualifiers": {r["phrase"]: r["qualifier"] for r in read("qualifiers.csv")},
        "before": {r["word"] for r in not_counts if r["position"] == "before"},
        "after": {r["word"] for r in not_counts if r["position"] == "after"},
        "units": {r["word"]: r["unit"] for r in units if r["kind"] != "duration"},
        "durations": {r["word"] for r in units if r["kind"] == "duration"},
    }


def is_number(token: Token) -> bool:
    text = token.lower_
    if "/" in text or ":" in text or text.endswith(ORDINAL_SUFFIXES) and text[:1].isdigit():
        return False
    if text in NUMBER_WORDS or text in rules()["phrases"]:
        return True
    return token.like_num and (text[:1].isdigit() or text[:1] == ".") and not text.isalpha()


def number_groups(doc: Doc, blocked: set[int]) -> list[Span]:
    """Maximal runs like "thirty - six", "one hundred and twenty", "1.2 million"."""
    groups: list[Span] = []
    i = 0
    while i < len(doc):
        if i in blocked or not is_number(doc[i]):
            i += 1
            continue
        start = i
        # "a dozen": the article belongs to the number.
        if start > 0 and f"{doc[start - 1].lower_} {doc[start].lower_}" in rules()["phrases"]:
            start -= 1
        end = i + 1
        while end < len(doc) and end not in blocked:
            t = doc[end]
            if (is_number(t) and t.is_alpha and doc[end - 1].is_alpha) or t.lower_ in rules()["scales"]:
                end += 1
            elif t.text in {"-", "and"} and end + 1 < len(doc) and doc[end + 1].is_alpha \
                    and doc[end - 1].is_alpha and is_number(doc[end + 1]) and doc[end + 1].lower_ != "one" or \
                    t.text == "-" and end + 1 < len(doc) and doc[end + 1].lower_ in NUMBER_WORDS and doc[end - 1].is_alpha:
                end += 2
            else:
                break
        groups.append(doc[start:end])
        i = end
    return groups


def value_of(group: Span) -> float | None:
    r = rules()
    words = [t.lower_ for t in group]
    scale = 1.0
    while words and words[-1] in r["scales"] and len(words) > 1:
        scale *= r["scales"][words.pop()]
    text = " ".join(words).replace(" - ", "-")
    if text in r["phrases"]:
        return r["phrases"][text] * scale
    if text[:1].isdigit() or text[:1] == ".":
        try:
            return float(text.replace(",", "")) * scale
        except ValueError:
            return None
    try:
        return float(text2num(text, "en")) * scale
    except ValueError:
        return None


def qualifier_of(doc: Doc, start: int) -> str | None:
    r = rules()["qualifiers"]
    for width in (3, 2, 1):
        if start - width >= 0:
            phrase = " ".join(t.lower_ for t in doc[start - width : start])
            if phrase in r:
                return r[phrase]
    return None


def unit_phrase(noun: Token, after: int) -> str:
    """The counted noun with the common-noun compounds that sit between number and noun."""
    words = [noun]
    for child in reversed(list(noun.lefts)):
        if child.i > after and child.dep_ == "compound" and child.pos_ == "NOUN" and child.i == words[0].i - 1:
            words.insert(0, child)
    return " ".join(t.lower_ if t.pos_ != "PROPN" else t.text for t in words)


def counted_noun(group: Span) -> Token | None:
    last = group[-1]
    head = last.head
    if last.dep_ in {"nummod", "quantmod", "amod", "compound"} and head.pos_ in {"NOUN", "PROPN"} and head.i > last.i:
        return head
    for child in last.rights:
        if child.lower_ == "of":
            nouns = [t for t in child.rights if t.dep_ == "pobj" and t.pos_ in {"NOUN", "PROPN"}]
            if nouns:
                return nouns[0]
    return None


def breakdown_country(doc: Doc, group: Span, countries: dict[int, Span]) -> Span | None:
    """The country of "India (3)": the group sits alone in brackets after a country."""
    if group.start < 2 or group.end >= len(doc):
        return None
    if doc[group.start - 1].text != "(" or doc[group.end].text != ")":
        return None
    return countries.get(group.start - 1)


def governing(group: Span, earlier: list[Span], sentence_number: dict[int, int]) -> tuple[str | None, Span | None]:
    """Unit of a breakdown, and the count it breaks down when there is one: that count in
    the same sentence, else the main verb's object, else the count of the sentence before
    ("at least 21 plots. They were spread across Germany (8), ...")."""
    sent = group.sent
    for span in reversed(earlier):
        info: CountInfo = span._.count
        if span.sent == sent and info.unit and not info.breakdown:
            return info.unit, span
    for token in sent:
        if token.dep_ in {"dobj", "nsubjpass"} and token.pos_ == "NOUN":
            return unit_phrase(token, token.i - 1), None
    before = antecedent(group, [s for s in earlier if not s._.count.breakdown], sentence_number)
    return (before._.count.unit, before) if before is not None else (None, None)


def antecedent(group: Span, earlier: list[Span], sentence_number: dict[int, int]) -> Span | None:
    """The count "the other eleven" refers to: the last one with a counted noun, if near."""
    here = sentence_number[group.sent.start]
    for span in reversed(earlier):
        info: CountInfo = span._.count
        if here - sentence_number[span.sent.start] >= ANTECEDENT_WINDOW:
            return None
        if info.unit and info.unit not in rules()["units"].values():
            return span
    return None


def range_partner(doc: Doc, group: Span, following: Span | None) -> Span | None:
    """The other end of "30,000-50,000 troops" or "$7.7 and $14.4 billion"."""
    if following is None:
        return None
    between = [t.text for t in doc[group.end : following.start]]
    return following if between in (["-"], ["–"], ["to"], ["and"], ["or"], ["-", "$"], ["and", "$"],
                                     ["to", "$"], ["–", "$"]) else None


def table_unit(doc: Doc, text: str, group: Span) -> str | None:
    """In a table row ("Germany | 5"), the counted thing is the column's header ("Plots")."""
    ctx = context(doc)
    block = ctx.block_at(group.start_char)
    if block is None or block.kind != "table_row":
        return None
    header = block
    for other in reversed(ctx.blocks[: ctx.index_of(block)]):
        if other.kind != "table_row":
            break
        header = other
    if header is block:
        return None
    column = text[block.start_char : group.start_char].count(" | ")
    cells = text[header.start_char : header.end_char].split(" | ")
    if column >= len(cells) or not cells[column].strip() or any(c.isdigit() for c in cells[column]):
        return None
    return cells[column].strip().lower()


@Language.component("claimtrail_counts")
def counts(doc: Doc) -> Doc:
    r = rules()
    blocked = {t.i for key in ("date", "actor") for s in doc.spans.get(key, []) for t in s}
    countries = {s.end: s for s in doc.spans.get("country", [])}
    sentence_number = {sent.start: n for n, sent in enumerate(doc.sents)}
    text = doc.text  # spaCy rebuilds Doc.text on every read: once per document
    found: list[Span] = []
    groups = number_groups(doc, blocked)
    for k, group in enumerate(groups):
        partner = range_partner(doc, group, groups[k + 1] if k + 1 < len(groups) else None)
        before = doc[group.start - 1] if group.start else None
        after = doc[group.end] if group.end < len(doc) else None
        if before is not None and (before.lower_ in r["before"] or before.text == "#"):
            continue
        if after is not None and after.lower_ in r["after"]:
            continue
        if group.text.lower() == "one" and before is not None and before.lower_ in DETERMINERS_BEFORE_PRONOUN_ONE:
            continue
        if before is not None and before.lower_ in VAGUE_BEFORE:
            continue  # "a few hundred", "several thousand": no number is stated
        if before is not None and before.lower_ in {"a", "an", "the"} and after is not None \
                and after.text == "-" and not group[-1].whitespace_:
            continue  # "a one-way attack drone", "a 10-point plan": a modifier, not a count
        value = value_of(group)
        if value is None:
            continue
        if partner is not None and partner[-1].lower_ in r["scales"] and group[-1].lower_ not in r["scales"]:
            value *= r["scales"][partner[-1].lower_]  # "$7.7 and $14.4 billion"
        info = CountInfo(value=value, qualifier=qualifier_of(doc, group.start))
        country = breakdown_country(doc, group, countries)
        noun = counted_noun(group) or (counted_noun(partner) if partner is not None else None)
        if country is not None:
            info.breakdown, info.country = True, country._.norm
            info.unit, total = governing(group, found, sentence_number)
            info.antecedent = total.start if total is not None else None
        elif before is not None and before.lower_ in r["units"]:
            info.unit = r["units"][before.lower_]
        elif after is not None and after.lower_ in r["units"]:
            info.unit, info.unit_token = r["units"][after.lower_], after.i
        elif noun is not None:
            if noun.lower_ in r["durations"] or noun.lemma_.lower() in r["durations"]:
                continue
            info.unit, info.unit_token = unit_phrase(noun, group.end - 1), noun.i
        elif (unit := table_unit(doc, text, group)) is not None:
            info.unit = unit
        else:
            before = antecedent(group, found, sentence_number)
            if before is None:
                continue
            info.unit, info.antecedent = before._.count.unit, before.start
        span = Span(doc, group.start, group.end, label="count")
        span._.norm = f"{value:g}" if value < 1e15 else str(value)
        span._.count = info
        found.append(span)
    doc.spans["count"] = found
    return doc
