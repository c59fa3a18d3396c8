"""Counts: numbers that count something, with their qualifier and counted unit.

A number becomes a count when it is written as digits or words ("400", "thirty-six",
"1.2 million", "a dozen") and is not something else: a year or date, an ordinal, an
identifier ("Flight 8969", "P.L. 117-81", "C-17"), a time ("1500 GMT"), page furniture
or a list marker (``identifiers.reason``, cue words in ``data/not_counts.csv``). The
unit is the head of the counted noun phrase from the dependency parse ("thirty-six
counterterrorism raids" -> "counterterrorism raids", "three oil well heads" -> "well
heads", "one C-17 Globemaster III" -> "C-17"), or the noun of an "of" phrase ("Four of
these plots"). A number written after what it counts takes that as its unit: the
noun a total stands for ("the number of refugees is 3,100"), the subject of a verb of
change ("casualties rose to 45"), a casualty word ("900 dead", "killed two"); these cue
words live in ``data/count_cues.csv``. A number that only modifies another modifier
("a 10-point plan") counts nothing. A parenthesised number after a country
("India (3)") is a breakdown that inherits the unit of the count it breaks down; a
number with no noun ("the other eleven") takes the unit of the count before it.
Durations ("two decades") are not counts of things and are dropped, and so are the
numbers of a sentence that defines how to count ("A strike, as defined, means one or more
events"; cue words in ``data/not_counts.csv``), and so are number words in a sense that
counts nothing: the indefinite "one" ("at one point", "one of the leading ..."), a
multiplier ("five times the target"), a period left unsaid ("over the past three"); see
``senses``. A number before a singular name labels it ("3 Field Artillery Regiment"). A number alone in a
table cell counts what its column, corner cell or caption names (``tables``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from text_to_num import text2num

from claimtrail.extractors.context import text_of
from claimtrail.extractors import senses, tables
from claimtrail.extractors.gazetteer import read_csv
from claimtrail.extractors.identifiers import cues, is_designation, reason

NUMBER_WORDS = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
    "eighty", "ninety", "hundred",
}
ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
DETERMINERS_BEFORE_PRONOUN_ONE = {"the", "this", "that", "which", "each", "every", "any", "no", "not"}
VAGUE_BEFORE = {"few", "several", "many", "hundreds", "thousands", "tens"}
RIGHT_WINDOW = 4  # tokens a counted noun may sit past the number behind modifiers
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


@lru_cache(maxsize=1)
def rules() -> dict:
    numbers = read_csv("numbers.csv")
    units = read_csv("units.csv")
    count_cues = read_csv("count_cues.csv")
    return {
        "phrases": {r["phrase"]: float(r["value"]) for r in numbers if r["kind"] == "word"},
        "scales": {r["phrase"]: float(r["value"]) for r in numbers if r["kind"] == "scale"},
        "qualifiers": {r["phrase"]: r["qualifier"] for r in read_csv("qualifiers.csv")},
        "units": {r["word"]: r["unit"] for r in units if r["kind"] != "duration"},
        "durations": {r["word"] for r in units if r["kind"] == "duration"},
        "glued": {w for w in (*(r["word"] for r in units), *(r["phrase"] for r in numbers)) if w.isalpha()},
        **{role: {r["word"]: r["unit"] for r in count_cues if r["role"] == role}
           for role in ("total", "change", "casualty")},
    }


def is_number(token: Token) -> bool:
    text = token.lower_
    if "/" in text or ":" in text or text.endswith(ORDINAL_SUFFIXES) and text[:1].isdigit():
        return False
    if text in NUMBER_WORDS or text in rules()["phrases"]:
        return True
    return token.like_num and (text[:1].isdigit() or text[:1] == ".") and not text.isalpha()


def scale_word(word: str) -> str | None:
    """The scale a word names: "million", also with a table's footnote mark glued on
    ("$454 millionb")."""
    scales = rules()["scales"]
    if word in scales:
        return word
    return word[:-1] if len(word) > 5 and word[:-1] in scales else None


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
            if (is_number(t) and t.is_alpha and doc[end - 1].is_alpha) or scale_word(t.lower_):
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
    while words and scale_word(words[-1]) and len(words) > 1:
        scale *= r["scales"][scale_word(words.pop())]
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
    """"more than 40", and across a currency sign: "approximately $274.5 million"."""
    r = rules()["qualifiers"]
    if start > 0 and doc[start - 1].lower_ in rules()["units"]:
        start -= 1
    for width in (3, 2, 1):
        if start - width >= 0:
            phrase = " ".join(t.lower_ for t in doc[start - width : start])
            if phrase in r:
                return r[phrase]
    return None


def unit_phrase(noun: Token, after: int) -> str:
    """The counted noun with the compounds that sit between number and noun: common nouns
    ("counterterrorism raids"), or names before a name ("Task Forces"); not the word of a
    hyphenated modifier ("Tajik-language videos" -> "videos")."""
    words = [noun]
    for child in reversed(list(noun.lefts)):
        if child.i > after and child.dep_ == "compound" and child.i == words[0].i - 1 \
                and (child.pos_ == "NOUN" or child.pos_ == noun.pos_ == "PROPN") \
                and child.nbor(-1).text != "-" and not (child.i + 1 < len(child.doc) and child.nbor().text == "-"):
            words.insert(0, child)
    return " ".join(t.lower_ if t.pos_ != "PROPN" else t.text for t in words)


def head_noun(noun: Token) -> Token:
    """The head of a run of compounds: "oil" of "three oil well heads" -> "heads"."""
    while noun.dep_ == "compound" and noun.head.i > noun.i and noun.head.pos_ in {"NOUN", "PROPN"}:
        noun = noun.head
    return noun


def counted_noun(group: Span) -> Token | None:
    last = group[-1]
    head = last.head
    if last.dep_ in {"nummod", "quantmod", "amod", "compound"} and head.i > last.i \
            and (head.pos_ in {"NOUN", "PROPN"} or is_designation(head)):  # "one C-17", tagged a foreign word
        return head_noun(head)
    for child in last.rights:
        if child.lower_ == "of":
            nouns = [t for t in child.rights if t.dep_ == "pobj" and t.pos_ in {"NOUN", "PROPN"}]
            if nouns:
                return nouns[0]
    return plural_to_the_right(group)


def plural_to_the_right(group: Span) -> Token | None:
    """The parser can miss what a number counts across a participle: "around 1,770
    deployed nuclear warheads". Take the next plural noun past modifiers only."""
    for token in group.doc[group.end : group.end + RIGHT_WINDOW]:
        if token.tag_ == "NNS":
            return head_noun(token)
        if token.pos_ not in {"ADJ", "ADV"} and token.tag_ not in {"VBN", "VBD"}:
            return None
    return None


def modifies_a_modifier(group: Span, noun: Token, value: float) -> bool:
    """"a 10-point plan", "Iran's 15 point proposal": the number sizes a modifier of
    another noun; it counts nothing in the world."""
    doc = group.doc
    if group.end + 1 < len(doc) and doc[group.end].text == "-" and not group[-1].whitespace_:
        return doc[group.end + 1].tag_ in {"NN", "JJ"}  # "one-way attack drones", "a 30-day truce"
    return value != 1 and noun.tag_ == "NN" and any(t.dep_ == "compound" and t.tag_ == "NN" for t in doc[group.end : noun.i])


def counts_no_thing(group: Span, noun: Token, value: float) -> bool:
    """A number before one named thing labels it ("the 119 Congress", "3 Field Artillery
    Regiment": a plural number cannot count a singular name); "one of the worst decisions"
    picks one out of a superlative, it counts nothing."""
    if value != 1 and noun.tag_ == "NNP" and all(t.text[:1].isupper() or t.text in "-–" for t in group.doc[group.end : noun.i + 1]):
        return True
    of = group.doc[group.end] if group.end < len(group.doc) else None
    return value == 1 and of is not None and of.lower_ == "of" and noun.head.i == of.i \
        and any(t.tag_ == "JJS" or t.lower_ == "most" for t in noun.subtree if t.i < noun.i)


def designation(group: Span, noun: Token) -> str | None:
    """"one C-17 Globemaster III": what is counted is the designated model, "C-17" (but
    "120 KN-23 missiles" counts missiles)."""
    if noun.pos_ != "PROPN" and not is_designation(noun):
        return None
    for token in group.doc[group.end : noun.i + 1]:
        if is_designation(token):
            return token.text
    return None


def unit_after(group: Span) -> tuple[str, int | None] | None:
    """The unit of a number written after what it counts: "900 dead", "killed two",
    "the number of refugees is approximately 3,100", "casualties rose to 45"."""
    r = rules()
    last = group[-1]
    doc = group.doc
    if group.end < len(doc) and (doc[group.end].lower_ in r["casualty"] or doc[group.end].lemma_ in r["casualty"]):
        after = doc[group.end]
        return r["casualty"].get(after.lower_) or r["casualty"][after.lemma_], after.i
    verb = last.head
    if last.dep_ == "pobj" and verb.dep_ == "prep" and verb.lower_ in {"to", "at"}:
        verb = verb.head  # "rose to 45", "stood at 45"
    elif last.dep_ not in {"dobj", "attr"}:
        return None
    if verb.lemma_ in r["casualty"] and last.dep_ == "dobj":
        return r["casualty"][verb.lemma_], None
    if verb.lemma_ != "be" and verb.lemma_ not in r["change"]:
        return None
    subjects = [t for t in verb.lefts if t.dep_ in {"nsubj", "nsubjpass"} and t.pos_ == "NOUN"]
    if not subjects:
        return None
    subject = subjects[0]
    if subject.lemma_ in r["total"]:
        counted = [t for p in subject.rights if p.lower_ == "of" for t in p.rights if t.dep_ == "pobj" and t.pos_ == "NOUN"]
        subject = counted[0] if counted else subject  # "the death toll rose to 45": the toll itself
    elif subject.tag_ != "NNS" or verb.lemma_ == "be":
        return None  # "the cost was 5": only plural things rise or fall in number
    return unit_phrase(subject, subject.left_edge.i - 1), subject.i


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


def is_phrase_not_count(doc: Doc, group: Span) -> bool:
    """Numbers in phrases that state none: "the one", "a few hundred", "a one-way drone"."""
    before = doc[group.start - 1] if group.start else None
    after = doc[group.end] if group.end < len(doc) else None
    if before is None:
        return False
    if group.text.lower() == "one" and before.lower_ in DETERMINERS_BEFORE_PRONOUN_ONE:
        return True
    if before.lower_ in VAGUE_BEFORE:
        return True  # "a few hundred", "several thousand": no number is stated
    return before.lower_ in {"a", "an", "the"} and after is not None and after.text == "-" \
        and not group[-1].whitespace_  # "a one-way attack drone", "a 10-point plan"


@lru_cache(maxsize=1)
def definition_cues() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(c) for c in cues()["sentence"]) + r")\b", re.IGNORECASE)


def is_definition(sent: Span) -> bool:
    """A sentence that defines a term ("A strike, as defined in the releases, means one or
    more events") or equates a generic case with a number ("a single aircraft delivering a
    single weapon is one strike") states how to count, not how many there were."""
    if definition_cues().search(sent.text):
        return True
    for verb in sent:
        if verb.lemma_ != "be" or verb.tag_ not in {"VBZ", "VBP"}:
            continue
        children = list(verb.children)
        counted = any(c.dep_ == "attr" and any(n.dep_ == "nummod" for n in c.children) for c in children)
        subjects = [c for c in children if c.dep_ in {"nsubj", "csubj", "expl"}]
        if counted and (not subjects or subjects[0].dep_ == "csubj"
                        or any(d.lower_ in {"a", "an"} for d in subjects[0].children if d.dep_ == "det")):
            return True
    return False


def count_info(doc: Doc, group: Span, partner: Span | None, found: list[Span], rejected: set[int],
               countries: dict[int, Span], sentence_number: dict[int, int], text: str) -> CountInfo | None:
    """What ``group`` counts, or None when it is no count (see the module docstring)."""
    r = rules()
    before = doc[group.start - 1] if group.start else None
    after = doc[group.end] if group.end < len(doc) else None
    if is_phrase_not_count(doc, group) or is_definition(group.sent):
        return None
    value = value_of(group)
    if value is None:
        return None
    if partner is not None and partner[-1].lower_ in r["scales"] and group[-1].lower_ not in r["scales"]:
        value *= r["scales"][partner[-1].lower_]  # "$7.7 and $14.4 billion"
    info = CountInfo(value=value, qualifier=qualifier_of(doc, group.start))
    country = breakdown_country(doc, group, countries)
    if country is not None:
        info.breakdown, info.country = True, country._.norm
        info.unit, total = governing(group, found, sentence_number)
        info.antecedent = total.start if total is not None else None
        return info
    noun = counted_noun(group) or (counted_noun(partner) if partner is not None else None)
    if noun is not None and not any(c.isalpha() for c in noun.text):
        noun = None  # the parse can take a table's " | " for a noun
    if senses.indefinite_one(group, noun) or senses.multiplier(group, noun) or senses.ranking(group):
        return None
    unit_before = before is not None and before.lower_ in r["units"]
    unit_after_it = after is not None and after.lower_ in r["units"]
    if reason(doc, group, rejected, r["glued"], noun is not None or unit_before or unit_after_it) is not None:
        return None
    cell = tables.cell(doc, text, group)
    if cell is not None:
        info.value *= cell.scale  # "$30.1" under "In Trillions of Dollars"
    if unit_before:
        info.unit = r["units"][before.lower_]
    elif unit_after_it:
        info.unit, info.unit_token = r["units"][after.lower_], after.i
    elif cell is not None:
        if cell.unit is None:
            return None
        info.unit = cell.unit
    elif noun is not None:
        if noun.lower_ in r["durations"] or noun.lemma_.lower() in r["durations"] \
                or modifies_a_modifier(group, noun, value) or counts_no_thing(group, noun, value):
            return None
        info.unit = designation(group, noun) or unit_phrase(noun, group.end - 1)
        info.unit_token = noun.i
    elif (written_after := unit_after(group)) is not None:
        info.unit, info.unit_token = written_after
    else:
        total = antecedent(group, found, sentence_number)
        if total is None or senses.elided_period(group) or senses.label(group):
            return None
        info.unit, info.antecedent = total._.count.unit, total.start
    return info


@Language.factory("claimtrail_counts")
def make_counts(nlp: Language, name: str) -> Callable[[Doc], Doc]:  # noqa: ARG001 - spaCy's signature
    """After dates and actors, whose tokens are no counts."""
    return counts


def counts(doc: Doc) -> Doc:
    blocked = {t.i for key in ("date", "actor") for s in doc.spans.get(key, []) for t in s}
    countries = {s.end: s for s in doc.spans.get("country", [])}
    sentence_number = {sent.start: n for n, sent in enumerate(doc.sents)}
    text = text_of(doc)
    found: list[Span] = []
    rejected = set(blocked)  # tokens of numbers that are not counts: "117" glues "117-81" to them
    groups = number_groups(doc, blocked)
    for k, group in enumerate(groups):
        partner = range_partner(doc, group, groups[k + 1] if k + 1 < len(groups) else None)
        info = count_info(doc, group, partner, found, rejected, countries, sentence_number, text)
        if info is None:
            rejected.update(range(group.start, group.end))
            continue
        span = Span(doc, group.start, group.end, label="count")
        span._.norm = f"{info.value:g}" if info.value < 1e15 else str(info.value)
        span._.count = info
        found.append(span)
    doc.spans["count"] = found
    return doc
